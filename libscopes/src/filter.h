/* SPDX-License-Identifier: MIT */
/* The filter builder (filter.c). */
#ifndef SCOPES_FILTER_H
#define SCOPES_FILTER_H

#include <linux/filter.h>
#include <stddef.h>

#include "scopes.h"
#include "table_internal.h"

struct scopes_filter {
	scopes_set_t set;
	enum scopes_penalty penalty;
	int landlock;             /* path-scoped grants compiled in */
	struct sock_filter *insns;
	size_t count;
	size_t *pid_slots;        /* instructions comparing with the pid placeholder */
	size_t npid_slots;
};

/* Build the program for set under penalty. Returns 0 or -errno (ENOMEM,
 * ECANCELED, E2BIG, EMFILE). */
int filter_build(scopes_set_t set, enum scopes_penalty penalty, int landlock,
		 struct scopes_filter **out) SCOPES_HIDDEN;
/* Copy f's program into dst (room for f->count) with the pid bound. */
void filter_copy_bound(const struct scopes_filter *f, struct sock_filter *dst, long pid) SCOPES_HIDDEN;
void filter_free(struct scopes_filter *f) SCOPES_HIDDEN;
/* The unveil guard (table_internal.h, scopes_unveil_guard) as a program for
 * the native arch: at most FILTER_GUARD_MAX instructions. Returns the count
 * or -errno (E2BIG). */
#define FILTER_GUARD_MAX 128
int filter_unveil_guard(struct sock_filter *out, size_t max) SCOPES_HIDDEN;
uint32_t filter_penalty_action(enum scopes_penalty penalty, scopes_set_t set) SCOPES_HIDDEN;

#endif
