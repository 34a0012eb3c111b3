/* SPDX-License-Identifier: MIT */
/*
 * The results: a Markdown report for people (bench/README.md carries one)
 * and JSON for tools. Both read the same series and the same targets.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <scopes/table.h>

#include "bench.h"

/* The kernel's limits: one filter, and the whole stack as it counts it
 * (each filter's length plus 4). */
#define KERNEL_MAX_INSNS 4096
#define KERNEL_MAX_PATH_INSNS 32768
/* Two medians of noisy runs closer than this are "the same", at least. */
#define SAME_NS 2.0

static const enum bench_setup percall_cols[] = { SETUP_ONERULE, SETUP_ARGFLOOR, SETUP_ARGFLOOR8,
						    SETUP_PLEDGE1,
						 SETUP_PLEDGE2, SETUP_PLEDGE4, SETUP_PLEDGE8,
						 SETUP_NAIVE,   SETUP_DOCKER };
#define NCOLS (int)(sizeof(percall_cols) / sizeof(percall_cols[0]))
static const enum bench_setup workload_cols[] = { SETUP_PLEDGE1, SETUP_NAIVE, SETUP_DOCKER };
static const enum bench_setup violation_cols[] = { SETUP_ERRNO, SETUP_TRAP, SETUP_REPORT };

static const char *sname(enum bench_setup s)
{
	return bench_setups[s].name;
}

/* Extra cost of one more stacked filter on op: the slope from 1 to 8. */
static double stack_slope(enum bench_setup one, enum bench_setup eight, enum bench_op op)
{
	double d1 = stats_median_of("percall/%s/%s/d", sname(one), bench_ops[op].name);
	double d8 = stats_median_of("percall/%s/%s/d", sname(eight), bench_ops[op].name);
	return (d8 - d1) / 7;
}

static void target(struct bench_target *t, int *n, int max, const char *name, const char *unit,
		   double measured, double limit, int pass, const char *note)
{
	if (*n >= max)
		return;
	t[*n] = (struct bench_target){ name, unit, measured, limit,
				       isnan(measured) ? -1 : pass, "" };
	if (note)
		snprintf(t[*n].note, sizeof(t[*n].note), "%s", note);
	(*n)++;
}

