/* SPDX-License-Identifier: MIT */
/*
 * The setups a worker measures under, the alternative filters they are
 * compared with, and what the kernel's constant-action cache makes of them.
 *
 * The alternatives are built with libseccomp as their users build them:
 *  - one rule: default allow, one unconditional rule — the cheapest filter
 *    there is once the kernel's per-filter cache answers the call;
 *  - naive: the promise table's rows for the same promises, added in table
 *    order with no binary tree (SCMP_FLTATR_CTL_OPTIMIZE 1), no redundant
 *    rows dropped — what a straightforward table-to-libseccomp port does;
 *  - docker: a long flat allow list (docker_profile.c).
 * The naive builder reads the table through <scopes/table.h>: it knows no
 * promise itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/table.h>

#include "bench.h"
#include "bpf_interp.h"

#define NARROWING "stacked pledges, narrowing to \"" BENCH_PROMISES "\""

const struct bench_setup_info bench_setups[SETUP_COUNT] = {
	[SETUP_NONE] = { "none", "no filter", "no seccomp filter (the reference)", 0 },
	[SETUP_ONERULE] = { "onerule", "one rule",
			    "libseccomp, default allow, one unconditional rule (cache floor)", 1 },
	[SETUP_ARGFLOOR] = { "argfloor", "arg floor",
			     "libseccomp, default allow, one never-matching argument rule on each "
			     "measured call the pledge checks, and on getppid and read",
			     1 },
	[SETUP_ARGFLOOR8] = { "argfloor8", "arg floor x8", "8 stacked arg-floor filters", 8 },
	[SETUP_PLEDGE1] = { "pledge1", "pledge", "scopes_pledge(\"" BENCH_PROMISES "\")", 1 },
	[SETUP_PLEDGE2] = { "pledge2", "pledge x2", "2 " NARROWING, 2 },
	[SETUP_PLEDGE4] = { "pledge4", "pledge x4", "4 " NARROWING, 4 },
	[SETUP_PLEDGE8] = { "pledge8", "pledge x8", "8 " NARROWING, 8 },
	[SETUP_NAIVE] = { "naive", "naive",
			  "the table's rows for \"" BENCH_PROMISES "\" through libseccomp, "
			  "linear (optimize 1)",
			  1 },
	[SETUP_DOCKER] = { "docker", "docker",
			   "Docker-style allow list (~300 names, 3 arches) through libseccomp", 1 },
	[SETUP_ERRNO] = { "errno", "errno",
			  "pledge(\"stdio\"), penalty ERRNO: the call fails with EPERM", 1 },
	[SETUP_TRAP] = { "trap", "trap",
			 "pledge(\"stdio\"), penalty TRAP, a bare SIGSYS handler answers EPERM", 1 },
	[SETUP_REPORT] = { "report", "trap+report",
			   "pledge(\"stdio\"), penalty TRAP, libscopes-sigsys writes its report, "
			   "EPERM",
			   1 },
};

/* Each pledge narrower than the one before; none is path-scoped, so no
 * Landlock ruleset (which hooks every open) muddles the open measurement. */
const char *const bench_chain[BENCH_CHAIN_LEN] = {
	"stdio rpath wpath cpath fattr chown flock inet unix proc",
	"stdio rpath wpath cpath fattr chown flock inet unix",
	"stdio rpath wpath cpath fattr chown flock inet",
	"stdio rpath wpath cpath fattr chown flock",
	"stdio rpath wpath cpath fattr",
	"stdio rpath wpath cpath",
	"stdio rpath wpath",
	BENCH_PROMISES,
};

int bench_setup_stack(enum bench_setup s)
{
	switch (s) {
	case SETUP_PLEDGE1:
		return 1;
	case SETUP_PLEDGE2:
		return 2;
	case SETUP_PLEDGE4:
		return 4;
	case SETUP_PLEDGE8:
		return 8;
	default:
		return 0;
	}
}

/* A 64-bit value no caller passes: the "argfloor" rules never match, they
 * only take the calls out of the cache so that the kernel runs the filter. */
#define ARGFLOOR_MAGIC 0x5c09e5c09e5c09e5ULL

static int build_onerule(scmp_filter_ctx ctx)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(acct), 0);
}

/* One rule on an argument of each call the pledge checks (argument 1 of
 * fcntl and ioctl is the command, 2 of openat and mmap the flags and the
 * protection) — close and munmap stay in the cache, as under the pledge —
 * and of getppid and read, to show what the cache saves them. */
