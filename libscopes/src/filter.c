/* SPDX-License-Identifier: MIT */
/*
 * The filter builder: a promise set and a penalty in, a BPF program out.
 *
 * bpfgen.c generates the program from the table (a balanced search on the
 * syscall number, so a call is found in O(log n) and calls granted without
 * argument checks stay in the kernel's constant-action cache); libseccomp's
 * generator, used before issue 16, remains behind filter_build_with() for
 * comparison (tests/filtercheck carries its own copy as the oracle). The
 * program is kept, not loaded, so that a compiled filter can be applied many
 * times (scopes_apply in forked workers) and bound to the caller's pid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "bpfgen.h"
#include "filter.h"
#include "landlock.h"
#include "system.h"

#define HANDLER_RULES_MAX 16

static struct {
	unsigned n;
	struct {
		long nr;
		unsigned ncond;
		struct scopes_cond cond[SCOPES_COND_MAX];
	} rule[HANDLER_RULES_MAX];
} handler_rules;

SCOPES_EXPORT int scopes_handler_allow(const char *syscall, unsigned ncond,
				       const struct scopes_cond *cond)
{
	if (scopes_table_init() != 0)
		return -1;
	long nr = scopes_syscall_number(scopes_native_arch(), syscall);
	if (nr < 0 || ncond > SCOPES_COND_MAX || (ncond && !cond)) {
		errno = EINVAL;
		return -1;
	}
	for (unsigned i = 0; i < ncond; i++) {
		if (cond[i].arg > 5) {
			errno = EINVAL;
			return -1;
		}
	}
	unsigned n = __atomic_load_n(&handler_rules.n, __ATOMIC_ACQUIRE);
	if (n >= HANDLER_RULES_MAX) {
		errno = E2BIG;
		return -1;
	}
	handler_rules.rule[n].nr = nr;
	handler_rules.rule[n].ncond = ncond;
	if (ncond)
		memcpy(handler_rules.rule[n].cond, cond, ncond * sizeof(*cond));
	__atomic_store_n(&handler_rules.n, n + 1, __ATOMIC_RELEASE);
	return 0;
}

uint32_t filter_penalty_action(enum scopes_penalty penalty, scopes_set_t set)
{
	if (set & SCOPES_P(ERROR))
		return SCMP_ACT_ERRNO(ENOSYS);
	switch (penalty) {
	case SCOPES_PENALTY_TRAP:
		return SCMP_ACT_TRAP;
	case SCOPES_PENALTY_ERRNO:
		return SCMP_ACT_ERRNO(EPERM);
	case SCOPES_PENALTY_LOG:
		return SCMP_ACT_LOG;
	case SCOPES_PENALTY_KILL:
	default:
		return SCMP_ACT_KILL_PROCESS;
	}
}

/* Is every call row a allows also allowed by row b? (a's conditions imply b's) */
static int row_implies(const struct scopes_row *a, const struct scopes_row *b)
{
	for (unsigned j = 0; j < b->ncond; j++) {
		const struct scopes_cond *cb = &b->cond[j];
		int implied = 0;
		for (unsigned i = 0; i < a->ncond && !implied; i++) {
			const struct scopes_cond *ca = &a->cond[i];
			if (ca->arg == cb->arg && (ca->mask & cb->mask) == cb->mask &&
			    (ca->value & cb->mask) == cb->value &&
			    ca->value != SCOPES_VALUE_SELF_PID && cb->value != SCOPES_VALUE_SELF_PID)
				implied = 1;
			if (ca->arg == cb->arg && ca->mask == cb->mask && ca->value == cb->value)
				implied = 1;
		}
		if (!implied)
			return 0;
	}
	return 1;
}

static void to_scmp(const struct scopes_cond *c, unsigned n, struct scmp_arg_cmp *out)
{
	for (unsigned i = 0; i < n; i++) {
		if (c[i].mask == ~0ULL)
			out[i] = (struct scmp_arg_cmp){ c[i].arg, SCMP_CMP_EQ, c[i].value, 0 };
		else
			out[i] = (struct scmp_arg_cmp){ c[i].arg, SCMP_CMP_MASKED_EQ, c[i].mask,
							c[i].value };
	}
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, long nr, unsigned ncond,
		    const struct scopes_cond *cond)
{
	struct scmp_arg_cmp cmp[SCOPES_COND_MAX];

	if (sys_fault(SCOPES_FAULT_LIBSECCOMP))
		return -ECANCELED;
	to_scmp(cond, ncond, cmp);
	int rc = seccomp_rule_add_exact_array(ctx, action, (int)nr, ncond, cmp);
	return rc == -EEXIST ? 0 : rc;
}

