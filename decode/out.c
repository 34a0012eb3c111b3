/* SPDX-License-Identifier: MIT */
/* Bounded, allocation-free formatting for the signal handler (see out.h). */
#include "out.h"

void ob_init(struct obuf *ob, char *buf, size_t cap)
{
	ob->p = buf;
	ob->cap = cap;
	ob->len = 0;
	ob->cut = 0;
	if (cap)
		buf[0] = '\0';
}

void ob_putc(struct obuf *ob, char c)
{
	if (ob->len + 1 >= ob->cap) {
		ob->cut = 1;
		return;
	}
	ob->p[ob->len++] = c;
	ob->p[ob->len] = '\0';
}

void ob_putn(struct obuf *ob, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ob_putc(ob, s[i]);
}

void ob_puts(struct obuf *ob, const char *s)
{
	while (*s)
		ob_putc(ob, *s++);
}

static void put_base(struct obuf *ob, uint64_t v, unsigned base)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		ob_putc(ob, tmp[--n]);
}

void ob_udec(struct obuf *ob, uint64_t v)
{
	put_base(ob, v, 10);
}

void ob_sdec(struct obuf *ob, int64_t v)
{
	if (v < 0) {
		ob_putc(ob, '-');
		/* -(v + 1) + 1 avoids overflow on INT64_MIN */
		put_base(ob, (uint64_t)(-(v + 1)) + 1, 10);
	} else {
		put_base(ob, (uint64_t)v, 10);
	}
}

void ob_hex(struct obuf *ob, uint64_t v)
{
	ob_puts(ob, "0x");
	put_base(ob, v, 16);
}

void ob_oct(struct obuf *ob, uint64_t v)
{
	ob_putc(ob, '0');
	if (v)
		put_base(ob, v, 8);
}

void ob_cesc(struct obuf *ob, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			ob_puts(ob, "\\\"");
			break;
		case '\\':
			ob_puts(ob, "\\\\");
			break;
		case '\n':
			ob_puts(ob, "\\n");
			break;
		case '\t':
			ob_puts(ob, "\\t");
			break;
		case '\r':
			ob_puts(ob, "\\r");
			break;
		default:
			if (c < 0x20 || c > 0x7e) {
				ob_puts(ob, "\\x");
				ob_putc(ob, "0123456789abcdef"[c >> 4]);
				ob_putc(ob, "0123456789abcdef"[c & 15]);
			} else {
				ob_putc(ob, (char)c);
			}
		}
	}
}

void ob_json_str(struct obuf *ob, const char *s)
{
	if (!s) {
		ob_puts(ob, "null");
		return;
	}
	ob_putc(ob, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			ob_putc(ob, '\\');
			ob_putc(ob, (char)c);
		} else if (c < 0x20 || c >= 0x7f) {
			/* bytes, not code points: a path need not be UTF-8 */
			ob_puts(ob, "\\u00");
			ob_putc(ob, "0123456789abcdef"[c >> 4]);
			ob_putc(ob, "0123456789abcdef"[c & 15]);
		} else {
			ob_putc(ob, (char)c);
		}
	}
	ob_putc(ob, '"');
}
