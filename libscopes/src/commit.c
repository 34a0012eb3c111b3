/* SPDX-License-Identifier: MIT */
/* The moment a pledge changes the process (see commit.h). */
#define _GNU_SOURCE
#include <errno.h>

#include "commit.h"
#include "filter.h"
#include "system.h"
#include "threads.h"

static struct sock_filter guard_buf[FILTER_GUARD_MAX];

struct job {
	struct commit *c;
	size_t nguard;
	int guard_loaded;
	int ll_done; /* the plan is consumed */
	/* The caller's capabilities, read while deciding whether every
	 * thread must be visited: its own each_thread uses them. */
	struct caps_sets caller_caps;
	int caller_caps_read;
};

/* In every thread (the caller first): async-signal-safe. */
static int each_thread(void *arg)
{
	struct job *j = arg;
	int rc = sys_set_no_new_privs();

	if (rc == 0 && j->c->ll)
		rc = landlock_restrict_thread(j->c->ll);
	if (rc == 0) {
		/* the caller's call comes first, before any other thread's
		 * (threads.h), which then finds the flag cleared */
		const struct caps_sets *now = j->caller_caps_read ? &j->caller_caps : NULL;
		j->caller_caps_read = 0;
		rc = caps_apply_thread(&j->c->caps, now);
	}
	return rc;
}

/* In the caller, while the other threads wait. */
static int after_all(void *arg)
{
	struct job *j = arg;
	int rc = 0;

	if (j->nguard) {
		rc = sys_seccomp_load(guard_buf, j->nguard);
		if (rc == 0)
			j->guard_loaded = 1;
	}
	/* Every thread is in the layers: record it and close the rulesets
	 * now, while close(2) is still allowed (a set without stdio is not). */
	if (j->c->ll) {
		landlock_committed(j->c->ll, j->guard_loaded);
		j->ll_done = 1;
	}
	if (rc == 0 && j->c->insns && j->c->sup) {
		rc = supervise_load(j->c->insns, j->c->count);
		if (rc >= 0) {
			j->c->listener = rc;
			rc = 0;
		} else if (rc == -EBUSY || rc == -EINVAL) {
			rc = sys_seccomp_load(j->c->plain, j->c->plain_count);
		}
	} else if (rc == 0 && j->c->insns) {
		rc = sys_seccomp_load(j->c->insns, j->c->count);
	}
	return rc;
}

/* Must every thread be visited, or does the filter's TSYNC do? Layers and
 * capabilities are per thread; no_new_privs comes with TSYNC. The caller's
 * capabilities stand for the others' (a pledge is not where a program keeps
 * threads of different privilege). */
static int needs_every_thread(const struct commit *c, struct job *j)
{
	struct caps_sets *now = &j->caller_caps;

	if (!threads_maybe_many())
		return 0;
	if (c->ll && !landlock_plan_empty(c->ll))
		return 1;
	if (!c->caps.drop || !c->caps.query || sys_capget(&now->eff, &now->perm, &now->inh) < 0)
		return 0;
	j->caller_caps_read = 1;
	return ((now->eff | now->perm | now->inh) & ~c->caps.keep) != 0;
}

int commit_run(struct commit *c)
{
	struct job j = { .c = c };
	int rc;

	c->listener = -1;
	if (c->ll && c->ll->guard) {
		rc = filter_unveil_guard(guard_buf, FILTER_GUARD_MAX);
		if (rc < 0) {
			landlock_discard(c->ll);
			return rc;
		}
		j.nguard = (size_t)rc;
	}
	/* The descriptor table is the process's: once, before any layer
	 * could hide /proc/self/fd. A kernel without SO_PASSRIGHTS leaves
	 * the documented residue; what this did stays if a later step fails
	 * (it only narrows). */
	if (c->refuse_rights) {
		rc = sys_unix_refuse_rights(c->fd_notes);
		if (rc < 0 && rc != -ENOPROTOOPT) {
			if (c->ll)
				landlock_discard(c->ll);
			return rc;
		}
	}
	if (needs_every_thread(c, &j)) {
		rc = threads_run_all(each_thread, after_all, &j, c->may_list);
	} else {
		rc = each_thread(&j);
		if (rc == 0)
			rc = after_all(&j);
	}
	if (c->ll && !j.ll_done)
		landlock_discard(c->ll);
	return rc;
}

int commit_landlock_only(struct landlock_plan *plan)
{
	scopes_set_t held = scopes_promises_held();
	struct commit c = {
		.ll = plan,
		.caps = { .drop = 0 },
		.may_list = held == SCOPES_SET_ALL || (held & SCOPES_P(RPATH)),
	};
	return commit_run(&c);
}
