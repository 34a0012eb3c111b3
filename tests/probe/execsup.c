/* SPDX-License-Identifier: MIT */
/*
 * scopes-execsup-probe: the exec supervisor's scenarios (issue 14), driven by
 * pytest/adversarial/test_adv_exec_supervisor.py.
 *
 *   scopes-execsup-probe [-p PROMISES] [-e EXECPROMISES] [-P PENALTY]
 *                        [-N NONCE] [-T SECONDS] SCENARIO [ARG...]
 *   scopes-execsup-probe helper OP...          (the exec'd image)
 *
 * An unpledged driver forks the subject; the subject pledges (-p, -e, -P)
 * and plays the scenario; the driver prints how the subject ended. Every
 * line goes to stdout with write(2), in the order the events happen:
 *
 *   pledge ok | pledge err ENAME
 *   op NAME ok VALUE | op NAME err ENAME      an operation and its answer
 *   child exit N | child signal SIGNAME       a child of the subject ended
 *   helper start                              the exec'd image runs
 *   ...scenario-specific lines (see each scenario)
 *   status exit N | status signal SIGNAME | status timeout
 *
 * Operations (OP), each a call that "stdio proc exec" does not grant unless
 * said otherwise:
 *   socket        socket(AF_INET, SOCK_DGRAM)
 *   unix          socket(AF_UNIX, SOCK_STREAM)
 *   netlink       socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)
 *                 (with `dns` and no `route`: the table's fixed EACCES)
 *   keepcaps      prctl(PR_GET_KEEPCAPS)
 *   mprotect-exec mprotect(anonymous page, PROT_READ|PROT_EXEC)
 *   stat          stat("/etc/hostname") (rpath)
 *   read          open("/etc/hostname", O_RDONLY) (rpath)
 *   getpid        getpid() (stdio: granted everywhere, the control)
 *   pledge=SET    scopes_pledge(SET, NULL)
 *   fork=OP       fork a child that does OP, then report the child's end
 *
 * Exit status of the driver: 0 once the subject has been reported, 2 for a
 * usage error, 3 when the driver's own setup failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include <scopes.h>
#include <scopes/table.h>

#include "subject.h"

#define SUPERVISOR_COMM "scopes-execsup"
#define LOCK_PATH "/tmp/scopes-execsup-probe.lock"
#define MAX_SUPERVISORS 256

static char self_exe[PATH_MAX];
static const char *nonce = "";
extern char **environ;

/* ------------------------------------------------------------ operations */

/* One operation; returns its value, or -1 with errno. */
static long op_call(const char *op)
{
	if (strcmp(op, "socket") == 0)
		return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (strcmp(op, "unix") == 0)
		return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (strcmp(op, "netlink") == 0)
		return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (strcmp(op, "keepcaps") == 0)
		return prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0);
	if (strcmp(op, "mprotect-exec") == 0) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (p == MAP_FAILED)
			return -1;
		return mprotect(p, 4096, PROT_READ | PROT_EXEC);
	}
	if (strcmp(op, "stat") == 0) {
		struct stat sb;
		return stat("/etc/hostname", &sb);
	}
	if (strcmp(op, "read") == 0)
		return open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (strcmp(op, "getpid") == 0)
		return getpid();
	if (strncmp(op, "pledge=", 7) == 0)
		return scopes_pledge(op + 7, NULL);
	errno = EDOM;
	return -1;
}

/* An operation's answer: "op NAME ok VALUE", or "op NAME err ENAME" when r
 * is negative (errno says why). */
static void say_op(const char *name, long r)
{
	if (r < 0)
		subject_say("op %s err %s", name, subject_errname(errno));
	else
		subject_say("op %s ok %ld", name, r);
}

static void do_op(const char *op);

/* the child of fork=OP (subject_fork_report: it returns its exit status) */
static int child_op(void *op)
{
	do_op(op);
	return 0;
}

static void do_op(const char *op)
{
	if (strncmp(op, "fork=", 5) == 0) {
		subject_fork_report("child", "op fork", child_op, (char *)op + 5);
		return;
	}
	errno = 0;
	say_op(op, op_call(op));
}

static void do_ops(char **ops)
{
	for (; *ops; ops++)
		do_op(*ops);
}

static int child_ops(void *ops)
{
	do_ops(ops);
	return 0;
}

/* ------------------------------------------------------------ exec'ing the helper */