int report_targets(const struct bench_sizes *z, struct bench_target *t, int max)
{
	static const struct {
		enum bench_op op;
		double limit;
		const char *name;
	} argchecked[] = {
		{ OP_FCNTL_GETFL, 15, "fcntl(F_GETFL), one pledge, over no filter" },
		{ OP_OPENAT_CLOSE, 35, "openat+close, one pledge, over no filter" },
		{ OP_MMAP_MUNMAP, 40, "mmap+munmap, one pledge, over no filter" },
	};
	char note[160];
	int n = 0;

	/* "No slower than a one-rule filter" for a call the cache serves: the
	 * cache must serve it (decided from the programs, exactly), and the
	 * measured difference must be within what separates the other setups
	 * that the cache serves too (their spread is the noise of this run),
	 * or SAME_NS, whichever is larger. */
	for (int op = OP_GETPPID; op <= OP_READ1; op++) {
		static const enum bench_setup others[] = { SETUP_PLEDGE2, SETUP_PLEDGE4,
							   SETUP_PLEDGE8, SETUP_NAIVE,
							   SETUP_DOCKER };
		static const char *const names[] = {
			[OP_GETPPID] = "getppid (no argument checks): pledge minus one-rule filter",
			[OP_READ1] = "read 1 byte (no argument checks): pledge minus one-rule filter",
		};
		double d1 = stats_median_of("percall/onerule/%s/d", bench_ops[op].name);
		double dp = stats_median_of("percall/pledge1/%s/d", bench_ops[op].name);
		double lo = d1, hi = d1;
		for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++) {
			double d = stats_median_of("percall/%s/%s/d", sname(others[k]),
						   bench_ops[op].name);
			if (!z->cached[others[k]][op] || isnan(d))
				continue;
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
		}
		double tol = hi - lo > SAME_NS ? hi - lo : SAME_NS;
		snprintf(note, sizeof(note), "%s; noise: other cached setups spread %.1f ns",
			 z->cached[SETUP_PLEDGE1][op] ? "served by the constant-action cache"
						      : "NOT in the constant-action cache",
			 hi - lo);
		target(t, &n, max, names[op], "ns", dp - d1, tol,
		       dp - d1 <= tol && z->cached[SETUP_PLEDGE1][op], note);
	}
	for (size_t i = 0; i < sizeof(argchecked) / sizeof(argchecked[0]); i++) {
		const char *op = bench_ops[argchecked[i].op].name;
		double d = stats_median_of("percall/pledge1/%s/d", op);
		snprintf(note, sizeof(note),
			 "floor: %.1f ns for any filter, %.1f ns for any argument check",
			 stats_median_of("percall/onerule/%s/d", op),
			 stats_median_of("percall/argfloor/%s/d", op));
		target(t, &n, max, argchecked[i].name, "ns", d, argchecked[i].limit,
		       d <= argchecked[i].limit, note);
	}
	double worst = NAN, worst_floor = NAN;
	for (int op = 0; op < OP_COUNT; op++) {
		double s = stack_slope(SETUP_PLEDGE1, SETUP_PLEDGE8, op);
		if (bench_ops[op].argcheck && (isnan(worst) || s > worst)) {
			worst = s;
			worst_floor = stack_slope(SETUP_ARGFLOOR, SETUP_ARGFLOOR8, op);
		}
	}
	snprintf(note, sizeof(note),
		 "slope from 1 to 8 pledges; floor: %.1f ns per stacked one-rule argument filter",
		 worst_floor);
	target(t, &n, max, "each additional stacked pledge, worst argument-checked call", "ns",
	       worst, 15, worst < 15, note);
	double wr = stats_median_of("workload/pledge1/ms/r");
	target(t, &n, max, "zlib workload under the pledge, ratio to no filter", "x", wr, 1.01,
	       wr <= 1.01, NULL);
	double pl = stats_median_of("pledge/none/first_us");
	double plc = stats_median_of("pledge/none/first_us_cpu");
	snprintf(note, sizeof(note), "%s; CPU time %.0f us (table init %.0f, compile %.0f)",
		 pl <= 500 ? "within the 0.5 ms aim" : "over the 0.5 ms aim", plc,
		 stats_median_of("compile/none/table_init_us_cpu"),
		 stats_median_of("compile/none/first_us_cpu"));
	target(t, &n, max, "scopes_pledge(\"" BENCH_PROMISES "\"), first in a process, wall", "us",
	       pl, 1000, pl <= 1000, note);
	double orw = stats_median_of("pledge/none/over_raw");
	snprintf(note, sizeof(note), "CPU time, fresh processes, paired by round; %.0f us against "
		 "%.0f us; containment floor %.0f us = x%.2f raw, pledge x%.2f floor", plc,
		 stats_median_of("rawattach/none/first_us_cpu"),
		 stats_median_of("floorattach/none/first_us_cpu"),
		 stats_median_of("floorattach/none/over_raw"),
		 stats_median_of("pledge/none/over_floor"));
	target(t, &n, max, "first scopes_pledge over a raw seccomp() attach of its program", "x",
	       orw, 1.5, orw <= 1.5, note);
	double cf = stats_median_of("compile/none/full_us_cpu");
	target(t, &n, max, "scopes_compile(every promise), CPU time", "us", cf, 50, cf <= 50,
	       NULL);
	double ar = stats_median_of("apply/none/ratio");
	snprintf(note, sizeof(note), "CPU time, paired; %.0f us against %.0f us; containment "
		 "floor %.0f us = x%.2f raw, apply x%.2f floor",
		 stats_median_of("apply/none/apply_us_cpu"),
		 stats_median_of("apply/none/raw_us_cpu"),
		 stats_median_of("apply/none/floor_us_cpu"),
		 stats_median_of("apply/none/floor_over_raw"),
		 stats_median_of("apply/none/over_floor"));
	target(t, &n, max, "scopes_apply over a raw seccomp() of the same program", "x", ar, 1.10,
	       ar <= 1.10, note);
	target(t, &n, max, "full promise set, instructions", "insns", (double)z->full,
	       KERNEL_MAX_INSNS, z->full > 0 && z->full <= KERNEL_MAX_INSNS, NULL);
	double stack8 = 8.0 * (double)(z->full + 4);
	target(t, &n, max, "8 stacked full-set filters, as the kernel counts them", "insns", stack8,
	       KERNEL_MAX_PATH_INSNS, z->full > 0 && stack8 <= KERNEL_MAX_PATH_INSNS,
	       "each filter counts its length + 4");
	return n;
}

