/* SPDX-License-Identifier: MIT */
/*
 * Reading the promise table: names, parsing, syscall numbers per arch, and
 * the reverse query "which promise would allow this call?".
 *
 * Everything after scopes_table_init() reads static memory only, so the SIGSYS
 * reporter can call it from its signal handler.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "table_internal.h"
#ifdef SCOPES_GENERATED_SYSCALLS
#include "table_gen.h"
#endif

/* Syscall numbers named per arch: every arch the table knows numbers its
 * calls below 512 (x86_64 and aarch64 end near 470). Naming goes through
 * libseccomp one number at a time, a linear search each: 512 halves the
 * first pledge's table init against 1024 (scopes-bench). */
#define SCOPES_NR_MAX 512
#define SCOPES_ROWS_MAX 1024 /* rows the static number arrays hold */

static const uint32_t arch_tokens[SCOPES_AI_COUNT] = {
	[SCOPES_AI_X86_64] = SCMP_ARCH_X86_64,
	[SCOPES_AI_AARCH64] = SCMP_ARCH_AARCH64,
	[SCOPES_AI_I386] = SCMP_ARCH_X86,
};

static struct {
	int ready;
	long row_nr[SCOPES_AI_COUNT][SCOPES_ROWS_MAX];
	const char *names[SCOPES_AI_COUNT][SCOPES_NR_MAX];
} tbl;
static pthread_once_t tbl_once = PTHREAD_ONCE_INIT;
static int tbl_init_errno;
static long query_pid;

static void table_resolve(void)
{
	if (scopes_rows_count > SCOPES_ROWS_MAX) {
		tbl_init_errno = E2BIG;
		return;
	}
#ifdef SCOPES_GENERATED_SYSCALLS
	/* resolved at build time (gen/gen-syscalls.c): no name lookups here */
	if (scopes_gen_rows_count != scopes_rows_count || SCOPES_GEN_NR_MAX > SCOPES_NR_MAX) {
		tbl_init_errno = E2BIG;
		return;
	}
	/* the accessors read the generated arrays themselves */
	__atomic_store_n(&tbl.ready, 1, __ATOMIC_RELEASE);
	return;
#endif
	for (int ai = 0; ai < SCOPES_AI_COUNT; ai++) {
		for (size_t i = 0; i < scopes_rows_count; i++) {
			int nr = seccomp_syscall_resolve_name_arch(arch_tokens[ai],
								   scopes_rows[i].syscall);
			tbl.row_nr[ai][i] = nr < 0 ? -1 : nr;
		}
		for (int nr = 0; nr < SCOPES_NR_MAX; nr++) {
			char *n = seccomp_syscall_resolve_num_arch(arch_tokens[ai], nr);
			/* libseccomp names unknown numbers NULL; keep the strings for
			 * the life of the process (read from signal handlers). */
			tbl.names[ai][nr] = n;
		}
	}
	__atomic_store_n(&tbl.ready, 1, __ATOMIC_RELEASE);
}

SCOPES_EXPORT int scopes_table_init(void)
{
	pthread_once(&tbl_once, table_resolve);
	if (tbl_init_errno) {
		errno = tbl_init_errno;
		return -1;
	}
	return 0;
}

int table_arch_index(uint32_t arch)
{
	for (int ai = 0; ai < SCOPES_AI_COUNT; ai++)
		if (arch_tokens[ai] == arch)
			return ai;
	return -1;
}

long table_row_nr(int ai, size_t i)
{
	if (!__atomic_load_n(&tbl.ready, __ATOMIC_ACQUIRE) || ai < 0 || ai >= SCOPES_AI_COUNT ||
	    i >= scopes_rows_count)
		return -1;
#ifdef SCOPES_GENERATED_SYSCALLS
	return scopes_gen_row_nr[ai][i];
#else
	return tbl.row_nr[ai][i];
#endif
}

SCOPES_EXPORT uint32_t scopes_native_arch(void)
{
#if defined(__x86_64__)
	return SCOPES_ARCH_X86_64;
#elif defined(__aarch64__)
	return SCOPES_ARCH_AARCH64;
#else
#error "seccomp-scopes supports x86_64 and aarch64"
#endif
}

/* ------------------------------------------------------------ promises */

SCOPES_EXPORT int scopes_promise_count(void)
{
	return SCOPES_P_COUNT;
}

