/* SPDX-License-Identifier: MIT */
/*
 * Landlock layer. Until the ruleset builder lands, path-scoped promises fail
 * closed: landlock_available() reports 0, so the filter builder leaves their
 * grants out and they allow nothing (never global file access in their name).
 */
#define _GNU_SOURCE
#include <errno.h>

#include "landlock.h"
#include "scopes/pledge.h"

static scopes_set_t held_now = SCOPES_SET_ALL;

int landlock_abi(void)
{
	return 0;
}

int landlock_available(void)
{
	return 0;
}

int landlock_needed(scopes_set_t set)
{
	for (int i = 0; i < SCOPES_P_COUNT; i++)
		if ((set & (1ULL << i)) && (scopes_promise_flags(i) & SCOPES_PROMISE_PATHSCOPED))
			return 1;
	return 0;
}

int landlock_prepare(scopes_set_t set, int compiled, struct landlock_plan *plan)
{
	(void)set;
	(void)compiled;
	plan->ruleset_fd = -1;
	return 0;
}

int landlock_commit(struct landlock_plan *plan)
{
	plan->ruleset_fd = -1;
	return 0;
}

void landlock_discard(struct landlock_plan *plan)
{
	plan->ruleset_fd = -1;
}

void landlock_note_held(scopes_set_t set)
{
	held_now = set;
}

int exec_arrange(scopes_set_t set, enum scopes_penalty penalty)
{
	(void)set;
	(void)penalty;
	return 0;
}

SCOPES_EXPORT int scopes_unveil(const char *path, const char *permissions)
{
	(void)path;
	(void)permissions;
	errno = ENOSYS;
	return -1;
}

SCOPES_EXPORT int unveil(const char *path, const char *permissions)
{
	return scopes_unveil(path, permissions);
}
