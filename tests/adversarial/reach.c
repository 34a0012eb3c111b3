/* SPDX-License-Identifier: MIT */
/*
 * Reach attacks (issue 13): for every grant, what does Linux let that call
 * reach beyond what the promise means? Other processes' memory through
 * /proc, capabilities kept by root, the network configuration through a
 * netlink socket, extended attributes, AF_UNIX sockets outside the unveiled
 * tree, TCP ports beyond 53, descriptors arriving over a socket.
 *
 * Same rules as attacks.c: prepare() runs before the pledge, run() is the
 * attempt after it and returns its result or -errno; facts beyond the
 * result go to the driver with attack_info().
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attack.h"

extern char attack_parent_secret[32];

static long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

/* ------------------------------------------------ other processes: /proc */

static pid_t who_pid(struct attack_ctx *c, const char *who)
{
	if (strcmp(who, "parent") == 0)
		return getppid();
	if (strcmp(who, "victim") == 0)
		return c->victim;
	if (strcmp(who, "self") == 0)
		return getpid();
	return (pid_t)strtol(who, NULL, 10);
}

/*
 * Open /proc/<WHO>/<FILE> with FLAGS (raw openat) and use it: mem is read
 * (leaked = 1 if the driver's secret came back) or written ("pwned" over
 * the secret: the driver's parent-memory witness; the victim is a fork of
 * the driver, the secret is at the same address); environ is read (bytes).
 */
static long open_and_use(struct attack_ctx *c, pid_t pid, const char *file, int flags)
{
	char path[64], buf[64] = { 0 };
	long fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = sys_ret(syscall(SYS_openat, AT_FDCWD, path, flags, 0));
	if (fd < 0)
		return fd;
	if (strcmp(file, "mem") == 0 && (flags & O_ACCMODE) != O_RDONLY) {
		long n = sys_ret(pwrite((int)fd, "pwned", 6, (off_t)(uintptr_t)attack_parent_secret));
		attack_info(c, "written", n);
	} else if (strcmp(file, "mem") == 0) {
		long n = sys_ret(pread((int)fd, buf, sizeof(buf) - 1,
				       (off_t)(uintptr_t)attack_parent_secret));
		attack_info(c, "read", n);
		attack_info(c, "leaked", n > 0 && strcmp(buf, "driver-secret") == 0);
	} else if (strcmp(file, "environ") == 0) {
		attack_info(c, "read", sys_ret(read((int)fd, buf, sizeof(buf))));
	}
	return fd;
}

long reach_run_proc_open(struct attack_ctx *c)
{
	return open_and_use(c, who_pid(c, c->args[0]), c->args[1], (int)c->val[2]);
}

/* "CapEff:\t000001fffeffffff" -> the number; -ENOENT if absent */
static long cap_field(const char *text, const char *field)
{
	const char *p = strstr(text, field);
	return p ? (long)strtoull(p + strlen(field), NULL, 16) : -ENOENT;
}

static void report_caps(struct attack_ctx *c, const char *prefix, const char *text)
{
	static const char *const fields[][2] = { { "CapInh:", "inh" }, { "CapPrm:", "prm" },
						 { "CapEff:", "eff" }, { "CapBnd:", "bnd" },
						 { "CapAmb:", "amb" } };
	char key[24];

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		snprintf(key, sizeof(key), "%s%s", prefix, fields[i][1]);
		attack_info(c, key, cap_field(text, fields[i][0]));
	}
}

int reach_prep_caps(struct attack_ctx *c)
{
	c->fd = open("/proc/self/status", O_RDONLY);
	return c->fd < 0 ? -1 : 0;
}

/* The capability sets after the pledge, from a /proc/self/status descriptor
 * opened before it (readable under any pledge): info inh prm eff bnd amb. */
