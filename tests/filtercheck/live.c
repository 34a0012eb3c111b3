/* SPDX-License-Identifier: MIT */
/*
 * Calls are made for real here, so the catalogue below only holds calls
 * whose every outcome is harmless for any value of the arguments the table
 * compares: a NULL path fails with EFAULT before anything happens, a
 * descriptor of -1 with EBADF, a misaligned address with EINVAL, kill and
 * tgkill send signal 0, clone carries CLONE_PIDFD|CLONE_PARENT_SETTID with
 * one pointer (the kernel refuses that pair first thing in kernel_clone).
 * Socket families and protocols are kept to those the table names, so no
 * call makes the kernel load a module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf_interp.h"
#include "cases.h"
#include "check.h"
#include "live.h"

#define HI32	     0xffffffff00000000ULL
#define LO32	     0x00000000ffffffffULL
#define PER_CALL_MAX 120 /* boundary cases sampled per conditioned call */
#define LIVE_MAX     8192
#define OUT_TRAPPED  1 /* outcomes: 0 success, -errno, or trapped */

#define A(n)	      (1u << (n))
#define LIVE_UNSTABLE 0x1u /* the natural outcome may differ between two runs */

struct live_call {
	const char *name;
	__u64 arg[6];	 /* harmless values */
	unsigned varies; /* the args cases may set: those the table compares */
	unsigned flags;
	void (*sanitize)(__u64 a[6]);
};

/* keep the high half (the filter must see it), choose the low half */
static __u64 with_low(__u64 v, uint32_t low)
{
	return (v & HI32) | low;
}

/* socket(): families and protocols the table names, or refused before any
 * family code runs (invalid type bits, family beyond AF_MAX) */
static uint64_t socket_rows[64][3];
static size_t nsocket_rows;

