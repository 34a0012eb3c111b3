/* SPDX-License-Identifier: MIT */
/*
 * scopes-bench: what a pledge costs, next to no filter and next to the other
 * ways of building a seccomp filter.
 *
 * One binary plays two roles. The driver (main.c) decides the schedule and
 * does the statistics; every measurement runs in a worker, a fresh process
 * (fork + exec of the same binary), because a seccomp filter can never be
 * removed from a process. Workers report "key value" lines on a pipe.
 */
#ifndef SCOPES_BENCH_H
#define SCOPES_BENCH_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ------------------------------------------------------------ filter setups */

/* What a worker installs before it measures. */
enum bench_setup {
	SETUP_NONE,      /* no filter: the reference */
	SETUP_ONERULE,   /* default allow and one rule: the constant-action cache floor */
	SETUP_ARGFLOOR,  /* default allow, one never-matching argument rule on each
			  * call the pledge checks: the least any argument check
			  * costs (and on getppid and read: a cache miss) */
	SETUP_ARGFLOOR8, /* 8 of those stacked: the kernel's cost per filter */
	SETUP_PLEDGE1,   /* scopes_pledge("stdio rpath") */
	SETUP_PLEDGE2,   /* the last 2, 4, 8 pledges of a narrowing chain ending */
	SETUP_PLEDGE4,   /* with "stdio rpath" */
	SETUP_PLEDGE8,
	SETUP_NAIVE,     /* the same rows, libseccomp without its binary tree */
	SETUP_DOCKER,    /* a Docker-style allow list of about 300 syscalls */
	SETUP_ERRNO,     /* pledge("stdio") with SCOPES_PENALTY_ERRNO (violation path) */
	SETUP_TRAP,      /* pledge("stdio") with TRAP and a bare SIGSYS handler */
	SETUP_REPORT,    /* pledge("stdio") with TRAP and libscopes-sigsys reporting */
	SETUP_COUNT
};

struct bench_setup_info {
	const char *name;   /* used on the command line, in keys and in JSON */
	const char *label;  /* column heading */
	const char *what;   /* one line for the README and --help */
	int filters;        /* filters the worker's process holds afterwards */
};
extern const struct bench_setup_info bench_setups[SETUP_COUNT];

/* The promise set the per-call measurements pledge, and the chain of
 * narrowing pledges whose last 2, 4 or 8 are stacked. */
#define BENCH_PROMISES "stdio rpath"
#define BENCH_CHAIN_LEN 8
extern const char *const bench_chain[BENCH_CHAIN_LEN];
/* Number of pledges of the chain a setup stacks (0 when it is no pledge). */
int bench_setup_stack(enum bench_setup s);

/* ------------------------------------------------------------ filters.c */

/* The BPF programs a setup installs, first to last (at most BENCH_CHAIN_LEN).
 * Returns the number of programs, or -1 with a message on stderr. Free each
 * program with free(). */
int filters_programs(enum bench_setup s, struct sock_filter **prog, size_t *len);
/* Install an alternative (libseccomp-built) setup in this process: ONERULE,
 * ARGFLOOR, ARGFLOOR8, NAIVE or DOCKER. Returns 0 or -1 with a message on stderr. */
int filters_install_alternative(enum bench_setup s);
/* Would the kernel's constant-action cache answer nr on arch with ALLOW for
 * this program? (The kernel emulates each filter once at attach time with
 * only the number and arch known; a path that loads an argument is a miss.) */
int filters_const_allow(const struct sock_filter *prog, size_t len, uint32_t arch, int nr);
/* Instruction count of the compiled filter for a promise string, or -1. */
long filters_pledge_insns(const char *promises);
/* Number of names in the Docker-style list, and how many the native arch
 * resolves. */
size_t docker_names_count(void);
const char *docker_name(size_t i);

/* ------------------------------------------------------------ worker.c */

/* The per-call operations measured in every setup. */
enum bench_op {
	OP_GETPPID,
	OP_READ1,
	OP_OPENAT_CLOSE,
	OP_MMAP_MUNMAP,
	OP_FCNTL_GETFL,
	OP_IOCTL_FIONREAD,
	OP_COUNT
};
struct bench_op_info {
	const char *name;
	const char *label;
	int argcheck;        /* argument-checked under "stdio rpath" (per the table) */
	const char *sys[2];  /* the syscalls it makes */
};
extern const struct bench_op_info bench_ops[OP_COUNT];

/* What a worker does (the first argument after --worker). */
struct worker_args {
	const char *kind;    /* percall, workload, violation, pledge, compile, apply */
	enum bench_setup setup;
	int out_fd;
	int cpu;             /* -1: not pinned */
	long iters;          /* per batch (per-call), per sample (others) */
	int batches;
	int wall_clock;      /* time batches by the wall clock, not CPU time */
	const char *input;   /* workload: the file to compress */
};
int worker_main(const struct worker_args *a);
/* Write "key value\n" to the worker's output. */
void worker_put(int fd, const char *key, double value);

/* ------------------------------------------------------------ stats.c */

struct series {
	char key[80];
	int n, cap;
	double *v;
};
struct series *stats_get(const char *key);         /* NULL if absent */
void stats_add(const char *key, double value);
double stats_median(const struct series *s);       /* NaN when empty */
double stats_min(const struct series *s);
double stats_max(const struct series *s);
/* Median of the series named by a printf format, NaN when absent. */
double stats_median_of(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const struct series *stats_find(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ------------------------------------------------------------ report.c */

struct bench_machine {
	char kernel[512];
	char cpu[128];
	long ncpu;
	int bpf_jit;
	char ssb[128];
	char spectre_v2[160];
	char libseccomp[32];
	char zlib[32];
	char date[32];
	double load_start[3], load_end[3];
};

struct bench_params {
	int rounds;
	long iters;
	int batches;
	int cpu;
	int wall_clock;
	int quick;
	int have_report;     /* libscopes-sigsys measured */
	char command[512];
	double seconds;      /* wall time of the whole run */
	long workload_bytes;
};

struct bench_sizes {
	int npromise;
	long single[64];     /* per promise, in scopes_promise_name order */
	long full;           /* all promises */
	long setup[SETUP_COUNT]; /* total instructions a setup installs */
	int cached[SETUP_COUNT][OP_COUNT]; /* all the op's syscalls cached */
	int cached_total[SETUP_COUNT];     /* native syscalls the cache allows */
};

void report_text(FILE *out, const struct bench_machine *m, const struct bench_params *p,
		 const struct bench_sizes *z);
void report_json(FILE *out, const struct bench_machine *m, const struct bench_params *p,
		 const struct bench_sizes *z);
/* The targets, evaluated once; report_* print them. */
struct bench_target {
	const char *name;
	const char *unit;
	double measured;
	double limit;
	int pass;            /* 1, 0, or -1 when not measured */
	char note[160];
};
int report_targets(const struct bench_sizes *z, struct bench_target *t, int max);

#endif