static _Noreturn void exec_helper(char **ops)
{
	char *argv[64];
	int n = 0;

	argv[n++] = self_exe;
	argv[n++] = (char *)"helper";
	for (; *ops && n < 63; ops++)
		argv[n++] = *ops;
	argv[n] = NULL;
	execve(self_exe, argv, environ);
	subject_say("exec err %s", subject_errname(errno));
	_exit(120);
}

static int child_exec_helper(void *ops)
{
	exec_helper(ops);
}

/* fork, exec the helper with OPS, report the child's end */
static void fork_exec_helper(char **ops)
{
	subject_fork_report("child", "fork", child_exec_helper, ops);
}

/* ------------------------------------------------------------ scenarios */

struct thread_ops {
	char **ops;
	int exec;
};

static void *thread_main(void *arg)
{
	struct thread_ops *t = arg;
	subject_say("thread start");
	if (t->exec)
		exec_helper(t->ops);
	do_ops(t->ops);
	return NULL;
}

static void run_thread(char **ops, int exec)
{
	pthread_t th;
	struct thread_ops t = { ops, exec };
	int e = pthread_create(&th, NULL, thread_main, &t);
	if (e) {
		subject_say("thread err %s", subject_errname(e));
		return;
	}
	if (exec) {
		/* the exec replaces the whole process (nanosleep: stdio) */
		for (;;) {
			struct timespec ts = { 1, 0 };
			nanosleep(&ts, NULL);
		}
	}
	pthread_join(th, NULL);
	subject_say("thread joined");
}

static volatile sig_atomic_t handled;
static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

struct spammer {
	pid_t tid;
	volatile int stop;
};

static void *spam_main(void *arg)
{
	struct spammer *s = arg;
	pid_t pid = getpid();
	while (!s->stop)
		syscall(SYS_tgkill, pid, s->tid, SIGUSR1);
	return NULL;
}

/* N violations (socket), or more until signals have landed, while another
 * thread keeps interrupting this one with a SA_RESTART signal. Prints
 * "signals delivered|none" and the tally of answers. */
static void run_signals(int n)
{
	struct sigaction sa;
	struct spammer s = { (pid_t)syscall(SYS_gettid), 0 };
	pthread_t th;
	int ok = 0, eperm = 0, enosys = 0, other = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	if (pthread_create(&th, NULL, spam_main, &s) != 0) {
		subject_say("thread err");
		return;
	}
	/* at least n calls, and on until some signals have landed */
	int i;
	for (i = 0; i < n || (handled < 10 && i < 50 * n); i++) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd >= 0) {
			ok++;
			close(fd);
		} else if (errno == EPERM) {
			eperm++;
		} else if (errno == ENOSYS) {
			enosys++;
		} else {
			other++;
		}
	}
	s.stop = 1;
	pthread_join(th, NULL);
	subject_say("signals %s", handled > 0 ? "delivered" : "none");
	subject_say("violations %d ok %d EPERM %d ENOSYS %d other %d", i, ok, eperm, enosys, other);
}

/* The violation the race scenarios make, socket(AF_INET), as an exit code:
 * 10 it worked, 11 EPERM, 12 ENOSYS, 13 another error. */
static int violation_code(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return fd >= 0 ? 10 : errno == EPERM ? 11 : errno == ENOSYS ? 12 : 13;
}

/* How pre-exec children that made the violation ended. */
struct tally {
	int sigsys, eperm, enosys, ok, other;
};

static void tally_add(struct tally *t, int st)
{
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		t->sigsys++;
	else if (code == 11)
		t->eperm++;
	else if (code == 12)
		t->enosys++;
	else if (code == 10)
		t->ok++;
	else
		t->other++;
}

/*
 * N cycles racing pre-exec violations against exec'd images that come and
 * go: each cycle forks A, which execs the helper (a violation, its answer on
 * a pipe, then it waits to be killed), and B, a pre-exec fork made while A
 * is exec'ing, which makes the same violation; A is then killed so that its
 * pid is free for the next forks. Prints the tallies:
 *   race exec ok N other M        the exec'd images' violations that worked
 *   race pre-exec SIGSYS ...      how each pre-exec violation ended
 *   race pid-reuse N              B got the pid of one of the last 64 A's
 */
/* A of the race scenarios: an exec'd helper ("race-a") that makes a call
 * the pledge does not grant and writes its outcome code on the pipe p.
 * Returns its pid, or -1 (said). */
