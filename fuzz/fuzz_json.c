/* SPDX-License-Identifier: MIT */
/*
 * The JSON writers: their output always parses, and the strings in it
 * decode back to what was written (round trip), judged by an independent
 * strict reader (json_check.c). Five modes, by the first byte:
 *
 *  0  scopes-trace's validator (json_valid) against json_check on any bytes:
 *     two readers of the same grammar must agree.
 *  1  scopes-trace's writer (tools/trace/json.h) driven by a sequence of
 *     calls: a well-formed sequence yields valid JSON whose strings are the
 *     ones written (valid UTF-8 kept, other bytes as U+00XX); a misuse
 *     yields no text at all.
 *  2  json_escape into buffers of every size: a literal that decodes back,
 *     or a NUL-terminated cut, never a write past the size.
 *  3  the sigsys reporter's ob_json_str (bytes >= 0x7f as U+00XX) into a
 *     bounded buffer.
 *  4  the sigsys reporter's JSON line for a violation built from the input
 *     (decoded call, path, verdict, frames with hostile module and symbol
 *     names): valid, one line, its strings round-trip.
 */
#define _GNU_SOURCE
#include <string.h>

#include <scopes/table.h>

#include "fuzz_common.h"
#include "json.h" /* tools/trace */
#include "json_check.h"
/* by path: tools/trace has a report.h of its own */
#include "../decode/decode.h"
#include "../decode/out.h"
#include "../sigsys-handler/src/report.h"

#define MAX_STRINGS 256

/* The strings a reader found, in document order. */
struct found {
	size_t n;
	char *s[MAX_STRINGS];
	size_t len[MAX_STRINGS];
	int key[MAX_STRINGS];
};

static void found_string(void *arg, const char *s, size_t n, int key)
{
	struct found *f = arg;
	if (f->n == MAX_STRINGS)
		return;
	f->s[f->n] = malloc(n + 1);
	if (!f->s[f->n])
		abort();
	memcpy(f->s[f->n], s, n);
	f->s[f->n][n] = '\0';
	f->len[f->n] = n;
	f->key[f->n] = key;
	f->n++;
}

static void found_free(struct found *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->s[i]);
	f->n = 0;
}

/* scopes-trace's promise: valid UTF-8 kept, any other byte as U+00XX */
static size_t utf8_or_latin1(const char *s, size_t n, char *out)
{
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		size_t l = jc_utf8_len((const unsigned char *)s + i, n - i);
		if (l) {
			memcpy(out + w, s + i, l);
			w += l;
			i += l;
		} else {
			w += jc_utf8((unsigned char)s[i], out + w);
			i++;
		}
	}
	return w;
}

/* the sigsys reporter's promise: ASCII kept, bytes >= 0x80 as U+00XX */
static size_t bytes_latin1(const char *s, char *out)
{
	size_t w = 0;
	for (; *s; s++)
		w += jc_utf8((unsigned char)*s, out + w);
	return w;
}

static void mode_validators(const uint8_t *d, size_t n)
{
	int mine = jc_parse((const char *)d, n, 64, NULL);
	int theirs = json_valid((const char *)d, n);
	FUZZ_CHECK(mine == theirs, "json_valid says %d, json_check says %d on \"%.*s\"", theirs,
		   mine, (int)(n > 200 ? 200 : n), (const char *)d);
}

/* a string of the input; NUL bytes kept only when nul_ok */
static size_t take_bytes(struct fuzz_in *in, char *out, size_t max, int nul_ok)
{
	size_t n = (size_t)fuzz_take(in, 1) % (max + 1);
	for (size_t i = 0; i < n; i++) {
		out[i] = (char)fuzz_take(in, 1);
		if (!nul_ok && !out[i])
			out[i] = '0';
	}
	out[n] = '\0';
	return n;
}

