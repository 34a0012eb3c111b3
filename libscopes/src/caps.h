/* SPDX-License-Identifier: MIT */
/*
 * Capabilities: a pledge keeps only those its promises need.
 *
 * A root process (or one holding file or ambient capabilities) reaches far
 * beyond what any filter can see: CAP_SYS_PTRACE opens every process's
 * memory, CAP_NET_ADMIN reconfigures the network through a routing socket,
 * CAP_SETFCAP writes security.capability. Which capabilities a promise needs
 * is data in the promise table (`caps`, Revision 2); a pledge drops every
 * other one from every set: effective, permitted, inheritable, ambient, and
 * the bounding set where CAP_SETPCAP allows it (what an exec'd image of root
 * would get back). Capabilities are per thread: caps_apply_thread runs on
 * every thread (threads.c). Log mode drops nothing: it is for discovery,
 * and a refused privilege would be a silent EPERM rather than a record.
 */
#ifndef SCOPES_CAPS_H
#define SCOPES_CAPS_H

#include "scopes.h"
#include "table_internal.h"

/* The capabilities (bit n = capability n) the promises of set need. */
uint64_t caps_needed(scopes_set_t set) SCOPES_HIDDEN;

struct caps_plan {
	int drop;      /* 0: leave every capability as it is */
	int query;     /* capget is allowed (stdio held, or no pledge yet) */
	uint64_t keep; /* what survives */
};
/* Decide what a pledge of set under pen drops, in a process holding held
 * (SCOPES_SET_ALL before the first pledge). Never fails. */
void caps_prepare(scopes_set_t set, enum scopes_penalty pen, scopes_set_t held,
		  struct caps_plan *plan) SCOPES_HIDDEN;
/* A thread's capability sets, as capget returns them. */
struct caps_sets {
	uint64_t eff, perm, inh;
};
/* Apply the plan to the calling thread (async-signal-safe). now: the
 * thread's sets, read just before by the caller (one capget, not two), or
 * NULL to read them here. 0 or -errno. */
int caps_apply_thread(const struct caps_plan *plan, const struct caps_sets *now) SCOPES_HIDDEN;

#endif
