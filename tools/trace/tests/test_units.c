/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of scopes-trace's pure modules on canned input: the audit line
 * parser, the JSON writer and validator, the set cover, shell quoting.
 * No kernel involved; every expectation is a table row.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_parse.h"
#include "cover.h"
#include "harness.h"
#include "json.h"
#include "jsonread.h"
#include "quote.h"

/* ------------------------------------------------------------ audit */

static const char kmsg_line[] =
	"5,2391,4020185311,-;audit: type=1326 audit(1712345678.123:4567): auid=4294967295 "
	"uid=0 gid=0 ses=4294967295 subj=unconfined pid=8123 comm=\"cat\" exe=\"/usr/bin/cat\" "
	"sig=0 arch=c000003e syscall=257 compat=0 ip=0x7f1234567abc code=0x7ffc0000\n"
	" SUBSYSTEM=whatever\n";

static void test_audit(void)
{
	static struct audit_record r;

	CHECK(audit_parse_line(kmsg_line, strlen(kmsg_line), 0, &r) == AUDIT_LINE_RECORD, "kind");
	CHECK(r.type == 1326 && r.sec == 1712345678 && r.msec == 123 && r.serial == 4567,
	      "stamp %llu.%u:%llu type %u", (unsigned long long)r.sec, r.msec,
	      (unsigned long long)r.serial, r.type);
	CHECK(r.pid == 8123 && r.ses == 4294967295u && r.auid == 4294967295u, "ids");
	CHECK(strcmp(r.comm, "cat") == 0 && strcmp(r.exe, "/usr/bin/cat") == 0, "%s %s", r.comm,
	      r.exe);
	CHECK(r.arch == 0xc000003e && r.syscall == 257 && r.ip == 0x7f1234567abcull &&
		      r.code == 0x7ffc0000 && r.compat == 0 && r.sig == 0,
	      "fields");
	CHECK(!r.truncated && (r.fields & AUDIT_F_SECCOMP_USABLE) == AUDIT_F_SECCOMP_USABLE,
	      "complete");

	/* netlink payload: no "type=", the type given; comm and exe in hex
	 * because of a space; terminating NUL inside the length */
	static const char nl[] = "audit(1712345678.999:12): auid=1000 uid=1000 gid=1000 ses=3 "
				 "pid=99 comm=6D7920636174 exe=2F746D702F6D7920636174 sig=0 "
				 "arch=c000003e syscall=1 compat=0 ip=0x401000 code=0x7ffc0000";
	CHECK(audit_parse_line(nl, sizeof(nl), 1326, &r) == AUDIT_LINE_RECORD, "nl kind");
	CHECK(strcmp(r.comm, "my cat") == 0 && strcmp(r.exe, "/tmp/my cat") == 0, "hex: %s|%s",
	      r.comm, r.exe);
	CHECK(r.type == 1326 && r.ses == 3 && r.syscall == 1 && r.serial == 12 && !r.truncated,
	      "nl fields");

	/* cut by the kernel log's line limit inside ip=: syscall is there,
	 * ip and code are not, and the record says it was cut */
	static const char cut[] = "6,1,2,-;audit: type=1326 audit(1.002:7): pid=5 comm=\"x\" "
				  "exe=\"/x\" sig=0 arch=c000003e syscall=39 compat=0 ip=0x7f12";
	CHECK(audit_parse_line(cut, strlen(cut), 0, &r) == AUDIT_LINE_RECORD, "cut kind");
	CHECK(r.truncated && (r.fields & AUDIT_F_SYSCALL) && !(r.fields & AUDIT_F_IP) &&
		      !(r.fields & AUDIT_F_CODE),
	      "cut fields %#x truncated %d", r.fields, r.truncated);

	/* cut inside code: "0x7ffc" is no action value */
	static const char cut2[] = "audit(1.002:8): pid=5 arch=c000003e syscall=39 ip=0x1 code=0x7ffc";
	audit_parse_line(cut2, strlen(cut2), 1326, &r);
	CHECK(r.truncated && !(r.fields & AUDIT_F_CODE), "cut code");

	/* cut inside a quoted exe */
	static const char cut3[] = "audit(1.002:9): pid=5 comm=\"x\" exe=\"/usr/b";
	audit_parse_line(cut3, strlen(cut3), 1326, &r);
	CHECK(r.truncated && !(r.fields & AUDIT_F_EXE) && (r.fields & AUDIT_F_PID), "cut exe");

	static const char sup[] = "4,2400,4025000000,-;kauditd_printk_skb: 37 callbacks suppressed\n";
	CHECK(audit_parse_line(sup, strlen(sup), 0, &r) == AUDIT_LINE_SUPPRESSED && r.count == 37 &&
		      strcmp(r.comm, "kauditd_printk_skb") == 0,
	      "suppressed %lu %s", r.count, r.comm);

	static const char lost[] = "4,1,1,-;audit: audit_lost=12 audit_rate_limit=0 "
				   "audit_backlog_limit=64";
	CHECK(audit_parse_line(lost, strlen(lost), 0, &r) == AUDIT_LINE_LOST && r.count == 12,
	      "lost");
	static const char lost2[] = "4,1,1,-;audit: backlog limit exceeded";
	CHECK(audit_parse_line(lost2, strlen(lost2), 0, &r) == AUDIT_LINE_LOST, "backlog");

	static const char other[] = "6,3,3,-;eth0: link up";
	CHECK(audit_parse_line(other, strlen(other), 0, &r) == AUDIT_LINE_OTHER, "other");
	CHECK(audit_parse_line("", 0, 0, &r) == AUDIT_LINE_OTHER, "empty");
	CHECK(audit_parse_line("audit(", 6, 0, &r) == AUDIT_LINE_RECORD && r.truncated, "stub");

	char out[16];
	CHECK(audit_decode_value("\"abc\"", 5, out, sizeof(out)) == 3 && !strcmp(out, "abc"), "q");
	CHECK(audit_decode_value("414243", 6, out, sizeof(out)) == 3 && !strcmp(out, "ABC"), "hex");
	CHECK(audit_decode_value("(null)", 6, out, sizeof(out)) == 6 && !strcmp(out, "(null)"), "n");
	CHECK(audit_decode_value("41004243", 8, out, sizeof(out)) == 1 && !strcmp(out, "A"), "nul");
	CHECK(audit_decode_value("\"abcdefghijklmnopqrstuvwxyz\"", 28, out, 8) == 7, "cut");
}

