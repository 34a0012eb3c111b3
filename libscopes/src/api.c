/* SPDX-License-Identifier: MIT */
/*
 * Public entry points of libscopes: scopes_pledge, scopes_set_penalty,
 * scopes_compile, scopes_apply, scopes_filter_free, and OpenBSD's pledge().
 *
 * State (what is held) lives here, behind one lock. Every failure path returns
 * before the process changes: parsing, permission checks, compiling and the
 * Landlock ruleset are all done before the one kernel call that installs the
 * filter.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commit.h"
#include "diag.h"
#include "exec.h"
#include "filter.h"
#include "scopes/pledge.h"
#include "landlock.h"
#include "run_hooks.h"
#include "supervise.h"
#include "system.h"

#define STACK_MAX_INSNS 32768 /* the kernel's MAX_INSNS_PER_PATH */

/* What is held, behind one lock. */
struct api_state {
	int pledged;
	scopes_set_t held;
	scopes_set_t exec_held;
	int exec_pledged;
	enum scopes_penalty penalty;   /* chosen with scopes_set_penalty */
	size_t stacked_insns;          /* what the kernel counts against its limit */
	/* The program for pledge("") under the penalty in force, built while
	 * stdio was still held: narrowing to "" needs no allocation then. */
	struct scopes_filter *empty;
	enum scopes_penalty empty_penalty;
	struct scopes_filter *kept; /* installed under a set without stdio, never freed */
	/* A pledge of this process was installed with the exec supervisor
	 * (supervise.h): later ones are plain (one listener per chain). */
	int supervised;
	/* ... and no later pledge has been installed: images exec'd now run
	 * unrestricted by the filter, as OpenBSD runs them. */
	int sup_open;
	int sup_pid;
	scopes_set_t sup_base;     /* the supervised pledge's set */
	size_t sup_prev_count;     /* the last plain program installed since (sup_prev) */
};

/*
 * The lock, the state, the socket notes of the io_uring check and the
 * program being applied, on one page: in a forked worker's first apply
 * every page written is a copy-on-write fault (about 25 us in the VM of
 * bench/README.md, "Issue 16", more than most of the system calls), and
 * these were four. A program of up to ~470 instructions ("stdio rpath" is
 * about 230) is bound within the page.
 */
static struct {
	pthread_mutex_t lock;
	struct api_state st;
	struct sys_fd_notes fd_notes;
	struct sock_filter apply_buf[BPF_MAXINSNS];
} hot __attribute__((aligned(4096))) = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.st = { .penalty = SCOPES_PENALTY_KILL },
};
_Static_assert(offsetof(__typeof__(hot), apply_buf) <= 1024,
	       "the state and the program being applied share a page");

static struct sock_filter notify_buf[BPF_MAXINSNS];
static struct sock_filter sup_prev[BPF_MAXINSNS];
static struct sock_filter sup_buf[BPF_MAXINSNS];

SCOPES_EXPORT scopes_set_t scopes_promises_held(void)
{
	return __atomic_load_n(&hot.st.pledged, __ATOMIC_ACQUIRE) ? hot.st.held : SCOPES_SET_ALL;
}

SCOPES_EXPORT scopes_set_t scopes_execpromises_held(void)
{
	if (!hot.st.exec_pledged && __atomic_load_n(&hot.st.sup_open, __ATOMIC_ACQUIRE))
		/* exec'd images run unrestricted but for what later pledges dropped */
		return SCOPES_SET_ALL & ~(hot.st.sup_base & ~hot.st.held);
	return hot.st.exec_pledged ? hot.st.exec_held : scopes_promises_held();
}

SCOPES_EXPORT int scopes_exec_supervisor(void)
{
	return hot.st.sup_pid;
}

SCOPES_EXPORT int scopes_set_penalty(enum scopes_penalty penalty)
{
	if ((unsigned)penalty > SCOPES_PENALTY_LOG) {
		errno = EINVAL;
		return -1;
	}
	__atomic_store_n(&hot.st.penalty, penalty, __ATOMIC_RELAXED);
	return 0;
}

/* SCOPES_PENALTY and the tracer's handshake are diag.c's. */
SCOPES_EXPORT int scopes_refuse_env_penalty(void)
{
	diag_refuse_env_penalty();
	return 0;
}

/* How a pledge meets the exec supervisor (supervise.h). */
enum exec_how {
	EXEC_AS_BEFORE = 0, /* as the process stands: composed after a supervised pledge */
	EXEC_SUPERVISE,     /* exec with NULL execpromises: start the supervisor */
	EXEC_HELD,          /* execpromises given: exec'd images hold the pledge */
};
enum exec_program { PROG_PLAIN, PROG_SUPERVISED, PROG_COMPOSED };

