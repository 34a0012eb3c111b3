/* SPDX-License-Identifier: MIT */
/*
 * gen-promises - write the scopes-promises(7) manual page from the promise
 * table itself.
 *
 *   gen-promises > scopes-promises.7
 *
 * The page is generated at build time by reading the table through
 * <scopes/table.h>, the same data the filter builder compiles, so the page
 * cannot drift from what libscopes enforces. Nothing about which promise
 * grants what is written here: this file only knows how to *print*, i.e. the
 * names of the syscall arguments that appear in the table's conditions. The
 * constants are named by the project's one decoder (decode/decode.h), so the
 * page says what a violation report and scopes-trace say. A constant it has
 * no name for is printed in hex, so a new row is always documented, if less
 * readably.
 *
 * The page's date is SOURCE_DATE_EPOCH when set (reproducible builds), else
 * today.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <scopes.h>
#include <scopes/table.h>

#include "decode.h"

#define HI32 0xffffffff00000000ULL

/* ------------------------------------------------------- printing constants */

/* How an argument's value is shown. */
enum kind {
	K_NUM,     /* hex */
	K_PTR,     /* 0 is NULL */
	K_PID,     /* SCOPES_VALUE_SELF_PID is the caller's own pid */
	K_OPEN,    /* open flags: O_ACCMODE field plus flag bits */
	K_MODE,    /* file mode bits and type */
	K_PROT,
	K_CLONE,
	K_AT,
	K_FCNTL,
	K_IOCTL,
	K_PRCTL,
	K_AF,
	K_SOCKTYPE,
	K_IPPROTO,
	K_LEVEL,
	K_SOCKOPT, /* by the level in the row's other condition */
};

/* The decoder's names for a kind of value (K_OPEN and K_MODE: their bits). */
static int kind_names(enum kind k, enum decode_names *set)
{
	static const struct {
		enum kind kind;
		enum decode_names set;
	} map[] = {
		{ K_OPEN, DECODE_OPEN_FLAGS }, { K_MODE, DECODE_MODE_BITS },
		{ K_PROT, DECODE_PROT },       { K_CLONE, DECODE_CLONE },
		{ K_AT, DECODE_AT_FLAGS },     { K_FCNTL, DECODE_FCNTL },
		{ K_IOCTL, DECODE_IOCTL },     { K_PRCTL, DECODE_PRCTL },
		{ K_AF, DECODE_AF },	       { K_SOCKTYPE, DECODE_SOCK_TYPE },
		{ K_IPPROTO, DECODE_IPPROTO }, { K_LEVEL, DECODE_SOCKOPT_LEVEL },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].kind == k) {
			*set = map[i].set;
			return 1;
		}
	}
	return 0;
}

/* The name and kind of each argument that appears in a condition. */
struct argdesc {
	const char *syscall;
	unsigned arg;
	const char *name;
	enum kind kind;
};

static const struct argdesc args[] = {
	{ "open", 1, "flags", K_OPEN },       { "open", 2, "mode", K_MODE },
	{ "openat", 2, "flags", K_OPEN },     { "openat", 3, "mode", K_MODE },
	{ "creat", 1, "mode", K_MODE },       { "mkdir", 1, "mode", K_MODE },
	{ "mkdirat", 2, "mode", K_MODE },     { "mknod", 1, "mode", K_MODE },
	{ "mknodat", 2, "mode", K_MODE },     { "chmod", 1, "mode", K_MODE },
	{ "fchmod", 1, "mode", K_MODE },      { "fchmodat", 2, "mode", K_MODE },
	{ "fchmodat2", 2, "mode", K_MODE },   { "mmap", 2, "prot", K_PROT },
	{ "mprotect", 2, "prot", K_PROT },    { "pkey_mprotect", 2, "prot", K_PROT },
	{ "clone", 0, "flags", K_CLONE },     { "kill", 0, "pid", K_PID },
	{ "tgkill", 0, "tgid", K_PID },       { "fcntl", 1, "cmd", K_FCNTL },
	{ "ioctl", 1, "request", K_IOCTL },   { "prctl", 0, "option", K_PRCTL },
	{ "socket", 0, "domain", K_AF },      { "socket", 1, "type", K_SOCKTYPE },
	{ "socket", 2, "protocol", K_IPPROTO }, { "socketpair", 0, "domain", K_AF },
	{ "setsockopt", 1, "level", K_LEVEL }, { "setsockopt", 2, "optname", K_SOCKOPT },
	{ "getsockopt", 1, "level", K_LEVEL }, { "getsockopt", 2, "optname", K_SOCKOPT },
	{ "newfstatat", 3, "flags", K_AT },   { "statx", 2, "flags", K_AT },
	{ "prlimit64", 2, "new_limit", K_PTR }, { "sendto", 4, "dest_addr", K_PTR },
	{ "personality", 0, "persona", K_NUM },
};

