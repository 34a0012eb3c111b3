/* SPDX-License-Identifier: MIT */
/*
 * The attacks. Each prepare() runs in the attacker before its pledge (what an
 * attacker who takes over a pledged program finds already set up: open
 * descriptors, mappings, threads, children); each run() is the attempt after
 * the pledge and returns its result or -errno. What the attempt must not
 * achieve is checked by the driver's witnesses or reported with
 * attack_info(), never inferred from the return value alone.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/table.h>

#include "attack.h"

extern char attack_parent_secret[32];

/* mov eax, 42; ret */
static const unsigned char code42[] = { 0xb8, 42, 0, 0, 0, 0xc3 };

static long run_code(void *p)
{
	int (*volatile fn)(void) = (int (*)(void))p;
	return fn();
}

/*
 * The attacker's follow-up, from argument i on: "pledge:PROMISES" calls
 * scopes_pledge, "unveil:PATH=PERMS" scopes_unveil, anything else is a raw
 * system call (number and arguments evaluated before the pledge).
 */
static long action(struct attack_ctx *c, int i)
{
	long a[6] = { 0 };

	if (i >= c->nargs)
		return -EINVAL;
	if (strncmp(c->args[i], "pledge:", 7) == 0)
		return scopes_pledge(c->args[i] + 7, NULL) == 0 ? 0 : -errno;
	if (strncmp(c->args[i], "unveil:", 7) == 0) {
		char path[4096], *eq;
		snprintf(path, sizeof(path), "%s", c->args[i] + 7);
		if (!(eq = strrchr(path, '=')))
			return -EINVAL;
		*eq = 0;
		return scopes_unveil(path, eq + 1) == 0 ? 0 : -errno;
	}
	for (int k = 0; k < 6 && i + 1 + k < c->nargs; k++)
		a[k] = c->val[i + 1 + k];
	return attack_syscall(c->val[i], a);
}

static long info_get(struct attack_ctx *c, const char *key)
{
	for (int i = 0; i < c->rep->ninfo; i++)
		if (strcmp(c->rep->info[i].key, key) == 0)
			return c->rep->info[i].value;
	return -ENODATA;
}

/* ------------------------------------------------------- foreign ABIs */

static long run_raw(struct attack_ctx *c)
{
	return action(c, 0);
}

static long run_x32(struct attack_ctx *c)
{
	long a[6] = { 0 };
	for (int k = 0; k < 6 && 1 + k < c->nargs; k++)
		a[k] = c->val[1 + k];
	return attack_syscall(c->val[0] | 0x40000000L, a);
}

static long run_int80(struct attack_ctx *c)
{
	return compat_int80(c->val[0], c->nargs > 1 ? c->val[1] : 0, c->nargs > 2 ? c->val[2] : 0,
			    c->nargs > 3 ? c->val[3] : 0);
}

static long run_sysenter(struct attack_ctx *c)
{
	return compat_sysenter(c->val[0], c->nargs > 1 ? c->val[1] : 0);
}

static int prep_compat(struct attack_ctx *c)
{
	(void)c;
	return compat_prepare();
}

static long run_compat_syscall(struct attack_ctx *c)
{
	return compat_farcall(0, c->val[0], c->nargs > 1 ? c->val[1] : 0);
}

static long run_compat_int80(struct attack_ctx *c)
{
	return compat_farcall(1, c->val[0], c->nargs > 1 ? c->val[1] : 0);
}

/* ------------------------------------------------- executable memory */

/*
 * procmem_target's code is overwritten through /proc/self/mem and then
 * called: it must stay a real function of its own, never inlined, cloned,
 * merged with an identical one or its result folded into the caller.
 * noipa says all of that, but only GCC knows it; clang has no IPA cloning
 * or function merging by default and optnone keeps its body as written.
 */
#if defined(__clang__)
#define ATTACK_NOIPA __attribute__((noinline, optnone))
#elif defined(__GNUC__) && __GNUC__ >= 8
#define ATTACK_NOIPA __attribute__((noipa))
#else
#define ATTACK_NOIPA __attribute__((noinline, noclone))
#endif

ATTACK_NOIPA static int procmem_target(void)
{
	return 1;
}

