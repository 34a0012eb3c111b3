/* SPDX-License-Identifier: MIT */
/*
 * The worker: a fresh process that installs one setup, measures, reports
 * "key value" lines on its output descriptor and exits. Anything unexpected
 * (a call that fails under a filter that should allow it, a filter count that
 * is not the one asked for) ends it with status 1 and a message: a benchmark
 * of a setup that did not take effect would be a wrong number, not a number.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <zlib.h>

#include <scopes.h>
#include <scopes/table.h>
#ifdef SCOPES_BENCH_SIGSYS
#include <scopes/sigsys.h>
#endif

#include "bench.h"

const struct bench_op_info bench_ops[OP_COUNT] = {
	[OP_GETPPID] = { "getppid", "getppid", 0, { "getppid", NULL } },
	[OP_READ1] = { "read1", "read 1 byte", 0, { "read", NULL } },
	[OP_OPENAT_CLOSE] = { "openat_close", "openat+close", 1, { "openat", "close" } },
	[OP_MMAP_MUNMAP] = { "mmap_munmap", "mmap+munmap", 1, { "mmap", "munmap" } },
	[OP_FCNTL_GETFL] = { "fcntl_getfl", "fcntl(F_GETFL)", 1, { "fcntl", NULL } },
	[OP_IOCTL_FIONREAD] = { "ioctl_fionread", "ioctl(FIONREAD)", 1, { "ioctl", NULL } },
};

static struct {
	int zero;      /* /dev/zero: read and fcntl */
	int pipe[2];   /* ioctl(FIONREAD) */
	int null_w;    /* the workload's output */
	int status;    /* /proc/self/status, opened before any filter */
} fds = { -1, { -1, -1 }, -1, -1 };