static void san_socket(__u64 a[6])
{
	uint32_t dom = (uint32_t)a[0], type = (uint32_t)a[1], proto = (uint32_t)a[2];
	uint32_t base = type & ~(uint32_t)(SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (dom == AF_UNIX || (base & ~0xfu))
		return;
	for (size_t i = 0; i < nsocket_rows; i++)
		if (dom == (uint32_t)socket_rows[i][0] && base == (uint32_t)socket_rows[i][1] &&
		    proto == (uint32_t)socket_rows[i][2])
			return;
	a[0] = with_low(a[0], 1000);
}

static void san_socketpair(__u64 a[6])
{
	uint32_t dom = (uint32_t)a[0];
	if (dom != AF_UNIX && dom != AF_INET && dom != AF_INET6)
		a[0] = with_low(a[0], 1000);
}

/* personality(): only the query; the high half is dropped by the kernel */
static void san_personality(__u64 a[6])
{
	a[0] = with_low(a[0], 0xffffffffu);
}

static void san_clone(__u64 a[6])
{
	a[0] |= CLONE_PIDFD | CLONE_PARENT_SETTID;
}

/* prctl(): options whose outcome with zero arguments is harmless */
static void san_prctl(__u64 a[6])
{
	static const uint32_t ok[] = {PR_SET_NAME,     PR_GET_NAME,	    PR_GET_SECCOMP,
				      PR_SET_SECCOMP,  PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS,
				      PR_CAPBSET_READ, PR_GET_DUMPABLE,	    PR_GET_KEEPCAPS,
				      0x7fffffff};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if ((uint32_t)a[0] == ok[i])
			return;
	a[0] = with_low(a[0], 0x7fffffff);
}

#define NOFD	   0xffffffffffffffffULL /* -1 */
#define MISALIGNED 1

/* one entry a line reads as a table */
/* clang-format off */
static const struct live_call catalogue[] = {
	/* conditioned calls: the table compares the `varies` arguments */
	{ "socket", { 0 }, A(0) | A(1) | A(2), 0, san_socket },
	{ "socketpair", { 0, SOCK_STREAM, 0, 0 }, A(0), 0, san_socketpair },
	{ "sendto", { NOFD }, A(4), 0, NULL },
	{ "newfstatat", { NOFD }, A(3), 0, NULL },
	{ "statx", { NOFD }, A(2), 0, NULL },
	{ "mmap", { 0, 0, 0, MAP_PRIVATE, NOFD, 0 }, A(2), 0, NULL },
	{ "mprotect", { MISALIGNED, 0 }, A(2), 0, NULL },
	{ "pkey_mprotect", { MISALIGNED, 0, 0, NOFD }, A(2), 0, NULL },
	{ "prlimit64", { 0x7fffffff, 0 }, A(2), 0, NULL },
	{ "personality", { 0xffffffff }, A(0), 0, san_personality },
	{ "clone", { 0, 0, 0, 0, 0 }, A(0), 0, san_clone },
	{ "kill", { 0, 0 }, A(0), LIVE_UNSTABLE, NULL },
	{ "tgkill", { 0, 0x7fffffff, 0 }, A(0), LIVE_UNSTABLE, NULL },
	{ "fcntl", { NOFD }, A(1), 0, NULL },
	{ "ioctl", { NOFD }, A(1), 0, NULL },
	{ "prctl", { 0 }, A(0), 0, san_prctl },
	{ "setsockopt", { NOFD }, A(1) | A(2), 0, NULL },
	{ "getsockopt", { NOFD }, A(1) | A(2), 0, NULL },
	{ "open", { 0 }, A(1) | A(2), 0, NULL },
	{ "openat", { NOFD, 0 }, A(2) | A(3), 0, NULL },
	{ "creat", { 0 }, A(1), 0, NULL },
	{ "mkdir", { 0 }, A(1), 0, NULL },
	{ "mkdirat", { NOFD, 0 }, A(2), 0, NULL },
	{ "mknod", { 0 }, A(1), 0, NULL },
	{ "mknodat", { NOFD, 0 }, A(2), 0, NULL },
	{ "chmod", { 0 }, A(1), 0, NULL },
	{ "fchmod", { NOFD }, A(1), 0, NULL },
	{ "fchmodat", { NOFD, 0 }, A(2), 0, NULL },
	{ "fchmodat2", { NOFD, 0 }, A(2), 0, NULL },
	/* unconditioned calls of each promise, failing harmlessly */
	{ "read", { NOFD }, 0, 0, NULL },
	{ "write", { NOFD }, 0, 0, NULL },
	{ "close", { NOFD }, 0, 0, NULL },
	{ "dup", { NOFD }, 0, 0, NULL },
	{ "lseek", { NOFD }, 0, 0, NULL },
	{ "fsync", { NOFD }, 0, 0, NULL },
	{ "getpid", { 0 }, 0, 0, NULL },
	{ "getuid", { 0 }, 0, 0, NULL },
	{ "sched_yield", { 0 }, 0, 0, NULL },
	{ "chdir", { 0 }, 0, 0, NULL },
	{ "getcwd", { 0, 0 }, 0, 0, NULL },
	{ "readlink", { 0, 0, 0 }, 0, 0, NULL },
	{ "truncate", { 0 }, 0, 0, NULL },
	{ "ftruncate", { NOFD }, 0, 0, NULL },
	{ "unlink", { 0 }, 0, 0, NULL },
	{ "rmdir", { 0 }, 0, 0, NULL },
	{ "rename", { 0, 0 }, 0, 0, NULL },
	{ "link", { 0, 0 }, 0, 0, NULL },
	{ "symlink", { 0, 0 }, 0, 0, NULL },
	{ "utimensat", { NOFD, 0, 0, 0 }, 0, 0, NULL },
	{ "chown", { 0, NOFD, NOFD }, 0, 0, NULL },
	{ "fchown", { NOFD, NOFD, NOFD }, 0, 0, NULL },
	{ "flock", { NOFD }, 0, 0, NULL },
	{ "connect", { NOFD }, 0, 0, NULL },
	{ "bind", { NOFD }, 0, 0, NULL },
	{ "listen", { NOFD }, 0, 0, NULL },
	{ "accept", { NOFD }, 0, 0, NULL },
	{ "getsockname", { NOFD }, 0, 0, NULL },
	{ "recvfrom", { NOFD }, 0, 0, NULL },
	{ "sendmsg", { NOFD }, 0, 0, NULL },
	{ "recvmsg", { NOFD }, 0, 0, NULL },
	{ "shutdown", { NOFD }, 0, 0, NULL },
	{ "setpgid", { NOFD }, 0, 0, NULL },
	{ "getpriority", { 0x7fff }, 0, 0, NULL },
	{ "sched_getscheduler", { NOFD }, 0, 0, NULL },
	{ "setrlimit", { 0xffff, 0 }, 0, 0, NULL },
	{ "pidfd_open", { NOFD, 0 }, 0, 0, NULL },
	{ "execve", { 0, 0, 0 }, 0, 0, NULL },
	{ "execveat", { NOFD, 0, 0, 0, 0 }, 0, 0, NULL },
	{ "clock_settime", { 0x7fff, 0 }, 0, 0, NULL },
	{ "adjtimex", { 0 }, 0, 0, NULL },
	{ "setuid", { 0xffffffff }, 0, 0, NULL },
	{ "setgid", { 0xffffffff }, 0, 0, NULL },
	{ "capset", { 0, 0 }, 0, 0, NULL },
	{ "clone3", { 0, 0 }, 0, 0, NULL },
	{ "openat2", { NOFD, 0, 0, 0 }, 0, 0, NULL },
	{ "seccomp", { 0xff, 0, 0 }, 0, 0, NULL },
	{ "landlock_create_ruleset", { 0, 0, 0xffffffff }, 0, 0, NULL },
	{ "bpf", { 0x7fff, 0, 0 }, 0, 0, NULL },
	{ "kcmp", { NOFD, NOFD, 0, 0, 0 }, 0, 0, NULL },
	{ "userfaultfd", { 0xffff }, 0, 0, NULL },
};
/* clang-format on */
#define NCATALOGUE (sizeof(catalogue) / sizeof(catalogue[0]))

struct live_case {
	long nr;
	__u64 args[6];
	unsigned pid_args; /* args compared with the caller's pid: bound in the child */
	unsigned flags;
};

static struct {
	struct live_case c[LIVE_MAX];
	size_t n;
	int64_t *base;	 /* unfiltered outcomes (shared mapping) */
	int64_t *out;	 /* filtered outcomes (shared mapping) */
	long *child_pid; /* the pid the child bound its pid arguments to */
	int ready;
} lv;

static volatile sig_atomic_t trapped;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (si->si_code == 1 /* SYS_SECCOMP */)
		trapped = 1;
}

