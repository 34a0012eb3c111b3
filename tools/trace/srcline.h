/* SPDX-License-Identifier: MIT */
/*
 * srcline — what DWARF knows about a module's link-time address: "file.c:42"
 * from the line table, and the call frame rule that finds the caller (libdw,
 * when scopes-trace is built with it; else nothing).
 */
#ifndef SCOPES_TRACE_SRCLINE_H
#define SCOPES_TRACE_SRCLINE_H

#include <stddef.h>
#include <stdint.h>

/*
 * srcline - write "file:line" for vaddr in the ELF file module into out.
 * Returns 0, or -1 when unknown (no debug information, no libdw).
 * Not thread-safe (one cache of opened modules).
 */
int srcline(const char *module, uint64_t vaddr, char *out, size_t size);

/*
 * srcline_cfa - where the caller's frame begins when executing at vaddr of
 * module: *off such that CFA = SP + *off, from the module's .eh_frame, when
 * the rule is that simple (it is for the C library's system call wrappers).
 * The return address is then at CFA - 8 (x86_64). Returns 0 or -1.
 */
int srcline_cfa(const char *module, uint64_t vaddr, int64_t *off);

/* srcline_done - release the cache. */
void srcline_done(void);

#endif
