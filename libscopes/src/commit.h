/* SPDX-License-Identifier: MIT */
/*
 * The one moment a pledge changes the process, in every thread:
 * no_new_privs, the Landlock layers, the capabilities a pledge drops, then
 * the seccomp filters (the unveil guard, the pledge's own). Everything is
 * prepared before (nothing here allocates or decides); see threads.h for how
 * every thread is reached and caps.h, landlock.h for what each step means.
 *
 * Order: Landlock before the filter, because the filter may hold
 * path-scoped grants that are safe only inside the layer; capabilities
 * before the filter, so that no thread runs under the filter with a
 * capability its promises do not need. If a step fails after another has
 * happened, what happened only narrows (the residue scopes_pledge(3) states).
 */
#ifndef SCOPES_COMMIT_H
#define SCOPES_COMMIT_H

#include <linux/filter.h>

#include "caps.h"
#include "landlock.h"
#include "supervise.h"
#include "system.h"

struct commit {
	struct landlock_plan *ll;        /* layers to commit, or NULL */
	struct caps_plan caps;           /* capabilities to drop */
	const struct sock_filter *insns; /* the pledge's filter, or NULL */
	size_t count;
	int may_list;                    /* /proc/self/task may be read now */
	/* SO_PASSRIGHTS=0 on the AF_UNIX sockets (no recvfd): only where no
	 * filter is in force yet, since no promise grants that setsockopt */
	int refuse_rights;
	struct sys_fd_notes *fd_notes;   /* sys_io_uring_present's, or NULL */
	/* The exec supervisor (supervise.h): insns is then the program that
	 * notifies, plain the pledge's own, loaded instead where the kernel
	 * gives no listener (one is in the chain already: EBUSY). listener
	 * is the filter's listener after a load with it, else -1. */
	struct supervise_plan *sup;
	const struct sock_filter *plain;
	size_t plain_count;
	int listener;
};

/* Returns 0 or -errno (ESRCH: a thread could not be reached; the errors of
 * landlock_restrict_thread, caps_apply_thread, sys_seccomp_load). The plan
 * is consumed either way. */
int commit_run(struct commit *c) SCOPES_HIDDEN;

/* Pending unveils alone (no pledge filter): for landlock.c. */
int commit_landlock_only(struct landlock_plan *plan) SCOPES_HIDDEN;

#endif