static void mode_writer(struct fuzz_in *in)
{
	struct json j;
	struct found f = {0};
	static char want[MAX_STRINGS][4 * 64 + 1];
	static size_t want_len[MAX_STRINGS];
	size_t nwant = 0;
	char s[65], k[65];
	/* the model of a well-formed sequence */
	char stack[64];
	int depth = 0, have_key = 0, done = 0, misuse = 0;

	json_init(&j, (int)(fuzz_take(in, 1) & 1));
	for (int ops = 0; in->n && ops < 200; ops++) {
		unsigned op = (unsigned)fuzz_take(in, 1) % 12;
		int is_value = op == 0 || op == 2 || (op >= 5 && op <= 11);
		if (op == 4 || op == 11) { /* a key */
			size_t kn = take_bytes(in, k, 64, 0);
			if (depth == 0 || stack[depth - 1] != 'o' || have_key)
				misuse = 1;
			json_key(&j, k);
			if (!misuse && nwant < MAX_STRINGS) {
				want_len[nwant] = utf8_or_latin1(k, kn, want[nwant]);
				nwant++;
			}
			have_key = 1;
			if (op == 4)
				continue;
		}
		if (is_value) {
			if (done || (depth && stack[depth - 1] == 'o' && !have_key))
				misuse = 1;
			have_key = 0;
		}
		switch (op) {
		case 0:
		case 2:
			if (depth >= JSON_MAX_DEPTH)
				misuse = 1;
			else
				stack[depth++] = op == 0 ? 'o' : 'a';
			if (op == 0)
				json_obj_begin(&j);
			else
				json_arr_begin(&j);
			continue;
		case 1:
		case 3:
			if (depth == 0 || stack[depth - 1] != (op == 1 ? 'o' : 'a') || have_key)
				misuse = 1;
			else if (--depth == 0)
				done = 1;
			if (op == 1)
				json_obj_end(&j);
			else
				json_arr_end(&j);
			continue;
		case 5:
		case 6:
		case 11: {
			size_t sn = take_bytes(in, s, 64, op == 6);
			if (op == 6)
				json_strn(&j, s, sn);
			else
				json_str(&j, s);
			if (!misuse && nwant < MAX_STRINGS) {
				want_len[nwant] = utf8_or_latin1(s, sn, want[nwant]);
				nwant++;
			}
			break;
		}
		case 7:
			json_int(&j, (long long)fuzz_take(in, 8));
			break;
		case 8:
			json_uint(&j, fuzz_take(in, 8));
			break;
		case 9:
			json_bool(&j, (int)(fuzz_take(in, 1) & 1));
			break;
		default:
			json_null(&j);
			break;
		}
		if (depth == 0)
			done = 1;
	}
	size_t len = 0;
	const char *text = json_text(&j, &len);
	int complete = done && depth == 0 && !misuse;
	FUZZ_CHECK(!misuse || !text, "a misused writer still gave text: %s", text);
	FUZZ_CHECK(!complete || text, "a well-formed document gave no text");
	if (text) {
		struct jc_sink sink = {found_string, &f};
		FUZZ_CHECK(strlen(text) == len && len && text[len - 1] == '\n', "text length");
		FUZZ_CHECK(jc_parse(text, len, 64, &sink), "invalid JSON: %s", text);
		FUZZ_CHECK(f.n == nwant || nwant >= MAX_STRINGS, "%zu strings, %zu written: %s",
			   f.n, nwant, text);
		for (size_t i = 0; i < f.n && i < nwant; i++)
			FUZZ_CHECK(f.len[i] == want_len[i] &&
				       memcmp(f.s[i], want[i], f.len[i]) == 0,
				   "string %zu does not round-trip: %s", i, text);
	}
	found_free(&f);
	json_free(&j);
}

static void mode_escape(const uint8_t *d, size_t n)
{
	static char full[6 * 4096 + 3], cut[6 * 4096 + 16], want[4 * 4096];
	struct found f = {0};
	struct jc_sink sink = {found_string, &f};

	if (n > 4096)
		n = 4096;
	size_t need = json_escape((const char *)d, n, full, sizeof(full));
	FUZZ_CHECK(need < sizeof(full) && strlen(full) == need, "escape length %zu", need);
	FUZZ_CHECK(jc_parse(full, need, 64, &sink) && f.n == 1, "not one JSON string: %s", full);
	size_t wl = utf8_or_latin1((const char *)d, n, want);
	FUZZ_CHECK(f.len[0] == wl && memcmp(f.s[0], want, wl) == 0, "does not decode back: %s",
		   full);
	found_free(&f);
	FUZZ_CHECK(json_escape((const char *)d, n, NULL, 0) == need, "size 0 length");
	for (size_t size = 1; size <= need + 1; size += 1 + size / 3) {
		memset(cut, 'Z', size + 8);
		FUZZ_CHECK(json_escape((const char *)d, n, cut, size) == need, "size %zu", size);
		size_t got = strlen(cut);
		FUZZ_CHECK(got == (need < size ? need : size - 1) && memcmp(cut, full, got) == 0 &&
			       cut[size] == 'Z',
			   "size %zu: a bad cut", size);
	}
}

