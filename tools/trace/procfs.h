/* SPDX-License-Identifier: MIT */
/*
 * procfs — what scopes-trace reads about a traced process from /proc while
 * the process waits in a notified system call: its memory (path arguments),
 * maps, auxiliary vector, status, descriptors, and its stack pointer.
 *
 * Every function returns -1 (or NULL) when the process is gone or not
 * readable; callers treat that as "not known". None is async-signal-safe.
 */
#ifndef SCOPES_TRACE_PROCFS_H
#define SCOPES_TRACE_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct map_ent {
	uint64_t lo, hi, off;
	int exec;
	const char *path; /* interned (lives as long as the program); NULL if anonymous */
};

struct maps {
	struct map_ent *ent;
	size_t n;
};

/* Read /proc/PID/maps into m (freeing what it held). Returns 0 or -1. */
int proc_maps_read(long pid, struct maps *m);
void proc_maps_free(struct maps *m);
/* The mapping containing addr, or NULL. */
const struct map_ent *proc_maps_find(const struct maps *m, uint64_t addr);

/* Intern a string: equal strings give the same pointer, kept until exit. */
const char *intern(const char *s);

/* Read n bytes of the process's memory at addr. Returns the count read
 * (short at an unmapped page), or -1. */
ssize_t proc_mem_read(long pid, uint64_t addr, void *buf, size_t n);
/* Read a NUL-terminated string (at most size-1 bytes; longer ones are cut
 * and end in "..."). Returns 0, or -1 if nothing could be read. */
int proc_mem_string(long pid, uint64_t addr, char *out, size_t size);

/* Auxiliary vector entries of interest (0 when absent). */
struct auxv_info {
	uint64_t base;   /* AT_BASE: the interpreter's load address */
	uint64_t entry;  /* AT_ENTRY */
	uint64_t random; /* AT_RANDOM: a stack address, new at every exec */
	uint64_t execfn; /* AT_EXECFN */
};
int proc_auxv(long pid, struct auxv_info *a);

/* Tgid and PPid from /proc/TID/status. Returns 0 or -1. */
int proc_status(long tid, long *tgid, long *ppid);

/* readlink of /proc/PID/<what> ("exe", "cwd", "fd/3") into out. Returns 0 or -1. */
int proc_link(long pid, const char *what, char *out, size_t size);

/* The lowest descriptor number the process does not have open, or -1. */
int proc_lowest_free_fd(long pid);

/* Read a small text file (a /proc or /proc/sys entry) into buf,
 * NUL-terminated. Returns the length, or -1 if unreadable or empty. */
ssize_t read_small_file(const char *path, char *buf, size_t size);

/* Stack and instruction pointers of a thread blocked in a system call
 * (/proc/TID/syscall). Returns 0 or -1. */
int proc_syscall_sp(long tid, uint64_t *sp, uint64_t *pc);

#endif
