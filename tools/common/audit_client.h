/* SPDX-License-Identifier: MIT */
/*
 * A small NETLINK_AUDIT client shared by the tools that read audit records:
 * scopes-trace's log backend (seccomp's SECCOMP_RET_LOG records) and
 * scopes-run --report (Landlock's denial records).
 *
 * The kernel facts it works with:
 *  - AUDIT_GET and AUDIT_SET need CAP_AUDIT_CONTROL (EPERM otherwise).
 *  - The socket that sends AUDIT_SET with a pid becomes the audit daemon's:
 *    every record goes to it, none is dropped (audit's backlog wait holds
 *    the producers back), and none reaches the kernel log. One daemon at a
 *    time (EEXIST); only that process can withdraw (pid 0).
 *  - The read-only multicast group AUDIT_NLGRP_READLOG (CAP_AUDIT_READ) sees
 *    every record alongside a daemon, but can drop them (ENOBUFS).
 *  - Records are only produced while audit is enabled (AUDIT_STATUS_ENABLED):
 *    Landlock's denial records need it; seccomp's RET_LOG records do not.
 *  - On the daemon's socket an audit record is one message per datagram and
 *    its nlmsg_len leaves out the header.
 *
 * What a tool changes in the audit state (a registration, enabling audit) is
 * restored by audit_restore_now(), armed at exit and on fatal signals.
 */
#ifndef SCOPES_AUDIT_CLIENT_H
#define SCOPES_AUDIT_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/audit.h>

/* A bound NETLINK_AUDIT socket (close-on-exec), or -1 with errno. */
int audit_nl_socket(void);

/* Send one request and wait (2 s at most) for its answer: the reply of
 * type want (copied into out, zero-filled beyond it) and/or the ack.
 * Returns 0 or -errno. Only on a socket nothing else reads. */
int audit_nl_request(int fd, uint16_t type, const void *data, size_t len, uint16_t want,
		     void *out, size_t out_len);

/* AUDIT_GET: 0 or -errno (EPERM without CAP_AUDIT_CONTROL). */
int audit_status_get(int fd, struct audit_status *st);

/*
 * Register as the audit daemon on a new socket with a large receive buffer
 * (ctl_fd: a socket of audit_nl_socket() kept for the withdrawal). Returns
 * the socket the records arrive on, or -1 with the reason in why
 * ("registering as the audit daemon: File exists (an audit daemon runs)").
 * The withdrawal is armed: audit_restore_now() runs at exit and on SIGSEGV,
 * SIGBUS, SIGABRT, SIGFPE and SIGILL.
 */
int audit_open_daemon(int ctl_fd, char *why, size_t wsize);

/*
 * Have audit enabled for as long as this process needs it, shared with the
 * other processes of this project doing the same (several scopes-run
 * --report at once): each holds the lock file AUDIT_SHARED_LOCK shared
 * while it reads; one that finds audit off enables it and leaves a mark;
 * the last to let go (audit_restore_now, armed as for the daemon: the one
 * that gets the lock exclusively without waiting) disables audit again if
 * the mark says a tool enabled it. Audit enabled by anyone else (auditd) is
 * never disabled. A process killed by SIGKILL leaves audit to the next
 * user's release. Never waits for another run to end. may_enable 0: audit
 * found off is left off (enabling it has a cost until reboot: the kernel
 * then gives every new task an audit context), and the call fails with
 * AUDIT_OFF_REASON in why. Returns 0 (*enabled 1), or -1 with the reason
 * in why.
 */
#define AUDIT_SHARED_LOCK "/run/scopes-audit.lock"
#define AUDIT_OFF_REASON "audit is disabled"
int audit_enable_shared(int ctl_fd, int may_enable, int *enabled, char *why, size_t wsize);

/* A socket in the read-only multicast group, or -1 with the reason in why
 * ("the audit multicast group: Operation not permitted"). */
int audit_open_multicast(char *why, size_t wsize);

/* /dev/kmsg positioned at its end, non-blocking, or -1 with the reason in
 * why (naming kernel.dmesg_restrict when it is set). */
int audit_open_kmsg(char *why, size_t wsize);

/* Undo what this process changed: withdraw the daemon registration, then
 * disable audit if this process enabled it. Async-signal-safe (messages
 * built in advance), idempotent. */
void audit_restore_now(void);

/* In a child forked before it execs: never restore from here (only the
 * parent's registration and enabling are undone, by the parent). */
void audit_restore_forget(void);

/* Is a registration of ours in force? */
int audit_registered(void);

#endif
