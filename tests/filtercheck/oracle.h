/* SPDX-License-Identifier: MIT */
/*
 * The oracle (issue 16): the promise table's rows for a set compiled by
 * libseccomp (EQ and MASKED_EQ only, as KERNEL-NOTES.md allows), the way
 * libscopes built its filters before it had its own generator. The checker
 * proves that libscopes' program decides every case as this one does.
 */
#ifndef SCOPES_FILTERCHECK_ORACLE_H
#define SCOPES_FILTERCHECK_ORACLE_H

#include <linux/filter.h>
#include <stddef.h>

#include <scopes.h>
#include <scopes/table.h>

/* libseccomp's program for set under penalty on the native arch; landlock:
 * path-scoped grants compiled in. *prog is malloc'd (the caller frees).
 * Returns 0, or -1 with errno. scopes_table_init() must have run. */
int oracle_build(scopes_set_t set, enum scopes_penalty penalty, int landlock,
		 struct sock_filter **prog, size_t *count);

#endif
