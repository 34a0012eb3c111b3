/* SPDX-License-Identifier: MIT */
/* Comparing a compiled program with the model, case by case. */
#ifndef SCOPES_FILTERCHECK_CHECK_H
#define SCOPES_FILTERCHECK_CHECK_H

#include <linux/filter.h>
#include <stdint.h>
#include <stdio.h>

#include "cases.h"
#include "model.h"

struct fc_stats {
	uint64_t programs;
	uint64_t cases;		/* (program, seccomp_data) pairs compared */
	uint64_t diffs;		/* interpreter and model disagree */
	uint64_t overlaps;	/* rows with different answers match one call */
	uint64_t rule_errors;	/* programs the kernel would refuse */
	uint64_t cache_checked; /* (program, nr) pairs run through the cache emulation */
	uint64_t cache_missed;	/* always-allowed calls the cache does not serve */
	uint64_t cache_unsound; /* cached as allowed but the model checks arguments */
	uint64_t landlock_errors;
	uint64_t landlock_programs; /* programs with path-scoped grants compiled in */
	size_t max_len;		    /* longest program seen */
	unsigned reported;	    /* differences printed so far */
	unsigned report_max;	    /* print at most this many */
};

/*
 * Compare the program's answer (interpreter) with the model's for one case.
 * Returns 0 when they agree, 1 for a difference (described on out when the
 * report budget allows), 2 when the model flags an overlap of rows.
 */
int fc_compare(const struct sock_filter *prog, size_t len, const struct model *m,
	       const struct seccomp_data *d, struct fc_stats *st, FILE *out);

/*
 * Check one program: the kernel's load rules, the constant-action cache for
 * every number of the native arch (and none cached for the compat arch),
 * then every case of l. Returns the number of problems found.
 */
uint64_t fc_check_program(const struct sock_filter *prog, size_t len, const struct model *m,
			  const struct case_list *l, struct fc_stats *st, FILE *out);

/* Two generators' programs for one set, case by case (issue 16: bpfgen
 * against libseccomp's, the oracle). */
struct fc_pair_stats {
	uint64_t programs;  /* program pairs compared */
	uint64_t identical; /* ... of which byte-identical */
	uint64_t cases;     /* cases run through both */
	uint64_t diffs;     /* cases the two answer differently */
	unsigned reported, report_max;
};

/* Run both programs on every case of l; count (and describe on out, within
 * the report budget) the cases they answer differently. Returns that count. */
uint64_t fc_compare_programs(const struct sock_filter *a, size_t na, const struct sock_filter *b,
			     size_t nb, const struct model *m, const struct case_list *l,
			     struct fc_pair_stats *ps, FILE *out);

/* "stdio rpath" for a set (static buffer). */
const char *fc_set_str(scopes_set_t set);

#endif
