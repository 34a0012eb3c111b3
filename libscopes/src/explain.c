/* SPDX-License-Identifier: MIT */
/*
 * scopes_promises_explain: why a promise string is refused, in words, with
 * the closest promise for a misspelt name. The rules are the parser's
 * (scopes_promises_parse in table.c); this file only says which one failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scopes/table.h"
#include "table_internal.h"

#define NAME_SHOWN 40     /* a bad word is quoted up to this length */

static int say(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(char *buf, size_t size, const char *fmt, ...)
{
	if (buf && size) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, size, fmt, ap);
		va_end(ap);
	}
	errno = EINVAL;
	return -1;
}

/* Edit distance (insert, delete, substitute, swap two neighbours). */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t d[NAME_SHOWN + 2][NAME_SHOWN + 2];

	if (la > NAME_SHOWN || lb > NAME_SHOWN)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t m = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < m)
				m = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < m)
				m = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < m)
				m = d[i - 2][j - 2] + 1;
			d[i][j] = m;
		}
	}
	return d[la][lb];
}

SCOPES_EXPORT const char *scopes_promise_closest(const char *word, size_t len)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	for (int i = 0; i < scopes_promise_count(); i++) {
		const char *n = scopes_promise_name(i);
		size_t d = distance(word, len, n, strlen(n));
		if (d < best_d) {
			best_d = d;
			best = n;
		}
	}
	/* a suggestion only where it is plausibly a typo */
	return best && best_d <= (len <= 4 ? 1 : 2) ? best : NULL;
}

SCOPES_EXPORT int scopes_promises_explain(const char *promises, char *buf, size_t size)
{
	size_t total;

	if (buf && size)
		buf[0] = '\0';
	if (!promises)
		return say(buf, size, "no promise string (NULL)");
	total = strlen(promises);
	if (total > SCOPES_PARSE_MAX)
		return say(buf, size, "the promise string is %zu bytes long; the limit is %d", total,
			   SCOPES_PARSE_MAX);
	for (size_t i = 0; i < total;) {
		if (scopes_parse_space((unsigned char)promises[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < total && !scopes_parse_space((unsigned char)promises[i]))
			i++;
		const char *w = promises + start;
		size_t len = i - start;
		for (size_t k = 0; k < len; k++) {
			unsigned char c = (unsigned char)w[k];
			if (c < 0x20 || c == 0x7f)
				return say(buf, size, "control byte 0x%02x at offset %zu", c, start + k);
			if (!((c >= 'a' && c <= 'z') || c == '_'))
				return say(buf, size,
					   "\"%.*s%s\" is not a promise: names are lower-case letters and '_'",
					   (int)(len > NAME_SHOWN ? NAME_SHOWN : len), w,
					   len > NAME_SHOWN ? "..." : "");
		}
		if (scopes_promise_index(w, len) < 0) {
			const char *near = scopes_promise_closest(w, len);
			if (near)
				return say(buf, size, "\"%.*s\" is not a promise; did you mean \"%s\"?",
					   (int)len, w, near);
			return say(buf, size, "\"%.*s%s\" is not a promise (see scopes-promises(7))",
				   (int)(len > NAME_SHOWN ? NAME_SHOWN : len), w,
				   len > NAME_SHOWN ? "..." : "");
		}
	}
	return 0;
}
