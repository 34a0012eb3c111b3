/* SPDX-License-Identifier: MIT */
/*
 * The differential check with the fuzzer choosing the inputs: a promise set
 * and penalty from the first bytes, then seccomp_data records. Each record
 * runs through the compiled program (classic-BPF interpreter) and the
 * independent model of the table (tests/filtercheck); any disagreement
 * aborts. The fuzzer's comparison tracing steers arguments onto the
 * constants the program compares. The reverse query (scopes_query) is held
 * to the same model on every native record: each promise set it offers
 * must allow the call, minimal, none missing.
 *
 * Layout: penalty and set (1 byte: the penalty, and 2 bytes: one of 256
 * sets: the empty and full sets, each promise alone and with `error`, and
 * random sets), then records of: door (1), syscall (2: a row index, or a raw
 * number), six arguments (8 each). Compiling is slow next to the rest, so
 * the sets come from a fixed pool and every program is compiled once.
 */
#define _GNU_SOURCE
#include <string.h>

#include "bpf_interp.h"
#include "check.h"
#include "fuzz_common.h"
#include "model.h"
#include "query_check.h"

#define POOL 256

static scopes_set_t pool[POOL];

static struct {
	struct scopes_filter *f;
	struct model m;
} cache[POOL][4];

static void make_pool(void)
{
	int np = scopes_promise_count();
	scopes_set_t all = np >= 64 ? ~(scopes_set_t)0 : ((scopes_set_t)1 << np) - 1;
	scopes_set_t error = model_promise_bit("error");
	struct fc_rng rng;
	size_t n = 0;

	fc_seed(&rng, 7);
	pool[n++] = 0;
	pool[n++] = all;
	pool[n++] = all & ~error;
	pool[n++] = error;
	for (int i = 0; i < np && n + 2 <= POOL; i++) {
		pool[n++] = (scopes_set_t)1 << i;
		pool[n++] = ((scopes_set_t)1 << i) | error;
	}
	while (n < POOL) {
		scopes_set_t s = 0;
		if (n % 2)
			for (int k = 1 + (int)(fc_rand(&rng) % 4); k > 0; k--)
				s |= (scopes_set_t)1 << (fc_rand(&rng) % (uint64_t)np);
		else
			s = fc_rand(&rng) & fc_rand(&rng) & all;
		pool[n++] = s;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct fuzz_in in = {data, size};
	char str[1024];

	if (!ready) {
		fuzz_table_ready();
		make_pool();
		ready = 1;
	}
	if (size < 3)
		return 0;
	unsigned pen = (unsigned)fuzz_take(&in, 1) % 4;
	unsigned pi = (unsigned)fuzz_take(&in, 2) % POOL;
	scopes_set_t set = pool[pi];
	struct model *m = &cache[pi][pen].m;

	if (!cache[pi][pen].f) {
		char why[160];
		const void *insns;
		size_t count;
		scopes_promises_format(set, str, sizeof(str));
		struct scopes_filter *f = scopes_compile(str, (enum scopes_penalty)pen);
		FUZZ_CHECK(f, "\"%s\" does not compile", str);
		FUZZ_CHECK(!scopes_filter_landlock(f) || model_needs_landlock(set),
			   "path-scoped grants compiled in for \"%s\"", str);
		FUZZ_CHECK(scopes_filter_program(f, &insns, &count) == 0, "no program");
		FUZZ_CHECK(bpfi_check(insns, count, why, sizeof(why)) == 0, "kernel rules: %s",
			   why);
		if (model_init(m, set, (enum scopes_penalty)pen, scopes_filter_landlock(f),
			       SCOPES_VALUE_SELF_PID) != 0)
			abort();
		cache[pi][pen].f = f;
	}
	const void *insns;
	size_t count;
	scopes_filter_program(cache[pi][pen].f, &insns, &count);

	const size_t nrows = scopes_row_count();
	while (in.n) {
		struct seccomp_data d;
		unsigned door = (unsigned)fuzz_take(&in, 1);
		unsigned sel = (unsigned)fuzz_take(&in, 2);
		memset(&d, 0, sizeof(d));
		d.arch = m->arch;
		switch (door % 8) {
		case 6:
			d.arch = SCOPES_ARCH_I386;
			break;
		case 7:
			d.arch = SCOPES_ARCH_AARCH64;
			break;
		default:
			break;
		}
		if (sel & 0x8000) {
			/* a row's syscall: where the conditions are */
			const struct scopes_row *r = scopes_row_get((sel & 0x7fff) % nrows);
			long nr = scopes_syscall_number(m->arch, r->syscall);
			d.nr = nr < 0 ? 0 : (int)nr;
		} else {
			d.nr = (int)sel;
		}
		if (door & 0x80)
			d.nr |= 0x40000000; /* the x32 door */
		for (int a = 0; a < 6; a++)
			d.args[a] = fuzz_take(&in, 8);
		struct fc_stats st = {.report_max = 1};
		int rc = fc_compare(insns, count, m, &d, &st, stderr);
		FUZZ_CHECK(rc == 0, "the filter and the model disagree (above)");
		struct query_stats qs = {0};
		FUZZ_CHECK(query_check_case(&d, &qs, stderr) == 0, "scopes_query is wrong (above)");
	}
	return 0;
}
