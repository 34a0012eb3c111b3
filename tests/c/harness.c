/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

int harness_failures;
int harness_checks;

struct child_result run_child(int (*fn)(void *), void *arg)
{
	struct child_result r = { 0, -1 };
	fflush(NULL);
	pid_t p = fork();
	if (p < 0) {
		perror("fork");
		exit(99);
	}
	if (p == 0)
		_exit(fn(arg));
	int st;
	if (waitpid(p, &st, 0) != p) {
		perror("waitpid");
		exit(99);
	}
	if (WIFEXITED(st)) {
		r.exited = 1;
		r.code = WEXITSTATUS(st);
	} else if (WIFSIGNALED(st)) {
		r.code = WTERMSIG(st);
	}
	return r;
}

const char *child_result_str(struct child_result r)
{
	static char buf[64];
	if (r.exited)
		snprintf(buf, sizeof(buf), "exit %d", r.code);
	else
		snprintf(buf, sizeof(buf), "signal %s", sigabbrev_np(r.code) ? sigabbrev_np(r.code) : "?");
	return buf;
}

int harness_finish(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, harness_checks, harness_failures);
	return harness_failures ? 1 : 0;
}
