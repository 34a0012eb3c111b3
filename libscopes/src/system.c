/* SPDX-License-Identifier: MIT */
/*
 * Kernel calls. The public modules never call prctl/seccomp/landlock
 * directly: they come here, so that fault injection and errno mapping live in
 * one place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/futex.h>
#include <time.h>
#include <unistd.h>

#include "system.h"
#include "threads.h"

/*
 * A system call without libc: returns the result or -errno. The pledge path
 * makes a few dozen calls, and in a fresh process (a forked worker's first
 * pledge) each libc routine it touches for the first time costs a page
 * fault: prctl, open, readlinkat, syscall, errno, strstr... were 8 of the
 * 16 faults of a scopes_apply, each costing more than the call itself
 * (about 25 us against 1.6 us in the VM of bench/README.md, "Issue 16").
 * x86_64 and aarch64 (the targets the syscall tables know) trap directly;
 * anything else goes through libc's syscall().
 */
#if defined(__x86_64__) && defined(__LP64__)
static long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
static long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}
#else
static long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret = syscall(nr, a, b, c, d, e, f);
	return ret < 0 ? -errno : ret;
}
#endif

long sys_raw(long nr, long a, long b, long c, long d, long e)
{
	return raw6(nr, a, b, c, d, e, 0);
}

#define RAW_ARG(x) ((long)(x))
#define raw1(nr, a) raw6(nr, RAW_ARG(a), 0, 0, 0, 0, 0)
#define raw2(nr, a, b) raw6(nr, RAW_ARG(a), RAW_ARG(b), 0, 0, 0, 0)
#define raw3(nr, a, b, c) raw6(nr, RAW_ARG(a), RAW_ARG(b), RAW_ARG(c), 0, 0, 0)
#define raw4(nr, a, b, c, d) raw6(nr, RAW_ARG(a), RAW_ARG(b), RAW_ARG(c), RAW_ARG(d), 0, 0)
#define raw5(nr, a, b, c, d, e) \
	raw6(nr, RAW_ARG(a), RAW_ARG(b), RAW_ARG(c), RAW_ARG(d), RAW_ARG(e), 0)

#ifdef SCOPES_FAULT_INJECTION
static long fault_counter[3];
static long fault_at[3] = { -2, -2, -2 };

int sys_fault(enum scopes_fault kind)
{
	static const char *const env[3] = { "SCOPES_FAULT_ALLOC", "SCOPES_FAULT_KERNEL",
					    "SCOPES_FAULT_LIBSECCOMP" };
	if (fault_at[kind] == -2) {
		const char *v = getenv(env[kind]);
		fault_at[kind] = v ? strtol(v, NULL, 10) : -1;
	}
	return fault_at[kind] >= 0 && ++fault_counter[kind] == fault_at[kind];
}
#endif

