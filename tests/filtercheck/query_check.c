/* SPDX-License-Identifier: MIT */
/*
 * The reverse query (scopes_query: "which promise would allow this call?")
 * is the table's second reader: the SIGSYS reporter and scopes-trace tell
 * users what to pledge from it. Checked against the same model, on the same
 * cases as the filters:
 *  - every alternative it offers really allows the call (the model for
 *    exactly that set, path-scoped grants in force);
 *  - the alternatives are minimal (none contains another);
 *  - no single promise that allows the call is missing from them;
 *  - ALWAYS, ENOSYS and FOREIGN_ABI exactly where the model says so.
 * SCOPES_VALUE_SELF_PID conditions are compared with the placeholder itself
 * (scopes_query_set_pid), as in the compiled programs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "query_check.h"

#define SET_CACHE 512

static struct {
	scopes_set_t set;
	int used;
	struct model m;
} cache[SET_CACHE];

/* The model of a set with path-scoped grants in force (the query names
 * them, flagged), penalty irrelevant: only ALLOW is asked for. */
static const struct model *model_of(scopes_set_t set)
{
	unsigned h = (unsigned)((set * 0x9e3779b97f4a7c15ULL) >> 55) % SET_CACHE;
	for (unsigned k = 0; k < SET_CACHE; k++) {
		unsigned i = (h + k) % SET_CACHE;
		if (cache[i].used && cache[i].set == set)
			return &cache[i].m;
		if (!cache[i].used) {
			if (model_init(&cache[i].m, set, SCOPES_PENALTY_KILL, 1,
				       SCOPES_VALUE_SELF_PID))
				return NULL;
			cache[i].used = 1;
			cache[i].set = set;
			return &cache[i].m;
		}
	}
	return NULL; /* full: more distinct sets than any table offers */
}

static int allows(scopes_set_t set, const struct seccomp_data *d)
{
	const struct model *m = model_of(set);
	return m && model_eval(m, d).want == SECCOMP_RET_ALLOW;
}

static void bad(struct query_stats *qs, FILE *out, const struct seccomp_data *d, const char *what,
		scopes_set_t set)
{
	qs->failures++;
	if (qs->failures > 20 || !out)
		return;
	const char *name = scopes_syscall_name(d->arch, (uint32_t)d->nr);
	fprintf(out, "QUERY: %s (%d) args %#llx %#llx %#llx %#llx: %s: \"%s\"\n", name ? name : "?",
		d->nr, (unsigned long long)d->args[0], (unsigned long long)d->args[1],
		(unsigned long long)d->args[2], (unsigned long long)d->args[3], what,
		fc_set_str(set));
}

int query_check_case(const struct seccomp_data *d, struct query_stats *qs, FILE *out)
{
	const uint32_t native = scopes_native_arch();
	const int np = scopes_promise_count();
	const uint64_t before = qs->failures;
	struct scopes_verdict v;
	uint64_t args[6];

	/* The query takes the number as a long: a negative int stays negative
	 * and is not judged an x32 number (the filter kills those as foreign;
	 * no syscall is there either way). */
	if (d->nr < 0)
		return 0;
	memcpy(args, d->args, sizeof(args));
	scopes_query_set_pid((long)SCOPES_VALUE_SELF_PID);
	qs->cases++;
	if (scopes_query(d->arch, d->nr, args, &v) != 0) {
		bad(qs, out, d, "scopes_query failed", 0);
		return 1;
	}
	/* The query knows the x86_64 and aarch64 tables whatever the host (a
	 * tracer may read another machine's log); the model only the native. */
	int other_table =
	    d->arch != native && (d->arch == SCOPES_ARCH_X86_64 || d->arch == SCOPES_ARCH_AARCH64);
	int foreign = (d->arch != native && !other_table) ||
		      (d->arch == SCOPES_ARCH_X86_64 && ((uint32_t)d->nr & 0x40000000u));
	if (foreign != (v.cls == SCOPES_CLASS_FOREIGN_ABI)) {
		bad(qs, out, d,
		    foreign ? "a foreign call not classed FOREIGN_ABI"
			    : "a native call classed FOREIGN_ABI",
		    0);
		return 1;
	}
	if (foreign || other_table)
		return 0;
	const struct model *empty = model_of(0);
	if (!empty)
		abort();
	struct model_answer none = model_eval(empty, d);
	if ((none.want == SECCOMP_RET_ALLOW) != (v.cls == SCOPES_CLASS_ALWAYS))
		bad(qs, out, d, "ALWAYS class differs from the empty set's answer", 0);
	if (v.cls == SCOPES_CLASS_ENOSYS && none.want != (SECCOMP_RET_ERRNO | ENOSYS))
		bad(qs, out, d, "classed ENOSYS but not answered ENOSYS", 0);
	if (v.cls != SCOPES_CLASS_PROMISE)
		return qs->failures != before;
	for (int a = 0; a < v.n; a++) {
		qs->alternatives++;
		if (!allows(v.alt[a].set, d))
			bad(qs, out, d, "an alternative that does not allow the call",
			    v.alt[a].set);
		for (int b = 0; b < v.n; b++)
			if (a != b && (v.alt[a].set & v.alt[b].set) == v.alt[a].set)
				bad(qs, out, d, "an alternative contains another", v.alt[b].set);
	}
	if (v.n == SCOPES_QUERY_MAX_ALTS)
		return qs->failures != before; /* the list may be cut */
	for (int p = 0; p < np; p++) {
		scopes_set_t one = (scopes_set_t)1 << p;
		if (!allows(one, d))
			continue;
		int listed = 0;
		for (int a = 0; a < v.n && !listed; a++)
			listed = (v.alt[a].set & ~one) == 0;
		if (!listed)
			bad(qs, out, d, "a promise that allows the call is not offered", one);
	}
	return qs->failures != before;
}

uint64_t query_check(const struct case_list *l, struct query_stats *qs, FILE *out)
{
	for (size_t i = 0; i < l->n; i++)
		query_check_case(&l->v[i], qs, out);
	return qs->failures;
}

void query_print(const struct query_stats *qs, FILE *out)
{
	fprintf(out,
		"filtercheck: reverse query: %llu cases, %llu alternatives checked, %llu wrong\n",
		(unsigned long long)qs->cases, (unsigned long long)qs->alternatives,
		(unsigned long long)qs->failures);
}
