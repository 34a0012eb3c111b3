/* SPDX-License-Identifier: MIT */
/*
 * scopes-filtercheck: the differential check of every generated filter.
 *
 * For the empty set, every single promise (alone and with `error`), the full
 * set and random sets, under every penalty: compile the filter with
 * scopes_compile(), export its program, check it against the kernel's load
 * rules and constant-action cache, run it in an independent classic-BPF
 * interpreter on boundary and random inputs, and compare every answer with
 * an independent model of the promise table. The same rows are also built
 * by libseccomp (oracle.c, the generator libscopes used before issue 16):
 * its program must answer every case as libscopes' does, and match the
 * model too. A sample of sets is also run
 * against the live kernel (live.c), and a sample of promise strings checks
 * that a refused scopes_pledge() never half-applies (pledge_sample.c).
 *
 *   scopes-filtercheck [--seed N] [--random-sets N] [--live-sets N]
 *                      [--pledge-cases N] [--mutants N] [--report N]
 *
 * --mutants N checks the checker: N programs with one instruction changed
 * (a constant ±1, a jump target moved, a return value swapped, a load from
 * another argument) must, nearly all, be caught as different.
 *
 * Exit status 0 when nothing differs, 1 otherwise, 2 for a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anchors.h"
#include "bpf_interp.h"
#include "cases.h"
#include "check.h"
#include "live.h"
#include "model.h"
#include "oracle.h"
#include "pledge_sample.h"
#include "query_check.h"

#define RANDOM_CASES_PER_PROGRAM 4096


struct opts {
	uint64_t seed;
	unsigned random_sets;
	unsigned live_sets;
	unsigned pledge_cases;
	unsigned mutants;
	unsigned report;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: scopes-filtercheck [--seed N] [--random-sets N] [--live-sets N]\n"
		"                          [--pledge-cases N] [--mutants N] [--report N]\n");
	exit(2);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
	    {"seed", required_argument, NULL, 's'},
	    {"random-sets", required_argument, NULL, 'r'},
	    {"live-sets", required_argument, NULL, 'l'},
	    {"pledge-cases", required_argument, NULL, 'p'},
	    {"mutants", required_argument, NULL, 'm'},
	    {"report", required_argument, NULL, 'R'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct opts){
	    .seed = 1, .random_sets = 40, .live_sets = 12, .pledge_cases = 200, .report = 30};
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		char *end;
		unsigned long long v = 0;
		if (optarg) {
			errno = 0;
			v = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg)
				usage();
		}
		switch (c) {
		case 's':
			o->seed = v;
			break;
		case 'r':
			o->random_sets = (unsigned)v;
			break;
		case 'l':
			o->live_sets = (unsigned)v;
			break;
		case 'p':
			o->pledge_cases = (unsigned)v;
			break;
		case 'm':
			o->mutants = (unsigned)v;
			break;
		case 'R':
			o->report = (unsigned)v;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

/* The sets to check: fixed ones first, then random ones. */
static size_t choose_sets(scopes_set_t *out, size_t max, unsigned nrandom, struct fc_rng *rng)
{
	const int np = scopes_promise_count();
	const scopes_set_t all = np >= 64 ? ~(scopes_set_t)0 : (((scopes_set_t)1 << np) - 1);
	const scopes_set_t error = model_promise_bit("error");
	size_t n = 0;

	out[n++] = 0;
	out[n++] = all;
	out[n++] = all & ~error;
	out[n++] = error;
	for (int i = 0; i < np && n + 2 <= max; i++) {
		scopes_set_t b = (scopes_set_t)1 << i;
		out[n++] = b;
		if (b != error)
			out[n++] = b | error;
	}
	for (unsigned i = 0; i < nrandom && n < max; i++) {
		scopes_set_t s = 0;
		switch (i % 3) {
		case 0: /* a typical program: a few promises */
			for (int k = 1 + (int)(fc_rand(rng) % 4); k > 0; k--)
				s |= (scopes_set_t)1 << (fc_rand(rng) % (uint64_t)np);
			break;
		case 1: /* about a third of everything */
			s = fc_rand(rng) & fc_rand(rng) & all;
			s |= fc_rand(rng) & fc_rand(rng) & all;
			break;
		default: /* everything but a few */
			s = all;
			for (int k = 1 + (int)(fc_rand(rng) % 4); k > 0; k--)
				s &= ~((scopes_set_t)1 << (fc_rand(rng) % (uint64_t)np));
			break;
		}
		out[n++] = s;
	}
	return n;
}