/* ------------------------------------------------------------ text */

static void fmt_num(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else if (fabs(v) >= 100)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.1f", v);
}

static void fmt_range(char *buf, size_t size, const struct series *s)
{
	char a[24], b[24], c[24];
	fmt_num(a, sizeof(a), stats_median(s));
	fmt_num(b, sizeof(b), stats_min(s));
	fmt_num(c, sizeof(c), stats_max(s));
	if (!s)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s [%s–%s]", a, b, c);
}

static void fmt_delta(char *buf, size_t size, const char *kind, enum bench_setup s,
		      const char *key)
{
	double d = stats_median_of("%s/%s/%s/d", kind, sname(s), key);
	double r = stats_median_of("%s/%s/%s/r", kind, sname(s), key);
	if (isnan(d))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%+.1f (×%.3f)", d, r);
}

/* A section title and the head of a table with a column per setup. */
static void percall_header(FILE *out, const char *title, const char *second)
{
	fprintf(out, "\n### %s\n\n| call | %s |", title, second);
	for (int c = 0; c < NCOLS; c++)
		fprintf(out, " %s |", bench_setups[percall_cols[c]].label);
	fprintf(out, "\n|---|---|");
	for (int c = 0; c < NCOLS; c++)
		fprintf(out, "---|");
	fprintf(out, "\n");
}

static void text_percall(FILE *out, const struct bench_sizes *z)
{
	char cell[128];

	percall_header(out, "Per call, ns (median over rounds [min–max])", "no filter");
	for (int op = 0; op < OP_COUNT; op++) {
		fmt_range(cell, sizeof(cell), stats_find("percall/none/%s", bench_ops[op].name));
		fprintf(out, "| %s | %s |", bench_ops[op].label, cell);
		for (int c = 0; c < NCOLS; c++) {
			fmt_range(cell, sizeof(cell),
				  stats_find("percall/%s/%s", sname(percall_cols[c]),
					     bench_ops[op].name));
			fprintf(out, " %s |", cell);
		}
		fprintf(out, "\n");
	}

	percall_header(out, "Per call, cost over no filter: ns (ratio), median of paired runs",
		       "cached in pledge");
	for (int op = 0; op < OP_COUNT; op++) {
		fprintf(out, "| %s | %s |", bench_ops[op].label,
			z->cached[SETUP_PLEDGE1][op] ? "yes" : "no");
		for (int c = 0; c < NCOLS; c++) {
			fmt_delta(cell, sizeof(cell), "percall", percall_cols[c],
				  bench_ops[op].name);
			fprintf(out, " %s |", cell);
		}
		fprintf(out, "\n");
	}
	fprintf(out, "\nEach additional stacked filter (slope from 1 to 8), ns:\n\n"
		     "| call | pledge | arg floor |\n|---|---|---|\n");
	for (int op = 0; op < OP_COUNT; op++)
		fprintf(out, "| %s | %+.1f | %+.1f |\n", bench_ops[op].label,
			stack_slope(SETUP_PLEDGE1, SETUP_PLEDGE8, op),
			stack_slope(SETUP_ARGFLOOR, SETUP_ARGFLOOR8, op));
	fprintf(out, "\nSyscalls the kernel's constant-action cache allows without running "
		     "the filter:");
	for (int c = 0; c < NCOLS; c++)
		fprintf(out, " %s %d%s", bench_setups[percall_cols[c]].label,
			z->cached_total[percall_cols[c]], c + 1 < NCOLS ? ";" : "\n");
}