void *sys_malloc(size_t size)
{
	if (sys_fault(SCOPES_FAULT_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return malloc(size);
}

void *sys_calloc(size_t n, size_t size)
{
	if (sys_fault(SCOPES_FAULT_ALLOC)) {
		errno = ENOMEM;
		return NULL;
	}
	return calloc(n, size);
}

int sys_set_no_new_privs(void)
{
	/* PR_SET_NO_NEW_PRIVS exists since Linux 3.5, with seccomp filters:
	 * a kernel that refuses it has no filters either. */
	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -ENOSYS;
	if (raw5(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -ENOSYS;
	return 0;
}

int sys_seccomp_load(const struct sock_filter *insns, size_t count)
{
	struct sock_fprog prog = { .len = (unsigned short)count, .filter = (struct sock_filter *)insns };

	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -ESRCH;
	long rc = raw3(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (rc == 0)
		return 0;
	if (rc > 0) /* the id of a thread that could not be synchronised */
		return -ESRCH;
	if (rc == -EINVAL && count > BPF_MAXINSNS)
		return -E2BIG;
	if (rc == -ENOMEM) /* the stack of filters is over the kernel's total */
		return -E2BIG;
	return (int)rc;
}

/* Debian 12's <linux/landlock.h> is older than the calls' current form: the
 * structures are declared here as the kernel's ABI defines them. */
struct sys_landlock_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};
struct sys_landlock_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));
struct sys_landlock_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};
#define SYS_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define SYS_LANDLOCK_RULE_PATH_BENEATH 1
#define SYS_LANDLOCK_RULE_NET_PORT 2

int sys_landlock_abi(void)
{
	return (int)raw3(SYS_landlock_create_ruleset, NULL, 0, SYS_LANDLOCK_CREATE_RULESET_VERSION);
}

int sys_landlock_create_ruleset(uint64_t handled_fs, uint64_t handled_net, uint64_t scoped)
{
	struct sys_landlock_ruleset_attr attr = { .handled_access_fs = handled_fs,
						  .handled_access_net = handled_net,
						  .scoped = scoped };
	/* the size of the fields in use: older kernels refuse what they do
	 * not know (E2BIG) */
	size_t size = scoped ? 24 : handled_net ? 16 : 8;

	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -ENOMEM;
	return (int)raw3(SYS_landlock_create_ruleset, &attr, size, 0);
}

int sys_landlock_add_port_rule(int ruleset_fd, uint16_t port, uint64_t allowed)
{
	struct sys_landlock_net_port_attr attr = { .allowed_access = allowed, .port = port };

	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -ENOMEM;
	long rc = raw4(SYS_landlock_add_rule, ruleset_fd, SYS_LANDLOCK_RULE_NET_PORT, &attr, 0);
	return rc < 0 ? (int)rc : 0;
}

int sys_landlock_add_path_rule(int ruleset_fd, int parent_fd, uint64_t allowed)
{
	struct sys_landlock_path_beneath_attr attr = { .allowed_access = allowed,
						       .parent_fd = parent_fd };

	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -ENOMEM;
	long rc = raw4(SYS_landlock_add_rule, ruleset_fd, SYS_LANDLOCK_RULE_PATH_BENEATH, &attr, 0);
	return rc < 0 ? (int)rc : 0;
}

int sys_landlock_restrict_self(int ruleset_fd, unsigned flags)
{
	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -E2BIG;
	long rc = raw2(SYS_landlock_restrict_self, ruleset_fd, flags);
	return rc < 0 ? (int)rc : 0;
}

int sys_secure_exec(void)
{
	return getauxval(AT_SECURE) != 0;
}

int sys_seccomp_filtered(void)
{
	return raw5(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0) == SECCOMP_MODE_FILTER;
}

long sys_getpid(void)
{
	return raw1(SYS_getpid, 0);
}

long sys_gettid(void)
{
	return raw1(SYS_gettid, 0);
}

int sys_open_dir(const char *path)
{
	return (int)raw4(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
}

long sys_getdents64(int fd, void *buf, size_t size)
{
	return raw3(SYS_getdents64, fd, buf, size);
}

void sys_close(int fd)
{
	raw1(SYS_close, fd);
}

int sys_open_path(const char *path, struct sys_file_id *id)
{
	struct stat sb;
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	id->dev = sb.st_dev;
	id->ino = sb.st_ino;
	id->is_dir = S_ISDIR(sb.st_mode);
	return fd;
}

int sys_tgsigqueue(long pid, long tid, int sig, void *value)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = (pid_t)pid;
	si.si_uid = (uid_t)raw1(SYS_getuid, 0);
	si.si_value.sival_ptr = value;
	long rc = raw4(SYS_rt_tgsigqueueinfo, pid, tid, sig, &si);
	return rc < 0 ? (int)rc : 0;
}

void sys_futex_wait(int *word, int val, long long timeout_ns)
{
	struct timespec ts, *t = NULL;

	if (timeout_ns >= 0) {
		ts.tv_sec = (time_t)(timeout_ns / 1000000000LL);
		ts.tv_nsec = (long)(timeout_ns % 1000000000LL);
		t = &ts;
	}
	raw6(SYS_futex, RAW_ARG(word), FUTEX_WAIT_PRIVATE, val, RAW_ARG(t), 0, 0);
}

void sys_futex_wake(int *word)
{
	raw6(SYS_futex, RAW_ARG(word), FUTEX_WAKE_PRIVATE, 0x7fffffff, 0, 0, 0);
}

#define KSA_RESTORER 0x04000000UL
#if defined(__x86_64__)
/* The kernel returns from an x86_64 handler through the restorer the action
 * names: rt_sigreturn, as glibc's own __restore_rt. */
__asm__(".text\n"
	".align 16\n"
	".type scopes_restore_rt, @function\n"
	"scopes_restore_rt:\n"
	"\tmovq $15, %rax\n"
	"\tsyscall\n"
	".size scopes_restore_rt, .-scopes_restore_rt\n");
void scopes_restore_rt(void) SCOPES_HIDDEN;
#endif

int sys_sigaction_raw(int sig, void (*fn)(int, siginfo_t *, void *), struct sys_sigaction *old)
{
	struct sys_sigaction sa = { .handler = (void *)fn, .flags = SA_SIGINFO | SA_RESTART };

#if defined(__x86_64__)
	sa.flags |= KSA_RESTORER;
	sa.restorer = (void *)scopes_restore_rt;
#endif
	long rc = raw4(SYS_rt_sigaction, sig, &sa, old, sizeof(sa.mask));
	return rc < 0 ? (int)rc : 0;
}

void sys_sigaction_restore(int sig, const struct sys_sigaction *old)
{
	if (old->handler == (void *)SIG_DFL)
		return;
	raw4(SYS_rt_sigaction, sig, old, NULL, sizeof(old->mask));
}

struct sys_cap_header {
	uint32_t version;
	int pid;
};
struct sys_cap_data {
	uint32_t effective, permitted, inheritable;
};
#define SYS_CAP_V3 0x20080522

int sys_capget(uint64_t *eff, uint64_t *perm, uint64_t *inh)
{
	struct sys_cap_header h = { SYS_CAP_V3, 0 };
	struct sys_cap_data d[2];

	memset(d, 0, sizeof(d));
	long rc = raw2(SYS_capget, &h, d);
	if (rc != 0)
		return (int)rc;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

int sys_capset(uint64_t eff, uint64_t perm, uint64_t inh)
{
	struct sys_cap_header h = { SYS_CAP_V3, 0 };
	struct sys_cap_data d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32) },
	};

	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -EPERM;
	return (int)raw2(SYS_capset, &h, d);
}

