/* SPDX-License-Identifier: MIT */
/* Every kernel call libscopes makes (prctl, seccomp, landlock), in one place. */
#ifndef SCOPES_SYSTEM_H
#define SCOPES_SYSTEM_H

#include <linux/filter.h>
#include <stddef.h>

#include "table_internal.h"

/* Set no_new_privs. Returns 0 or -errno. */
int sys_set_no_new_privs(void) SCOPES_HIDDEN;
/* Load a filter on every thread (TSYNC). Returns 0 or -errno: ESRCH when a
 * thread cannot be synchronised, ENOSYS without seccomp filters. */
int sys_seccomp_load(const struct sock_filter *insns, size_t count) SCOPES_HIDDEN;
/* AT_SECURE: setuid, setgid or file-capability process. */
int sys_secure_exec(void) SCOPES_HIDDEN;
/* getpid() without glibc's wrapper (it is a syscall either way). */
long sys_getpid(void) SCOPES_HIDDEN;

/* Fault injection for tests: builds with SCOPES_FAULT_INJECTION fail the n-th
 * allocation or kernel call, counted from the environment variables
 * SCOPES_FAULT_ALLOC=n, SCOPES_FAULT_KERNEL=n, SCOPES_FAULT_LIBSECCOMP=n.
 * Release builds compile these to 0. */
enum scopes_fault { SCOPES_FAULT_ALLOC, SCOPES_FAULT_KERNEL, SCOPES_FAULT_LIBSECCOMP };
#ifdef SCOPES_FAULT_INJECTION
int sys_fault(enum scopes_fault kind) SCOPES_HIDDEN;
#else
static inline int sys_fault(enum scopes_fault kind)
{
	(void)kind;
	return 0;
}
#endif

/* malloc/calloc that honour fault injection */
void *sys_malloc(size_t size) SCOPES_HIDDEN;
void *sys_calloc(size_t n, size_t size) SCOPES_HIDDEN;

#endif
