/* SPDX-License-Identifier: MIT */
/*
 * The JSON writer and validator (see json.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* ------------------------------------------------------------ UTF-8 */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* ---------------------------------------------------------- escaping */

static void put(char *out, size_t size, size_t *w, char c)
{
	if (*w + 1 < size)
		out[*w] = c;
	(*w)++;
}

size_t json_escape(const char *str, size_t n, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0;

	put(out, size, &w, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		const char *esc = NULL;
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\r':
			esc = "\\r";
			break;
		default:
			break;
		}
		if (esc) {
			for (; *esc; esc++)
				put(out, size, &w, *esc);
			i++;
			continue;
		}
		size_t len = c < 0x20 || c == 0x7f ? 0 : utf8_seq(s + i, n - i);
		if (len == 0) {
			/* a control byte, or a byte outside valid UTF-8 */
			const char *u = "\\u00";
			for (; *u; u++)
				put(out, size, &w, *u);
			put(out, size, &w, hex[c >> 4]);
			put(out, size, &w, hex[c & 15]);
			i++;
			continue;
		}
		for (size_t k = 0; k < len; k++)
			put(out, size, &w, (char)s[i + k]);
		i += len;
	}
	put(out, size, &w, '"');
	if (size)
		out[w < size ? w : size - 1] = '\0';
	return w;
}

/* ------------------------------------------------------------ writer */

static void grow(struct json *j, size_t need)
{
	if (j->error)
		return;
	if (j->len + need + 1 <= j->cap)
		return;
	size_t cap = j->cap ? j->cap : 256;
	while (cap < j->len + need + 1) {
		if (cap > ((size_t)-1) / 2) {
			j->error = 1;
			return;
		}
		cap *= 2;
	}
	char *b = realloc(j->buf, cap);
	if (!b) {
		j->error = 1;
		return;
	}
	j->buf = b;
	j->cap = cap;
}

