/* SPDX-License-Identifier: MIT */
/*
 * notify_where — where in a traced process a call was made: an address as
 * module + file offset, and the first caller in the program's own code
 * (see notify_proc.h).
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

int notify_maps_fresh(struct proc *p)
{
	if (p->maps_dirty) {
		if (proc_maps_read(p->pm.pid, &p->maps) != 0)
			return -1;
		p->maps_dirty = 0;
	}
	return 0;
}

/* addr as module + file offset; refreshes the maps once if needed. */
struct tr_loc notify_locate(struct proc *p, uint64_t addr)
{
	struct tr_loc loc = { NULL, addr };
	if (notify_maps_fresh(p) != 0)
		return loc;
	const struct map_ent *m = proc_maps_find(&p->maps, addr);
	if (!m || !m->path) {
		p->maps_dirty = 1;
		if (notify_maps_fresh(p) != 0)
			return loc;
		m = proc_maps_find(&p->maps, addr);
	}
	if (m && m->path) {
		loc.module = m->path;
		loc.off = addr - m->lo + m->off;
	}
	return loc;
}

/* A new image began in p (the first call after a successful exec). */

/* Is this module the C library or the loader (whose frames we look past)? */
static int system_module(const struct proc *p, const struct map_ent *m, uint64_t addr)
{
	if (addr >= p->pm.ilo && addr < p->pm.ihi)
		return 1;
	const char *b = strrchr(m->path, '/');
	b = b ? b + 1 : m->path;
	return strncmp(b, "libc.so", 7) == 0 || strncmp(b, "libpthread", 10) == 0;
}

/* Does the instruction before ra call something? */
static int after_call(long tid, uint64_t ra)
{
	unsigned char code[8];
	if (ra < 8 || proc_mem_read(tid, ra - 8, code, 8) != 8)
		return 0;
#if defined(__x86_64__)
	return code[3] == 0xe8 ||                                /* call rel32 */
	       (code[6] == 0xff && (code[7] & 0x38) == 0x10) ||  /* call *%reg */
	       (code[5] == 0xff && (code[6] & 0x38) == 0x10) ||  /* call *d8(%reg) */
	       (code[2] == 0xff && (code[3] & 0x38) == 0x10);    /* call *d32(..) */
#else
	uint32_t insn;
	memcpy(&insn, code + 4, 4);
	return (insn & 0xfc000000u) == 0x94000000u || /* bl */
	       (insn & 0xfffffc1fu) == 0xd63f0000u;   /* blr */
#endif
}

static struct tr_loc loc_of(const struct map_ent *m, uint64_t addr)
{
	struct tr_loc loc = { m->path, addr - m->lo + m->off };
	return loc;
}

/* Unwind through the C library's frames with their call frame information
 * (.eh_frame, exact); returns 1 with *out set, 0 if the rules ran out. */
static int unwind_cfi(struct proc *p, long tid, uint64_t sp, uint64_t pc, struct tr_loc *out)
{
#if defined(__x86_64__)
	for (int depth = 0; depth < 8; depth++) {
		const struct map_ent *m = proc_maps_find(&p->maps, pc);
		if (!m || !m->path)
			return 0;
		if (depth > 0 && !system_module(p, m, pc)) {
			*out = loc_of(m, pc);
			return 1;
		}
		struct elf_file *ef = elf_get(m->path);
		int64_t off;
		/* a return address points after the call: look up the call */
		uint64_t va = ef ? elf_offset_to_vaddr(ef, pc - (depth ? 1 : 0) - m->lo + m->off) : 0;
		if (!va || srcline_cfa(m->path, va, &off) != 0)
			return 0;
		uint64_t cfa = sp + (uint64_t)off, ra;
		if (proc_mem_read(tid, cfa - 8, &ra, 8) != 8)
			return 0;
		sp = cfa;
		pc = ra;
	}
#else
	(void)p;
	(void)tid;
	(void)sp;
	(void)pc;
	(void)out;
#endif
	return 0;
}

/* The first return address into the program's code rather than the C
 * library or the loader: by the call frame information where there is
 * some, else by scanning the stack for a value that points into program
 * code just after a call instruction (which stale stack slots can fool). */
struct tr_loc notify_find_caller(struct proc *p, long tid, const struct tr_loc *where)
{
	struct tr_loc none = { NULL, 0 }, found;
	uint64_t sp, pc, stack[128];
	if (proc_syscall_sp(tid, &sp, &pc) != 0)
		return none;
	if (unwind_cfi(p, tid, sp, pc, &found))
		return found;
	ssize_t n = proc_mem_read(tid, sp, stack, sizeof(stack));
	if (n <= 0)
		return none;
	for (size_t i = 0; i < (size_t)n / 8; i++) {
		uint64_t ra = stack[i];
		const struct map_ent *m = proc_maps_find(&p->maps, ra);
		if (!m || !m->exec || !m->path || m->path == where->module ||
		    system_module(p, m, ra) || !after_call(tid, ra))
			continue;
		return loc_of(m, ra);
	}
	return none;
}