static int prep_exec_code(struct attack_ctx *c)
{
	c->ptr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c->ptr == MAP_FAILED)
		return -1;
	memcpy(c->ptr, code42, sizeof(code42));
	return 0;
}

/* Get attacker-written code executed without prot_exec; 42 means it ran. */
static long run_exec_code(struct attack_ctx *c)
{
	const char *how = c->args[0];
	long r;

	if (strcmp(how, "mprotect") == 0) {
		r = syscall(SYS_mprotect, c->ptr, 4096, PROT_READ | PROT_EXEC);
	} else if (strcmp(how, "pkey_mprotect") == 0) {
		r = syscall(SYS_pkey_mprotect, c->ptr, 4096, PROT_READ | PROT_EXEC, -1);
	} else if (strcmp(how, "memfd") == 0) {
		int fd = (int)syscall(SYS_memfd_create, "payload", 0);
		if (fd < 0 || write(fd, code42, sizeof(code42)) != sizeof(code42))
			return -errno;
		void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return -errno;
		c->ptr = p;
		r = 0;
	} else if (strcmp(how, "personality") == 0) {
		/* READ_IMPLIES_EXEC: a readable mapping asked for later is executable */
		r = syscall(SYS_personality, READ_IMPLIES_EXEC);
		if (r == -1)
			return -errno;
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -errno;
		memcpy(p, code42, sizeof(code42));
		c->ptr = p;
		r = 0;
	} else if (strcmp(how, "procmem") == 0) {
		/* /proc/self/mem writes ignore page protections (FOLL_FORCE) */
		int fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/mem", O_WRONLY);
		if (fd < 0)
			return -errno;
		if (pwrite(fd, code42, sizeof(code42), (off_t)(uintptr_t)procmem_target) !=
		    sizeof(code42))
			return -errno;
		int (*volatile fn)(void) = procmem_target;
		return fn();
	} else {
		return -EINVAL;
	}
	if (r == -1)
		return -errno;
	return run_code(c->ptr);
}

static struct {
	unsigned long start[4], end[4];
	int n;
} vdso_maps;

static int prep_map_vdso(struct attack_ctx *c)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	(void)c;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && vdso_maps.n < 4) {
		if (strstr(line, "[vdso]") || strstr(line, "[vvar")) {
			sscanf(line, "%lx-%lx", &vdso_maps.start[vdso_maps.n],
			       &vdso_maps.end[vdso_maps.n]);
			vdso_maps.n++;
		}
	}
	fclose(f);
	return 0;
}

/* Map a fresh vDSO image (executable) at a chosen address: a new executable
 * mapping without PROT_EXEC in any mmap. The kernel maps one only while none
 * is mapped, so the attacker unmaps the current one first. */
static long run_map_vdso(struct attack_ctx *c)
{
	long code = strcmp(c->args[0], "32") == 0   ? 0x2002 /* ARCH_MAP_VDSO_32 */
		    : strcmp(c->args[0], "64") == 0 ? 0x2003 /* ARCH_MAP_VDSO_64 */
						    : 0x2001; /* ARCH_MAP_VDSO_X32 */
	for (int i = 0; i < vdso_maps.n; i++)
		syscall(SYS_munmap, vdso_maps.start[i], vdso_maps.end[i] - vdso_maps.start[i]);
	long r = syscall(SYS_arch_prctl, code, 0x70000000UL);
	return r < 0 ? -errno : r;
}

/* ------------------------------------------------ processes and threads */

/* clone(2) in one piece of assembly: the child (which may share our memory
 * and run on its own stack) exits at once without touching C code. */
