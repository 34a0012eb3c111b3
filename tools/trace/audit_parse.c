/* SPDX-License-Identifier: MIT */
/*
 * Parsing the kernel's audit lines (see audit_parse.h for the formats).
 *
 * Everything works on (pointer, length) spans of the caller's bytes: a kmsg
 * record is not NUL-terminated, a netlink payload may or may not be.
 */
#include <string.h>

#include "audit_parse.h"

struct span {
	const char *p;
	size_t n;
};

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return (unsigned)(c - 'A' + 10);
}

/* First occurrence of needle in s, or NULL. */
static const char *find(struct span s, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0 || m > s.n)
		return NULL;
	for (size_t i = 0; i + m <= s.n; i++)
		if (s.p[i] == needle[0] && memcmp(s.p + i, needle, m) == 0)
			return s.p + i;
	return NULL;
}

static struct span from(struct span s, const char *at)
{
	struct span r = { at, s.n - (size_t)(at - s.p) };
	return r;
}

/* Unsigned decimal (base 10) or hex (base 16, optional 0x). Returns the
 * number of characters used, 0 if none or on overflow. */
static size_t parse_u64(const char *p, size_t n, int base, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;

	if (base == 16 && n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		i = 2;
	size_t start = i;
	for (; i < n; i++) {
		unsigned d;
		if (base == 10 && p[i] >= '0' && p[i] <= '9')
			d = (unsigned)(p[i] - '0');
		else if (base == 16 && is_hex(p[i]))
			d = hex_val(p[i]);
		else
			break;
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return 0;
		v = v * (uint64_t)base + d;
	}
	if (i == start)
		return 0;
	*out = v;
	return i;
}

/* A whole token as a number: every byte must be used. */
static int token_u64(struct span v, int base, uint64_t *out)
{
	return v.n > 0 && parse_u64(v.p, v.n, base, out) == v.n;
}

static int token_long(struct span v, long *out)
{
	uint64_t u;
	int neg = v.n > 0 && v.p[0] == '-';
	struct span d = { v.p + neg, v.n - (size_t)neg };
	if (!token_u64(d, 10, &u) || u > (uint64_t)0x7fffffffffffffffULL)
		return 0;
	*out = neg ? -(long)u : (long)u;
	return 1;
}

int audit_decode_value(const char *val, size_t len, char *out, size_t out_size)
{
	size_t w = 0;

	if (out_size == 0)
		return -1;
	if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
		for (size_t i = 1; i + 1 < len && w + 1 < out_size; i++)
			out[w++] = val[i];
	} else {
		int hex = len > 0 && len % 2 == 0;
		for (size_t i = 0; hex && i < len; i++)
			hex = is_hex(val[i]) && !(val[i] >= 'a' && val[i] <= 'f');
		if (hex) {
			/* the kernel writes upper-case hex for untrusted strings */
			for (size_t i = 0; i + 1 < len && w + 1 < out_size; i += 2) {
				char c = (char)(hex_val(val[i]) << 4 | hex_val(val[i + 1]));
				if (c == '\0')
					break;
				out[w++] = c;
			}
		} else {
			for (size_t i = 0; i < len && w + 1 < out_size; i++)
				out[w++] = val[i];
		}
	}
	out[w] = '\0';
	return (int)w;
}

int audit_field(const char *text, size_t len, const char *key, int string, char *out,
		size_t out_size)
{
	size_t kl = strlen(key);

	if (out_size)
		out[0] = '\0';
	for (size_t i = 0; kl && i + kl < len; i++) {
		if ((i > 0 && text[i - 1] != ' ') || memcmp(text + i, key, kl) != 0 ||
		    text[i + kl] != '=')
			continue;
		const char *v = text + i + kl + 1;
		size_t rest = len - (i + kl + 1), vl = 0;
		if (rest && v[0] == '"') {
			const char *q = memchr(v + 1, '"', rest - 1);
			vl = q ? (size_t)(q - v) + 1 : rest;
		} else {
			while (vl < rest && v[vl] != ' ' && v[vl] != '\n' && v[vl] != '\0')
				vl++;
		}
		if (string)
			return audit_decode_value(v, vl, out, out_size);
		size_t w = 0;
		for (; w < vl && w + 1 < out_size; w++)
			out[w] = v[w];
		if (out_size)
			out[w] = '\0';
		return (int)w;
	}
	return -1;
}

/* A seccomp record's code is the action alone: the kernel logs
 * ret & SECCOMP_RET_ACTION_FULL, so the low 16 bits are zero and the action
 * is one it defines. A value cut short by the kernel log's line limit
 * ("0x7ffc" of "0x7ffc0000") fails this. */