static pid_t race_a_start(int p[2])
{
	char fdarg[16];
	if (pipe2(p, 0) < 0) {
		subject_say("pipe err %s", subject_errname(errno));
		return -1;
	}
	snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
	pid_t a = fork();
	if (a < 0) {
		subject_say("fork err %s", subject_errname(errno));
		return -1;
	}
	if (a == 0) {
		char *ops[] = { (char *)"race-a", fdarg, NULL };
		close(p[0]);
		exec_helper(ops);
	}
	return a;
}

/* A's answer (one byte: its exit-status code), then A dies, its pid free
 * again; EOF when A died before answering. 1 if the call worked in A. */
static int race_a_finish(pid_t a, int p[2])
{
	char c = 0;
	ssize_t r;
	close(p[1]);
	while ((r = read(p[0], &c, 1)) < 0 && errno == EINTR)
		;
	close(p[0]);
	kill(a, SIGKILL);
	subject_wait(a);
	return r == 1 && c == 10;
}

static void run_race(int n)
{
	int a_ok = 0, a_other = 0, reused = 0, nlast = 0;
	struct tally b_end = { 0, 0, 0, 0, 0 };
	pid_t last_a[64];

	for (int i = 0; i < n; i++) {
		int p[2];
		pid_t a = race_a_start(p);
		if (a < 0)
			return;
		/* B: a pre-exec fork made while A is exec'ing */
		pid_t b = fork();
		if (b < 0) {
			subject_say("fork err %s", subject_errname(errno));
			return;
		}
		if (b == 0)
			_exit(violation_code());
		for (int j = 0; j < nlast; j++)
			if (last_a[j] == b)
				reused++;
		if (race_a_finish(a, p))
			a_ok++;
		else
			a_other++;
		tally_add(&b_end, subject_wait(b));
		last_a[i % 64] = a;
		if (nlast < 64)
			nlast++;
	}
	subject_say("race cycles %d", n);
	subject_say("race exec ok %d other %d", a_ok, a_other);
	subject_say("race pre-exec SIGSYS %d EPERM %d ENOSYS %d ok %d other %d", b_end.sigsys,
		    b_end.eperm, b_end.enosys, b_end.ok, b_end.other);
	subject_say("race pid-reuse %d", reused);
}

/*
 * K times: A execs the helper (a violation, its answer on a pipe, then it
 * waits), A is killed and reaped, then the subject forks until a child gets
 * A's pid back and that pre-exec child makes the same violation. The driver
 * runs this scenario in a pid namespace of its own whose init (the reaper,
 * unpledged) sets ns_last_pid to A's pid - 1 before each fork, so the pid
 * comes back at once; without one, the forks run through pid_max. Prints
 *   reuse exec ok N other M                 A's answers
 *   reuse hits H SIGSYS .. EPERM .. ENOSYS .. ok .. other ..
 */
static int pid_max = 32768;
/* the pid-namespace reaper's request pipe (-1: none, fork through pid_max) */
static int reuse_req_w = -1, reuse_ack_r = -1;

