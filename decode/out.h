/* SPDX-License-Identifier: MIT */
/*
 * A bounded text buffer for the signal handler: no allocation, no stdio, no
 * locale, every function async-signal-safe. Output that does not fit is cut
 * and the buffer remembers it (ob.cut), always NUL-terminated.
 */
#ifndef SIGSYS_OUT_H
#define SIGSYS_OUT_H

#include <stddef.h>
#include <stdint.h>

struct obuf {
	char *p;
	size_t cap;  /* bytes at p, including room for the NUL */
	size_t len;
	int cut;     /* something did not fit */
};

void ob_init(struct obuf *ob, char *buf, size_t cap);
void ob_putc(struct obuf *ob, char c);
void ob_puts(struct obuf *ob, const char *s);
void ob_putn(struct obuf *ob, const char *s, size_t n);
void ob_udec(struct obuf *ob, uint64_t v);
void ob_sdec(struct obuf *ob, int64_t v);
void ob_hex(struct obuf *ob, uint64_t v);   /* 0x1f */
void ob_oct(struct obuf *ob, uint64_t v);   /* 0644, or 0 */
/* s[0..n) as the body of a C string literal: \" \\ \n \t \r, other bytes
 * outside 0x20..0x7e as \xHH. */
void ob_cesc(struct obuf *ob, const char *s, size_t n);
/* s as a JSON string including the quotes; NULL gives null. */
void ob_json_str(struct obuf *ob, const char *s);

#endif
