/* SPDX-License-Identifier: MIT */
/*
 * no-landlock ERRNO PROGRAM [ARG...]: run PROGRAM as on a kernel without
 * Landlock. A filter answers landlock_create_ruleset with ERRNO (38 ENOSYS:
 * not built in; 95 EOPNOTSUPP: disabled at boot), so the tests can check that
 * path-scoped promises then grant nothing, unveil is refused, and the
 * library says why.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: no-landlock ERRNO PROGRAM [ARG...]\n");
		return 2;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO((unsigned)atoi(argv[1])),
				     SCMP_SYS(landlock_create_ruleset), 0) != 0 ||
	    seccomp_load(ctx) != 0) {
		fprintf(stderr, "no-landlock: cannot install the filter\n");
		return 3;
	}
	seccomp_release(ctx);
	execv(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
