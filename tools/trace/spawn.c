/* SPDX-License-Identifier: MIT */
/*
 * Starting the traced program (see backend.h).
 *
 * The child runs only async-signal-safe code between fork and exec: the
 * tracer may have a reader thread running (log backend), and everything the
 * child needs (path, environment, filter) is prepared before the fork.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"

const char *self_exe(void)
{
	static char path[4096];
	if (!path[0]) {
		ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
		if (n > 0)
			path[n] = '\0';
		else
			strcpy(path, "?");
	}
	return path;
}

static volatile sig_atomic_t pending_signal, pending_from_user, interrupted, last_signal;
static volatile sig_atomic_t arrivals;
static char last_error[512];

/* A terminal's SIGINT/SIGQUIT reach the whole foreground process group, the
 * program included (si_code SI_KERNEL); one sent by a process to us alone
 * (kill, si_code <= 0) must be passed on, or the program never learns of it
 * and we would wait for it to end. SIGTERM and SIGHUP are usually ours
 * alone: always passed on. */
static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	pending_signal = sig;
	pending_from_user = si && si->si_code <= 0;
	last_signal = sig;
	interrupted = 1;
	arrivals++;
}

int spawn_interrupted(void)
{
	return interrupted ? last_signal : 0;
}

int spawn_signal_pending(void)
{
	return pending_signal != 0;
}

void spawn_block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

void spawn_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void spawn_forward(pid_t child)
{
	int sig = pending_signal;
	if (!sig || child <= 0)
		return;
	pending_signal = 0;
	/* a program that ignores what it was sent: the third request ends it */
	if (arrivals >= 3)
		kill(child, SIGKILL);
	else if (sig == SIGTERM || sig == SIGHUP || pending_from_user)
		kill(child, sig);
}

void tr_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	fprintf(stderr, "scopes-trace: %s\n", last_error);
}

const char *tr_last_error(void)
{
	return last_error[0] ? last_error : NULL;
}

static void child_fail(int fd, enum spawn_stage stage, int err)
{
	unsigned char msg[1 + sizeof(int)];
	msg[0] = (unsigned char)stage;
	memcpy(msg + 1, &err, sizeof(int));
	ssize_t w = write(fd, msg, sizeof(msg));
	(void)w;
	_exit(stage == SPAWN_STAGE_EXEC ? (err == ENOENT ? 127 : 126) : 125);
}

/* Write the tracer's login uid (or our uid when none is set) back to
 * /proc/self/loginuid: the kernel then gives this process a new audit
 * session id, inherited by everything it starts, which marks the tree's
 * audit records (needs CAP_AUDIT_CONTROL). Best effort. */
static void new_audit_session(void)
{
	char buf[32];
	int fd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0 || (n >= 10 && memcmp(buf, "4294967295", 10) == 0)) {
		/* unset: use our uid (the only valid value we can vouch for) */
		unsigned long uid = (unsigned long)getuid();
		char tmp[24];
		int k = 0;
		do {
			tmp[k++] = (char)('0' + uid % 10);
			uid /= 10;
		} while (uid && k < 20);
		for (n = 0; k > 0;)
			buf[n++] = tmp[--k];
	}
	fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t w = write(fd, buf, (size_t)n);
		(void)w;
		close(fd);
	}
}

static void send_listener(int sock, int fd, uint64_t magic)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte = 'L';
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	memset(cbuf, 0, sizeof(cbuf));
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	/* the raw call keeps the marker in the flags' upper half, which is
	 * what lets this one sendmsg through the filter without a
	 * notification (nobody would answer it yet) */
	syscall(SYS_sendmsg, sock, &mh, magic);
}

pid_t spawn_child(struct spawn *s, int *errpipe_rd)
{
	int ep[2];
	pid_t parent = getpid();

	if (pipe2(ep, O_CLOEXEC) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(ep[0]);
		close(ep[1]);
		return -1;
	}
	if (pid > 0) {
		close(ep[1]);
		*errpipe_rd = ep[0];
		return pid;
	}
	/* child */
	close(ep[0]);
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* the listener dies with the tracer: the program must too, or every
	 * notified call would fail with ENOSYS */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		child_fail(ep[1], SPAWN_STAGE_SETUP, errno);
	/* the handshake pipe is the one descriptor meant to survive the exec */
	if (s->opt->trace_fd >= 0 && fcntl(s->opt->trace_fd, F_SETFD, 0) != 0)
		child_fail(ep[1], SPAWN_STAGE_SETUP, errno);
	if (s->set_loginuid)
		new_audit_session();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		child_fail(ep[1], SPAWN_STAGE_SETUP, errno);
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->seccomp_flags, &s->prog);
	if (fd < 0)
		child_fail(ep[1], SPAWN_STAGE_FILTER, errno);
	if (s->send_sock >= 0)
		send_listener(s->send_sock, (int)fd, s->send_magic);
	execve(s->opt->path, s->opt->argv, s->opt->envp);
	child_fail(ep[1], SPAWN_STAGE_EXEC, errno);
	return -1;
}

int spawn_result(int errpipe_rd, int *stage)
{
	unsigned char msg[1 + sizeof(int)];
	ssize_t n;
	do
		n = read(errpipe_rd, msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(msg))
		return 0;
	int err;
	memcpy(&err, msg + 1, sizeof(int));
	*stage = msg[0];
	return err ? err : EIO;
}

void spawn_reap(struct trace_run *run, pid_t pid)
{
	int st;
	while (waitpid(pid, &st, __WALL) < 0) {
		if (errno != EINTR) {
			run->exit_status = 125;
			return;
		}
	}
	if (WIFSIGNALED(st)) {
		run->exit_signal = WTERMSIG(st);
		run->exit_status = 128 + WTERMSIG(st);
	} else {
		run->exit_status = WEXITSTATUS(st);
	}
}