static __attribute__((noreturn)) void die(const char *what)
{
	fprintf(stderr, "scopes-bench worker: %s: %s\n", what, strerror(errno));
	_exit(1);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* the vDSO: no system call, no filter */
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The thread's CPU time (user and system): what a latency costs without the
 * time the scheduler gave other engineers' processes on this shared machine.
 * A real system call (clock_gettime is granted by stdio). */
static double cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The clock of the per-call, violation and workload figures: CPU time by
 * default, so that a batch the scheduler interrupts for another process
 * does not count the other process's time; wall clock on request. */
static double (*batch_ns)(void) = cpu_ns;

/* A latency measured both ways. */
struct lat {
	double wall, cpu;
};

static struct lat lat_start(void)
{
	return (struct lat){ now_ns(), cpu_ns() };
}

static struct lat lat_since(struct lat t0)
{
	double c = cpu_ns();
	return (struct lat){ (now_ns() - t0.wall) / 1e3, (c - t0.cpu) / 1e3 };
}

static void put_lat(int fd, const char *key, struct lat l)
{
	char k[64];
	worker_put(fd, key, l.wall);
	snprintf(k, sizeof(k), "%s_cpu", key);
	worker_put(fd, k, l.cpu);
}

void worker_put(int fd, const char *key, double value)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %.17g\n", key, value);
	if (n <= 0 || (size_t)n >= sizeof(line) || write(fd, line, (size_t)n) != n)
		die("writing a result");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------------ the setups */

#if defined(__x86_64__)
#define UC_RESULT(uc) ((uc)->uc_mcontext.gregs[REG_RAX])
#elif defined(__aarch64__)
#define UC_RESULT(uc) ((uc)->uc_mcontext.regs[0])
#else
#error "scopes-bench: the bare SIGSYS handler knows x86_64 and aarch64"
#endif

/* The least a TRAP penalty can cost: the signal round trip, nothing else. */
static void sigsys_bare(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	UC_RESULT((ucontext_t *)ctx) = -EPERM;
}

static int pledge_or_die(const char *promises)
{
	if (scopes_pledge(promises, NULL) != 0)
		die(promises);
	return 0;
}

static void setup_apply(enum bench_setup s)
{
	struct sigaction sa;

	switch (s) {
	case SETUP_NONE:
		return;
	case SETUP_ONERULE:
	case SETUP_ARGFLOOR:
	case SETUP_ARGFLOOR8:
	case SETUP_NAIVE:
	case SETUP_DOCKER:
		if (filters_install_alternative(s) != 0)
			_exit(1);
		return;
	case SETUP_PLEDGE1:
	case SETUP_PLEDGE2:
	case SETUP_PLEDGE4:
	case SETUP_PLEDGE8:
		for (int i = BENCH_CHAIN_LEN - bench_setup_stack(s); i < BENCH_CHAIN_LEN; i++)
			pledge_or_die(bench_chain[i]);
		return;
	case SETUP_ERRNO:
		scopes_set_penalty(SCOPES_PENALTY_ERRNO);
		pledge_or_die("stdio");
		return;
	case SETUP_TRAP:
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = sigsys_bare;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		if (sigaction(SIGSYS, &sa, NULL) != 0)
			die("sigaction");
		scopes_set_penalty(SCOPES_PENALTY_TRAP);
		pledge_or_die("stdio");
		return;
	case SETUP_REPORT:
#ifdef SCOPES_BENCH_SIGSYS
		if (scopes_sigsys_install(SCOPES_SIGSYS_CONTINUE) != 0)
			die("scopes_sigsys_install");
		scopes_set_penalty(SCOPES_PENALTY_TRAP);
		pledge_or_die("stdio");
		return;
#else
		errno = ENOSYS;
		die("built without libscopes-sigsys");
#endif
	default:
		errno = EINVAL;
		die("unknown setup");
	}
}

/* The kernel's own count of the filters this process holds. */
static long filters_held(void)
{
	char buf[4096];
	ssize_t n = pread(fds.status, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		die("reading /proc/self/status");
	buf[n] = 0;
	const char *p = strstr(buf, "Seccomp_filters:");
	return p ? strtol(p + strlen("Seccomp_filters:"), NULL, 10) : -1;
}

static void prepare(const struct worker_args *a)
{
	if (a->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(a->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0)
			die("sched_setaffinity");
	}
	fds.zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	fds.null_w = open("/dev/null", O_WRONLY | O_CLOEXEC);
	fds.status = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fds.zero < 0 || fds.null_w < 0 || fds.status < 0 || pipe2(fds.pipe, O_CLOEXEC) != 0)
		die("opening the descriptors");
	/* Resolve the table now: a pledge's first call does it otherwise, and
	 * only the pledge and compile workers time that. */
	if (strcmp(a->kind, "pledge") != 0 && strcmp(a->kind, "compile") != 0 &&
	    scopes_table_init() != 0)
		die("scopes_table_init");
}

static void check_filters(const struct worker_args *a)
{
	long held = filters_held();
	if (held != bench_setups[a->setup].filters) {
		fprintf(stderr, "scopes-bench worker: %s holds %ld filters, expected %d\n",
			bench_setups[a->setup].name, held, bench_setups[a->setup].filters);
		_exit(1);
	}
	worker_put(a->out_fd, "filters", (double)held);
}

/* ------------------------------------------------------------ per call */

/* Each loop makes its calls and checks the last result: a filter that
 * refuses a call the setup should allow would make the number meaningless. */
static void loop_getppid(long n)
{
	for (long i = 0; i < n; i++)
		if (getppid() <= 0)
			die("getppid");
}

static void loop_read1(long n)
{
	char c;
	for (long i = 0; i < n; i++)
		if (read(fds.zero, &c, 1) != 1)
			die("read");
}

static void loop_openat_close(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = openat(AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0 || close(fd) != 0)
			die("openat+close");
	}
}

static void loop_mmap_munmap(long n)
{
	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);
		if (p == MAP_FAILED || munmap(p, 4096) != 0)
			die("mmap+munmap");
	}
}

static void loop_fcntl(long n)
{
	for (long i = 0; i < n; i++)
		if (fcntl(fds.zero, F_GETFL) < 0)
			die("fcntl(F_GETFL)");
}

static void loop_ioctl(long n)
{
	int avail;
	for (long i = 0; i < n; i++)
		if (ioctl(fds.pipe[0], FIONREAD, &avail) != 0)
			die("ioctl(FIONREAD)");
}

static void (*const op_loop[OP_COUNT])(long) = {
	[OP_GETPPID] = loop_getppid,
	[OP_READ1] = loop_read1,
	[OP_OPENAT_CLOSE] = loop_openat_close,
	[OP_MMAP_MUNMAP] = loop_mmap_munmap,
	[OP_FCNTL_GETFL] = loop_fcntl,
	[OP_IOCTL_FIONREAD] = loop_ioctl,
};

/* Calls that take microseconds get fewer iterations, so that every op of a
 * worker runs for a comparable time. */
