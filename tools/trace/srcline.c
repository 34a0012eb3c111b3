/* SPDX-License-Identifier: MIT */
/*
 * Source lines for scopes-trace's locations (see srcline.h). Modules are
 * reported offline (from their files, not a live process): the addresses
 * scopes-trace keeps are link-time addresses, and libdw's bias maps them to
 * its own layout.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srcline.h"

#ifdef SCOPES_TRACE_LIBDW
#include <dwarf.h>
#include <elfutils/libdwfl.h>

#define MODULES_MAX 64

static Dwfl *dwfl;
static struct {
	char path[512];
	Dwfl_Module *mod; /* NULL: reporting failed, do not try again */
} modules[MODULES_MAX];
static int nmodules;

static const Dwfl_Callbacks callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static Dwfl_Module *module_of(const char *path)
{
	for (int i = 0; i < nmodules; i++)
		if (strcmp(modules[i].path, path) == 0)
			return modules[i].mod;
	if (nmodules == MODULES_MAX || strlen(path) >= sizeof(modules[0].path))
		return NULL;
	if (!dwfl && !(dwfl = dwfl_begin(&callbacks)))
		return NULL;
	dwfl_report_begin_add(dwfl);
	Dwfl_Module *mod = dwfl_report_offline(dwfl, path, path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	snprintf(modules[nmodules].path, sizeof(modules[nmodules].path), "%s", path);
	modules[nmodules++].mod = mod;
	return mod;
}

int srcline(const char *module, uint64_t vaddr, char *out, size_t size)
{
	Dwarf_Addr bias;
	int line = 0;
	Dwfl_Module *mod = module ? module_of(module) : NULL;
	if (!mod || !dwfl_module_getelf(mod, &bias))
		return -1;
	Dwfl_Line *l = dwfl_module_getsrc(mod, vaddr + bias);
	const char *file = l ? dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL) : NULL;
	if (!file || line <= 0)
		return -1;
	const char *base = strrchr(file, '/');
	snprintf(out, size, "%s:%d", base ? base + 1 : file, line);
	return 0;
}

int srcline_cfa(const char *module, uint64_t vaddr, int64_t *off)
{
#if defined(__x86_64__)
	const unsigned sp_reg = 7; /* DWARF's rsp */
#else
	const unsigned sp_reg = 31;
#endif
	Dwarf_Addr bias;
	Dwfl_Module *mod = module ? module_of(module) : NULL;
	Dwarf_CFI *cfi = mod ? dwfl_module_eh_cfi(mod, &bias) : NULL;
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops;
	size_t nops;
	/* the CFI speaks the ELF file's own addresses: no bias */
	if (!cfi || dwarf_cfi_addrframe(cfi, vaddr, &frame) != 0)
		return -1;
	int rc = -1;
	if (dwarf_frame_cfa(frame, &ops, &nops) == 0 && nops == 1 &&
	    ((ops[0].atom == DW_OP_bregx && ops[0].number == sp_reg) ||
	     (ops[0].atom == DW_OP_breg0 + sp_reg))) {
		*off = (int64_t)(ops[0].atom == DW_OP_bregx ? ops[0].number2 : ops[0].number);
		rc = 0;
	}
	free(frame);
	return rc;
}

void srcline_done(void)
{
	if (dwfl)
		dwfl_end(dwfl);
	dwfl = NULL;
	nmodules = 0;
}

#else

int srcline(const char *module, uint64_t vaddr, char *out, size_t size)
{
	(void)module;
	(void)vaddr;
	(void)out;
	(void)size;
	return -1;
}

int srcline_cfa(const char *module, uint64_t vaddr, int64_t *off)
{
	(void)module;
	(void)vaddr;
	(void)off;
	return -1;
}

void srcline_done(void)
{
}

#endif
