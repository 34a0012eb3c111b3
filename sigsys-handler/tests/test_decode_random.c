/* SPDX-License-Identifier: MIT */
/*
 * The decoder and the report renderers on random syscall numbers and
 * arguments, built with ASan and UBSan: any out-of-bounds access, undefined
 * behaviour or fault fails the run. Output buffers are allocated at their
 * exact size so that one byte too far is caught. Deterministic (fixed seed)
 * so that a failure reproduces; argv[1] is the number of rounds.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scopes/table.h>

#include "decode.h"
#include "memprobe.h"
#include "out.h"
#include "report.h"
#include "symbols.h"

static uint64_t state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	/* xorshift64*: small, deterministic, good enough to spread values */
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dull;
}

static char readable[512];
static char *hole; /* a PROT_NONE page */

/* Arguments that reach the interesting branches more often than uniform
 * random values would. */
static uint64_t random_arg(void)
{
	switch (rnd() % 12) {
	case 0:
		return 0;
	case 1:
		return (uint64_t)-100; /* AT_FDCWD */
	case 2:
		return rnd() % 64;
	case 3:
		return rnd() & 0xffffffffu;
	case 4:
		return (uint64_t)(uintptr_t)(readable + rnd() % sizeof(readable));
	case 5:
		return (uint64_t)(uintptr_t)(hole + rnd() % 4096);
	case 6:
		return (uint64_t)(uintptr_t)(readable + sizeof(readable) - 1 - rnd() % 4);
	case 7:
		return 0xffffffffffffffffull - rnd() % 4096; /* wraps around */
	case 8:
		return 0xffff800000000000ull | rnd(); /* kernel half */
	case 9:
		return 1ull << (rnd() % 64);
	default:
		return rnd();
	}
}

static long random_nr(uint32_t arch)
{
	switch (rnd() % 4) {
	case 0:
		return (long)(rnd() % 1100) - 5;
	case 1:
		return (long)rnd();
	default: {
		/* a named call, so that the signatures are exercised */
		long nr = (long)(rnd() % 460);
		return scopes_syscall_name(arch, nr) ? nr : nr % 64;
	}
	}
}

/* A reader of another process's memory, as a tracer would give: random
 * bytes, random lengths, sometimes more than asked (it must be cut). */
static size_t random_read(void *ctx, uint64_t addr, char *dst, size_t len)
{
	(void)ctx;
	(void)addr;
	size_t n = rnd() % (len + 2);
	for (size_t i = 0; i < n && i < len; i++)
		dst[i] = (char)(rnd() % 8 ? rnd() : 0);
	return n;
}

int main(int argc, char **argv)
{
	static const uint32_t arches[] = { SCOPES_ARCH_X86_64, SCOPES_ARCH_AARCH64,
					   SCOPES_ARCH_I386, 0x12345678u };
	long rounds = argc > 1 ? atol(argv[1]) : 100000;

	if (scopes_table_init() != 0 || memprobe_init() != 0 || symbols_load() != 0) {
		perror("init");
		return 1;
	}
	for (size_t i = 0; i < sizeof(readable); i++)
		readable[i] = (char)(rnd() % 5 ? 32 + rnd() % 200 : 0);
	readable[sizeof(readable) - 1] = 'x'; /* a string running off the end */
	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	static struct violation v;
	for (long r = 0; r < rounds; r++) {
		memset(&v, 0, sizeof(v));
		v.arch = arches[rnd() % 4];
		v.nr = random_nr(v.arch);
		for (int k = 0; k < 6; k++)
			v.args[k] = random_arg();
		unsigned flags = rnd() % 2 ? DECODE_READ_STRINGS : 0;

		size_t size = rnd() % 3 ? 1 + rnd() % 600 : 0;
		char *buf = size ? malloc(size) : NULL;
		size_t n;
		if (rnd() % 4 == 0) {
			struct decode_reader rd = { random_read, NULL };
			n = decode_syscall_read(v.arch, v.nr, v.args, &rd, buf, size);
		} else {
			n = decode_syscall(v.arch, v.nr, v.args, flags, buf, size);
		}
		if (size && (n >= size || buf[n] != '\0' || strlen(buf) != n)) {
			fprintf(stderr, "round %ld: length %zu in a buffer of %zu\n", r, n, size);
			return 1;
		}
		free(buf);

		/* the renderers over the table's verdict on the same call */
		decode_syscall(v.arch, v.nr, v.args, flags, v.call, sizeof(v.call));
		scopes_query(v.arch, v.nr, v.args, &v.verdict);
		static const char *const paths[] = { "", "/tmp", "/tmp/x", "/proc/stat", "rel",
						     "/etc/hosts", "/", "/tmp/../x", "/." };
		if (rnd() % 4) {
			strcpy(v.path, paths[rnd() % (sizeof(paths) / sizeof(paths[0]))]);
		} else {
			decode_path(v.arch, v.nr, v.args, v.path, 1 + rnd() % sizeof(v.path));
		}
		v.pledged = (int)(rnd() % 2);
		v.held = rnd();
		v.action = (enum report_action)(rnd() % 3);
		v.nframes = (int)(rnd() % (REPORT_FRAMES_MAX + 1));
		for (int f = 0; f < v.nframes; f++)
			report_resolve_frame(&v.frames[f], (uintptr_t)random_arg(), (int)(rnd() % 2));
		size_t osize = 1 + rnd() % 40000;
		char *out = malloc(osize);
		struct obuf ob;
		ob_init(&ob, out, osize);
		report_line1(&ob, &v);
		report_held(&ob, &v);
		for (int f = 0; f < v.nframes; f++)
			report_frame_line(&ob, &v.frames[f], f);
		report_json(&ob, &v);
		if (ob.len >= osize || out[ob.len] != '\0') {
			fprintf(stderr, "round %ld: report length %zu in %zu\n", r, ob.len, osize);
			return 1;
		}
		free(out);
	}
	printf("test_sigsys_decode_random: %ld rounds\n", rounds);
	return 0;
}