/* Change one instruction of prog in place; 0 if nothing fit the pick. */
static int mutate(struct sock_filter *p, size_t n, struct fc_rng *rng)
{
	static const uint32_t rets[] = {SECCOMP_RET_ALLOW,     SECCOMP_RET_KILL_PROCESS,
					SECCOMP_RET_ERRNO | 1, SECCOMP_RET_ERRNO | 38,
					SECCOMP_RET_TRAP,      SECCOMP_RET_LOG};
	struct sock_filter *in = &p[fc_rand(rng) % n];
	uint16_t cls = BPF_CLASS(in->code);

	if (cls == BPF_RET) {
		uint32_t k = rets[fc_rand(rng) % 6];
		if (k == in->k)
			return 0;
		in->k = k;
		return 1;
	}
	if (cls == BPF_LD && BPF_MODE(in->code) == BPF_ABS) {
		uint32_t k = in->k + (fc_rand(rng) & 1 ? 4 : 8);
		if (k >= sizeof(struct seccomp_data))
			k = in->k - 4;
		in->k = k;
		return 1;
	}
	if (cls == BPF_ALU) {
		in->k ^= 1u << (fc_rand(rng) % 32);
		return 1;
	}
	if (cls == BPF_JMP && BPF_OP(in->code) != BPF_JA) {
		size_t room = (size_t)(in - p);
		switch (fc_rand(rng) % 3) {
		case 0:
			in->k += fc_rand(rng) & 1 ? 1 : (uint32_t)-1;
			return 1;
		case 1: {
			uint8_t t = in->jt;
			if (in->jt == in->jf)
				return 0;
			in->jt = in->jf;
			in->jf = t;
			return 1;
		}
		default:
			if (in->jt > 0 && fc_rand(rng) & 1) {
				in->jt--;
				return 1;
			}
			if (room + in->jf + 2 < n) {
				in->jf++;
				return 1;
			}
			return 0;
		}
	}
	return 0;
}

/* Does any of n random cases tell program a from program b? (An escaped
 * mutant that random search tells apart shows a gap in the boundary cases;
 * one it cannot is most likely equivalent to its original.) */
static int programs_differ(const struct sock_filter *a, const struct sock_filter *b, size_t len,
			   size_t n, struct fc_rng *rng)
{
	struct case_list l = {0};
	int differ = 0;

	while (n && !differ) {
		size_t chunk = n < 65536 ? n : 65536;
		l.n = 0;
		if (cases_random(&l, rng, chunk) != 0)
			break;
		for (size_t i = 0; i < l.n && !differ; i++) {
			uint32_t ra, rb;
			const char *why;
			int fa = bpfi_run(a, len, &l.v[i], &ra, &why);
			int fb = bpfi_run(b, len, &l.v[i], &rb, &why);
			differ = fa != fb || ra != rb;
			if (differ && getenv("FC_MUTANT_DEBUG"))
				fprintf(stderr,
					"  told apart by nr %d args %#llx %#llx %#llx %#llx %#llx "
					"%#llx: %#x / %#x\n",
					l.v[i].nr, (unsigned long long)l.v[i].args[0],
					(unsigned long long)l.v[i].args[1],
					(unsigned long long)l.v[i].args[2],
					(unsigned long long)l.v[i].args[3],
					(unsigned long long)l.v[i].args[4],
					(unsigned long long)l.v[i].args[5], ra, rb);
		}
		n -= chunk;
	}
	cases_free(&l);
	return differ;
}

