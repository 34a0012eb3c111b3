/* SPDX-License-Identifier: MIT */
/*
 * notify_paths — what a notified call's memory and path arguments say:
 * strings read from the traced thread, and the file a call acts on,
 * resolved as Landlock resolves it (see notify_proc.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfinfo.h"
#include "notify_proc.h"
#include "procfs.h"
#include "srcline.h"

/* ------------------------------------------------- per-process caches
 *
 * Reading a call's path cost about 11 system calls of ours per traced call
 * (open, read and close /proc/PID/mem; a readlink per path component to
 * resolve it). Kept: the mem file per process until its next exec, its
 * working directory until a chdir, and each directory's resolution until a
 * call of the tree changes the namespace (create, remove, rename, link). */

static ssize_t notify_proc_mem(struct proc *p, long tid, uint64_t addr, void *buf, size_t n)
{
	if (p && p->memfd < 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%ld/mem", p->pm.pid);
		p->memfd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (p && p->memfd >= 0) {
		ssize_t r = pread(p->memfd, buf, n, (off_t)addr);
		if (r > 0)
			return r;
	}
	return proc_mem_read(tid, addr, buf, n); /* a leader gone: the thread's own */
}

static const char *notify_proc_cwd(struct proc *p, long tid)
{
	char buf[PATH_MAX];
	if (!p->cwd && proc_link(tid, "cwd", buf, sizeof(buf)) == 0)
		p->cwd = strdup(buf);
	return p->cwd;
}

#define DIRCACHE_SIZE 1024
static struct dircache_ent {
	char *dir, *real; /* real NULL: the directory does not exist (yet) */
} dircache[DIRCACHE_SIZE];
static unsigned long dircache_used; /* entries filled since the last flush */

void notify_dircache_flush(void)
{
	if (!dircache_used)
		return;
	for (size_t i = 0; i < DIRCACHE_SIZE; i++) {
		free(dircache[i].dir);
		free(dircache[i].real);
		dircache[i].dir = dircache[i].real = NULL;
	}
	dircache_used = 0;
}

/* The directory resolved as Landlock resolves it (symbolic links followed),
 * cached; *exists 0 when it does not resolve. */
static const char *dir_resolved(const char *dir, int *exists)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *c = dir; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	struct dircache_ent *e = &dircache[h % DIRCACHE_SIZE];
	if (!e->dir || strcmp(e->dir, dir) != 0) {
		free(e->dir);
		free(e->real);
		e->dir = strdup(dir);
		e->real = realpath(dir, NULL);
		dircache_used++;
	}
	*exists = e->real != NULL;
	return e->real ? e->real : dir;
}

/* Does this call change what paths resolve to? Then the cached directory
 * resolutions may be stale after it runs. */
int notify_changes_namespace(const char *name)
{
	static const char *const names[] = { "mkdir", "mkdirat", "rmdir", "rename", "renameat",
					     "renameat2", "unlink", "unlinkat", "symlink",
					     "symlinkat", "link", "linkat", "mount", "umount2",
					     "chroot", "pivot_root", "mknod", "mknodat", NULL };
	for (int i = 0; name && names[i]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* ---------------------------------------------------------- the call */

size_t notify_mem_read(void *ctx, uint64_t addr, char *dst, size_t len)
{
	struct memreader *mr = ctx;
	if (len > PATH_READ_MAX)
		len = PATH_READ_MAX;
	for (int i = 0; i < mr->n; i++) {
		if (mr->cache[i].addr == addr && mr->cache[i].len >= len) {
			memcpy(dst, mr->cache[i].buf, len);
			return len;
		}
	}
	/* page by page: the next page may be unmapped where the string ends */
	size_t got = 0;
	while (got < len) {
		size_t chunk = 4096 - (size_t)((addr + got) & 4095);
		if (chunk > len - got)
			chunk = len - got;
		ssize_t r = notify_proc_mem(mr->p, mr->tid, addr + got, dst + got, chunk);
		if (r <= 0)
			break;
		got += (size_t)r;
		if (memchr(dst + got - (size_t)r, '\0', (size_t)r))
			break;
	}
	int slot = mr->n < 4 ? mr->n++ : 3;
	mr->cache[slot].addr = addr;
	mr->cache[slot].len = got;
	memcpy(mr->cache[slot].buf, dst, got);
	return got;
}

/* The directory a relative path argument is relative to: the *at calls take
 * it as their first argument (symlinkat's first path is the link's target,
 * not a place it acts on: no object). Returns the argument index, -1 for
 * the working directory, -2 when the call has no usable object path. */
static int dirfd_arg(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (!n || strcmp(name, "symlinkat") == 0)
		return -2;
	if ((n > 2 && strcmp(name + n - 2, "at") == 0) || (n > 3 && strcmp(name + n - 3, "at2") == 0) ||
	    strcmp(name, "statx") == 0 || strcmp(name, "openat2") == 0)
		return 0;
	return -1;
}

/* Where the call acts: its path argument joined with the directory it is
 * relative to, or (no path) the file its first argument, a descriptor,
 * names; symbolic links resolved when the file exists, as Landlock
 * resolves them. */
void notify_object_path(struct proc *p, long tid, const char *name, const uint64_t *args,
			const char *path, char *out, size_t size)
{
	char base[PATH_MAX], joined[PATH_MAX * 2], what[32];
	int dfd_idx = dirfd_arg(name);

	out[0] = '\0';
	if (dfd_idx == -2)
		return;
	if (path && path[0] == '/') {
		snprintf(joined, sizeof(joined), "%s", path);
	} else if (path) {
		int dfd = dfd_idx >= 0 ? (int)args[dfd_idx] : AT_FDCWD;
		const char *dir = NULL;
		if (dfd == AT_FDCWD) {
			dir = notify_proc_cwd(p, tid);
		} else {
			snprintf(what, sizeof(what), "fd/%d", dfd);
			if (proc_link(tid, what, base, sizeof(base)) == 0)
				dir = base;
		}
		if (!dir)
			return;
		snprintf(joined, sizeof(joined), "%s/%s", dir, path);
	} else {
		/* a descriptor's link is already the kernel's resolved path */
		snprintf(what, sizeof(what), "fd/%d", (int)args[0]);
		if (proc_link(tid, what, out, size) != 0 || out[0] != '/')
			out[0] = '\0';
		return;
	}
	/* the directory from the cache; the last component itself only if it
	 * is a symbolic link (one readlink says so) */
	char *slash = strrchr(joined, '/');
	const char *last = slash + 1;
	char resolved[PATH_MAX * 2 + 2];
	const char *src = NULL;
	char *r = NULL;
	if (*last && strcmp(last, ".") != 0 && strcmp(last, "..") != 0) {
		*slash = '\0';
		int exists;
		const char *dir = dir_resolved(joined[0] ? joined : "/", &exists);
		*slash = '/';
		if (exists) {
			char link[8];
			snprintf(resolved, sizeof(resolved), "%s/%s", strcmp(dir, "/") ? dir : "", last);
			/* not a link, or not there (yet): as named; a link: in full */
			if (readlink(resolved, link, sizeof(link)) < 0 &&
			    (errno == EINVAL || errno == ENOENT || errno == ENOTDIR))
				src = resolved;
		}
	}
	if (!src) {
		r = realpath(joined, NULL);
		src = r ? r : joined;
	}
	size_t l = strlen(src);
	if (l < size) /* a longer path is no Landlock path we compare with */
		memcpy(out, src, l + 1);
	free(r);
}
