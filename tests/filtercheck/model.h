/* SPDX-License-Identifier: MIT */
/*
 * An independent model of what a filter built from the promise table must
 * answer. It reads the rows through <scopes/table.h> (scopes_row_get,
 * scopes_syscall_number) and re-derives their meaning from the header's and
 * docs/promises.md's words; it never calls the library's own evaluation
 * (table_row_granted, table_row_matches, scopes_query).
 */
#ifndef SCOPES_FILTERCHECK_MODEL_H
#define SCOPES_FILTERCHECK_MODEL_H

#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

#include <scopes.h>
#include <scopes/table.h>

/* Syscall numbers the model (and the library's name table) covers. */
#define MODEL_NR_MAX 1024

struct model_entry {
	uint32_t action; /* SECCOMP_RET_* with data */
	const struct scopes_row *row;
};

struct model {
	scopes_set_t set;
	enum scopes_penalty penalty;
	int landlock;			  /* path-scoped grants compiled in */
	uint32_t arch;			  /* the arch the filter is built for */
	uint32_t deflt;			  /* the answer to everything not granted */
	uint64_t self_pid;		  /* what SCOPES_VALUE_SELF_PID conditions compare with */
	unsigned start[MODEL_NR_MAX + 1]; /* entries of nr: entry[start[nr]..start[nr+1]) */
	struct model_entry *entry;
};

/* An answer: the one the model expects, and a second one it accepts as
 * equally right (SECCOMP_RET_KILL_PROCESS where the spec allows "kill" as
 * well as "deny"; equal to want otherwise). */
struct model_answer {
	uint32_t want;
	uint32_t also;
	int overlap; /* rows with different actions match: a table bug */
};

/*
 * Build the model of the filter for `set` under `penalty`. landlock says
 * whether path-scoped grants are compiled in (read from the compiled filter;
 * model_landlock_expected() says when that is allowed). self_pid is
 * SCOPES_VALUE_SELF_PID for a program as compiled, the pid for one applied.
 * Returns 0 or -1 (ENOMEM). scopes_table_init() must have run.
 */
int model_init(struct model *m, scopes_set_t set, enum scopes_penalty penalty, int landlock,
	       uint64_t self_pid);
void model_free(struct model *m);

/* The answer for one call. */
struct model_answer model_eval(const struct model *m, const struct seccomp_data *d);

/* 1 when syscall nr (native arch) is allowed whatever its arguments: an
 * unconditional grant is active (the kernel's cache should serve it). */
int model_always_allowed(const struct model *m, int nr);

/* The penalty answer for a set, from docs/promises.md. */
uint32_t model_default_action(scopes_set_t set, enum scopes_penalty penalty);

/* 1 when the set holds a path-scoped promise (only then may a filter
 * compile path-scoped grants in). */
int model_needs_landlock(scopes_set_t set);

/* The bit of a promise by name, 0 if the table has no such promise. */
scopes_set_t model_promise_bit(const char *name);

/* Name an answer ("ALLOW", "ERRNO(1)", "KILL_PROCESS", ...) into buf. */
const char *model_action_str(uint32_t action, char *buf, size_t size);

#endif
