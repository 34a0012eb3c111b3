/* SPDX-License-Identifier: MIT */
/*
 * A small JSON reader (see jsonread.h).
 */
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"

struct rd {
	const char *s;
	size_t len, pos;
	int depth, bad;
};

static void ws(struct rd *r)
{
	while (r->pos < r->len && strchr(" \t\r\n", r->s[r->pos]) && r->s[r->pos])
		r->pos++;
}

static int lit(struct rd *r, const char *w)
{
	size_t n = strlen(w);
	if (r->len - r->pos < n || memcmp(r->s + r->pos, w, n) != 0)
		return 0;
	r->pos += n;
	return 1;
}

static int hex4(struct rd *r, unsigned *out)
{
	unsigned v = 0;
	if (r->len - r->pos < 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		char c = r->s[r->pos++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

static size_t utf8(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* at the opening quote */
static char *string(struct rd *r)
{
	r->pos++;
	/* the decoded text is never longer than the source */
	size_t start = r->pos, w = 0;
	char *out = malloc(r->len - start + 1);
	if (!out)
		return NULL;
	while (r->pos < r->len) {
		unsigned char c = (unsigned char)r->s[r->pos++];
		if (c == '"') {
			out[w] = '\0';
			return out;
		}
		if (c < 0x20)
			break;
		if (c != '\\') {
			out[w++] = (char)c;
			continue;
		}
		if (r->pos >= r->len)
			break;
		char e = r->s[r->pos++];
		const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
		const char *k = e ? strchr(from, e) : NULL;
		if (k) {
			out[w++] = to[k - from];
			continue;
		}
		unsigned cp;
		if (e != 'u' || !hex4(r, &cp))
			break;
		if (cp >= 0xd800 && cp < 0xdc00) {
			unsigned lo;
			size_t save = r->pos;
			if (r->len - r->pos >= 6 && r->s[r->pos] == '\\' && r->s[r->pos + 1] == 'u') {
				r->pos += 2;
				if (hex4(r, &lo) && lo >= 0xdc00 && lo < 0xe000)
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				else {
					r->pos = save;
					cp = 0xfffd;
				}
			} else {
				cp = 0xfffd;
			}
		} else if (cp >= 0xdc00 && cp < 0xe000) {
			cp = 0xfffd;
		}
		/* 6 source bytes (\u and four hex digits) give at most 3; a pair 12 gives 4 */
		w += utf8(cp, out + w);
	}
	free(out);
	r->bad = 1;
	return NULL;
}

static int value(struct rd *r, struct jv *v);

static int push(struct jv *v, size_t *cap, const struct jv *item, char *key)
{
	if (v->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4;
		struct jv *ni = realloc(v->items, nc * sizeof(*ni));
		if (!ni)
			return 0;
		v->items = ni;
		if (v->type == JV_OBJ) {
			char **nk = realloc(v->keys, nc * sizeof(*nk));
			if (!nk)
				return 0;
			v->keys = nk;
		}
		*cap = nc;
	}
	v->items[v->n] = *item;
	if (v->type == JV_OBJ)
		v->keys[v->n] = key;
	v->n++;
	return 1;
}

static void jv_clear(struct jv *v);

static int container(struct rd *r, struct jv *v, char close)
{
	size_t cap = 0;
	r->pos++;
	if (++r->depth > 64)
		return 0;
	ws(r);
	if (r->pos < r->len && r->s[r->pos] == close) {
		r->pos++;
		r->depth--;
		return 1;
	}
	for (;;) {
		char *key = NULL;
		ws(r);
		if (v->type == JV_OBJ) {
			if (r->pos >= r->len || r->s[r->pos] != '"' || !(key = string(r)))
				return 0;
			ws(r);
			if (r->pos >= r->len || r->s[r->pos] != ':') {
				free(key);
				return 0;
			}
			r->pos++;
		}
		struct jv item;
		memset(&item, 0, sizeof(item));
		if (!value(r, &item) || !push(v, &cap, &item, key)) {
			jv_clear(&item);
			free(key);
			return 0;
		}
		ws(r);
		if (r->pos < r->len && r->s[r->pos] == ',') {
			r->pos++;
			continue;
		}
		if (r->pos < r->len && r->s[r->pos] == close) {
			r->pos++;
			r->depth--;
			return 1;
		}
		return 0;
	}
}

static int number(struct rd *r, struct jv *v)
{
	size_t p = r->pos;
	const char *s = r->s;
	if (p < r->len && s[p] == '-')
		p++;
	if (p >= r->len || !(s[p] >= '0' && s[p] <= '9'))
		return 0;
	if (s[p] == '0')
		p++;
	else
		while (p < r->len && s[p] >= '0' && s[p] <= '9')
			p++;
	int integral = 1;
	if (p < r->len && s[p] == '.') {
		integral = 0;
		p++;
		if (p >= r->len || !(s[p] >= '0' && s[p] <= '9'))
			return 0;
		while (p < r->len && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	if (p < r->len && (s[p] == 'e' || s[p] == 'E')) {
		integral = 0;
		p++;
		if (p < r->len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= r->len || !(s[p] >= '0' && s[p] <= '9'))
			return 0;
		while (p < r->len && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	char buf[64];
	size_t n = p - r->pos < sizeof(buf) - 1 ? p - r->pos : sizeof(buf) - 1;
	memcpy(buf, s + r->pos, n);
	buf[n] = '\0';
	v->type = JV_NUM;
	v->num = strtod(buf, NULL);
	v->i = integral ? strtoll(buf, NULL, 10) : (long long)v->num;
	r->pos = p;
	return 1;
}

static int value(struct rd *r, struct jv *v)
{
	ws(r);
	if (r->pos >= r->len)
		return 0;
	char c = r->s[r->pos];
	if (c == '{') {
		v->type = JV_OBJ;
		return container(r, v, '}');
	}
	if (c == '[') {
		v->type = JV_ARR;
		return container(r, v, ']');
	}
	if (c == '"') {
		v->type = JV_STR;
		v->str = string(r);
		return v->str != NULL;
	}
	if (lit(r, "true")) {
		v->type = JV_BOOL;
		v->b = 1;
		return 1;
	}
	if (lit(r, "false")) {
		v->type = JV_BOOL;
		return 1;
	}
	if (lit(r, "null")) {
		v->type = JV_NULL;
		return 1;
	}
	return number(r, v);
}

static void jv_clear(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		jv_clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

void jv_free(struct jv *v)
{
	if (!v)
		return;
	jv_clear(v);
	free(v);
}

struct jv *jv_parse(const char *text, size_t len, size_t *err)
{
	struct rd r = { text, len, 0, 0, 0 };
	struct jv *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	int ok = value(&r, v);
	ws(&r);
	if (!ok || r.pos != len) {
		if (err)
			*err = r.pos;
		jv_free(v);
		return NULL;
	}
	return v;
}

const struct jv *jv_get(const struct jv *v, const char *key)
{
	if (!v || v->type != JV_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return &v->items[i];
	return NULL;
}

const char *jv_str(const struct jv *v, const char *key, const char *dflt)
{
	const struct jv *m = jv_get(v, key);
	return m && m->type == JV_STR ? m->str : dflt;
}

long long jv_int(const struct jv *v, const char *key, long long dflt)
{
	const struct jv *m = jv_get(v, key);
	return m && m->type == JV_NUM ? m->i : dflt;
}

int jv_bool(const struct jv *v, const char *key, int dflt)
{
	const struct jv *m = jv_get(v, key);
	return m && m->type == JV_BOOL ? m->b : dflt;
}
