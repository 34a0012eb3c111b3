/* SPDX-License-Identifier: MIT */
/*
 * An independent, strict JSON reader for the fuzzers: does text[0..n) hold
 * exactly one JSON value (RFC 8259), in valid UTF-8, nested at most
 * max_depth containers deep? Strings are handed back decoded, so a writer's
 * output can be compared with what it was given (round trip).
 *
 * Stricter than RFC 8259 in one place, as the project's writers promise:
 * a \u escape of a lone surrogate is refused (it decodes to no character).
 */
#ifndef SCOPES_FUZZ_JSON_CHECK_H
#define SCOPES_FUZZ_JSON_CHECK_H

#include <stddef.h>

struct jc_sink {
	/* each string, decoded to UTF-8 (may hold NUL bytes); key: a member name */
	void (*string)(void *arg, const char *s, size_t n, int key);
	void *arg;
};

/* Returns 1 when valid, 0 otherwise. sink may be NULL. */
int jc_parse(const char *text, size_t n, int max_depth, const struct jc_sink *sink);

/* Length of the well-formed UTF-8 character at p[0..n) (no overlong form,
 * no surrogate, nothing above U+10FFFF), or 0. */
size_t jc_utf8_len(const unsigned char *p, size_t n);

/* Append code point cp as UTF-8 to out (room for 4 bytes). Returns bytes. */
size_t jc_utf8(unsigned cp, char *out);

#endif
