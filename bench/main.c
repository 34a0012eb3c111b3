/* SPDX-License-Identifier: MIT */
/*
 * scopes-bench — what a pledge costs.
 *
 *   scopes-bench [--rounds N] [--iters N] [--batches N] [--cpu N|-1]
 *                [--workload-mib N] [--only LIST] [--wall-clock] [--quick]
 *                [--json[=FILE]]
 *
 * The driver: it runs every measurement in a fresh worker process, alternating
 * a run under no filter with a run under each setup (none, A, none, B, none,
 * ..., the order reversed every other round), pairs each run with the mean of
 * its two neighbouring no-filter runs, and reports medians and ranges over the
 * rounds. With --json the figures go out as JSON (to stdout, or to FILE with
 * the table on stdout).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <scopes.h>
#include <scopes/table.h>

#include "bench.h"

#define WORKER_FD 3
#define MAX_KEYS 16

struct result {
	int n;
	char key[MAX_KEYS][32];
	double v[MAX_KEYS];
};

static struct {
	const char *self;
	char input[64];          /* the workload's input file */
	int cpu;
	int wall_clock;
	const char *only;
} drv = { .cpu = -1 };

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void parse_result(char *text, struct result *r)
{
	r->n = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *sp = strchr(line, ' ');
		if (!sp || r->n == MAX_KEYS)
			continue;
		*sp = 0;
		snprintf(r->key[r->n], sizeof(r->key[0]), "%s", line);
		r->v[r->n++] = strtod(sp + 1, NULL);
	}
}

/* Run one worker to completion; any failure of it ends the bench. */
static void run_worker(const char *kind, enum bench_setup s, long iters, int batches,
		       struct result *r)
{
	char cpu[16], it[32], nb[16], fdn[8];
	char buf[4096];
	int p[2];

	snprintf(cpu, sizeof(cpu), "%d", drv.cpu);
	snprintf(it, sizeof(it), "%ld", iters);
	snprintf(nb, sizeof(nb), "%d", batches);
	snprintf(fdn, sizeof(fdn), "%d", WORKER_FD);
	if (pipe2(p, O_CLOEXEC) != 0) {
		perror("scopes-bench: pipe2");
		exit(1);
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("scopes-bench: fork");
		exit(1);
	}
	if (pid == 0) {
		if (dup2(p[1], WORKER_FD) < 0)
			_exit(127);
		char *argv[] = { (char *)drv.self, "--worker", (char *)kind,
				 (char *)bench_setups[s].name, fdn, cpu, it, nb,
				 drv.wall_clock ? "wall" : "cpu", drv.input[0] ? drv.input : "-",
				 NULL };
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(p[1]);
	size_t got = 0;
	for (;;) {
		ssize_t n = read(p[0], buf + got, sizeof(buf) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (WIFSIGNALED(st))
			fprintf(stderr, "scopes-bench: the %s/%s worker died of signal %d\n", kind,
				bench_setups[s].name, WTERMSIG(st));
		else
			fprintf(stderr, "scopes-bench: the %s/%s worker failed (status %d)\n", kind,
				bench_setups[s].name, WEXITSTATUS(st));
		exit(1);
	}
	parse_result(buf, r);
}

static void record(const char *kind, enum bench_setup s, const struct result *r)
{
	char key[80];
	for (int i = 0; i < r->n; i++) {
		snprintf(key, sizeof(key), "%s/%s/%s", kind, bench_setups[s].name, r->key[i]);
		stats_add(key, r->v[i]);
	}
}

static double lookup(const struct result *r, const char *key)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->key[i], key) == 0)
			return r->v[i];
	return NAN;
}

/* Record run r of setup s against the mean of the no-filter runs on either
 * side: "KIND/SETUP/KEY/d" is the difference, ".../r" the ratio. */
static void record_paired(const char *kind, enum bench_setup s, const struct result *r,
			  const struct result *before, const struct result *after)
{
	char key[80];

	record(kind, s, r);
	for (int i = 0; i < r->n; i++) {
		double base = (lookup(before, r->key[i]) + lookup(after, r->key[i])) / 2;
		if (isnan(base) || strcmp(r->key[i], "filters") == 0)
			continue;
		snprintf(key, sizeof(key), "%s/%s/%s/d", kind, bench_setups[s].name, r->key[i]);
		stats_add(key, r->v[i] - base);
		snprintf(key, sizeof(key), "%s/%s/%s/r", kind, bench_setups[s].name, r->key[i]);
		stats_add(key, r->v[i] / base);
	}
}

