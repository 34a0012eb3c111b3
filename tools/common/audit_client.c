/* SPDX-License-Identifier: MIT */
/*
 * The NETLINK_AUDIT client (see audit_client.h). Moved out of scopes-trace's
 * log backend so that scopes-run --report reads audit records the same way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit_client.h"

#define RCVBUF_BYTES (64 << 20)

int audit_nl_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -1;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int audit_nl_request(int fd, uint16_t type, const void *data, size_t len, uint16_t want,
		     void *out, size_t out_len)
{
	struct {
		struct nlmsghdr nh;
		char data[256];
	} req;
	if (len > sizeof(req.data))
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	req.nh.nlmsg_type = type;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	if (len)
		memcpy(req.data, data, len);
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	int got_reply = !want, got_ack = 0;
	char buf[8192];
	while (!got_ack || !got_reply) {
		struct pollfd pf = { fd, POLLIN, 0 };
		if (poll(&pf, 1, 2000) <= 0)
			return -ETIMEDOUT;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);
				if (e->error)
					return e->error;
				got_ack = 1;
			} else if (nh->nlmsg_type == want) {
				size_t pl = nh->nlmsg_len - NLMSG_HDRLEN;
				memset(out, 0, out_len);
				memcpy(out, NLMSG_DATA(nh), pl < out_len ? pl : out_len);
				got_reply = 1;
			}
		}
	}
	return 0;
}

int audit_status_get(int fd, struct audit_status *st)
{
	return audit_nl_request(fd, AUDIT_GET, NULL, 0, AUDIT_GET, st, sizeof(*st));
}

/* ------------------------------------------------------------ restoring */

struct set_msg {
	struct nlmsghdr nh;
	struct audit_status st;
};

/* Built before the change they undo, sent from exit and signal handlers.
 * lock_fd: the shared-enable lock (audit_enable_shared), held shared. */
static struct {
	int fd, lock_fd;
	volatile sig_atomic_t registered, enabled;
	struct set_msg unregister, disable;
	int armed;
} restore = { .fd = -1, .lock_fd = -1 };

static void set_msg_init(struct set_msg *m, uint32_t mask, uint32_t value)
{
	memset(m, 0, sizeof(*m));
	m->nh.nlmsg_len = (uint32_t)NLMSG_LENGTH(sizeof(struct audit_status));
	m->nh.nlmsg_type = AUDIT_SET;
	m->nh.nlmsg_flags = NLM_F_REQUEST;
	m->st.mask = mask;
	if (mask == AUDIT_STATUS_PID)
		m->st.pid = value;
	else
		m->st.enabled = value;
}

static void send_set(const struct set_msg *m)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	sendto(restore.fd, m, m->nh.nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to));
}

/* The last user of a shared enabling disables audit: the one that gets the
 * lock exclusively without waiting (no other user holds it shared) finds
 * the mark of a tool's enabling and clears it; a new user waits for it in
 * its shared flock. A failed conversion drops our shared lock (flock(2)
 * converts by unlocking first): we are letting go anyway.
 * Async-signal-safe (flock, pread, pwrite, sendto). */
static void shared_release(void)
{
	char mark = 0;
	if (flock(restore.lock_fd, LOCK_EX | LOCK_NB) == 0 &&
	    pread(restore.lock_fd, &mark, 1, 0) == 1 && mark == '1') {
		send_set(&restore.disable);
		if (pwrite(restore.lock_fd, "0", 1, 0) != 1)
			mark = 0;
	}
	close(restore.lock_fd);
	restore.lock_fd = -1;
}

void audit_restore_now(void)
{
	if (restore.fd < 0)
		return;
	if (restore.lock_fd >= 0)
		shared_release();
	/* audit off first: records made after it go nowhere, not to the
	 * kernel log as they would once no daemon is registered */
	if (restore.enabled) {
		send_set(&restore.disable);
		restore.enabled = 0;
	}
	if (restore.registered) {
		send_set(&restore.unregister);
		restore.registered = 0;
	}
}

void audit_restore_forget(void)
{
	restore.fd = -1;
	restore.lock_fd = -1; /* the parent's: its descriptor closes at exec */
}

int audit_registered(void)
{
	return restore.registered;
}