/*
 * The rows of each syscall, found without a scan of the whole table: the
 * table lists rows by promise, so the rows of one call are scattered, and a
 * scan per row was a quarter of the compile time (scopes-bench).
 */
struct row_ref {
	long nr;
	size_t row;
};
struct rows_by_nr {
	size_t n;
	struct row_ref *ref; /* the rows with a number on this arch, by (nr, row) */
	size_t *at;          /* at[row]: where the row is in ref */
};

static int row_ref_cmp(const void *a, const void *b)
{
	const struct row_ref *x = a, *y = b;
	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

static int rows_by_nr_init(struct rows_by_nr *g, int ai)
{
	const size_t n = scopes_rows_count;

	g->n = 0;
	g->at = NULL; /* GCC -Os: may be used uninitialised on the ENOMEM path */
	g->ref = sys_malloc(n * (sizeof(*g->ref) + sizeof(*g->at)));
	if (!g->ref)
		return -ENOMEM;
	g->at = (size_t *)(g->ref + n);
	for (size_t i = 0; i < n; i++) {
		long nr = table_row_nr(ai, i);
		if (nr >= 0)
			g->ref[g->n++] = (struct row_ref){ nr, i };
	}
	qsort(g->ref, g->n, sizeof(*g->ref), row_ref_cmp);
	for (size_t k = 0; k < g->n; k++)
		g->at[g->ref[k].row] = k;
	return 0;
}

/* Does another included allow row of the same call cover row i? Ties keep
 * the first. */
static int row_covered(const struct rows_by_nr *g, size_t i, scopes_set_t set, int landlock)
{
	const struct scopes_row *r = &scopes_rows[i];
	size_t lo = g->at[i], hi = g->at[i] + 1;
	long nr = g->ref[lo].nr;

	while (lo > 0 && g->ref[lo - 1].nr == nr)
		lo--;
	while (hi < g->n && g->ref[hi].nr == nr)
		hi++;
	for (size_t k = lo; k < hi; k++) {
		size_t j = g->ref[k].row;
		const struct scopes_row *o = &scopes_rows[j];
		if (j == i)
			continue;
		if (!(o->kind == SCOPES_ROW_ALWAYS ||
		      (o->kind == SCOPES_ROW_GRANT && table_row_granted(o, set, landlock))))
			continue;
		if (row_implies(r, o) && (!row_implies(o, r) || j < i))
			return 1;
	}
	return 0;
}

/* Add the rows the set grants, dropping rows another included row implies. */
static int add_rows(scmp_filter_ctx ctx, scopes_set_t set, int landlock, int ai,
		    uint32_t default_action)
{
	const size_t n = scopes_rows_count;
	struct rows_by_nr g;
	int rc = rows_by_nr_init(&g, ai);

	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct scopes_row *r = &scopes_rows[i];
		long nr = table_row_nr(ai, i);
		uint32_t action;

		if (nr < 0)
			continue;
		switch (r->kind) {
		case SCOPES_ROW_ALWAYS:
			action = SCMP_ACT_ALLOW;
			break;
		case SCOPES_ROW_ENOSYS:
			action = SCMP_ACT_ERRNO(ENOSYS);
			break;
		case SCOPES_ROW_GRANT:
			if (!table_row_granted(r, set, landlock))
				continue;
			action = SCMP_ACT_ALLOW;
			break;
		case SCOPES_ROW_FAIL:
			if (!table_row_granted(r, set, landlock))
				continue;
			action = SCMP_ACT_ERRNO((uint32_t)r->errnum);
			break;
		case SCOPES_ROW_NEVER:
		default:
			continue;
		}
		/* Skip a row that another included allow row of the same call
		 * covers: fewer comparisons, and an unconditional grant keeps the
		 * call in the kernel's constant-action cache. */
		if (action == SCMP_ACT_ALLOW && row_covered(&g, i, set, landlock))
			continue;
		/* libseccomp refuses a rule that repeats the default action (the
		 * ENOSYS rows under `error`): the default answers the same. */
		if (action == default_action)
			continue;
		rc = add_rule(ctx, action, nr, r->ncond, r->cond);
	}
	free(g.ref);
	if (rc < 0)
		return rc;
	unsigned hn = __atomic_load_n(&handler_rules.n, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < hn && rc == 0; i++)
		rc = add_rule(ctx, SCMP_ACT_ALLOW, handler_rules.rule[i].nr,
			      handler_rules.rule[i].ncond, handler_rules.rule[i].cond);
	return rc;
}