static long raw_clone(unsigned long flags, void *stack)
{
	long ret;
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;

	__asm__ volatile("syscall\n\t"
			 "testq %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "movl $60, %%eax\n\t" /* SYS_exit */
			 "xorl %%edi, %%edi\n\t"
			 "syscall\n"
			 "1:"
			 : "=a"(ret)
			 : "0"((long)SYS_clone), "D"(flags), "S"(stack), "d"(0L), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

static int prep_clone(struct attack_ctx *c)
{
	c->ptr = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return c->ptr == MAP_FAILED ? -1 : 0;
}

static long run_clone(struct attack_ctx *c)
{
	unsigned long flags = (unsigned long)c->val[0];
	void *stack = (flags & CLONE_VM) ? (char *)c->ptr + 65536 - 64 : NULL;
	long r = raw_clone(flags, stack);
	int st;

	if (r > 0 && !(flags & CLONE_THREAD) && wait4((pid_t)r, &st, __WALL, NULL) == r)
		attack_info(c, "child_exit", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	return r > 0 ? 0 : r;
}

static struct {
	int pipe[2];
	pid_t pid;
	pthread_t thread;
	volatile int flag, stop;
} peer;

/* A child forked before the pledge waits, then acts on the attacker's word. */
static int prep_fork_before(struct attack_ctx *c)
{
	if (pipe(peer.pipe) != 0)
		return -1;
	peer.pid = fork();
	if (peer.pid < 0)
		return -1;
	if (peer.pid == 0) {
		char b;
		if (read(peer.pipe[0], &b, 1) != 1)
			_exit(1);
		attack_info(c, "child_result", action(c, 0));
		_exit(0);
	}
	return 0;
}

static long run_fork_before(struct attack_ctx *c)
{
	int st;

	if (write(peer.pipe[1], "g", 1) != 1 || wait4(peer.pid, &st, 0, NULL) != peer.pid)
		return -errno;
	return info_get(c, "child_result");
}

/* fork after the pledge: the child inherits the filter */
static long run_fork_after(struct attack_ctx *c)
{
	int st;
	long pid = syscall(SYS_fork);

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		attack_info(c, "child_result", action(c, 0));
		syscall(SYS_exit_group, 0);
	}
	if (wait4((pid_t)pid, &st, 0, NULL) != pid)
		return -errno;
	attack_info(c, "child_signal", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return 0;
}

static void *thread_before_main(void *arg)
{
	struct attack_ctx *c = arg;
	char b;

	if (read(peer.pipe[0], &b, 1) == 1)
		c->value = action(c, 0);
	return NULL;
}

static int prep_thread_before(struct attack_ctx *c)
{
	if (pipe(peer.pipe) != 0)
		return -1;
	errno = pthread_create(&peer.thread, NULL, thread_before_main, c);
	return errno ? -1 : 0;
}

static long run_thread_before(struct attack_ctx *c)
{
	c->value = -ENODATA;
	if (write(peer.pipe[1], "g", 1) != 1)
		return -errno;
	pthread_join(peer.thread, NULL);
	return c->value;
}

/*
 * A thread hammers the call while the main thread pledges. `flag` is set only
 * after scopes_pledge returned, so an attempt that read flag == 1 started
 * after the filter was in place: none of those may succeed.
 */
static void *thread_race_main(void *arg)
{
	struct attack_ctx *c = arg;
	long pre_ok = 0, post = 0, post_ok = 0;

	while (!__atomic_load_n(&peer.stop, __ATOMIC_ACQUIRE)) {
		int after = __atomic_load_n(&peer.flag, __ATOMIC_ACQUIRE);
		long r = action(c, 0);
		if (!after) {
			pre_ok += r >= 0;
			continue;
		}
		post++;
		post_ok += r >= 0;
		attack_info(c, "post_attempts", post);
		attack_info(c, "post_ok", post_ok);
	}
	attack_info(c, "pre_ok", pre_ok);
	return NULL;
}

static int prep_thread_race(struct attack_ctx *c)
{
	errno = pthread_create(&peer.thread, NULL, thread_race_main, c);
	return errno ? -1 : 0;
}

static long run_thread_race(struct attack_ctx *c)
{
	struct timespec t0, t;

	__atomic_store_n(&peer.flag, 1, __ATOMIC_RELEASE);
	clock_gettime(CLOCK_MONOTONIC, &t0); /* the vDSO: no system call */
	do {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (info_get(c, "post_attempts") < 1000 && t.tv_sec - t0.tv_sec < 10);
	__atomic_store_n(&peer.stop, 1, __ATOMIC_RELEASE);
	pthread_join(peer.thread, NULL);
	return info_get(c, "post_ok");
}

static void *thread_after_main(void *arg)
{
	struct attack_ctx *c = arg;
	c->value = action(c, 0);
	return NULL;
}

/* a thread started after the pledge acts */
static long run_thread_after(struct attack_ctx *c)
{
	pthread_t t;
	int e = pthread_create(&t, NULL, thread_after_main, c);

	if (e)
		return -e;
	pthread_join(t, NULL);
	return c->value;
}

/* chdir somewhere (chdir is not a Landlock right), then open relative to it */
static long run_chdir_open(struct attack_ctx *c)
{
	if (syscall(SYS_chdir, c->args[0]) != 0)
		return -errno;
	long r = syscall(SYS_openat, AT_FDCWD, c->args[1], (int)c->val[2]);
	return r < 0 ? -errno : r;
}

/* ------------------------------------------------------------- exec */

static struct {
	int fd;
	char *image;
	size_t size;
} payload;

static int prep_exec(struct attack_ctx *c)
{
	const char *how = c->args[0], *path = c->args[1];

	if (strcmp(how, "execveat-fd") == 0) {
		payload.fd = open(path, O_RDONLY);
		return payload.fd < 0 ? -1 : 0;
	}
	if (strcmp(how, "memfd") == 0) {
		/* the bytes an attacker would download; read before the pledge */
		struct stat st;
		int fd = open(path, O_RDONLY);
		if (fd < 0 || fstat(fd, &st) != 0)
			return -1;
		payload.size = (size_t)st.st_size;
		payload.image = malloc(payload.size);
		if (!payload.image || read(fd, payload.image, payload.size) != (ssize_t)payload.size)
			return -1;
		close(fd);
	}
	return 0;
}

static long run_exec(struct attack_ctx *c)
{
	const char *how = c->args[0];
	char **argv = c->args + 1; /* PATH ARG... : argv[0] is the path */
	char *envp[] = { NULL };
	long r;

	if (strcmp(how, "execve") == 0) {
		r = syscall(SYS_execve, argv[0], argv, envp);
	} else if (strcmp(how, "execveat-fd") == 0) {
		r = syscall(SYS_execveat, payload.fd, "", argv, envp, AT_EMPTY_PATH);
	} else if (strcmp(how, "memfd") == 0) {
		int fd = (int)syscall(SYS_memfd_create, "payload", 0);
		if (fd < 0)
			return -errno;
		for (size_t off = 0; off < payload.size;) {
			ssize_t w = write(fd, payload.image + off, payload.size - off);
			if (w <= 0)
				return -errno;
			off += (size_t)w;
		}
		r = syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	} else {
		return -EINVAL;
	}
	return r == -1 ? -errno : r;
}

/* ------------------------------------------ an io_uring from before */

static struct {
	struct io_uring_params p;
	unsigned char *sq, *cq;
	struct io_uring_sqe *sqes;
} ring;

static long ring_submit(struct attack_ctx *c, unsigned char opcode, const char *path, int wake_fd);

/* A submission-polling ring set up before the pledge, as a program might
 * for its I/O: the kernel's poller thread reads the rings from memory. */
static int prep_uring_sqpoll(struct attack_ctx *c)
{
	ring.p.flags = IORING_SETUP_SQPOLL;
	ring.p.sq_thread_idle = 10000; /* ms the poller stays awake */
	int fd = (int)syscall(SYS_io_uring_setup, 4, &ring.p);
	if (fd < 0)
		return -1;
	size_t sq_len = ring.p.sq_off.array + ring.p.sq_entries * sizeof(unsigned);
	size_t cq_len = ring.p.cq_off.cqes + ring.p.cq_entries * sizeof(struct io_uring_cqe);
	ring.sq = mmap(NULL, sq_len > cq_len ? sq_len : cq_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
	ring.cq = ring.sq; /* IORING_FEAT_SINGLE_MMAP, every kernel since 5.4 */
	ring.sqes = mmap(NULL, ring.p.sq_entries * sizeof(struct io_uring_sqe),
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (ring.sq == MAP_FAILED || ring.sqes == MAP_FAILED ||
	    !(ring.p.features & IORING_FEAT_SINGLE_MMAP))
		return -1;
	c->fd = fd;
	/* the program used its ring before the pledge: the poller is awake */
	return ring_submit(c, IORING_OP_NOP, NULL, fd) == 0 ? 0 : -1;
}

/* Queue one entry and wait for its completion by the poller, with no system
 * call (the cycle counter times the wait, not even the vDSO). */
static long ring_submit(struct attack_ctx *c, unsigned char opcode, const char *path, int wake_fd)
{
	unsigned *sq_tail = (unsigned *)(ring.sq + ring.p.sq_off.tail);
	unsigned *sq_array = (unsigned *)(ring.sq + ring.p.sq_off.array);
	unsigned *sq_flags = (unsigned *)(ring.sq + ring.p.sq_off.flags);
	unsigned *cq_head = (unsigned *)(ring.cq + ring.p.cq_off.head);
	unsigned *cq_tail = (unsigned *)(ring.cq + ring.p.cq_off.tail);
	struct io_uring_cqe *cqes = (struct io_uring_cqe *)(ring.cq + ring.p.cq_off.cqes);
	unsigned tail = *sq_tail, idx = tail & (ring.p.sq_entries - 1);
	struct io_uring_sqe *sqe = &ring.sqes[idx];

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = opcode;
	if (opcode == IORING_OP_OPENAT) {
		sqe->fd = AT_FDCWD;
		sqe->addr = (unsigned long)path;
		sqe->len = 0644;
		sqe->open_flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	}
	sq_array[idx] = idx;
	__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);
	unsigned long long start = __builtin_ia32_rdtsc();
	while (__builtin_ia32_rdtsc() - start < 10000000000ULL) {
		/* before the pledge a poller that fell asleep at its start may be
		 * woken; afterwards io_uring_enter is never granted */
		if (wake_fd >= 0 && __builtin_ia32_rdtsc() - start > 200000000ULL &&
		    (__atomic_load_n(sq_flags, __ATOMIC_ACQUIRE) & IORING_SQ_NEED_WAKEUP)) {
			syscall(SYS_io_uring_enter, wake_fd, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0);
			start = __builtin_ia32_rdtsc();
		}
		unsigned head = __atomic_load_n(cq_head, __ATOMIC_ACQUIRE);
		if (head != __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE)) {
			long res = cqes[head & (ring.p.cq_entries - 1)].res;
			__atomic_store_n(cq_head, head + 1, __ATOMIC_RELEASE);
			return res;
		}
		__builtin_ia32_pause();
	}
	attack_info(c, "sq_flags", __atomic_load_n(sq_flags, __ATOMIC_ACQUIRE));
	return -ETIMEDOUT;
}

/* After the pledge: an openat(O_CREAT) through the ring. */
static long run_uring_sqpoll(struct attack_ctx *c)
{
	return ring_submit(c, IORING_OP_OPENAT, c->args[0], -1);
}

/* ---------------------------------------------- other processes' memory */

static long run_vm_read(struct attack_ctx *c)
{
	char buf[32] = { 0 };
	struct iovec local = { buf, sizeof(buf) }, remote = { attack_parent_secret, sizeof(buf) };
	long r = syscall(SYS_process_vm_readv, getppid(), &local, 1, &remote, 1, 0);

	if (r < 0)
		return -errno;
	attack_info(c, "leaked", strcmp(buf, "driver-secret") == 0);
	return r;
}

static long run_vm_write(struct attack_ctx *c)
{
	char buf[] = "pwned";
	struct iovec local = { buf, sizeof(buf) }, remote = { attack_parent_secret, sizeof(buf) };
	(void)c;
	long r = syscall(SYS_process_vm_writev, getppid(), &local, 1, &remote, 1, 0);
	return r < 0 ? -errno : r;
}

/* ------------------------------------------------------------ widening */

/* Install a filter that allows everything, then try the follow-up. */
static long run_seccomp_allow(struct attack_ctx *c)
{
	const char *how = c->args[0];
	struct sock_filter insn[] = {
		BPF_STMT(BPF_RET | BPF_K, strcmp(how, "log") == 0 ? SECCOMP_RET_LOG
								 : SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 1, .filter = insn };
	long r;

	if (strcmp(how, "prctl") == 0)
		r = syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	else
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    strcmp(how, "tsync") == 0 ? SECCOMP_FILTER_FLAG_TSYNC : 0, &prog);
	attack_info(c, "install", r < 0 ? -errno : r);
	return action(c, 1);
}

/* A second pledge, optionally with SCOPES_PENALTY set first (the attacker
 * controls its own environment), then the follow-up. */
static long run_pledge_again(struct attack_ctx *c)
{
	if (strcmp(c->args[1], "-") != 0)
		setenv("SCOPES_PENALTY", c->args[1], 1);
	attack_info(c, "pledge2", scopes_pledge(c->args[0], NULL) == 0 ? 0 : errno);
	return action(c, 2);
}

static struct scopes_filter *compiled;

static int prep_apply_compiled(struct attack_ctx *c)
{
	compiled = scopes_compile(c->args[0], SCOPES_PENALTY_KILL);
	return compiled ? 0 : -1;
}

/* A wider filter compiled before the pledge: through the library, then
 * loaded directly, then the follow-up. */
static long run_apply_compiled(struct attack_ctx *c)
{
	const void *insns;
	size_t n;

	attack_info(c, "apply", scopes_apply(compiled) == 0 ? 0 : errno);
	if (scopes_filter_program(compiled, &insns, &n) != 0)
		return -errno;
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = (void *)insns };
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
	attack_info(c, "direct", r < 0 ? -errno : r);
	return action(c, 1);
}

static int prep_status_fd(struct attack_ctx *c)
{
	c->fd = open("/proc/self/status", O_RDONLY);
	return c->fd < 0 ? -1 : 0;
}

static long status_field(struct attack_ctx *c, const char *field)
{
	char buf[8192];
	ssize_t n = pread(c->fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -errno;
	buf[n] = 0;
	const char *p = strstr(buf, field);
	return p ? strtol(p + strlen(field), NULL, 10) : -ENOENT;
}

/* Try to switch no_new_privs and seccomp off again. */
static long run_clear_nnp(struct attack_ctx *c)
{
	long r = syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0);
	long r2 = syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_DISABLED, 0, 0, 0);

	attack_info(c, "disable_seccomp", r2 < 0 ? -errno : r2);
	attack_info(c, "nnp", status_field(c, "NoNewPrivs:"));
	attack_info(c, "seccomp", status_field(c, "Seccomp:"));
	return r < 0 ? (r = -errno) : r;
}

/* Strict mode only narrows: afterwards even exit_group is refused. */
static long run_strict_mode(struct attack_ctx *c)
{
	long r = syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0);

	c->rep->result = r < 0 ? -errno : r;
	c->rep->done = 1;
	if (c->nargs > 0 && strcmp(c->args[0], "then-getpid") == 0)
		syscall(SYS_getpid);
	syscall(SYS_exit, 0);
	return r;
}

/* Survive TRAP by ignoring or blocking SIGSYS (the kernel forces it). */
static long run_sigsys_disposition(struct attack_ctx *c)
{
	if (strcmp(c->args[0], "ign") == 0) {
		signal(SIGSYS, SIG_IGN);
	} else {
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGSYS);
		sigprocmask(SIG_BLOCK, &s, NULL);
	}
	return action(c, 1);
}