static void ask_next_pid(pid_t pid)
{
	int v = (int)pid - 1;
	char c;
	if (reuse_req_w < 0)
		return;
	if (write(reuse_req_w, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return;
	while (read(reuse_ack_r, &c, 1) < 0 && errno == EINTR)
		;
}

static void run_reuse(int k)
{
	int a_ok = 0, a_other = 0, hits = 0;
	struct tally hit_end = { 0, 0, 0, 0, 0 };

	for (int i = 0; i < k; i++) {
		int p[2];
		pid_t a = race_a_start(p);
		if (a < 0)
			return;
		if (race_a_finish(a, p))
			a_ok++;
		else
			a_other++;
		long bound = reuse_req_w >= 0 ? 20 : 3L * pid_max;
		for (long tries = 0; tries < bound; tries++) {
			ask_next_pid(a);
			pid_t b = fork();
			if (b < 0) {
				if (errno == EAGAIN)
					continue;
				subject_say("fork err %s", subject_errname(errno));
				return;
			}
			if (b == 0)
				_exit(getpid() == a ? violation_code() : 0);
			int st = subject_wait(b);
			if (b != a)
				continue;
			hits++;
			tally_add(&hit_end, st);
			break;
		}
	}
	subject_say("reuse exec ok %d other %d", a_ok, a_other);
	subject_say("reuse hits %d SIGSYS %d EPERM %d ENOSYS %d ok %d other %d", hits,
		    hit_end.sigsys, hit_end.eperm, hit_end.enosys, hit_end.ok, hit_end.other);
}

/* ------------------------------------------------------------ the helper (exec'd image) */

static int helper_main(char **ops)
{
	if (ops[0] && strcmp(ops[0], "race-a") == 0 && ops[1]) {
		/* quiet: one byte on the pipe FD (10 ok, 11 EPERM, 12 ENOSYS),
		 * then wait to be killed */
		char c = (char)violation_code();
		if (write(atoi(ops[1]), &c, 1) != 1)
			_exit(14);
		for (;;) {
			struct timespec ts = { 1, 0 };
			nanosleep(&ts, NULL);
		}
	}
	subject_say("helper start");
	do_ops(ops);
	subject_say("helper end");
	return 0;
}

/* ------------------------------------------------------------ finding the supervisor */

struct sup {
	pid_t pid;
	unsigned long long start;
};

/* Field 22 (starttime) and 5 (pgrp), 4 (ppid), 3 (state) of /proc/PID/stat. */
static int proc_stat(pid_t pid, char *state, pid_t *ppid, pid_t *pgrp,
		     unsigned long long *start)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	int pp, pg;
	char st;
	unsigned long long s;
	/* ") S ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 *  utime stime cutime cstime priority nice threads itreal starttime" */
	if (sscanf(p + 1, " %c %d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
			  "%*d %llu", &st, &pp, &pg, &s) != 4)
		return -1;
	if (state)
		*state = st;
	if (ppid)
		*ppid = pp;
	if (pgrp)
		*pgrp = pg;
	if (start)
		*start = s;
	return 0;
}

static int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return (int)n;
}

static int list_supervisors(struct sup *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)) && n < max) {
		char path[300], comm[64];
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		if (read_small(path, comm, sizeof(comm)) < 0)
			continue;
		if (strcmp(comm, SUPERVISOR_COMM "\n") != 0)
			continue;
		char st;
		unsigned long long start;
		if (proc_stat((pid_t)pid, &st, NULL, NULL, &start) < 0 || st == 'Z' || st == 'X')
			continue;
		out[n].pid = (pid_t)pid;
		out[n].start = start;
		n++;
	}
	closedir(d);
	return n;
}

static int cmdline_has_nonce(pid_t pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	int n = read_small(path, buf, sizeof(buf));
	if (n <= 0 || !*nonce)
		return 0;
	for (int i = 0; i < n; i += (int)strlen(buf + i) + 1)
		if (strcmp(buf + i, nonce) == 0)
			return 1;
	return 0;
}

/* The supervisor that appeared since `before`: one carrying our nonce in
 * its command line (a fork of the subject), else the only new one. */
static int find_supervisor(const struct sup *before, int nbefore, struct sup *found)
{
	struct sup now[MAX_SUPERVISORS], fresh[MAX_SUPERVISORS];
	int n = list_supervisors(now, MAX_SUPERVISORS), nfresh = 0, nmatch = 0;
	struct sup match = { 0, 0 };

	for (int i = 0; i < n; i++) {
		int old = 0;
		for (int j = 0; j < nbefore; j++)
			if (before[j].pid == now[i].pid && before[j].start == now[i].start)
				old = 1;
		if (old)
			continue;
		fresh[nfresh++] = now[i];
		if (cmdline_has_nonce(now[i].pid)) {
			match = now[i];
			nmatch++;
		}
	}
	if (nmatch == 1) {
		*found = match;
		return 1;
	}
	if (nmatch == 0 && nfresh == 1) {
		*found = fresh[0];
		return 1;
	}
	return nmatch ? nmatch : nfresh;
}

/* Alive: /proc/PID exists with the same start time and is not a zombie. */
static int sup_alive(const struct sup *s)
{
	char st;
	unsigned long long start;
	if (proc_stat(s->pid, &st, NULL, NULL, &start) < 0)
		return 0;
	return start == s->start && st != 'Z' && st != 'X';
}

static int wait_gone(const struct sup *s, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (!sup_alive(s))
			return 1;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return !sup_alive(s);
}

/* ------------------------------------------------------------ driver */

static pid_t subject_pid;
static void on_alarm(int sig)
{
	(void)sig;
	if (subject_pid > 0)
		kill(subject_pid, SIGKILL);
	static const char msg[] = "status timeout\n";
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(0);
}

