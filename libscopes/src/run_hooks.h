/* SPDX-License-Identifier: MIT */
/*
 * The few internal hooks scopes-run uses (it links the static library).
 * Nothing else outside libscopes/ may include a private header.
 */
#ifndef SCOPES_RUN_HOOKS_H
#define SCOPES_RUN_HOOKS_H

#include "exec.h"
#include "landlock.h"

/*
 * scopes_pledge(promises, execpromises) plus exec's loader grants without
 * execve (SCOPES_LOADER_ONLY): the pledge scopes-run makes before it execs a
 * dynamically linked program, with one pinned execve rule of its own.
 * Same returns as scopes_pledge.
 */
int api_pledge_loader_only(const char *promises, const char *execpromises) SCOPES_HIDDEN;

/*
 * From landlock.h, for --report: landlock_log_new_exec() (the pledge's layers
 * log the denials of the program exec'd after them, ABI 7) and landlock_abi();
 * and landlock_hint_pass_on() (a degraded kernel's hint, said by scopes-run's
 * child, is not said again by the program's shim: SCOPES_HINTED).
 */

#endif
