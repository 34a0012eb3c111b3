/* SPDX-License-Identifier: MIT */
/* The syscall numbers resolved at build time (gen/gen-syscalls.c writes
 * syscall_tables.c). */
#ifndef SCOPES_TABLE_GEN_H
#define SCOPES_TABLE_GEN_H

#include "table_internal.h"

#define SCOPES_GEN_NR_MAX 512
/* rows when generated: scopes_table_init refuses a table that differs */
extern const size_t scopes_gen_rows_count SCOPES_HIDDEN;
/* number of row i per arch index, -1 where the arch has no such call */
extern const short *const scopes_gen_row_nr[SCOPES_AI_COUNT] SCOPES_HIDDEN;
/* name of each number below SCOPES_GEN_NR_MAX, NULL where none */
extern const char *const scopes_gen_names[SCOPES_AI_COUNT][SCOPES_GEN_NR_MAX] SCOPES_HIDDEN;

#endif
