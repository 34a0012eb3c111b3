/* SPDX-License-Identifier: MIT */
/*
 * The sigsys reporter's argument decoder (decode/decode.h) on
 * any arch, syscall number and six arguments. String arguments are read
 * only from memory this fuzzer owns: a pointer argument points into the
 * input's bytes, laid at the end of a mapping followed by an unreadable
 * guard page (so an unterminated string is cut by a fault, which memprobe
 * turns into a short read), or at the guard page, or at page 0; with string
 * reading off, any value goes.
 *
 * Checked: the line is printable ASCII (a report must not carry control or
 * terminal bytes from a hostile path), NUL-terminated with the returned
 * length, the same twice, cut to a prefix in a small buffer without writing
 * past it; decode_path returns a string the call really pointed at; and the
 * text report lines built from it stay printable.
 *
 * Layout: arch (1, +4 raw), nr (4), flags (1), six (kind 1, value 8), then
 * the bytes the pointers point into.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include <scopes/table.h>

#include "decode.h"
#include "fuzz_common.h"
#include "memprobe.h"
#include "report.h"

#define REGION (64 * 1024)
#define PAGE   4096

static char *region;

static int printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

/* A canonical user-space address would let the decoder read memory that is
 * not ours: fold it onto page 0 (never mapped). */
static uint64_t safe_raw(uint64_t v)
{
	if (v >= PAGE && v < 0x0000800000000000ULL)
		return v & (PAGE - 1);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct violation v;
	static char buf[REPORT_CALL_MAX], small[REPORT_CALL_MAX + 8], line[8192];
	struct fuzz_in in = {data, size};
	uint64_t args[6];
	int is_ptr[6] = {0};

	if (!region) {
		fuzz_table_ready();
		if (memprobe_init() != 0)
			abort();
		region = mmap(NULL, REGION + PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (region == MAP_FAILED || mprotect(region + REGION, PAGE, PROT_NONE) != 0)
			abort();
	}

	uint32_t arch;
	switch (fuzz_take(&in, 1) % 4) {
	case 0:
		arch = SCOPES_ARCH_X86_64;
		break;
	case 1:
		arch = SCOPES_ARCH_AARCH64;
		break;
	case 2:
		arch = SCOPES_ARCH_I386;
		break;
	default:
		arch = (uint32_t)fuzz_take(&in, 4);
		break;
	}
	long nr = (int32_t)fuzz_take(&in, 4);
	if (nr >= 0 && (nr & 0x40000000) == 0)
		nr %= 1100; /* mostly real numbers */
	unsigned flags = fuzz_take(&in, 1) & 1 ? DECODE_READ_STRINGS : 0;
	uint8_t kind[6];
	uint64_t val[6];
	for (int i = 0; i < 6; i++) {
		kind[i] = (uint8_t)fuzz_take(&in, 1);
		val[i] = fuzz_take(&in, 8);
	}
	/* the rest: the memory pointers point into, ending at the guard page */
	size_t pool_len = in.n < REGION ? in.n : REGION;
	char *pool = region + REGION - pool_len;
	memcpy(pool, in.p, pool_len);
	for (int i = 0; i < 6; i++) {
		switch (kind[i] % 4) {
		case 0:
			args[i] = flags ? safe_raw(val[i]) : val[i];
			break;
		case 1:
			args[i] = (uintptr_t)(pool + val[i] % (pool_len + 1));
			is_ptr[i] = 1;
			break;
		case 2:
			args[i] = (uintptr_t)(region + REGION); /* the guard page */
			break;
		default:
			args[i] = val[i] % 256;
			break;
		}
	}

	size_t n = decode_syscall(arch, nr, args, flags, buf, sizeof(buf));
	FUZZ_CHECK(n < sizeof(buf) && strlen(buf) == n, "length %zu, strlen %zu", n, strlen(buf));
	FUZZ_CHECK(printable(buf, n), "unprintable byte in \"%s\"", buf);
	size_t again = decode_syscall(arch, nr, args, flags, small, sizeof(buf));
	FUZZ_CHECK(again == n && strcmp(small, buf) == 0, "not the same twice: \"%s\" / \"%s\"",
		   buf, small);
	const size_t sizes[] = {0, 1, 2, 7, n / 2 + 1, n, n + 1};
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t sz = sizes[k];
		if (sz > REPORT_CALL_MAX)
			continue;
		memset(small, 'Z', sz + 8);
		size_t got = decode_syscall(arch, nr, args, flags, small, sz);
		FUZZ_CHECK(small[sz] == 'Z', "wrote past a buffer of %zu", sz);
		if (sz == 0)
			continue;
		size_t want = n < sz ? n : sz - 1;
		FUZZ_CHECK(got == strlen(small) && got == want && memcmp(small, buf, got) == 0,
			   "size %zu: \"%s\" (%zu) is not the prefix of \"%s\"", sz, small, got,
			   buf);
	}

	v.path[0] = '\0';
	if (flags) {
		/* decode_path always reads memory: only with the safe arguments */
		size_t pl = decode_path(arch, nr, args, v.path, sizeof(v.path));
		FUZZ_CHECK(pl < sizeof(v.path) && (pl == 0 || strlen(v.path) == pl), "path length");
		if (pl) {
			int found = 0;
			for (int i = 0; i < 6 && !found; i++) {
				if (!is_ptr[i])
					continue;
				const char *p = (const char *)(uintptr_t)args[i];
				size_t room = (size_t)(region + REGION - p);
				found = room > pl && memcmp(p, v.path, pl + 1) == 0;
			}
			FUZZ_CHECK(found, "path \"%s\" is not a string the call pointed at",
				   v.path);
		}
	}
	const char *sig = decode_signal_name(val[0] % 80);
	FUZZ_CHECK(!sig || (*sig && printable(sig, strlen(sig))), "signal name");

	/* the text report built on this line */
	v.arch = arch;
	v.nr = nr;
	memcpy(v.args, args, sizeof(args));
	memcpy(v.call, buf, n + 1);
	FUZZ_CHECK(scopes_query(arch, nr, args, &v.verdict) == 0, "scopes_query failed");
	v.pledged = (int)(val[1] & 1);
	v.held = val[2];
	v.nframes = 0;
	struct obuf ob;
	ob_init(&ob, line, sizeof(line));
	report_line1(&ob, &v);
	FUZZ_CHECK(ob.len == strlen(line) && printable(line, ob.len), "line 1 \"%s\"", line);
	ob_init(&ob, line, sizeof(line));
	report_held(&ob, &v);
	FUZZ_CHECK(ob.len == strlen(line) && printable(line, ob.len), "held line \"%s\"", line);
	return 0;
}