/* The program the kernel gets for f (bound in hot.apply_buf): f's own; the
 * notifying one of fs (f without exec's loader grants, bound in sup_buf),
 * with the supervisor started (*sp); or, after a supervised pledge, the
 * composition that refuses only what f drops. */
static enum exec_program exec_program(const struct scopes_filter *f, const struct scopes_filter *fs,
				      long pid, struct supervise_plan *sp,
				      const struct sock_filter **insns, size_t *count)
{
	*insns = hot.apply_buf;
	*count = f->count;
	if (fs) {
		filter_copy_bound(fs, sup_buf, pid);
		if (supervise_start(sp, sup_buf, fs->count) == 0) {
			memcpy(notify_buf, sup_buf, fs->count * sizeof(*sup_buf));
			supervise_notify_program(notify_buf, fs->count);
			*insns = notify_buf;
			*count = fs->count;
			return PROG_SUPERVISED;
		}
	}
	if (fs || !hot.st.sup_open || f->penalty == SCOPES_PENALTY_LOG)
		return PROG_PLAIN;
	int n = supervise_compose(sup_prev, hot.st.sup_prev_count, hot.apply_buf, f->count,
				  notify_buf, BPF_MAXINSNS);
	if (n <= 0)
		return PROG_PLAIN; /* exec'd images then hold this pledge */
	*insns = notify_buf;
	*count = (size_t)n;
	return PROG_COMPOSED;
}

/* f's program bound to pid, in dst. Without libc's memcpy: in a forked
 * worker's first apply its code page would be one more first-touch fault.
 * The empty asm keeps the compiler from making the loop a memcpy call. */
static void bind_program(const struct scopes_filter *f, struct sock_filter *dst, long pid)
{
	for (size_t i = 0; i < f->count; i++) {
		dst[i] = f->insns[i];
		__asm__ volatile("" ::: "memory");
	}
	for (size_t i = 0; i < f->npid_slots; i++)
		dst[f->pid_slots[i]].k = (uint32_t)pid;
}

/*
 * Install f (already checked against what is held) with its Landlock plan,
 * in every thread (commit.h: no_new_privs, Landlock, capabilities, filter).
 * Caller holds hot.lock. If a step fails after another has happened, the
 * process keeps what narrowed it: the residue documented in scopes_pledge(3).
 */
static int install_locked(const struct scopes_filter *f, const struct scopes_filter *fs,
			  struct landlock_plan *plan, int plain)
{
	/* getpid only where the program binds it: a set without stdio may not
	 * allow getpid, and narrowing to "" must still work there */
	long pid = f->npid_slots ? sys_getpid() : 0;
	int rc;

	if (hot.st.stacked_insns + f->count + 4 > STACK_MAX_INSNS) {
		landlock_discard(plan);
		return -E2BIG;
	}
	/* Only the first pledge can meet an io_uring: io_uring_setup is never
	 * granted afterwards. A polling ring would go on working unfiltered.
	 * An image exec'd by a pledged process is already filtered (its first
	 * pledge here is the execpromises shim's): the check's reads could be
	 * the very violation (getdents64 without rpath), and the pledge that
	 * installed that filter made the check. The unveil guard is our own
	 * filter, not an earlier image's. */
	int filtered = hot.st.pledged || (sys_seccomp_filtered() && !landlock_guard_installed());
	if (!filtered && sys_io_uring_present(&hot.fd_notes)) {
		landlock_discard(plan);
		return -EBUSY;
	}
	bind_program(f, hot.apply_buf, pid);
	struct supervise_plan sp = { .sock = -1 };
	const struct sock_filter *insns;
	size_t count;
	enum exec_program prog = plain ? PROG_PLAIN :
				 exec_program(f, fs, pid, &sp, &insns, &count);
	if (plain) {
		insns = hot.apply_buf;
		count = f->count;
	}
	if (hot.st.stacked_insns + count + 4 > STACK_MAX_INSNS) {
		supervise_cancel(&sp);
		landlock_discard(plan);
		return -E2BIG;
	}
	struct commit c = {
		.ll = plan,
		.insns = insns,
		.count = count,
		.sup = prog == PROG_SUPERVISED ? &sp : NULL,
		.plain = hot.apply_buf, /* where the kernel gives no listener */
		.plain_count = f->count,
		.fd_notes = &hot.fd_notes,
		/* /proc/self/task: before any filter, or with rpath held */
		.may_list = !filtered || (hot.st.pledged && (hot.st.held & SCOPES_P(RPATH))),
	};
	caps_prepare(f->set, f->penalty, hot.st.pledged ? hot.st.held : SCOPES_SET_ALL, &c.caps);
	/* receiving descriptors is recvfd's (and nothing is refused in log mode) */
	c.refuse_rights = !(f->set & SCOPES_P(RECVFD)) && f->penalty != SCOPES_PENALTY_LOG &&
			  !filtered;
	rc = commit_run(&c);
	if (prog == PROG_SUPERVISED && c.listener >= 0) {
		/* sendmsg and close: stdio's, which a supervised set holds */
		supervise_handoff(&sp, c.listener);
		hot.st.supervised = 1;
		hot.st.sup_pid = sp.pid;
		hot.st.sup_base = f->set;
		__atomic_store_n(&hot.st.sup_open, 1, __ATOMIC_RELEASE);
	} else {
		supervise_cancel(&sp);
		if (rc == 0 && prog != PROG_COMPOSED)
			__atomic_store_n(&hot.st.sup_open, 0, __ATOMIC_RELEASE);
	}
	if (rc < 0)
		return rc;
	if (prog == PROG_SUPERVISED) { /* what the next narrower pledge composes with */
		memcpy(sup_prev, sup_buf, fs->count * sizeof(*sup_buf));
		hot.st.sup_prev_count = fs->count;
	} else if (hot.st.sup_open) {
		memcpy(sup_prev, hot.apply_buf, f->count * sizeof(*hot.apply_buf));
		hot.st.sup_prev_count = f->count;
	}
	hot.st.stacked_insns += count + 4;
	hot.st.pledged = 1;
	hot.st.held = f->set;
	landlock_note_held(f->set);
	if (pid)
		scopes_query_set_pid(pid);
	return 0;
}

