/* SPDX-License-Identifier: MIT */
/*
 * Kernel calls. The public modules never call prctl/seccomp/landlock
 * directly: they come here, so that fault injection and errno mapping live in
 * one place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -ENOSYS;
	return 0;
}

int sys_seccomp_load(const struct sock_filter *insns, size_t count)
{
	struct sock_fprog prog = { .len = (unsigned short)count, .filter = (struct sock_filter *)insns };

	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -ESRCH;
	long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (rc == 0)
		return 0;
	if (rc > 0) /* the id of a thread that could not be synchronised */
		return -ESRCH;
	if (errno == EINVAL && count > BPF_MAXINSNS)
		return -E2BIG;
	if (errno == ENOMEM) /* the stack of filters is over the kernel's total */
		return -E2BIG;
	return -errno;
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
	long rc = syscall(SYS_landlock_create_ruleset, NULL, 0, SYS_LANDLOCK_CREATE_RULESET_VERSION);
	return rc < 0 ? -errno : (int)rc;
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
	long rc = syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	return rc < 0 ? -errno : (int)rc;
}

int sys_landlock_add_port_rule(int ruleset_fd, uint16_t port, uint64_t allowed)
{
	struct sys_landlock_net_port_attr attr = { .allowed_access = allowed, .port = port };

	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -ENOMEM;
	long rc = syscall(SYS_landlock_add_rule, ruleset_fd, SYS_LANDLOCK_RULE_NET_PORT, &attr, 0);
	return rc < 0 ? -errno : 0;
}

int sys_landlock_add_path_rule(int ruleset_fd, int parent_fd, uint64_t allowed)
{
	struct sys_landlock_path_beneath_attr attr = { .allowed_access = allowed,
						       .parent_fd = parent_fd };

	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -ENOMEM;
	long rc = syscall(SYS_landlock_add_rule, ruleset_fd, SYS_LANDLOCK_RULE_PATH_BENEATH, &attr, 0);
	return rc < 0 ? -errno : 0;
}

int sys_landlock_restrict_self(int ruleset_fd, unsigned flags)
{
	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -E2BIG;
	long rc = syscall(SYS_landlock_restrict_self, ruleset_fd, flags);
	return rc < 0 ? -errno : 0;
}

int sys_secure_exec(void)
{
	return getauxval(AT_SECURE) != 0;
}

int sys_seccomp_filtered(void)
{
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == SECCOMP_MODE_FILTER;
}

/*
 * An io_uring made before the first pledge: with IORING_SETUP_SQPOLL its
 * kernel poller performs submissions written into shared memory, with no
 * system call for any filter or Landlock to see. Look for one among the
 * descriptors (a ring not yet mapped can be mapped after the pledge) and the
 * mappings (a ring whose descriptor was closed). Raw calls and stack buffers
 * only: this runs in every fresh process's first pledge or apply (a forked
 * worker's), where stdio and malloc would fault in pages for nothing.
 * /proc unreadable: nothing to say (0).
 */

static int fds_hold_io_uring(void)
{
	static const char tag[] = "[io_uring]";
	char buf[2048], link[64];
	int found = 0;
	long n;

	int dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	while (!found && (n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n && !found;) {
			struct sys_dirent64 *d = (struct sys_dirent64 *)(buf + off);
			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			ssize_t l = readlinkat(dfd, d->d_name, link, sizeof(link) - 1);
			if (l > 0) {
				link[l] = '\0';
				found = strstr(link, tag) != NULL;
			}
		}
	}
	close(dfd);
	return found;
}

static int maps_hold_io_uring(void)
{
	static const char tag[] = "[io_uring]";
	const size_t keep = sizeof(tag) - 2; /* a tag split across two reads */
	char buf[4096 + 1];
	size_t have = 0;
	int found = 0;

	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		buf[have] = '\0';
		if (memmem(buf, have, tag, sizeof(tag) - 1)) {
			found = 1;
			break;
		}
		if (have > keep) {
			memmove(buf, buf + have - keep, keep);
			have = keep;
		}
	}
	close(fd);
	return found;
}

int sys_io_uring_present(void)
{
	return fds_hold_io_uring() || maps_hold_io_uring();
}

long sys_getpid(void)
{
	return syscall(SYS_getpid);
}

long sys_gettid(void)
{
	return syscall(SYS_gettid);
}

int sys_open_dir(const char *path)
{
	long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

long sys_getdents64(int fd, void *buf, size_t size)
{
	long n = syscall(SYS_getdents64, fd, buf, size);
	return n < 0 ? -errno : n;
}

void sys_close(int fd)
{
	syscall(SYS_close, fd);
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
	si.si_uid = (uid_t)syscall(SYS_getuid);
	si.si_value.sival_ptr = value;
	long rc = syscall(SYS_rt_tgsigqueueinfo, pid, tid, sig, &si);
	return rc < 0 ? -errno : 0;
}

void sys_futex_wait(int *word, int val, long long timeout_ns)
{
	struct timespec ts, *t = NULL;

	if (timeout_ns >= 0) {
		ts.tv_sec = (time_t)(timeout_ns / 1000000000LL);
		ts.tv_nsec = (long)(timeout_ns % 1000000000LL);
		t = &ts;
	}
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, t, NULL, 0);
}

void sys_futex_wake(int *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
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
	long rc = syscall(SYS_rt_sigaction, sig, &sa, old, sizeof(sa.mask));
	return rc < 0 ? -errno : 0;
}

void sys_sigaction_restore(int sig, const struct sys_sigaction *old)
{
	if (old->handler == (void *)SIG_DFL)
		return;
	syscall(SYS_rt_sigaction, sig, old, NULL, sizeof(old->mask));
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
	if (syscall(SYS_capget, &h, d) != 0)
		return -errno;
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
	return syscall(SYS_capset, &h, d) == 0 ? 0 : -errno;
}

int sys_capbset_drop(int cap)
{
	return syscall(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0) == 0 ? 0 : -errno;
}

int sys_capbset_read(int cap)
{
	long rc = syscall(SYS_prctl, PR_CAPBSET_READ, cap, 0, 0, 0);
	return rc < 0 ? -errno : (int)rc;
}

int sys_cap_ambient_lower(int cap)
{
	return syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, cap, 0, 0) == 0 ? 0 : -errno;
}

int sys_cap_ambient_clear(void)
{
	return syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0 ? 0 : -errno;
}

#define SYS_SO_PASSRIGHTS 83 /* Linux 6.16 */

/* One descriptor: 1 if it is an AF_UNIX socket now refusing descriptors,
 * 0 if not a socket of that kind, or -errno. */
static int refuse_rights_on(int fd)
{
	int domain = 0, zero = 0;
	socklen_t len = sizeof(domain);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || domain != AF_UNIX)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SYS_SO_PASSRIGHTS, &zero, sizeof(zero)) != 0)
		return -errno;
	return 1;
}

int sys_unix_refuse_rights(void)
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
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct sys_dirent64 *d = (struct sys_dirent64 *)(buf + off);
			off += d->d_reclen;
			if (d->d_name[0] < '0' || d->d_name[0] > '9')
				continue;
			int fd = atoi(d->d_name);
			if (fd == dfd)
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