/*
 * How many one-instruction mutants of the programs of a few sets the check
 * catches. A mutant can be equivalent to its original (a jump whose two
 * targets answer alike, an AND of bits an earlier AND already cleared), so
 * a few escape; those are searched at random against their original, and
 * one told apart counts as a gap. FC_MUTANT_DEBUG=1 prints the escapes.
 */
static void mutant_check(unsigned n, const struct case_list *base, struct fc_rng *rng,
			 unsigned *caught, unsigned *tried, unsigned *gaps)
{
	static struct sock_filter p[BPF_MAXINSNS], orig[BPF_MAXINSNS];
	const char *const sets[] = {"stdio", "stdio rpath wpath cpath inet unix dns",
				    "stdio proc exec prot_exec tty flock fattr", "error"};
	char why[160];

	for (unsigned i = 0; i < n; i++) {
		const char *str = sets[i % 4];
		enum scopes_penalty pen = (enum scopes_penalty)(i / 4 % 4);
		struct scopes_filter *f = scopes_compile(str, pen);
		const void *insns;
		size_t count;
		struct model m;
		scopes_set_t set;

		if (!f || scopes_filter_program(f, &insns, &count) != 0)
			continue;
		set = scopes_filter_promises(f);
		memcpy(p, insns, count * sizeof(*p));
		memcpy(orig, insns, count * sizeof(*p));
		int landlock = scopes_filter_landlock(f);
		scopes_filter_free(f);
		if (!mutate(p, count, rng)) {
			i--; /* try another instruction */
			continue;
		}
		(*tried)++;
		if (bpfi_check(p, count, why, sizeof(why)) != 0) {
			(*caught)++;
			continue;
		}
		if (model_init(&m, set, pen, landlock, SCOPES_VALUE_SELF_PID) != 0)
			continue;
		struct fc_stats quiet = {0};
		for (size_t c = 0; c < base->n && !quiet.diffs; c++)
			fc_compare(p, count, &m, &base->v[c], &quiet, NULL);
		model_free(&m);
		if (quiet.diffs) {
			(*caught)++;
			continue;
		}
		int gap = programs_differ(orig, p, count, 1 << 20, rng);
		*gaps += gap;
		if (gap || getenv("FC_MUTANT_DEBUG"))
			for (size_t k = 0; k < count; k++)
				if (memcmp(&p[k], &orig[k], sizeof(*p)))
					fprintf(
					    stderr,
					    "%s: \"%s\" penalty %d insn %zu: %04x %u %u %08x -> "
					    "%04x %u %u %08x\n",
					    gap ? "MUTANT GAP" : "escaped", str, pen, k,
					    orig[k].code, orig[k].jt, orig[k].jf, orig[k].k,
					    p[k].code, p[k].jt, p[k].jf, p[k].k);
	}
}

/* Issue 16: libscopes' program against libseccomp's for the same rows. */
struct gen_stats {
	struct fc_pair_stats pair; /* libscopes' program against the oracle's */
	struct fc_stats oracle;    /* the oracle's program against the model */
	struct live_stats live;    /* ... and in the kernel */
	uint64_t failures;         /* the oracle refused a set */
	uint64_t len_stdio[2], len_all[2]; /* kill penalty: libscopes, oracle */
};

/*
 * Build the set's program with libseccomp (oracle.c) and compare it with
 * libscopes' case by case (the set-independent cases and this set's random
 * ones); check the oracle's against the model too (and, for the live sample,
 * in the kernel), so that both programs match the model and each other.
 */
