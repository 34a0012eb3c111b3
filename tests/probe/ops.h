/* SPDX-License-Identifier: MIT */
#ifndef SCOPES_PROBE_OPS_H
#define SCOPES_PROBE_OPS_H

#include <stdio.h>

struct probe_ctx {
	char **args;
	int nargs;
	int fd;        /* prepared by setup */
	int fd2;
	long value;    /* prepared by setup */
	void *ptr;     /* prepared by setup */
};

struct probe_op {
	const char *name;
	int min_args;
	const char *usage;
	/* before the pledge: open what the operation needs (returns 0, or -1 with errno) */
	int (*setup)(struct probe_ctx *ctx);
	/* after the pledge: the one operation; its result or -errno */
	long (*run)(struct probe_ctx *ctx);
	const char *doc;
};

const struct probe_op *ops_find(const char *name);
void ops_list(FILE *out);

#endif