static int code_plausible(uint64_t code)
{
	static const uint32_t actions[] = { 0x80000000u, 0x00000000u, 0x00030000u, 0x00050000u,
					    0x7fc00000u, 0x7ff00000u, 0x7ffc0000u, 0x7fff0000u };
	if (code > 0xffffffffu || (code & 0xffffu))
		return 0;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if ((uint32_t)code == actions[i])
			return 1;
	return 0;
}

static int key_is(struct span k, const char *name)
{
	size_t m = strlen(name);
	return k.n == m && memcmp(k.p, name, m) == 0;
}

/* One key=value field into rec. last: the value ran to the end of the input. */
static void take_field(struct audit_record *rec, struct span k, struct span v, int last)
{
	uint64_t u;

	if (last && !key_is(k, "code")) {
		/* a plain value at the very end may have been cut by the log */
		rec->truncated = 1;
		return;
	}
	if (key_is(k, "pid")) {
		if (token_long(v, &rec->pid))
			rec->fields |= AUDIT_F_PID;
	} else if (key_is(k, "uid")) {
		if (token_u64(v, 10, &rec->uid))
			rec->fields |= AUDIT_F_UID;
	} else if (key_is(k, "auid")) {
		if (token_u64(v, 10, &rec->auid))
			rec->fields |= AUDIT_F_AUID;
	} else if (key_is(k, "ses")) {
		if (token_u64(v, 10, &u) && u <= 0xffffffffu) {
			rec->ses = (uint32_t)u;
			rec->fields |= AUDIT_F_SES;
		}
	} else if (key_is(k, "comm")) {
		audit_decode_value(v.p, v.n, rec->comm, sizeof(rec->comm));
		rec->fields |= AUDIT_F_COMM;
	} else if (key_is(k, "exe")) {
		audit_decode_value(v.p, v.n, rec->exe, sizeof(rec->exe));
		rec->fields |= AUDIT_F_EXE;
	} else if (key_is(k, "sig")) {
		if (token_long(v, &rec->sig))
			rec->fields |= AUDIT_F_SIG;
	} else if (key_is(k, "arch")) {
		if (token_u64(v, 16, &u) && u <= 0xffffffffu) {
			rec->arch = (uint32_t)u;
			rec->fields |= AUDIT_F_ARCH;
		}
	} else if (key_is(k, "syscall")) {
		if (token_long(v, &rec->syscall))
			rec->fields |= AUDIT_F_SYSCALL;
	} else if (key_is(k, "compat")) {
		long c;
		if (token_long(v, &c)) {
			rec->compat = (int)c;
			rec->fields |= AUDIT_F_COMPAT;
		}
	} else if (key_is(k, "ip")) {
		if (token_u64(v, 16, &rec->ip))
			rec->fields |= AUDIT_F_IP;
	} else if (key_is(k, "code")) {
		/* the kernel prints code=0x%x: without its "0x" the value was cut
		 * (code=0x7ffc0000 cut to code=0 would read as KILL_THREAD) */
		int prefixed = v.n >= 3 && v.p[0] == '0' && (v.p[1] == 'x' || v.p[1] == 'X');
		if (prefixed && token_u64(v, 16, &u) && (!last || code_plausible(u))) {
			rec->code = (uint32_t)u;
			rec->fields |= AUDIT_F_CODE;
		} else {
			rec->truncated = 1;
		}
	}
}

/* The fields after "audit(...): ". */
static void parse_fields(struct audit_record *rec, struct span s)
{
	size_t i = 0;

	while (i < s.n) {
		while (i < s.n && s.p[i] == ' ')
			i++;
		if (i >= s.n)
			break;
		size_t ks = i;
		while (i < s.n && s.p[i] != '=' && s.p[i] != ' ')
			i++;
		if (i >= s.n || s.p[i] != '=') {
			/* a key without a value: cut, or a free-form word */
			if (i >= s.n)
				rec->truncated = 1;
			continue;
		}
		struct span k = { s.p + ks, i - ks };
		size_t vs = ++i;
		int last;
		if (i < s.n && s.p[i] == '"') {
			i++;
			while (i < s.n && s.p[i] != '"')
				i++;
			if (i >= s.n) {
				rec->truncated = 1; /* the closing quote was cut */
				return;
			}
			i++;
			last = 0; /* a closed quote is complete */
		} else {
			while (i < s.n && s.p[i] != ' ')
				i++;
			last = i >= s.n;
		}
		struct span v = { s.p + vs, i - vs };
		take_field(rec, k, v, last);
	}
}