static void fatal_signal(int sig)
{
	audit_restore_now();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_exit_restore(void)
{
	audit_restore_now();
}

/* A crash must not leave the kernel sending records to a dead daemon (it
 * would notice at the next record, but say so now) nor audit enabled;
 * SIGTERM and the terminal's signals are each tool's to handle. */
static void arm(int ctl_fd)
{
	restore.fd = ctl_fd;
	set_msg_init(&restore.unregister, AUDIT_STATUS_PID, 0);
	set_msg_init(&restore.disable, AUDIT_STATUS_ENABLED, 0);
	if (restore.armed)
		return;
	restore.armed = 1;
	atexit(on_exit_restore);
	struct sigaction sa = { .sa_handler = fatal_signal, .sa_flags = SA_RESETHAND };
	int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

int audit_enable_shared(int ctl_fd, int may_enable, int *enabled, char *why, size_t wsize)
{
	int fd = open(AUDIT_SHARED_LOCK, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(why, wsize, "%s: %s", AUDIT_SHARED_LOCK, strerror(errno));
		return -1;
	}
	/* shared: it waits only for a last user turning audit off, never
	 * for another run to end */
	while (flock(fd, LOCK_SH) != 0) {
		if (errno != EINTR) {
			snprintf(why, wsize, "%s: %s", AUDIT_SHARED_LOCK, strerror(errno));
			close(fd);
			return -1;
		}
	}
	arm(ctl_fd);
	restore.lock_fd = fd; /* from here on a crash lets go as the exit does */
	struct audit_status st;
	int rc = audit_status_get(ctl_fd, &st);
	if (rc == 0 && !st.enabled && !may_enable) {
		snprintf(why, wsize, AUDIT_OFF_REASON);
		audit_restore_now();
		return -1;
	}
	if (rc == 0 && !st.enabled) {
		/* off, and nobody is in the middle of turning it off (that
		 * one holds the lock exclusively): on, marked as a tool's
		 * (two starting at once both do so, harmlessly) */
		struct audit_status on = { .mask = AUDIT_STATUS_ENABLED, .enabled = 1 };
		if (pwrite(fd, "1", 1, 0) != 1)
			rc = -EIO;
		else
			rc = audit_nl_request(ctl_fd, AUDIT_SET, &on, sizeof(on), 0, NULL, 0);
	}
	if (rc != 0) {
		snprintf(why, wsize, "%s audit: %s", rc == -EIO ? "marking" : "enabling",
			 strerror(-rc));
		audit_restore_now();
		return -1;
	}
	*enabled = 1;
	return 0;
}

/* ------------------------------------------------------------- sources */

static void big_rcvbuf(int fd)
{
	int big = RCVBUF_BYTES;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) != 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
}

int audit_open_daemon(int ctl_fd, char *why, size_t wsize)
{
	int fd = audit_nl_socket();
	if (fd < 0) {
		snprintf(why, wsize, "NETLINK_AUDIT: %s", strerror(errno));
		return -1;
	}
	big_rcvbuf(fd);
	struct audit_status st = { .mask = AUDIT_STATUS_PID, .pid = (uint32_t)getpid() };
	arm(ctl_fd);
	int rc = audit_nl_request(fd, AUDIT_SET, &st, sizeof(st), 0, NULL, 0);
	if (rc != 0) {
		snprintf(why, wsize, "registering as the audit daemon: %s%s", strerror(-rc),
			 rc == -EEXIST ? " (an audit daemon runs)" : "");
		close(fd);
		return -1;
	}
	restore.registered = 1;
	return fd;
}

int audit_open_multicast(char *why, size_t wsize)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0) {
		snprintf(why, wsize, "NETLINK_AUDIT: %s", strerror(errno));
		return -1;
	}
	big_rcvbuf(fd);
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(why, wsize, "the audit multicast group: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int audit_open_kmsg(char *why, size_t wsize)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int e = errno, restrict_ = 0;
		FILE *f = fopen("/proc/sys/kernel/dmesg_restrict", "re");
		if (f) {
			if (fscanf(f, "%d", &restrict_) != 1)
				restrict_ = 0;
			fclose(f);
		}
		snprintf(why, wsize, "/dev/kmsg: %s%s", strerror(e),
			 restrict_ ? " (kernel.dmesg_restrict=1: reading the kernel log needs "
				     "CAP_SYSLOG)"
				   : "");
		return -1;
	}
	lseek(fd, 0, SEEK_END); /* only what comes from now on */
	return fd;
}
