/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the process/image model both backends share (procmodel):
 * the process table, forks inheriting their parent's image, and the
 * start-up rule (the interpreter's calls until the first from elsewhere),
 * with the interpreter placed by its mapping (notify) and by its system
 * call sites (log; on this machine's glibc ld.so, skipped without one).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elfinfo.h"
#include "harness.h"
#include "procmodel.h"

static const char *const phase_name[] = { "startup", "loader", "program" };

/* A backend's process: the model's part first, its own after. */
struct test_proc {
	struct pm_proc pm;
	int own;
};

static void test_table(void)
{
	static char *argv[] = { "prog", NULL };
	struct trace_run run;
	struct pm_table t;
	trace_run_init(&run, argv);
	pm_table_init(&t, &run, sizeof(struct test_proc));

	struct test_proc *a = (struct test_proc *)pm_add(&t, 100, NULL);
	CHECK(a && a->pm.pid == 100 && a->pm.image == -1 && a->own == 0,
	      "a new process: its image unknown, the backend's part zeroed");
	pm_image_start(&t, &a->pm, "/bin/prog", "/usr/bin/prog", "/lib64/ld-linux-x86-64.so.2",
		       -1);
	CHECK(a->pm.image == 0 && run.nimages == 1, "the first image is 0, got %d", a->pm.image);
	pm_loader_mapped(&a->pm, 0x1000, 0x3000, 1);

	struct test_proc *b = (struct test_proc *)pm_add(&t, 101, &a->pm);
	CHECK(b && b->pm.image == 0 && b->pm.loader == PM_LOADER_DONE && b->pm.ilo == 0x1000 &&
		      b->pm.ihi == 0x3000,
	      "a fork runs its parent's image, past its start-up, the loader where it was");
	CHECK(run.processes == 2, "two processes counted, got %lu", run.processes);
	CHECK(pm_find(&t, 101) == &b->pm && pm_find(&t, 102) == NULL, "found by pid");

	pm_image_start(&t, &b->pm, "/bin/other", "/usr/bin/other", NULL, 0);
	CHECK(pm_image_of_exe(&run, "/usr/bin/other") == 1 &&
		      pm_image_of_exe(&run, "/usr/bin/prog") == 0 &&
		      pm_image_of_exe(&run, "/usr/bin/none") == -1,
	      "images by executable");
	pm_image_start(&t, &a->pm, "/bin/prog", "/usr/bin/prog", NULL, 1);
	CHECK(pm_image_of_exe(&run, "/usr/bin/prog") == 2, "the latest image of an executable");

	pm_remove(&t, &a->pm);
	CHECK(pm_find(&t, 100) == NULL && pm_find(&t, 101) == &b->pm && t.n == 1,
	      "removed by itself, the others kept");
	pm_table_free(&t);
	trace_run_free(&run);
}

/* The start-up rule, with the interpreter mapped at [0x1000, 0x3000). */
static const struct {
	int image;            /* the process's image index */
	int glibc;            /* the interpreter is glibc's ld.so */
	uint64_t ip[4];       /* successive calls (0: none) */
	enum tr_phase want[4];
} phase_rows[] = {
	{ 0, 1, { 0x1000, 0x2fff, 0x5000, 0x1800 },
	  { TR_STARTUP, TR_STARTUP, TR_PROGRAM, TR_PROGRAM } },
	{ 1, 1, { 0x1800, 0x9000, 0, 0 }, { TR_LOADER, TR_PROGRAM } },
	{ 0, 1, { 0x3000, 0x1000, 0, 0 }, { TR_PROGRAM, TR_PROGRAM } },
	{ 0, 0, { 0x1000, 0x1800, 0, 0 }, { TR_PROGRAM, TR_PROGRAM } },
};

static void test_phase_mapped(void)
{
	for (size_t r = 0; r < sizeof(phase_rows) / sizeof(phase_rows[0]); r++) {
		struct pm_proc p = { .pid = 1, .image = phase_rows[r].image };
		pm_loader_mapped(&p, 0x1000, 0x3000, phase_rows[r].glibc);
		for (int i = 0; i < 4 && phase_rows[r].ip[i]; i++) {
			enum tr_phase got = pm_phase(&p, phase_rows[r].ip[i]);
			CHECK(got == phase_rows[r].want[i], "row %zu call %d (ip %#llx): %s, want %s",
			      r, i, (unsigned long long)phase_rows[r].ip[i], phase_name[got],
			      phase_name[phase_rows[r].want[i]]);
		}
	}
	struct pm_proc p = { .pid = 1, .image = 0 };
	pm_loader_mapped(&p, 0x1000, 0x3000, 1);
	pm_loader_none(&p);
	CHECK(pm_phase(&p, 0x1000) == TR_PROGRAM, "no start-up once pm_loader_none");
}

/* With only instruction pointers: the load addresses that put the first
 * call just after one of ld.so's system call instructions. */
static void test_phase_sites(void)
{
	static const char *const loaders[] = { "/lib64/ld-linux-x86-64.so.2",
					       "/lib/ld-linux-aarch64.so.1", NULL };
	const char *ld = NULL;
	for (int i = 0; loaders[i] && !ld; i++)
		if (access(loaders[i], R_OK) == 0)
			ld = loaders[i];
	struct elf_file *ef = ld ? elf_get(ld) : NULL;
	const uint64_t *sites;
	size_t n = ef ? elf_sites(ef, &sites) : 0;
	if (n < 2) {
		printf("test_procmodel: no glibc ld.so with system call sites here: sites skipped\n");
		return;
	}
	const uint64_t base = 0x7f0000000000ull;
	struct pm_proc p = { .pid = 1, .image = 0 };
	pm_loader_sites(&p, ld, base + sites[0]);
	CHECK(p.loader == PM_LOADER_SITES && p.ncand >= 1, "candidates from the first call");
	CHECK(pm_phase(&p, base + sites[0]) == TR_STARTUP, "the first call is start-up");
	CHECK(pm_phase(&p, base + sites[n - 1]) == TR_STARTUP, "another site of ld.so");
	int kept = p.ncand;
	CHECK(pm_phase(&p, base + ef->max_vaddr + 0x100000) == TR_PROGRAM,
	      "a call from outside ld.so ends the start-up");
	CHECK(pm_phase(&p, base + sites[0]) == TR_PROGRAM && p.ncand == kept,
	      "for good, the candidates kept");

	struct pm_proc q = { .pid = 2, .image = 1 };
	pm_loader_sites(&q, ld, base + sites[0]);
	CHECK(pm_phase(&q, base + sites[0]) == TR_LOADER, "an exec'd image's loader");
	struct pm_proc s = { .pid = 3, .image = 0 };
	pm_loader_sites(&s, "/lib/ld-musl-x86_64.so.1", base + sites[0]);
	CHECK(pm_phase(&s, base + sites[0]) == TR_PROGRAM, "musl: no start-up phase");
}

int main(void)
{
	test_table();
	test_phase_mapped();
	test_phase_sites();
	elf_cache_clear();
	return harness_finish("test_trace_procmodel");
}
