/* SPDX-License-Identifier: MIT */
/* The reverse query (scopes_query) against the model of the table. */
#ifndef SCOPES_FILTERCHECK_QUERY_CHECK_H
#define SCOPES_FILTERCHECK_QUERY_CHECK_H

#include <stdint.h>
#include <stdio.h>

#include "cases.h"
#include "check.h"

struct query_stats {
	uint64_t cases;
	uint64_t alternatives;
	uint64_t failures;
};

/* Check scopes_query on one case; returns 1 when it is wrong (described on
 * out, NULL for silence). Models of the sets met are kept for later cases. */
int query_check_case(const struct seccomp_data *d, struct query_stats *qs, FILE *out);
/* Check scopes_query on every case of l. Returns the failures found. */
uint64_t query_check(const struct case_list *l, struct query_stats *qs, FILE *out);
void query_print(const struct query_stats *qs, FILE *out);

#endif
