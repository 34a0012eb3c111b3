/* SPDX-License-Identifier: MIT */
/*
 * Inputs for the differential check: boundary and random struct seccomp_data
 * built from the table's rows (every constant a row compares, ±1, single bit
 * flips, high halves set, halves swapped, other rows' values), every syscall
 * number and beyond, x32 numbers and foreign arch values.
 */
#ifndef SCOPES_FILTERCHECK_CASES_H
#define SCOPES_FILTERCHECK_CASES_H

#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

/* xorshift64*: small, seedable, the same on every machine */
struct fc_rng {
	uint64_t s;
};
static inline uint64_t fc_rand(struct fc_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}
static inline void fc_seed(struct fc_rng *r, uint64_t seed)
{
	r->s = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

struct case_list {
	struct seccomp_data *v;
	size_t n, cap;
};

/*
 * The set-independent cases for the native arch (they do not depend on the
 * promises held, only on the rows): numbers, arch values and the boundary
 * arguments of every conditioned syscall. Returns 0 or -1 (ENOMEM).
 */
int cases_build(struct case_list *l, uint64_t seed);

/* Append n random cases mixing the table's values, for one set's run. */
int cases_random(struct case_list *l, struct fc_rng *rng, size_t n);

/* The boundary cases of syscall nr only (the live tier samples these). */
int cases_for_nr(struct case_list *l, long nr, struct fc_rng *rng);

void cases_free(struct case_list *l);

#endif