/* Replace the placeholder by pid in the args compared with the pid, so
 * that placeholder ± 1 become pid ± 1. */
static void bind_pid(__u64 args[6], unsigned pid_args, long pid)
{
	for (int a = 0; a < 6; a++) {
		if (!(pid_args & A(a)))
			continue;
		int64_t low = (int64_t)(uint32_t)args[a] - (int64_t)SCOPES_VALUE_SELF_PID;
		if (low >= -1 && low <= 1)
			args[a] = with_low(args[a], (uint32_t)(pid + low));
	}
}

/* Make every case's call, in this (child) process; outcomes to out[]. */
static void run_all(int64_t *out, long *pid_out, long pid)
{
	*pid_out = pid;
	for (size_t i = 0; i < lv.n; i++) {
		__u64 a[6];
		memcpy(a, lv.c[i].args, sizeof(a));
		bind_pid(a, lv.c[i].pid_args, pid);
		trapped = 0;
		long r = syscall(lv.c[i].nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		out[i] = trapped ? OUT_TRAPPED : r < 0 ? -(int64_t)errno : 0;
	}
}

#ifdef __x86_64__
/* getpid through the i386 door (int 0x80, i386 number 20) */
static long int80_getpid(void)
{
	long ret;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(20L)
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
}
#endif

static int install_trap_handler(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	return sigaction(SIGSYS, &sa, NULL);
}

/* Fork; the child runs fn and _exits with its value. Returns the wait status. */
static int in_child(int (*fn)(const void *), const void *arg, pid_t *pid_out)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	if (pid_out)
		*pid_out = pid;
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

static int child_baseline(const void *arg)
{
	(void)arg;
	run_all(lv.base, lv.child_pid, syscall(SYS_getpid));
	return 0;
}

#ifdef __x86_64__
static int child_i386_probe(const void *arg)
{
	(void)arg;
	return int80_getpid() == syscall(SYS_getpid) ? 0 : 1;
}
#endif

int live_init(uint64_t seed, struct live_stats *ls, FILE *out)
{
#ifndef __x86_64__
	(void)seed;
	(void)out;
	ls->skipped = "the catalogue of harmless calls is written for x86_64";
	return -1;
#else
	const uint32_t arch = scopes_native_arch();
	struct fc_rng rng;
	struct case_list l = {0};

	fc_seed(&rng, seed ^ 0x11febeefULL);
	for (size_t i = 0; i < scopes_row_count(); i++) {
		const struct scopes_row *r = scopes_row_get(i);
		if (strcmp(r->syscall, "socket") == 0 && r->ncond == 3 && nsocket_rows < 64) {
			for (unsigned c = 0; c < 3; c++)
				socket_rows[nsocket_rows][r->cond[c].arg] = r->cond[c].value;
			nsocket_rows++;
		}
	}
	for (size_t ci = 0; ci < NCATALOGUE; ci++) {
		const struct live_call *k = &catalogue[ci];
		long nr = scopes_syscall_number(arch, k->name);
		unsigned compared = 0, pid_args = 0;
		if (nr < 0)
			continue;
		for (size_t i = 0; i < scopes_row_count(); i++) {
			const struct scopes_row *r = scopes_row_get(i);
			if (scopes_syscall_number(arch, r->syscall) != nr)
				continue;
			for (unsigned c = 0; c < r->ncond; c++) {
				compared |= A(r->cond[c].arg);
				if (r->cond[c].value == SCOPES_VALUE_SELF_PID)
					pid_args |= A(r->cond[c].arg);
			}
		}
		if (compared & ~k->varies) {
			/* the table compares an argument this entry keeps fixed:
			 * the catalogue must learn it before the call is used */
			fprintf(out,
				"live: %s: the table compares args 0x%x, the catalogue varies "
				"0x%x only; call left out\n",
				k->name, compared, k->varies);
			continue;
		}
		ls->calls++;
		l.n = 0;
		if (k->varies && cases_for_nr(&l, nr, &rng) != 0) {
			cases_free(&l);
			return -1;
		}
		size_t take = k->varies ? (l.n < PER_CALL_MAX ? l.n : PER_CALL_MAX) : 1;
		for (size_t t = 0; t < take && lv.n < LIVE_MAX; t++) {
			struct live_case *c = &lv.c[lv.n++];
			const __u64 *src =
			    k->varies ? l.v[t == 0 ? 0 : fc_rand(&rng) % l.n].args : k->arg;
			c->nr = nr;
			for (int a = 0; a < 6; a++)
				c->args[a] = (k->varies & A(a)) ? src[a] : k->arg[a];
			if (k->sanitize)
				k->sanitize(c->args);
			c->pid_args = pid_args;
			c->flags = k->flags;
		}
	}
	cases_free(&l);
	/* Numbers far beyond any syscall. Not the gap below 424: kernels
	 * newer than libseccomp's tables fill it (6.11+ has uretprobe at 335,
	 * which raises SIGILL when called from anywhere but its trampoline). */
	static const long unnamed[] = {600, 700, 1000, 1023};
	for (size_t i = 0; i < sizeof(unnamed) / sizeof(unnamed[0]); i++) {
		if (scopes_syscall_name(arch, unnamed[i]))
			continue;
		lv.c[lv.n++] = (struct live_case){.nr = unnamed[i]};
	}

	size_t bytes = 2 * lv.n * sizeof(int64_t) + sizeof(long);
	void *shm = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		ls->skipped = "no shared memory";
		return -1;
	}
	lv.base = shm;
	lv.out = lv.base + lv.n;
	lv.child_pid = (long *)(lv.out + lv.n);
	int status = in_child(child_baseline, NULL, NULL);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(out, "live: unfiltered run: status 0x%x\n", status);
		ls->skipped = "the unfiltered run of the catalogue did not finish";
		return -1;
	}
	/* clone must have been refused; anything else means the harmless
	 * arguments are not harmless on this kernel */
	long clone_nr = scopes_syscall_number(arch, "clone");
	for (size_t i = 0; i < lv.n; i++) {
		if (lv.c[i].nr == clone_nr && lv.base[i] != -EINVAL) {
			ls->skipped = "clone with CLONE_PIDFD|CLONE_PARENT_SETTID was not refused";
			return -1;
		}
	}
	status = in_child(child_i386_probe, NULL, NULL);
	ls->i386_door = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	lv.ready = 1;
	return 0;