static long op_iters(enum bench_op op, long iters)
{
	long n = op == OP_OPENAT_CLOSE || op == OP_MMAP_MUNMAP ? iters / 4 : iters;
	return n > 0 ? n : 1;
}

static int worker_percall(const struct worker_args *a)
{
	double batch[256];
	int nb = a->batches < 256 ? a->batches : 256;

	setup_apply(a->setup);
	check_filters(a);
	for (int op = 0; op < OP_COUNT; op++) {
		long n = op_iters(op, a->iters);
		op_loop[op](n / 8 + 1); /* warm: caches, the first-touch faults */
		for (int b = 0; b < nb; b++) {
			double t0 = batch_ns();
			op_loop[op](n);
			batch[b] = (batch_ns() - t0) / (double)n;
		}
		worker_put(a->out_fd, bench_ops[op].name, median(batch, nb));
	}
	return 0;
}

/* ------------------------------------------------------------ workload */

/* Compress a file with zlib (level 6) in 64 KiB reads, writing the result to
 * /dev/null: CPU-bound with the system calls a real compressor makes. */
static int worker_workload(const struct worker_args *a)
{
	static unsigned char in[1 << 16], out[1 << 16];
	z_stream zs;
	long total = 0;

	setup_apply(a->setup);
	check_filters(a);
	double t0 = batch_ns();
	int fd = open(a->input, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(a->input);
	memset(&zs, 0, sizeof(zs));
	if (deflateInit(&zs, 6) != Z_OK)
		die("deflateInit");
	for (int flush = Z_NO_FLUSH; flush != Z_FINISH;) {
		ssize_t r = read(fd, in, sizeof(in));
		if (r < 0)
			die("read");
		flush = r == 0 ? Z_FINISH : Z_NO_FLUSH;
		zs.next_in = in;
		zs.avail_in = (uInt)r;
		do {
			zs.next_out = out;
			zs.avail_out = sizeof(out);
			if (deflate(&zs, flush) == Z_STREAM_ERROR)
				die("deflate");
			size_t have = sizeof(out) - zs.avail_out;
			if (have && write(fds.null_w, out, have) != (ssize_t)have)
				die("write");
			total += (long)have;
		} while (zs.avail_out == 0);
	}
	deflateEnd(&zs);
	close(fd);
	worker_put(a->out_fd, "ms", (batch_ns() - t0) / 1e6);
	worker_put(a->out_fd, "out_bytes", (double)total);
	return 0;
}

/* ------------------------------------------------------------ violations */

/* getpriority: cheap, harmless, and outside "stdio" (proc and id grant it). */
static int worker_violation(const struct worker_args *a)
{
	double batch[256];
	int nb = a->batches < 256 ? a->batches : 256;
	long n = a->iters > 0 ? a->iters : 1;
	int denied = a->setup != SETUP_NONE;

	if (a->setup == SETUP_REPORT && dup2(fds.null_w, STDERR_FILENO) < 0)
		die("dup2"); /* the reports: formatted and written, then dropped */
	setup_apply(a->setup);
	check_filters(a);
	for (int b = -1; b < nb; b++) {
		double t0 = batch_ns();
		for (long i = 0; i < n; i++) {
			errno = 0;
			int r = getpriority(PRIO_PROCESS, 0);
			if (denied ? !(r == -1 && errno == EPERM) : errno != 0)
				die(denied ? "getpriority was not refused with EPERM"
					   : "getpriority");
		}
		if (b >= 0)
			batch[b] = (batch_ns() - t0) / (double)n;
	}
	worker_put(a->out_fd, "ns", median(batch, nb));
	return 0;
}

/* ------------------------------------------------------------ latencies */

static int worker_pledge(const struct worker_args *a)
{
	struct lat t0 = lat_start();
	pledge_or_die(BENCH_PROMISES);
	struct lat first = lat_since(t0);
	t0 = lat_start();
	pledge_or_die("stdio");
	struct lat second = lat_since(t0);
	put_lat(a->out_fd, "first_us", first);
	put_lat(a->out_fd, "second_us", second);
	return 0;
}

/* The program scopes_pledge(BENCH_PROMISES) installs in this process, the
 * pid placeholder bound as the library binds it (compiled untimed). */
static struct sock_fprog bound_program(void)
{
	static struct sock_filter bound[4096];
	const void *insns;
	size_t count;

	struct scopes_filter *f = scopes_compile(BENCH_PROMISES, SCOPES_PENALTY_KILL);
	if (!f || scopes_filter_program(f, &insns, &count) != 0 || count > 4096)
		die("scopes_compile");
	memcpy(bound, insns, count * sizeof(*bound));
	for (size_t i = 0; i < count; i++)
		if (bound[i].code == (BPF_JMP | BPF_JEQ | BPF_K) && bound[i].k == SCOPES_VALUE_SELF_PID)
			bound[i].k = (uint32_t)getpid();
	return (struct sock_fprog){ .len = (unsigned short)count, .filter = bound };
}

/*
 * The floor of the first pledge (issue 16): in a fresh process, the kernel's
 * own attach of the very program scopes_pledge(BENCH_PROMISES) installs,
 * no_new_privs then seccomp with TSYNC. The kernel's share of a pledge: JIT,
 * and the constant-action cache emulation of every syscall number.
 */
static int worker_rawattach(const struct worker_args *a)
{
	struct sock_fprog prog = bound_program();
	struct lat t0 = lat_start();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0)
		die("seccomp");
	struct lat first = lat_since(t0);
	put_lat(a->out_fd, "first_us", first);
	return 0;
}