static int build_argfloor(scmp_filter_ctx ctx)
{
	static const struct {
		int nr;
		unsigned arg;
	} calls[] = {
		{ SCMP_SYS(getppid), 0 }, { SCMP_SYS(read), 0 }, { SCMP_SYS(openat), 2 },
		{ SCMP_SYS(mmap), 2 },    { SCMP_SYS(fcntl), 1 }, { SCMP_SYS(ioctl), 1 },
	};
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		struct scmp_arg_cmp cmp = { calls[i].arg, SCMP_CMP_EQ, ARGFLOOR_MAGIC, 0 };
		int rc = seccomp_rule_add_exact_array(ctx, SCMP_ACT_ERRNO(EPERM), calls[i].nr, 1,
						      &cmp);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int build_naive(scmp_filter_ctx ctx)
{
	scopes_set_t set;
	long pid = getpid();
	/* path-scoped rows as a pledge would compile them (BENCH_PROMISES
	 * holds no path-scoped promise: none is granted either way) */
	int landlock = scopes_pathscoped_enforced(NULL);

	if (scopes_promises_parse(BENCH_PROMISES, &set) != 0)
		return -errno;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 1))
		return -ECANCELED;
	for (size_t i = 0; i < scopes_row_count(); i++) {
		const struct scopes_row *r = scopes_row_get(i);
		struct scmp_arg_cmp cmp[SCOPES_COND_MAX];
		uint32_t action;

		switch (r->kind) {
		case SCOPES_ROW_ALWAYS:
			action = SCMP_ACT_ALLOW;
			break;
		case SCOPES_ROW_ENOSYS:
			action = SCMP_ACT_ERRNO(ENOSYS);
			break;
		case SCOPES_ROW_GRANT:
			if (!scopes_row_granted(r, set, landlock))
				continue;
			action = SCMP_ACT_ALLOW;
			break;
		case SCOPES_ROW_FAIL:
			if (!scopes_row_granted(r, set, landlock))
				continue;
			action = SCMP_ACT_ERRNO((uint32_t)r->errnum);
			break;
		default:
			continue;
		}
		int nr = seccomp_syscall_resolve_name(r->syscall);
		if (nr < 0)
			continue; /* not a native syscall */
		for (unsigned c = 0; c < r->ncond; c++) {
			uint64_t v = r->cond[c].value;
			if (v == SCOPES_VALUE_SELF_PID)
				v = (uint64_t)pid;
			if (r->cond[c].mask == ~0ULL)
				cmp[c] = (struct scmp_arg_cmp){ r->cond[c].arg, SCMP_CMP_EQ, v, 0 };
			else
				cmp[c] = (struct scmp_arg_cmp){ r->cond[c].arg, SCMP_CMP_MASKED_EQ,
								r->cond[c].mask, v };
		}
		int rc = seccomp_rule_add_exact_array(ctx, action, nr, r->ncond, cmp);
		if (rc < 0 && rc != -EEXIST)
			return rc;
	}
	return 0;
}

static int build_docker(scmp_filter_ctx ctx)
{
	static const uint64_t personas[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };
	int rc;

	if (seccomp_arch_add(ctx, SCMP_ARCH_X86) || seccomp_arch_add(ctx, SCMP_ARCH_X32))
		return -ECANCELED;
	/* Like Docker's loader: a name libseccomp does not know is skipped,
	 * a rule it refuses is ignored. */
	for (size_t i = 0; i < docker_names_count(); i++) {
		int nr = seccomp_syscall_resolve_name(docker_name(i));
		if (nr == __NR_SCMP_ERROR)
			continue;
		(void)seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	/* Not the "exact" calls: libseccomp rewrites socket into socketcall on
	 * x86, as for Docker. (SCMP_A0_64() leaves a field out: spelled out.) */
	for (size_t i = 0; i < sizeof(personas) / sizeof(personas[0]); i++) {
		struct scmp_arg_cmp eq = { 0, SCMP_CMP_EQ, personas[i], 0 };
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(personality), 1, &eq);
		if (rc < 0)
			return rc;
	}
	/* no namespace flags (CLONE_NEW*): Docker's mask 0x7e020000 */
	struct scmp_arg_cmp no_ns = { 0, SCMP_CMP_MASKED_EQ, 0x7e020000, 0 };
	rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, &no_ns);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc == 0) { /* AF_VSOCK refused */
		struct scmp_arg_cmp not_vsock = { 0, SCMP_CMP_NE, 40, 0 };
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, &not_vsock);
	}
	return rc;
}