#endif
}

static const struct scopes_filter *run_filter;
/* or a bare program (the oracle's), attached by hand with the pid bound */
static const struct sock_filter *run_prog;
static size_t run_prog_n;
static struct sock_filter child_bound[BPF_MAXINSNS];

static int apply_run(long pid)
{
	if (!run_prog)
		return scopes_apply(run_filter);
	memcpy(child_bound, run_prog, run_prog_n * sizeof(*run_prog));
	for (size_t i = 0; i < run_prog_n; i++)
		if (child_bound[i].code == (BPF_JMP | BPF_JEQ | BPF_K) &&
		    child_bound[i].k == SCOPES_VALUE_SELF_PID)
			child_bound[i].k = (uint32_t)pid;
	struct sock_fprog fp = {.len = (unsigned short)run_prog_n, .filter = child_bound};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp);
}

static int child_filtered(const void *arg)
{
	int trap = *(const int *)arg;
	/* the pid first: the filter may not let getpid through */
	long pid = syscall(SYS_getpid);
	if (trap && install_trap_handler() != 0)
		return 3;
	if (apply_run(pid) != 0)
		return 4;
	run_all(lv.out, lv.child_pid, pid);
	return 0;
}

struct one_call {
	long nr;
	__u64 args[6];
	unsigned pid_args;
	int door; /* 0 syscall, 1 x32, 2 i386 */
};