int sys_capbset_drop(int cap)
{
	return (int)raw5(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0);
}

int sys_capbset_read(int cap)
{
	return (int)raw5(SYS_prctl, PR_CAPBSET_READ, cap, 0, 0, 0);
}

int sys_cap_ambient_lower(int cap)
{
	return (int)raw5(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0);
}

int sys_cap_ambient_clear(void)
{
	return (int)raw5(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

/*
 * The descriptor table and the mappings, at the first pledge.
 *
 * An io_uring made before it: with IORING_SETUP_SQPOLL its kernel poller
 * performs submissions written into shared memory, with no system call for
 * any filter or Landlock to see. Look for one among the descriptors (a ring
 * not yet mapped can be mapped after the pledge) and the mappings (a ring
 * whose descriptor was closed). /proc unreadable: nothing to say (0).
 *
 * The same pass over /proc/self/fd notes the sockets (their link reads
 * "socket:[inode]"), so that sys_unix_refuse_rights, which the same pledge
 * calls next, need not list the table again nor ask every descriptor for its
 * domain. Raw calls and stack buffers only: this runs in every fresh
 * process's first pledge or apply (a forked worker's), where stdio, malloc
 * and libc's string routines would fault in pages for nothing.
 */

static const char uring_tag[] = "[io_uring]";
#define URING_TAG_LEN (sizeof(uring_tag) - 1)

static int holds_uring_tag(const char *s, size_t len)
{
	for (size_t i = 0; i + URING_TAG_LEN <= len; i++) {
		size_t k = 0;
		while (k < URING_TAG_LEN && s[i + k] == uring_tag[k])
			k++;
		if (k == URING_TAG_LEN)
			return 1;
	}
	return 0;
}

/* A descriptor's number from its /proc/self/fd entry, or -1. */
static int fd_number(const char *name)
{
	int fd = 0;

	if (*name < '0' || *name > '9')
		return -1;
	for (; *name >= '0' && *name <= '9'; name++) {
		if (fd > (INT_MAX - 9) / 10)
			return -1;
		fd = fd * 10 + (*name - '0');
	}
	return *name ? -1 : fd;
}

static int fds_hold_io_uring(struct sys_fd_notes *seen_socks)
{
	static const char sock_prefix[] = "socket:[";
	char buf[2048], link[64];
	int found = 0, note = !threads_maybe_many();
	long n;

	int dfd = sys_open_dir("/proc/self/fd");
	if (dfd < 0)
		return 0;
	while (!found && (n = sys_getdents64(dfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n && !found;) {
			struct sys_dirent64 *d = (struct sys_dirent64 *)(buf + off);
			off += d->d_reclen;
			int fd = fd_number(d->d_name);
			if (fd < 0 || fd == dfd)
				continue;
			long l = raw4(SYS_readlinkat, dfd, d->d_name, link, sizeof(link));
			if (l <= 0)
				continue; /* closed meanwhile */
			found = holds_uring_tag(link, (size_t)l);
			if (!note || l < (long)sizeof(sock_prefix) - 1 ||
			    memcmp(link, sock_prefix, sizeof(sock_prefix) - 1) != 0)
				continue;
			if (seen_socks->count == SYS_FD_NOTES_MAX)
				note = 0; /* too many: refusing lists them itself */
			else
				seen_socks->fd[seen_socks->count++] = fd;
		}
	}
	sys_close(dfd);
	seen_socks->valid = note && !found && n == 0;
	return found;
}

static int maps_hold_io_uring(void)
{
	const size_t keep = URING_TAG_LEN - 1; /* a tag split across two reads */
	char buf[2048];
	size_t have = 0;
	int found = 0;

	int fd = (int)raw4(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	for (;;) {
		long r = raw3(SYS_read, fd, buf + have, sizeof(buf) - have);
		if (r == -EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		if (holds_uring_tag(buf, have)) {
			found = 1;
			break;
		}
		if (have > keep) {
			for (size_t i = 0; i < keep; i++)
				buf[i] = buf[have - keep + i];
			have = keep;
		}
	}
	sys_close(fd);
	return found;
}

int sys_io_uring_present(struct sys_fd_notes *notes)
{
	notes->valid = 0;
	notes->count = 0;
	return fds_hold_io_uring(notes) || maps_hold_io_uring();
}

#define SYS_SO_PASSRIGHTS 83 /* Linux 6.16 */

#ifdef SYS_getsockopt
#define sock_getopt(fd, level, name, val, len) raw5(SYS_getsockopt, fd, level, name, val, len)
#define sock_setopt(fd, level, name, val, len) raw5(SYS_setsockopt, fd, level, name, val, len)
#else
static long sock_getopt(int fd, int level, int name, void *val, socklen_t *len)
{
	return getsockopt(fd, level, name, val, len) == 0 ? 0 : -errno;
}
static long sock_setopt(int fd, int level, int name, const void *val, socklen_t len)
{
	return setsockopt(fd, level, name, val, len) == 0 ? 0 : -errno;
}
#endif

/* One descriptor: 1 if it is an AF_UNIX socket now refusing descriptors,
 * 0 if not a socket of that kind, or -errno. */
static int refuse_rights_on(int fd)
{
	int domain = 0, zero = 0;
	socklen_t len = sizeof(domain);

	if (sock_getopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || domain != AF_UNIX)
		return 0;
	long rc = sock_setopt(fd, SOL_SOCKET, SYS_SO_PASSRIGHTS, &zero, (socklen_t)sizeof(zero));
	return rc < 0 ? (int)rc : 1;
}

/* Without the list of sys_io_uring_present: every descriptor. */
static int refuse_rights_listing(void)
{
	char buf[2048];
	long n;
	int count = 0, rc;

	int dfd = sys_open_dir("/proc/self/fd");
	if (dfd < 0) {
		/* /proc hidden (an unveil before the first pledge) or not
		 * mounted: every descriptor number up to the soft limit */
		struct rlimit rl;
		rlim_t max = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
		if (max > 65536)
			max = 65536;
		for (int fd = 0; fd < (int)max; fd++) {
			rc = refuse_rights_on(fd);
			if (rc < 0)
				return rc;
			count += rc;
		}
		return count;
	}
	while ((n = sys_getdents64(dfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct sys_dirent64 *d = (struct sys_dirent64 *)(buf + off);
			off += d->d_reclen;
			int fd = fd_number(d->d_name);
			if (fd < 0 || fd == dfd)
				continue;
			rc = refuse_rights_on(fd);
			if (rc < 0) {
				sys_close(dfd);
				return rc;
			}
			count += rc;
		}
	}
	sys_close(dfd);
	return count;
}

int sys_unix_refuse_rights(struct sys_fd_notes *notes)
{
	int count = 0, rc;

	if (!notes || !notes->valid || threads_maybe_many())
		return refuse_rights_listing();
	notes->valid = 0; /* once: the next pledge lists again */
	for (int i = 0; i < notes->count; i++) {
		rc = refuse_rights_on(notes->fd[i]);
		if (rc < 0)
			return rc;
		count += rc;
	}
	return count;
}
