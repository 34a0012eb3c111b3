/* SPDX-License-Identifier: MIT */
/* A small test harness: checks that name the case, and fork-per-case runs. */
#ifndef SCOPES_TEST_HARNESS_H
#define SCOPES_TEST_HARNESS_H

#include <stdio.h>
#include <sys/types.h>

extern int harness_failures;
extern int harness_checks;

#define CHECK(cond, ...)                                                              \
	do {                                                                          \
		harness_checks++;                                                     \
		if (!(cond)) {                                                        \
			harness_failures++;                                           \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                 \
			fputc('\n', stderr);                                          \
		}                                                                     \
	} while (0)

/* Outcome of a child: exited with a code, or killed by a signal. */
struct child_result {
	int exited;
	int code;   /* exit code, or the signal number */
};

/* Run fn(arg) in a forked child; its return value is the exit code. */
struct child_result run_child(int (*fn)(void *), void *arg);
/* Describe a result ("exit 3", "signal SIGSYS") into a static buffer. */
const char *child_result_str(struct child_result r);
/* Print the summary; returns the process exit code (0 if all passed). */
int harness_finish(const char *name);

#endif
