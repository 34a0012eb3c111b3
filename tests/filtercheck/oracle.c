/* SPDX-License-Identifier: MIT */
/* libseccomp's program for the table's rows: see oracle.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "model.h"
#include "oracle.h"

#define ORACLE_ROWS_MAX 2048

/* The rows' numbers on the native arch, once (the name lookup is slow). */
static long row_nr[ORACLE_ROWS_MAX];
static size_t nrows;

static int rows_init(void)
{
	if (nrows)
		return 0;
	size_t n = scopes_row_count();
	if (n > ORACLE_ROWS_MAX) {
		errno = E2BIG;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		row_nr[i] = scopes_syscall_number(scopes_native_arch(), scopes_row_get(i)->syscall);
	nrows = n;
	return 0;
}

/* Does every call row a allows also satisfy row b? (the builder drops an
 * allow row another included allow row covers; so does the oracle, which
 * keeps libseccomp's program what libscopes used to install) */
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

static uint32_t row_action(const struct scopes_row *r, scopes_set_t set, int landlock)
{
	switch (r->kind) {
	case SCOPES_ROW_ALWAYS:
		return SCMP_ACT_ALLOW;
	case SCOPES_ROW_ENOSYS:
		return SCMP_ACT_ERRNO(ENOSYS);
	case SCOPES_ROW_GRANT:
		return scopes_row_granted(r, set, landlock) ? SCMP_ACT_ALLOW : 0;
	case SCOPES_ROW_FAIL:
		return scopes_row_granted(r, set, landlock) ? SCMP_ACT_ERRNO((uint32_t)r->errnum)
							    : 0;
	default:
		return 0;
	}
}

static int covered(size_t i, scopes_set_t set, int landlock)
{
	const struct scopes_row *r = scopes_row_get(i);
	for (size_t j = 0; j < nrows; j++) {
		if (j == i || row_nr[j] != row_nr[i])
			continue;
		const struct scopes_row *o = scopes_row_get(j);
		if (row_action(o, set, landlock) != SCMP_ACT_ALLOW)
			continue;
		if (row_implies(r, o) && (!row_implies(o, r) || j < i))
			return 1;
	}
	return 0;
}

static int add_rows(scmp_filter_ctx ctx, scopes_set_t set, int landlock, uint32_t deflt)
{
	for (size_t i = 0; i < nrows; i++) {
		const struct scopes_row *r = scopes_row_get(i);
		uint32_t action = row_action(r, set, landlock);
		struct scmp_arg_cmp cmp[SCOPES_COND_MAX];

		if (row_nr[i] < 0 || !action || action == deflt)
			continue;
		if (action == SCMP_ACT_ALLOW && covered(i, set, landlock))
			continue;
		for (unsigned c = 0; c < r->ncond; c++) {
			const struct scopes_cond *k = &r->cond[c];
			if (k->mask == ~0ULL)
				cmp[c] = (struct scmp_arg_cmp){ k->arg, SCMP_CMP_EQ, k->value, 0 };
			else
				cmp[c] = (struct scmp_arg_cmp){ k->arg, SCMP_CMP_MASKED_EQ, k->mask,
								k->value };
		}
		int rc = seccomp_rule_add_exact_array(ctx, action, (int)row_nr[i], r->ncond, cmp);
		if (rc < 0 && rc != -EEXIST)
			return rc;
	}
	return 0;
}

int oracle_build(scopes_set_t set, enum scopes_penalty penalty, int landlock,
		 struct sock_filter **prog, size_t *count)
{
	uint32_t deflt = model_default_action(set, penalty);
	int rc = -ECANCELED, fd = -1;
	scmp_filter_ctx ctx;

	if (rows_init() != 0)
		return -1;
	ctx = seccomp_init(deflt);
	if (!ctx) {
		errno = ECANCELED;
		return -1;
	}
	/* foreign ABIs (x32 numbers, other arches) killed whatever the penalty */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2))
		goto out;
	rc = add_rows(ctx, set, landlock, deflt);
	if (rc < 0)
		goto out;
	fd = memfd_create("oracle", MFD_CLOEXEC);
	if (fd < 0 || seccomp_export_bpf(ctx, fd) < 0) {
		rc = -ECANCELED;
		goto out;
	}
	off_t len = lseek(fd, 0, SEEK_END);
	if (len <= 0 || len % (off_t)sizeof(struct sock_filter)) {
		rc = -ECANCELED;
		goto out;
	}
	*prog = malloc((size_t)len);
	if (!*prog) {
		rc = -ENOMEM;
		goto out;
	}
	if (pread(fd, *prog, (size_t)len, 0) != len) {
		free(*prog);
		rc = -EIO;
		goto out;
	}
	*count = (size_t)len / sizeof(struct sock_filter);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}