/*
 * Are the path-scoped grants compiled in (with their Landlock layer)? Only
 * where Landlock can enforce them, and never in log mode: log mode is for
 * discovery ("allowed and logged"), and a Landlock refusal is neither
 * allowed nor logged. Without these grants every file operation beyond the
 * global promises reaches the filter's LOG action instead.
 */
static int pathscoped_in_force(scopes_set_t set, enum scopes_penalty pen)
{
	if (pen == SCOPES_PENALTY_LOG || !landlock_needed(set))
		return 0;
	return landlock_available();
}

/* fs: f without exec's loader grants, for the exec supervisor (or NULL);
 * plain: f's own program even after a supervised pledge. */
static int install_with_landlock(const struct scopes_filter *f, const struct scopes_filter *fs,
				 int plain)
{
	struct landlock_plan plan;
	int rc = landlock_prepare(f->set, f->landlock, f->penalty, &plan);
	if (rc < 0)
		return rc;
	return install_locked(f, fs, &plan, plain);
}

/* Pledge req under pen. Narrowing from a set without stdio: only "" is
 * possible, with the program prebuilt while stdio was held. */
static int pledge_locked(scopes_set_t req, enum scopes_penalty pen, enum exec_how how)
{
	struct scopes_filter *f = NULL, *empty = NULL, *fs = NULL;
	int rc;

	if (hot.st.pledged && !(hot.st.held & SCOPES_P(STDIO))) {
		if (req != 0 || !hot.st.empty || hot.st.empty_penalty != pen)
			return -ENOTSUP;
		return install_with_landlock(hot.st.empty, NULL, 0);
	}
	rc = filter_build(req, pen, pathscoped_in_force(req, pen), &f);
	if (rc < 0)
		return rc;
	if (!(req & SCOPES_P(STDIO)) && req != 0) {
		rc = filter_build(0, pen, 0, &empty);
		if (rc < 0)
			goto out;
	}
	if (how == EXEC_SUPERVISE && !hot.st.supervised) {
		rc = filter_build(req | SCOPES_NO_INCIDENTAL, pen, pathscoped_in_force(req, pen), &fs);
		if (rc < 0)
			goto out;
	}
	rc = install_with_landlock(f, fs, how == EXEC_HELD);
	if (rc == 0 && !(req & SCOPES_P(STDIO))) {
		/* The filter now in place refuses brk, munmap and madvise, and
		 * free() may hand memory back with them: keep it instead (a few
		 * KiB, once: only "" can follow, and it is prebuilt). */
		hot.st.kept = f;
		if (empty) {
			hot.st.empty = empty;
			hot.st.empty_penalty = pen;
		}
		return 0;
	}
	if (rc == 0 && empty) {
		filter_free(hot.st.empty);
		hot.st.empty = empty;
		hot.st.empty_penalty = pen;
		empty = NULL;
	}
out:
	filter_free(f);
	filter_free(fs);
	filter_free(empty);
	return rc;
}