long reach_run_caps(struct attack_ctx *c)
{
	char buf[8192];
	ssize_t n = pread(c->fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -errno;
	buf[n] = 0;
	report_caps(c, "", buf);
	return 0;
}

/*
 * Three threads exist before the pledge: one with every signal blocked, one
 * in a blocking read(), one sleeping in a nanosleep loop. After the pledge
 * each one (and the main thread) opens /proc/<WHO>/mem for reading and reads
 * its own /proc/thread-self/status: info tN_open (the open's result), tN_eff
 * and tN_prm (its capability sets; t0 is the main thread).
 */
static struct {
	int pipe[2][2];
	pthread_t t[3];
	volatile int go;
	struct attack_ctx *c;
	pid_t pid;
	const char *file;
} th;

static void thread_attempt(int i)
{
	char key[24], buf[4096];
	long fd = open_and_use(th.c, th.pid, th.file, O_RDONLY);

	snprintf(key, sizeof(key), "t%d_open", i);
	attack_info(th.c, key, fd);
	if (fd >= 0)
		close((int)fd);
	long sfd = sys_ret(syscall(SYS_openat, AT_FDCWD, "/proc/thread-self/status", O_RDONLY, 0));
	ssize_t n = sfd < 0 ? -1 : read((int)sfd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	snprintf(key, sizeof(key), "t%d_eff", i);
	attack_info(th.c, key, n > 0 ? cap_field(buf, "CapEff:") : (sfd < 0 ? sfd : -EIO));
	snprintf(key, sizeof(key), "t%d_prm", i);
	attack_info(th.c, key, n > 0 ? cap_field(buf, "CapPrm:") : (sfd < 0 ? sfd : -EIO));
	if (sfd >= 0)
		close((int)sfd);
}

static void *thread_blocked(void *arg)
{
	sigset_t all;
	char b;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (read(th.pipe[0][0], &b, 1) == 1)
		thread_attempt(1);
	return NULL;
}

static void *thread_reading(void *arg)
{
	char b;

	(void)arg;
	if (read(th.pipe[1][0], &b, 1) == 1)
		thread_attempt(2);
	return NULL;
}

static void *thread_sleeping(void *arg)
{
	struct timespec ms = { 0, 1000000 };

	(void)arg;
	while (!__atomic_load_n(&th.go, __ATOMIC_ACQUIRE))
		nanosleep(&ms, NULL);
	thread_attempt(3);
	return NULL;
}

int reach_prep_threads(struct attack_ctx *c)
{
	void *(*fn[3])(void *) = { thread_blocked, thread_reading, thread_sleeping };

	th.c = c;
	th.file = c->args[1];
	if (pipe(th.pipe[0]) != 0 || pipe(th.pipe[1]) != 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		errno = pthread_create(&th.t[i], NULL, fn[i], NULL);
		if (errno)
			return -1;
	}
	usleep(20000); /* let them reach their waits */
	return 0;
}

long reach_run_threads(struct attack_ctx *c)
{
	long worst = -EACCES;

	th.pid = who_pid(c, c->args[0]);
	/* one at a time: the report's info table has no lock */
	thread_attempt(0);
	if (write(th.pipe[0][1], "g", 1) != 1)
		return -errno;
	pthread_join(th.t[0], NULL);
	if (write(th.pipe[1][1], "g", 1) != 1)
		return -errno;
	pthread_join(th.t[1], NULL);
	__atomic_store_n(&th.go, 1, __ATOMIC_RELEASE);
	pthread_join(th.t[2], NULL);
	/* the result: -EACCES if every thread was refused with EACCES, else
	 * the first other outcome */
	for (int i = 0; i < 4; i++) {
		for (int k = 0; k < c->rep->ninfo; k++) {
			char key[24];
			snprintf(key, sizeof(key), "t%d_open", i);
			if (strcmp(c->rep->info[k].key, key) == 0 && c->rep->info[k].value != -EACCES &&
			    worst == -EACCES)
				worst = c->rep->info[k].value;
		}
	}
	return worst;
}

/* ---------------------------------------------------- netlink (route) */

struct nlreq {
	struct nlmsghdr h;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
	};
	char attrs[64];
};

static void add_attr(struct nlreq *r, unsigned short type, const void *data, unsigned short len)
{
	struct rtattr *a = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->h.nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = NLMSG_ALIGN(r->h.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/*
 * A NETLINK_ROUTE socket opened after the pledge. getlink: an RTM_GETLINK
 * dump (the result is the number of links); setlink-up: RTM_NEWLINK setting
 * lo (index 1) up; newaddr: RTM_NEWADDR adding 10.11.12.13/32 to lo. The
 * last two return the kernel's acknowledgement (0 or -errno).
 */
long reach_run_rtnl(struct attack_ctx *c)
{
	static char buf[32768];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlreq req;
	const char *how = c->args[0];
	long fd = sys_ret(syscall(SYS_socket, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));

	attack_info(c, "socket", fd);
	if (fd < 0)
		return fd;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_seq = 1;
	if (strcmp(how, "getlink") == 0) {
		req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
		req.h.nlmsg_type = RTM_GETLINK;
		req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		req.ifi.ifi_family = AF_UNSPEC;
	} else if (strcmp(how, "setlink-up") == 0) {
		req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
		req.h.nlmsg_type = RTM_NEWLINK;
		req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		req.ifi.ifi_family = AF_UNSPEC;
		req.ifi.ifi_index = 1;
		req.ifi.ifi_flags = IFF_UP;
		req.ifi.ifi_change = IFF_UP;
	} else if (strcmp(how, "newaddr") == 0) {
		struct in_addr a = { htonl(0x0a0b0c0d) };
		req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
		req.h.nlmsg_type = RTM_NEWADDR;
		req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
		req.ifa.ifa_family = AF_INET;
		req.ifa.ifa_prefixlen = 32;
		req.ifa.ifa_index = 1;
		add_attr(&req, IFA_LOCAL, &a, sizeof(a));
		add_attr(&req, IFA_ADDRESS, &a, sizeof(a));
	} else {
		return -EINVAL;
	}
	long r = sys_ret(syscall(SYS_sendto, fd, &req, req.h.nlmsg_len, 0, &kernel, sizeof(kernel)));
	attack_info(c, "sent", r);
	if (r < 0)
		return r;
	long links = 0;
	for (;;) {
		long n = sys_ret(syscall(SYS_recvfrom, fd, buf, sizeof(buf), 0, NULL, NULL));
		if (n < 0)
			return n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return links;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == RTM_NEWLINK)
				attack_info(c, "links", ++links);
		}
	}
}

/* ------------------------------------------------- extended attributes */

/* struct vfs_cap_data, revision 2, effective: cap_setuid in permitted */
static const unsigned int cap_setuid_v2[5] = { 0x02000000 | 1, 1u << 7, 0, 0, 0 };

int reach_prep_xattr(struct attack_ctx *c)
{
	if (c->args[0][0] == 'f') {
		c->fd = open(c->args[1], O_RDONLY);
		return c->fd < 0 ? -1 : 0;
	}
	return 0;
}

/* set|lset|fset|remove|lremove|fremove PATH NAME [cap|text] */
long reach_run_xattr(struct attack_ctx *c)
{
	const char *how = c->args[0], *path = c->args[1], *name = c->args[2];
	const void *val = "x";
	size_t len = 1;

	if (c->nargs > 3 && strcmp(c->args[3], "cap") == 0) {
		val = cap_setuid_v2;
		len = sizeof(cap_setuid_v2);
	}
	if (strcmp(how, "set") == 0)
		return sys_ret(syscall(SYS_setxattr, path, name, val, len, 0));
	if (strcmp(how, "lset") == 0)
		return sys_ret(syscall(SYS_lsetxattr, path, name, val, len, 0));
	if (strcmp(how, "fset") == 0)
		return sys_ret(syscall(SYS_fsetxattr, c->fd, name, val, len, 0));
	if (strcmp(how, "remove") == 0)
		return sys_ret(syscall(SYS_removexattr, path, name));
	if (strcmp(how, "lremove") == 0)
		return sys_ret(syscall(SYS_lremovexattr, path, name));
	if (strcmp(how, "fremove") == 0)
		return sys_ret(syscall(SYS_fremovexattr, c->fd, name));
	return -EINVAL;
}

/* ------------------------------------------------------------- sockets */

/* abstract|path NAME: a new AF_UNIX stream socket connects to NAME (abstract:
 * "\0NAME") */
long reach_run_unix_connect(struct attack_ctx *c)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int abstract = strcmp(c->args[0], "abstract") == 0;
	size_t n = strlen(c->args[1]);
	long fd = sys_ret(syscall(SYS_socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));

	attack_info(c, "socket", fd);
	if (fd < 0)
		return fd;
	if (n + abstract >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path + abstract, c->args[1], n);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + n +
				    (abstract ? 0 : 1));
	return sys_ret(syscall(SYS_connect, fd, &sun, len));
}

