/* SPDX-License-Identifier: MIT */
/*
 * The filter builder: a promise set and a penalty in, a BPF program out.
 *
 * bpfgen.c generates the program from the table (a balanced search on the
 * syscall number, so a call is found in O(log n) and calls granted without
 * argument checks stay in the kernel's constant-action cache); libseccomp's
 * generator, used before issue 16, is now only the oracle tests/filtercheck
 * compares every program with (tests/filtercheck/oracle.c). The
 * program is kept, not loaded, so that a compiled filter can be applied many
 * times (scopes_apply in forked workers) and bound to the caller's pid.
 */
#define _GNU_SOURCE
#include <errno.h>
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
		return SECCOMP_RET_ERRNO | ENOSYS;
	switch (penalty) {
	case SCOPES_PENALTY_TRAP:
		return SECCOMP_RET_TRAP;
	case SCOPES_PENALTY_ERRNO:
		return SECCOMP_RET_ERRNO | EPERM;
	case SCOPES_PENALTY_LOG:
		return SECCOMP_RET_LOG;
	case SCOPES_PENALTY_KILL:
	default:
		return SECCOMP_RET_KILL_PROCESS;
	}
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

int filter_build(scopes_set_t set, enum scopes_penalty penalty, int landlock,
		 struct scopes_filter **out)
{
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

	rc = generate_own(f);
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
