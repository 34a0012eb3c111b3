/* SPDX-License-Identifier: MIT */
/*
 * elfinfo — what scopes-trace reads from ELF files: a program's interpreter
 * (PT_INTERP), the function containing an address (.symtab, else .dynsym),
 * and where the system call instructions of a module are (to recognise the
 * dynamic loader's calls in audit records, which carry only an address).
 *
 * Native ELF64 only (the architecture scopes-trace is built for). Files are
 * mapped read-only and every offset is bounds-checked: a damaged file gives
 * "nothing known", never a crash.
 */
#ifndef SCOPES_TRACE_ELFINFO_H
#define SCOPES_TRACE_ELFINFO_H

#include <stddef.h>
#include <stdint.h>

struct elf_sym {
	uint64_t value, size;
	const char *name;
};

struct elf_file {
	char *path;
	const unsigned char *map;
	size_t size;
	int type;             /* ET_EXEC, ET_DYN; 0 if not a usable ELF */
	const char *interp;   /* PT_INTERP or NULL */
	struct elf_sym *syms; /* functions, sorted by value */
	size_t nsyms;
	uint64_t *sites;      /* vaddr just after each syscall instruction, sorted */
	size_t nsites;
	int sites_done;
	uint64_t min_vaddr;   /* lowest PT_LOAD p_vaddr, page aligned down */
	uint64_t max_vaddr;   /* end of the highest PT_LOAD segment in memory */
};

/*
 * elf_get - the ELF file at path, opened once and cached for the life of the
 * process (scopes-trace sees a few dozen modules). Returns NULL if the file
 * cannot be read or is not a native ELF64 file. Not thread-safe.
 */
struct elf_file *elf_get(const char *path);

/* elf_cache_clear - unmap and free every cached file. */
void elf_cache_clear(void);

/*
 * elf_offset_to_vaddr - the link-time address of file offset off, or 0 if no
 * PT_LOAD segment holds it. (A runtime address maps to a file offset through
 * /proc/PID/maps; symbols are in link-time addresses.)
 */
uint64_t elf_offset_to_vaddr(const struct elf_file *ef, uint64_t off);

/* elf_symbol - the function containing vaddr and the offset into it, or NULL. */
const char *elf_symbol(const struct elf_file *ef, uint64_t vaddr, uint64_t *off);

/* elf_sites - the link-time addresses just after each system call instruction
 * in the executable segments (what a seccomp record's ip points at), sorted.
 * Computed on first use. Returns the count; *sites gets the array. */
size_t elf_sites(struct elf_file *ef, const uint64_t **sites);

/* elf_is_site - is vaddr one of elf_sites()? */
int elf_is_site(struct elf_file *ef, uint64_t vaddr);

/* Is path glibc's dynamic loader (ld-linux*, ld64.so*)? Its start-up calls
 * can be told from the program's: it is a module apart from the C library
 * (musl's loader is the C library itself). */
int elf_is_glibc_loader(const char *path);

#endif
