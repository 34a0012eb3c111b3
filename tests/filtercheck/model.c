/* SPDX-License-Identifier: MIT */
/*
 * The meaning of the promise table, re-derived from <scopes/table.h>'s row
 * descriptions and docs/promises.md:
 *
 *  - Another architecture than the filter's, and x86_64's x32 numbers
 *    (nr | 0x40000000), are killed whatever the penalty.
 *  - An ALWAYS row allows its call (with its conditions) under every set.
 *  - An ENOSYS row answers ENOSYS under every set.
 *  - A GRANT row allows its call when the set holds one promise of `any`
 *    (or `any` is empty) and every promise of `all`; a row flagged
 *    path-scoped only when path-scoped grants are compiled in (Landlock),
 *    otherwise it grants nothing (fail closed).
 *  - A FAIL row answers ERRNO(errnum) when the set holds one of `any` and
 *    none of `unless`.
 *  - NEVER rows and numbers no row names get the default: ERRNO(ENOSYS)
 *    when `error` is held, else the penalty.
 *  - A condition holds when (arg & mask) == value over all 64 bits;
 *    SCOPES_VALUE_SELF_PID stands for the caller's pid.
 * The rows are meant to be unambiguous: when rows with different answers
 * match one call, the answer is flagged as an overlap (a table bug).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define X32_BIT 0x40000000u

scopes_set_t model_promise_bit(const char *name)
{
	int idx = scopes_promise_index(name, strlen(name));
	return idx < 0 ? 0 : (scopes_set_t)1 << idx;
}

uint32_t model_default_action(scopes_set_t set, enum scopes_penalty penalty)
{
	if (set & model_promise_bit("error"))
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

int model_needs_landlock(scopes_set_t set)
{
	for (int i = 0; i < scopes_promise_count(); i++)
		if ((set & ((scopes_set_t)1 << i)) &&
		    (scopes_promise_flags(i) & SCOPES_PROMISE_PATHSCOPED))
			return 1;
	return 0;
}

/* Is the row in force for this set, and with which answer? 0 if not. */
static uint32_t row_action(const struct scopes_row *r, scopes_set_t set, int landlock)
{
	switch (r->kind) {
	case SCOPES_ROW_ALWAYS:
		return SECCOMP_RET_ALLOW;
	case SCOPES_ROW_ENOSYS:
		return SECCOMP_RET_ERRNO | ENOSYS;
	case SCOPES_ROW_GRANT:
		if ((r->flags & SCOPES_ALT_PATHSCOPED) && !landlock)
			return 0;
		if (r->any != 0 && (set & r->any) == 0)
			return 0;
		if ((set & r->all) != r->all)
			return 0;
		return SECCOMP_RET_ALLOW;
	case SCOPES_ROW_FAIL:
		if ((set & r->any) == 0 || (set & r->unless) != 0)
			return 0;
		return SECCOMP_RET_ERRNO | ((uint32_t)r->errnum & SECCOMP_RET_DATA);
	case SCOPES_ROW_NEVER:
	default:
		return 0;
	}
}

int model_init(struct model *m, scopes_set_t set, enum scopes_penalty penalty, int landlock,
	       uint64_t self_pid)
{
	size_t nrows = scopes_row_count();
	unsigned count[MODEL_NR_MAX] = {0};
	long *nrs = calloc(nrows ? nrows : 1, sizeof(*nrs));

	memset(m, 0, sizeof(*m));
	if (!nrs)
		return -1;
	m->set = set;
	m->penalty = penalty;
	m->landlock = landlock;
	m->arch = scopes_native_arch();
	m->deflt = model_default_action(set, penalty);
	m->self_pid = self_pid;

	size_t total = 0;
	for (size_t i = 0; i < nrows; i++) {
		const struct scopes_row *r = scopes_row_get(i);
		nrs[i] = scopes_syscall_number(m->arch, r->syscall);
		if (nrs[i] < 0 || nrs[i] >= MODEL_NR_MAX || !row_action(r, set, landlock))
			continue;
		count[nrs[i]]++;
		total++;
	}
	m->entry = calloc(total ? total : 1, sizeof(*m->entry));
	if (!m->entry) {
		free(nrs);
		return -1;
	}
	m->start[0] = 0;
	for (int nr = 0; nr < MODEL_NR_MAX; nr++)
		m->start[nr + 1] = m->start[nr] + count[nr];
	unsigned fill[MODEL_NR_MAX];
	memcpy(fill, m->start, sizeof(fill));
	for (size_t i = 0; i < nrows; i++) {
		const struct scopes_row *r = scopes_row_get(i);
		uint32_t act;
		if (nrs[i] < 0 || nrs[i] >= MODEL_NR_MAX || !(act = row_action(r, set, landlock)))
			continue;
		m->entry[fill[nrs[i]]++] = (struct model_entry){.action = act, .row = r};
	}
	free(nrs);
	return 0;
}

