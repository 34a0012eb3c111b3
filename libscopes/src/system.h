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
/* Landlock. sys_landlock_abi: the kernel's ABI version (>= 1), or -ENOSYS
 * (not built in), -EOPNOTSUPP (disabled at boot). The others return a
 * descriptor or 0, or -errno. handled_fs: SCOPES_FS_* rights; the ruleset
 * handles no network or scope rights (the attribute is passed in its ABI 1
 * size, which every kernel accepts). */
int sys_landlock_abi(void) SCOPES_HIDDEN;
int sys_landlock_create_ruleset(uint64_t handled_fs) SCOPES_HIDDEN;
int sys_landlock_add_path_rule(int ruleset_fd, int parent_fd, uint64_t allowed) SCOPES_HIDDEN;
int sys_landlock_restrict_self(int ruleset_fd, unsigned flags) SCOPES_HIDDEN;
/* Number of threads of this process from /proc/self/stat, or -errno. The
 * descriptor is opened once and re-read; may_open: opening it now is safe
 * (no filter of this process denies a read-only open). */
long sys_thread_count(int may_open) SCOPES_HIDDEN;
/* AT_SECURE: setuid, setgid or file-capability process. */
int sys_secure_exec(void) SCOPES_HIDDEN;
/* Is a seccomp filter in force on this thread (PR_GET_SECCOMP, granted by
 * stdio)? 1 yes, 0 no. */
int sys_seccomp_filtered(void) SCOPES_HIDDEN;
/* Does the process hold an io_uring (a descriptor or a mapping)? 1 or 0. */
int sys_io_uring_present(void) SCOPES_HIDDEN;
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
