/* SPDX-License-Identifier: MIT */
/*
 * The notify backend's view of a traced process (struct proc, its
 * procmodel entry and what this backend keeps besides), shared by its
 * files: backend_notify.c (the listener, the calls, the loop),
 * notify_paths.c (strings and paths read from the process) and
 * notify_where.c (where a call was made). Used by the tracer's one
 * thread; nothing here is async-signal-safe.
 */
#ifndef SCOPES_TRACE_NOTIFY_PROC_H
#define SCOPES_TRACE_NOTIFY_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfs.h"
#include "procmodel.h"
#include "trace.h"

#define PATH_READ_MAX 4096

/* A process: its image and start-up (pm; image -1: the tracer's own child,
 * before its exec), and what this backend keeps besides. */
struct proc {
	struct pm_proc pm; /* first: the table allocates the whole struct */
	int segment;
	int pending_pledge; /* handshake seen, filter load not yet */
	long exec_tid;
	char *exec_path;
	struct auxv_info exec_auxv;
	struct maps maps;
	int maps_dirty;
	int memfd;          /* /proc/PID/mem, kept open until the next exec
			     * (an open mem file stays on the mm it was opened on) */
	char *cwd;          /* cached; NULL after a chdir (read again when needed) */
	/* a descriptor a FAIL-row call created (see trace.h "moot") */
	int moot_state;     /* 0 none, 1 to check at moot_tid's next call, 2 armed */
	long moot_tid;
	int moot_fd;
	char moot_link[64];
	scopes_set_t moot_under;
	const char *moot_why;
};

/* ------------------------------------------------------- notify_paths.c */

/* Strings the decoder asks for, read from the traced thread's memory once
 * per call (the decoder and the path lookup ask for the same ones). */
struct memreader {
	struct proc *p;
	long tid;
	int n;
	struct {
		uint64_t addr;
		size_t len;
		char buf[PATH_READ_MAX];
	} cache[4];
};


/* decode_reader's read callback: ctx is a struct memreader. Returns the
 * bytes read (0 when nothing could be). */
size_t notify_mem_read(void *ctx, uint64_t addr, char *dst, size_t len);

/* Where the call acts (name, args: the call; path: its path argument as
 * read, or NULL), absolute, symbolic links resolved as Landlock resolves
 * them, into out ("" when unknown). */
void notify_object_path(struct proc *p, long tid, const char *name, const uint64_t *args,
			const char *path, char *out, size_t size);

/* Does the call name change what paths resolve to? Then forget every
 * directory's resolution (notify_dircache_flush) after it ran. */
int notify_changes_namespace(const char *name);
void notify_dircache_flush(void);

/* ------------------------------------------------------- notify_where.c */

/* Read p's maps again if a call may have changed them. Returns 0 or -1. */
int notify_maps_fresh(struct proc *p);
/* addr as module + file offset ({NULL, addr} when unknown). */
struct tr_loc notify_locate(struct proc *p, uint64_t addr);
/* The first return address into the program's own code (not the C library
 * or the loader) of thread tid, stopped in a call made from where; {NULL, 0}
 * when none is found. */
struct tr_loc notify_find_caller(struct proc *p, long tid, const struct tr_loc *where);

#endif
