/* SPDX-License-Identifier: MIT */
/*
 * scopes-trace's audit-record parser (tools/trace/audit_parse.h), two ways:
 *
 *  - raw: any bytes as a kernel log line or netlink payload. Never crashes,
 *    never reads or writes outside the line and the record; comm and exe
 *    stay NUL-terminated; audit_decode_value never writes past its buffer.
 *  - round trip: a seccomp record built from the input exactly as the
 *    kernel prints it (kernel/auditsc.c: audit_log_task, then sig, arch,
 *    syscall, compat, ip, code; comm and exe through
 *    audit_log_untrustedstring: quoted, or upper-case hex when a byte is '"',
 *    below 0x21 or above 0x7e), framed as /dev/kmsg, dmesg or netlink, and
 *    possibly cut short like the kernel log's line limit cuts it. Every field
 *    the parser returns must be the one written; an uncut record must come
 *    back whole and not flagged truncated.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit_parse.h"
#include "fuzz_common.h"

#define LINE_MAX_BYTES 4096

struct put {
	char *p;
	size_t n, cap;
};

static void putf(struct put *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct put *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(o->p + o->n, o->cap - o->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		o->n += (size_t)r < o->cap - o->n ? (size_t)r : o->cap - o->n - 1;
}

/* audit_log_untrustedstring */
static void put_untrusted(struct put *o, const unsigned char *s, size_t n)
{
	int hex = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '"' || s[i] < 0x21 || s[i] > 0x7e)
			hex = 1;
	if (!hex) {
		putf(o, "\"%.*s\"", (int)n, (const char *)s);
		return;
	}
	for (size_t i = 0; i < n; i++)
		putf(o, "%02X", s[i]);
}

/* n bytes of the input, none of them NUL (comm and paths cannot hold one) */
static size_t take_str(struct fuzz_in *in, unsigned char *out, size_t max)
{
	size_t n = (size_t)fuzz_take(in, 1) % (max + 1);
	for (size_t i = 0; i < n; i++) {
		out[i] = (unsigned char)fuzz_take(in, 1);
		if (!out[i])
			out[i] = 'x';
	}
	out[n] = '\0';
	return n;
}

static void raw(const uint8_t *data, size_t size)
{
	static struct audit_record rec;
	char out[80];

	if (size == 0)
		return;
	enum audit_line_kind k =
	    audit_parse_line((const char *)data + 1, size - 1, data[0] & 1 ? 1326 : 0, &rec);
	FUZZ_CHECK(k >= AUDIT_LINE_OTHER && k <= AUDIT_LINE_LOST, "kind %d", (int)k);
	FUZZ_CHECK(memchr(rec.comm, '\0', sizeof(rec.comm)) &&
		       memchr(rec.exe, '\0', sizeof(rec.exe)),
		   "comm or exe not terminated");
	FUZZ_CHECK((rec.fields & ~0x1fffu) == 0, "unknown field bits %#x", rec.fields);
	size_t cap = data[0] % 40;
	memset(out, 'Z', sizeof(out));
	int w = audit_decode_value((const char *)data + 1, size - 1, out, cap);
	if (cap == 0) {
		FUZZ_CHECK(w == -1 && out[0] == 'Z', "size 0 must write nothing");
		return;
	}
	FUZZ_CHECK(w >= 0 && (size_t)w < cap && out[w] == '\0' && out[cap] == 'Z',
		   "decode_value wrote %d into %zu", w, cap);
}