/* "sec.msec:serial)" */
static int parse_stamp(struct audit_record *rec, struct span s, size_t *used)
{
	uint64_t sec, msec, serial;
	size_t i = parse_u64(s.p, s.n, 10, &sec);
	if (i == 0 || i >= s.n || s.p[i] != '.')
		return 0;
	i++;
	size_t m = parse_u64(s.p + i, s.n - i, 10, &msec);
	if (m == 0 || msec > 999)
		return 0;
	i += m;
	if (i >= s.n || s.p[i] != ':')
		return 0;
	i++;
	m = parse_u64(s.p + i, s.n - i, 10, &serial);
	if (m == 0)
		return 0;
	i += m;
	if (i >= s.n || s.p[i] != ')')
		return 0;
	rec->sec = sec;
	rec->msec = (unsigned)msec;
	rec->serial = serial;
	*used = i + 1;
	return 1;
}

/* "<name>: N callbacks suppressed" */
static int parse_suppressed(struct audit_record *rec, struct span s)
{
	const char *at = find(s, " callbacks suppressed");
	if (!at)
		return 0;
	size_t end = (size_t)(at - s.p), b = end;
	while (b > 0 && s.p[b - 1] >= '0' && s.p[b - 1] <= '9')
		b--;
	uint64_t n;
	if (b == end || parse_u64(s.p + b, end - b, 10, &n) != end - b)
		return 0;
	rec->count = (unsigned long)n;
	/* the function that noticed, for the report */
	size_t fe = b >= 2 && s.p[b - 1] == ' ' && s.p[b - 2] == ':' ? b - 2 : b;
	size_t fs = fe;
	while (fs > 0 && s.p[fs - 1] != ' ' && s.p[fs - 1] != ';' && s.p[fs - 1] != ']')
		fs--;
	size_t fl = fe - fs < sizeof(rec->comm) - 1 ? fe - fs : sizeof(rec->comm) - 1;
	memcpy(rec->comm, s.p + fs, fl);
	rec->comm[fl] = '\0';
	return 1;
}

static int parse_lost(struct audit_record *rec, struct span s)
{
	static const char *const notices[] = { "audit: backlog limit exceeded",
					       "audit: rate limit exceeded",
					       "audit: kauditd hold queue overflow",
					       "audit: out of memory in audit_log_start",
					       "audit: audit_log_start() out of memory" };
	const char *at = find(s, "audit_lost=");
	if (at) {
		struct span r = from(s, at + strlen("audit_lost="));
		uint64_t n = 0;
		parse_u64(r.p, r.n, 10, &n);
		rec->count = (unsigned long)n;
		return 1;
	}
	for (size_t i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
		if (find(s, notices[i]))
			return 1;
	return 0;
}

enum audit_line_kind audit_parse_line(const char *line, size_t len, unsigned type,
				      struct audit_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	if (!line)
		return AUDIT_LINE_OTHER;
	/* a kmsg record's dictionary follows on lines starting with a space */
	const char *nl = memchr(line, '\n', len);
	struct span s = { line, nl ? (size_t)(nl - line) : len };
	/* a netlink payload may carry its terminating NUL inside the length */
	const char *nul = memchr(s.p, '\0', s.n);
	if (nul)
		s.n = (size_t)(nul - s.p);

	const char *au = find(s, "audit(");
	if (!au) {
		if (parse_suppressed(rec, s))
			return AUDIT_LINE_SUPPRESSED;
		if (parse_lost(rec, s))
			return AUDIT_LINE_LOST;
		return AUDIT_LINE_OTHER;
	}
	rec->type = type;
	struct span head = { s.p, (size_t)(au - s.p) };
	const char *ty = find(head, "type=");
	if (ty) {
		uint64_t t;
		struct span tv = from(head, ty + 5);
		if (parse_u64(tv.p, tv.n, 10, &t) > 0 && t <= 0xffff)
			rec->type = (unsigned)t;
	}
	struct span st = from(s, au + 6);
	size_t used;
	if (!parse_stamp(rec, st, &used)) {
		rec->truncated = 1;
		return AUDIT_LINE_RECORD;
	}
	rec->fields |= AUDIT_F_STAMP;
	struct span rest = { st.p + used, st.n - used };
	if (rest.n > 0 && rest.p[0] == ':') {
		rest.p++;
		rest.n--;
	}
	parse_fields(rec, rest);
	if (rec->type == AUDIT_TYPE_SECCOMP && !(rec->fields & AUDIT_F_CODE))
		rec->truncated = 1;
	return AUDIT_LINE_RECORD;
}
