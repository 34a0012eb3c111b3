/* SPDX-License-Identifier: MIT */
/*
 * Symbol tables of the loaded modules, read once before any pledge so that
 * the SIGSYS handler can name an address without a system call, an
 * allocation or the loader's lock.
 */
#ifndef SIGSYS_SYMBOLS_H
#define SIGSYS_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

struct sym_module; /* one loaded ELF object */

/*
 * Read the module list (dl_iterate_phdr) and each module's function symbols:
 * the file's .symtab when it has one (the main program's static functions
 * too), else a separate debug file /usr/lib/debug/.build-id/xx/yyyy.debug
 * with a .symtab, else the file's .dynsym; the vDSO from memory.
 * Replaces nothing already loaded: a second call adds nothing (returns 0).
 * Returns 0, or -1 with errno ENOMEM. A module whose file cannot be read
 * is kept, without symbols. Not async-signal-safe.
 */
int symbols_load(void);

/* The module whose loaded segments contain addr, or NULL. Async-signal-safe. */
const struct sym_module *symbols_module(uintptr_t addr);
/* Its path ("[vdso]" for the vDSO) and load bias (address - ELF vaddr). */
const char *symbols_module_path(const struct sym_module *m);
uintptr_t symbols_module_bias(const struct sym_module *m);

/*
 * The function symbol covering ELF virtual address vaddr in m, with
 * *offset = vaddr - symbol start, or NULL. Async-signal-safe.
 */
const char *symbols_lookup(const struct sym_module *m, uint64_t vaddr, uint64_t *offset);

/* Number of modules and symbols held (for tests and diagnostics). */
size_t symbols_module_count(void);
size_t symbols_symbol_count(void);

#endif
