/* SPDX-License-Identifier: MIT */
/*
 * Shell quoting (see quote.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quote.h"

static int safe_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("@%+=:,./-_", c) != NULL;
}

/* The first n bytes of arg quoted into out (NULL: only count). */
static size_t quote_into(const char *arg, size_t n, char *out)
{
	size_t w = 0, i;
	int plain = n > 0;
	for (i = 0; i < n && plain; i++)
		plain = safe_byte((unsigned char)arg[i]) && arg[i] != '\0';
	/* a leading '=' or '~' is harmless in an argument; a '-' first is the
	 * program's business, not the shell's */
	if (plain) {
		if (out)
			memcpy(out, arg, n);
		return n;
	}
#define PUT(s, l)                                  \
	do {                                       \
		if (out)                           \
			memcpy(out + w, (s), (l)); \
		w += (l);                          \
	} while (0)
	PUT("'", 1);
	for (i = 0; i < n; i++) {
		if (arg[i] == '\'')
			PUT("'\\''", 4);
		else
			PUT(&arg[i], 1);
	}
	PUT("'", 1);
#undef PUT
	return w;
}

char *quote_arg(const char *arg, size_t abbrev_over)
{
	size_t len = strlen(arg), n = len;
	char tail[64] = "";
	if (abbrev_over && len > abbrev_over) {
		n = abbrev_over / 4;
		/* do not cut a UTF-8 sequence */
		while (n > 0 && ((unsigned char)arg[n] & 0xc0) == 0x80)
			n--;
		snprintf(tail, sizeof(tail), "\xe2\x80\xa6(%zu bytes)", len);
	}
	size_t q = quote_into(arg, n, NULL), t = strlen(tail);
	char *out = malloc(q + t + 1);
	if (!out)
		return NULL;
	quote_into(arg, n, out);
	memcpy(out + q, tail, t + 1);
	return out;
}

char *quote_argv(char *const *argv, size_t abbrev_over)
{
	size_t size = 1, len = 0;
	char *out = malloc(size);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (int i = 0; argv && argv[i]; i++) {
		char *q = quote_arg(argv[i], abbrev_over);
		if (!q) {
			free(out);
			return NULL;
		}
		size_t ql = strlen(q);
		char *grown = realloc(out, len + ql + 2);
		if (!grown) {
			free(q);
			free(out);
			return NULL;
		}
		out = grown;
		if (i)
			out[len++] = ' ';
		memcpy(out + len, q, ql + 1);
		len += ql;
		free(q);
	}
	return out;
}
