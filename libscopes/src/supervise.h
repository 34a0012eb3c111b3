/* SPDX-License-Identifier: MIT */
/*
 * The exec supervisor: OpenBSD's "exec with no execpromises" on Linux.
 *
 * On OpenBSD an image exec'd by a process pledged with `exec` and NULL
 * execpromises runs unrestricted; on Linux every seccomp filter survives
 * execve. A pledge holding `exec` and `stdio` with NULL execpromises is
 * therefore installed as two programs:
 *
 *  - the kernel runs the pledge's program with every verdict that is not
 *    ALLOW turned into SECCOMP_RET_USER_NOTIF (promised calls never leave
 *    the kernel: they cost what they cost without the supervisor);
 *  - a small process, forked before the pledge changes anything (outside
 *    the Landlock domain, unfiltered, in a session of its own, holding no
 *    descriptor of the program's but the filter's listener), answers each
 *    notification: CONTINUE when the caller's address space is not the one
 *    the pledge was made in (it has executed a new image since: the mm
 *    layout in /proc/TID/stat changed, which only execve can do), else the
 *    verdict of the pledge's own program, evaluated on the same
 *    seccomp_data: the errno, or death by SIGSYS (SIGKILL if SIGSYS is
 *    caught or blocked) for the kill and trap penalties.
 *
 * Fail closed: if the supervisor is gone, the kernel answers every
 * notified call ENOSYS. Only one filter of a chain may have a listener: a
 * later pledge of the same process, or the first pledge of an exec'd image
 * holding `exec`, is installed as a plain filter (scopes_pledge(3),
 * COMPATIBILITY).
 */
#ifndef SCOPES_SUPERVISE_H
#define SCOPES_SUPERVISE_H

#include <linux/filter.h>
#include <stddef.h>

#include "table_internal.h"

/* The supervisor's name in /proc/PID/comm. */
#define SUPERVISE_COMM "scopes-execsup"

struct supervise_plan {
	int sock;  /* the pledger's end of the hand-off socket, or -1 */
	int pid;   /* the supervisor's */
};

/* Fork the supervisor for the pledge program real (count instructions,
 * the pid already bound). Returns 0 (sp ready), or -errno: the pledge then
 * goes on without it (a plain filter). Nothing in the process changes. */
int supervise_start(struct supervise_plan *sp, const struct sock_filter *real,
		    size_t count) SCOPES_HIDDEN;
/* Load insns on every thread (TSYNC, TSYNC_ESRCH) with a listener. Returns
 * the listener, or -errno: EBUSY when a filter of the chain has one,
 * EINVAL on kernels before 5.7, ESRCH as sys_seccomp_load. */
int supervise_load(const struct sock_filter *insns, size_t count) SCOPES_HIDDEN;
/* The filter is loaded with its listener: hand it over (sendmsg, granted by
 * stdio), close it and the socket. Returns 0 or -errno (the listener is
 * closed either way: the notified calls then fail ENOSYS). */
int supervise_handoff(struct supervise_plan *sp, int listener) SCOPES_HIDDEN;
/* No filter with a listener was loaded: let the supervisor go. */
void supervise_cancel(struct supervise_plan *sp) SCOPES_HIDDEN;
/* The kernel's program: every verdict but ALLOW becomes USER_NOTIF. */
void supervise_notify_program(struct sock_filter *insns, size_t count) SCOPES_HIDDEN;
/*
 * A later, narrower pledge of a supervised process: the kernel cannot route
 * its refusals to the listener (the newest filter that notifies is the one
 * asked, and it may have none), so it refuses, with its own penalty, only
 * what prev allowed and next does not (the promises it drops), and allows
 * the rest, which the supervised filter below already refuses to the
 * process itself. Its exec'd images are then refused the dropped calls
 * only. out = prev with ALLOW turned into a jump to next and every other
 * verdict into ALLOW, then next. Returns the count, or -E2BIG, -EINVAL (a
 * program this does not compose: no RET A).
 */
int supervise_compose(const struct sock_filter *prev, size_t np, const struct sock_filter *next,
		      size_t nn, struct sock_filter *out, size_t max) SCOPES_HIDDEN;
/* The verdict of a seccomp program on data (a struct seccomp_data): what
 * the kernel would return. An instruction outside seccomp's subset gives
 * SECCOMP_RET_KILL_PROCESS. */
uint32_t supervise_eval(const struct sock_filter *insns, size_t count,
			const void *data, size_t len) SCOPES_HIDDEN;

#endif