/*
 * Init of the reuse scenario's pid namespace: forks the subject, answers its
 * ns_last_pid requests, reaps every orphan, prints the subject's end.
 */
struct setup;
static int subject(const struct setup *s, const char *scenario, char **args);

static int reaper(const struct setup *s, const char *scenario, char **args)
{
	int req[2], ack[2];
	if (pipe2(req, O_CLOEXEC) < 0 || pipe2(ack, O_CLOEXEC) < 0) {
		subject_say("reaper err %s", subject_errname(errno));
		return 3;
	}
	/* a /proc of this pid namespace: the exec supervisor names tasks by
	 * the pids its namespace gives them, and refuses a /proc that does not */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
		subject_say("reaper mount-proc err %s", subject_errname(errno));
		return 3;
	}
	int ctl = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	if (ctl < 0) {
		subject_say("reaper ns_last_pid err %s", subject_errname(errno));
		return 3;
	}
	pid_t pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0) {
		close(req[0]);
		close(ack[1]);
		close(ctl);
		reuse_req_w = req[1];
		reuse_ack_r = ack[0];
		_exit(subject(s, scenario, args));
	}
	close(req[1]);
	close(ack[0]);
	for (;;) {
		struct pollfd pfd = { req[0], POLLIN, 0 };
		int st;
		pid_t w;
		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w == pid) {
				subject_report_status("status", st);
				return 0;
			}
		}
		if (poll(&pfd, 1, 20) == 1) {
			int v;
			ssize_t n = read(req[0], &v, sizeof(v));
			if (n == (ssize_t)sizeof(v)) {
				char num[32], c = 'A';
				int len = snprintf(num, sizeof(num), "%d", v);
				if (pwrite(ctl, num, (size_t)len, 0) != len)
					subject_say("reaper ns_last_pid err %s",
						    subject_errname(errno));
				if (write(ack[1], &c, 1) != 1)
					return 3;
			} else if (n == 0) {
				/* the subject is gone: only its status is left */
				close(req[0]);
				req[0] = -1;
				st = subject_wait(pid);
				subject_report_status("status", st);
				return 0;
			}
		}
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: scopes-execsup-probe [-p PROMISES] [-e EXECPROMISES] [-P PENALTY] "
		"[-N NONCE] [-T SECONDS] SCENARIO [ARG...]\n"
		"scenarios: self OP..., exec OP..., fork OP..., fork2 OP..., thread OP...,\n"
		"  thread-exec OP..., name NAME OP..., dumpable OP..., setmm OP...,\n"
		"  badexec OP..., signals N, race N, reuse K, supervisor, killsup OP...,\n"
		"  sh SCRIPT\n"
		"       scopes-execsup-probe helper OP...\n");
	exit(2);
}

struct setup {
	const char *promises, *execpromises;
	enum scopes_penalty penalty;
	int ready_w, go_r, eof_w, exe_fd;
};

static int do_pledge(const struct setup *s)
{
	if (scopes_set_penalty(s->penalty) != 0) {
		subject_say("pledge err %s", subject_errname(errno));
		return -1;
	}
	if (scopes_pledge(s->promises, s->execpromises) != 0) {
		subject_say("pledge err %s", subject_errname(errno));
		return -1;
	}
	subject_say("pledge ok");
	return 0;
}

static void signal_ready(const struct setup *s)
{
	char c = 'R';
	if (write(s->ready_w, &c, 1) != 1)
		subject_say("ready err %s", subject_errname(errno));
}

static void wait_go(const struct setup *s)
{
	char c;
	while (read(s->go_r, &c, 1) < 0 && errno == EINTR)
		;
}

/* The children of the scenarios (subject_fork_report): each returns its
 * exit status. */
static int child_fork2(void *ops)
{
	subject_fork_report("grandchild", "fork", child_ops, ops);
	return 0;
}

static int child_thread_exec(void *ops)
{
	run_thread(ops, 1);
	return 121;
}

static int child_sh(void *script)
{
	char *argv[] = { (char *)"sh", (char *)"-c", script, NULL };
	execve("/bin/sh", argv, environ);
	subject_say("exec err %s", subject_errname(errno));
	return 120;
}