static void text_workload(FILE *out, const struct bench_params *p)
{
	char cell[128], d[128];

	fprintf(out, "\n### Workload: zlib deflate (level 6) of %ld MiB, 64 KiB reads, ms\n\n",
		p->workload_bytes >> 20);
	fprintf(out, "| setup | ms (median [min–max]) | paired ratio (median [min–max]) |\n"
		     "|---|---|---|\n");
	fmt_range(cell, sizeof(cell), stats_find("workload/none/ms"));
	fprintf(out, "| no filter | %s | 1 |\n", cell);
	for (size_t i = 0; i < sizeof(workload_cols) / sizeof(workload_cols[0]); i++) {
		enum bench_setup s = workload_cols[i];
		const struct series *r = stats_find("workload/%s/ms/r", sname(s));
		fmt_range(cell, sizeof(cell), stats_find("workload/%s/ms", sname(s)));
		if (r)
			snprintf(d, sizeof(d), "%.4f [%.4f–%.4f]", stats_median(r), stats_min(r),
				 stats_max(r));
		else
			snprintf(d, sizeof(d), "-");
		fprintf(out, "| %s | %s | %s |\n", bench_setups[s].label, cell, d);
	}
}

static void text_violation(FILE *out, const struct bench_params *p)
{
	char cell[128], d[128];

	fprintf(out, "\n### Violation path: getpriority() refused under pledge(\"stdio\"), "
		     "ns per call\n\n"
		     "| setup | ns (median [min–max]) | over the allowed call |\n|---|---|---|\n");
	fmt_range(cell, sizeof(cell), stats_find("violation/none/ns"));
	fprintf(out, "| allowed, no filter | %s | - |\n", cell);
	for (size_t i = 0; i < sizeof(violation_cols) / sizeof(violation_cols[0]); i++) {
		enum bench_setup s = violation_cols[i];
		if (s == SETUP_REPORT && !p->have_report) {
			fprintf(out, "| %s | not built (no libscopes-sigsys) | - |\n",
				bench_setups[s].label);
			continue;
		}
		fmt_range(cell, sizeof(cell), stats_find("violation/%s/ns", sname(s)));
		fmt_delta(d, sizeof(d), "violation", s, "ns");
		fprintf(out, "| %s | %s | %s |\n", bench_setups[s].label, cell, d);
	}
}

static const struct {
	const char *key, *json, *label;
} latency_rows[] = {
	{ "pledge/none/first_us", "pledge_first",
	  "scopes_pledge(\"" BENCH_PROMISES "\"), first in a process" },
	{ "rawattach/none/first_us", "raw_attach_first",
	  "  its floor: prctl(NO_NEW_PRIVS) + seccomp(TSYNC) of its program, first in a process" },
	{ "floorattach/none/first_us", "containment_floor_first",
	  "  its containment floor: every kernel call of the pledge made directly, first in a "
	  "process" },
	{ "pledge/none/second_us", "pledge_second",
	  "scopes_pledge(\"stdio\") after it (stacks a 2nd filter)" },
	{ "compile/none/table_init_us", "table_init",
	  "  of the first: scopes_table_init (syscall names, once per process)" },
	{ "compile/none/first_us", "compile_first",
	  "  of the first: scopes_compile(\"" BENCH_PROMISES "\")" },
	{ "compile/none/warm_us", "compile_warm", "scopes_compile(\"" BENCH_PROMISES "\"), again" },
	{ "compile/none/full_us", "compile_full_set", "scopes_compile(every promise)" },
	{ "apply/none/apply_us", "apply", "scopes_apply of the compiled filter, forked child" },
	{ "apply/none/raw_us", "raw_attach",
	  "raw prctl(NO_NEW_PRIVS) + seccomp(TSYNC), same program" },
	{ "apply/none/floor_us", "containment_floor",
	  "containment floor: every kernel call of scopes_apply made directly, forked child" },
};

/* Ratios of CPU times, each taken within one run (a round, or one rotation
 * of forked children), then the median over runs. */
