/* SPDX-License-Identifier: MIT */
/*
 * scopes-attack: the adversarial suite's attacker. One run = one attempt to
 * get out of a pledge. See attack.c for the protocol.
 */
#ifndef SCOPES_ATTACK_H
#define SCOPES_ATTACK_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#define ATTACK_MAX_ARGS 12
#define ATTACK_MAX_INFO 16

/*
 * What the attacker reports to the driver. It lives in a shared anonymous
 * mapping, so that reporting costs no system call: an attacker pledged to ""
 * can still say how far it got before it was stopped.
 */
struct attack_report {
	int pledged;           /* the pledge returned 0 */
	int pledge_errno;      /* the pledge failed with this errno */
	int done;              /* the attempt returned */
	long result;           /* its result, or -errno */
	int trapped;           /* SIGSYS deliveries the -H handler caught */
	long trapped_nr;       /* the last one's syscall number ... */
	unsigned trapped_arch; /* ... and AUDIT_ARCH */
	int ninfo;
	struct {
		char key[24];
		long value;
	} info[ATTACK_MAX_INFO];
};

struct attack_ctx {
	char **args; /* the attack's own arguments, as given */
	int nargs;
	long val[ATTACK_MAX_ARGS]; /* the same, evaluated (see attack_value) */
	pid_t victim;              /* a process of ours the attacker must not harm */
	char *file;                /* -C: a file the attacker must not change */
	int fd;                    /* prepared by the attack itself */
	int fd2;
	void *ptr;
	long value;
	struct attack_report *rep;
};

struct attack {
	const char *name;
	int min_args;
	const char *usage;
	/* in the attacker, before its pledge (0, or -1 with errno) */
	int (*prepare)(struct attack_ctx *ctx);
	/* in the attacker, after its pledge: the attempt; its result or -errno */
	long (*run)(struct attack_ctx *ctx);
	const char *doc;
};

const struct attack *attack_find(const char *name);
void attack_list(void);

/* Record KEY = value for the driver to print (no system call). */
void attack_info(struct attack_ctx *ctx, const char *key, long value);

/* Evaluate an argument: a number, or an '@' token (see attack.c), with '|'
 * joining parts ("0x1002|0x100000000"). Runs before the pledge. */
int attack_value(const char *s, long *out);

/* Raw system call with six arguments: its result, or -errno. */
long attack_syscall(long nr, const long a[6]);

/* Foreign entry points (compat.c); each returns the kernel's eax/rax. */
long compat_int80(long nr, long a0, long a1, long a2);
long compat_sysenter(long nr, long a0);
int compat_prepare(void);
long compat_farcall(int use_int80, long nr, long a0);

/* Reach attacks (reach.c, issue 13). */
long reach_run_proc_open(struct attack_ctx *c);
int reach_prep_caps(struct attack_ctx *c);
long reach_run_caps(struct attack_ctx *c);
int reach_prep_threads(struct attack_ctx *c);
long reach_run_threads(struct attack_ctx *c);
long reach_run_rtnl(struct attack_ctx *c);
int reach_prep_xattr(struct attack_ctx *c);
long reach_run_xattr(struct attack_ctx *c);
long reach_run_unix_connect(struct attack_ctx *c);
long reach_run_inet(struct attack_ctx *c);
int reach_prep_msg(struct attack_ctx *c);
long reach_run_msg(struct attack_ctx *c);
int reach_prep_rights(struct attack_ctx *c);
long reach_run_rights(struct attack_ctx *c);

#endif
