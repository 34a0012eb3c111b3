/* SPDX-License-Identifier: MIT */
/*
 * json — a small JSON writer into a growing memory buffer, and a strict
 * validator for what it writes.
 *
 * Pure code (memory only: malloc/realloc/free), no global state, so it can be
 * fuzzed. Strings may hold any bytes: valid UTF-8 is copied, control
 * characters, '"' and '\\' are escaped, and every byte that is not part of a
 * valid UTF-8 sequence is written as \u00XX (the byte read as Latin-1), so
 * the output is always valid JSON even for a file name in another encoding.
 *
 * Usage: json_init, then a well-nested sequence of json_obj_begin/json_key/
 * values/json_obj_end (json_key only inside objects, before each value),
 * then json_text. A misuse (value without key in an object, unbalanced end)
 * sets the error flag instead of writing invalid JSON.
 */
#ifndef SCOPES_TRACE_JSON_H
#define SCOPES_TRACE_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

struct json {
	char *buf;
	size_t len, cap;
	int pretty;
	int depth;
	int error;   /* out of memory or misuse: the text is not to be used */
	unsigned char kind[JSON_MAX_DEPTH]; /* 'o' object, 'a' array */
	unsigned char count[JSON_MAX_DEPTH]; /* members written so far (saturating) */
	int have_key; /* inside an object: a key waits for its value */
};

/* Start an empty document. pretty: indent with two spaces per level. */
void json_init(struct json *j, int pretty);
/* Free the buffer; the struct may be reused after json_init. */
void json_free(struct json *j);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
/* The next member's name (NUL-terminated), inside an object only. */
void json_key(struct json *j, const char *key);

/* Values. s NULL writes null. */
void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *s, size_t n);
void json_int(struct json *j, long long v);
void json_uint(struct json *j, unsigned long long v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);

/* Key and value in one call. */
void json_kstr(struct json *j, const char *key, const char *s);
void json_kint(struct json *j, const char *key, long long v);
void json_kuint(struct json *j, const char *key, unsigned long long v);
void json_kbool(struct json *j, const char *key, int v);

/*
 * json_text - the finished document (NUL-terminated, with a final newline).
 * Returns NULL if the document is not complete (open containers) or the
 * error flag is set. *len (may be NULL) gets the length without the NUL.
 */
const char *json_text(struct json *j, size_t *len);

/*
 * json_escape - append s[0..n) as a JSON string literal (with quotes) to
 * out[0..size), NUL-terminated. Returns the length the full literal needs
 * (like snprintf). Pure; async-signal-safe.
 */
size_t json_escape(const char *s, size_t n, char *out, size_t size);

/*
 * json_valid - is text[0..n) exactly one valid JSON value (RFC 8259, with
 * surrounding whitespace), in valid UTF-8, nested at most 64 deep?
 * Returns 1 or 0. Pure.
 */
int json_valid(const char *text, size_t n);

#endif