static const struct argdesc *arg_desc(const char *syscall, unsigned arg)
{
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		if (args[i].arg == arg && strcmp(args[i].syscall, syscall) == 0)
			return &args[i];
	return NULL;
}

/* A growable output string. */
struct str {
	char buf[8192];
	size_t len;
};

static void put(struct str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct str *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(s->buf + s->len, sizeof(s->buf) - s->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len += (size_t)n < sizeof(s->buf) - s->len ? (size_t)n : sizeof(s->buf) - s->len - 1;
}

/* v as "A, B and 0x40" (conj "and") or "A, B or 0x40": every bit the
 * decoder names, in its order (lowest first), then what is left in hex. */
static void put_bits(struct str *s, enum decode_names set, uint64_t v, const char *conj)
{
	const char *names[64];
	char rest[32];
	int n = 0;
	const char *name;

	while (n < 63 && (name = decode_flag_next(scopes_native_arch(), set, &v)))
		names[n++] = name;
	if (v || n == 0) {
		snprintf(rest, sizeof(rest), "%#llx", (unsigned long long)v);
		names[n++] = rest;
	}
	for (int i = 0; i < n; i++)
		put(s, "%s%s", i == 0 ? "" : i + 1 == n ? conj : ", ", names[i]);
}

/* level: the socket level of an optname, the domain of a protocol */
static void put_value(struct str *s, enum kind k, uint64_t v, uint64_t level)
{
	enum decode_names set;
	const char *n = NULL;

	switch (k) {
	case K_PTR:
		if (v == 0) {
			put(s, "NULL");
			return;
		}
		break;
	case K_PID:
		if (v == SCOPES_VALUE_SELF_PID) {
			put(s, "its own pid");
			return;
		}
		break;
	case K_SOCKOPT:
		n = decode_sockopt_name(level, v);
		break;
	case K_IPPROTO:
		n = decode_sockproto_name(level, v);
		break;
	default:
		if (kind_names(k, &set))
			n = decode_name(scopes_native_arch(), set, v);
		break;
	}
	if (n)
		put(s, "%s", n);
	else
		put(s, "%#llx", (unsigned long long)v);
}

/* A masked comparison "(arg & mask) == value", in the argument's terms. */
static void put_masked(struct str *s, const char *name, enum kind k, uint64_t mask, uint64_t value)
{
	switch (k) {
	case K_OPEN: {
		uint64_t bits = mask & ~(uint64_t)O_ACCMODE;
		if ((mask & O_ACCMODE) == O_ACCMODE) {
			/* 3 is no access mode of open(2)'s, but what some
			 * ioctl-only opens pass */
			const char *am = (value & O_ACCMODE) == O_ACCMODE
						 ? NULL
						 : decode_name(scopes_native_arch(),
							       DECODE_OPEN_ACCMODE,
							       value & O_ACCMODE);
			put(s, "access mode %s", am ? am : "3 (ioctl only)");
			if (bits) {
				uint64_t set = value & bits, clear = bits & ~value;
				if (clear) {
					put(s, ", without ");
					put_bits(s, DECODE_OPEN_FLAGS, clear, " or ");
				}
				if (set) {
					put(s, ", with ");
					put_bits(s, DECODE_OPEN_FLAGS, set, " and ");
				}
			}
			return;
		}
		if ((mask & O_ACCMODE) == O_RDWR && value == O_RDWR) {
			put(s, "access mode O_RDWR or 3");
			if (bits & ~(uint64_t)O_RDWR) {
				put(s, ", without ");
				put_bits(s, DECODE_OPEN_FLAGS, bits & ~(uint64_t)O_RDWR & ~value, " or ");
			}
			return;
		}
		if (value == 0) {
			put(s, "%s without ", name);
			put_bits(s, DECODE_OPEN_FLAGS, bits, " or ");
			return;
		}
		break;
	}
	case K_MODE:
		if ((mask & S_IFMT) == S_IFMT) {
			const char *ty = decode_name(scopes_native_arch(), DECODE_MODE_TYPE,
						     value & S_IFMT);
			put(s, "%s type %s", name, ty ? ty : "?");
			if (mask & ~(uint64_t)S_IFMT & ~value) {
				put(s, ", without ");
				put_bits(s, DECODE_MODE_BITS, mask & ~(uint64_t)S_IFMT & ~value, " or ");
			}
			return;
		}
		if (value == 0) {
			put(s, "%s without ", name);
			put_bits(s, DECODE_MODE_BITS, mask, " or ");
			return;
		}
		break;
	case K_PROT:
	case K_AT:
	case K_CLONE: {
		enum decode_names t = k == K_PROT ? DECODE_PROT
				      : k == K_AT ? DECODE_AT_FLAGS
						  : DECODE_CLONE;
		uint64_t set = value & mask, clear = mask & ~value;
		put(s, "%s", name);
		if (set) {
			put(s, " with ");
			put_bits(s, t, set, " and ");
		}
		if (clear) {
			put(s, "%s", set ? " and without " : " without ");
			put_bits(s, t, clear, " or ");
		}
		return;
	}
	case K_SOCKTYPE:
		if ((~mask & 0xffffffffULL) == (SOCK_CLOEXEC | SOCK_NONBLOCK)) {
			put(s, "%s ", name);
			put_value(s, k, value, 0);
			put(s, " (");
			put_bits(s, DECODE_SOCK_FLAGS, SOCK_CLOEXEC | SOCK_NONBLOCK, " and ");
			put(s, " allowed)");
			return;
		}
		break;
	default:
		break;
	}
	put(s, "(%s & %#llx) == %#llx", name, (unsigned long long)mask, (unsigned long long)value);
}

/* What names a row's last argument: the socket level a sockopt row's
 * optname belongs to, the domain a socket row's protocol belongs to. */
static uint64_t row_level(const struct scopes_row *r)
{
	unsigned arg = strstr(r->syscall, "sockopt")  ? 1
		       : strncmp(r->syscall, "socket", 6) == 0 ? 0
								: ~0u;

	for (unsigned i = 0; i < r->ncond; i++)
		if (r->cond[i].arg == arg)
			return r->cond[i].value;
	return ~0ULL;
}

static const char *arg_name(const struct scopes_row *r, unsigned i, char buf[8], enum kind *k)
{
	const struct argdesc *d = arg_desc(r->syscall, r->cond[i].arg);

	*k = d ? d->kind : K_NUM;
	if (d)
		return d->name;
	snprintf(buf, 8, "arg%u", r->cond[i].arg);
	return buf;
}

/* The effective mask: BITS() conditions also demand a zero upper half,
 * which the page says once for all (every comparison covers 64 bits). */
static uint64_t cond_mask(const struct scopes_cond *c)
{
	if (c->mask != ~0ULL && (c->mask & HI32) == HI32 && !(c->value & HI32))
		return c->mask & ~HI32;
	return c->mask;
}

/* Condition i of row r. */
static void put_cond(struct str *s, const struct scopes_row *r, unsigned i)
{
	const struct scopes_cond *c = &r->cond[i];
	uint64_t mask = cond_mask(c);
	char buf[8];
	enum kind k;
	const char *name = arg_name(r, i, buf, &k);

	if (mask == ~0ULL) {
		put(s, "%s == ", name);
		put_value(s, k, c->value, row_level(r));
	} else if (mask & HI32) {
		put(s, "(%s & %#llx) == %#llx", name, (unsigned long long)mask,
		    (unsigned long long)c->value);
	} else {
		put_masked(s, name, k, mask, c->value);
	}
}

/* All conditions of a row, joined with "and". */
static void put_conds(struct str *s, const struct scopes_row *r)
{
	for (unsigned i = 0; i < r->ncond; i++) {
		if (i)
			put(s, " and ");
		put_cond(s, r, i);
	}
}

/*
 * Rows of one shape (same syscall, arguments and masks) as a tree: grouped by
 * the value of their first condition, then the next. The last condition of
 * equality rows reads "optname is SO_A, SO_B or SO_C".
 */
static void put_tree(struct str *s, const struct scopes_row **rows, size_t n, unsigned depth)
{
	const struct scopes_row *r0 = rows[0];

	/* ncond comes from the table; a row claiming more conditions than
	 * cond[] holds must not send the recursion past its end (GCC's
	 * -Warray-bounds at -O3 sees that path too) */
	if (n == 0 || depth >= r0->ncond || depth >= SCOPES_COND_MAX)
		return;
	int last = depth + 1 == r0->ncond;

	if (last && n > 1 && cond_mask(&r0->cond[depth]) == ~0ULL) {
		char buf[8];
		enum kind k;
		put(s, "%s is ", arg_name(r0, depth, buf, &k));
		for (size_t i = 0; i < n; i++) {
			put(s, "%s", i == 0 ? "" : i + 1 == n ? " or " : ", ");
			put_value(s, k, rows[i]->cond[depth].value, row_level(rows[i]));
		}
		return;
	}
	const struct scopes_row *sub[256];
	char seen[256] = { 0 };
	int groups = 0;
	for (size_t i = 0; i < n; i++) {
		size_t m = 0;
		if (seen[i])
			continue;
		for (size_t j = i; j < n && m < 256; j++) {
			if (!seen[j] && rows[j]->cond[depth].value == rows[i]->cond[depth].value) {
				sub[m++] = rows[j];
				seen[j] = 1;
			}
		}
		put(s, "%s", groups++ ? (depth == 0 ? "; or " : ", or ") : "");
		put_cond(s, rows[i], depth);
		if (!last) {
			put(s, " and ");
			put_tree(s, sub, m, depth + 1);
		}
	}
}

/* ----------------------------------------------------------- mdoc output */

/* One output line of text: no line may start with a dot or quote, and a
 * backslash is written \e. */
static void text_line(const char *t, size_t len, const char *raw_end)
{
	if (*t == '.' || *t == '\'')
		fputs("\\&", stdout);
	for (size_t i = 0; i < len; i++) {
		/* \% : never hyphenate a word (syscall and constant names) */
		if ((i == 0 || t[i - 1] == ' ') && t[i] != ' ' && strcspn(t + i, " ") > 4)
			fputs("\\%", stdout);
		if (t[i] == '\\')
			fputs("\\e", stdout);
		else
			putchar(t[i]);
	}
	printf("%s\n", raw_end);
}

/* Text, wrapped at spaces: mdoc's style is input lines of at most 80 bytes
 * (a line break in the input is a space in the output); 56 leaves room for
 * the \% escapes. raw_end is appended unescaped to the last line. */
static void text_wrapped(const char *t, const char *raw_end)
{
	const size_t width = 56;

	while (strlen(t) > width) {
		size_t cut = width;
		while (cut > 0 && t[cut] != ' ')
			cut--;
		if (cut == 0) { /* one long word: break after it */
			cut = strcspn(t, " ");
			if (!t[cut])
				break;
		}
		text_line(t, cut, "");
		t += cut + 1;
	}
	text_line(t, strlen(t), raw_end);
}

/*
 * Text with the operating system's name set with mdoc's .Ox macro, as the
 * manual style asks: "the OpenBSD way" becomes a text line, ".Ox", a text
 * line. Punctuation right after the name goes on the macro line, where mdoc
 * attaches it; text right before it ("(OpenBSD") is joined with \c.
 */
static void text(const char *t)
{
	static const char os[] = "OpenBSD";
	const char *hit = strstr(t, os);
	char before[8192];

	if (!hit) {
		text_wrapped(t, "");
		return;
	}
	size_t n = (size_t)(hit - t);
	if (n >= sizeof(before))
		n = sizeof(before) - 1;
	memcpy(before, t, n);
	before[n] = '\0';
	if (n && before[n - 1] == ' ') {
		before[n - 1] = '\0';
		text_wrapped(before, "");
	} else if (n) {
		text_wrapped(before, "\\c");
	}
	const char *p = hit + sizeof(os) - 1;
	printf(".Ox");
	if (strncmp(p, "'s", 2) == 0) {
		printf(" Ns 's");
		p += 2;
	}
	while (*p && strchr(":,;.)", *p))
		printf(" %c", *p++);
	printf("\n");
	while (*p == ' ')
		p++;
	if (*p)
		text(p);
}

static void set_names(struct str *s, scopes_set_t set, const char *sep)
{
	int first = 1;
	for (int i = 0; i < scopes_promise_count(); i++) {
		if (set & (1ULL << i)) {
			put(s, "%s%s", first ? "" : sep, scopes_promise_name(i));
			first = 0;
		}
	}
}

static int exists_here(const char *syscall)
{
	return scopes_syscall_number(scopes_native_arch(), syscall) >= 0;
}

static const char *arch_name(void)
{
	switch (scopes_native_arch()) {
	case SCOPES_ARCH_X86_64:
		return "x86_64";
	case SCOPES_ARCH_AARCH64:
		return "aarch64";
	default:
		return "this architecture";
	}
}

/* Does row r grant something to promise p, and with which other promises? */
static int row_for(const struct scopes_row *r, int p, scopes_set_t *with)
{
	scopes_set_t bit = 1ULL << p;

	if (r->kind != SCOPES_ROW_GRANT)
		return 0;
	if (r->any & bit) {
		*with = r->all;
		return 1;
	}
	if (!r->any && (r->all & bit)) {
		*with = r->all & ~bit;
		return 1;
	}
	return 0;
}

/* Rows that differ only in the values of their conditions (fcntl commands,
 * ioctl requests, socket options, socket types) print as one item. */
static int same_shape(const struct scopes_row *a, const struct scopes_row *b)
{
	if (strcmp(a->syscall, b->syscall) || a->ncond != b->ncond || a->flags != b->flags ||
	    a->ncond == 0)
		return 0;
	for (unsigned i = 0; i < a->ncond; i++)
		if (a->cond[i].arg != b->cond[i].arg || a->cond[i].mask != b->cond[i].mask)
			return 0;
	return 1;
}

static void put_flags(struct str *s, unsigned flags, scopes_set_t with)
{
	if (with) {
		put(s, " (together with ");
		set_names(s, with, " and ");
		put(s, ")");
	}
	if (flags & SCOPES_ALT_PATHSCOPED)
		put(s, " (only beneath the promise's paths)");
	if (flags & SCOPES_ALT_INCIDENTAL)
		put(s, " (incidental: what an exec'd program's loader needs)");
}

static void put_syscall(struct str *s, const char *syscall)
{
	put(s, "%s", syscall);
	if (!exists_here(syscall))
		put(s, " (not on %s)", arch_name());
}

/* What promise p grants: the syscalls granted outright, then the ones
 * granted with other promises, only under paths or under conditions. */
static void promise_grants(int p)
{
	size_t n = scopes_row_count();
	char *done = calloc(n, 1);
	const struct scopes_row **grp = calloc(n, sizeof(*grp));
	struct str plain = { .len = 0 };
	int nplain = 0, nitems = 0;

	if (!done || !grp)
		exit(1);
	for (size_t i = 0; i < n; i++) {
		const struct scopes_row *r = scopes_row_get(i);
		scopes_set_t with;
		if (!row_for(r, p, &with) || r->ncond || with || r->flags)
			continue;
		put(&plain, "%s", nplain++ ? ", " : "");
		put_syscall(&plain, r->syscall);
		done[i] = 1;
	}
	if (nplain) {
		printf(".Pp\n");
		text("Allows:");
		text(plain.buf);
	}
	for (size_t i = 0; i < n; i++) {
		const struct scopes_row *r = scopes_row_get(i);
		scopes_set_t with, owith;
		struct str item = { .len = 0 };
		size_t m = 0;

		if (done[i] || !row_for(r, p, &with))
			continue;
		if (!nitems++) {
			printf(".Pp\n");
			text(nplain ? "And, with limits:" : "Allows, with limits:");
			printf(".Bl -dash -compact\n");
		}
		if (r->ncond == 0) {
			/* unconditional but qualified: one item per qualifier */
			for (size_t j = i; j < n; j++) {
				const struct scopes_row *o = scopes_row_get(j);
				if (done[j] || !row_for(o, p, &owith) || owith != with ||
				    o->flags != r->flags || o->ncond)
					continue;
				put(&item, "%s", m++ ? ", " : "");
				put_syscall(&item, o->syscall);
				done[j] = 1;
			}
			put_flags(&item, r->flags, with);
		} else {
			for (size_t j = i; j < n; j++) {
				const struct scopes_row *o = scopes_row_get(j);
				if (done[j] || !row_for(o, p, &owith) || owith != with ||
				    !same_shape(r, o))
					continue;
				grp[m++] = o;
				done[j] = 1;
			}
			put_syscall(&item, r->syscall);
			put_flags(&item, r->flags, with);
			put(&item, ": ");
			put_tree(&item, grp, m, 0);
		}
		printf(".It\n");
		text(item.buf);
	}
	if (nitems)
		printf(".El\n");
	if (!nplain && !nitems) {
		printf(".Pp\n");
		text("Grants no system call by itself.");
	}
	free(done);
	free(grp);
}

static void promises_section(void)
{
	printf(".Sh PROMISES\n.Bl -tag -width Ds\n");
	for (int p = 0; p < scopes_promise_count(); p++) {
		unsigned flags = scopes_promise_flags(p);
		const char *const *paths = scopes_promise_paths(p);

		printf(".It Cm %s\n", scopes_promise_name(p));
		{
			struct str s = { .len = 0 };
			const char *sum = scopes_promise_summary(p);
			put(&s, "%s.", sum);
			text(s.buf);
		}
		uint64_t caps = scopes_promise_caps(p);
		if (caps) {
			struct str s = { .len = 0 };
			printf(".Pp\n");
			put(&s, "Capabilities it keeps (a pledge drops every other one):");
			for (int c = 0; c < 64; c++)
				if (caps & (1ULL << c))
					put(&s, " %s", scopes_capability_name(c) ? scopes_capability_name(c) : "?");
			put(&s, ".");
			text(s.buf);
		}
		if (flags & SCOPES_PROMISE_COMPAT) {
			text("Accepted so that OpenBSD code builds and runs.");
			continue;
		}
		if (flags & SCOPES_PROMISE_MODIFIER) {
			text("It changes what a violation does rather than granting system calls.");
			continue;
		}
		if (flags & SCOPES_PROMISE_PATHSCOPED) {
			struct str s = { .len = 0 };
			printf(".Pp\n");
			for (int i = 0; paths[i]; i++)
				put(&s, "%s%s", i ? ", " : "", paths[i]);
			put(&s, ".");
			text("Path-scoped: seccomp allows the operations below, and a Landlock");
			text("ruleset allows them only beneath:");
			text(s.buf);
			text("Without Landlock the promise grants none of its path operations.");
		}
		promise_grants(p);
	}
	printf(".El\n");
}

/* Rows of one kind (ALWAYS, ENOSYS, NEVER, FAIL) as a list; consecutive
 * rows with the same note are one item. */
static void kind_list(enum scopes_row_kind kind)
{
	size_t n = scopes_row_count();

	printf(".Bl -dash -compact\n");
	for (size_t i = 0; i < n;) {
		const struct scopes_row *r = scopes_row_get(i);
		struct str s = { .len = 0 };
		size_t j = i;

		if (r->kind != kind) {
			i++;
			continue;
		}
		for (; j < n; j++) {
			const struct scopes_row *o = scopes_row_get(j);
			if (o->kind != kind || (o->note && r->note && strcmp(o->note, r->note)) ||
			    !o->note != !r->note)
				break;
			put(&s, "%s%s", j > i ? ", " : "", o->syscall);
			if (o->ncond) {
				put(&s, " with ");
				put_conds(&s, o);
			}
			if (kind == SCOPES_ROW_FAIL) {
				put(&s, " fails with %s while ", strerrorname_np(o->errnum));
				set_names(&s, o->any, " or ");
				put(&s, " is held");
				if (o->unless) {
					put(&s, " and not ");
					set_names(&s, o->unless, " or ");
				}
			}
		}
		if (r->note)
			put(&s, ": %s", r->note);
		printf(".It\n");
		text(s.buf);
		i = j;
	}
	printf(".El\n");
}

static void header(void)
{
	char date[64];
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%B %d, %Y", &tm);
	/* mdoc wants the day without a leading zero */
	char *z = strstr(date, " 0");
	if (z)
		memmove(z + 1, z + 2, strlen(z + 2) + 1);

	printf(".\\\" Generated by gen-promises from the libscopes promise table.\n"
	       ".\\\" Do not edit: change libscopes/src/promise_table.c instead.\n");
	printf(".Dd %s\n.Dt SCOPES-PROMISES 7\n.Os seccomp-scopes\n", date);
	printf(".Sh NAME\n.Nm scopes-promises\n"
	       ".Nd the promises of scopes_pledge on Linux and what each one grants\n");
	printf(".Sh DESCRIPTION\n");
	text("A process calls");
	printf(".Xr scopes_pledge 3\n");
	text("with a string of promise names, and from then on every thread of it can");
	text("make only the system calls those promises grant.");
	text("This page lists, for each promise, the system calls it grants on Linux and");
	text("the conditions on their arguments.");
	printf(".Pp\n");
	{
		struct str s = { .len = 0 };
		put(&s, "It is generated from the promise table compiled into libscopes, for %s.",
		    arch_name());
		text(s.buf);
	}
	text("A call that no held promise grants gets the penalty: by default the kernel");
	text("kills the process with");
	printf(".Dv SIGSYS .\n");
	text("Argument conditions compare the full 64-bit register: where a condition");
	text("tests some bits, the upper 32 bits must be zero as well.");
	text("A condition on a pointer cannot look at what it points to: path names are");
	text("checked by Landlock, not by the seccomp filter.");
	printf(".Ss Always allowed\n");
	text("Even");
	printf(".Fn scopes_pledge \\(dq\\(dq\n");
	text("allows:");
	kind_list(SCOPES_ROW_ALWAYS);
	printf(".Ss Answered with ENOSYS\n");
	text("These calls fail with");
	printf(".Er ENOSYS\n");
	text("under every pledge, so that the C library falls back to the older call,");
	text("whose arguments the filter can check:");
	kind_list(SCOPES_ROW_ENOSYS);
	printf(".Ss Other ABIs\n");
	text("A system call made through another ABI of the same kernel (i386's");
	printf(".Li int 0x80 ,\n");
	text("x32's numbers on x86_64) is killed whatever the penalty: a filter written");
	text("for one ABI's numbers would be bypassed through the other.");
}

int main(void)
{
	if (scopes_table_init() != 0) {
		perror("gen-promises: scopes_table_init");
		return 1;
	}
	header();
	promises_section();
	printf(".Sh NEVER GRANTED\n");
	text("No promise grants these calls; a report names the reason:");
	kind_list(SCOPES_ROW_NEVER);
	printf(".Sh FAILING QUIETLY\n");
	text("Some calls fail with an error instead of the penalty, so that the C");
	text("library takes its fallback path:");
	kind_list(SCOPES_ROW_FAIL);
	printf(".Sh SEE ALSO\n"
	       ".Xr scopes-run 1 ,\n.Xr scopes-trace 1 ,\n.Xr seccomp 2 ,\n"
	       ".Xr scopes_compile 3 ,\n.Xr scopes_pledge 3 ,\n.Xr scopes_sigsys_install 3 ,\n"
	       ".Xr scopes_unveil 3 ,\n.Xr landlock 7\n");
	return ferror(stdout) || fflush(stdout) ? 1 : 0;
}
