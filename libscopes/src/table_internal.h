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

/*
 * Landlock file-system access rights, bit for bit as the kernel's ABI defines
 * them (<linux/landlock.h>). Spelled out here because Debian 12's header stops
 * at ABI 1; the ABI that introduced each right is noted.
 */
#define SCOPES_FS_EXECUTE     (1ULL << 0)
#define SCOPES_FS_WRITE_FILE  (1ULL << 1)
#define SCOPES_FS_READ_FILE   (1ULL << 2)
#define SCOPES_FS_READ_DIR    (1ULL << 3)
#define SCOPES_FS_REMOVE_DIR  (1ULL << 4)
#define SCOPES_FS_REMOVE_FILE (1ULL << 5)
#define SCOPES_FS_MAKE_CHAR   (1ULL << 6)
#define SCOPES_FS_MAKE_DIR    (1ULL << 7)
#define SCOPES_FS_MAKE_REG    (1ULL << 8)
#define SCOPES_FS_MAKE_SOCK   (1ULL << 9)
#define SCOPES_FS_MAKE_FIFO   (1ULL << 10)
#define SCOPES_FS_MAKE_BLOCK  (1ULL << 11)
#define SCOPES_FS_MAKE_SYM    (1ULL << 12)
#define SCOPES_FS_REFER       (1ULL << 13) /* ABI 2 */
#define SCOPES_FS_TRUNCATE    (1ULL << 14) /* ABI 3 */
#define SCOPES_FS_IOCTL_DEV   (1ULL << 15) /* ABI 5 */

struct scopes_promise_info {
	const char *name;
	unsigned flags;
	const char *const *paths;
	const char *summary;
	/*
	 * What the promise means to Landlock (landlock.c builds the ruleset
	 * from these): the SCOPES_FS_* rights it grants beneath every path,
	 * and those it grants only beneath its own `paths`. A ruleset handles
	 * exactly the rights no held promise grants everywhere.
	 */
	uint64_t fs_everywhere;
	uint64_t fs_beneath_paths;
	/* A side grant's rights and paths, applied while the promise is held
	 * and the rights are handled (exec: the loader of a new image reads
	 * its libraries, side_paths; the kernel reads the program it starts,
	 * side_programs, where no unveil names the programs). */
	uint64_t fs_side;
	const char *const *side_paths;
	const char *const *side_programs;
	/* The capabilities (bit n = CAP_n) the promise needs; a pledge drops
	 * every other one (caps.h, Revision 2). */
	uint64_t caps;
};

extern const struct scopes_promise_info scopes_promise_table[SCOPES_P_COUNT] SCOPES_HIDDEN;
extern const struct scopes_row scopes_rows[] SCOPES_HIDDEN;
extern const size_t scopes_rows_count SCOPES_HIDDEN;

/*
 * While an unveil is in force, path-based attribute changes are refused
 * (EACCES, as Landlock answers for a hidden path): Landlock has no right for
 * chmod, chown, utimes or xattrs, so unveil alone would let them reach every
 * path (Revision 2). Their descriptor forms stay with their promises.
 * null_arg < 0: always refused; n: allowed when argument n is 0 (utimensat
 * with a NULL path is futimens). min_abi_free: not needed from this Landlock
 * ABI on (truncate: the unveil layer handles it from ABI 3), 0: always.
 */
struct scopes_guard_row {
	const char *syscall;
	int null_arg;
	int min_abi_free;
};
extern const struct scopes_guard_row scopes_unveil_guard[] SCOPES_HIDDEN;
extern const size_t scopes_unveil_guard_count SCOPES_HIDDEN;

/* The promise-string grammar, shared by the parser (table.c) and the
 * explanation of a refusal (explain.c): at most this many bytes, names
 * separated by these bytes. */
#define SCOPES_PARSE_MAX 4095
static inline int scopes_parse_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

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