/* ------------------------------------------------------------ catalogue */

#define A(n, min, use, p, r, d) { n, min, use, p, r, d }
static const struct attack attacks[] = {
	A("raw", 1, "NR [A0..A5]", NULL, run_raw, "a native system call with raw arguments"),
	A("x32", 1, "NR [A0..A5]", NULL, run_x32, "the call with the x32 bit (nr | 0x40000000)"),
	A("int80", 1, "NR [A0 A1 A2]", NULL, run_int80, "int $0x80 (i386 table) from 64-bit code"),
	A("sysenter", 1, "NR [A0]", NULL, run_sysenter, "sysenter from 64-bit code"),
	A("compat-syscall", 1, "NR [A0]", prep_compat, run_compat_syscall,
	  "far return to the 32-bit code segment, then syscall"),
	A("compat-int80", 1, "NR [A0]", prep_compat, run_compat_int80,
	  "far return to the 32-bit code segment, then int $0x80"),
	A("exec-code", 1, "mprotect|pkey_mprotect|memfd|personality|procmem", prep_exec_code,
	  run_exec_code, "run attacker-written code (returns 42 if it ran)"),
	A("map-vdso", 1, "32|64|x32", prep_map_vdso, run_map_vdso,
	  "unmap the vDSO and map a fresh executable one with arch_prctl"),
	A("clone", 1, "FLAGS", prep_clone, run_clone, "clone with raw flags (the child exits)"),
	A("fork-before", 1, "ACTION...", prep_fork_before, run_fork_before,
	  "a child forked before the pledge does ACTION"),
	A("fork-after", 1, "ACTION...", NULL, run_fork_after,
	  "fork after the pledge; the child does ACTION"),
	A("thread-before", 1, "ACTION...", prep_thread_before, run_thread_before,
	  "a thread started before the pledge does ACTION after it"),
	A("thread-race", 1, "ACTION...", prep_thread_race, run_thread_race,
	  "a thread repeats ACTION while the main thread pledges"),
	A("thread-after", 1, "ACTION...", NULL, run_thread_after,
	  "a thread started after the pledge does ACTION"),
	A("chdir-open", 3, "DIR PATH FLAGS", NULL, run_chdir_open,
	  "chdir to DIR, then open PATH relative to it"),
	A("exec", 2, "execve|execveat-fd|memfd PATH [ARG...]", prep_exec, run_exec,
	  "run PATH: by path, by a descriptor opened before, or copied into a memfd"),
	A("uring-sqpoll", 1, "PATH", prep_uring_sqpoll, run_uring_sqpoll,
	  "create PATH through a polling io_uring set up before the pledge, no syscall"),
	A("vm-read", 0, "", NULL, run_vm_read, "process_vm_readv the driver's memory"),
	A("vm-write", 0, "", NULL, run_vm_write, "process_vm_writev into the driver's memory"),
	A("seccomp-allow", 2, "seccomp|tsync|prctl|log ACTION...", NULL, run_seccomp_allow,
	  "add a filter that allows everything, then ACTION"),
	A("pledge-again", 3, "PROMISES ENVPENALTY|- ACTION...", NULL, run_pledge_again,
	  "pledge again (maybe with SCOPES_PENALTY set), then ACTION"),
	A("apply-compiled", 2, "PROMISES ACTION...", prep_apply_compiled, run_apply_compiled,
	  "apply a wider filter compiled before the pledge, then ACTION"),
	A("clear-nnp", 0, "", prep_status_fd, run_clear_nnp,
	  "clear no_new_privs and disable seccomp with prctl"),
	A("strict-mode", 0, "[then-getpid]", NULL, run_strict_mode,
	  "enter seccomp strict mode (narrows), then maybe a call it forbids"),
	A("sigsys-disposition", 2, "ign|block ACTION...", NULL, run_sigsys_disposition,
	  "ignore or block SIGSYS, then ACTION"),
	A("proc-open", 3, "parent|victim|self|PID FILE FLAGS", NULL, reach_run_proc_open,
	  "open /proc/WHO/FILE and use it (mem: read or overwrite the driver's secret)"),
	A("caps", 0, "", reach_prep_caps, reach_run_caps,
	  "report the capability sets after the pledge (info inh prm eff bnd amb)"),
	A("threads-procmem", 2, "parent|victim|PID FILE", reach_prep_threads, reach_run_threads,
	  "3 threads from before the pledge and the main one open /proc/WHO/FILE"),
	A("rtnl", 1, "getlink|setlink-up|newaddr", NULL, reach_run_rtnl,
	  "a NETLINK_ROUTE socket: dump links, set lo up, add an address"),
	A("xattr", 3, "set|lset|fset|remove|lremove|fremove PATH NAME [cap|text]",
	  reach_prep_xattr, reach_run_xattr, "write or remove an extended attribute"),
	A("unix-connect", 2, "abstract|path NAME", NULL, reach_run_unix_connect,
	  "connect a new AF_UNIX stream socket"),
	A("inet", 2, "tcp-connect|udp-connect|udp-sendto|udp-bind PORT", NULL, reach_run_inet,
	  "a new AF_INET socket to 127.0.0.1:PORT"),
	A("msg", 1, "send|recv", reach_prep_msg, reach_run_msg,
	  "sendmsg or recvmsg on a socketpair made before the pledge"),
	A("rights", 1, "stream|dgram [reenable]", reach_prep_rights, reach_run_rights,
	  "a peer from before the pledge sends a descriptor; count what arrives"),
};

const struct attack *attack_find(const char *name)
{
	for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++)
		if (strcmp(attacks[i].name, name) == 0)
			return &attacks[i];
	return NULL;
}

void attack_list(void)
{
	for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++)
		printf("%-18s %-40s %s\n", attacks[i].name, attacks[i].usage, attacks[i].doc);
}
