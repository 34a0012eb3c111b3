/* SPDX-License-Identifier: MIT */
/*
 * procmodel — the traced tree as both backends model it: its processes (by
 * pid), the image each one runs (the program after each exec) and, for each
 * call, whether it is the image's start-up (its program interpreter before
 * the program's own code ran) or the program's.
 *
 * The backends learn different things about an image: notify reads the
 * interpreter's mapping (AT_BASE and /proc/PID/maps); log sees only each
 * record's instruction pointer and places the interpreter by the load
 * addresses that put it just after one of the interpreter's system call
 * instructions. Either way the phase is the same rule: start-up until the
 * first call made from anywhere else, then the program's for good.
 *
 * A backend keeps its own per-process state in a struct whose first member
 * is a struct pm_proc; the table allocates that whole struct (zeroed).
 * Nothing here is thread-safe; none of it is async-signal-safe.
 */
#ifndef SCOPES_TRACE_PROCMODEL_H
#define SCOPES_TRACE_PROCMODEL_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

struct elf_file;

/* How far a process is into its image's start-up. */
enum pm_loader {
	PM_LOADER_DONE,   /* the program's code runs (or there is no start-up) */
	PM_LOADER_MAPPED, /* in the interpreter's mapping [ilo, ihi) */
	PM_LOADER_SITES,  /* at a system call site of interp loaded at one of cand[] */
};

struct pm_proc {
	long pid;
	int image;          /* index into run->images; -1 before its first exec */
	int exec_pending;   /* it called execve: the next call tells if it worked */
	enum pm_loader loader;
	uint64_t ilo, ihi;  /* the interpreter's mapping (notify), kept after start-up */
	struct elf_file *interp;
	uint64_t cand[8];   /* possible load addresses of interp (log) */
	int ncand;
};

struct pm_table {
	struct trace_run *run; /* its processes counter counts additions */
	size_t size;           /* bytes per process: the backend's struct */
	struct pm_proc **procs;
	size_t n, cap;
};

/* An empty table whose processes are size bytes (>= sizeof(struct pm_proc)). */
void pm_table_init(struct pm_table *t, struct trace_run *run, size_t size);
/* Free the table and every process still in it (the backend has released
 * what its part of each holds). */
void pm_table_free(struct pm_table *t);

/* The process pid, or NULL. */
struct pm_proc *pm_find(const struct pm_table *t, long pid);
/*
 * pm_add - a new process pid, zeroed, counted in run->processes. A forked
 * one (parent not NULL) runs its parent's image, past its start-up, with
 * the interpreter where the parent has it; else its image is not known
 * (-1). Returns NULL when memory ran out.
 */
struct pm_proc *pm_add(struct pm_table *t, long pid, const struct pm_proc *parent);
/* Remove p from the table and free it. */
void pm_remove(struct pm_table *t, struct pm_proc *p);

/*
 * pm_image_start - p runs a new image (path as exec'd, exe as the kernel
 * names it, interp its PT_INTERP or NULL), started by image parent (-1:
 * none). Records it in run and makes it p's. Its start-up is not touched:
 * the backend places the interpreter (pm_loader_*), before or after.
 */
void pm_image_start(struct pm_table *t, struct pm_proc *p, const char *path, const char *exe,
		    const char *interp, int parent);

/* Start-up ends at once (static programs, loaders that are the C library). */
void pm_loader_none(struct pm_proc *p);
/* The interpreter is mapped at [lo, hi); start-up only if glibc is set
 * (a glibc ld.so, which runs nothing of the program's before libc's early
 * initialisation). */
void pm_loader_mapped(struct pm_proc *p, uint64_t lo, uint64_t hi, int glibc);
/* The image's first call is its interpreter's (interp, a path or NULL),
 * made from ip: keep the page-aligned load addresses that explain it.
 * Start-up only for a glibc ld.so with at least one such address. */
void pm_loader_sites(struct pm_proc *p, const char *interp, uint64_t ip);

/* The phase of p's call from ip; the first call from outside the
 * interpreter ends the start-up for good. */
enum tr_phase pm_phase(struct pm_proc *p, uint64_t ip);

/* The latest image whose executable is exe, or -1. */
int pm_image_of_exe(const struct trace_run *run, const char *exe);

#endif
