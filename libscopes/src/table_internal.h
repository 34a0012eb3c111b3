/* SPDX-License-Identifier: MIT */
/* The table's data, shared by the modules of libscopes (never installed). */
#ifndef SCOPES_TABLE_INTERNAL_H
#define SCOPES_TABLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "scopes/table.h"
#include "promises.h"

#define SCOPES_HIDDEN __attribute__((visibility("hidden")))
#define SCOPES_EXPORT __attribute__((visibility("default")))

struct scopes_promise_info {
	const char *name;
	unsigned flags;
	const char *const *paths;
	const char *summary;
};

extern const struct scopes_promise_info scopes_promise_table[SCOPES_P_COUNT] SCOPES_HIDDEN;
extern const struct scopes_row scopes_rows[] SCOPES_HIDDEN;
extern const size_t scopes_rows_count SCOPES_HIDDEN;

/* The archs the table resolves, in this order. */
enum scopes_arch_idx { SCOPES_AI_X86_64, SCOPES_AI_AARCH64, SCOPES_AI_I386, SCOPES_AI_COUNT };
int table_arch_index(uint32_t arch) SCOPES_HIDDEN;
/* Number of row i on arch index ai, or -1 where that arch has no such call.
 * Valid after scopes_table_init(). */
long table_row_nr(int ai, size_t i) SCOPES_HIDDEN;
/* Does the held set grant this GRANT/FAIL row? landlock: path-scoped grants
 * are in force (Landlock is available and will be applied). */
int table_row_granted(const struct scopes_row *row, scopes_set_t held, int landlock) SCOPES_HIDDEN;
/* Do args satisfy every condition of the row? */
int table_row_matches(const struct scopes_row *row, const uint64_t args[6], long self_pid) SCOPES_HIDDEN;

#endif
