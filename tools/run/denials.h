/* SPDX-License-Identifier: MIT */
/*
 * scopes-run --report: the Landlock denials of the program's process tree,
 * read from audit (Landlock ABI 7, Linux 6.15+, logs them as records 1423
 * AUDIT_LANDLOCK_ACCESS and 1424 AUDIT_LANDLOCK_DOMAIN while audit is
 * enabled). A Landlock denial is no seccomp violation: the call fails with
 * EACCES and the program goes on, so without this nothing would say it.
 *
 * Where they cannot be seen, the watch says why (unseen); where some may
 * have been missed, it says that too (lost). Never silently.
 */
#ifndef SCOPES_RUN_DENIALS_H
#define SCOPES_RUN_DENIALS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <scopes.h>

struct denial_watch;

/*
 * Open the audit side, changing as little as it can: it listens on the
 * read-only multicast group (CAP_AUDIT_READ), never as the audit daemon
 * (that place is a daemon's, or scopes-trace's log backend's); with audit
 * disabled it fails (the reason says how to see them) unless may_enable
 * (--audit): then it enables it for as long as a watcher needs it, shared with the
 * other watchers running at once (audit_enable_shared), and the last one
 * disables it again, at exit or on a crash. Then a sentinel process makes
 * one denial of its own, which must arrive: the control that the kernel
 * logs denials here at all. abi: the kernel's Landlock ABI.
 * Returns the watch, or NULL when the denials cannot be seen, with the
 * reason in why (a sentence, for "Landlock denials cannot be seen: ...").
 */
struct denial_watch *denials_open(int abi, int may_enable, char *why, size_t wsize);

/* The program's process (its tree is followed from it). */
void denials_set_root(struct denial_watch *w, pid_t pid);

/* Read what has arrived, waiting up to ms for a record or for wake_fd to
 * be readable (-1: none). */
void denials_poll(struct denial_watch *w, int wake_fd, int ms);

/* After the program ended: read until everything it caused has arrived
 * (a second sentinel), check for losses, restore the audit state. */
void denials_finish(struct denial_watch *w);

/* The report, one line per kind of denial, each starting with prefix;
 * then a line saying what may be missing. held: the promises the program
 * held; unveiled: -v was given. Returns the number of denials. */
unsigned denials_print(const struct denial_watch *w, FILE *f, const char *prefix,
		       scopes_set_t held, int unveiled);

/* The same for scopes-trace --verify, one tab-separated line each:
 * "denial\tPID\tEXE\tACCESS\tOBJECT\tSYSCALL\tCOUNT\tVERDICT\tALTERNATIVES"
 * (alternatives: promise sets separated by '|'), then "lost\tREASON". */
void denials_write_lines(const struct denial_watch *w, int fd, scopes_set_t held, int unveiled);

void denials_close(struct denial_watch *w);

#endif
