/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <inttypes.h>
#include <string.h>

#include "bpf_interp.h"
#include "check.h"

const char *fc_set_str(scopes_set_t set)
{
	static char buf[1024];
	scopes_promises_format(set, buf, sizeof(buf));
	return buf[0] ? buf : "(empty)";
}

static void describe(FILE *out, const struct model *m, const struct seccomp_data *d,
		     const char *what)
{
	const char *name = scopes_syscall_name(d->arch, (uint32_t)d->nr);
	fprintf(out, "%s: set \"%s\" penalty %s landlock %d: arch 0x%08x nr %d (%s) args", what,
		fc_set_str(m->set), scopes_penalty_name(m->penalty), m->landlock, d->arch, d->nr,
		name ? name : "?");
	for (int i = 0; i < 6; i++)
		fprintf(out, " %#" PRIx64, (uint64_t)d->args[i]);
	fputc('\n', out);
}

/* The library's own evaluator of a seccomp program: the exec supervisor
 * answers pre-exec processes with it (libscopes/src/supervise.h; linked from
 * the static library, where the hidden symbol is visible). It must agree
 * with this interpreter on every case. */
uint32_t supervise_eval(const struct sock_filter *insns, size_t count, const void *data,
			size_t len);

int fc_compare(const struct sock_filter *prog, size_t len, const struct model *m,
	       const struct seccomp_data *d, struct fc_stats *st, FILE *out)
{
	uint32_t got;
	const char *why;
	struct model_answer want = model_eval(m, d);
	char a[32], b[32];

	st->cases++;
	if (bpfi_run(prog, len, d, &got, &why) != 0) {
		st->diffs++;
		if (out && st->reported++ < st->report_max) {
			describe(out, m, d, "PROGRAM FAULT");
			fprintf(out, "  %s\n", why);
		}
		return 1;
	}
	uint32_t sup = supervise_eval(prog, len, d, sizeof(*d));
	if (sup != got) {
		st->diffs++;
		if (out && st->reported++ < st->report_max) {
			describe(out, m, d, "SUPERVISOR DIFFERENCE");
			fprintf(out, "  the interpreter answers %s, the supervisor's evaluator %s\n",
				model_action_str(got, a, sizeof(a)), model_action_str(sup, b, sizeof(b)));
		}
		return 1;
	}
	if (want.overlap) {
		st->overlaps++;
		if (out && st->reported++ < st->report_max) {
			describe(out, m, d, "OVERLAP");
			fprintf(out, "  rows with different answers match this call\n");
		}
		return 2;
	}
	if (got == want.want || got == want.also)
		return 0;
	st->diffs++;
	if (out && st->reported++ < st->report_max) {
		describe(out, m, d, "DIFFERENCE");
		fprintf(out, "  filter answers %s, the table means %s\n",
			model_action_str(got, a, sizeof(a)),
			model_action_str(want.want, b, sizeof(b)));
	}
	return 1;
}

uint64_t fc_check_program(const struct sock_filter *prog, size_t len, const struct model *m,
			  const struct case_list *l, struct fc_stats *st, FILE *out)
{
	uint64_t before =
	    st->diffs + st->overlaps + st->rule_errors + st->cache_missed + st->cache_unsound;
	char why[160];

	st->programs++;
	if (len > st->max_len)
		st->max_len = len;
	if (bpfi_check(prog, len, why, sizeof(why)) != 0) {
		st->rule_errors++;
		if (out)
			fprintf(out, "KERNEL RULES: set \"%s\" penalty %s: %s\n",
				fc_set_str(m->set), scopes_penalty_name(m->penalty), why);
		return 1;
	}
	for (int nr = 0; nr < MODEL_NR_MAX; nr++) {
		int cached = bpfi_const_allow(prog, len, nr, m->arch);
		int always = model_always_allowed(m, nr);
		st->cache_checked++;
		if (always && !cached) {
			st->cache_missed++;
			if (out && st->reported++ < st->report_max)
				fprintf(out,
					"CACHE MISS: set \"%s\" penalty %s: %s (%d) is granted "
					"without argument checks but not cached\n",
					fc_set_str(m->set), scopes_penalty_name(m->penalty),
					scopes_syscall_name(m->arch, nr), nr);
		}
		if (cached && !always) {
			st->cache_unsound++;
			if (out && st->reported++ < st->report_max)
				fprintf(out,
					"CACHE UNSOUND: set \"%s\" penalty %s: nr %d cached as "
					"allowed but the table does not grant it unconditionally\n",
					fc_set_str(m->set), scopes_penalty_name(m->penalty), nr);
		}
		/* a foreign ABI is killed: nothing of it may be cached */
		if (m->arch == SCOPES_ARCH_X86_64 &&
		    bpfi_const_allow(prog, len, nr, SCOPES_ARCH_I386)) {
			st->cache_unsound++;
			if (out && st->reported++ < st->report_max)
				fprintf(out, "CACHE UNSOUND: i386 nr %d cached as allowed\n", nr);
		}
	}
	for (size_t i = 0; i < l->n; i++)
		fc_compare(prog, len, m, &l->v[i], st, out);
	return st->diffs + st->overlaps + st->rule_errors + st->cache_missed + st->cache_unsound -
	       before;
}

uint64_t fc_compare_programs(const struct sock_filter *a, size_t na, const struct sock_filter *b,
			     size_t nb, const struct model *m, const struct case_list *l,
			     struct fc_pair_stats *ps, FILE *out)
{
	uint64_t before = ps->diffs;
	char sa[32], sb[32];

	for (size_t i = 0; i < l->n; i++) {
		uint32_t ra = 0, rb = 0;
		const char *why;
		int fa = bpfi_run(a, na, &l->v[i], &ra, &why);
		int fb = bpfi_run(b, nb, &l->v[i], &rb, &why);
		ps->cases++;
		if (fa == fb && ra == rb)
			continue;
		ps->diffs++;
		if (out && ps->reported++ < ps->report_max) {
			describe(out, m, &l->v[i], "GENERATORS DIFFER");
			fprintf(out, "  bpfgen answers %s, libseccomp %s\n",
				fa ? "a fault" : model_action_str(ra, sa, sizeof(sa)),
				fb ? "a fault" : model_action_str(rb, sb, sizeof(sb)));
		}
	}
	return ps->diffs - before;
}
