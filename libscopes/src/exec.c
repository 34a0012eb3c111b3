/* SPDX-License-Identifier: MIT */
/*
 * execpromises (see exec.h): find the shim, and leave it and the promises in
 * the environment for the images this process starts.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"

/* The shim's private directory, next to libscopes.so (the build sets both) */
#ifndef SCOPES_SHIM_SUBDIR
#define SCOPES_SHIM_SUBDIR "scopes"
#endif
#ifndef SCOPES_SHIM_INSTALL_PATH
#define SCOPES_SHIM_INSTALL_PATH "/usr/local/lib/" SCOPES_SHIM_SUBDIR "/" SCOPES_EXEC_SHIM_NAME
#endif

static struct {
	int located;      /* 1: path is final */
	char path[4096];
} shim;

int exec_set_shim(const char *path)
{
	size_t len = strlen(path);
	if (len >= sizeof(shim.path))
		return -ENAMETOOLONG;
	if (path[0] != '/')
		return -EINVAL;
	memcpy(shim.path, path, len + 1);
	shim.located = 1;
	return 0;
}

/*
 * The shim sits in its private directory next to libscopes.so
 * (<libdir>/scopes/): the loader tells where this library was loaded from,
 * so a moved install still finds it. Linked statically into a program, the
 * library falls back to the path of the configured install.
 */
static void locate(void)
{
	Dl_info info;

	if (shim.located)
		return;
	if (dladdr((void *)locate, &info) && info.dli_fname) {
		const char *slash = strrchr(info.dli_fname, '/');
		const char *base = slash ? slash + 1 : info.dli_fname;
		if (slash && strncmp(base, "libscopes.so", 12) == 0) {
			int n = snprintf(shim.path, sizeof(shim.path), "%.*s/%s/%s",
					 (int)(slash - info.dli_fname), info.dli_fname,
					 SCOPES_SHIM_SUBDIR, SCOPES_EXEC_SHIM_NAME);
			if (n > 0 && (size_t)n < sizeof(shim.path)) {
				shim.located = 1;
				return;
			}
		}
	}
	snprintf(shim.path, sizeof(shim.path), "%s", SCOPES_SHIM_INSTALL_PATH);
	shim.located = 1;
}

const char *exec_shim_path(void)
{
	locate();
	return shim.path[0] == '/' ? shim.path : NULL;
}

/*
 * Is the shim there? Checked only while an access() cannot be denied by a
 * filter of this process (before any pledge, or with rpath, wpath or exec,
 * which grant it): a check must never be the violation that kills.
 */
int exec_prepare(void)
{
	const char *path = exec_shim_path();
	scopes_set_t held = scopes_promises_held();

	if (!path || strpbrk(path, " :"))
		return -ENOENT; /* LD_PRELOAD cannot name it */
	if (held == SCOPES_SET_ALL || (held & (SCOPES_P(RPATH) | SCOPES_P(WPATH) | SCOPES_P(EXEC)))) {
		if (access(path, R_OK) != 0)
			return -ENOENT;
	}
	return 0;
}

/* LD_PRELOAD with the shim first, unless it is there already. */
static int preload_with_shim(const char *path)
{
	const char *old = getenv("LD_PRELOAD");
	size_t plen = strlen(path);

	if (old) {
		for (const char *p = old; (p = strstr(p, path)) != NULL; p += plen) {
			int starts = p == old || p[-1] == ' ' || p[-1] == ':';
			int ends = p[plen] == '\0' || p[plen] == ' ' || p[plen] == ':';
			if (starts && ends)
				return 0;
		}
	}
	if (!old || !*old)
		return setenv("LD_PRELOAD", path, 1) == 0 ? 0 : -ENOMEM;
	size_t len = plen + 1 + strlen(old) + 1;
	char *v = malloc(len);
	if (!v)
		return -ENOMEM;
	snprintf(v, len, "%s:%s", path, old);
	int rc = setenv("LD_PRELOAD", v, 1) == 0 ? 0 : -ENOMEM;
	free(v);
	return rc;
}

int exec_arrange(scopes_set_t set, enum scopes_penalty penalty)
{
	char promises[4096];
	const char *path = exec_shim_path();

	if (!path)
		return -ENOENT;
	if (scopes_promises_format(set, promises, sizeof(promises)) >= sizeof(promises))
		return -E2BIG;
	if ((unsigned)penalty > SCOPES_PENALTY_LOG)
		return -EINVAL;
	if (setenv(SCOPES_EXEC_ENV_PROMISES, promises, 1) != 0 ||
	    setenv(SCOPES_EXEC_ENV_PENALTY, scopes_penalty_name(penalty), 1) != 0)
		return -ENOMEM;
	return preload_with_shim(path);
}
