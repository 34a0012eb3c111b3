/* SPDX-License-Identifier: MIT */
/* The BPF generator (bpfgen.c): the promise table straight to a program. */
#ifndef SCOPES_BPFGEN_H
#define SCOPES_BPFGEN_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "table_internal.h"

/* A rule the caller adds to every program: allow nr when its conditions hold
 * (scopes_handler_allow). Not copied; read during the call only. */
struct bpfgen_extra {
	long nr;
	unsigned ncond;
	const struct scopes_cond *cond;
};

/*
 * The program for the held set on arch (an AUDIT_ARCH_* the table resolves):
 * another arch, and x32 numbers on x86_64, are killed; each granted row
 * allows its call (ALWAYS, granted GRANT rows, path-scoped ones only with
 * landlock), ENOSYS rows answer ERRNO(ENOSYS), granted FAIL rows their
 * errnum, an allow row winning over the others; everything else answers
 * default_action. Calls granted without conditions reach their RET reading
 * nothing but the number and the arch (the kernel's constant-action cache).
 * SCOPES_VALUE_SELF_PID stands as the k of a JEQ on the argument's low word.
 * On success *insns (malloc'd, the caller frees) and *count are set.
 * Returns 0 or -errno: ENOMEM, E2BIG (over BPF_MAXINSNS), EINVAL (arch).
 * scopes_table_init() must have succeeded. Thread-safe.
 */
int bpfgen_build(scopes_set_t set, uint32_t default_action, int landlock, uint32_t arch,
		 const struct bpfgen_extra *extra, unsigned nextra, struct sock_filter **insns,
		 size_t *count) SCOPES_HIDDEN;

#endif
