/* SPDX-License-Identifier: MIT */
/*
 * The promise-string parser on any bytes. It never crashes; it accepts a
 * string exactly when the independent grammar (tests/filtercheck/
 * parse_model.c) does, with the same set (a pure function of the words) and
 * EINVAL otherwise; the set formats back to a string that parses to it; and
 * scopes_promise_index agrees with the list of names on any bytes.
 * (That a refused scopes_pledge changes nothing is checked in forked
 * children by scopes-filtercheck, not in this process.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <scopes/table.h>

#include "fuzz_common.h"
#include "parse_model.h"

static int name_index(const char *w, size_t n)
{
	for (int i = 0; i < scopes_promise_count(); i++) {
		const char *nm = scopes_promise_name(i);
		if (strlen(nm) == n && memcmp(nm, w, n) == 0)
			return i;
	}
	return -1;
}

static void check_format(scopes_set_t set)
{
	char full[1024], small[1024];
	size_t need = scopes_promises_format(set, full, sizeof(full));
	scopes_set_t back = ~(scopes_set_t)0;

	FUZZ_CHECK(need < sizeof(full) && strlen(full) == need, "format length %zu", need);
	FUZZ_CHECK(scopes_promises_parse(full, &back) == 0 && back == set,
		   "\"%s\" does not parse back to its set", full);
	FUZZ_CHECK(scopes_promises_format(set, NULL, 0) == need, "format(NULL) length");
	/* like snprintf: every buffer size gets a NUL-terminated prefix */
	for (size_t size = 1; size <= need + 1; size += 1 + size / 4) {
		memset(small, 'X', sizeof(small));
		FUZZ_CHECK(scopes_promises_format(set, small, size) == need, "size %zu", size);
		size_t got = strlen(small);
		FUZZ_CHECK(got == (need < size ? need : size - 1) && memcmp(small, full, got) == 0,
			   "size %zu gives \"%s\" of \"%s\"", size, small, full);
		FUZZ_CHECK(small[size] == 'X', "format wrote past size %zu", size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_table_ready();

	/* the raw bytes as a word: the lookup must agree with the names */
	FUZZ_CHECK(scopes_promise_index((const char *)data, size) ==
		       name_index((const char *)data, size),
		   "scopes_promise_index disagrees with scopes_promise_name");

	/* the bytes as a C string (an embedded NUL ends it, as for callers) */
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	scopes_set_t lib = 0x5a5a, model = 0;
	errno = 0;
	int rc = scopes_promises_parse(s, &lib);
	int err = errno;
	int pm = parse_model(s, &model);
	FUZZ_CHECK(pm != -2, "scopes_promise_index and the names disagree inside \"%.80s\"", s);
	FUZZ_CHECK((rc == 0) == (pm == 0), "library %s, grammar %s: \"%.200s\"",
		   rc == 0 ? "accepts" : "refuses", pm == 0 ? "accepts" : "refuses", s);
	if (rc == 0) {
		FUZZ_CHECK(lib == model, "set %#llx, the words say %#llx", (unsigned long long)lib,
			   (unsigned long long)model);
		check_format(lib);
	} else {
		FUZZ_CHECK(err == EINVAL, "refused with errno %d", err);
		FUZZ_CHECK(lib == 0x5a5a, "a refused parse wrote the set");
	}
	free(s);
	return 0;
}