/*
 * The containment floor (issue 16): every kernel call a first pledge of
 * BENCH_PROMISES makes besides computing its filter, made directly, in the
 * library's order and with its arguments (system.c, landlock.c, caps.c,
 * commit.c): the Landlock ABI probe and the containment layer's ruleset,
 * getpid for the program's pid slots, PR_GET_SECCOMP, the io_uring check
 * (/proc/self/fd listed with a readlink of every entry, /proc/self/maps
 * read through), SO_PASSRIGHTS on the AF_UNIX sockets that listing found,
 * no_new_privs, landlock_restrict_self, the capability drop (as root: the
 * bounding set one capability at a time, then capset), closing the
 * ruleset, and the seccomp attach of the very program. Raw system calls and
 * stack buffers: what a pledge costs over this is the library's own work in
 * user space, first touches of its memory included. The sequence must stay
 * the library's: compare `strace -f -c` of both (bench/README.md).
 */
#if defined(__x86_64__)
static long floor_sys(long nr, long a, long b, long c, long d, long e)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
static long floor_sys(long nr, long a, long b, long c, long d, long e)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;

	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4)
			 : "memory", "cc");
	return x0;
}
#endif

#define FL(x) ((long)(x))
#define FLOOR_SOCKS 32
#define FLOOR_TAG "[io_uring]"
#define FLOOR_TAG_LEN (sizeof(FLOOR_TAG) - 1)
#define FLOOR_CAP_SETPCAP 8
#define FLOOR_SO_PASSRIGHTS 83
#define FLOOR_LL_VERSION 1U
#define FLOOR_LL_MAKE_CHAR (1ULL << 6)
#define FLOOR_LL_MAKE_BLOCK (1ULL << 11)
#define FLOOR_LL_SCOPE_ABSTRACT_UNIX 1ULL

struct floor_plan {
	const struct sock_fprog *prog;
	uint64_t keep_caps; /* what the promises keep (scopes_promise_caps) */
	int unix_held;      /* then no abstract-socket scope */
};

static int floor_has_tag(const char *s, size_t len)
{
	for (size_t i = 0; i + FLOOR_TAG_LEN <= len; i++)
		if (memcmp(s + i, FLOOR_TAG, FLOOR_TAG_LEN) == 0)
			return 1;
	return 0;
}

static int floor_fd_number(const char *name)
{
	int fd = 0;

	if (*name < '0' || *name > '9')
		return -1;
	for (; *name >= '0' && *name <= '9'; name++)
		fd = fd * 10 + (*name - '0');
	return *name ? -1 : fd;
}