/* none, s1, none, s2, ..., sk, none — reversed on odd rounds. */
static void run_paired(const char *kind, const enum bench_setup *setups, int k, int round,
		       long iters, int batches, long report_iters)
{
	struct result before, after, r;

	run_worker(kind, SETUP_NONE, iters, batches, &before);
	record(kind, SETUP_NONE, &before);
	for (int j = 0; j < k; j++) {
		enum bench_setup s = setups[round % 2 ? k - 1 - j : j];
		run_worker(kind, s, s == SETUP_REPORT ? report_iters : iters, batches, &r);
		run_worker(kind, SETUP_NONE, iters, batches, &after);
		record(kind, SETUP_NONE, &after);
		record_paired(kind, s, &r, &before, &after);
		before = after;
	}
}

static int selected(const char *part)
{
	if (!drv.only)
		return 1;
	size_t n = strlen(part);
	for (const char *p = drv.only; (p = strstr(p, part)); p += n)
		if ((p == drv.only || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
			return 1;
	return 0;
}

/* ------------------------------------------------------------ the input */

/* Text-like data, deterministic: words of a small vocabulary picked by an
 * LCG, so that zlib has real work (about 3:1) and every run gets the same. */
static int make_input(long bytes)
{
	static const char *const words[] = {
		"seccomp", "filter", "pledge", "promise", "stdio", "rpath", "kernel", "the",
		"of", "a", "process", "syscall", "argument", "allow", "deny", "trap",
		"report", "landlock", "unveil", "table", "bench", "cache", "thread", "signal",
	};
	char buf[1 << 16];
	uint64_t x = 0x2545f4914f6cdd1dULL;
	size_t used = 0;

	snprintf(drv.input, sizeof(drv.input), "/tmp/scopes-bench-input-XXXXXX");
	int fd = mkstemp(drv.input);
	if (fd < 0)
		return -1;
	for (long done = 0; done < bytes;) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		const char *w = words[(x >> 33) % (sizeof(words) / sizeof(words[0]))];
		size_t wl = strlen(w);
		if (used + wl + 1 > sizeof(buf) || done + (long)(used + wl + 1) > bytes) {
			if (write(fd, buf, used) != (ssize_t)used)
				break;
			done += (long)used;
			used = 0;
			if (done + (long)wl + 1 > bytes)
				break;
		}
		memcpy(buf + used, w, wl);
		used += wl;
		buf[used++] = (x >> 20) % 11 ? ' ' : '\n';
	}
	close(fd);
	return 0;
}

/* ------------------------------------------------------------ the machine */

static void read_line(const char *path, const char *prefix, char *out, size_t size)
{
	char line[512];
	FILE *f = fopen(path, "re");

	snprintf(out, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (prefix && strncmp(line, prefix, strlen(prefix)) != 0)
			continue;
		char *v = prefix ? strchr(line, ':') : line;
		v = v ? v + (prefix ? 1 : 0) : line;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = 0;
		snprintf(out, size, "%s", v);
		break;
	}
	fclose(f);
}

static void machine_load(double load[3])
{
	if (getloadavg(load, 3) != 3)
		load[0] = load[1] = load[2] = NAN;
}

static void machine_info(struct bench_machine *m)
{
	struct utsname u;
	char jit[16];
	const struct scmp_version *v = seccomp_version();
	time_t t = time(NULL);

	memset(m, 0, sizeof(*m));
	if (uname(&u) == 0)
		snprintf(m->kernel, sizeof(m->kernel), "%s %s %s %s", u.sysname, u.release,
			 u.version, u.machine);
	read_line("/proc/cpuinfo", "model name", m->cpu, sizeof(m->cpu));
	m->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	read_line("/proc/sys/net/core/bpf_jit_enable", NULL, jit, sizeof(jit));
	m->bpf_jit = atoi(jit);
	read_line("/sys/devices/system/cpu/vulnerabilities/spec_store_bypass", NULL, m->ssb,
		  sizeof(m->ssb));
	read_line("/sys/devices/system/cpu/vulnerabilities/spectre_v2", NULL, m->spectre_v2,
		  sizeof(m->spectre_v2));
	snprintf(m->libseccomp, sizeof(m->libseccomp), "%u.%u.%u", v->major, v->minor, v->micro);
	snprintf(m->zlib, sizeof(m->zlib), "%s", zlibVersion());
	strftime(m->date, sizeof(m->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	machine_load(m->load_start);
}

/* ------------------------------------------------------------ sizes */

static void sizes(struct bench_sizes *z)
{
	uint32_t arch = scopes_native_arch();

	memset(z, 0, sizeof(*z));
	z->npromise = scopes_promise_count();
	for (int i = 0; i < z->npromise && i < 64; i++)
		z->single[i] = filters_pledge_insns(scopes_promise_name(i));
	scopes_set_t full = 0;
	char all[1024];
	for (int i = 0; i < z->npromise; i++)
		full |= (scopes_set_t)1 << i;
	scopes_promises_format(full, all, sizeof(all));
	z->full = filters_pledge_insns(all);

	for (int s = 0; s < SETUP_COUNT; s++) {
		struct sock_filter *prog[BENCH_CHAIN_LEN];
		size_t len[BENCH_CHAIN_LEN];
		int n = filters_programs((enum bench_setup)s, prog, len);
		if (n < 0) {
			z->setup[s] = -1;
			continue;
		}
		for (int i = 0; i < n; i++)
			z->setup[s] += (long)len[i];
		/* The kernel ANDs each filter's cache with the one below it. */
		for (long nr = 0; nr < 1024; nr++) {
			if (!scopes_syscall_name(arch, nr))
				continue;
			int all_allow = 1;
			for (int i = 0; i < n && all_allow; i++)
				all_allow = filters_const_allow(prog[i], len[i], arch, (int)nr);
			z->cached_total[s] += all_allow;
		}
		for (int op = 0; op < OP_COUNT; op++) {
			int all_allow = 1;
			for (int c = 0; c < 2 && bench_ops[op].sys[c]; c++) {
				long nr = scopes_syscall_number(arch, bench_ops[op].sys[c]);
				for (int i = 0; i < n && all_allow; i++)
					all_allow = filters_const_allow(prog[i], len[i], arch,
									(int)nr);
			}
			z->cached[s][op] = all_allow;
		}
		for (int i = 0; i < n; i++)
			free(prog[i]);
	}
}

/* ------------------------------------------------------------ main */

static void usage(FILE *f, int status)
{
	fprintf(f,
		"usage: scopes-bench [--rounds N] [--iters N] [--batches N] [--cpu N|-1]\n"
		"                    [--workload-mib N] [--only LIST] [--quick] [--json[=FILE]]\n"
		"  --rounds N       alternating rounds (default 15)\n"
		"  --iters N        calls per batch for the cheap calls (default 2000)\n"
		"  --batches N      batches per worker; it reports their median (default 25)\n"
		"  --wall-clock     time batches by the wall clock (default: CPU time)\n"
		"  --cpu N          pin the workers to CPU N; -1 leaves them free (default -1)\n"
		"  --workload-mib N size of the zlib workload's input (default 4)\n"
		"  --only LIST      comma-separated: percall,workload,violation,latency,size\n"
		"  --quick          one round, few iterations: checks that it runs (CI)\n"
		"  --json[=FILE]    the figures as JSON, on stdout or in FILE\n");
	exit(status);
}

static int worker_entry(int argc, char **argv)
{
	struct worker_args a = { 0 };

	if (argc != 10)
		return 2;
	a.kind = argv[2];
	a.setup = SETUP_COUNT;
	for (int s = 0; s < SETUP_COUNT; s++)
		if (strcmp(argv[3], bench_setups[s].name) == 0)
			a.setup = (enum bench_setup)s;
	if (a.setup == SETUP_COUNT)
		return 2;
	a.out_fd = atoi(argv[4]);
	a.cpu = atoi(argv[5]);
	a.iters = atol(argv[6]);
	a.batches = atoi(argv[7]);
	a.wall_clock = strcmp(argv[8], "wall") == 0;
	a.input = argv[9];
	return worker_main(&a);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "iters", required_argument, NULL, 'i' },
		{ "batches", required_argument, NULL, 'b' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "workload-mib", required_argument, NULL, 'w' },
		{ "only", required_argument, NULL, 'o' },
		{ "wall-clock", no_argument, NULL, 'W' },
		{ "quick", no_argument, NULL, 'q' },
		{ "json", optional_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_params p = { .rounds = 15, .iters = 2000, .batches = 25, .cpu = -1 };
	struct bench_machine m;
	struct bench_sizes z;
	const char *json = NULL;
	long mib = 4;
	int c, rounds_set = 0, iters_set = 0, batches_set = 0, mib_set = 0;

	if (argc > 1 && strcmp(argv[1], "--worker") == 0)
		return worker_entry(argc, argv);
	drv.self = argv[0];
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			p.rounds = atoi(optarg);
			rounds_set = 1;
			break;
		case 'i':
			p.iters = atol(optarg);
			iters_set = 1;
			break;
		case 'b':
			p.batches = atoi(optarg);
			batches_set = 1;
			break;
		case 'c':
			p.cpu = atoi(optarg);
			break;
		case 'w':
			mib = atol(optarg);
			mib_set = 1;
			break;
		case 'o':
			drv.only = optarg;
			break;
		case 'q':
			p.quick = 1;
			break;
		case 'W':
			p.wall_clock = 1;
			break;
		case 'j':
			json = optarg ? optarg : "-";
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
	if (p.quick) {
		p.rounds = rounds_set ? p.rounds : 1;
		p.iters = iters_set ? p.iters : 200;
		p.batches = batches_set ? p.batches : 3;
		mib = mib_set ? mib : 1;
	}
	if (p.rounds < 1 || p.iters < 1 || p.batches < 1 || mib < 1 || p.cpu < -1) {
		fprintf(stderr, "scopes-bench: rounds, iters, batches and the size must be >= 1\n");
		return 2;
	}
	drv.cpu = p.cpu;
	drv.wall_clock = p.wall_clock;
	unsetenv("SCOPES_PENALTY");
	size_t off = 0;
	for (int i = 0; i < argc && off < sizeof(p.command); i++)
		off += (size_t)snprintf(p.command + off, sizeof(p.command) - off, "%s%s",
					i ? " " : "", i ? argv[i] : "scopes-bench");
	if (scopes_table_init() != 0) {
		perror("scopes-bench: scopes_table_init");
		return 1;
	}
#ifdef SCOPES_BENCH_SIGSYS
	p.have_report = 1;
#endif
	machine_info(&m);
	double t0 = now_s();
	p.workload_bytes = mib << 20;
	if (selected("workload") && make_input(p.workload_bytes) != 0) {
		perror("scopes-bench: the workload's input");
		return 1;
	}

	static const enum bench_setup percall[] = { SETUP_ONERULE, SETUP_ARGFLOOR, SETUP_ARGFLOOR8,
						    SETUP_PLEDGE1,
						    SETUP_PLEDGE2, SETUP_PLEDGE4, SETUP_PLEDGE8,
						    SETUP_NAIVE,   SETUP_DOCKER };
	static const enum bench_setup workload[] = { SETUP_PLEDGE1, SETUP_NAIVE, SETUP_DOCKER };
	enum bench_setup violation[3] = { SETUP_ERRNO, SETUP_TRAP, SETUP_REPORT };
	int nviolation = p.have_report ? 3 : 2;
	long viol_iters = p.quick ? 20 : 400;
	int lat_batches = p.quick ? 2 : 10;

	for (int r = 0; r < p.rounds; r++) {
		if (!p.quick)
			fprintf(stderr, "scopes-bench: round %d/%d\n", r + 1, p.rounds);
		if (selected("percall"))
			run_paired("percall", percall, sizeof(percall) / sizeof(percall[0]), r,
				   p.iters, p.batches, 0);
		if (selected("workload"))
			run_paired("workload", workload, sizeof(workload) / sizeof(workload[0]), r,
				   1, 1, 0);
		if (selected("violation"))
			run_paired("violation", violation, nviolation, r, viol_iters, p.batches,
				   viol_iters / 10 ? viol_iters / 10 : 1);
		if (selected("latency")) {
			static const char *const first[3] = { "pledge", "rawattach",
							      "floorattach" };
			struct result res, one[3];
			/* the first pledge and its two floors (the raw attach of its
			 * program, and every kernel call it makes made directly),
			 * fresh processes, the order rotated every round */
			for (int k = 0; k < 3; k++)
				run_worker(first[(r + k) % 3], SETUP_NONE, 1, 1, &one[(r + k) % 3]);
			for (int k = 0; k < 3; k++)
				record(first[k], SETUP_NONE, &one[k]);
			double pl = lookup(&one[0], "first_us_cpu");
			double raw = lookup(&one[1], "first_us_cpu");
			double fl = lookup(&one[2], "first_us_cpu");
			stats_add("pledge/none/over_raw", pl / raw);
			stats_add("pledge/none/over_floor", pl / fl);
			stats_add("floorattach/none/over_raw", fl / raw);
			run_worker("compile", SETUP_NONE, 1, lat_batches, &res);
			record("compile", SETUP_NONE, &res);
			run_worker("apply", SETUP_NONE, 1, lat_batches, &res);
			record("apply", SETUP_NONE, &res);
		}
	}
	if (drv.input[0])
		unlink(drv.input);
	sizes(&z);
	p.seconds = now_s() - t0;
	machine_load(m.load_end);

	FILE *jf = NULL;
	if (json && strcmp(json, "-") != 0) {
		jf = fopen(json, "we");
		if (!jf) {
			perror(json);
			return 1;
		}
	}
	if (json && !jf) {
		report_json(stdout, &m, &p, &z);
	} else {
		report_text(stdout, &m, &p, &z);
		if (jf) {
			report_json(jf, &m, &p, &z);
			if (fclose(jf) != 0) {
				perror(json);
				return 1;
			}
		}
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
