/* SPDX-License-Identifier: MIT */
/*
 * <scopes/table.h> — the promise table, read-only, for the tools around it.
 *
 * One table says which system calls each promise grants and with which
 * argument conditions. The filter builder compiles it; the SIGSYS reporter,
 * scopes-trace, the man page generator and the tests read it through this
 * header. Nothing here changes the process.
 *
 * Async-signal-safety: every function below is async-signal-safe once
 * scopes_table_init() has returned (scopes_pledge(), scopes_compile() and
 * scopes_sigsys_install() call it), because the table is static data and the
 * syscall numbers are resolved into static arrays at init.
 */
#ifndef SCOPES_TABLE_H
#define SCOPES_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include <scopes.h> /* enum scopes_penalty */

#ifdef __cplusplus
extern "C" {
#endif

/* A set of promises: bit i is promise i of scopes_promise_name(i). */
typedef uint64_t scopes_set_t;

/* Resolve syscall names for every supported arch. Idempotent, thread-safe.
 * Returns 0, or -1 with errno E2BIG (a table larger than the library was
 * built for: a build defect). Not async-signal-safe. */
int scopes_table_init(void);

/* Number of promises; their names are stable and in spec order. */
int scopes_promise_count(void);
/* Name of promise idx, or NULL outside [0, count). */
const char *scopes_promise_name(int idx);
/* Index of the promise spelled by name[0..len), or -1. */
int scopes_promise_index(const char *name, size_t len);

/* What a promise is, in one line (for reports, the man page, the tracer). */
const char *scopes_promise_summary(int idx);

/* Promise-level flags. */
#define SCOPES_PROMISE_PATHSCOPED 0x1u /* grants only under its paths (Landlock) */
#define SCOPES_PROMISE_COMPAT     0x2u /* accepted for OpenBSD source compatibility, grants nothing */
#define SCOPES_PROMISE_MODIFIER   0x4u /* changes behaviour rather than granting calls (error) */
unsigned scopes_promise_flags(int idx);

/* The paths a path-scoped promise grants its operations under, NULL-terminated
 * (empty list for other promises). */
const char *const *scopes_promise_paths(int idx);

/*
 * The capabilities (bit n = capability n, as <linux/capability.h> numbers
 * them) promise idx needs: a pledge keeps the union of its promises' and
 * drops every other capability from every set of every thread (a root
 * process pledged "stdio rpath" keeps CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH, nothing else). 0 outside [0, count).
 */
uint64_t scopes_promise_caps(int idx);
/* "CAP_DAC_OVERRIDE" for 1, ...; NULL for a number this library does not name. */
const char *scopes_capability_name(int cap);

/*
 * Are the grants of path-scoped promises in force here? They need Landlock:
 * without it a pledge compiles them out and they grant nothing (fail closed).
 * Returns 1 when Landlock enforces them (*why set to NULL), 0 when they grant
 * nothing in this process, with *why a static sentence saying why ("this
 * kernel has no Landlock ..."). why may be NULL.
 * The kernel is probed once (one landlock_create_ruleset call, allowed under
 * every pledge); async-signal-safe.
 * Pledges under the LOG penalty never compile them in, whatever this says:
 * log mode is for discovery, and a Landlock refusal is neither allowed nor
 * logged; every file operation beyond the global promises is logged instead.
 */
int scopes_pathscoped_enforced(const char **why);

/*
 * Parse a promise string into a set. Accepts what scopes_pledge() accepts.
 * Returns 0, or -1 with errno EINVAL (unknown name, control byte, too long).
 * NULL is EINVAL here (scopes_pledge gives NULL its "unchanged" meaning).
 */
int scopes_promises_parse(const char *promises, scopes_set_t *set);

/*
 * Why would scopes_promises_parse (and scopes_pledge) refuse this string?
 * Returns 0 when it parses (buf set to ""), or -1 with errno EINVAL and a
 * one-line reason in buf (truncated to size, NUL-terminated when size > 0):
 * the bad word with the closest promise ("\"rpth\" is not a promise; did you
 * mean \"rpath\"?"), the length over the 4095-byte limit, or the offset of a
 * control byte. buf may be NULL. Not async-signal-safe (vsnprintf).
 */
int scopes_promises_explain(const char *promises, char *buf, size_t size);
/* The promise whose name is closest to word[0..len) when it is plausibly a
 * misspelling of it (an edit or two), else NULL. */
const char *scopes_promise_closest(const char *word, size_t len);

/* Write the set as a space-separated string in table order ("" for the
 * empty set). Returns the length the full string needs (like snprintf);
 * writes at most size bytes including the NUL. */
size_t scopes_promises_format(scopes_set_t set, char *buf, size_t size);

/* Promises currently held by this process; SCOPES_SET_ALL before any pledge. */
#define SCOPES_SET_ALL (~(scopes_set_t)0)
scopes_set_t scopes_promises_held(void);
scopes_set_t scopes_execpromises_held(void);
/* The exec supervisor of this process's pledge (a pledge holding exec and
 * stdio with NULL execpromises; scopes_pledge(3)): its pid, or 0 if none
 * was started. A violation it answers under the trap penalty arrives as
 * SIGSYS with si_code SI_QUEUE, si_pid this pid and si_value.sival_int the
 * system call number (the arguments are still in their registers). */
int scopes_exec_supervisor(void);

/* Architectures the table knows (AUDIT_ARCH_* values). */
#define SCOPES_ARCH_X86_64  0xc000003eu
#define SCOPES_ARCH_AARCH64 0xc00000b7u
#define SCOPES_ARCH_I386    0x40000003u
/* The arch the library was built for. */
uint32_t scopes_native_arch(void);

/* Name of syscall nr on arch, or NULL if unknown. nr on x86_64 with the x32
 * bit set is named after its x32 number ("read (x32)" is not produced: the
 * caller sees SCOPES_CLASS_FOREIGN_ABI from scopes_query). */
const char *scopes_syscall_name(uint32_t arch, long nr);
/* Number of syscall name on arch, or -1. */
long scopes_syscall_number(uint32_t arch, const char *name);

/* How the table classifies a call. */
enum scopes_class {
	SCOPES_CLASS_ALWAYS,      /* allowed under every pledge */
	SCOPES_CLASS_PROMISE,     /* allowed by the promise sets in alt[] */
	SCOPES_CLASS_ENOSYS,      /* answered ENOSYS under every pledge (reason) */
	SCOPES_CLASS_NEVER,       /* no promise grants it (reason) */
	SCOPES_CLASS_FOREIGN_ABI, /* another ABI (x32, i386): always killed */
	SCOPES_CLASS_UNKNOWN,     /* a number no syscall table names: denied */
};

/* One way to be allowed: all promises of `set` held. */
#define SCOPES_ALT_PATHSCOPED 0x1u /* only under the promise's paths (Landlock) */
#define SCOPES_ALT_INCIDENTAL 0x2u /* a side grant (exec's loader reads), not the
				    * promise's purpose: suggest it last */
#define SCOPES_ALT_ARGS_UNKNOWN 0x4u /* args were not given and this set grants
				      * the call only for some argument values */
struct scopes_alt {
	scopes_set_t set;
	unsigned flags;
	const char *note; /* the table's note on the rule, or NULL */
};

#define SCOPES_QUERY_MAX_ALTS 16
struct scopes_verdict {
	enum scopes_class cls;
	const char *name;    /* syscall name or NULL */
	const char *reason;  /* for ENOSYS/NEVER/FOREIGN_ABI/UNKNOWN, and for
			      * PROMISE with n == 0 ("with these arguments ...") */
	int n;               /* number of alternatives, best first */
	struct scopes_alt alt[SCOPES_QUERY_MAX_ALTS];
};

/*
 * Which promise sets would allow syscall nr on arch with these arguments?
 * args may be NULL when the arguments are unknown (audit records): every set
 * that grants the syscall for some arguments is returned, flagged
 * SCOPES_ALT_ARGS_UNKNOWN where the grant depends on them.
 * Alternatives are minimal (no alternative is a superset of another, except,
 * with args NULL, of one flagged SCOPES_ALT_ARGS_UNKNOWN: the superset may
 * grant other arguments) and ordered: primary grants first, path-scoped
 * next, incidental last.
 * A PROMISE verdict with n == 0 means no promise allows these arguments.
 * Returns 0, or -1 with errno EINVAL (NULL verdict).
 */
int scopes_query(uint32_t arch, long nr, const uint64_t args[6], struct scopes_verdict *verdict);

/* The pid that SCOPES_VALUE_SELF_PID conditions (kill of one's own process)
 * are compared with by scopes_query: by default the pid bound by the last
 * pledge of this process; a tracer sets the traced process's pid. */
void scopes_query_set_pid(long pid);

/* The rule rows, for generators and tests (man page, matrix report). */
#define SCOPES_COND_MAX 3
struct scopes_cond {
	unsigned arg;    /* 0..5 */
	uint64_t mask;   /* (arg & mask) == value; mask ~0 means equality */
	uint64_t value;  /* SCOPES_VALUE_SELF_PID: the caller's pid */
};
#define SCOPES_VALUE_SELF_PID 0x3ffff1e5u /* placeholder patched at apply time */

enum scopes_row_kind {
	SCOPES_ROW_ALWAYS,
	SCOPES_ROW_GRANT,
	SCOPES_ROW_ENOSYS,
	SCOPES_ROW_NEVER,
	SCOPES_ROW_FAIL,  /* answered with errnum (not the penalty) while the
			   * held set has one of `any` and none of `unless`:
			   * lets libc fall back (nscd probes under getpw/dns) */
};
struct scopes_row {
	enum scopes_row_kind kind;
	const char *syscall;
	scopes_set_t any;      /* GRANT: one of these promises ... */
	scopes_set_t all;      /* ... and all of these (either may be 0) */
	scopes_set_t unless;   /* FAIL: not while one of these is held */
	int errnum;            /* FAIL: the errno answered */
	unsigned flags;        /* SCOPES_ALT_PATHSCOPED, SCOPES_ALT_INCIDENTAL */
	unsigned ncond;
	struct scopes_cond cond[SCOPES_COND_MAX];
	const char *note;      /* why (NEVER/ENOSYS: the reason) */
};
size_t scopes_row_count(void);
const struct scopes_row *scopes_row_get(size_t i);

/*
 * Rules every later filter adds, whatever the promises: what a violation
 * reporter installed in the process needs to run under any pledge (write its
 * report to one descriptor, re-raise SIGSYS). Used by libscopes-sigsys; each
 * rule is a syscall name with equality/mask conditions, allowed.
 * Returns 0, or -1 with errno EINVAL (unknown syscall, bad condition) or
 * E2BIG (more than 16 rules). Not async-signal-safe.
 */
int scopes_handler_allow(const char *syscall, unsigned ncond, const struct scopes_cond *cond);

/*
 * Answers derived from the rows, so that the tools ask the table instead of
 * re-deriving them (since SCOPES_0.3). All async-signal-safe after
 * scopes_table_init(), like the rest of this header.
 */

/*
 * Is a GRANT or FAIL row in force for the held set? A GRANT row needs one
 * promise of `any` (when not 0) and all of `all`, and, flagged
 * SCOPES_ALT_PATHSCOPED, landlock != 0 (path-scoped grants compiled in); a
 * FAIL row needs one of `any` and none of `unless`. 0 for NULL and for rows
 * of the other kinds (ALWAYS rows are in force under every set). This is the
 * test the filter builder applies to each row.
 */
int scopes_row_granted(const struct scopes_row *row, scopes_set_t held, int landlock);

/*
 * Does a filter for the held set allow syscall nr on arch with these
 * arguments? As the filter answers it: an ALWAYS row or a granted GRANT row
 * whose conditions hold allows the call. args NULL asks whether the call is
 * allowed whatever its arguments (only rows without conditions count).
 * landlock: path-scoped grants are compiled in (scopes_pathscoped_enforced()
 * for a pledge of this process; a LOG pledge never has them).
 * Returns 1 when allowed; 0 when not, with *errnum (may be NULL) set to the
 * errno the call fails with instead of the penalty — a FAIL row's errnum,
 * ENOSYS for an ENOSYS row, ENOSYS when the set holds `error` — or 0 when
 * the penalty applies. Another arch than the native one, x32 and i386 calls
 * are killed whatever the set: 0 with *errnum 0.
 */
int scopes_set_allows(scopes_set_t held, uint32_t arch, long nr, const uint64_t args[6],
		      int landlock, int *errnum);

/*
 * The FAIL row syscall nr on arch with these arguments meets, or NULL: the
 * call is answered with row->errnum (not the penalty) while the held set has
 * one of row->any and none of row->unless; row->note says why. scopes_query()
 * leaves FAIL rows out of its alternatives (they allow nothing); this is
 * their half of the reverse answer. args NULL: only rows without conditions.
 * SCOPES_VALUE_SELF_PID compares with the pid of scopes_query_set_pid().
 */
const struct scopes_row *scopes_fail_row(uint32_t arch, long nr, const uint64_t args[6]);

/*
 * Is path the directory or file root, or beneath it, by spelling? Both are
 * absolute and already resolved (no symbolic links, "." or ".." are
 * followed here); trailing slashes of root are ignored, and "/" holds every
 * absolute path. Landlock decides on the resolved file: callers resolve first.
 */
int scopes_path_beneath(const char *path, const char *root);

/*
 * Does the path-scoped promise idx grant its operations on path, that is, is
 * path one of scopes_promise_paths(idx) or beneath one (scopes_path_beneath)?
 * 0 for a promise that is not path-scoped, for idx out of range and for NULL.
 */
int scopes_promise_covers_path(int idx, const char *path);

/*
 * Does Landlock decide syscall nr on arch by the path it names? It mediates
 * opening, creating, removing, renaming, linking, truncating and executing
 * files; stat(2), access(2), readlink(2), chdir(2) and calls on open
 * descriptors are not restricted by it, so a path-scoped promise that grants
 * those grants them for any path. 1 or 0 (0 for unknown numbers).
 */
int scopes_landlock_checks_path(uint32_t arch, long nr);

/* "kill", "trap", "errno", "log" (SCOPES_PENALTY, scopes-run --penalty,
 * scopes-trace); NULL for a value that is no penalty. */
const char *scopes_penalty_name(enum scopes_penalty penalty);
/* The penalty spelled name (exactly as scopes_penalty_name gives it), or -1
 * with errno EINVAL (NULL or another word). */
int scopes_penalty_parse(const char *name);

/*
 * A compiled filter's BPF program, for the differential checker and tools
 * (struct sock_filter layout: u16 code, u8 jt, u8 jf, u32 k). The program is
 * as compiled: SCOPES_VALUE_SELF_PID placeholders are not yet bound.
 */
struct scopes_filter;
int scopes_filter_program(const struct scopes_filter *filter, const void **insns, size_t *count);
/* The promise set a compiled filter grants. */
scopes_set_t scopes_filter_promises(const struct scopes_filter *filter);
/* Whether a compiled filter has the path-scoped grants compiled in (1), or
 * compiled them out because Landlock cannot enforce them or the penalty is
 * LOG (0, and for NULL). Since SCOPES_0.3. */
int scopes_filter_landlock(const struct scopes_filter *filter);

#ifdef __cplusplus
}
#endif

#endif /* SCOPES_TABLE_H */
