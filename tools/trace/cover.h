/* SPDX-License-Identifier: MIT */
/*
 * cover — the smallest promise set that allows every observed call.
 *
 * Each call gives a requirement: a list of promise sets, any one of which
 * allows it (scopes_query's alternatives, filtered by what the tracer knows).
 * The answer is the set S, beyond a given base, such that every requirement
 * has an alternative inside S ∪ base, chosen by, in order:
 *   1. fewest promises;
 *   2. fewest requirements met only through an incidental alternative
 *      (exec's loader reads are not what exec is for);
 *   3. the least weight: each promise weighs what it grants (the caller
 *      counts the table's rows), so getpw beats rpath for /etc/passwd, and
 *      sendfd beats inet for a sendmsg;
 *   4. the lowest promise indices (table order: stdio, rpath, ...).
 * A fallback alternative (the call fails harmlessly under that promise,
 * like glibc's nscd probe under getpw) meets its requirement only when its
 * promises are held anyway: in base, or in a real (non-fallback)
 * alternative that meets another requirement (not a dependent one, see
 * COVER_REQ_DEPENDENT). It never brings a promise in by itself: a program
 * that binds a unix socket needs unix, not getpw.
 * Exact branch and bound; beyond a node budget, the best set found so far
 * (at worst the greedy one) with exact = 0.
 *
 * Pure: no system calls, no global state.
 */
#ifndef SCOPES_TRACE_COVER_H
#define SCOPES_TRACE_COVER_H

#include <stddef.h>

#include <scopes/table.h>

#define COVER_MAX_ALTS 24
#define COVER_ALT_INCIDENTAL 0x1u
#define COVER_ALT_FALLBACK   0x4u /* the call fails harmlessly under this set
				   * (counts only when the set is held anyway) */
#define COVER_ALT_ARGDEP     0x2u /* allows the call only for some arguments, which
				   * were not seen (informational: the solver
				   * treats it as allowing) */

/* This requirement exists only if a call that has fallbacks succeeded (it
 * uses the descriptor that call created): its alternatives do not justify
 * that call's fallback. */
#define COVER_REQ_DEPENDENT 0x1u

struct cover_req {
	int n;                            /* 0: nothing allows it (skipped) */
	scopes_set_t alt[COVER_MAX_ALTS];
	unsigned flags[COVER_MAX_ALTS];   /* COVER_ALT_* */
	unsigned req_flags;               /* COVER_REQ_* */
};

struct cover_result {
	scopes_set_t set;   /* the promises chosen beyond base */
	int exact;          /* 1: proven best under the order above */
	unsigned long nodes; /* search effort, for the report */
};

/* Default node budget of cover_solve. */
#define COVER_NODE_BUDGET 500000ul

/*
 * cover_solve - choose the set.
 *
 * reqs, n: the requirements (duplicates are fine; n == 0 gives the empty set).
 * base:    promises already held (they cost nothing).
 * weight:  weight[i] of promise i for rule 3 (64 entries), or NULL (all 1).
 * budget:  node budget for the exact search (0: COVER_NODE_BUDGET).
 * out:     the result.
 * Returns 0. Pure; thread-safe.
 */
int cover_solve(const struct cover_req *reqs, size_t n, scopes_set_t base, const unsigned *weight,
		unsigned long budget, struct cover_result *out);

/* Is req met by held? Returns the index of the first alternative inside
 * held that is neither incidental nor a fallback, else of the first such
 * one, else -1. (Whether a fallback's promises are justified is the
 * solver's business: held is taken as chosen.) */
int cover_satisfied_by(const struct cover_req *req, scopes_set_t held);

#endif