static int fail_errno(int rc)
{
	errno = -rc;
	return -1;
}

static int pledge_with(const char *promises, const char *execpromises, scopes_set_t extra,
		       void *caller)
{
	scopes_set_t req = 0, ereq = 0;
	int rc = 0;

	if (scopes_table_init() != 0)
		return -1;
	if (promises && scopes_promises_parse(promises, &req) != 0)
		return -1;
	if (promises)
		req |= extra;
	if (execpromises && scopes_promises_parse(execpromises, &ereq) != 0)
		return -1;

	pthread_mutex_lock(&hot.lock);
	scopes_set_t cur = hot.st.pledged ? hot.st.held : SCOPES_SET_ALL;
	scopes_set_t ecur = hot.st.exec_pledged ? hot.st.exec_held : cur;
	if (promises && (req & ~cur)) {
		if (cur & SCOPES_P(ERROR))
			req &= cur;
		else
			rc = -EPERM;
	}
	if (rc == 0 && execpromises && (ereq & ~ecur)) {
		if (cur & SCOPES_P(ERROR))
			ereq &= ecur;
		else
			rc = -EPERM;
	}
	/* execpromises need the shim: find it before anything changes */
	if (rc == 0 && execpromises)
		rc = exec_prepare();
	if (rc == 0) {
		enum scopes_penalty pen =
			diag_effective_penalty(__atomic_load_n(&hot.st.penalty, __ATOMIC_RELAXED));
		diag_trace_handshake(promises, execpromises, caller);
		/* exec with NULL execpromises: exec'd images run unrestricted,
		 * as on OpenBSD, through the exec supervisor (supervise.h);
		 * it needs stdio (the hand-off is a sendmsg) and is not for
		 * log mode (everything is allowed there already) */
		int want_sup = promises && !execpromises && !hot.st.exec_pledged &&
			       (req & SCOPES_P(EXEC)) && (req & SCOPES_P(STDIO)) &&
			       pen != SCOPES_PENALTY_LOG;
		if (promises && !(hot.st.pledged && req == hot.st.held))
			rc = pledge_locked(req, pen, want_sup ? EXEC_SUPERVISE : EXEC_AS_BEFORE);
		/* execpromises after a supervised pledge: an image that avoids
		 * the shim must still hold no more than the current promises */
		if (rc == 0 && execpromises && hot.st.sup_open)
			rc = pledge_locked(hot.st.held, pen, EXEC_HELD);
		/* unveils still pending take effect at every pledge */
		if (rc == 0)
			rc = landlock_flush_unveils();
		if (rc == 0 && execpromises) {
			rc = exec_arrange(ereq, pen);
			if (rc == 0) {
				hot.st.exec_held = ereq;
				hot.st.exec_pledged = 1;
			}
		}
	}
	pthread_mutex_unlock(&hot.lock);
	return rc < 0 ? fail_errno(rc) : 0;
}

SCOPES_EXPORT int scopes_pledge(const char *promises, const char *execpromises)
{
	return pledge_with(promises, execpromises, 0, __builtin_return_address(0));
}

int api_pledge_loader_only(const char *promises, const char *execpromises)
{
	return pledge_with(promises, execpromises, SCOPES_LOADER_ONLY, __builtin_return_address(0));
}

SCOPES_EXPORT int pledge(const char *promises, const char *execpromises)
{
	return pledge_with(promises, execpromises, 0, __builtin_return_address(0));
}

SCOPES_EXPORT struct scopes_filter *scopes_compile(const char *promises, enum scopes_penalty penalty)
{
	scopes_set_t set;
	struct scopes_filter *f = NULL;

	if ((unsigned)penalty > SCOPES_PENALTY_LOG || !promises) {
		errno = EINVAL;
		return NULL;
	}
	if (scopes_table_init() != 0 || scopes_promises_parse(promises, &set) != 0)
		return NULL;
	int rc = filter_build(set, penalty, pathscoped_in_force(set, penalty), &f);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	return f;
}

SCOPES_EXPORT int scopes_apply(const struct scopes_filter *filter)
{
	int rc = 0;

	if (!filter) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&hot.lock);
	scopes_set_t cur = hot.st.pledged ? hot.st.held : SCOPES_SET_ALL;
	if (filter->set & ~cur) {
		rc = -EPERM;
	} else if (!(hot.st.pledged && filter->set == hot.st.held)) {
		rc = install_with_landlock(filter, NULL, 0);
	}
	pthread_mutex_unlock(&hot.lock);
	return rc < 0 ? fail_errno(rc) : 0;
}

SCOPES_EXPORT void scopes_filter_free(struct scopes_filter *filter)
{
	filter_free(filter);
}
