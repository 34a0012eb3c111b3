/* SPDX-License-Identifier: MIT */
/*
 * The two ways scopes-trace observes a program, and what they share: how
 * the program is started (spawn) and the options they take.
 *
 *   notify: SECCOMP_RET_USER_NOTIF + SECCOMP_USER_NOTIF_FLAG_CONTINUE. Every
 *           call, with its arguments, unprivileged, lossless. backend_notify.c
 *   log:    SECCOMP_RET_LOG; the audit records are read through NETLINK_AUDIT
 *           (root) or the kernel log. No arguments; may lose records
 *           without root (and then says so). backend_log.c, its records
 *           from log_records.c
 */
#ifndef SCOPES_TRACE_BACKEND_H
#define SCOPES_TRACE_BACKEND_H

#include <linux/filter.h>
#include <stdint.h>
#include <sys/types.h>

#include "trace.h"

enum log_source {
	LOG_SOURCE_AUTO,      /* daemon, else multicast, else kmsg */
	LOG_SOURCE_DAEMON,    /* register as the audit daemon (root): lossless */
	LOG_SOURCE_MULTICAST, /* the read-only audit multicast group (root) */
	LOG_SOURCE_KMSG,      /* /dev/kmsg: rate-limited, loss detected */
};

struct tr_options {
	char *const *argv;       /* the program and its arguments */
	const char *path;        /* argv[0] resolved through PATH */
	char *const *envp;       /* the program's environment (handshake added) */
	int trace_fd;            /* the handshake pipe's write end in the child, or -1 */
	int trace_rd;            /* the tracer's read end, or -1 */
	int timeline;
	enum log_source log_source;
	int verbose;
};

/* Is SECCOMP_RET_USER_NOTIF with FLAG_CONTINUE available? */
int notify_available(void);

/* Run the program under each backend, filling run. Return 0, or -1 when the
 * backend could not be set up at all (the program did not run; reason
 * printed). run->exit_status is the program's. */
int notify_run(struct trace_run *run, const struct tr_options *opt);
int log_run(struct trace_run *run, const struct tr_options *opt);

/* ------------------------------------------------------------- spawning */

struct spawn {
	const struct tr_options *opt;
	struct sock_fprog prog;
	unsigned seccomp_flags;
	int send_sock;           /* notify: where the child sends the listener fd */
	uint64_t send_magic;     /* sendmsg flags value the filter lets through */
	int set_loginuid;        /* log as root: give the tree its own audit session */
	int errpipe_wr;          /* child: errno of a failed setup or execve */
};

/* Magic sendmsg flags: MSG_NOSIGNAL in the low half the kernel reads, a
 * marker in the high half that only the filter sees (the flags argument is
 * an unsigned int: the kernel ignores the upper bits). */
#define SPAWN_MAGIC_HI 0x5c0be5edull

/*
 * spawn_child - fork the program's process. The child ties its life to the
 * tracer (PR_SET_PDEATHSIG), sets no_new_privs, installs the filter, sends
 * the listener (notify), then execs. Returns the pid, or -1 (errno).
 * *errpipe_rd gets a pipe that reads EOF when the exec succeeded and an int
 * errno (with a stage byte) when it failed.
 */
pid_t spawn_child(struct spawn *s, int *errpipe_rd);

/* Stage codes written before the errno on the error pipe. */
enum spawn_stage { SPAWN_STAGE_SETUP = 1, SPAWN_STAGE_FILTER, SPAWN_STAGE_EXEC };

/* Read the error pipe after the child is gone or the exec is known to have
 * happened: 0 exec succeeded, else sets *stage and returns the errno. */
int spawn_result(int errpipe_rd, int *stage);

/* Wait for the child; store exit status (128+signal) into run. */
void spawn_reap(struct trace_run *run, pid_t pid);

/* Signals while the program runs: a terminal's SIGINT and SIGQUIT reach the
 * program too (we wait for it to end and report); the same signals sent to
 * us alone by a process, and SIGTERM and SIGHUP, are passed on to the
 * program at once; the third such signal kills it (SIGKILL). Install before
 * the fork; call spawn_forward(child) whenever a wait is interrupted. */
void spawn_signals(void);
void spawn_forward(pid_t child);
/* The last such signal that arrived, or 0. (Then we stop waiting for what
 * the program left running once the program itself has ended, and the run
 * was cut short: not complete.) */
int spawn_interrupted(void);
/* Has such a signal arrived and not yet been passed on? */
int spawn_signal_pending(void);
/* In a helper thread: leave those signals to the thread that waits for the
 * program (a process-directed signal goes to any thread not blocking it,
 * and only the waiting one passes it on). */
void spawn_block_signals(void);

/* Say why the tracer itself failed: printed to standard error now, and kept
 * for the JSON error object (tr_last_error, NULL if none). */
void tr_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *tr_last_error(void);

/* Our own executable's path (for recognising the child before it execs). */
const char *self_exe(void);

#endif
