/* SPDX-License-Identifier: MIT */
/*
 * The promise-string parser: every promise of docs/promises.md parses, whitespace
 * and duplicates are accepted, anything else is EINVAL and changes nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/table.h>

#include "harness.h"

/* Written from docs/promises.md, not read from the library. */
static const char *const spec_promises[] = {
	"stdio", "rpath", "wpath", "cpath", "dpath", "tmppath", "fattr", "chown", "flock",
	"inet", "mcast", "unix", "sendfd", "recvfd", "dns", "getpw", "tty", "proc", "exec",
	"prot_exec", "settime", "id", "ps", "vminfo", "route", "unveil", "error", "audio",
	"video", "drm", "bpf", "pf", "tape", "disklabel", "vmm", "wroute",
};
#define NSPEC (sizeof(spec_promises) / sizeof(spec_promises[0]))

static void test_every_name(void)
{
	scopes_set_t all = 0;
	CHECK(scopes_promise_count() == (int)NSPEC, "count %d, spec %zu", scopes_promise_count(), NSPEC);
	for (size_t i = 0; i < NSPEC; i++) {
		scopes_set_t s = 0;
		int rc = scopes_promises_parse(spec_promises[i], &s);
		CHECK(rc == 0, "'%s' does not parse", spec_promises[i]);
		CHECK(__builtin_popcountll(s) == 1, "'%s' gives %d promises", spec_promises[i],
		      __builtin_popcountll(s));
		CHECK(!(all & s), "'%s' shares a bit with another promise", spec_promises[i]);
		all |= s;
		char buf[64];
		scopes_promises_format(s, buf, sizeof(buf));
		CHECK(strcmp(buf, spec_promises[i]) == 0, "format of '%s' is '%s'", spec_promises[i], buf);
	}
}

struct parse_case {
	const char *in;
	int ok;
	const char *formatted; /* canonical form when ok */
};

static const struct parse_case parse_cases[] = {
	{ "", 1, "" },
	{ "   ", 1, "" },
	{ "stdio", 1, "stdio" },
	{ "  stdio  ", 1, "stdio" },
	{ "stdio\trpath\nwpath", 1, "stdio rpath wpath" },
	{ "rpath stdio", 1, "stdio rpath" },
	{ "stdio stdio stdio", 1, "stdio" },
	{ "stdio  rpath   stdio", 1, "stdio rpath" },
	{ "prot_exec", 1, "prot_exec" },
	{ "stdio bogus", 0, NULL },
	{ "STDIO", 0, NULL },
	{ "std io", 0, NULL },
	{ "stdio,rpath", 0, NULL },
	{ "stdio\rrpath", 0, NULL },
	{ "stdio\x01", 0, NULL },
	{ "stdio\xc3\xa9", 0, NULL },
	{ "stdi", 0, NULL },
	{ "stdioo", 0, NULL },
	{ "prot-exec", 0, NULL },
	{ "rpath\vwpath", 0, NULL },
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		scopes_set_t s = 0xdead;
		errno = 0;
		int rc = scopes_promises_parse(c->in, &s);
		if (c->ok) {
			char buf[256];
			CHECK(rc == 0, "'%s' rejected (errno %d)", c->in, errno);
			scopes_promises_format(s, buf, sizeof(buf));
			CHECK(rc != 0 || strcmp(buf, c->formatted) == 0, "'%s' -> '%s', want '%s'", c->in,
			      buf, c->formatted);
		} else {
			CHECK(rc == -1 && errno == EINVAL, "'%s' gave rc %d errno %d", c->in, rc, errno);
			CHECK(s == 0xdead, "'%s' wrote the output on failure", c->in);
		}
	}
	errno = 0;
	CHECK(scopes_promises_parse(NULL, &(scopes_set_t){ 0 }) == -1 && errno == EINVAL,
	      "NULL string accepted");
}

static void test_long_strings(void)
{
	/* 4095 bytes of valid words pass; one byte more is EINVAL */
	char *s = malloc(8192);
	size_t n = 0;
	while (n + 6 <= 4095) {
		memcpy(s + n, "stdio ", 6);
		n += 6;
	}
	while (n < 4095)
		s[n++] = ' ';
	s[n] = '\0';
	scopes_set_t set;
	CHECK(scopes_promises_parse(s, &set) == 0, "4095-byte string rejected");
	s[n++] = ' ';
	s[n] = '\0';
	errno = 0;
	CHECK(scopes_promises_parse(s, &set) == -1 && errno == EINVAL, "4096-byte string accepted");
	/* one over-long word */
	memset(s, 'a', 8000);
	s[8000] = '\0';
	errno = 0;
	CHECK(scopes_promises_parse(s, &set) == -1 && errno == EINVAL, "8000-byte word accepted");
	free(s);
}

static void test_format_truncates(void)
{
	scopes_set_t s;
	char buf[8];
	scopes_promises_parse("stdio rpath wpath", &s);
	size_t need = scopes_promises_format(s, buf, sizeof(buf));
	CHECK(need == strlen("stdio rpath wpath"), "need %zu", need);
	CHECK(strcmp(buf, "stdio r") == 0, "truncated to '%s'", buf);
	CHECK(scopes_promises_format(s, NULL, 0) == need, "NULL buffer length differs");
}

/* A rejected pledge leaves the process exactly as it was: no filter, no
 * no_new_privs, all promises still held. Runs in a child. */
static int child_bad_pledge(void *arg)
{
	const char *bad = arg;
	errno = 0;
	if (scopes_pledge(bad, NULL) != -1 || errno != EINVAL)
		return 10;
	if (prctl(PR_GET_SECCOMP) != 0)
		return 11;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
		return 12;
	if (scopes_promises_held() != SCOPES_SET_ALL)
		return 13;
	int fd = open("/etc/hostname", O_RDONLY);
	if (fd < 0)
		return 14;
	close(fd);
	return 0;
}

static void test_bad_pledge_changes_nothing(void)
{
	static const char *const bad[] = { "stdio bogus", "stdio\x01", "STDIO", "rpath wpath x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct child_result r = run_child(child_bad_pledge, (void *)bad[i]);
		CHECK(r.exited && r.code == 0, "pledge('%s'): %s", bad[i], child_result_str(r));
	}
}

static int child_bad_exec(void *arg)
{
	(void)arg;
	errno = 0;
	/* a good promise string with a bad execpromises: nothing is applied */
	if (scopes_pledge("stdio", "stdio nope") != -1 || errno != EINVAL)
		return 10;
	if (prctl(PR_GET_SECCOMP) != 0)
		return 11;
	return 0;
}

int main(void)
{
	scopes_table_init();
	test_every_name();
	test_cases();
	test_long_strings();
	test_format_truncates();
	test_bad_pledge_changes_nothing();
	struct child_result r = run_child(child_bad_exec, NULL);
	CHECK(r.exited && r.code == 0, "bad execpromises: %s", child_result_str(r));
	return harness_finish("test_parse");
}