static void round_trip(struct fuzz_in *in)
{
	static const uint32_t codes[] = {0x80000000u, 0x00000000u, 0x00030000u, 0x00050000u,
					 0x7fc00000u, 0x7ff00000u, 0x7ffc0000u, 0x7fff0000u};
	static char line[LINE_MAX_BYTES];
	static struct audit_record rec;
	unsigned char comm[16], exe[301];
	struct put o = {line, 0, sizeof(line)};

	unsigned framing = (unsigned)fuzz_take(in, 1);
	uint64_t sec = fuzz_take(in, 4);
	unsigned msec = (unsigned)(fuzz_take(in, 2) % 1000);
	uint64_t serial = fuzz_take(in, 4);
	uint32_t auid = (uint32_t)fuzz_take(in, 4), uid = (uint32_t)fuzz_take(in, 4);
	uint32_t gid = (uint32_t)fuzz_take(in, 4), ses = (uint32_t)fuzz_take(in, 4);
	long pid = (long)(fuzz_take(in, 4) % 4194304) + 1;
	size_t comm_n = take_str(in, comm, 15);
	int has_exe = (int)(fuzz_take(in, 1) & 1);
	size_t exe_n = take_str(in, exe, 300);
	long sig = (long)(fuzz_take(in, 1) % 65);
	uint32_t arch = (uint32_t)fuzz_take(in, 4);
	long sysno = (int32_t)fuzz_take(in, 4);
	int compat = (int)(fuzz_take(in, 1) & 1);
	uint64_t ip = fuzz_take(in, 8);
	uint32_t code = codes[fuzz_take(in, 1) % 8];
	unsigned cut = (unsigned)fuzz_take(in, 2);

	switch (framing % 3) {
	case 0:
		putf(&o, "5,%llu,%llu,-;audit: type=1326 ", (unsigned long long)serial,
		     (unsigned long long)sec * 1000);
		break;
	case 1:
		putf(&o, "[%5llu.%06u] audit: type=1326 ", (unsigned long long)(sec % 100000),
		     msec);
		break;
	default:
		break; /* netlink: the payload alone, its type from the header */
	}
	putf(&o, "audit(%llu.%03u:%llu): auid=%u uid=%u gid=%u ses=%u", (unsigned long long)sec,
	     msec, (unsigned long long)serial, auid, uid, gid, ses);
	if (framing & 4)
		putf(&o, " subj=%s", framing & 8 ? "docker-default (enforce)" : "unconfined");
	putf(&o, " pid=%ld comm=", pid);
	put_untrusted(&o, comm, comm_n);
	putf(&o, " exe=");
	if (has_exe)
		put_untrusted(&o, exe, exe_n);
	else
		putf(&o, "(null)");
	putf(&o, " sig=%ld arch=%x syscall=%ld compat=%d ip=0x%llx code=0x%x", sig, arch, sysno,
	     compat, (unsigned long long)ip, code);
	size_t len = o.n;
	int cut_short = (framing & 0x10) != 0;
	if (cut_short)
		len = cut % (len + 1);

	enum audit_line_kind k = audit_parse_line(line, len, (framing % 3) == 2 ? 1326 : 0, &rec);
	const char *want_exe = has_exe ? (const char *)exe : "(null)";
	if (!cut_short) {
		FUZZ_CHECK(k == AUDIT_LINE_RECORD && rec.type == 1326, "not a seccomp record: %s",
			   line);
		FUZZ_CHECK(!rec.truncated, "a whole record flagged truncated: %s", line);
		unsigned all = AUDIT_F_STAMP | AUDIT_F_PID | AUDIT_F_UID | AUDIT_F_AUID |
			       AUDIT_F_SES | AUDIT_F_COMM | AUDIT_F_EXE | AUDIT_F_SIG |
			       AUDIT_F_ARCH | AUDIT_F_SYSCALL | AUDIT_F_IP | AUDIT_F_CODE |
			       AUDIT_F_COMPAT;
		FUZZ_CHECK((rec.fields & all) == all, "fields %#x of %#x: %s", rec.fields, all,
			   line);
	}
	if (k != AUDIT_LINE_RECORD)
		return;
	/* whatever came back must be what was written */
	if (rec.fields & AUDIT_F_STAMP)
		FUZZ_CHECK(rec.sec == sec && rec.msec == msec && rec.serial == serial, "stamp: %s",
			   line);
	if (rec.fields & AUDIT_F_PID)
		FUZZ_CHECK(rec.pid == pid, "pid %ld: %.*s", rec.pid, (int)len, line);
	if (rec.fields & AUDIT_F_UID)
		FUZZ_CHECK(rec.uid == uid, "uid: %.*s", (int)len, line);
	if (rec.fields & AUDIT_F_AUID)
		FUZZ_CHECK(rec.auid == auid, "auid: %.*s", (int)len, line);
	if (rec.fields & AUDIT_F_SES)
		FUZZ_CHECK(rec.ses == ses, "ses: %.*s", (int)len, line);
	if (rec.fields & AUDIT_F_COMM)
		FUZZ_CHECK(strcmp(rec.comm, (const char *)comm) == 0, "comm \"%s\": %.*s", rec.comm,
			   (int)len, line);
	if (rec.fields & AUDIT_F_EXE)
		FUZZ_CHECK(strcmp(rec.exe, want_exe) == 0, "exe \"%s\": %.*s", rec.exe, (int)len,
			   line);
	if (rec.fields & AUDIT_F_SIG)
		FUZZ_CHECK(rec.sig == sig, "sig: %.*s", (int)len, line);
	if (rec.fields & AUDIT_F_ARCH)
		FUZZ_CHECK(rec.arch == arch, "arch: %.*s", (int)len, line);
	if (rec.fields & AUDIT_F_SYSCALL)
		FUZZ_CHECK(rec.syscall == sysno, "syscall: %.*s", (int)len, line);
	if (rec.fields & AUDIT_F_COMPAT)
		FUZZ_CHECK(rec.compat == compat, "compat: %.*s", (int)len, line);
	if (rec.fields & AUDIT_F_IP)
		FUZZ_CHECK(rec.ip == ip, "ip: %.*s", (int)len, line);
	if (rec.fields & AUDIT_F_CODE)
		FUZZ_CHECK(rec.code == code, "code %#x: %.*s", rec.code, (int)len, line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 0x80) {
		struct fuzz_in in = {data + 1, size - 1};
		round_trip(&in);
	} else {
		raw(data + 1, size - 1);
	}
	return 0;
}
