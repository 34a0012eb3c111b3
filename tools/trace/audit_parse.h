/* SPDX-License-Identifier: MIT */
/*
 * audit_parse — read one line of the kernel's audit output.
 *
 * Pure code: no system calls, no allocation, no global state, so it can be
 * fuzzed and tested on canned lines. It reads
 *   - a /dev/kmsg record:   "5,812,4020185,-;audit: type=1326 audit(1712.345:67): auid=..."
 *   - a dmesg/syslog line:  "[ 4.02] audit: type=1326 audit(1712.345:67): auid=..."
 *   - a NETLINK_AUDIT payload: "audit(1712.345:67): auid=..." (its type comes
 *     from the netlink header; give it in `type`)
 * and the kernel's own loss notices on the kernel log:
 *   - "kauditd_printk_skb: 12 callbacks suppressed" (printk's rate limit)
 *   - "audit: audit_lost=5 audit_rate_limit=0 audit_backlog_limit=64",
 *     "audit: backlog limit exceeded", "audit: rate limit exceeded",
 *     "audit: kauditd hold queue overflow".
 *
 * A seccomp record (type 1326, AUDIT_SECCOMP) carries pid (the thread group),
 * comm and exe (quoted, or hex-encoded and unquoted when they hold a space,
 * a quote or a byte outside 0x21..0x7e), sig, arch, syscall, compat, ip and
 * code. A kernel log line is cut at about 1000 bytes: a record cut before
 * its last field is returned with `truncated` set and only the fields that
 * were complete.
 */
#ifndef SCOPES_TRACE_AUDIT_PARSE_H
#define SCOPES_TRACE_AUDIT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define AUDIT_TYPE_SECCOMP 1326

#define AUDIT_COMM_MAX 64
#define AUDIT_EXE_MAX 4096

/* Which fields of struct audit_record were present and well formed. */
#define AUDIT_F_STAMP   0x001u /* sec, msec, serial */
#define AUDIT_F_PID     0x002u
#define AUDIT_F_UID     0x004u
#define AUDIT_F_AUID    0x008u
#define AUDIT_F_SES     0x010u
#define AUDIT_F_COMM    0x020u
#define AUDIT_F_EXE     0x040u
#define AUDIT_F_SIG     0x080u
#define AUDIT_F_ARCH    0x100u
#define AUDIT_F_SYSCALL 0x200u
#define AUDIT_F_IP      0x400u
#define AUDIT_F_CODE    0x800u
#define AUDIT_F_COMPAT  0x1000u

/* What a seccomp record needs to be attributed and classified. */
#define AUDIT_F_SECCOMP_USABLE (AUDIT_F_STAMP | AUDIT_F_PID | AUDIT_F_ARCH | AUDIT_F_SYSCALL)

enum audit_line_kind {
	AUDIT_LINE_OTHER,      /* not audit output (or not understood) */
	AUDIT_LINE_RECORD,     /* an audit record: see rec */
	AUDIT_LINE_SUPPRESSED, /* printk's rate limit dropped rec->count messages */
	AUDIT_LINE_LOST,       /* the audit subsystem lost records (rec->count: its
				* audit_lost counter when the line gives it, else 0) */
};

struct audit_record {
	unsigned type;    /* 1326 = seccomp; 0 when the line did not say */
	unsigned fields;  /* AUDIT_F_* */
	int truncated;    /* the line ended inside or before its last field */
	uint64_t sec;     /* audit(sec.msec:serial) */
	unsigned msec;
	uint64_t serial;
	long pid;
	uint64_t uid, auid;
	uint32_t ses;
	long sig;
	uint32_t arch;
	long syscall;
	int compat;
	uint64_t ip;
	uint32_t code;
	unsigned long count; /* SUPPRESSED / LOST lines */
	char comm[AUDIT_COMM_MAX];
	char exe[AUDIT_EXE_MAX];
};

/*
 * audit_parse_line - parse one line (need not be NUL-terminated).
 *
 * line, len: the bytes; a trailing newline and kmsg continuation lines
 *            (after the first '\n') are ignored.
 * type:      the record type when the caller knows it (netlink header), else 0.
 * rec:       filled for every kind; zeroed first.
 *
 * Returns the kind of line. Never fails; rec->fields says what was found.
 * Async-signal-safe and thread-safe (no state).
 */
enum audit_line_kind audit_parse_line(const char *line, size_t len, unsigned type,
				      struct audit_record *rec);

/*
 * audit_decode_value - decode an audit string value into out (NUL-terminated).
 *
 * "\"text\"" gives text; an even-length run of hex digits gives its bytes
 * (a NUL byte ends the string); anything else ("(null)", "?") is copied.
 * Returns the length written, or -1 if out_size is 0. Pure.
 */
int audit_decode_value(const char *val, size_t len, char *out, size_t out_size);

/*
 * The value of field key in a record's text (what follows "audit(...): "
 * or the whole line): the first " key=" (or key= at the start), its value
 * up to the next space or, quoted, to its closing quote. string: the field
 * is one the kernel writes as an untrusted string (path, comm, exe: quoted,
 * or hex), decoded as audit_decode_value does; otherwise (numbers, words)
 * copied as written, since "6257" is a pid, not hex. Returns its length,
 * or -1 when the field is absent. Pure; for the records of other types
 * than seccomp's (Landlock's 1423/1424, SYSCALL's 1300).
 */
int audit_field(const char *text, size_t len, const char *key, int string, char *out,
		size_t out_size);

#endif