struct floor_dirent64 {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* The io_uring check: 1 found, 0 not; socks gets the sockets listed. */
static int floor_uring_scan(int *socks, int *nsocks)
{
	char buf[2048], link[64];
	int found = 0;
	long n;

	long dfd = floor_sys(SYS_openat, AT_FDCWD, FL("/proc/self/fd"),
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, 0);
	if (dfd < 0)
		return 0;
	while (!found && (n = floor_sys(SYS_getdents64, dfd, FL(buf), sizeof(buf), 0, 0)) > 0) {
		for (long off = 0; off < n && !found;) {
			struct floor_dirent64 *d = (struct floor_dirent64 *)(buf + off);
			off += d->reclen;
			int fd = floor_fd_number(d->name);
			if (fd < 0 || fd == dfd)
				continue;
			long l = floor_sys(SYS_readlinkat, dfd, FL(d->name), FL(link), sizeof(link),
					   0);
			if (l <= 0)
				continue;
			found = floor_has_tag(link, (size_t)l);
			if (l >= 8 && memcmp(link, "socket:[", 8) == 0 && *nsocks < FLOOR_SOCKS)
				socks[(*nsocks)++] = fd;
		}
	}
	floor_sys(SYS_close, dfd, 0, 0, 0, 0);
	if (found)
		return 1;
	long mfd = floor_sys(SYS_openat, AT_FDCWD, FL("/proc/self/maps"), O_RDONLY | O_CLOEXEC,
			     0, 0);
	if (mfd < 0)
		return 0;
	size_t have = 0, keep = FLOOR_TAG_LEN - 1;
	for (;;) {
		long r = floor_sys(SYS_read, mfd, FL(buf + have), FL(sizeof(buf) - have), 0, 0);
		if (r <= 0)
			break;
		have += (size_t)r;
		if ((found = floor_has_tag(buf, have)))
			break;
		if (have > keep) {
			memmove(buf, buf + have - keep, keep);
			have = keep;
		}
	}
	floor_sys(SYS_close, mfd, 0, 0, 0, 0);
	return found;
}

struct floor_caps {
	struct {
		uint32_t version;
		int pid;
	} h;
	struct {
		uint32_t eff, perm, inh;
	} d[2];
};

static int floor_caps_drop(uint64_t keep)
{
	struct floor_caps c = { { 0x20080522, 0 }, { { 0, 0, 0 }, { 0, 0, 0 } } };

	if (floor_sys(SYS_capget, FL(&c.h), FL(c.d), 0, 0, 0) != 0)
		return -1;
	uint64_t eff = c.d[0].eff | (uint64_t)c.d[1].eff << 32;
	uint64_t perm = c.d[0].perm | (uint64_t)c.d[1].perm << 32;
	uint64_t inh = c.d[0].inh | (uint64_t)c.d[1].inh << 32;
	if (eff & (1ULL << FLOOR_CAP_SETPCAP))
		for (int cap = 0; cap < 64; cap++)
			if (!(keep & (1ULL << cap)) &&
			    floor_sys(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0) == -EINVAL)
				break;
	uint64_t ambient = perm & inh & ~keep;
	if (ambient && !keep)
		floor_sys(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	for (int cap = 0; ambient && keep && cap < 64; cap++)
		if (ambient & (1ULL << cap))
			floor_sys(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0);
	if (!((eff | perm | inh) & ~keep))
		return 0;
	eff &= keep;
	perm &= keep;
	inh &= keep;
	c.d[0].eff = (uint32_t)eff;
	c.d[0].perm = (uint32_t)perm;
	c.d[0].inh = (uint32_t)inh;
	c.d[1].eff = (uint32_t)(eff >> 32);
	c.d[1].perm = (uint32_t)(perm >> 32);
	c.d[1].inh = (uint32_t)(inh >> 32);
	return floor_sys(SYS_capset, FL(&c.h), FL(c.d), 0, 0, 0) == 0 ? 0 : -1;
}

/* 0, or -1 when a call the pledge needs failed (or an io_uring was found). */
static int floor_run(const struct floor_plan *pl)
{
	struct {
		uint64_t fs, net, scoped;
	} attr = { FLOOR_LL_MAKE_CHAR | FLOOR_LL_MAKE_BLOCK, 0, 0 };
	int socks[FLOOR_SOCKS], nsocks = 0;

	long abi = floor_sys(SYS_landlock_create_ruleset, 0, 0, FLOOR_LL_VERSION, 0, 0);
	long rs = -1;
	if (abi > 0) {
		if (abi >= 6 && !pl->unix_held)
			attr.scoped = FLOOR_LL_SCOPE_ABSTRACT_UNIX;
		rs = floor_sys(SYS_landlock_create_ruleset, FL(&attr), attr.scoped ? 24 : 8, 0, 0,
			       0);
		if (rs < 0)
			return -1;
	}
	floor_sys(SYS_getpid, 0, 0, 0, 0, 0);
	if (floor_sys(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
		return -1;
	if (floor_uring_scan(socks, &nsocks))
		return -1;
	for (int i = 0; i < nsocks; i++) {
		int domain = 0, zero = 0;
		socklen_t len = sizeof(domain);
		if (floor_sys(SYS_getsockopt, socks[i], SOL_SOCKET, SO_DOMAIN, FL(&domain),
			      FL(&len)) == 0 &&
		    domain == AF_UNIX)
			floor_sys(SYS_setsockopt, socks[i], SOL_SOCKET, FLOOR_SO_PASSRIGHTS,
				  FL(&zero), sizeof(zero));
	}
	if (floor_sys(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	if (rs >= 0 && floor_sys(SYS_landlock_restrict_self, rs, 0, 0, 0, 0) != 0)
		return -1;
	if (floor_caps_drop(pl->keep_caps) != 0)
		return -1;
	if (rs >= 0)
		floor_sys(SYS_close, rs, 0, 0, 0, 0);
	return floor_sys(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
			 FL(pl->prog), 0, 0) == 0 ?
		       0 :
		       -1;
}

static void floor_plan_init(struct floor_plan *pl, const struct sock_fprog *prog)
{
	scopes_set_t set;

	if (scopes_promises_parse(BENCH_PROMISES, &set) != 0)
		die("scopes_promises_parse");
	pl->prog = prog;
	pl->keep_caps = 0;
	for (int i = 0; i < scopes_promise_count(); i++)
		if (set & ((scopes_set_t)1 << i))
			pl->keep_caps |= scopes_promise_caps(i);
	pl->unix_held = (set & ((scopes_set_t)1 << scopes_promise_index("unix", 4))) != 0;
}

/* The containment floor of the first pledge, in a fresh process: as the
 * rawattach worker, with every other kernel call of the pledge. */
static int worker_floorattach(const struct worker_args *a)
{
	struct sock_fprog prog = bound_program();
	struct floor_plan pl;

	floor_plan_init(&pl, &prog);
	struct lat t0 = lat_start();
	if (floor_run(&pl) != 0)
		die("the containment floor's calls");
	struct lat first = lat_since(t0);
	put_lat(a->out_fd, "first_us", first);
	return 0;
}

/* Median wall and CPU time of n compiles of promises. */
static void compile_median(const char *promises, int n, struct lat *out)
{
	double wall[64], cpu[64];

	for (int i = 0; i < n; i++) {
		struct lat t0 = lat_start();
		struct scopes_filter *f = scopes_compile(promises, SCOPES_PENALTY_KILL);
		struct lat d = lat_since(t0);
		if (!f)
			die("scopes_compile");
		scopes_filter_free(f);
		wall[i] = d.wall;
		cpu[i] = d.cpu;
	}
	*out = (struct lat){ median(wall, n), median(cpu, n) };
}

/*
 * What the first pledge of a process is made of: resolving the table's
 * syscall names (once per process), compiling, attaching (the apply worker).
 */
static int worker_compile(const struct worker_args *a)
{
	int n = a->batches < 64 ? a->batches : 64;
	char all[1024];
	scopes_set_t full = 0;
	struct lat l, t0 = lat_start();

	if (scopes_table_init() != 0)
		die("scopes_table_init");
	put_lat(a->out_fd, "table_init_us", lat_since(t0));
	compile_median(BENCH_PROMISES, 1, &l);
	put_lat(a->out_fd, "first_us", l);
	compile_median(BENCH_PROMISES, n, &l);
	put_lat(a->out_fd, "warm_us", l);
	for (int i = 0; i < scopes_promise_count(); i++)
		full |= (scopes_set_t)1 << i;
	if (scopes_promises_format(full, all, sizeof(all)) >= sizeof(all))
		die("formatting the full set");
	compile_median(all, n, &l);
	put_lat(a->out_fd, "full_us", l);
	return 0;
}

/* What a forked child of the apply worker attaches, and how. */
enum attach_how { ATTACH_APPLY, ATTACH_RAW, ATTACH_FLOOR, ATTACH_HOWS };

struct attach_job {
	const struct scopes_filter *f;   /* ATTACH_APPLY */
	const struct sock_fprog *raw;    /* ATTACH_RAW */
	const struct floor_plan *floor;  /* ATTACH_FLOOR */
};

/* One attach in a forked child; the child sends its wall and CPU time. */
static struct lat attach_in_child(const struct attach_job *job, enum attach_how how)
{
	static const char *const what[ATTACH_HOWS] = {
		"scopes_apply in a child", "seccomp() in a child",
		"the containment floor in a child" };
	struct lat l = { -1, -1 };
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		die("pipe2");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int rc;
		struct lat t0 = lat_start();
		if (how == ATTACH_APPLY) {
			rc = scopes_apply(job->f);
		} else if (how == ATTACH_FLOOR) {
			rc = floor_run(job->floor);
		} else {
			rc = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			if (rc == 0)
				rc = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
						  SECCOMP_FILTER_FLAG_TSYNC, job->raw);
		}
		struct lat d = lat_since(t0);
		if (rc != 0 || write(p[1], &d, sizeof(d)) != sizeof(d))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	ssize_t r = read(p[0], &l, sizeof(l));
	close(p[0]);
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    r != sizeof(l)) {
		errno = ECHILD;
		die(what[how]);
	}
	return l;
}

/*
 * scopes_apply of a compiled filter against the kernel's own attach of the
 * same instructions (no_new_privs, then seccomp with TSYNC) and against the
 * containment floor (every kernel call scopes_apply makes, made directly),
 * each in a forked child, the order rotated every time. The ratios are
 * taken on CPU time, which the other processes of a shared machine do not
 * inflate, each within one rotation.
 */
static int worker_apply(const struct worker_args *a)
{
	static double v[ATTACH_HOWS][2][256], ratio[3][256];
	int n = a->batches < 256 ? a->batches : 256;
	const void *insns;
	size_t count;

	struct scopes_filter *f = scopes_compile(BENCH_PROMISES, SCOPES_PENALTY_KILL);
	if (!f || scopes_filter_program(f, &insns, &count) != 0)
		die("scopes_compile");
	struct sock_fprog prog = { .len = (unsigned short)count,
				   .filter = (struct sock_filter *)insns };
	struct floor_plan pl;
	floor_plan_init(&pl, &prog);
	struct attach_job job = { .f = f, .raw = &prog, .floor = &pl };
	for (int i = 0; i < n; i++) {
		struct lat l[ATTACH_HOWS];
		for (int k = 0; k < ATTACH_HOWS; k++) {
			enum attach_how how = (enum attach_how)((i + k) % ATTACH_HOWS);
			l[how] = attach_in_child(&job, how);
		}
		for (int how = 0; how < ATTACH_HOWS; how++) {
			v[how][0][i] = l[how].wall;
			v[how][1][i] = l[how].cpu;
		}
		ratio[0][i] = l[ATTACH_APPLY].cpu / l[ATTACH_RAW].cpu;
		ratio[1][i] = l[ATTACH_APPLY].cpu / l[ATTACH_FLOOR].cpu;
		ratio[2][i] = l[ATTACH_FLOOR].cpu / l[ATTACH_RAW].cpu;
	}
	static const char *const key[ATTACH_HOWS] = { "apply_us", "raw_us", "floor_us" };
	for (int how = 0; how < ATTACH_HOWS; how++)
		put_lat(a->out_fd, key[how],
			(struct lat){ median(v[how][0], n), median(v[how][1], n) });
	worker_put(a->out_fd, "ratio", median(ratio[0], n));
	worker_put(a->out_fd, "over_floor", median(ratio[1], n));
	worker_put(a->out_fd, "floor_over_raw", median(ratio[2], n));
	worker_put(a->out_fd, "insns", (double)count);
	scopes_filter_free(f);
	return 0;
}

int worker_main(const struct worker_args *a)
{
	static const struct {
		const char *kind;
		int (*fn)(const struct worker_args *);
	} kinds[] = {
		{ "percall", worker_percall }, { "workload", worker_workload },
		{ "violation", worker_violation }, { "pledge", worker_pledge },
		{ "compile", worker_compile }, { "apply", worker_apply },
		{ "rawattach", worker_rawattach }, { "floorattach", worker_floorattach },
	};

	unsetenv("SCOPES_PENALTY"); /* the bench chooses every penalty itself */
	if (a->wall_clock)
		batch_ns = now_ns;
	prepare(a);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(a->kind, kinds[i].kind) == 0)
			return kinds[i].fn(a);
	fprintf(stderr, "scopes-bench worker: unknown kind %s\n", a->kind);
	return 2;
}