static scmp_filter_ctx build_alternative(enum bench_setup s)
{
	scmp_filter_ctx ctx;
	int rc;

	switch (s) {
	case SETUP_ONERULE:
		ctx = seccomp_init(SCMP_ACT_ALLOW);
		rc = ctx ? build_onerule(ctx) : -ENOMEM;
		break;
	case SETUP_ARGFLOOR:
	case SETUP_ARGFLOOR8:
		ctx = seccomp_init(SCMP_ACT_ALLOW);
		rc = ctx ? build_argfloor(ctx) : -ENOMEM;
		break;
	case SETUP_NAIVE:
		ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
		rc = ctx ? build_naive(ctx) : -ENOMEM;
		break;
	case SETUP_DOCKER:
		ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
		rc = ctx ? build_docker(ctx) : -ENOMEM;
		break;
	default:
		fprintf(stderr, "scopes-bench: %s is not a libseccomp setup\n",
			bench_setups[s].name);
		return NULL;
	}
	if (rc < 0) {
		fprintf(stderr, "scopes-bench: building the %s filter: %s\n", bench_setups[s].name,
			strerror(-rc));
		if (ctx)
			seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

int filters_install_alternative(enum bench_setup s)
{
	scmp_filter_ctx ctx = build_alternative(s);
	int rc = 0;

	if (!ctx)
		return -1;
	for (int i = 0; i < bench_setups[s].filters && rc == 0; i++)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		fprintf(stderr, "scopes-bench: loading the %s filter: %s\n", bench_setups[s].name,
			strerror(-rc));
		return -1;
	}
	return 0;
}

/* libseccomp 2.5.4 exports only to a descriptor. */
static int export_ctx(scmp_filter_ctx ctx, struct sock_filter **prog, size_t *len)
{
	int fd = memfd_create("scopes-bench-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = seccomp_export_bpf(ctx, fd);
	off_t size = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (rc == 0 && (size <= 0 || size % (off_t)sizeof(struct sock_filter)))
		rc = -ECANCELED;
	if (rc == 0) {
		*prog = malloc((size_t)size);
		if (!*prog)
			rc = -ENOMEM;
		else if (pread(fd, *prog, (size_t)size, 0) != size)
			rc = -EIO;
		if (rc < 0)
			free(*prog);
	}
	close(fd);
	if (rc == 0)
		*len = (size_t)size / sizeof(struct sock_filter);
	return rc;
}

static int compiled_program(const char *promises, enum scopes_penalty pen,
			    struct sock_filter **prog, size_t *len)
{
	struct scopes_filter *f = scopes_compile(promises, pen);
	const void *insns;
	size_t n;

	/* every path sets the outputs, and a failure is always negative: a
	 * -errno of 0 would read as success with *prog never set */
	*prog = NULL;
	*len = 0;
	if (!f)
		return errno ? -errno : -EIO;
	if (scopes_filter_program(f, &insns, &n) != 0) {
		int e = errno ? errno : EIO;
		scopes_filter_free(f);
		return -e;
	}
	*prog = malloc(n * sizeof(**prog));
	if (!*prog) {
		scopes_filter_free(f);
		return -ENOMEM;
	}
	memcpy(*prog, insns, n * sizeof(**prog));
	*len = n;
	scopes_filter_free(f);
	return 0;
}

int filters_programs(enum bench_setup s, struct sock_filter **prog, size_t *len)
{
	int rc = 0, n = 0;

	switch (s) {
	case SETUP_NONE:
		return 0;
	case SETUP_PLEDGE1:
	case SETUP_PLEDGE2:
	case SETUP_PLEDGE4:
	case SETUP_PLEDGE8: {
		int k = bench_setup_stack(s);
		for (int i = BENCH_CHAIN_LEN - k; i < BENCH_CHAIN_LEN && rc == 0; i++, n++)
			rc = compiled_program(bench_chain[i], SCOPES_PENALTY_KILL, &prog[n],
					      &len[n]);
		break;
	}
	case SETUP_ERRNO:
		rc = compiled_program("stdio", SCOPES_PENALTY_ERRNO, &prog[0], &len[0]);
		n = 1;
		break;
	case SETUP_TRAP:
	case SETUP_REPORT:
		rc = compiled_program("stdio", SCOPES_PENALTY_TRAP, &prog[0], &len[0]);
		n = 1;
		break;
	default: {
		scmp_filter_ctx ctx = build_alternative(s);
		if (!ctx)
			return -1;
		for (; n < bench_setups[s].filters && rc == 0; n++)
			rc = export_ctx(ctx, &prog[n], &len[n]);
		seccomp_release(ctx);
		break;
	}
	}
	if (rc < 0) {
		fprintf(stderr, "scopes-bench: the %s program: %s\n", bench_setups[s].name,
			strerror(-rc));
		for (int i = 0; i < n - 1; i++)
			free(prog[i]);
		return -1;
	}
	return n;
}

long filters_pledge_insns(const char *promises)
{
	struct sock_filter *prog;
	size_t len;

	if (compiled_program(promises, SCOPES_PENALTY_KILL, &prog, &len) < 0)
		return -1;
	free(prog);
	return (long)len;
}

/* The kernel's constant-action cache, emulated once for this tool and for
 * the differential check (tests/filtercheck/bpf_interp.c). */
int filters_const_allow(const struct sock_filter *prog, size_t len, uint32_t arch, int nr)
{
	return bpfi_const_allow(prog, len, nr, arch);
}