/* The pledged process: returns its exit status. */
static int subject(const struct setup *s, const char *scenario, char **args)
{
	if (strcmp(scenario, "supervisor") == 0) {
		/* its own process group, which a SIGINT to the group must not
		 * carry beyond; the subject itself ignores it */
		setpgid(0, 0);
		signal(SIGINT, SIG_IGN);
	}
	if (do_pledge(s) != 0)
		return 4;

	if (strcmp(scenario, "self") == 0) {
		do_ops(args);
	} else if (strcmp(scenario, "exec") == 0) {
		fork_exec_helper(args);
	} else if (strcmp(scenario, "exec-then-self") == 0) {
		/* a child execs (and its image makes the calls), then the
		 * pre-exec parent makes the same calls */
		fork_exec_helper(args);
		do_ops(args);
	} else if (strcmp(scenario, "fork") == 0) {
		subject_fork_report("child", "fork", child_ops, args);
	} else if (strcmp(scenario, "fork2") == 0) {
		/* a grandchild forked before any exec */
		subject_fork_report("child", "fork", child_fork2, args);
	} else if (strcmp(scenario, "thread") == 0) {
		run_thread(args, 0);
	} else if (strcmp(scenario, "thread-exec") == 0) {
		/* a child whose second thread execs the helper */
		subject_fork_report("child", "fork", child_thread_exec, args);
	} else if (strcmp(scenario, "name") == 0) {
		if (!args[0])
			usage();
		say_op("set-name", prctl(PR_SET_NAME, args[0], 0, 0, 0));
		do_ops(args + 1);
	} else if (strcmp(scenario, "dumpable") == 0) {
		say_op("set-dumpable", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
		do_ops(args);
	} else if (strcmp(scenario, "setmm") == 0) {
		/* point /proc/PID/exe at another program, move the argument
		 * area (both what a supervisor might look at) */
		say_op("set-mm-exe", prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, s->exe_fd, 0, 0));
		do_ops(args);
	} else if (strcmp(scenario, "badexec") == 0) {
		/* execs that fail: the image never changes */
		char *argv[] = { (char *)"x", NULL };
		say_op("exec-missing", execve("/nonexistent/scopes-execsup", argv, environ));
		say_op("exec-dir", execve("/etc", argv, environ));
		do_ops(args);
	} else if (strcmp(scenario, "signals") == 0) {
		run_signals(args[0] ? atoi(args[0]) : 1000);
	} else if (strcmp(scenario, "reuse") == 0) {
		run_reuse(args[0] ? atoi(args[0]) : 2);
	} else if (strcmp(scenario, "race") == 0) {
		run_race(args[0] ? atoi(args[0]) : 200);
	} else if (strcmp(scenario, "supervisor") == 0) {
		int st;
		say_op("waitpid", waitpid(-1, &st, WNOHANG));
		close(s->eof_w);
		signal_ready(s);
		wait_go(s);
	} else if (strcmp(scenario, "killsup") == 0) {
		signal_ready(s);
		wait_go(s);
		do_ops(args);
		fork_exec_helper(args);
	} else if (strcmp(scenario, "sh") == 0) {
		if (!args[0])
			usage();
		subject_fork_report("child", "fork", child_sh, args[0]);
	} else {
		subject_say("unknown scenario %s", scenario);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct setup s = { "", NULL, SCOPES_PENALTY_KILL, -1, -1, -1, -1 };
	int timeout = 60, c;

	if (argc >= 2 && strcmp(argv[1], "helper") == 0)
		return helper_main(argv + 2);

	while ((c = getopt(argc, argv, "+p:e:P:N:T:")) != -1) {
		switch (c) {
		case 'p':
			s.promises = optarg;
			break;
		case 'e':
			s.execpromises = optarg;
			break;
		case 'P': {
			int p = scopes_penalty_parse(optarg);
			if (p < 0)
				usage();
			s.penalty = (enum scopes_penalty)p;
			break;
		}
		case 'N':
			nonce = optarg;
			break;
		case 'T':
			timeout = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	const char *scenario = argv[optind];
	char **args = argv + optind + 1;

	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n <= 0) {
		perror("readlink /proc/self/exe");
		return 3;
	}
	self_exe[n] = 0;
	char pm[32];
	if (read_small("/proc/sys/kernel/pid_max", pm, sizeof(pm)) > 0 && atoi(pm) > 0)
		pid_max = atoi(pm);

	int ready[2], go[2], eof[2];
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0 || pipe2(eof, 0) < 0) {
		perror("pipe");
		return 3;
	}
	s.ready_w = ready[1];
	s.go_r = go[0];
	s.eof_w = eof[1];
	s.exe_fd = open("/bin/true", O_RDONLY | O_CLOEXEC);

	int watch = strcmp(scenario, "supervisor") == 0 || strcmp(scenario, "killsup") == 0;
	struct sup before[MAX_SUPERVISORS];
	int nbefore = 0, lock = -1;
	if (watch) {
		/* other runs of this probe pledge between our two snapshots
		 * only one at a time */
		lock = open(LOCK_PATH, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
		if (lock < 0 || flock(lock, LOCK_EX) < 0) {
			perror(LOCK_PATH);
			return 3;
		}
		nbefore = list_supervisors(before, MAX_SUPERVISORS);
		if (nbefore < 0) {
			perror("/proc");
			return 3;
		}
	}

	int reuse = strcmp(scenario, "reuse") == 0;
	if (reuse) {
		/* a pid namespace where nothing else takes pids (and, when not
		 * root, a user namespace that gives its init ns_last_pid) */
		int flags = CLONE_NEWPID | CLONE_NEWNS | (geteuid() != 0 ? CLONE_NEWUSER : 0);
		if (unshare(flags) < 0) {
			subject_say("unshare err %s", subject_errname(errno));
			return 3;
		}
	}

	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 3;
	}
	if (pid == 0 && reuse)
		_exit(reaper(&s, scenario, args));
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		close(eof[0]);
		if (lock >= 0)
			close(lock);
		_exit(subject(&s, scenario, args));
	}
	subject_pid = pid;
	signal(SIGALRM, on_alarm);
	alarm((unsigned)timeout);
	close(ready[1]);
	close(go[0]);
	close(eof[1]);
	/* the subject's process group, for kill(-pgrp) */
	if (strcmp(scenario, "supervisor") == 0)
		setpgid(pid, pid);

	if (watch) {
		char r;
		ssize_t got;
		while ((got = read(ready[0], &r, 1)) < 0 && errno == EINTR)
			;
		struct sup sup = { 0, 0 };
		int k = got == 1 ? find_supervisor(before, nbefore, &sup) : 0;
		flock(lock, LOCK_UN);
		close(lock);
		if (got != 1) {
			subject_say("supervisor not-ready");
		} else if (k != 1 || sup.pid == 0) {
			subject_say(k == 0 ? "supervisor none" : "supervisor ambiguous %d", k);
		} else {
			char path[64], comm[64] = "";
			snprintf(path, sizeof(path), "/proc/%d/comm", (int)sup.pid);
			read_small(path, comm, sizeof(comm));
			comm[strcspn(comm, "\n")] = 0;
			subject_say("supervisor comm %s", comm);
			pid_t ppid = 0, pgrp = 0;
			proc_stat(sup.pid, NULL, &ppid, &pgrp, NULL);
			subject_say("supervisor parent %s", ppid == pid ? "subject" : "other");
			if (strcmp(scenario, "supervisor") == 0) {
				subject_say("supervisor pgrp %s",
					    pgrp == pid ? "subject" : "other");
				struct pollfd pfd = { eof[0], POLLIN, 0 };
				int pr = poll(&pfd, 1, 3000);
				char b;
				if (pr == 1 && read(eof[0], &b, 1) == 0)
					subject_say("pipe eof");
				else
					subject_say("pipe open");
				kill(-pid, SIGINT);
				struct timespec ts = { 0, 300 * 1000 * 1000 };
				nanosleep(&ts, NULL);
				subject_say("supervisor after-sigint %s",
					    sup_alive(&sup) ? "alive" : "gone");
			} else {
				kill(sup.pid, SIGKILL);
				subject_say("supervisor killed %s",
					    wait_gone(&sup, 5000) ? "gone" : "alive");
			}
		}
		char g = 'G';
		if (write(go[1], &g, 1) != 1)
			perror("go");
		close(go[1]);
		int st = subject_wait(pid);
		alarm(0);
		subject_report_status("status", st);
		if (strcmp(scenario, "supervisor") == 0 && sup.pid)
			subject_say("supervisor after-exit %s",
				    wait_gone(&sup, 5000) ? "gone" : "alive");
		return 0;
	}

	close(go[1]);
	int st = subject_wait(pid);
	alarm(0);
	if (reuse && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0; /* the reaper printed the subject's status */
	subject_report_status(reuse ? "reaper" : "status", st);
	return 0;
}
