/* SPDX-License-Identifier: MIT */
/*
 * jsonread — a small JSON reader into a tree, for --merge (reading reports
 * scopes-trace wrote). Pure code (memory only). Strict RFC 8259 syntax;
 * \u escapes decoded to UTF-8 (a lone surrogate becomes U+FFFD); numbers
 * kept as double and, when integral, as long long.
 */
#ifndef SCOPES_TRACE_JSONREAD_H
#define SCOPES_TRACE_JSONREAD_H

#include <stddef.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	int b;
	double num;
	long long i;
	char *str;          /* JV_STR (NUL-terminated; may hold NUL bytes before) */
	size_t n;           /* JV_ARR, JV_OBJ: members */
	struct jv *items;   /* JV_ARR: values; JV_OBJ: values, keys[] alongside */
	char **keys;
};

/* Parse text[0..len). Returns a tree (jv_free it) or NULL; *err (if not NULL)
 * gets the byte offset of the first error. Nesting beyond 64 is an error. */
struct jv *jv_parse(const char *text, size_t len, size_t *err);
void jv_free(struct jv *v);

/* Member key of an object, or NULL (also when v is not an object). */
const struct jv *jv_get(const struct jv *v, const char *key);
/* The string, integer or boolean of a member, or the default. */
const char *jv_str(const struct jv *v, const char *key, const char *dflt);
long long jv_int(const struct jv *v, const char *key, long long dflt);
int jv_bool(const struct jv *v, const char *key, int dflt);

#endif