/*
 * An AF_INET socket made after the pledge, to 127.0.0.1:PORT:
 * tcp-connect, udp-connect, udp-sendto (4 bytes to the address),
 * udp-bind (bind to the port).
 */
long reach_run_inet(struct attack_ctx *c)
{
	const char *how = c->args[0];
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons((unsigned short)c->val[1]),
				   .sin_addr = { htonl(INADDR_LOOPBACK) } };
	int tcp = strncmp(how, "tcp", 3) == 0;
	long fd = sys_ret(syscall(SYS_socket, AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC,
				  0));

	attack_info(c, "socket", fd);
	if (fd < 0)
		return fd;
	if (strcmp(how, "tcp-connect") == 0 || strcmp(how, "udp-connect") == 0)
		return sys_ret(syscall(SYS_connect, fd, &sin, sizeof(sin)));
	if (strcmp(how, "udp-sendto") == 0)
		return sys_ret(syscall(SYS_sendto, fd, "ping", 4, 0, &sin, sizeof(sin)));
	if (strcmp(how, "udp-bind") == 0)
		return sys_ret(syscall(SYS_bind, fd, &sin, sizeof(sin)));
	return -EINVAL;
}

/* --------------------------------------------------- descriptor passing */

static struct {
	int sv[2];
	int go[2];
	pid_t peer;
} pass;

