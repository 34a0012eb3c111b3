/* SPDX-License-Identifier: MIT */
/* Every kernel call libscopes makes (prctl, seccomp, landlock), in one place. */
#ifndef SCOPES_SYSTEM_H
#define SCOPES_SYSTEM_H

#include <linux/filter.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "table_internal.h"

/* Set no_new_privs. Returns 0 or -errno. */
int sys_set_no_new_privs(void) SCOPES_HIDDEN;
/* Load a filter on every thread (TSYNC). Returns 0 or -errno: ESRCH when a
 * thread cannot be synchronised, ENOSYS without seccomp filters. */
int sys_seccomp_load(const struct sock_filter *insns, size_t count) SCOPES_HIDDEN;
/* Landlock. sys_landlock_abi: the kernel's ABI version (>= 1), or -ENOSYS
 * (not built in), -EOPNOTSUPP (disabled at boot). The others return a
 * descriptor or 0, or -errno. handled_fs: SCOPES_FS_* rights; handled_net
 * (ABI 4) and scoped (ABI 6) in the kernel's bits; the attribute is passed in
 * the smallest size that holds the fields in use, so older kernels take it. */
int sys_landlock_abi(void) SCOPES_HIDDEN;
int sys_landlock_create_ruleset(uint64_t handled_fs, uint64_t handled_net,
				uint64_t scoped) SCOPES_HIDDEN;
int sys_landlock_add_port_rule(int ruleset_fd, uint16_t port, uint64_t allowed) SCOPES_HIDDEN;
int sys_landlock_add_path_rule(int ruleset_fd, int parent_fd, uint64_t allowed) SCOPES_HIDDEN;
int sys_landlock_restrict_self(int ruleset_fd, unsigned flags) SCOPES_HIDDEN;
/* AT_SECURE: setuid, setgid or file-capability process. */
int sys_secure_exec(void) SCOPES_HIDDEN;
/* Is a seccomp filter in force on this thread (PR_GET_SECCOMP, granted by
 * stdio)? 1 yes, 0 no. */
int sys_seccomp_filtered(void) SCOPES_HIDDEN;
/* The sockets sys_io_uring_present saw, for the sys_unix_refuse_rights
 * right after it (both under the API's lock). Valid only when the process
 * was single threaded: then no other thread can open a socket between the
 * two calls, and the list is the table. The caller keeps it (api.c: on the
 * page every pledge writes anyway). */
#define SYS_FD_NOTES_MAX 32
struct sys_fd_notes {
	int valid;
	int count;
	int fd[SYS_FD_NOTES_MAX];
};
/* Does the process hold an io_uring (a descriptor or a mapping)? 1 or 0.
 * Its pass over /proc/self/fd also notes the sockets in *notes, for the
 * sys_unix_refuse_rights the same pledge makes next (one pass, not two). */
int sys_io_uring_present(struct sys_fd_notes *notes) SCOPES_HIDDEN;
/* getpid() without glibc's wrapper (it is a syscall either way). */
long sys_getpid(void) SCOPES_HIDDEN;
long sys_gettid(void) SCOPES_HIDDEN;

/* Any system call, without libc (no errno, no first-use page fault):
 * the result or -errno. The exec supervisor's (supervise.c) calls, made
 * in a raw clone of a process that may have other threads. */
long sys_raw(long nr, long a, long b, long c, long d, long e) SCOPES_HIDDEN;

/* ---- threads.c's needs: raw calls, safe in a signal handler */
struct sys_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};
/* The kernel's struct sigaction (x86_64, aarch64). */
struct sys_sigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};
int sys_open_dir(const char *path) SCOPES_HIDDEN;
long sys_getdents64(int fd, void *buf, size_t size) SCOPES_HIDDEN;
void sys_close(int fd) SCOPES_HIDDEN;
/* rt_tgsigqueueinfo(pid, tid, sig) with SI_QUEUE and value. 0 or -errno. */
int sys_tgsigqueue(long pid, long tid, int sig, void *value) SCOPES_HIDDEN;
/* FUTEX_WAIT_PRIVATE while *word == val, at most timeout_ns (< 0: no limit). */
void sys_futex_wait(int *word, int val, long long timeout_ns) SCOPES_HIDDEN;
void sys_futex_wake(int *word) SCOPES_HIDDEN;
/* Install fn (SA_SIGINFO, SA_RESTART) for sig with the kernel's call,
 * bypassing glibc (which refuses its internal signals); old receives the
 * action it replaces. 0 or -errno. */
int sys_sigaction_raw(int sig, void (*fn)(int, siginfo_t *, void *),
		      struct sys_sigaction *old) SCOPES_HIDDEN;
/* Put old back, unless it is the default action: a broadcast signal still
 * pending in a thread that blocked it would then end the process, while the
 * handler left in place ignores it. */
void sys_sigaction_restore(int sig, const struct sys_sigaction *old) SCOPES_HIDDEN;

/* Set SO_PASSRIGHTS to 0 on every AF_UNIX socket of the process: no
 * descriptor can be sent to them any more. Returns how many, -ENOPROTOOPT
 * when the kernel has no such option (before 6.16), or -errno. Right after
 * sys_io_uring_present(notes) in a single-threaded process, only the
 * sockets that pass saw are asked (no other thread can have opened one
 * since), once; else (or notes NULL, or when it saw more than it keeps) the
 * table is listed again. */
int sys_unix_refuse_rights(struct sys_fd_notes *notes) SCOPES_HIDDEN;

/* ---- files: unveil's and the Landlock rules' paths, the filter's export */
/* What sys_open_path learnt of the file. */
struct sys_file_id {
	uint64_t dev;
	uint64_t ino;
	int is_dir;
};
/* open(path, O_PATH | O_CLOEXEC) and fstat it: a descriptor that names the
 * file (for landlock_add_rule) and its identity in *id. Returns the
 * descriptor, or -errno (nothing left open). */
int sys_open_path(const char *path, struct sys_file_id *id) SCOPES_HIDDEN;

/* ---- capabilities (caps.c) */
/* The thread's effective, permitted, inheritable sets. 0 or -errno. */
int sys_capget(uint64_t *eff, uint64_t *perm, uint64_t *inh) SCOPES_HIDDEN;
int sys_capset(uint64_t eff, uint64_t perm, uint64_t inh) SCOPES_HIDDEN;
/* PR_CAPBSET_DROP / PR_CAP_AMBIENT_LOWER of cap: 0, or -errno (EINVAL past
 * the kernel's last capability). */
int sys_capbset_drop(int cap) SCOPES_HIDDEN;
int sys_cap_ambient_lower(int cap) SCOPES_HIDDEN;
int sys_cap_ambient_clear(void) SCOPES_HIDDEN;
int sys_capbset_read(int cap) SCOPES_HIDDEN;

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
