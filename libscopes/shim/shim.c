/* SPDX-License-Identifier: MIT */
/*
 * libscopes-exec.so: narrows an image started by a pledged process to the
 * execpromises it was given (see libscopes/src/exec.h).
 *
 * Preloaded, its constructor runs once the loader has mapped and relocated
 * every library, before the program's main and its own constructors (the
 * constructors of shared libraries the shim does not depend on may run
 * before it: glibc initialises preloaded objects last). It pledges the
 * promises named in SCOPES_EXECPROMISES under SCOPES_EXECPENALTY, as both
 * promises and execpromises, so that images this one starts are narrowed
 * the same way, as on OpenBSD.
 *
 * It can only narrow: the kernel already holds the process to the promises
 * current at the exec, and a pledge adds a filter, never removes one. It does
 * nothing in setuid and other AT_SECURE processes, whose environment is not
 * theirs to trust. If the pledge fails, the program does not run at all.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <scopes.h>

#include "exec.h"

static void fail(const char *what, int err)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "scopes: execpromises could not be applied (%s: %s); "
					     "the program does not run\n", what, strerror(err));
	if (n > 0) {
		ssize_t w = write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
		(void)w;
	}
	_exit(126);
}

static int parse_penalty(const char *s, enum scopes_penalty *p)
{
	static const char *const names[] = { "kill", "trap", "errno", "log" };
	for (int i = 0; i <= SCOPES_PENALTY_LOG; i++) {
		if (strcmp(s, names[i]) == 0) {
			*p = (enum scopes_penalty)i;
			return 0;
		}
	}
	return -1;
}

__attribute__((constructor)) static void scopes_exec_shim(void)
{
	const char *promises = getenv(SCOPES_EXEC_ENV_PROMISES);
	const char *pen = getenv(SCOPES_EXEC_ENV_PENALTY);
	enum scopes_penalty penalty = SCOPES_PENALTY_KILL;

	if (!promises || getauxval(AT_SECURE))
		return;
	if (pen && parse_penalty(pen, &penalty) != 0)
		fail(SCOPES_EXEC_ENV_PENALTY, EINVAL);
	/* A violation reporter loaded into this image (scopes-run --report
	 * preloads it) prepares its report before the pledge. */
	if (penalty == SCOPES_PENALTY_TRAP) {
		int (*install)(unsigned) = (int (*)(unsigned))dlsym(RTLD_DEFAULT, "scopes_sigsys_install");
		if (install && install(0) != 0)
			fail("scopes_sigsys_install", errno);
	}
	if (scopes_set_penalty(penalty) != 0)
		fail("scopes_set_penalty", errno);
	if (scopes_pledge(promises, promises) != 0)
		fail(SCOPES_EXEC_ENV_PROMISES, errno);
}
