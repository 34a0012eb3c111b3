/* SPDX-License-Identifier: MIT */
/*
 * Landlock: where path-scoped promises and unveil get their "where".
 * seccomp decides the verb, Landlock decides the place.
 */
#ifndef SCOPES_LANDLOCK_H
#define SCOPES_LANDLOCK_H

#include "scopes.h"
#include "table_internal.h"

struct landlock_plan {
	int ruleset_fd; /* -1: nothing to restrict */
};

/* Landlock ABI version of the running kernel (probed once), 0 if none. */
int landlock_abi(void) SCOPES_HIDDEN;
/* Can path-scoped promises be enforced here? */
int landlock_available(void) SCOPES_HIDDEN;
/* Does set hold a path-scoped promise (so a ruleset is needed)? */
int landlock_needed(scopes_set_t set) SCOPES_HIDDEN;
/* Build the ruleset for set without changing the process. compiled: the
 * filter was compiled with path-scoped grants. Returns 0 or -errno. */
int landlock_prepare(scopes_set_t set, int compiled, struct landlock_plan *plan) SCOPES_HIDDEN;
/* Restrict the process with the plan (needs no_new_privs). 0 or -errno. */
int landlock_commit(struct landlock_plan *plan) SCOPES_HIDDEN;
void landlock_discard(struct landlock_plan *plan) SCOPES_HIDDEN;
/* The promises now held (unveil checks `unveil`). */
void landlock_note_held(scopes_set_t set) SCOPES_HIDDEN;

/* execpromises: arrange that an exec'd image narrows itself to set. */
int exec_arrange(scopes_set_t set, enum scopes_penalty penalty) SCOPES_HIDDEN;

#endif
