/* SPDX-License-Identifier: MIT */
/*
 * execpromises: how an image started by execve() comes to hold them.
 *
 * The kernel keeps every seccomp filter and Landlock layer across execve, so
 * a new image never holds more than the promises current at the exec. To
 * narrow it further to the execpromises, the library leaves two variables in
 * the environment and puts its shim, libscopes-exec.so, in LD_PRELOAD; the
 * shim's constructor pledges the execpromises once the loader has mapped
 * every library (libscopes/shim/shim.c). The environment can only narrow:
 * a pledge never widens what the kernel already enforces.
 */
#ifndef SCOPES_EXEC_H
#define SCOPES_EXEC_H

#include "scopes.h"
#include "table_internal.h"

/* The promise string the new image pledges (promises and execpromises). */
#define SCOPES_EXEC_ENV_PROMISES "SCOPES_EXECPROMISES"
/* The penalty it pledges them under: kill, trap, errno or log. */
#define SCOPES_EXEC_ENV_PENALTY "SCOPES_EXECPENALTY"
/* The shim's file name, installed next to libscopes.so. */
#define SCOPES_EXEC_SHIM_NAME "libscopes-exec.so"

/* SCOPES_EXECPENALTY's values are the penalty names of the table
 * (scopes_penalty_name, scopes_penalty_parse in <scopes/table.h>). */

/* Find the shim before anything changes. Returns 0, or -ENOENT when it is
 * not installed where this library expects it (the pledge then fails rather
 * than leave the new image wider than asked). */
int exec_prepare(void) SCOPES_HIDDEN;
/* Put the variables and the shim in the environment. Returns 0 or -ENOMEM. */
int exec_arrange(scopes_set_t set, enum scopes_penalty penalty) SCOPES_HIDDEN;
/* Path of the shim (for the loader's Landlock read rule), or NULL if unknown. */
const char *exec_shim_path(void) SCOPES_HIDDEN;
/* For a tool linking the static library (scopes-run): use this shim.
 * Copies path. Returns 0 or -errno (ENAMETOOLONG, EINVAL). */
int exec_set_shim(const char *path) SCOPES_HIDDEN;

#endif