/* audit_field on the records a Landlock denial makes (their shape as Linux
 * 6.18 wrote them): a key only as a whole word, quoted and hex values
 * decoded, an absent key -1. */
static void test_audit_field(void)
{
	static const char access[] =
		"audit(1796603712.434:1186378): domain=11383f2e8 blockers=fs.read_file "
		"path=\"/etc/hostname\" dev=\"vda\" ino=733";
	static const char hexpath[] = "domain=1a blockers=fs.write_file,fs.truncate "
				      "path=2F746D702F6120622063 dev=\"vda\" ino=9";
	static const char sys[] = "arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c "
				  "a2=0 ppid=6253 pid=6257 comm=\"exe\" key=(null)";
	char out[64];

	CHECK(audit_field(access, strlen(access), "domain", 0, out, sizeof(out)) == 9 &&
		      !strcmp(out, "11383f2e8"), "domain %s", out);
	/* a number is not hex text */
	CHECK(audit_field(sys, strlen(sys), "pid", 1, out, sizeof(out)) == 2, "decoded pid");
	CHECK(audit_field(access, strlen(access), "blockers", 0, out, sizeof(out)) == 12 &&
		      !strcmp(out, "fs.read_file"), "blockers %s", out);
	CHECK(audit_field(access, strlen(access), "path", 1, out, sizeof(out)) == 13 &&
		      !strcmp(out, "/etc/hostname"), "path %s", out);
	CHECK(audit_field(access, strlen(access), "name", 1, out, sizeof(out)) == -1 && !out[0],
	      "absent");
	CHECK(audit_field(hexpath, strlen(hexpath), "path", 1, out, sizeof(out)) == 10 &&
		      !strcmp(out, "/tmp/a b c"), "hex path %s", out);
	CHECK(audit_field(hexpath, strlen(hexpath), "blockers", 0, out, sizeof(out)) > 0 &&
		      !strcmp(out, "fs.write_file,fs.truncate"), "two blockers %s", out);
	/* pid is not ppid's tail, nor ppid pid's */
	CHECK(audit_field(sys, strlen(sys), "pid", 0, out, sizeof(out)) == 4 && !strcmp(out, "6257"),
	      "pid %s", out);
	CHECK(audit_field(sys, strlen(sys), "ppid", 0, out, sizeof(out)) == 4 && !strcmp(out, "6253"),
	      "ppid %s", out);
	CHECK(audit_field(sys, strlen(sys), "key", 0, out, sizeof(out)) == 6 && !strcmp(out, "(null)"),
	      "last %s", out);
	CHECK(audit_field(sys, 10, "syscall", 0, out, sizeof(out)) == -1, "beyond len");
	CHECK(audit_field(sys, strlen(sys), "exi", 0, out, sizeof(out)) == -1, "prefix of a key");
}

