/* SPDX-License-Identifier: MIT */
/*
 * The live tier: the same model, checked against the kernel itself, so that
 * the interpreter is checked too. A forked child applies the compiled filter
 * and makes raw system calls with harmless arguments (invalid descriptors,
 * NULL pointers: an allowed call fails with EBADF/EFAULT/EINVAL and a denied
 * one with the penalty), and the parent compares what came back with the
 * interpreter's answer for the same program and arguments.
 */
#ifndef SCOPES_FILTERCHECK_LIVE_H
#define SCOPES_FILTERCHECK_LIVE_H

#include <linux/filter.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

struct live_stats {
	const char *skipped;	 /* why the live tier did not run, or NULL */
	int i386_door;		 /* int 0x80 reaches the kernel here */
	uint64_t calls;		 /* kinds of calls in the catalogue */
	uint64_t runs;		 /* (set, penalty) runs in a filtered child */
	uint64_t cases;		 /* system calls made under a filter and compared */
	uint64_t distinguishing; /* ... whose allowed and denied outcomes differ */
	uint64_t kills;		 /* children expected to die by SIGSYS, or not */
	uint64_t diffs;		 /* the kernel disagreed with the interpreter */
};

/* Build the catalogue's cases and record their unfiltered outcomes (in a
 * child). Returns 0, or -1 when the live tier cannot run (ls->skipped). */
int live_init(uint64_t seed, struct live_stats *ls, FILE *out);

/* Run the compiled filter f (m models it as compiled) in the kernel: the
 * shared cases under TRAP, ERRNO (and `error`), single fatal cases under
 * KILL, and the foreign ABIs under every penalty but LOG. */
void live_run(const struct scopes_filter *f, const struct model *m, struct live_stats *ls,
	      FILE *out);

/* The same for a bare program (the oracle's, oracle.h), attached with
 * prctl(NO_NEW_PRIVS) and seccomp() in the child, the pid placeholder bound. */
void live_run_program(const struct sock_filter *prog, size_t count, const struct model *m,
		      struct live_stats *ls, FILE *out);

void live_print(const struct live_stats *ls, FILE *out);

#endif
