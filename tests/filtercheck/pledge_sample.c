/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/table.h>

#include "parse_model.h"
#include "pledge_sample.h"

#define MSG_MAX 512

/* what a child found wrong, for the parent to print (shared mapping) */
static char *msg;

static void say(const char *what, const char *s)
{
	size_t n = strlen(what);
	if (n >= MSG_MAX)
		n = MSG_MAX - 1;
	memcpy(msg, what, n);
	msg[n] = '\0';
	(void)s;
}

/* A promise string from words and separators, good and bad. */
static size_t make_string(char *buf, size_t size, struct fc_rng *r)
{
	static const char *const seps[] = {" ",	 "  ", "\t", "\n", " \t\n ",
					   "\r", "\v", ",",  "\f", ""};
	static const char *const junk[] = {
	    "STDIO", "std io",	  "stdio_", "_",      "rpath2",	   "é", "\xff", "\x01",	   "inet6",
	    "all",   "prot-exec", "stdi",   "stdiox", "error\x7f", "-", "#",	"proc\x1b"};
	const int np = scopes_promise_count();
	size_t n = 0;
	unsigned kind = (unsigned)(fc_rand(r) % 8);
	unsigned words =
	    kind == 7 ? 700 + (unsigned)(fc_rand(r) % 100) : (unsigned)(fc_rand(r) % 6);

	for (unsigned w = 0; w < words; w++) {
		char word[64];
		const char *p;
		switch (fc_rand(r) % (kind < 3 ? 12 : 6)) {
		case 0:
			p = junk[fc_rand(r) % (sizeof(junk) / sizeof(junk[0]))];
			break;
		case 1: { /* a name with one byte changed */
			const char *nm = scopes_promise_name((int)(fc_rand(r) % (uint64_t)np));
			size_t l = strlen(nm);
			memcpy(word, nm, l + 1);
			word[fc_rand(r) % l] = (char)(fc_rand(r) % 256 ? fc_rand(r) % 256 : 'x');
			p = word;
			break;
		}
		default:
			p = scopes_promise_name((int)(fc_rand(r) % (uint64_t)np));
			break;
		}
		const char *sep =
		    w == 0 ? ""
			   : (kind < 4 ? seps[fc_rand(r) % (sizeof(seps) / sizeof(seps[0]))] : " ");
		size_t ls = strlen(sep), lp = strlen(p);
		if (n + ls + lp + 1 >= size)
			break;
		memcpy(buf + n, sep, ls);
		n += ls;
		memcpy(buf + n, p, lp);
		n += lp;
	}
	buf[n] = '\0';
	return n;
}

static int held_filters(int status_fd)
{
	char buf[4096];
	ssize_t r = pread(status_fd, buf, sizeof(buf) - 1, 0);
	if (r <= 0)
		return -1;
	buf[r] = '\0';
	const char *p = strstr(buf, "Seccomp_filters:");
	return p ? atoi(p + 16) : -1;
}

/* In a fresh process: a refused string changes nothing at all. */
static int child_fresh(const char *s, int expect_ok, scopes_set_t expect, int as_exec)
{
	scopes_set_penalty(SCOPES_PENALTY_ERRNO);
	errno = 0;
	int rc = as_exec ? scopes_pledge("stdio", s) : scopes_pledge(s, NULL);
	if (!expect_ok) {
		if (rc != -1 || errno != EINVAL)
			return say("refused string: not -1/EINVAL", s), 1;
		if (scopes_promises_held() != SCOPES_SET_ALL)
			return say("refused string: promises held changed", s), 1;
		if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
			return say("refused string: a seccomp filter was installed", s), 1;
		if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0)
			return say("refused string: no_new_privs was set", s), 1;
		return 0;
	}
	if (rc != 0)
		return say("good string refused", s), 1;
	if (!as_exec && scopes_promises_held() != expect)
		return say("good string: promises held differ from the words", s), 1;
	if (as_exec && scopes_execpromises_held() != expect)
		return say("good execpromises: held differ from the words", s), 1;
	return 0;
}

/* Already pledged: a refused string leaves the promises and the filter
 * stack exactly as they were. */
static int child_pledged(const char *s)
{
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return say("cannot open /proc/self/status", s), 2;
	scopes_set_penalty(SCOPES_PENALTY_ERRNO);
	if (scopes_pledge("stdio rpath wpath", NULL) != 0)
		return say("pledge(\"stdio rpath wpath\") failed", s), 1;
	scopes_set_t held = scopes_promises_held();
	int before = held_filters(fd);
	errno = 0;
	int rc = scopes_pledge(s, NULL);
	if (rc != -1 || errno != EINVAL)
		return say("refused string after a pledge: not -1/EINVAL", s), 1;
	if (scopes_promises_held() != held)
		return say("refused string after a pledge: promises held changed", s), 1;
	if (before < 1 || held_filters(fd) != before)
		return say("refused string after a pledge: the filter stack changed", s), 1;
	return 0;
}

struct job {
	const char *s;
	int expect_ok;
	scopes_set_t expect;
	int mode; /* 0 fresh, 1 fresh as execpromises, 2 already pledged */
};

static void run(const struct job *j, struct pledge_stats *ps, FILE *out)
{
	fflush(NULL);
	msg[0] = '\0';
	pid_t pid = fork();
	if (pid == 0) {
		int rc = j->mode == 2 ? child_pledged(j->s)
				      : child_fresh(j->s, j->expect_ok, j->expect, j->mode);
		_exit(rc);
	}
	int status = 0;
	ps->children++;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		ps->failures++;
		if (ps->failures <= 20) {
			fprintf(out, "PLEDGE: mode %d, string \"", j->mode);
			for (const char *p = j->s; *p && p - j->s < 120; p++)
				fprintf(out,
					(unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f
					    ? "\\x%02x"
					    : "%c",
					(unsigned char)*p);
			fprintf(out, "\"%s: %s (status 0x%x)\n", strlen(j->s) > 120 ? "..." : "",
				msg[0] ? msg : "child failed", status);
		}
	}
}

void pledge_sample(unsigned n, struct fc_rng *rng, struct pledge_stats *ps, FILE *out)
{
	static char s[8192];

	msg = mmap(NULL, MSG_MAX, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (msg == MAP_FAILED) {
		ps->failures++;
		fprintf(out, "PLEDGE: no shared memory\n");
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		scopes_set_t set = 0;
		make_string(s, sizeof(s), rng);
		int pm = parse_model(s, &set);
		ps->strings++;
		if (pm == -2) {
			ps->failures++;
			fprintf(out, "PLEDGE: scopes_promise_index disagrees with the names\n");
			continue;
		}
		struct job j = {.s = s, .expect_ok = pm == 0, .expect = set};
		/* a good string in a fresh process, a refused one three ways */
		run(&j, ps, out);
		if (pm != 0) {
			ps->refused++;
			j.mode = 1;
			run(&j, ps, out);
			j.mode = 2;
			run(&j, ps, out);
		}
	}
	munmap(msg, MSG_MAX);
}

void pledge_print(const struct pledge_stats *ps, FILE *out)
{
	fprintf(out,
		"filtercheck: pledge sample: %llu strings (%llu refused), %llu children, %llu "
		"failures\n",
		(unsigned long long)ps->strings, (unsigned long long)ps->refused,
		(unsigned long long)ps->children, (unsigned long long)ps->failures);
}