static const struct {
	const char *key, *json, *label;
} latency_ratios[] = {
	{ "apply/none/ratio", "apply_over_raw_cpu", "scopes_apply / raw attach" },
	{ "apply/none/over_floor", "apply_over_floor_cpu", "scopes_apply / containment floor" },
	{ "apply/none/floor_over_raw", "apply_floor_over_raw_cpu",
	  "containment floor / raw attach, forked child" },
	{ "pledge/none/over_raw", "pledge_over_raw_cpu",
	  "first scopes_pledge / raw attach, fresh process" },
	{ "pledge/none/over_floor", "pledge_over_floor_cpu",
	  "first scopes_pledge / containment floor, fresh process" },
	{ "floorattach/none/over_raw", "pledge_floor_over_raw_cpu",
	  "containment floor / raw attach, fresh process" },
};

static void text_latency(FILE *out)
{
	char wall[128], cpu[128];

	fprintf(out, "\n### Latency, µs (median over rounds [min–max])\n\n"
		     "| what | wall clock | CPU time |\n|---|---|---|\n");
	for (size_t i = 0; i < sizeof(latency_rows) / sizeof(latency_rows[0]); i++) {
		fmt_range(wall, sizeof(wall), stats_get(latency_rows[i].key));
		fmt_range(cpu, sizeof(cpu), stats_find("%s_cpu", latency_rows[i].key));
		fprintf(out, "| %s | %s | %s |\n", latency_rows[i].label, wall, cpu);
	}
	for (size_t i = 0; i < sizeof(latency_ratios) / sizeof(latency_ratios[0]); i++) {
		const struct series *r = stats_get(latency_ratios[i].key);
		if (r)
			fprintf(out, "| %s, CPU time, paired | ×%.3f [%.3f–%.3f] | |\n",
				latency_ratios[i].label, stats_median(r), stats_min(r),
				stats_max(r));
	}
}

static void text_sizes(FILE *out, const struct bench_sizes *z)
{
	fprintf(out, "\n### Filter size, BPF instructions\n\n| promise set | insns |\n|---|---|\n");
	for (int i = 0; i < z->npromise && i < 64; i++)
		fprintf(out, "| %s | %ld |\n", scopes_promise_name(i), z->single[i]);
	fprintf(out, "| **every promise** | **%ld** |\n", z->full);
	fprintf(out, "\nInstalled by each setup (all its filters):");
	for (int c = 0; c < NCOLS; c++)
		fprintf(out, " %s %ld%s", bench_setups[percall_cols[c]].label,
			z->setup[percall_cols[c]], c + 1 < NCOLS ? ";" : "\n");
}

static void fmt_target_value(char *buf, size_t size, double v, const char *unit)
{
	if (isnan(v))
		snprintf(buf, size, "not measured");
	else if (strcmp(unit, "x") == 0)
		snprintf(buf, size, "×%.3f", v);
	else if (strcmp(unit, "insns") == 0)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.1f %s", v, unit);
}

void report_text(FILE *out, const struct bench_machine *m, const struct bench_params *p,
		 const struct bench_sizes *z)
{
	struct bench_target t[16];
	int nt = report_targets(z, t, 16);
	char a[48], b[48];

	fprintf(out, "## scopes-bench results\n\n");
	fprintf(out, "- command: `%s`\n", p->command);
	fprintf(out,
		"- date: %s; %d round%s, %.0f s; workers %s; per-call and workload figures "
		"in %s\n",
		m->date, p->rounds, p->rounds == 1 ? "" : "s", p->seconds,
		p->cpu >= 0 ? "pinned" : "not pinned",
		p->wall_clock ? "wall-clock time" : "the worker's CPU time");
	fprintf(out, "- kernel: %s\n", m->kernel);
	fprintf(out, "- CPU: %s × %ld; BPF JIT %d; spectre_v2: %s; SSB: %s\n", m->cpu, m->ncpu,
		m->bpf_jit, m->spectre_v2, m->ssb);
	fprintf(out, "- libseccomp %s, zlib %s; load average %.2f at the start, %.2f at the end\n",
		m->libseccomp, m->zlib, m->load_start[0], m->load_end[0]);

	fprintf(out, "\n### Targets\n\n| target | measured | limit | |\n|---|---|---|---|\n");
	for (int i = 0; i < nt; i++) {
		fmt_target_value(a, sizeof(a), t[i].measured, t[i].unit);
		fmt_target_value(b, sizeof(b), t[i].limit, t[i].unit);
		fprintf(out, "| %s | %s | ≤ %s | %s%s%s |\n", t[i].name, a, b,
			t[i].pass < 0 ? "n/a" : t[i].pass ? "met" : "MISSED",
			t[i].note[0] ? ": " : "", t[i].note);
	}
	if (stats_find("percall/none/getppid"))
		text_percall(out, z);
	if (stats_find("workload/none/ms"))
		text_workload(out, p);
	if (stats_find("violation/none/ns"))
		text_violation(out, p);
	if (stats_find("pledge/none/first_us"))
		text_latency(out);
	text_sizes(out, z);
}