static int child_one(const void *arg)
{
	const struct one_call *c = arg;
	long pid = syscall(SYS_getpid);
	if (apply_run(pid) != 0)
		return 4;
	__u64 a[6];
	memcpy(a, c->args, sizeof(a));
	bind_pid(a, c->pid_args, pid);
	switch (c->door) {
	case 1:
		syscall(c->nr | 0x40000000L, a[0], a[1], a[2], a[3], a[4], a[5]);
		break;
#ifdef __x86_64__
	case 2:
		int80_getpid();
		break;
#endif
	default:
		syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		break;
	}
	return 0;
}

/* The program with the pid bound, done here independently of the library. */
static struct sock_filter bound[BPF_MAXINSNS];

static void bind_program(const struct sock_filter *p, size_t n, long pid)
{
	memcpy(bound, p, n * sizeof(*p));
	for (size_t i = 0; i < n; i++)
		if (bound[i].code == (BPF_JMP | BPF_JEQ | BPF_K) &&
		    bound[i].k == SCOPES_VALUE_SELF_PID)
			bound[i].k = (uint32_t)pid;
}

static const char *outcome_str(int64_t o, char *buf, size_t size)
{
	if (o == OUT_TRAPPED)
		snprintf(buf, size, "SIGSYS trap");
	else if (o == 0)
		snprintf(buf, size, "success");
	else
		snprintf(buf, size, "%s",
			 strerrorname_np((int)-o) ? strerrorname_np((int)-o) : "?");
	return buf;
}