static void mode_obuf(const uint8_t *d, size_t n)
{
	static char buf[8192], s[2049], want[4 * 2048];
	struct found f = {0};
	struct jc_sink sink = {found_string, &f};
	struct obuf ob;

	if (n == 0)
		return;
	size_t cap = 1 + d[0] * 32u;
	n = n - 1 > 2048 ? 2048 : n - 1;
	memcpy(s, d + 1, n);
	s[n] = '\0';
	memset(buf, 'Z', sizeof(buf));
	ob_init(&ob, buf, cap);
	ob_json_str(&ob, s);
	FUZZ_CHECK(ob.len < cap && buf[ob.len] == '\0' && buf[cap] == 'Z', "obuf bounds");
	if (ob.cut)
		return;
	FUZZ_CHECK(jc_parse(buf, ob.len, 64, &sink) && f.n == 1, "not one JSON string: %s", buf);
	size_t wl = bytes_latin1(s, want);
	FUZZ_CHECK(f.len[0] == wl && memcmp(f.s[0], want, wl) == 0, "does not decode back: %s",
		   buf);
	found_free(&f);
}

static int contains(const struct found *f, const char *want, size_t n)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->len[i] == n && memcmp(f->s[i], want, n) == 0)
			return 1;
	return 0;
}

static void mode_report(struct fuzz_in *in)
{
	static struct violation v;
	static char out[64 * 1024], want[4 * REPORT_PATH_MAX], names[8][4 * 64 + 1];
	struct found f = {0};
	struct jc_sink sink = {found_string, &f};
	struct obuf ob;
	static const uint32_t arches[] = {SCOPES_ARCH_X86_64, SCOPES_ARCH_AARCH64, SCOPES_ARCH_I386,
					  0x12345678u};

	memset(&v, 0, sizeof(v));
	v.arch = arches[fuzz_take(in, 1) % 4];
	v.nr = (long)(int32_t)fuzz_take(in, 4) % 2048;
	for (int i = 0; i < 6; i++)
		v.args[i] = fuzz_take(in, 8);
	/* no string reading: the arguments are not our memory */
	decode_syscall(v.arch, v.nr, v.args, 0, v.call, sizeof(v.call));
	take_bytes(in, v.path, 200, 0);
	FUZZ_CHECK(scopes_query(v.arch, v.nr, (fuzz_take(in, 1) & 1) ? v.args : NULL, &v.verdict) ==
		       0,
		   "scopes_query");
	v.pledged = (int)(fuzz_take(in, 1) & 1);
	v.held = fuzz_take(in, 8);
	v.action = (enum report_action)(fuzz_take(in, 1) % 3);
	v.nframes = (int)(fuzz_take(in, 1) % 9);
	for (int i = 0; i < v.nframes; i++) {
		struct report_frame *fr = &v.frames[i];
		fr->ip = (uintptr_t)fuzz_take(in, 8);
		fr->offset = fuzz_take(in, 4);
		fr->symbol_offset = fuzz_take(in, 2);
		take_bytes(in, names[i % 4], 64, 0);
		take_bytes(in, names[4 + i % 4], 64, 0);
		fr->module = fuzz_take(in, 1) & 1 ? names[i % 4] : NULL;
		fr->symbol = fuzz_take(in, 1) & 1 ? names[4 + i % 4] : NULL;
	}
	ob_init(&ob, out, sizeof(out));
	report_json(&ob, &v);
	FUZZ_CHECK(!ob.cut, "a report did not fit %zu bytes", sizeof(out));
	FUZZ_CHECK(!memchr(out, '\n', ob.len), "a JSON line holds a newline");
	FUZZ_CHECK(jc_parse(out, ob.len, 64, &sink), "invalid JSON: %s", out);
	size_t wl = bytes_latin1(v.call, want);
	FUZZ_CHECK(contains(&f, want, wl), "the call does not round-trip: %s", out);
	for (int i = 0; i < v.nframes; i++) {
		const char *names_of[2] = {v.frames[i].module, v.frames[i].symbol};
		for (int k = 0; k < 2; k++) {
			if (!names_of[k])
				continue;
			wl = bytes_latin1(names_of[k], want);
			FUZZ_CHECK(contains(&f, want, wl),
				   "frame %d's name does not round-trip: %s", i, out);
		}
	}
	found_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_table_ready();
	if (size == 0)
		return 0;
	struct fuzz_in in = {data + 1, size - 1};
	switch (data[0] % 5) {
	case 0:
		mode_validators(data + 1, size - 1);
		break;
	case 1:
		mode_writer(&in);
		break;
	case 2:
		mode_escape(data + 1, size - 1);
		break;
	case 3:
		mode_obuf(data + 1, size - 1);
		break;
	default:
		mode_report(&in);
		break;
	}
	return 0;
}
