/* SPDX-License-Identifier: MIT */
/*
 * Landlock: where path-scoped promises and unveil get their "where".
 * seccomp decides the verb, Landlock decides the place.
 *
 * Two kinds of Landlock layer, each a ruleset the process restricts itself
 * with (layers stack; the kernel allows an access only if every layer does):
 *  - the pledge layer, built from the promise table for a pledge holding a
 *    path-scoped promise: it handles exactly the rights no held promise
 *    grants everywhere, and grants the promises' rights beneath their paths;
 *  - the unveil layer, built from the scopes_unveil() calls collected in
 *    memory: it handles every right and grants each unveiled path its own.
 * Both are prepared (rulesets built, nothing changed) before the one moment
 * they are committed, just before the seccomp filter is loaded.
 */
#ifndef SCOPES_LANDLOCK_H
#define SCOPES_LANDLOCK_H

#include "scopes.h"
#include "table_internal.h"

struct landlock_plan {
	int unveil_fd;    /* the unveil layer to commit, or -1 */
	int ruleset_fd;   /* the pledge (or containment) layer to commit, or -1 */
	uint64_t key;     /* what the pledge layer was built from (see landlock.c) */
	uint64_t scoped;  /* the Landlock scopes the pledge layer handles */
	unsigned gen;     /* the unveil list's generation the unveil layer holds */
	int guard;        /* the unveil guard filter must be loaded with it */
	int pledge_layer; /* ruleset_fd is a path-scoped pledge layer */
};

/* Landlock ABI version of the running kernel (probed once), 0 if none. */
int landlock_abi(void) SCOPES_HIDDEN;
/* Can path-scoped promises be enforced here? */
int landlock_available(void) SCOPES_HIDDEN;
/* Does set hold a path-scoped promise (so a ruleset is needed)? */
int landlock_needed(scopes_set_t set) SCOPES_HIDDEN;
/*
 * Build the layers for a pledge of set under pen without changing the
 * process: the pending unveils; the pledge layer when compiled (the filter
 * was compiled with path-scoped grants); otherwise the containment layer
 * when the process has no domain yet (see landlock.c). Returns 0 or -errno:
 * ENOMEM, EMFILE.
 */
int landlock_prepare(scopes_set_t set, int compiled, enum scopes_penalty pen,
		     struct landlock_plan *plan) SCOPES_HIDDEN;
/* Only the pending unveils (a pledge that installs no filter, unveil's lock). */
int landlock_prepare_unveils(struct landlock_plan *plan) SCOPES_HIDDEN;
int landlock_plan_empty(const struct landlock_plan *plan) SCOPES_HIDDEN;
/* Is the unveil guard (a seccomp filter of ours) installed in this process? */
int landlock_guard_installed(void) SCOPES_HIDDEN;
/* Restrict the calling thread with the plan's layers (needs no_new_privs).
 * Async-signal-safe. 0 or -errno (E2BIG: Landlock's 16 layers are used up). */
int landlock_restrict_thread(const struct landlock_plan *plan) SCOPES_HIDDEN;
/* Every thread is restricted: record it, and consume the plan. */
void landlock_committed(struct landlock_plan *plan, int guard_loaded) SCOPES_HIDDEN;
void landlock_discard(struct landlock_plan *plan) SCOPES_HIDDEN;
/* The promises now held (unveil checks `unveil`). */
void landlock_note_held(scopes_set_t set) SCOPES_HIDDEN;
/* A pledge that installed nothing still makes pending unveils take effect.
 * Caller holds the API lock. Returns 0 or -errno as prepare and commit. */
int landlock_flush_unveils(void) SCOPES_HIDDEN;

/*
 * For scopes-run: the next pledge layer also lets the kernel read and execute
 * this file (the program about to be started, a script's interpreter), or
 * what is beneath this directory (a library directory of the program's);
 * up to 32. Copies path. Returns 0 or -errno (ENOMEM, ENAMETOOLONG, E2BIG).
 */
int landlock_allow_program(const char *path) SCOPES_HIDDEN;

/*
 * For scopes-run: every Landlock layer made from now on logs (through audit,
 * where it is enabled) the denials of the images exec'd after it, not only
 * of the image that made it: the program scopes-run starts is the one whose
 * denials --report shows. Only on kernels whose Landlock has audit logging
 * (ABI 7); elsewhere nothing changes. Call before the pledge, single-threaded.
 * Returns 1 when the flag is in force, 0 when the kernel cannot log denials.
 */
int landlock_log_new_exec(void) SCOPES_HIDDEN;

/*
 * For scopes-run, after its pledge and before the exec: if that pledge said
 * what the kernel's Landlock cannot restrict, tell the exec'd image (its
 * shim pledges again) that it was said (SCOPES_HINTED, diag.h), so a run
 * says it once. Single-threaded (setenv). Returns 0, or -ENOMEM.
 */
int landlock_hint_pass_on(void) SCOPES_HIDDEN;

#endif