static void report(struct live_stats *ls, FILE *out, const struct model *m, const char *what,
		   const struct live_case *c, const char *detail)
{
	ls->diffs++;
	if (ls->diffs > 30)
		return;
	fprintf(
	    out,
	    "LIVE %s: set \"%s\" penalty %d: %s(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx): %s\n",
	    what, fc_set_str(m->set), m->penalty, scopes_syscall_name(m->arch, c->nr),
	    (unsigned long long)c->args[0], (unsigned long long)c->args[1],
	    (unsigned long long)c->args[2], (unsigned long long)c->args[3],
	    (unsigned long long)c->args[4], (unsigned long long)c->args[5], detail);
}

/* What a call answered `action` shows in the child. */
static int64_t expected_outcome(uint32_t action, int64_t natural)
{
	switch (action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return natural;
	case SECCOMP_RET_ERRNO:
		return -(int64_t)(action & SECCOMP_RET_DATA);
	case SECCOMP_RET_TRAP:
		return OUT_TRAPPED;
	default:
		return INT64_MIN; /* fatal: never expected in the shared run */
	}
}

static void check_door(struct live_stats *ls, FILE *out, const struct model *m, int door)
{
	struct one_call oc = {.nr = 39 /* getpid, x86_64 and x32 */, .door = door};
	struct live_case c = {.nr = oc.nr};
	int status = in_child(child_one, &oc, NULL);

	ls->kills++;
	if (status < 0 || !WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS)
		report(ls, out, m, door == 1 ? "x32 NOT KILLED" : "i386 NOT KILLED", &c,
		       "the foreign ABI must be killed whatever the penalty");
}

static void kill_tier(const struct sock_filter *prog, size_t count, const struct model *m,
		      struct live_stats *ls, FILE *out)
{
	struct fc_rng rng;
	size_t pick_kill[3], pick_allow[2], nk = 0, na = 0, seen_k = 0, seen_a = 0;

	fc_seed(&rng, m->set * 0x9e3779b97f4a7c15ULL + 7);
	for (size_t i = 0; i < lv.n; i++) {
		struct seccomp_data d = {.nr = (int)lv.c[i].nr, .arch = m->arch};
		uint32_t v;
		const char *why;
		if (lv.c[i].pid_args)
			continue;
		memcpy(d.args, lv.c[i].args, sizeof(d.args));
		if (bpfi_run(prog, count, &d, &v, &why) != 0)
			continue;
		/* reservoir sampling: a fair pick without a second pass */
		if (v == SECCOMP_RET_KILL_PROCESS) {
			seen_k++;
			if (nk < 3)
				pick_kill[nk++] = i;
			else if (fc_rand(&rng) % seen_k < 3)
				pick_kill[fc_rand(&rng) % 3] = i;
		} else if (v == SECCOMP_RET_ALLOW) {
			seen_a++;
			if (na < 2)
				pick_allow[na++] = i;
			else if (fc_rand(&rng) % seen_a < 2)
				pick_allow[fc_rand(&rng) % 2] = i;
		}
	}
	for (size_t j = 0; j < nk + na; j++) {
		size_t i = j < nk ? pick_kill[j] : pick_allow[j - nk];
		struct one_call oc = {.nr = lv.c[i].nr};
		memcpy(oc.args, lv.c[i].args, sizeof(oc.args));
		int status = in_child(child_one, &oc, NULL);
		ls->kills++;
		if (j < nk && (status < 0 || !WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS))
			report(ls, out, m, "NOT KILLED", &lv.c[i],
			       "the interpreter answers KILL_PROCESS");
		if (j >= nk && (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0))
			report(ls, out, m, "KILLED", &lv.c[i], "the interpreter answers ALLOW");
	}
}

static void run_common(const struct sock_filter *prog, size_t count, const struct model *m,
		       struct live_stats *ls, FILE *out);

void live_run(const struct scopes_filter *f, const struct model *m, struct live_stats *ls,
	      FILE *out)
{
	const void *insns;
	size_t count;

	if (scopes_filter_program(f, &insns, &count) != 0)
		return;
	run_filter = f;
	run_prog = NULL;
	run_common(insns, count, m, ls, out);
}