int reach_prep_msg(struct attack_ctx *c)
{
	(void)c;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pass.sv) != 0)
		return -1;
	/* something to receive */
	return write(pass.sv[1], "m", 1) == 1 ? 0 : -1;
}

/* send|recv: sendmsg or recvmsg of one byte on a socketpair made before the
 * pledge, no ancillary data */
long reach_run_msg(struct attack_ctx *c)
{
	char b = 'x';
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (strcmp(c->args[0], "send") == 0)
		return sys_ret(syscall(SYS_sendmsg, pass.sv[0], &m, 0));
	return sys_ret(syscall(SYS_recvmsg, pass.sv[0], &m, MSG_DONTWAIT));
}

/*
 * A peer process forked before the pledge holds the other end of an AF_UNIX
 * socketpair (stream|dgram). After the pledge (and, with "reenable", an
 * attempt to switch SO_PASSRIGHTS back on: info reenable) the peer sends a
 * descriptor of /etc/passwd with SCM_RIGHTS (info peer_send: its result;
 * when it fails, the peer sends the same byte without one). The attacker
 * recvmsg's: the result is the number of descriptors that arrived; info
 * bytes and ctrunc.
 */
int reach_prep_rights(struct attack_ctx *c)
{
	int type = strcmp(c->args[0], "dgram") == 0 ? SOCK_DGRAM : SOCK_STREAM;

	if (socketpair(AF_UNIX, type, 0, pass.sv) != 0 || pipe(pass.go) != 0)
		return -1;
	pid_t self = getpid();
	pass.peer = fork();
	if (pass.peer < 0)
		return -1;
	if (pass.peer == 0) {
		char b = 'r', cb[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { &b, 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb,
				    .msg_controllen = sizeof(cb) };
		int fd = open("/etc/passwd", O_RDONLY);

		/* never outlive the attacker (it holds the driver's stdout) */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != self)
			_exit(1);
		close(pass.sv[0]);
		if (fd < 0 || read(pass.go[0], &b, 1) != 1)
			_exit(1);
		memset(cb, 0, sizeof(cb));
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof(int));
		long r = sys_ret(sendmsg(pass.sv[1], &m, 0));
		attack_info(c, "peer_send", r);
		if (r < 0) {
			m.msg_control = NULL;
			m.msg_controllen = 0;
			attack_info(c, "peer_plain", sys_ret(sendmsg(pass.sv[1], &m, 0)));
		}
		_exit(0);
	}
	close(pass.sv[1]);
	return 0;
}

long reach_run_rights(struct attack_ctx *c)
{
	char b, cb[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cb,
			    .msg_controllen = sizeof(cb) };
	int st, one = 1;
	long fds = 0;

	if (c->nargs > 1 && strcmp(c->args[1], "reenable") == 0)
		attack_info(c, "reenable", sys_ret(syscall(SYS_setsockopt, pass.sv[0], SOL_SOCKET,
							   83 /* SO_PASSRIGHTS */, &one,
							   sizeof(one))));
	if (write(pass.go[1], "g", 1) != 1)
		return -errno;
	if (syscall(SYS_wait4, pass.peer, &st, 0, NULL) != pass.peer)
		return -errno;
	long n = sys_ret(syscall(SYS_recvmsg, pass.sv[0], &m, MSG_DONTWAIT));
	attack_info(c, "bytes", n);
	if (n < 0)
		return n;
	attack_info(c, "ctrunc", !!(m.msg_flags & MSG_CTRUNC));
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
			fds += (long)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	return fds;
}
