/* SPDX-License-Identifier: MIT */
/*
 * Every thread of the process, not only the caller.
 *
 * A seccomp filter reaches every thread by itself (TSYNC), but the rest of a
 * pledge is per thread in the kernel: no_new_privs, the Landlock domain
 * (before Landlock's own thread-sync flag, ABI 8) and the capability sets are
 * each a thread's own credentials. A thread left out would keep its
 * capabilities and stay outside the domain, free to open /proc/<pid>/mem of
 * any process (Revision 2: "threads that exist at pledge time must be in the
 * domain too").
 *
 * threads_run_all() brings every other thread into a signal handler, as glibc
 * does for setuid(2) and libpsx for capabilities, in two phases:
 *   1. every thread is stopped in the handler (threads created meanwhile are
 *      found by listing /proc/self/task again until the list is stable);
 *      none has changed anything yet;
 *   2. the caller runs `each` on itself, then every stopped thread runs it;
 *      then `after` runs on the caller (the seccomp filter is loaded) while
 *      the others are still held, and only then are they released.
 * If a thread cannot be stopped in phase 1 (it blocks the signal with a raw
 * rt_sigprocmask, it is stopped or traced) the call fails with ESRCH before
 * anything has changed. The signal is glibc's SIGSETXID (33), which glibc's
 * own sigprocmask never blocks; our handler passes glibc's own uses of it on.
 */
#ifndef SCOPES_THREADS_H
#define SCOPES_THREADS_H

#include "table_internal.h"

/*
 * Run each(arg) on every thread of the process (the caller first), then
 * after(arg) on the caller alone while the others wait. each must be
 * async-signal-safe and make only system calls the filter in force allows.
 * may_list: /proc/self/task may be opened and read (no filter of this
 * process would refuse it). Returns 0, the caller's own -errno from each,
 * -ESRCH (a thread could not be reached, or another thread's each failed:
 * that thread's error is lost, the caller's is not), or after's -errno.
 * Not reentrant; the caller serialises (the API lock).
 */
int threads_run_all(int (*each)(void *), int (*after)(void *), void *arg, int may_list) SCOPES_HIDDEN;

/* Is the process (possibly) multithreaded? 0 only when it surely is not. */
int threads_maybe_many(void) SCOPES_HIDDEN;

#endif