void model_free(struct model *m)
{
	free(m->entry);
	m->entry = NULL;
}

static int row_matches(const struct model *m, const struct scopes_row *r, const __u64 args[6])
{
	for (unsigned c = 0; c < r->ncond; c++) {
		const struct scopes_cond *k = &r->cond[c];
		uint64_t want = k->value == SCOPES_VALUE_SELF_PID ? m->self_pid : k->value;
		if (k->arg > 5 || (args[k->arg] & k->mask) != want)
			return 0;
	}
	return 1;
}

struct model_answer model_eval(const struct model *m, const struct seccomp_data *d)
{
	struct model_answer a = {0};
	uint32_t nr = (uint32_t)d->nr;

	if (d->arch != m->arch) {
		a.want = a.also = SECCOMP_RET_KILL_PROCESS;
		return a;
	}
	if (m->arch == SCOPES_ARCH_X86_64 && nr != 0xffffffffu && (nr & X32_BIT)) {
		a.want = a.also = SECCOMP_RET_KILL_PROCESS;
		return a;
	}
	a.want = a.also = m->deflt;
	if (nr >= MODEL_NR_MAX) {
		/* No syscall has such a number: denied (docs/promises.md). Killing
		 * is the stricter denial, accepted as well. */
		a.also = SECCOMP_RET_KILL_PROCESS;
		return a;
	}
	int allowed = 0;
	uint32_t other = 0;
	for (unsigned i = m->start[nr]; i < m->start[nr + 1]; i++) {
		const struct model_entry *e = &m->entry[i];
		if (!row_matches(m, e->row, d->args))
			continue;
		if (e->action == SECCOMP_RET_ALLOW) {
			allowed = 1;
		} else {
			if (other && other != e->action)
				a.overlap = 1;
			other = e->action;
		}
	}
	if (allowed && other)
		a.overlap = 1;
	if (allowed)
		a.want = a.also = SECCOMP_RET_ALLOW;
	else if (other)
		a.want = a.also = other;
	return a;
}

int model_always_allowed(const struct model *m, int nr)
{
	if (nr < 0 || nr >= MODEL_NR_MAX)
		return 0;
	for (unsigned i = m->start[nr]; i < m->start[nr + 1]; i++)
		if (m->entry[i].action == SECCOMP_RET_ALLOW && m->entry[i].row->ncond == 0)
			return 1;
	return 0;
}

const char *model_action_str(uint32_t action, char *buf, size_t size)
{
	uint32_t data = action & SECCOMP_RET_DATA;

	switch (action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS:
		snprintf(buf, size, "KILL_PROCESS");
		break;
	case SECCOMP_RET_KILL_THREAD:
		snprintf(buf, size, "KILL_THREAD");
		break;
	case SECCOMP_RET_TRAP:
		snprintf(buf, size, "TRAP(%u)", data);
		break;
	case SECCOMP_RET_ERRNO:
		snprintf(buf, size, "ERRNO(%u)", data);
		break;
	case SECCOMP_RET_LOG:
		snprintf(buf, size, "LOG");
		break;
	case SECCOMP_RET_ALLOW:
		snprintf(buf, size, "ALLOW");
		break;
	default:
		snprintf(buf, size, "0x%08x", action);
		break;
	}
	return buf;
}
