/* SPDX-License-Identifier: MIT */
/*
 * Kernel calls. The public modules never call prctl/seccomp/landlock
 * directly: they come here, so that fault injection and errno mapping live in
 * one place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
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

int sys_secure_exec(void)
{
	return getauxval(AT_SECURE) != 0;
}

long sys_getpid(void)
{
	return syscall(SYS_getpid);
}
