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

/*
 * scopes_pledge - restrict the process to the given promises.
 *
 * promises:     whitespace-separated promise names ("stdio rpath"); duplicates
 *               are allowed; NULL leaves the current promises unchanged.
 * execpromises: the promises an image started by execve(2) holds once it runs
 *               its own code; NULL leaves them unchanged. On Linux a filter can
 *               never be lifted, so an exec'd image never holds more than the
 *               promises current at the exec (see scopes_pledge(3)).
 *
 * The first call sets no_new_privs and installs a seccomp filter on every
 * thread of the process (thread sync). Later calls stack a narrower filter;
 * the kernel applies the strictest answer of all filters. A call that would
 * not change the promises held does nothing and returns 0.
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
 *   ESRCH   another thread of the process could not be synchronised (it is
 *           bound to a filter that does not descend from this one's).
 *   ENOSYS  the kernel has no seccomp filter support.
 *   EMFILE  no descriptor left to export the filter from libseccomp.
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
 * path:        a file or directory; permissions apply beneath it.
 * permissions: any of "r" (read), "w" (write), "x" (execute), "c" (create and
 *              remove); "" hides the path.
 * The first call starts a ruleset; scopes_unveil(NULL, NULL) locks it: from
 * then on only the unveiled paths are reachable with their permissions, and
 * further calls fail with EPERM.
 *
 * Returns 0, or -1 with errno:
 *   EINVAL   permissions has a character outside "rwxc", or only one of path
 *            and permissions is NULL.
 *   ENOENT   path does not exist (its parent is unveiled instead on OpenBSD;
 *            see scopes_unveil(3) for what Linux does).
 *   EPERM    unveil was locked, or the `unveil` promise is not held.
 *   ENOMEM   memory could not be allocated.
 *   ENOSYS   the kernel has no Landlock (the call is refused, not ignored).
 *   E2BIG    too many unveiled paths (more than 256).
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
 * Returns 0, or -1 with errno EINVAL (NULL filter), EPERM, E2BIG, ESRCH or
 * ENOSYS as for scopes_pledge().
 * Not async-signal-safe (it takes the library's lock). Thread-safe.
 */
int scopes_apply(const struct scopes_filter *filter);

/* scopes_filter_free - free a compiled filter; NULL is a no-op. */
void scopes_filter_free(struct scopes_filter *filter);

#ifdef __cplusplus
}
#endif

#endif /* SCOPES_H */