/* ------------------------------------------------------------- json */

static void test_json(void)
{
	struct json j;
	char out[128];

	/* escaping: control bytes, quote, backslash, valid and invalid UTF-8 */
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} esc[] = {
		{ "plain", 5, "\"plain\"" },
		{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
		{ "t\tn\n\x01", 5, "\"t\\tn\\n\\u0001\"" },
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
		{ "bad\xff", 4, "\"bad\\u00ff\"" },
		{ "over\xc0\xaf", 6, "\"over\\u00c0\\u00af\"" },
		{ "sur\xed\xa0\x80", 6, "\"sur\\u00ed\\u00a0\\u0080\"" },
		{ "nul\0x", 5, "\"nul\\u0000x\"" },
		{ "del\x7f", 4, "\"del\\u007f\"" },
	};
	for (size_t i = 0; i < sizeof(esc) / sizeof(esc[0]); i++) {
		size_t need = json_escape(esc[i].in, esc[i].len, out, sizeof(out));
		CHECK(strcmp(out, esc[i].want) == 0 && need == strlen(esc[i].want),
		      "escape %zu: got %s want %s", i, out, esc[i].want);
		CHECK(json_valid(out, strlen(out)), "escaped %zu valid", i);
	}
	/* snprintf-like: the length needed even when the buffer is small */
	CHECK(json_escape("abcdef", 6, out, 4) == 8 && strcmp(out, "\"ab") == 0, "small buffer");

	json_init(&j, 1);
	json_obj_begin(&j);
	json_kstr(&j, "promises", "stdio rpath");
	json_kbool(&j, "complete", 1);
	json_kint(&j, "exit", -3);
	json_key(&j, "list");
	json_arr_begin(&j);
	json_str(&j, "x\xff");
	json_null(&j);
	json_arr_begin(&j);
	json_arr_end(&j);
	json_arr_end(&j);
	json_kstr(&j, "none", NULL);
	json_obj_end(&j);
	size_t len;
	const char *text = json_text(&j, &len);
	CHECK(text && json_valid(text, len), "document valid: %s", text ? text : "(null)");
	CHECK(text && strstr(text, "\"promises\": \"stdio rpath\"") && strstr(text, "\"x\\u00ff\"") &&
		      strstr(text, "\"none\": null") && strstr(text, "\"exit\": -3"),
	      "document content: %s", text ? text : "(null)");
	json_free(&j);

	/* misuse never produces text */
	json_init(&j, 0);
	json_obj_begin(&j);
	json_str(&j, "value without key");
	CHECK(j.error && !json_text(&j, NULL), "value without key");
	json_free(&j);
	json_init(&j, 0);
	json_arr_begin(&j);
	CHECK(!json_text(&j, NULL), "unclosed");
	json_obj_end(&j);
	CHECK(j.error, "wrong close");
	json_free(&j);
	json_init(&j, 0);
	for (int i = 0; i < JSON_MAX_DEPTH + 1; i++)
		json_arr_begin(&j);
	CHECK(j.error, "too deep");
	json_free(&j);

	static const struct {
		const char *doc;
		int ok;
	} docs[] = {
		{ "{}", 1 },	       { " [1, -2.5e3, true, null, \"\\u00e9\"] ", 1 },
		{ "{\"a\":{\"b\":[]}}", 1 }, { "\"\\ud83d\\ude00\"", 1 },
		{ "[1,]", 0 },	       { "{\"a\" 1}", 0 },
		{ "01", 0 },	       { "[\"\\ud83d\"]", 0 },
		{ "\"\x01\"", 0 },     { "\"\xff\"", 0 },
		{ "{} {}", 0 },	       { "", 0 },
		{ "[1.]", 0 },	       { "tru", 0 },
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		CHECK(json_valid(docs[i].doc, strlen(docs[i].doc)) == docs[i].ok, "valid(%s)",
		      docs[i].doc);
}

/* ------------------------------------------------------------ cover */

#define B(i) (1ULL << (i))

static void test_cover(void)
{
	struct cover_result res;
	unsigned w[64];
	for (int i = 0; i < 64; i++)
		w[i] = 10;
	w[3] = 2; /* a narrow promise */

	/* one requirement with one alternative: forced */
	struct cover_req r1[] = { { 1, { B(0) }, { 0 }, 0 } };
	cover_solve(r1, 1, 0, w, 0, &res);
	CHECK(res.set == B(0) && res.exact, "forced %llx", (unsigned long long)res.set);

	/* {0|1} and {1|2}: 1 alone covers both */
	struct cover_req r2[] = { { 2, { B(0), B(1) }, { 0 }, 0 }, { 2, { B(1), B(2) }, { 0 }, 0 } };
	cover_solve(r2, 2, 0, w, 0, &res);
	CHECK(res.set == B(1), "shared %llx", (unsigned long long)res.set);

	/* a tie on count: the lighter promise wins */
	struct cover_req r3[] = { { 2, { B(1), B(3) }, { 0 }, 0 } };
	cover_solve(r3, 1, 0, w, 0, &res);
	CHECK(res.set == B(3), "weight %llx", (unsigned long long)res.set);

	/* a tie on count: a real grant beats an incidental one or a fallback,
	 * even a lighter one */
	struct cover_req r4[] = { { 2, { B(1), B(3) }, { 0, COVER_ALT_INCIDENTAL }, 0 } };
	cover_solve(r4, 1, 0, w, 0, &res);
	CHECK(res.set == B(1), "incidental %llx", (unsigned long long)res.set);
	struct cover_req r4b[] = { { 2, { B(1), B(3) }, { 0, COVER_ALT_FALLBACK }, 0 } };
	cover_solve(r4b, 1, 0, w, 0, &res);
	CHECK(res.set == B(1), "fallback %llx", (unsigned long long)res.set);
	/* ... unless the fallback saves a promise */
	struct cover_req r4c[] = { { 2, { B(1), B(3) }, { 0, COVER_ALT_FALLBACK }, 0 },
				   { 1, { B(3) }, { 0 }, 0 } };
	cover_solve(r4c, 2, 0, w, 0, &res);
	CHECK(res.set == B(3), "fallback saves %llx", (unsigned long long)res.set);

	/* a fallback rides on a promise a real grant brings in ... */
	struct cover_req r4d[] = { { 2, { B(1), B(3) }, { 0, COVER_ALT_FALLBACK }, 0 },
				   { 2, { B(2), B(3) }, { 0, 0 }, 0 } };
	cover_solve(r4d, 2, 0, w, 0, &res);
	CHECK(res.set == B(3), "fallback rides %llx", (unsigned long long)res.set);
	/* ... but not on one that only a dependent requirement uses (bind on
	 * the socket that the fallback would not have created) */
	struct cover_req r4e[] = { { 2, { B(1), B(3) }, { 0, COVER_ALT_FALLBACK }, 0 },
				   { 2, { B(1), B(3) }, { 0, 0 }, COVER_REQ_DEPENDENT } };
	cover_solve(r4e, 2, 0, w, 0, &res);
	CHECK(res.set == B(1), "dependent %llx", (unsigned long long)res.set);

	/* base promises cost nothing */
	struct cover_req r5[] = { { 2, { B(4), B(5) }, { 0 }, 0 } };
	cover_solve(r5, 1, B(5), w, 0, &res);
	CHECK(res.set == 0, "base %llx", (unsigned long long)res.set);

	/* an alternative needing two promises */
	struct cover_req r6[] = { { 1, { B(1) | B(2) }, { 0 }, 0 }, { 2, { B(2), B(6) }, { 0 }, 0 } };
	cover_solve(r6, 2, 0, w, 0, &res);
	CHECK(res.set == (B(1) | B(2)), "pair %llx", (unsigned long long)res.set);

	/* greedy is not enough: {a,b,c} each need one of two sets where the
	 * greedy choice of the common element is wrong */
	struct cover_req r7[] = { { 2, { B(0), B(1) | B(2) }, { 0 }, 0 },
				  { 2, { B(0), B(1) | B(3) }, { 0 }, 0 },
				  { 1, { B(1) }, { 0 }, 0 } };
	cover_solve(r7, 3, 0, NULL, 0, &res);
	CHECK(res.set == (B(0) | B(1)), "exact %llx", (unsigned long long)res.set);

	/* the budget: no proof, still a cover */
	struct cover_req r8[20];
	for (int i = 0; i < 20; i++)
		r8[i] = (struct cover_req){ 2, { B(i), B(i + 20) }, { 0 }, 0 };
	cover_solve(r8, 20, 0, NULL, 5, &res);
	int covered = 1;
	for (int i = 0; i < 20; i++)
		covered &= cover_satisfied_by(&r8[i], res.set) >= 0;
	CHECK(!res.exact && covered, "budget exact=%d covered=%d", res.exact, covered);

	CHECK(cover_satisfied_by(&r4[0], B(1) | B(3)) == 0, "prefers the real grant");
	CHECK(cover_satisfied_by(&r4[0], B(3)) == 1, "incidental when only it");
	CHECK(cover_satisfied_by(&r4[0], B(7)) == -1, "unmet");
}

/* ------------------------------------------------------------ quote */

static void test_quote(void)
{
	static const struct {
		const char *arg, *want;
	} rows[] = {
		{ "/etc/hostname", "/etc/hostname" },
		{ "-l", "-l" },
		{ "", "''" },
		{ "a b", "'a b'" },
		{ "import json; print(1)", "'import json; print(1)'" },
		{ "it's", "'it'\\''s'" },
		{ "$HOME", "'$HOME'" },
		{ "*", "'*'" },
		{ "a\nb", "'a\nb'" },
		{ "~", "'~'" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *q = quote_arg(rows[i].arg, 0);
		CHECK(q && strcmp(q, rows[i].want) == 0, "quote %s: %s, want %s", rows[i].arg,
		      q ? q : "NULL", rows[i].want);
		free(q);
	}
	char *const argv[] = { "sh", "-c", "echo 'hi' | wc -c", NULL };
	char *q = quote_argv(argv, 0);
	CHECK(q && strcmp(q, "sh -c 'echo '\\''hi'\\'' | wc -c'") == 0, "argv: %s", q);
	free(q);

	/* a 120 kB argument: abbreviated for reading, whole when asked */
	static char big[120001];
	memset(big, 'x', sizeof(big) - 1);
	q = quote_arg(big, QUOTE_ABBREV_OVER);
	char want[128];
	snprintf(want, sizeof(want), "%.*s\xe2\x80\xa6(120000 bytes)", QUOTE_ABBREV_OVER / 4, big);
	CHECK(q && strcmp(q, want) == 0, "abbreviated: %s", q);
	free(q);
	q = quote_arg(big, 0);
	CHECK(q && strlen(q) == 120000, "whole: %zu", q ? strlen(q) : 0);
	free(q);
	q = quote_arg("short one", QUOTE_ABBREV_OVER);
	CHECK(q && strcmp(q, "'short one'") == 0, "short stays whole: %s", q);
	free(q);
}

/* ---------------------------------------------------------- jsonread */

static void test_jsonread(void)
{
	static const char doc[] = " {\"a\": [1, -2.5e1, true, false, null], \"s\": \"x\\u00e9\\ud83d\\ude00\\n\","
				  " \"o\": {\"k\": 123456789012}} ";
	size_t err = 99;
	struct jv *v = jv_parse(doc, strlen(doc), &err);
	CHECK(v && v->type == JV_OBJ && v->n == 3, "parsed");
	const struct jv *a = jv_get(v, "a");
	CHECK(a && a->type == JV_ARR && a->n == 5 && a->items[0].i == 1 &&
		      a->items[1].num == -25.0 && a->items[2].b == 1 && a->items[3].type == JV_BOOL &&
		      a->items[4].type == JV_NULL,
	      "array");
	CHECK(strcmp(jv_str(v, "s", ""), "x\xc3\xa9\xf0\x9f\x98\x80\n") == 0, "escapes: %s",
	      jv_str(v, "s", ""));
	CHECK(jv_int(jv_get(v, "o"), "k", 0) == 123456789012LL, "integer");
	CHECK(jv_str(v, "missing", "d")[0] == 'd' && jv_bool(v, "s", 7) == 7, "defaults");
	jv_free(v);

	/* what the writer writes, the reader reads back */
	struct json j;
	json_init(&j, 1);
	json_obj_begin(&j);
	json_kstr(&j, "bytes", "caf\xe9 \x01\"");
	json_obj_end(&j);
	size_t len;
	const char *text = json_text(&j, &len);
	v = jv_parse(text, len, NULL);
	CHECK(v && strcmp(jv_str(v, "bytes", ""), "caf\xc3\xa9 \x01\"") == 0, "round trip: %s",
	      v ? jv_str(v, "bytes", "") : "NULL");
	jv_free(v);
	json_free(&j);

	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "01", "\"\\x\"", "[1] x", "tru", "\"a\nb\"", "-",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = jv_parse(bad[i], strlen(bad[i]), NULL);
		CHECK(!v, "accepted bad JSON %s", bad[i]);
		jv_free(v);
	}
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	v = jv_parse(deep, 200, NULL);
	CHECK(!v, "nesting beyond 64 accepted");
	jv_free(v);
}

int main(void)
{
	test_audit();
	test_audit_field();
	test_json();
	test_cover();
	test_quote();
	test_jsonread();
	return harness_finish("test_trace_units");
}
