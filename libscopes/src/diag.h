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

/*
 * The hint about what the kernel's Landlock cannot restrict is the kernel's,
 * not the program's: said once for the images of one run. scopes-run's
 * child says it at its pledge and passes it on in SCOPES_HINTED
 * ("<abi>:<missing rights, hex>") to the image it execs, whose shim pledges
 * again and need not repeat it. The variable only silences a line whose
 * every word was said already (the same ABI, no right missing beyond those
 * named); it changes no layer and no filter, so whoever sets it can hide a
 * repeated hint and nothing else.
 */
#define SCOPES_HINTED_ENV "SCOPES_HINTED"

/* 1 if SCOPES_HINTED says the hint for (abi, missing) was given already. */
int diag_hint_repeated(int abi, uint64_t missing) SCOPES_HIDDEN;

/* setenv SCOPES_HINTED for (abi, missing); 0, or -ENOMEM. Not thread-safe
 * (setenv): for a single-threaded process about to exec. */
int diag_hint_pass_on(int abi, uint64_t missing) SCOPES_HIDDEN;

#endif
