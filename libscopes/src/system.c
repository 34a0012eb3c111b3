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
#include <sys/syscall.h>
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
};
struct sys_landlock_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));
#define SYS_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define SYS_LANDLOCK_RULE_PATH_BENEATH 1

int sys_landlock_abi(void)
{
	long rc = syscall(SYS_landlock_create_ruleset, NULL, 0, SYS_LANDLOCK_CREATE_RULESET_VERSION);
	return rc < 0 ? -errno : (int)rc;
}

int sys_landlock_create_ruleset(uint64_t handled_fs)
{
	struct sys_landlock_ruleset_attr attr = { .handled_access_fs = handled_fs };

	if (sys_fault(SCOPES_FAULT_KERNEL))
		return -ENOMEM;
	long rc = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	return rc < 0 ? -errno : (int)rc;
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

/*
 * num_threads is field 20 of /proc/self/stat, the 18th after the ")" that
 * ends the command name (which may itself hold spaces and parentheses).
 * The file is opened once: a later pledge may not grant the open. A forked
 * child's inherited descriptor still describes the parent (the pid field
 * tells), so it is reopened there when that is safe.
 */
long sys_thread_count(int may_open)
{
	static int fd = -1;
	char buf[1024];
	long pid = sys_getpid();

	for (int attempt = 0; attempt < 2; attempt++) {
		if (fd < 0) {
			if (!may_open)
				return -EPERM;
			fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return -errno;
		}
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf[n] = '\0';
		if (strtol(buf, NULL, 10) != pid) {
			close(fd);
			fd = -1;
			continue;
		}
		char *p = strrchr(buf, ')');
		for (int field = 0; p && field < 18; field++)
			p = strchr(p + 1, ' ');
		if (!p)
			return -EIO;
		long threads = strtol(p + 1, NULL, 10);
		return threads > 0 ? threads : -EIO;
	}
	return -EPERM;
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
struct scopes_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

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
			struct scopes_dirent64 *d = (struct scopes_dirent64 *)(buf + off);
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
