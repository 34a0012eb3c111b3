/* SPDX-License-Identifier: MIT */
/*
 * scopes-probe: pledge, then perform one named operation, then say what came
 * back. The test suites drive it; each run is a fresh process, as a filter
 * can never be removed.
 *
 *   scopes-probe [-p PROMISES] [-e EXECPROMISES] [-P kill|trap|errno|log]
 *                [-n] [-r] OP [ARG...]
 *
 * -n: do not pledge (the operation's control run). -r: install the SIGSYS
 * reporter first (when the probe is built with it).
 * Output, one line on stdout: "ok <return value>" or "err <ERRNAME> <errno>".
 * A KILL penalty ends the probe by SIGSYS before it prints.
 * Exit status: 0 after printing, 2 for a usage error, 3 when the setup before
 * the pledge failed, 4 when the pledge itself failed (with "pledge-err ...").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/table.h>

#include "ops.h"
#include "subject.h"

#ifdef SCOPES_PROBE_SIGSYS
#include <scopes/sigsys.h>
#endif

static int parse_penalty(const char *s, enum scopes_penalty *p)
{
	int i = scopes_penalty_parse(s);
	if (i < 0)
		return -1;
	*p = (enum scopes_penalty)i;
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: scopes-probe [-p PROMISES] [-e EXECPROMISES] "
			"[-P kill|trap|errno|log] [-n] [-r] OP [ARG...]\n"
			"       scopes-probe --list\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *promises = "", *execpromises = NULL;
	enum scopes_penalty penalty = SCOPES_PENALTY_KILL;
	int no_pledge = 0, reporter = 0, c;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		ops_list(stdout);
		return 0;
	}
	while ((c = getopt(argc, argv, "+p:e:P:nr")) != -1) {
		switch (c) {
		case 'p':
			promises = optarg;
			break;
		case 'e':
			execpromises = optarg;
			break;
		case 'P':
			if (parse_penalty(optarg, &penalty) != 0)
				usage();
			break;
		case 'n':
			no_pledge = 1;
			break;
		case 'r':
			reporter = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	const struct probe_op *op = ops_find(argv[optind]);
	if (!op) {
		fprintf(stderr, "scopes-probe: unknown operation '%s' (see --list)\n", argv[optind]);
		return 2;
	}
	int nargs = argc - optind - 1;
	char **args = argv + optind + 1;
	if (nargs < op->min_args) {
		fprintf(stderr, "scopes-probe: %s needs %d argument(s): %s\n", op->name,
			op->min_args, op->usage);
		return 2;
	}
	struct probe_ctx ctx = { .args = args, .nargs = nargs };
	if (op->setup && op->setup(&ctx) != 0) {
		fprintf(stderr, "scopes-probe: setup of %s failed: %s\n", op->name, strerror(errno));
		return 3;
	}
	if (reporter) {
#ifdef SCOPES_PROBE_SIGSYS
		if (scopes_sigsys_install(0) != 0) {
			printf("pledge-err %s %d\n", subject_errname(errno), errno);
			return 4;
		}
#else
		fprintf(stderr, "scopes-probe: built without the sigsys reporter\n");
		return 2;
#endif
	}
	/* flush before the pledge: stdout's buffer is written later under it */
	fflush(stdout);
	if (!no_pledge) {
		if (!reporter && scopes_set_penalty(penalty) != 0)
			return 4;
		if (scopes_pledge(promises, execpromises) != 0) {
			printf("pledge-err %s %d\n", subject_errname(errno), errno);
			return 4;
		}
	}
	long r = op->run(&ctx);
	if (r < 0 && r > -4096)
		printf("err %s %ld\n", subject_errname((int)-r), -r);
	else
		printf("ok %ld\n", r);
	fflush(stdout);
	return 0;
}
