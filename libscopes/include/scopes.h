/* SPDX-License-Identifier: MIT */
/*
 * <scopes.h> — OpenBSD-style promises for Linux processes, enforced by seccomp.
 *
 * A process locks itself into a few coarse promises ("stdio rpath") and from
 * then on every thread of it can make only the system calls those promises
 * grant. What each promise means on Linux is listed in scopes-promises(7).
 *
 * Errno values: each function lists the complete set it can set. A failing
 * call changes nothing: no filter is half-applied, the promises held stay as
 * they were. (One exception, documented at scopes_pledge: the first pledge
 * sets the no_new_privs bit before loading, and the bit stays set if the
 * kernel then refuses the filter.)
 */
#ifndef SCOPES_H
#define SCOPES_H

#ifdef __cplusplus
extern "C" {
#endif

#define SCOPES_VERSION_MAJOR 0
#define SCOPES_VERSION_MINOR 1
#define SCOPES_VERSION_PATCH 0
#define SCOPES_VERSION_STRING "0.1.0"

/* The version of the libscopes the program runs with ("0.1.0"); compare with
 * SCOPES_VERSION_STRING, the headers' it was built against. Async-signal-safe. */
const char *scopes_version(void);

/*
 * scopes_pledge - restrict the process to the given promises.
 *
 * promises:     whitespace-separated promise names ("stdio rpath"); duplicates
 *               are allowed; NULL leaves the current promises unchanged.
 * execpromises: the promises an image started by execve(2) holds once it runs
 *               its own code; NULL leaves them unchanged. On Linux a filter can
 *               never be lifted, so an exec'd image never holds more than the
 *               promises current at the exec (see scopes_pledge(3)). A
 *               dynamically linked image is narrowed to execpromises by the
 *               shim libscopes-exec.so, which the call puts in LD_PRELOAD
 *               (with SCOPES_EXECPROMISES and SCOPES_EXECPENALTY): it pledges
 *               them before any constructor of the image runs. Static images,
 *               images started with another environment (execve with an envp
 *               of its own, env -i) and setuid images hold the promises
 *               current at the exec. Setting the environment is not
 *               thread-safe with respect to getenv(3) in other threads.
 *
 * The first call sets no_new_privs and installs a seccomp filter on every
 * thread of the process (thread sync). Later calls stack a narrower filter;
 * the kernel applies the strictest answer of all filters. A call that would
 * not change the promises held installs nothing and returns 0.
 * Path-scoped promises (tmppath, dns, getpw, tty, ps, vminfo) are enforced by
 * a Landlock ruleset applied with the filter; on a kernel without Landlock
 * they grant nothing (scopes_pathscoped_enforced() in <scopes/table.h> says
 * why). Every call, even one that changes nothing, makes the unveils still
 * pending take effect (see scopes_unveil).
 *
 * Returns 0, or -1 with errno:
 *   EINVAL  a name is not a promise, or the string is malformed (control
 *           bytes, longer than 4095 bytes); nothing is applied.
 *   EPERM   a promise is asked for that is not held now (with `error` held,
 *           such promises are dropped silently instead, as on OpenBSD).
 *   ENOMEM  memory could not be allocated.
 *   ECANCELED libseccomp failed to generate the filter.
 *   E2BIG   the filter exceeds the kernel's 4096-instruction limit, or the
 *           kernel refused the stack of filters as too large.
 *   E2BIG   also: Landlock's limit of 16 stacked rulesets is reached.
 *   ESRCH   another thread of the process could not be synchronised (it is
 *           bound to a filter that does not descend from this one's), or a
 *           Landlock ruleset is to be applied (a path-scoped promise, pending
 *           unveils) while other threads exist and the kernel cannot restrict
 *           them too (Landlock ABI < 8): pledge before starting threads.
 *   ENOENT  execpromises are given and the shim libscopes-exec.so is not
 *           installed next to libscopes.so.
 *   ENOSYS  the kernel has no seccomp filter support.
 *   EMFILE  no descriptor left to export the filter from libseccomp.
 *   EBUSY   (first pledge only) the process holds an io_uring: a polling
 *           ring (IORING_SETUP_SQPOLL) made before the pledge would go on
 *           performing submissions with no system call for the filter to
 *           see. Close it (and unmap it) first, or pledge before making it.
 *   ENOTSUP the process holds no `stdio` and asks for a set other than the
 *           current one or "": building a filter needs memory and descriptors
 *           that only `stdio` grants.
 *
 * Not async-signal-safe. Thread-safe (calls are serialised).
 */
int scopes_pledge(const char *promises, const char *execpromises);

/*
 * scopes_unveil - limit the file system view, OpenBSD unveil(2) on Landlock.
 *
 * path:        a file or directory, resolved now (relative to the current
 *              directory, through symbolic links); permissions apply to it
 *              and, for a directory, beneath it.
 * permissions: any of "r" (read: files and directory listings), "w" (write,
 *              truncate), "x" (execute; on Linux it also reads the file),
 *              "c" (create and remove entries of a directory: files,
 *              directories, links, FIFOs, sockets); "" grants nothing.
 * Calling again with the same file replaces its permissions.
 * scopes_unveil(NULL, NULL) locks: later calls fail with EPERM. A pledge
 * without the `unveil` promise locks too.
 *
 * When it takes effect (unlike OpenBSD, where the first call hides the rest
 * of the file system at once): Landlock cannot extend a ruleset in force, so
 * the calls are collected and take effect together, as one ruleset, at
 * scopes_unveil(NULL, NULL) or at the next scopes_pledge() or
 * scopes_apply(), whichever comes first. Unveils made after that are added
 * to the collection and take effect, all of them again, at the next lock or
 * pledge, as a further ruleset: they can only narrow what the earlier one
 * allowed. Unveils never taken into effect are lost at execve(2). A ruleset
 * stays in force across execve(2).
 * Also unlike OpenBSD: rights add up along a path (a nested unveil can add
 * rights beneath an unveiled directory, never remove them); a path outside
 * the veil fails with EACCES, not ENOENT; stat(2), access(2), readlink(2) and
 * chdir(2) are not restricted; a path must exist when unveiled. With an "x"
 * unveil, the shared-library directories become readable and the program
 * interpreter (ld.so) executable, so that a dynamically linked program can
 * start. Taking effect sets no_new_privs.
 *
 * Returns 0, or -1 with errno:
 *   EINVAL   permissions has a character outside "rwxc", or only one of path
 *            and permissions is NULL.
 *   ENOENT, ENOTDIR, EACCES, ELOOP, ENAMETOOLONG
 *            path cannot be resolved, as open(2) says (a missing last
 *            component is ENOENT: OpenBSD would unveil the name).
 *   EPERM    unveil was locked, or the `unveil` promise is not held.
 *   ENOMEM   memory could not be allocated.
 *   EMFILE, ENFILE  no descriptor left to hold path (one is kept per path
 *            until the lock).
 *   ENOSYS   the kernel has no Landlock (the call is refused, not ignored).
 *   E2BIG    too many unveiled paths (more than 256), or, at the lock,
 *            Landlock's limit of 16 stacked rulesets is reached.
 *   ESRCH    at the lock: other threads exist and the kernel cannot restrict
 *            them too (Landlock ABI < 8); nothing took effect.
 *
 * Not async-signal-safe. Thread-safe.
 */
int scopes_unveil(const char *path, const char *permissions);

/* What a violation does, for pledges made after scopes_set_penalty(). */
enum scopes_penalty {
	SCOPES_PENALTY_KILL,  /* default: the process dies with SIGSYS (core dump) */
	SCOPES_PENALTY_TRAP,  /* SIGSYS is delivered; the sigsys reporter decodes it */
	SCOPES_PENALTY_ERRNO, /* the call fails with EPERM and the process goes on */
	SCOPES_PENALTY_LOG,   /* the call is allowed and logged (SECCOMP_RET_LOG) */
};

/*
 * scopes_set_penalty - choose what a violation does in later pledges.
 *
 * Filters already installed keep their penalty. The environment variable
 * SCOPES_PENALTY=kill|trap|errno|log, read at each pledge, overrides this
 * choice for diagnosis; the library then says so on stderr at each pledge,
 * and ignores the variable in setuid and other AT_SECURE processes.
 *
 * Returns 0, or -1 with errno EINVAL for a value outside the enum.
 * Async-signal-safe. Thread-safe.
 */
int scopes_set_penalty(enum scopes_penalty penalty);

/*
 * scopes_refuse_env_penalty - ignore SCOPES_PENALTY from now on.
 *
 * SCOPES_PENALTY=log turns enforcement into logging (scopes-trace uses it):
 * a program that must never run unenforced, whatever its environment, calls
 * this once, before its first pledge; every later pledge then uses the
 * program's own penalty and says on stderr that the variable was ignored.
 * A build of libscopes configured with -DSCOPES_ENV_PENALTY=OFF ignores the
 * variable in every program.
 *
 * Returns 0. Async-signal-safe. Thread-safe.
 */
int scopes_refuse_env_penalty(void);

/* A compiled filter: the BPF program for one promise set and penalty. */
struct scopes_filter;

/*
 * scopes_compile - build the filter for a promise set once, to apply later.
 *
 * Does the libseccomp work now so that scopes_apply() only loads the finished
 * program (for example in each forked worker). The caller owns the result and
 * frees it with scopes_filter_free(). The environment is not consulted: the
 * penalty is exactly the one given.
 *
 * Returns the filter, or NULL with errno EINVAL (bad promise string or
 * penalty), ENOMEM, ECANCELED, EMFILE or E2BIG as for scopes_pledge().
 * Not async-signal-safe. Thread-safe. Needs no promise held beyond `stdio`.
 */
struct scopes_filter *scopes_compile(const char *promises, enum scopes_penalty penalty);

/*
 * scopes_apply - install a compiled filter on every thread of the process.
 *
 * Does not take ownership of filter. Follows the rules of scopes_pledge():
 * a filter granting promises not held fails with EPERM. Promises tied to the
 * process id (kill of one's own process) are bound to the caller's pid at
 * apply time, so a filter compiled in a parent is right in a forked child.
 *
 * Returns 0, or -1 with errno EINVAL (NULL filter), EPERM, E2BIG, ESRCH,
 * EBUSY or ENOSYS as for scopes_pledge().
 * Not async-signal-safe (it takes the library's lock). Thread-safe.
 */
int scopes_apply(const struct scopes_filter *filter);

/* scopes_filter_free - free a compiled filter; NULL is a no-op. */
void scopes_filter_free(struct scopes_filter *filter);

#ifdef __cplusplus
}
#endif

#endif /* SCOPES_H */