static void check_generators(const struct sock_filter *prog, size_t count, scopes_set_t set,
			     int landlock, const struct model *m, const struct case_list *base,
			     const struct case_list *extra, int live_this, struct gen_stats *gs,
			     FILE *out)
{
	struct sock_filter *orc = NULL;
	size_t n = 0;
	const int np = scopes_promise_count();
	const scopes_set_t all = np >= 64 ? ~(scopes_set_t)0 : ((scopes_set_t)1 << np) - 1;

	if (oracle_build(set, m->penalty, landlock, &orc, &n) != 0) {
		fprintf(out, "set \"%s\" penalty %s: the oracle failed: %s\n", fc_set_str(set),
			scopes_penalty_name(m->penalty), strerror(errno));
		gs->failures++;
		return;
	}
	if (m->penalty == SCOPES_PENALTY_KILL && (set == model_promise_bit("stdio") || set == all)) {
		uint64_t *len = set == all ? gs->len_all : gs->len_stdio;
		len[0] = count;
		len[1] = n;
	}
	gs->pair.programs++;
	gs->pair.identical += n == count && !memcmp(prog, orc, n * sizeof(*orc));
	fc_compare_programs(prog, count, orc, n, m, base, &gs->pair, out);
	fc_compare_programs(prog, count, orc, n, m, extra, &gs->pair, out);
	fc_check_program(orc, n, m, base, &gs->oracle, out);
	for (size_t i = 0; i < extra->n; i++)
		fc_compare(orc, n, m, &extra->v[i], &gs->oracle, out);
	if (live_this)
		live_run_program(orc, n, m, &gs->live, out);
	free(orc);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct fc_rng rng;
	struct case_list base = {0};
	struct fc_stats st = {0};
	struct live_stats ls = {0};
	struct pledge_stats ps = {0};
	static struct gen_stats gen;
	static scopes_set_t sets[4096];
	struct timespec t0, t1;
	int live_ok;

	parse_opts(argc, argv, &o);
	st.report_max = o.report;
	gen.pair.report_max = gen.oracle.report_max = o.report;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (scopes_table_init() != 0) {
		perror("scopes_table_init");
		return 1;
	}
	fc_seed(&rng, o.seed);
	if (cases_build(&base, o.seed)) {
		perror("cases_build");
		return 1;
	}
	live_ok = live_init(o.seed, &ls, stderr) == 0;
	if (live_ok)
		gen.live = ls; /* the catalogue's unfiltered outcomes, counters apart */
	gen.live.runs = gen.live.cases = gen.live.distinguishing = gen.live.kills = 0;
	gen.live.diffs = 0;
	size_t nsets = choose_sets(sets, sizeof(sets) / sizeof(sets[0]), o.random_sets, &rng);
	size_t live_every = o.live_sets ? (nsets + o.live_sets - 1) / o.live_sets : 0;

	for (size_t si = 0; si < nsets; si++) {
		int live_this = live_ok && live_every && si % live_every == 0;
		for (int pen = SCOPES_PENALTY_KILL; pen <= SCOPES_PENALTY_LOG; pen++) {
			char str[1024];
			const void *insns;
			size_t count;
			struct model m;
			struct case_list extra = {0};

			scopes_promises_format(sets[si], str, sizeof(str));
			struct scopes_filter *f = scopes_compile(str, (enum scopes_penalty)pen);
			if (!f) {
				fprintf(stderr, "scopes_compile(\"%s\", %s): %s\n", str,
					scopes_penalty_name((enum scopes_penalty)pen), strerror(errno));
				st.diffs++;
				continue;
			}
			if (scopes_filter_program(f, &insns, &count) != 0 ||
			    scopes_filter_promises(f) != sets[si]) {
				fprintf(stderr, "set \"%s\": program or promise set not exported\n",
					str);
				st.diffs++;
				scopes_filter_free(f);
				continue;
			}
			/* Path-scoped grants may be compiled in only for a set that
			 * holds a path-scoped promise (and only with Landlock). */
			int landlock = scopes_filter_landlock(f);
			st.landlock_programs += landlock != 0;
			if (landlock && !model_needs_landlock(sets[si])) {
				fprintf(stderr,
					"set \"%s\": path-scoped grants compiled in without a "
					"path-scoped promise\n",
					str);
				st.landlock_errors++;
			}
			if (model_init(&m, sets[si], (enum scopes_penalty)pen, landlock,
				       SCOPES_VALUE_SELF_PID) != 0 ||
			    cases_random(&extra, &rng, RANDOM_CASES_PER_PROGRAM) != 0) {
				perror("model");
				return 1;
			}
			fc_check_program(insns, count, &m, &base, &st, stderr);
			for (size_t i = 0; i < extra.n; i++)
				fc_compare(insns, count, &m, &extra.v[i], &st, stderr);
			if (live_this)
				live_run(f, &m, &ls, stderr);
			check_generators(insns, count, sets[si], landlock, &m, &base, &extra, live_this,
					 &gen, stderr);
			cases_free(&extra);
			model_free(&m);
			scopes_filter_free(f);
		}
	}
	uint64_t nanchors = 0, anchors_bad = anchors_check(stderr, &nanchors);
	struct query_stats qs = {0};
	query_check(&base, &qs, stderr);
	pledge_sample(o.pledge_cases, &rng, &ps, stderr);
	unsigned caught = 0, tried = 0, gaps = 0;
	mutant_check(o.mutants, &base, &rng, &caught, &tried, &gaps);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	const struct fc_stats *go = &gen.oracle;
	uint64_t gen_problems = gen.failures + gen.pair.diffs + go->diffs +
				go->rule_errors + go->cache_missed + go->cache_unsound +
				gen.live.diffs;
	uint64_t problems = gen_problems + st.diffs + st.overlaps + st.rule_errors + st.cache_missed +
			    st.cache_unsound + st.landlock_errors + ls.diffs + ps.failures +
			    anchors_bad + qs.failures;
	printf("filtercheck: %zu promise sets x 4 penalties = %" PRIu64 " programs (longest %zu "
	       "insns, %" PRIu64 " with path-scoped grants compiled in)\n",
	       nsets, st.programs, st.max_len, st.landlock_programs);
	printf("filtercheck: %" PRIu64 " interpreted cases, %" PRIu64 " differences, %" PRIu64
	       " row overlaps\n",
	       st.cases, st.diffs, st.overlaps);
	printf("filtercheck: kernel rules: %" PRIu64 " programs refused; cache: %" PRIu64
	       " numbers checked, %" PRIu64 " missed, %" PRIu64 " unsound\n",
	       st.rule_errors, st.cache_checked, st.cache_missed, st.cache_unsound);
	printf("filtercheck: spec anchors: %" PRIu64 " checked, %" PRIu64 " wrong\n", nanchors,
	       anchors_bad);
	printf("filtercheck: oracle: %" PRIu64 " program pairs with libseccomp's (%" PRIu64
	       " byte-identical), %" PRIu64 " cases run through both, %" PRIu64
	       " answered differently\n",
	       gen.pair.programs, gen.pair.identical, gen.pair.cases, gen.pair.diffs);
	printf("filtercheck: oracle against the model: %" PRIu64 " cases, %" PRIu64
	       " differences, %" PRIu64 " refused by the kernel's rules, cache %" PRIu64
	       " missed %" PRIu64 " unsound; live: %" PRIu64 " calls in %" PRIu64 " runs, %" PRIu64
	       " differences; %" PRIu64 " oracle failures\n",
	       go->cases, go->diffs, go->rule_errors, go->cache_missed, go->cache_unsound,
	       gen.live.cases, gen.live.runs, gen.live.diffs, gen.failures);
	printf("filtercheck: lengths (kill penalty), libscopes / libseccomp: stdio %" PRIu64
	       " / %" PRIu64 ", every promise %" PRIu64 " / %" PRIu64 "\n",
	       gen.len_stdio[0], gen.len_stdio[1], gen.len_all[0], gen.len_all[1]);
	query_print(&qs, stdout);
	live_print(&ls, stdout);
	pledge_print(&ps, stdout);
	if (tried) {
		printf("filtercheck: mutants: %u of %u one-instruction changes caught; of the "
		       "%u others, %u told apart by 1M random cases (gaps)\n",
		       caught, tried, tried - caught, gaps);
		/* a checker that misses planted bugs proves nothing */
		if (caught * 10 < tried * 9 || gaps)
			problems++;
	}
	printf("filtercheck: %.1f s, seed %" PRIu64 ": %s\n", secs, o.seed,
	       problems ? "FAILED" : "no difference");
	cases_free(&base);
	return problems ? 1 : 0;
}
