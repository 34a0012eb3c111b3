/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: what libscopes says on stderr, and the overrides a diagnostic
 * run makes through the environment (SCOPES_PENALTY, scopes-trace's
 * SCOPES_TRACE_FD handshake). The rest of the library decides; this room
 * only speaks and reads the environment's wishes.
 */
#ifndef SCOPES_DIAG_H
#define SCOPES_DIAG_H

#include "scopes.h"
#include "table_internal.h"

/* Write "scopes: <a><b><c>\n" to stderr in one write(2), without stdio
 * (its buffers may be mid-use); b and c may be NULL. Lines are cut at 511
 * bytes. Safe to call with any lock held; not async-signal-safe (snprintf). */
void diag_say(const char *a, const char *b, const char *c) SCOPES_HIDDEN;

/* scopes_refuse_env_penalty(): SCOPES_PENALTY is ignored from now on. */
void diag_refuse_env_penalty(void) SCOPES_HIDDEN;

/*
 * The penalty a pledge uses: chosen (scopes_set_penalty's), unless
 * SCOPES_PENALTY names another one for diagnosis (scopes-trace sets it to
 * log). Anything but kill weakens the pledge, so it is announced at every
 * pledge; the variable is never honoured in AT_SECURE (setuid, file caps)
 * processes, after diag_refuse_env_penalty(), or in a build with
 * SCOPES_ENV_PENALTY=OFF (each said on stderr).
 */
enum scopes_penalty diag_effective_penalty(enum scopes_penalty chosen) SCOPES_HIDDEN;

/*
 * The tracer's handshake: in a diagnostic run (SCOPES_PENALTY set, not
 * AT_SECURE) with SCOPES_TRACE_FD=n, each pledge writes one line to fd n:
 *   "scopes-pledge\t<promises>\t<execpromises>\t<caller address>\n"
 * so scopes-trace can split its findings by pledge point.
 */
void diag_trace_handshake(const char *promises, const char *execpromises, void *caller) SCOPES_HIDDEN;

#endif
