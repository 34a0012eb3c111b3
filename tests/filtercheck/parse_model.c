/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <string.h>

#include "parse_model.h"

static int separator(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* The name list, searched without scopes_promise_index. */
static int name_lookup(const char *w, size_t len)
{
	for (int i = 0; i < scopes_promise_count(); i++) {
		const char *n = scopes_promise_name(i);
		if (n && strlen(n) == len && strncmp(n, w, len) == 0)
			return i;
	}
	return -1;
}

int parse_model(const char *s, scopes_set_t *set)
{
	scopes_set_t out = 0;
	size_t len = strlen(s);

	if (len > PARSE_MODEL_MAX_LEN)
		return -1;
	for (size_t i = 0; i < len;) {
		if (separator(s[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && !separator(s[i]))
			i++;
		int idx = scopes_promise_index(s + start, i - start);
		if (idx != name_lookup(s + start, i - start))
			return -2;
		if (idx < 0)
			return -1;
		out |= (scopes_set_t)1 << idx;
	}
	*set = out;
	return 0;
}
