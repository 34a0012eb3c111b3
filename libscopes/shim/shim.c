/* SPDX-License-Identifier: MIT */
/*
 * libscopes-exec.so: narrows an image started by a pledged process to the
 * execpromises it was given (see libscopes/src/exec.h).
 *
 * Preloaded, its constructor runs once the loader has mapped and relocated
 * every library, before any constructor of the program or of its libraries
 * (-z initfirst, see CMakeLists.txt) and before main. It pledges the
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

/*
 * Linked with -z initfirst, this runs before the constructors of every other
 * library, libc's own included: libc has not yet published the environment
 * and the program's name, so they are taken from what glibc passes to every
 * constructor (the same pointers libc's constructor stores a moment later).
 */
__attribute__((constructor)) static void scopes_exec_shim(int argc, char **argv, char **envp)
{
	enum scopes_penalty penalty = SCOPES_PENALTY_KILL;

	if (!environ)
		environ = envp;
	if (!program_invocation_name && argc > 0 && argv && argv[0]) {
		const char *slash = strrchr(argv[0], '/');
		program_invocation_name = argv[0];
		program_invocation_short_name = (char *)(slash ? slash + 1 : argv[0]);
	}
	const char *promises = getenv(SCOPES_EXEC_ENV_PROMISES);
	const char *pen = getenv(SCOPES_EXEC_ENV_PENALTY);
	if (!promises || getauxval(AT_SECURE))
		return;
	if (pen) {
		int p = scopes_penalty_parse(pen);
		if (p < 0)
			fail(SCOPES_EXEC_ENV_PENALTY, EINVAL);
		penalty = (enum scopes_penalty)p;
	}
	/* Log mode does not enforce: whoever set it (the parent's penalty, or
	 * the environment), the image says so, as the library does for
	 * SCOPES_PENALTY. */
	if (penalty == SCOPES_PENALTY_LOG) {
		static const char msg[] = "scopes: " SCOPES_EXEC_ENV_PENALTY
					  "=log: execpromises NOT enforced, violations are only logged\n";
		ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
		(void)w;
	}
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