/* ------------------------------------------------------------ JSON */

static struct {
	FILE *out;
	int depth;
	int first[16];
} js;

static void js_sep(void)
{
	if (!js.first[js.depth])
		fputc(',', js.out);
	js.first[js.depth] = 0;
	fprintf(js.out, "\n%*s", 2 * js.depth, "");
}

static void js_string(const char *s)
{
	fputc('"', js.out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(js.out, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(js.out, "\\u%04x", *c);
		else
			fputc(*c, js.out);
	}
	fputc('"', js.out);
}

static void js_key(const char *key)
{
	js_sep();
	if (key) {
		js_string(key);
		fputs(": ", js.out);
	}
}

static void js_open(const char *key, char bracket)
{
	js_key(key);
	fputc(bracket, js.out);
	js.first[++js.depth] = 1;
}

static void js_close(char bracket)
{
	js.depth--;
	fprintf(js.out, "\n%*s%c", 2 * js.depth, "", bracket);
}

static void js_num(const char *key, double v)
{
	js_key(key);
	if (isnan(v) || isinf(v))
		fputs("null", js.out);
	else
		fprintf(js.out, "%.6g", v);
}

static void js_str(const char *key, const char *v)
{
	js_key(key);
	js_string(v);
}

static void js_bool(const char *key, int v)
{
	js_key(key);
	fputs(v < 0 ? "null" : v ? "true" : "false", js.out);
}

/* {"median", "min", "max", "n"} of one series, null when absent. */
static void js_series(const char *key, const struct series *s)
{
	if (!s) {
		js_key(key);
		fputs("null", js.out);
		return;
	}
	js_open(key, '{');
	js_num("median", stats_median(s));
	js_num("min", stats_min(s));
	js_num("max", stats_max(s));
	js_num("n", s->n);
	js_close('}');
}

/* A setup's figures for one key: absolute, difference and ratio. */
static void js_paired(const char *kind, enum bench_setup s, const char *key)
{
	js_open(sname(s), '{');
	js_series("value", stats_find("%s/%s/%s", kind, sname(s), key));
	if (s != SETUP_NONE) {
		js_series("delta", stats_find("%s/%s/%s/d", kind, sname(s), key));
		js_series("ratio", stats_find("%s/%s/%s/r", kind, sname(s), key));
	}
	js_close('}');
}

void report_json(FILE *out, const struct bench_machine *m, const struct bench_params *p,
		 const struct bench_sizes *z)
{
	struct bench_target t[16];
	int nt = report_targets(z, t, 16);

	memset(&js, 0, sizeof(js));
	js.out = out;
	js.first[0] = 1;
	fputc('{', out);
	js.first[++js.depth] = 1;
	js_str("tool", "scopes-bench");
	js_num("schema", 1);
	js_str("command", p->command);
	js_open("machine", '{');
	js_str("date", m->date);
	js_str("kernel", m->kernel);
	js_str("cpu", m->cpu);
	js_num("ncpu", (double)m->ncpu);
	js_num("bpf_jit", m->bpf_jit);
	js_str("spectre_v2", m->spectre_v2);
	js_str("spec_store_bypass", m->ssb);
	js_str("libseccomp", m->libseccomp);
	js_str("zlib", m->zlib);
	js_num("load_start", m->load_start[0]);
	js_num("load_end", m->load_end[0]);
	js_close('}');
	js_open("params", '{');
	js_num("rounds", p->rounds);
	js_num("iters", (double)p->iters);
	js_num("batches", p->batches);
	js_num("cpu", p->cpu);
	js_str("clock", p->wall_clock ? "wall" : "thread-cpu");
	js_bool("quick", p->quick);
	js_num("seconds", p->seconds);
	js_num("workload_bytes", (double)p->workload_bytes);
	js_str("promises", BENCH_PROMISES);
	js_close('}');

	js_open("setups", '{');
	for (int s = 0; s < SETUP_COUNT; s++) {
		js_open(sname(s), '{');
		js_str("what", bench_setups[s].what);
		js_num("filters", bench_setups[s].filters);
		js_num("insns", (double)z->setup[s]);
		js_num("cached_syscalls", z->cached_total[s]);
		js_series("filters_seen", stats_find("percall/%s/filters", sname(s)));
		js_close('}');
	}
	js_close('}');

	js_open("percall_ns", '{');
	for (int op = 0; op < OP_COUNT; op++) {
		js_open(bench_ops[op].name, '{');
		js_bool("argument_checked", bench_ops[op].argcheck);
		js_open("cached", '{');
		js_bool(sname(SETUP_NONE), 1);
		for (int c = 0; c < NCOLS; c++)
			js_bool(sname(percall_cols[c]), z->cached[percall_cols[c]][op]);
		js_close('}');
		js_paired("percall", SETUP_NONE, bench_ops[op].name);
		for (int c = 0; c < NCOLS; c++)
			js_paired("percall", percall_cols[c], bench_ops[op].name);
		js_num("per_stacked_pledge", stack_slope(SETUP_PLEDGE1, SETUP_PLEDGE8, op));
		js_num("per_stacked_argfloor", stack_slope(SETUP_ARGFLOOR, SETUP_ARGFLOOR8, op));
		js_close('}');
	}
	js_close('}');

	js_open("workload_ms", '{');
	js_str("what", "zlib deflate level 6, 64 KiB reads, output to /dev/null");
	js_paired("workload", SETUP_NONE, "ms");
	for (size_t i = 0; i < sizeof(workload_cols) / sizeof(workload_cols[0]); i++)
		js_paired("workload", workload_cols[i], "ms");
	js_close('}');

	js_open("violation_ns", '{');
	js_str("what", "getpriority() per call: allowed without a filter, "
		       "refused under pledge(\"stdio\")");
	js_paired("violation", SETUP_NONE, "ns");
	for (size_t i = 0; i < sizeof(violation_cols) / sizeof(violation_cols[0]); i++)
		if (violation_cols[i] != SETUP_REPORT || p->have_report)
			js_paired("violation", violation_cols[i], "ns");
	js_close('}');

	js_open("latency_us", '{');
	for (size_t i = 0; i < sizeof(latency_rows) / sizeof(latency_rows[0]); i++) {
		js_open(latency_rows[i].json, '{');
		js_series("wall", stats_get(latency_rows[i].key));
		js_series("cpu", stats_find("%s_cpu", latency_rows[i].key));
		js_close('}');
	}
	for (size_t i = 0; i < sizeof(latency_ratios) / sizeof(latency_ratios[0]); i++)
		js_series(latency_ratios[i].json, stats_get(latency_ratios[i].key));
	js_close('}');

	js_open("filter_insns", '{');
	js_open("per_promise", '{');
	for (int i = 0; i < z->npromise && i < 64; i++)
		js_num(scopes_promise_name(i), (double)z->single[i]);
	js_close('}');
	js_num("full_set", (double)z->full);
	js_num("kernel_max", KERNEL_MAX_INSNS);
	js_num("stack8_path", 8.0 * (double)(z->full + 4));
	js_num("kernel_max_path", KERNEL_MAX_PATH_INSNS);
	js_close('}');

	js_open("targets", '[');
	for (int i = 0; i < nt; i++) {
		js_open(NULL, '{');
		js_str("name", t[i].name);
		js_str("unit", t[i].unit);
		js_num("measured", t[i].measured);
		js_num("limit", t[i].limit);
		js_bool("pass", t[i].pass);
		if (t[i].note[0])
			js_str("note", t[i].note);
		js_close('}');
	}
	js_close(']');
	js_close('}');
	fputc('\n', out);
}