void live_run_program(const struct sock_filter *prog, size_t count, const struct model *m,
		      struct live_stats *ls, FILE *out)
{
	run_filter = NULL;
	run_prog = prog;
	run_prog_n = count;
	run_common(prog, count, m, ls, out);
	run_prog = NULL;
}

static void run_common(const struct sock_filter *prog, size_t count, const struct model *m,
		       struct live_stats *ls, FILE *out)
{
	char a[32], b[32], detail[160];

	if (!lv.ready || m->penalty == SCOPES_PENALTY_LOG) /* LOG would flood the kernel log */
		return;
	check_door(ls, out, m, 1);
	if (ls->i386_door)
		check_door(ls, out, m, 2);
	if (m->penalty == SCOPES_PENALTY_KILL) {
		kill_tier(prog, count, m, ls, out);
		return;
	}

	int trap = m->penalty == SCOPES_PENALTY_TRAP;
	int status = in_child(child_filtered, &trap, NULL);
	ls->runs++;
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		struct live_case none = {.nr = -1};
		snprintf(detail, sizeof(detail), "the filtered child did not finish (status 0x%x)",
			 status);
		report(ls, out, m, "RUN", &none, detail);
		return;
	}
	long pid = *lv.child_pid;
	struct model mb;
	if (model_init(&mb, m->set, m->penalty, m->landlock, (uint64_t)pid) != 0)
		return;
	bind_program(prog, count, pid);
	int64_t deny = expected_outcome(mb.deflt, 0);
	for (size_t i = 0; i < lv.n; i++) {
		const struct live_case *c = &lv.c[i];
		struct seccomp_data d = {.nr = (int)c->nr, .arch = mb.arch};
		uint32_t v;
		const char *why;

		memcpy(d.args, c->args, sizeof(d.args));
		bind_pid(d.args, c->pid_args, pid);
		ls->cases++;
		if (bpfi_run(bound, count, &d, &v, &why) != 0) {
			report(ls, out, m, "FAULT", c, why);
			continue;
		}
		struct model_answer w = model_eval(&mb, &d);
		if (v != w.want && v != w.also) {
			snprintf(detail, sizeof(detail), "bound program answers %s, the model %s",
				 model_action_str(v, a, sizeof(a)),
				 model_action_str(w.want, b, sizeof(b)));
			report(ls, out, m, "DIFFERENCE", c, detail);
		}
		int64_t want = expected_outcome(v, lv.base[i]), got = lv.out[i];
		int ok;
		if (lv.base[i] != deny)
			ls->distinguishing++;
		if ((c->flags & LIVE_UNSTABLE) && (v == SECCOMP_RET_ALLOW || v == SECCOMP_RET_LOG))
			ok = got != OUT_TRAPPED && (got != deny || lv.base[i] == deny);
		else
			ok = got == want;
		if (!ok) {
			char g[32], e[32];
			snprintf(detail, sizeof(detail),
				 "kernel: %s; interpreter answers %s, so expected %s",
				 outcome_str(got, g, sizeof(g)), model_action_str(v, a, sizeof(a)),
				 outcome_str(want, e, sizeof(e)));
			report(ls, out, m, "KERNEL", c, detail);
		}
	}
	model_free(&mb);
}

void live_print(const struct live_stats *ls, FILE *out)
{
	if (ls->skipped) {
		fprintf(out, "filtercheck: live kernel tier skipped: %s\n", ls->skipped);
		return;
	}
	fprintf(out,
		"filtercheck: live kernel: %llu kinds of call, %llu filtered runs, %llu calls "
		"compared (%llu telling allow from deny), %llu fatal-penalty children "
		"(i386 door %s), %llu differences\n",
		(unsigned long long)ls->calls, (unsigned long long)ls->runs,
		(unsigned long long)ls->cases, (unsigned long long)ls->distinguishing,
		(unsigned long long)ls->kills, ls->i386_door ? "checked" : "absent",
		(unsigned long long)ls->diffs);
}
