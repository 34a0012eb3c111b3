/* SPDX-License-Identifier: MIT */
/*
 * Fault injection (linked against the scopes_faulty build): make the n-th
 * allocation, kernel call or libseccomp call fail, for every n until the
 * pledge succeeds, and check that each failure sets an errno from the
 * documented set and leaves the process exactly as it was.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/table.h>

#include "harness.h"

/* scopes_pledge's errno contract (scopes.h) */
static const int contract[] = { EINVAL, EPERM, ENOMEM, ECANCELED, E2BIG, ESRCH, ENOSYS, ENOTSUP,
				EMFILE, EBUSY };

struct fault_case {
	const char *env;
	long n;
};

/* Exit codes: 0 pledge succeeded (fault not reached), 1 failed cleanly,
 * 10+ a broken promise. The errno goes through a pipe. */
static int efd;

static int child_fault(void *arg)
{
	const struct fault_case *c = arg;
	char v[32];
	snprintf(v, sizeof(v), "%ld", c->n);
	setenv(c->env, v, 1);
	errno = 0;
	int rc = scopes_pledge("stdio rpath", NULL);
	int e = errno;
	if (write(efd, &e, sizeof(e)) != sizeof(e))
		return 19;
	if (rc == 0)
		return 0;
	if (rc != -1)
		return 10;
	if (prctl(PR_GET_SECCOMP) != 0)
		return 11; /* a filter was installed by a failed call */
	if (scopes_promises_held() != SCOPES_SET_ALL)
		return 12;
	/* no_new_privs may stay set only when the kernel refused a step after
	 * it: the filter itself (ESRCH), a Landlock layer (E2BIG), dropping
	 * capabilities (EPERM); what stays only narrows (scopes_pledge(3)) */
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0 && e != ESRCH && e != E2BIG && e != EPERM)
		return 13;
	int fd = open("/etc/hostname", O_RDONLY);
	if (fd < 0)
		return 14;
	close(fd);
	/* and a later pledge still works */
	unsetenv(c->env);
	return 1;
}

static int in_contract(int e)
{
	for (size_t i = 0; i < sizeof(contract) / sizeof(contract[0]); i++)
		if (contract[i] == e)
			return 1;
	return 0;
}

static void sweep(const char *env, int want_errno)
{
	int p[2];
	if (pipe(p) != 0)
		abort();
	efd = p[1];
	long n;
	int failures = 0, saw_want = 0;
	for (n = 1; n < 2000; n++) {
		struct fault_case c = { env, n };
		struct child_result r = run_child(child_fault, &c);
		int e = 0;
		if (read(p[0], &e, sizeof(e)) != sizeof(e))
			e = -1;
		CHECK(r.exited && (r.code == 0 || r.code == 1), "%s=%ld: %s (errno %d)", env, n,
		      child_result_str(r), e);
		if (!r.exited || r.code == 0)
			break;
		failures++;
		CHECK(in_contract(e), "%s=%ld: errno %d (%s) is not in the contract", env, n, e,
		      strerrorname_np(e));
		saw_want |= e == want_errno;
	}
	CHECK(n < 2000, "%s: the pledge never succeeded", env);
	CHECK(failures > 0, "%s: no fault point was reached", env);
	CHECK(saw_want, "%s: never saw %s", env, strerrorname_np(want_errno));
	printf("%s: %d fault points, each failed cleanly\n", env, failures);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	sweep("SCOPES_FAULT_ALLOC", ENOMEM);
	sweep("SCOPES_FAULT_KERNEL", ESRCH);
	sweep("SCOPES_FAULT_LIBSECCOMP", ECANCELED);
	return harness_finish("test_faults");
}
