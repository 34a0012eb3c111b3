/* SPDX-License-Identifier: MIT */
/* procmodel — processes, images and start-up, as both backends model them
 * (see procmodel.h). */
#include <stdlib.h>
#include <string.h>

#include "elfinfo.h"
#include "procmodel.h"

void pm_table_init(struct pm_table *t, struct trace_run *run, size_t size)
{
	memset(t, 0, sizeof(*t));
	t->run = run;
	t->size = size < sizeof(struct pm_proc) ? sizeof(struct pm_proc) : size;
}

void pm_table_free(struct pm_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->procs[i]);
	free(t->procs);
	t->procs = NULL;
	t->n = t->cap = 0;
}

struct pm_proc *pm_find(const struct pm_table *t, long pid)
{
	for (size_t i = t->n; i-- > 0;)
		if (t->procs[i]->pid == pid)
			return t->procs[i];
	return NULL;
}

struct pm_proc *pm_add(struct pm_table *t, long pid, const struct pm_proc *parent)
{
	struct pm_proc *p = calloc(1, t->size);
	if (!p)
		return NULL;
	p->pid = pid;
	p->image = parent ? parent->image : -1;
	if (parent) { /* a forked child is past its loader, which stays mapped */
		p->ilo = parent->ilo;
		p->ihi = parent->ihi;
	}
	if (array_reserve(&t->procs, &t->cap, t->n, sizeof(*t->procs)) != 0) {
		free(p);
		return NULL;
	}
	t->procs[t->n++] = p;
	t->run->processes++;
	return p;
}

void pm_remove(struct pm_table *t, struct pm_proc *p)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->procs[i] == p) {
			t->procs[i] = t->procs[--t->n];
			break;
		}
	}
	free(p);
}

void pm_image_start(struct pm_table *t, struct pm_proc *p, const char *path, const char *exe,
		    const char *interp, int parent)
{
	p->image = trace_image_add(t->run, path, exe, interp, parent, p->pid);
}

void pm_loader_none(struct pm_proc *p)
{
	p->loader = PM_LOADER_DONE;
	p->ilo = p->ihi = 0;
	p->ncand = 0;
}

void pm_loader_mapped(struct pm_proc *p, uint64_t lo, uint64_t hi, int glibc)
{
	p->ilo = lo;
	p->ihi = hi;
	p->loader = glibc ? PM_LOADER_MAPPED : PM_LOADER_DONE;
}

void pm_loader_sites(struct pm_proc *p, const char *interp, uint64_t ip)
{
	p->loader = PM_LOADER_DONE;
	p->ncand = 0;
	if (!interp || !elf_is_glibc_loader(interp))
		return;
	p->interp = elf_get(interp);
	if (!p->interp || p->interp->type != 3 /* ET_DYN */)
		return;
	const uint64_t *sites;
	size_t n = elf_sites(p->interp, &sites);
	for (size_t i = 0; i < n && p->ncand < 8; i++) {
		uint64_t base = ip - sites[i];
		if (ip >= sites[i] && (base & 0xfff) == 0)
			p->cand[p->ncand++] = base;
	}
	if (p->ncand > 0)
		p->loader = PM_LOADER_SITES;
}

static int pm_site_of(const struct pm_proc *p, uint64_t base, uint64_t ip)
{
	uint64_t v = ip - base;
	return ip >= base && v < p->interp->max_vaddr && elf_is_site(p->interp, v);
}

/* Is ip the interpreter's? Keeps only the load addresses that explain it
 * (all of them when none does: the start-up ends there). */
static int pm_in_loader(struct pm_proc *p, uint64_t ip)
{
	if (p->loader == PM_LOADER_MAPPED)
		return ip >= p->ilo && ip < p->ihi;
	int w = 0;
	for (int i = 0; i < p->ncand; i++)
		if (pm_site_of(p, p->cand[i], ip))
			p->cand[w++] = p->cand[i];
	if (w == 0)
		return 0;
	p->ncand = w;
	return 1;
}

enum tr_phase pm_phase(struct pm_proc *p, uint64_t ip)
{
	if (p->loader == PM_LOADER_DONE)
		return TR_PROGRAM;
	if (pm_in_loader(p, ip))
		return p->image == 0 ? TR_STARTUP : TR_LOADER;
	p->loader = PM_LOADER_DONE;
	return TR_PROGRAM;
}

int pm_image_of_exe(const struct trace_run *run, const char *exe)
{
	for (size_t i = run->nimages; i-- > 0;)
		if (strcmp(run->images[i].exe, exe) == 0)
			return (int)i;
	return -1;
}
