/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics (diag.h): the library's stderr lines, the SCOPES_PENALTY
 * override, scopes-trace's handshake and the hint said once per run.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "system.h"

void diag_say(const char *a, const char *b, const char *c)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "scopes: %s%s%s\n", a, b ? b : "", c ? c : "");
	if (n > 0) {
		ssize_t w = write(STDERR_FILENO, line,
				  (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
		(void)w;
	}
}

static int env_penalty_refused;

void diag_refuse_env_penalty(void)
{
	__atomic_store_n(&env_penalty_refused, 1, __ATOMIC_RELAXED);
}

enum scopes_penalty diag_effective_penalty(enum scopes_penalty chosen)
{
	const char *env = getenv("SCOPES_PENALTY");

	if (!env || !*env)
		return chosen;
#ifdef SCOPES_NO_ENV_PENALTY
	diag_say("SCOPES_PENALTY ignored: this libscopes was built without it (SCOPES_ENV_PENALTY=OFF)",
		 NULL, NULL);
	return chosen;
#endif
	if (__atomic_load_n(&env_penalty_refused, __ATOMIC_RELAXED)) {
		diag_say("SCOPES_PENALTY ignored: the program refused it (scopes_refuse_env_penalty)",
			 NULL, NULL);
		return chosen;
	}
	if (sys_secure_exec()) {
		diag_say("SCOPES_PENALTY ignored in a setuid/AT_SECURE process", NULL, NULL);
		return chosen;
	}
	int p = scopes_penalty_parse(env);
	if (p < 0) {
		diag_say("SCOPES_PENALTY=", env, " is not kill|trap|errno|log; ignored");
		return chosen;
	}
	if (p != SCOPES_PENALTY_KILL)
		diag_say("SCOPES_PENALTY=", env,
			 p == SCOPES_PENALTY_LOG ? ": pledge NOT enforced, violations are only logged"
						 : ": pledge penalty changed from the program's choice");
	return (enum scopes_penalty)p;
}

void diag_trace_handshake(const char *promises, const char *execpromises, void *caller)
{
	const char *fdv = getenv("SCOPES_TRACE_FD");
	if (!fdv || !getenv("SCOPES_PENALTY") || sys_secure_exec())
		return;
	char *end;
	long fd = strtol(fdv, &end, 10);
	if (*end || fd < 0 || fd > 1 << 20)
		return;
	char line[4096 + 4096 + 64];
	int n = snprintf(line, sizeof(line), "scopes-pledge\t%s\t%s\t%p\n",
			 promises ? promises : "(null)", execpromises ? execpromises : "(null)",
			 caller);
	if (n > 0 && (size_t)n < sizeof(line)) {
		ssize_t w = write((int)fd, line, (size_t)n);
		(void)w;
	}
}

int diag_hint_repeated(int abi, uint64_t missing)
{
	const char *v = getenv(SCOPES_HINTED_ENV);
	char *end;

	if (!v || !*v)
		return 0;
	errno = 0;
	long said_abi = strtol(v, &end, 10);
	if (errno || end == v || *end != ':' || said_abi != abi)
		return 0;
	v = end + 1;
	if (!isxdigit((unsigned char)*v))
		return 0; /* strtoull would take a sign or spaces */
	uint64_t said = strtoull(v, &end, 16);
	if (errno || end == v || *end)
		return 0;
	return (missing & ~said) == 0;
}

int diag_hint_pass_on(int abi, uint64_t missing)
{
	char v[48];

	snprintf(v, sizeof(v), "%d:%" PRIx64, abi, missing);
	return setenv(SCOPES_HINTED_ENV, v, 1) == 0 ? 0 : -ENOMEM;
}