/* libseccomp 2.5.4 can only export to a descriptor. A socketpair is granted
 * by stdio (a later pledge runs under an earlier one) and holds the largest
 * program the kernel takes (4096 * 8 bytes) without blocking. */
static int export_program(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *count)
{
	int sv[2];
	const size_t max_bytes = (BPF_MAXINSNS + 1) * sizeof(struct sock_filter);

	int rc = sys_export_channel(sv);
	if (rc < 0)
		return rc;
	rc = seccomp_export_bpf(ctx, sv[1]);
	sys_close(sv[1]);
	if (rc < 0) {
		sys_close(sv[0]);
		return -ECANCELED;
	}
	unsigned char *buf = sys_malloc(max_bytes);
	if (!buf) {
		sys_close(sv[0]);
		return -ENOMEM;
	}
	size_t got = 0;
	for (;;) {
		long r = sys_read(sv[0], buf + got, max_bytes - got);
		if (r == -EINTR)
			continue;
		if (r < 0) {
			rc = (int)r;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		if (got == max_bytes) {
			rc = -E2BIG;
			break;
		}
	}
	sys_close(sv[0]);
	if (rc == 0 && (got == 0 || got % sizeof(struct sock_filter)))
		rc = -ECANCELED;
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*insns = (struct sock_filter *)buf;
	*count = got / sizeof(struct sock_filter);
	return 0;
}

/* Where the program compares with the pid placeholder. libseccomp compares a
 * 64-bit argument as two 32-bit words; the placeholder is below 2^32 so it
 * stands in the low word's JEQ. */
static int find_pid_slots(struct scopes_filter *f)
{
	size_t n = 0;
	for (size_t i = 0; i < f->count; i++)
		if (f->insns[i].k == SCOPES_VALUE_SELF_PID &&
		    f->insns[i].code == (BPF_JMP | BPF_JEQ | BPF_K))
			n++;
	if (!n)
		return 0;
	f->pid_slots = sys_calloc(n, sizeof(*f->pid_slots));
	if (!f->pid_slots)
		return -ENOMEM;
	for (size_t i = 0; i < f->count; i++)
		if (f->insns[i].k == SCOPES_VALUE_SELF_PID &&
		    f->insns[i].code == (BPF_JMP | BPF_JEQ | BPF_K))
			f->pid_slots[f->npid_slots++] = i;
	return 0;
}

/* libseccomp's program for the rows: the oracle tests/filtercheck compares
 * bpfgen's programs with (and the generator before issue 16). */
static int generate_libseccomp(struct scopes_filter *f, int ai)
{
	scmp_filter_ctx ctx = NULL;
	uint32_t deflt = filter_penalty_action(f->penalty, f->set);
	int rc;

	if (sys_fault(SCOPES_FAULT_LIBSECCOMP) || !(ctx = seccomp_init(deflt)))
		return -ECANCELED;
	/* Foreign ABIs (i386 int 0x80, x32 numbers) are killed whatever the
	 * penalty: libseccomp routes both to the bad-arch action. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) {
		rc = -ECANCELED;
		goto out;
	}
	rc = add_rows(ctx, f->set, f->landlock, ai, deflt);
	if (rc < 0) {
		if (rc != -ENOMEM)
			rc = -ECANCELED;
		goto out;
	}
	rc = export_program(ctx, &f->insns, &f->count);
out:
	seccomp_release(ctx);
	return rc;
}

/* bpfgen's program (issue 16): the table read directly, no rule database. */
static int generate_own(struct scopes_filter *f)
{
	struct scopes_cond cond[HANDLER_RULES_MAX][SCOPES_COND_MAX];
	struct bpfgen_extra extra[HANDLER_RULES_MAX];
	unsigned hn = __atomic_load_n(&handler_rules.n, __ATOMIC_ACQUIRE);

	for (unsigned i = 0; i < hn; i++) {
		unsigned nc = handler_rules.rule[i].ncond;
		memcpy(cond[i], handler_rules.rule[i].cond, nc * sizeof(cond[i][0]));
		extra[i] = (struct bpfgen_extra){ handler_rules.rule[i].nr, nc, cond[i] };
	}
	return bpfgen_build(f->set, filter_penalty_action(f->penalty, f->set), f->landlock,
			    scopes_native_arch(), extra, hn, &f->insns, &f->count);
}

int filter_build_with(enum filter_generator gen, scopes_set_t set, enum scopes_penalty penalty,
		      int landlock, struct scopes_filter **out)
{
	int ai = table_arch_index(scopes_native_arch());
	struct scopes_filter *f = NULL;
	int rc;

	if (scopes_table_init() != 0)
		return -errno;
	f = sys_calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->set = set;
	f->penalty = penalty;
	f->landlock = landlock;

	rc = gen == FILTER_GEN_LIBSECCOMP ? generate_libseccomp(f, ai) : generate_own(f);
	if (rc < 0)
		goto fail;
	if (f->count > BPF_MAXINSNS) {
		rc = -E2BIG;
		goto fail;
	}
	rc = find_pid_slots(f);
	if (rc < 0)
		goto fail;
	*out = f;
	return 0;
fail:
	filter_free(f);
	return rc;
}

int filter_build(scopes_set_t set, enum scopes_penalty penalty, int landlock,
		 struct scopes_filter **out)
{
	return filter_build_with(FILTER_GEN_OWN, set, penalty, landlock, out);
}

void filter_copy_bound(const struct scopes_filter *f, struct sock_filter *dst, long pid)
{
	memcpy(dst, f->insns, f->count * sizeof(*dst));
	for (size_t i = 0; i < f->npid_slots; i++)
		dst[f->pid_slots[i]].k = (uint32_t)pid;
}

void filter_free(struct scopes_filter *f)
{
	if (!f)
		return;
	free(f->insns);
	free(f->pid_slots);
	free(f);
}

SCOPES_EXPORT int scopes_filter_program(const struct scopes_filter *filter, const void **insns,
					size_t *count)
{
	if (!filter || !insns || !count) {
		errno = EINVAL;
		return -1;
	}
	*insns = filter->insns;
	*count = filter->count;
	return 0;
}

SCOPES_EXPORT scopes_set_t scopes_filter_promises(const struct scopes_filter *filter)
{
	return filter ? filter->set : 0;
}

SCOPES_EXPORT int scopes_filter_landlock(const struct scopes_filter *filter)
{
	return filter ? filter->landlock : 0;
}

/* seccomp_data: nr at 0, arch at 4, args from 16 (little-endian halves). */
#define SD_NR 0
#define SD_ARCH 4
#define SD_ARG_LO(n) (16 + 8 * (n))
#define SD_ARG_HI(n) (16 + 8 * (n) + 4)
#define RET_EACCES (SECCOMP_RET_ERRNO | 13u /* EACCES */)

int filter_unveil_guard(struct sock_filter *out, size_t max)
{
	uint32_t arch = scopes_native_arch();
	int ai = table_arch_index(arch);
	int abi = landlock_abi();
	size_t n = 0;

#define EMIT(c, t, f, kk)                                                                   \
	do {                                                                                \
		if (n == max)                                                               \
			return -E2BIG;                                                      \
		out[n++] = (struct sock_filter){ (uint16_t)(c), (uint8_t)(t), (uint8_t)(f), \
						 (uint32_t)(kk) };                         \
	} while (0)

	if (scopes_table_init() != 0)
		return -ENOMEM;
	/* another arch: the pledge's own filter answers (it kills them) */
	EMIT(BPF_LD | BPF_W | BPF_ABS, 0, 0, SD_ARCH);
	EMIT(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, arch);
	EMIT(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	EMIT(BPF_LD | BPF_W | BPF_ABS, 0, 0, SD_NR);
	for (size_t i = 0; i < scopes_unveil_guard_count; i++) {
		const struct scopes_guard_row *g = &scopes_unveil_guard[i];
		long nr = scopes_syscall_number(arch, g->syscall);
		if (nr < 0 || (g->min_abi_free && abi >= g->min_abi_free))
			continue;
		if (g->null_arg < 0) {
			EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, nr);
			EMIT(BPF_RET | BPF_K, 0, 0, RET_EACCES);
			continue;
		}
		/* nr: allowed when the argument is 0 in both halves */
		EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 6, nr);
		EMIT(BPF_LD | BPF_W | BPF_ABS, 0, 0, SD_ARG_LO(g->null_arg));
		EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0);
		EMIT(BPF_LD | BPF_W | BPF_ABS, 0, 0, SD_ARG_HI(g->null_arg));
		EMIT(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
		EMIT(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
		EMIT(BPF_RET | BPF_K, 0, 0, RET_EACCES);
	}
	(void)ai;
	EMIT(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
#undef EMIT
	return (int)n;
}
