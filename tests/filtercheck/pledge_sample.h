/* SPDX-License-Identifier: MIT */
/*
 * A refused scopes_pledge() never half-applies: random promise strings (good,
 * near misses, control bytes, over-long) are pledged in forked children, and
 * what is held afterwards is compared with the parse model's verdict.
 */
#ifndef SCOPES_FILTERCHECK_PLEDGE_SAMPLE_H
#define SCOPES_FILTERCHECK_PLEDGE_SAMPLE_H

#include <stdint.h>
#include <stdio.h>

#include "cases.h"

struct pledge_stats {
	uint64_t strings;  /* promise strings tried */
	uint64_t refused;  /* ... that the model says must be refused */
	uint64_t children; /* forked children (each pledges once or twice) */
	uint64_t failures;
};

void pledge_sample(unsigned n, struct fc_rng *rng, struct pledge_stats *ps, FILE *out);
void pledge_print(const struct pledge_stats *ps, FILE *out);

#endif
