/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

struct jc {
	const unsigned char *p, *end;
	int depth, max_depth;
	const struct jc_sink *sink;
	char *str; /* decoded string being built */
	size_t len, cap;
};

size_t jc_utf8(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int emit(struct jc *j, const char *b, size_t n)
{
	if (j->len + n > j->cap) {
		size_t cap = (j->cap + n) * 2;
		char *s = realloc(j->str, cap);
		if (!s)
			return 0;
		j->str = s;
		j->cap = cap;
	}
	memcpy(j->str + j->len, b, n);
	j->len += n;
	return 1;
}

static void skip_ws(struct jc *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* One UTF-8 character at p: its length, or 0 if malformed (overlong,
 * surrogate, beyond U+10FFFF, cut short). */
static size_t utf8_char(const unsigned char *p, const unsigned char *end, unsigned *cp)
{
	static const unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n;
	unsigned c = p[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
		return 0;
	*cp = c;
	return n;
}

size_t jc_utf8_len(const unsigned char *p, size_t n)
{
	unsigned cp;
	return n ? utf8_char(p, p + n, &cp) : 0;
}

static int hex4(struct jc *j, unsigned *v)
{
	*v = 0;
	if (j->end - j->p < 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = *j->p++, d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return 0;
		*v = *v << 4 | d;
	}
	return 1;
}

static int string(struct jc *j, int key)
{
	char u[4];

	j->p++; /* the opening quote */
	j->len = 0;
	while (j->p < j->end) {
		unsigned c = *j->p, cp;
		if (c == '"') {
			j->p++;
			if (j->sink && j->sink->string)
				j->sink->string(j->sink->arg, j->str ? j->str : "", j->len, key);
			return 1;
		}
		if (c < 0x20)
			return 0; /* control characters must be escaped */
		if (c != '\\') {
			size_t n = utf8_char(j->p, j->end, &cp);
			if (!n || !emit(j, (const char *)j->p, n))
				return 0;
			j->p += n;
			continue;
		}
		if (++j->p >= j->end)
			return 0;
		c = *j->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			u[0] = (char)c;
			break;
		case 'b':
			u[0] = '\b';
			break;
		case 'f':
			u[0] = '\f';
			break;
		case 'n':
			u[0] = '\n';
			break;
		case 'r':
			u[0] = '\r';
			break;
		case 't':
			u[0] = '\t';
			break;
		case 'u':
			if (!hex4(j, &cp))
				return 0;
			if (cp >= 0xdc00 && cp < 0xe000)
				return 0; /* a low surrogate first */
			if (cp >= 0xd800 && cp < 0xdc00) {
				unsigned lo;
				if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
					return 0;
				j->p += 2;
				if (!hex4(j, &lo) || lo < 0xdc00 || lo >= 0xe000)
					return 0;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (!emit(j, u, jc_utf8(cp, u)))
				return 0;
			continue;
		default:
			return 0;
		}
		if (!emit(j, u, 1))
			return 0;
	}
	return 0; /* no closing quote */
}

static int digits(struct jc *j)
{
	const unsigned char *start = j->p;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > start;
}

static int number(struct jc *j)
{
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p < j->end && *j->p == '0')
		j->p++; /* no leading zeros: "01" ends the number after 0 */
	else if (!digits(j))
		return 0;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!digits(j))
			return 0;
	}
	if (j->p < j->end && (*j->p | 0x20) == 'e') {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!digits(j))
			return 0;
	}
	return 1;
}

static int word(struct jc *j, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

static int value(struct jc *j);

static int container(struct jc *j, int object)
{
	const unsigned char close = object ? '}' : ']';

	if (++j->depth > j->max_depth)
		return 0;
	j->p++;
	skip_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		j->depth--;
		return 1;
	}
	for (;;) {
		skip_ws(j);
		if (object) {
			if (j->p >= j->end || *j->p != '"' || !string(j, 1))
				return 0;
			skip_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return 0;
		}
		if (!value(j))
			return 0;
		skip_ws(j);
		if (j->p >= j->end)
			return 0;
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p++ != close)
			return 0;
		j->depth--;
		return 1;
	}
}

static int value(struct jc *j)
{
	skip_ws(j);
	if (j->p >= j->end)
		return 0;
	switch (*j->p) {
	case '{':
		return container(j, 1);
	case '[':
		return container(j, 0);
	case '"':
		return string(j, 0);
	case 't':
		return word(j, "true");
	case 'f':
		return word(j, "false");
	case 'n':
		return word(j, "null");
	default:
		return number(j);
	}
}

int jc_parse(const char *text, size_t n, int max_depth, const struct jc_sink *sink)
{
	struct jc j = {(const unsigned char *)text,
		       (const unsigned char *)text + n,
		       0,
		       max_depth,
		       sink,
		       NULL,
		       0,
		       0};
	int ok = text && value(&j);
	if (ok) {
		skip_ws(&j);
		ok = j.p == j.end;
	}
	free(j.str);
	return ok;
}
