/* SPDX-License-Identifier: MIT */
/*
 * Every thread of the process (see threads.h for the protocol and why).
 *
 * The handler and the caller meet through one static job: counters the
 * threads raise as they arrive, finish and leave, and a phase word the caller
 * moves (WAIT -> RUN -> RELEASE, or WAIT -> ABORT). Both sides sleep on futexes;
 * nothing here allocates, and the handler makes only futex, getpid and the
 * calls of `each`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/single_threaded.h>
#include <time.h>

#include "system.h"
#include "threads.h"

#define BROADCAST_SIGNAL 33          /* glibc's SIGSETXID: its sigprocmask never blocks it */
#define THREADS_MAX 4096
#define ARRIVE_TIMEOUT_NS (5LL * 1000000000LL)

enum phase { PHASE_WAIT, PHASE_RUN, PHASE_ABORT, PHASE_RELEASE };

static struct {
	int active;
	long pid;
	int (*each)(void *);
	void *arg;
	int phase;     /* futex word: enum phase */
	int arrived;   /* futex word: threads stopped in the handler */
	int done;      /* futex word: threads that ran `each` (or skipped it) */
	int left;      /* futex word: threads out of the wait */
	int failed;    /* the first other thread's -errno, or 0 */
	struct sys_sigaction old;
	int nsent;
	int tid[THREADS_MAX];
} job;

static void add_and_wake(int *word)
{
	__atomic_add_fetch(word, 1, __ATOMIC_SEQ_CST);
	sys_futex_wake(word);
}

static void handler(int sig, siginfo_t *info, void *uc)
{
	int saved = errno;

	if (!__atomic_load_n(&job.active, __ATOMIC_ACQUIRE) || info->si_code != SI_QUEUE ||
	    info->si_pid != job.pid || info->si_value.sival_ptr != (void *)&job) {
		/* not ours: glibc's setxid broadcast, if glibc's handler was
		 * installed before ours, goes on to it */
		void *h = job.old.handler;
		if (h && h != (void *)SIG_DFL && h != (void *)SIG_IGN) {
			if (job.old.flags & SA_SIGINFO)
				((void (*)(int, siginfo_t *, void *))h)(sig, info, uc);
			else
				((void (*)(int))h)(sig);
		}
		errno = saved;
		return;
	}
	add_and_wake(&job.arrived);
	int ph;
	while ((ph = __atomic_load_n(&job.phase, __ATOMIC_ACQUIRE)) == PHASE_WAIT)
		sys_futex_wait(&job.phase, PHASE_WAIT, -1);
	if (ph == PHASE_RUN) {
		int rc = job.each(job.arg);
		if (rc < 0) {
			int zero = 0;
			__atomic_compare_exchange_n(&job.failed, &zero, rc, 0, __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST);
		}
		add_and_wake(&job.done);
		while (__atomic_load_n(&job.phase, __ATOMIC_ACQUIRE) == PHASE_RUN)
			sys_futex_wait(&job.phase, PHASE_RUN, -1);
	}
	add_and_wake(&job.left);
	errno = saved;
}

int threads_maybe_many(void)
{
	return !__libc_single_threaded;
}

static int already_sent(int tid)
{
	for (int i = 0; i < job.nsent; i++)
		if (job.tid[i] == tid)
			return 1;
	return 0;
}

/* Signal every thread not yet signalled. Returns how many were newly
 * signalled (0: the list is stable), or -errno. */
static int signal_new_threads(long self)
{
	char buf[2048];
	int fresh = 0;
	int dfd = sys_open_dir("/proc/self/task");

	if (dfd < 0)
		return dfd;
	for (;;) {
		long n = sys_getdents64(dfd, buf, sizeof(buf));
		if (n < 0) {
			sys_close(dfd);
			return (int)n;
		}
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			struct sys_dirent64 *d = (struct sys_dirent64 *)(buf + off);
			off += d->d_reclen;
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			long tid = 0;
			for (const char *c = d->d_name; *c >= '0' && *c <= '9'; c++)
				tid = tid * 10 + (*c - '0');
			if (tid == self || already_sent((int)tid))
				continue;
			if (job.nsent == THREADS_MAX) {
				sys_close(dfd);
				return -ESRCH;
			}
			int rc = sys_tgsigqueue(job.pid, tid, BROADCAST_SIGNAL, (void *)&job);
			if (rc == -ESRCH)
				continue; /* it ended meanwhile */
			if (rc < 0) {
				sys_close(dfd);
				return rc;
			}
			job.tid[job.nsent++] = (int)tid;
			fresh++;
		}
	}
	sys_close(dfd);
	return fresh;
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Wait until *word reaches target or the deadline passes. */
static int wait_for(int *word, int target, long long deadline)
{
	int v;
	while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) < target) {
		long long left = deadline - now_ns();
		if (deadline && left <= 0)
			return -ETIMEDOUT;
		sys_futex_wait(word, v, deadline ? (left < 20000000 ? left : 20000000) : -1);
	}
	return 0;
}

/* Stop every other thread in the handler. Returns 0 or -errno. */
static int gather(long self)
{
	long long deadline = now_ns() + ARRIVE_TIMEOUT_NS;

	for (;;) {
		int fresh = signal_new_threads(self);
		if (fresh < 0)
			return fresh;
		if (wait_for(&job.arrived, job.nsent, deadline) < 0)
			return -ESRCH;
		/* every known thread is held: only a thread created before it
		 * stopped can be new, and the next listing finds it */
		if (fresh == 0)
			return 0;
	}
}

static void set_phase(int phase)
{
	__atomic_store_n(&job.phase, phase, __ATOMIC_RELEASE);
	sys_futex_wake(&job.phase);
}

int threads_run_all(int (*each)(void *), int (*after)(void *), void *arg, int may_list)
{
	int rc;

	if (!threads_maybe_many()) {
		rc = each(arg);
		return rc == 0 && after ? after(arg) : rc;
	}
	if (!may_list)
		return -ESRCH;
	long self = sys_gettid();
	job.pid = sys_getpid();
	job.each = each;
	job.arg = arg;
	job.phase = PHASE_WAIT;
	job.arrived = job.done = job.left = job.failed = 0;
	job.nsent = 0;
	rc = sys_sigaction_raw(BROADCAST_SIGNAL, handler, &job.old);
	if (rc < 0)
		return rc;
	__atomic_store_n(&job.active, 1, __ATOMIC_RELEASE);

	rc = gather(self);
	if (rc == 0)
		rc = each(arg);
	if (rc == 0) {
		set_phase(PHASE_RUN);
		wait_for(&job.done, job.nsent, 0);
		if (job.failed)
			rc = -ESRCH;
		if (rc == 0 && after)
			rc = after(arg);
		set_phase(PHASE_RELEASE);
	} else {
		set_phase(PHASE_ABORT);
	}
	/* Threads that never arrived (blocked the signal) will find the job
	 * inactive when it is finally delivered. */
	wait_for(&job.left, __atomic_load_n(&job.arrived, __ATOMIC_ACQUIRE), 0);
	__atomic_store_n(&job.active, 0, __ATOMIC_RELEASE);
	sys_sigaction_restore(BROADCAST_SIGNAL, &job.old);
	return rc;
}