SCOPES_EXPORT const char *scopes_promise_name(int idx)
{
	if (idx < 0 || idx >= SCOPES_P_COUNT)
		return NULL;
	return scopes_promise_table[idx].name;
}

SCOPES_EXPORT const char *scopes_promise_summary(int idx)
{
	if (idx < 0 || idx >= SCOPES_P_COUNT)
		return NULL;
	return scopes_promise_table[idx].summary;
}

SCOPES_EXPORT unsigned scopes_promise_flags(int idx)
{
	if (idx < 0 || idx >= SCOPES_P_COUNT)
		return 0;
	return scopes_promise_table[idx].flags;
}

SCOPES_EXPORT const char *const *scopes_promise_paths(int idx)
{
	static const char *const none[] = { NULL };
	if (idx < 0 || idx >= SCOPES_P_COUNT)
		return none;
	return scopes_promise_table[idx].paths;
}

SCOPES_EXPORT uint64_t scopes_promise_caps(int idx)
{
	if (idx < 0 || idx >= SCOPES_P_COUNT)
		return 0;
	return scopes_promise_table[idx].caps;
}

SCOPES_EXPORT const char *scopes_capability_name(int cap)
{
	static const char *const names[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
		"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
		"CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
		"CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
		"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
		"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
		"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
		"CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
		"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
		"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
		"CAP_CHECKPOINT_RESTORE",
	};
	if (cap < 0 || (size_t)cap >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[cap];
}

SCOPES_EXPORT int scopes_promise_index(const char *name, size_t len)
{
	if (!name)
		return -1;
	for (int i = 0; i < SCOPES_P_COUNT; i++) {
		const char *n = scopes_promise_table[i].name;
		if (strlen(n) == len && memcmp(n, name, len) == 0)
			return i;
	}
	return -1;
}

SCOPES_EXPORT int scopes_promises_parse(const char *promises, scopes_set_t *set)
{
	scopes_set_t out = 0;
	size_t i = 0;

	if (!promises || !set) {
		errno = EINVAL;
		return -1;
	}
	while (promises[i]) {
		if (i >= SCOPES_PARSE_MAX)
			goto bad;
		unsigned char c = (unsigned char)promises[i];
		if (scopes_parse_space(c)) {
			i++;
			continue;
		}
		size_t start = i;
		while (promises[i] && !scopes_parse_space((unsigned char)promises[i])) {
			c = (unsigned char)promises[i];
			if (!((c >= 'a' && c <= 'z') || c == '_'))
				goto bad;
			if (++i > SCOPES_PARSE_MAX)
				goto bad;
		}
		int idx = scopes_promise_index(promises + start, i - start);
		if (idx < 0)
			goto bad;
		out |= 1ULL << idx;
	}
	*set = out;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

SCOPES_EXPORT size_t scopes_promises_format(scopes_set_t set, char *buf, size_t size)
{
	size_t need = 0;

	for (int i = 0; i < SCOPES_P_COUNT; i++) {
		if (!(set & (1ULL << i)))
			continue;
		const char *n = scopes_promise_table[i].name;
		size_t l = strlen(n);
		if (need) {
			if (buf && need + 1 < size)
				buf[need] = ' ';
			need++;
		}
		for (size_t k = 0; k < l; k++, need++)
			if (buf && need + 1 < size)
				buf[need] = n[k];
	}
	if (buf && size)
		buf[need < size ? need : size - 1] = '\0';
	return need;
}

/* ------------------------------------------------------------- syscalls */

SCOPES_EXPORT const char *scopes_syscall_name(uint32_t arch, long nr)
{
	int ai = table_arch_index(arch);
	if (ai < 0 || nr < 0 || nr >= SCOPES_NR_MAX || !__atomic_load_n(&tbl.ready, __ATOMIC_ACQUIRE))
		return NULL;
#ifdef SCOPES_GENERATED_SYSCALLS
	return nr < SCOPES_GEN_NR_MAX ? scopes_gen_names[ai][nr] : NULL;
#else
	return tbl.names[ai][nr];
#endif
}

SCOPES_EXPORT long scopes_syscall_number(uint32_t arch, const char *name)
{
	int ai = table_arch_index(arch);
	if (ai < 0 || !name || !__atomic_load_n(&tbl.ready, __ATOMIC_ACQUIRE))
		return -1;
	for (long nr = 0; nr < SCOPES_NR_MAX; nr++) {
		const char *n = scopes_syscall_name(arch, nr);
		if (n && strcmp(n, name) == 0)
			return nr;
	}
	return -1;
}

/* ---------------------------------------------------------------- rows */

SCOPES_EXPORT size_t scopes_row_count(void)
{
	return scopes_rows_count;
}

SCOPES_EXPORT const struct scopes_row *scopes_row_get(size_t i)
{
	return i < scopes_rows_count ? &scopes_rows[i] : NULL;
}

int table_row_granted(const struct scopes_row *row, scopes_set_t held, int landlock)
{
	if ((held & SCOPES_NO_INCIDENTAL) && (row->flags & SCOPES_ALT_INCIDENTAL) &&
	    strcmp(row->syscall, "mmap") != 0)
		return 0;
	if ((held & SCOPES_LOADER_ONLY) && (row->flags & SCOPES_ALT_INCIDENTAL))
		held |= SCOPES_P(EXEC);
	if (row->kind == SCOPES_ROW_FAIL)
		return (held & row->any) && !(held & row->unless);
	if (row->kind != SCOPES_ROW_GRANT)
		return 0;
	if ((row->flags & SCOPES_ALT_PATHSCOPED) && !landlock)
		return 0;
	if (row->any && !(held & row->any))
		return 0;
	return (held & row->all) == row->all;
}

int table_row_matches(const struct scopes_row *row, const uint64_t args[6], long self_pid)
{
	for (unsigned c = 0; c < row->ncond; c++) {
		const struct scopes_cond *k = &row->cond[c];
		uint64_t want = k->value;
		if (want == SCOPES_VALUE_SELF_PID)
			want = (uint64_t)self_pid;
		if ((args[k->arg] & k->mask) != want)
			return 0;
	}
	return 1;
}

SCOPES_EXPORT void scopes_query_set_pid(long pid)
{
	__atomic_store_n(&query_pid, pid, __ATOMIC_RELAXED);
}

static int popcount64(uint64_t v)
{
	return __builtin_popcountll(v);
}

/* Order: primary before path-scoped before incidental; then fewer promises;
 * then the lowest promise index (stdio before rpath before ...). */
static int alt_before(const struct scopes_alt *a, const struct scopes_alt *b)
{
	unsigned ra = a->flags & (SCOPES_ALT_PATHSCOPED | SCOPES_ALT_INCIDENTAL);
	unsigned rb = b->flags & (SCOPES_ALT_PATHSCOPED | SCOPES_ALT_INCIDENTAL);
	if (ra != rb)
		return ra < rb;
	if (popcount64(a->set) != popcount64(b->set))
		return popcount64(a->set) < popcount64(b->set);
	return __builtin_ctzll(a->set | (1ULL << 63)) < __builtin_ctzll(b->set | (1ULL << 63));
}

static void alt_add(struct scopes_verdict *v, scopes_set_t set, unsigned flags, const char *note)
{
	/* an existing subset makes this one redundant; this one makes supersets
	 * so. Not when the subset grants only for some arguments that were not
	 * given: the superset may grant others (setsockopt's multicast options
	 * need inet and mcast, its other options inet alone) */
	for (int i = 0; i < v->n; i++) {
		scopes_set_t s = v->alt[i].set;
		if (s == set) {
			/* keep the unconditional variant of an equal set */
			if (!(flags & SCOPES_ALT_ARGS_UNKNOWN))
				v->alt[i].flags &= ~SCOPES_ALT_ARGS_UNKNOWN;
			return;
		}
		if ((s & set) == s && !(v->alt[i].flags & SCOPES_ALT_ARGS_UNKNOWN))
			return;
	}
	int w = 0;
	for (int i = 0; i < v->n; i++)
		if ((v->alt[i].set & set) != set || (flags & SCOPES_ALT_ARGS_UNKNOWN))
			v->alt[w++] = v->alt[i];
	v->n = w;
	if (v->n == SCOPES_QUERY_MAX_ALTS)
		return;
	struct scopes_alt a = { .set = set, .flags = flags, .note = note };
	int pos = v->n;
	while (pos > 0 && alt_before(&a, &v->alt[pos - 1])) {
		v->alt[pos] = v->alt[pos - 1];
		pos--;
	}
	v->alt[pos] = a;
	v->n++;
}

SCOPES_EXPORT int scopes_query(uint32_t arch, long nr, const uint64_t args[6],
			       struct scopes_verdict *v)
{
	if (!v) {
		errno = EINVAL;
		return -1;
	}
	memset(v, 0, sizeof(*v));
	int ai = table_arch_index(arch);
	if (arch == SCOPES_ARCH_X86_64 && nr >= 0 && (nr & 0x40000000)) {
		v->cls = SCOPES_CLASS_FOREIGN_ABI;
		v->name = scopes_syscall_name(arch, nr & ~0x40000000L);
		v->reason = "x32 system calls are killed: the filter is built for x86_64";
		return 0;
	}
	if (ai < 0 || arch == SCOPES_ARCH_I386 ||
	    (arch != scopes_native_arch() && arch != SCOPES_ARCH_AARCH64 &&
	     arch != SCOPES_ARCH_X86_64)) {
		v->cls = SCOPES_CLASS_FOREIGN_ABI;
		v->name = ai >= 0 ? scopes_syscall_name(arch, nr) : NULL;
		v->reason = arch == SCOPES_ARCH_I386
				    ? "i386 system calls (int 0x80) are killed: the filter is built for x86_64"
				    : "system calls of another architecture are killed";
		return 0;
	}
	v->name = scopes_syscall_name(arch, nr);
	long pid = __atomic_load_n(&query_pid, __ATOMIC_RELAXED);
	const struct scopes_row *never = NULL;
	int known = 0;

	for (size_t i = 0; i < scopes_rows_count; i++) {
		const struct scopes_row *r = &scopes_rows[i];
		if (table_row_nr(ai, i) != nr || nr < 0)
			continue;
		known = 1;
		int match = args ? table_row_matches(r, args, pid) : r->ncond == 0;
		switch (r->kind) {
		case SCOPES_ROW_ALWAYS:
			if (match) {
				v->cls = SCOPES_CLASS_ALWAYS;
				v->reason = r->note;
				v->n = 0;
				return 0;
			}
			break;
		case SCOPES_ROW_ENOSYS:
			v->cls = SCOPES_CLASS_ENOSYS;
			v->reason = r->note;
			return 0;
		case SCOPES_ROW_NEVER:
			if (r->ncond == 0) {
				if (!never)
					never = r;
			} else if (args && match) {
				v->cls = SCOPES_CLASS_NEVER;
				v->reason = r->note;
				v->n = 0;
				return 0;
			}
			break;
		case SCOPES_ROW_FAIL:
			break;
		case SCOPES_ROW_GRANT: {
			unsigned flags = r->flags;
			if (args && !match)
				break;
			if (!args && r->ncond)
				flags |= SCOPES_ALT_ARGS_UNKNOWN;
			if (r->any) {
				for (int b = 0; b < SCOPES_P_COUNT; b++)
					if (r->any & (1ULL << b))
						alt_add(v, (1ULL << b) | r->all, flags, r->note);
			} else {
				alt_add(v, r->all, flags, r->note);
			}
			break;
		}
		}
	}
	if (!known) {
		v->cls = v->name ? SCOPES_CLASS_NEVER : SCOPES_CLASS_UNKNOWN;
		v->reason = v->name ? "no promise grants it"
				    : "a number this build's syscall table does not name; no promise grants it";
		return 0;
	}
	if (v->n == 0 && never) {
		v->cls = SCOPES_CLASS_NEVER;
		v->reason = never->note;
		return 0;
	}
	v->cls = SCOPES_CLASS_PROMISE;
	if (v->n == 0)
		v->reason = "no promise allows it with these arguments";
	return 0;
}

/* ----------------------------------------------- answers from the rows */

SCOPES_EXPORT int scopes_row_granted(const struct scopes_row *row, scopes_set_t held, int landlock)
{
	return row ? table_row_granted(row, held, landlock) : 0;
}

/* Is nr on arch a call of a foreign ABI, killed whatever the set? */
static int foreign_call(uint32_t arch, long nr)
{
	return arch != scopes_native_arch() ||
	       (arch == SCOPES_ARCH_X86_64 && nr >= 0 && (nr & 0x40000000));
}

/* Do the row's conditions hold: for args, or (args NULL) for any arguments? */
static int row_holds(const struct scopes_row *r, const uint64_t args[6])
{
	if (!args)
		return r->ncond == 0;
	return table_row_matches(r, args, __atomic_load_n(&query_pid, __ATOMIC_RELAXED));
}

SCOPES_EXPORT int scopes_set_allows(scopes_set_t held, uint32_t arch, long nr,
				    const uint64_t args[6], int landlock, int *errnum)
{
	int ai = table_arch_index(arch), err = 0;

	if (errnum)
		*errnum = 0;
	if (ai < 0 || nr < 0 || foreign_call(arch, nr))
		return 0;
	for (size_t i = 0; i < scopes_rows_count; i++) {
		const struct scopes_row *r = &scopes_rows[i];
		if (table_row_nr(ai, i) != nr || !row_holds(r, args))
			continue;
		switch (r->kind) {
		case SCOPES_ROW_ALWAYS:
			return 1;
		case SCOPES_ROW_GRANT:
			if (table_row_granted(r, held, landlock))
				return 1;
			break;
		case SCOPES_ROW_ENOSYS:
			err = ENOSYS;
			break;
		case SCOPES_ROW_FAIL:
			if (table_row_granted(r, held, landlock) && !err)
				err = r->errnum;
			break;
		case SCOPES_ROW_NEVER:
		default:
			break;
		}
	}
	/* the filter's default action: `error` answers ENOSYS (filter.c) */
	if (!err && (held & SCOPES_P(ERROR)))
		err = ENOSYS;
	if (errnum)
		*errnum = err;
	return 0;
}

SCOPES_EXPORT const struct scopes_row *scopes_fail_row(uint32_t arch, long nr,
						       const uint64_t args[6])
{
	int ai = table_arch_index(arch);

	if (ai < 0 || nr < 0)
		return NULL;
	for (size_t i = 0; i < scopes_rows_count; i++) {
		const struct scopes_row *r = &scopes_rows[i];
		if (r->kind == SCOPES_ROW_FAIL && table_row_nr(ai, i) == nr && row_holds(r, args))
			return r;
	}
	return NULL;
}

SCOPES_EXPORT int scopes_path_beneath(const char *path, const char *root)
{
	if (!path || !root)
		return 0;
	size_t n = strlen(root);
	while (n > 0 && root[n - 1] == '/')
		n--;
	if (n == 0) /* "/" (or "///"): every absolute path */
		return root[0] == '/' && path[0] == '/';
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

SCOPES_EXPORT int scopes_promise_covers_path(int idx, const char *path)
{
	if (!path || !(scopes_promise_flags(idx) & SCOPES_PROMISE_PATHSCOPED))
		return 0;
	for (const char *const *p = scopes_promise_paths(idx); *p; p++)
		if (scopes_path_beneath(path, *p))
			return 1;
	return 0;
}

/* The calls Landlock decides by the path they name (landlock.c's rights:
 * execute, write/read file, remove, make, refer, truncate). */
static const char *const landlock_path_calls[] = {
	"open",	   "openat",   "creat",	    "mkdir",	"mkdirat",  "mknod",	 "mknodat",
	"unlink",  "unlinkat", "rmdir",	    "rename",	"renameat", "renameat2", "link",
	"linkat",  "symlink",  "symlinkat", "truncate", "execve",   "execveat",
};

SCOPES_EXPORT int scopes_landlock_checks_path(uint32_t arch, long nr)
{
	const char *name = scopes_syscall_name(arch, nr);

	for (size_t i = 0; name && i < sizeof(landlock_path_calls) / sizeof(landlock_path_calls[0]); i++)
		if (strcmp(name, landlock_path_calls[i]) == 0)
			return 1;
	return 0;
}

/* Indexed by enum scopes_penalty: the words SCOPES_PENALTY, SCOPES_EXECPENALTY,
 * scopes-run --penalty and the tests use. */
static const char *const penalty_names[] = {
	[SCOPES_PENALTY_KILL] = "kill",
	[SCOPES_PENALTY_TRAP] = "trap",
	[SCOPES_PENALTY_ERRNO] = "errno",
	[SCOPES_PENALTY_LOG] = "log",
};

SCOPES_EXPORT const char *scopes_penalty_name(enum scopes_penalty penalty)
{
	if ((unsigned)penalty >= sizeof(penalty_names) / sizeof(penalty_names[0]))
		return NULL;
	return penalty_names[penalty];
}

SCOPES_EXPORT int scopes_penalty_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof(penalty_names) / sizeof(penalty_names[0]); i++)
		if (strcmp(name, penalty_names[i]) == 0)
			return (int)i;
	errno = EINVAL;
	return -1;
}