static void append(struct json *j, const char *s, size_t n)
{
	grow(j, n);
	if (j->error)
		return;
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void newline(struct json *j)
{
	if (!j->pretty)
		return;
	append(j, "\n", 1);
	for (int i = 0; i < j->depth; i++)
		append(j, "  ", 2);
}

void json_init(struct json *j, int pretty)
{
	memset(j, 0, sizeof(*j));
	j->pretty = pretty;
}

void json_free(struct json *j)
{
	free(j->buf);
	j->buf = NULL;
	j->len = j->cap = 0;
}

/* Before any value: the separator, and the check that it may go here. */
static int value_start(struct json *j)
{
	if (j->error)
		return 0;
	if (j->depth == 0) {
		if (j->len != 0) { /* a second top-level value */
			j->error = 1;
			return 0;
		}
		return 1;
	}
	int d = j->depth - 1;
	if (j->kind[d] == 'o') {
		if (!j->have_key) {
			j->error = 1;
			return 0;
		}
		j->have_key = 0;
		return 1;
	}
	if (j->count[d])
		append(j, ",", 1);
	if (j->count[d] < 255)
		j->count[d]++;
	newline(j);
	return 1;
}

void json_key(struct json *j, const char *key)
{
	if (j->error)
		return;
	if (j->depth == 0 || j->kind[j->depth - 1] != 'o' || j->have_key || !key) {
		j->error = 1;
		return;
	}
	int d = j->depth - 1;
	if (j->count[d])
		append(j, ",", 1);
	if (j->count[d] < 255)
		j->count[d]++;
	newline(j);
	size_t n = strlen(key);
	size_t need = json_escape(key, n, NULL, 0);
	grow(j, need + 2);
	if (j->error)
		return;
	json_escape(key, n, j->buf + j->len, need + 1);
	j->len += need;
	append(j, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
	j->have_key = 1;
}

static void open_container(struct json *j, char kind)
{
	if (!value_start(j))
		return;
	if (j->depth >= JSON_MAX_DEPTH) {
		j->error = 1;
		return;
	}
	append(j, kind == 'o' ? "{" : "[", 1);
	j->kind[j->depth] = (unsigned char)kind;
	j->count[j->depth] = 0;
	j->depth++;
}

static void close_container(struct json *j, char kind)
{
	if (j->error)
		return;
	if (j->depth == 0 || j->kind[j->depth - 1] != kind || j->have_key) {
		j->error = 1;
		return;
	}
	int had = j->count[j->depth - 1] != 0;
	j->depth--;
	if (had)
		newline(j);
	append(j, kind == 'o' ? "}" : "]", 1);
}

void json_obj_begin(struct json *j)
{
	open_container(j, 'o');
}

void json_obj_end(struct json *j)
{
	close_container(j, 'o');
}

void json_arr_begin(struct json *j)
{
	open_container(j, 'a');
}

void json_arr_end(struct json *j)
{
	close_container(j, 'a');
}

void json_strn(struct json *j, const char *s, size_t n)
{
	if (!s) {
		json_null(j);
		return;
	}
	if (!value_start(j))
		return;
	size_t need = json_escape(s, n, NULL, 0);
	grow(j, need);
	if (j->error)
		return;
	json_escape(s, n, j->buf + j->len, need + 1);
	j->len += need;
}

void json_str(struct json *j, const char *s)
{
	json_strn(j, s, s ? strlen(s) : 0);
}

static void raw_value(struct json *j, const char *text)
{
	if (!value_start(j))
		return;
	append(j, text, strlen(text));
}

void json_int(struct json *j, long long v)
{
	char b[32];
	snprintf(b, sizeof(b), "%lld", v);
	raw_value(j, b);
}

void json_uint(struct json *j, unsigned long long v)
{
	char b[32];
	snprintf(b, sizeof(b), "%llu", v);
	raw_value(j, b);
}

void json_bool(struct json *j, int v)
{
	raw_value(j, v ? "true" : "false");
}

void json_null(struct json *j)
{
	raw_value(j, "null");
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kint(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kuint(struct json *j, const char *key, unsigned long long v)
{
	json_key(j, key);
	json_uint(j, v);
}

void json_kbool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

const char *json_text(struct json *j, size_t *len)
{
	if (j->error || j->depth != 0 || j->len == 0)
		return NULL;
	if (j->buf[j->len - 1] != '\n')
		append(j, "\n", 1);
	if (j->error)
		return NULL;
	if (len)
		*len = j->len;
	return j->buf;
}

/* --------------------------------------------------------- validator */

struct vstate {
	const unsigned char *s;
	size_t n, i;
	int depth;
};

static void ws(struct vstate *v)
{
	while (v->i < v->n && (v->s[v->i] == ' ' || v->s[v->i] == '\t' || v->s[v->i] == '\n' ||
			       v->s[v->i] == '\r'))
		v->i++;
}

static int lit(struct vstate *v, const char *word)
{
	size_t m = strlen(word);
	if (v->n - v->i < m || memcmp(v->s + v->i, word, m) != 0)
		return 0;
	v->i += m;
	return 1;
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int vnumber(struct vstate *v)
{
	if (v->i < v->n && v->s[v->i] == '-')
		v->i++;
	if (v->i >= v->n)
		return 0;
	if (v->s[v->i] == '0') {
		v->i++;
	} else if (is_digit(v->s[v->i])) {
		while (v->i < v->n && is_digit(v->s[v->i]))
			v->i++;
	} else {
		return 0;
	}
	if (v->i < v->n && v->s[v->i] == '.') {
		v->i++;
		if (v->i >= v->n || !is_digit(v->s[v->i]))
			return 0;
		while (v->i < v->n && is_digit(v->s[v->i]))
			v->i++;
	}
	if (v->i < v->n && (v->s[v->i] == 'e' || v->s[v->i] == 'E')) {
		v->i++;
		if (v->i < v->n && (v->s[v->i] == '+' || v->s[v->i] == '-'))
			v->i++;
		if (v->i >= v->n || !is_digit(v->s[v->i]))
			return 0;
		while (v->i < v->n && is_digit(v->s[v->i]))
			v->i++;
	}
	return 1;
}

static int hex4(struct vstate *v, unsigned *out)
{
	unsigned u = 0;
	if (v->n - v->i < 4)
		return 0;
	for (int k = 0; k < 4; k++) {
		unsigned char c = v->s[v->i++];
		u <<= 4;
		if (c >= '0' && c <= '9')
			u |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			u |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			u |= (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	*out = u;
	return 1;
}

static int vstring(struct vstate *v)
{
	if (v->i >= v->n || v->s[v->i] != '"')
		return 0;
	v->i++;
	while (v->i < v->n) {
		unsigned char c = v->s[v->i];
		if (c == '"') {
			v->i++;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			v->i++;
			if (v->i >= v->n)
				return 0;
			c = v->s[v->i++];
			if (c == 'u') {
				unsigned u, lo;
				if (!hex4(v, &u))
					return 0;
				if (u >= 0xdc00 && u <= 0xdfff)
					return 0; /* a lone low surrogate */
				if (u >= 0xd800 && u <= 0xdbff) {
					if (!lit(v, "\\u") || !hex4(v, &lo) || lo < 0xdc00 ||
					    lo > 0xdfff)
						return 0;
				}
			} else if (c == '\0' || !strchr("\"\\/bfnrt", c)) {
				/* strchr finds the terminator itself when c is NUL */
				return 0;
			}
			continue;
		}
		size_t len = utf8_seq(v->s + v->i, v->n - v->i);
		if (len == 0)
			return 0;
		v->i += len;
	}
	return 0;
}

static int vvalue(struct vstate *v);

static int vcontainer(struct vstate *v, unsigned char open)
{
	unsigned char close = open == '{' ? '}' : ']';
	if (++v->depth > 64)
		return 0;
	v->i++;
	ws(v);
	if (v->i < v->n && v->s[v->i] == close) {
		v->i++;
		v->depth--;
		return 1;
	}
	for (;;) {
		ws(v);
		if (open == '{') {
			if (!vstring(v))
				return 0;
			ws(v);
			if (v->i >= v->n || v->s[v->i] != ':')
				return 0;
			v->i++;
		}
		if (!vvalue(v))
			return 0;
		ws(v);
		if (v->i >= v->n)
			return 0;
		if (v->s[v->i] == ',') {
			v->i++;
			continue;
		}
		if (v->s[v->i] == close) {
			v->i++;
			v->depth--;
			return 1;
		}
		return 0;
	}
}

static int vvalue(struct vstate *v)
{
	ws(v);
	if (v->i >= v->n)
		return 0;
	switch (v->s[v->i]) {
	case '{':
	case '[':
		return vcontainer(v, v->s[v->i]);
	case '"':
		return vstring(v);
	case 't':
		return lit(v, "true");
	case 'f':
		return lit(v, "false");
	case 'n':
		return lit(v, "null");
	default:
		return vnumber(v);
	}
}

int json_valid(const char *text, size_t n)
{
	struct vstate v = { (const unsigned char *)text, n, 0, 0 };
	if (!text || !vvalue(&v))
		return 0;
	ws(&v);
	return v.i == v.n;
}
