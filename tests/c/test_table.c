/* SPDX-License-Identifier: MIT */
/*
 * Invariants of the promise table, and the reverse query on known calls.
 * The expectations are written from docs/promises.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <scopes.h>
#include <scopes/table.h>

#include "harness.h"

static const char *set_str(scopes_set_t s)
{
	static char buf[8][512];
	static int k;
	k = (k + 1) % 8;
	scopes_promises_format(s, buf[k], sizeof(buf[k]));
	return buf[k];
}

static scopes_set_t set_of(const char *s)
{
	scopes_set_t v = 0;
	if (scopes_promises_parse(s, &v) != 0)
		abort();
	return v;
}

static void test_rows(void)
{
	const int np = scopes_promise_count();
	const scopes_set_t valid = np >= 64 ? ~0ULL : (1ULL << np) - 1;
	scopes_set_t granted = 0;

	for (size_t i = 0; i < scopes_row_count(); i++) {
		const struct scopes_row *r = scopes_row_get(i);
		long x = scopes_syscall_number(SCOPES_ARCH_X86_64, r->syscall);
		long a = scopes_syscall_number(SCOPES_ARCH_AARCH64, r->syscall);
		CHECK(x >= 0 || a >= 0, "row %zu: '%s' resolves on neither x86_64 nor aarch64", i,
		      r->syscall);
		CHECK(!((r->any | r->all | r->unless) & ~valid), "row %zu (%s): unknown promise bits", i,
		      r->syscall);
		CHECK(r->ncond <= SCOPES_COND_MAX, "row %zu: %u conditions", i, r->ncond);
		if (r->kind == SCOPES_ROW_GRANT) {
			CHECK(r->any || r->all, "row %zu (%s): grant with no promise", i, r->syscall);
			granted |= r->any | r->all;
		}
		if (r->kind == SCOPES_ROW_FAIL)
			CHECK(r->any && r->errnum > 0, "row %zu (%s): fail row without promise/errno", i,
			      r->syscall);
		if (r->kind == SCOPES_ROW_NEVER || r->kind == SCOPES_ROW_ENOSYS)
			CHECK(r->note && *r->note, "row %zu (%s): no reason", i, r->syscall);
		for (unsigned c = 0; c < r->ncond; c++) {
			const struct scopes_cond *k = &r->cond[c];
			CHECK(k->arg <= 5, "row %zu (%s): arg %u", i, r->syscall, k->arg);
			/* a value with bits outside its mask can never match */
			CHECK((k->value & ~k->mask) == 0, "row %zu (%s): value 0x%llx outside mask 0x%llx", i,
			      r->syscall, (unsigned long long)k->value, (unsigned long long)k->mask);
			/* full 64-bit comparisons: the high half is always compared */
			CHECK((k->mask >> 32) == 0xffffffffu || k->mask == ~0ULL,
			      "row %zu (%s): high half not compared", i, r->syscall);
			for (unsigned d = c + 1; d < r->ncond; d++)
				CHECK(r->cond[d].arg != k->arg, "row %zu (%s): two conditions on arg %u", i,
				      r->syscall, k->arg);
			if (k->value == SCOPES_VALUE_SELF_PID)
				CHECK(strcmp(r->syscall, "kill") == 0 || strcmp(r->syscall, "tgkill") == 0 ||
					      strcmp(r->syscall, "rt_tgsigqueueinfo") == 0,
				      "row %zu (%s): pid placeholder outside kill/tgkill/rt_tgsigqueueinfo", i,
				      r->syscall);
		}
	}
	/* every promise that is meant to grant something does */
	for (int p = 0; p < np; p++) {
		unsigned f = scopes_promise_flags(p);
		int grants = !!(granted & (1ULL << p));
		if (f & (SCOPES_PROMISE_COMPAT | SCOPES_PROMISE_MODIFIER))
			CHECK(!grants, "'%s' is compat/modifier but grants calls", scopes_promise_name(p));
		else
			CHECK(grants, "'%s' grants nothing", scopes_promise_name(p));
		if (f & SCOPES_PROMISE_PATHSCOPED)
			CHECK(scopes_promise_paths(p)[0] != NULL, "'%s' is path-scoped without paths",
			      scopes_promise_name(p));
	}
}

/* A syscall is never both granted unconditionally and never-granted, and an
 * ENOSYS syscall has no other rows. */
static void test_no_conflicts(void)
{
	for (size_t i = 0; i < scopes_row_count(); i++) {
		const struct scopes_row *r = scopes_row_get(i);
		if (!((r->kind == SCOPES_ROW_NEVER && r->ncond == 0) || r->kind == SCOPES_ROW_ENOSYS))
			continue;
		for (size_t j = 0; j < scopes_row_count(); j++) {
			const struct scopes_row *o = scopes_row_get(j);
			if (j == i || strcmp(o->syscall, r->syscall) != 0)
				continue;
			if (r->kind == SCOPES_ROW_ENOSYS)
				CHECK(0, "%s: ENOSYS row and another row (%zu)", r->syscall, j);
			else
				CHECK(o->kind != SCOPES_ROW_ALWAYS && !(o->kind == SCOPES_ROW_GRANT && o->ncond == 0),
				      "%s: never-granted yet granted unconditionally by row %zu", r->syscall, j);
		}
	}
}

/* Every syscall libseccomp knows for x86_64 is classified by the table:
 * granted, always, ENOSYS, or never with a reason. */
static void test_every_syscall_classified(void)
{
	int n = 0;
	for (long nr = 0; nr < 1024; nr++) {
		const char *name = scopes_syscall_name(SCOPES_ARCH_X86_64, nr);
		if (!name)
			continue;
		n++;
		int found = 0;
		for (size_t i = 0; i < scopes_row_count() && !found; i++)
			found = strcmp(scopes_row_get(i)->syscall, name) == 0;
		CHECK(found, "x86_64 syscall %ld (%s) is not classified by the table", nr, name);
	}
	CHECK(n > 300, "only %d x86_64 syscalls named", n);
}

struct query_case {
	const char *syscall;
	uint64_t args[6];
	int with_args;
	enum scopes_class cls;
	const char *best;   /* best alternative's promises, or the reason */
	unsigned best_flags;
};

#define A(...) { __VA_ARGS__ }, 1
static const struct query_case query_cases[] = {
	{ "read", A(0), SCOPES_CLASS_PROMISE, "stdio", 0 },
	{ "openat", A((uint64_t)AT_FDCWD, 0, O_RDONLY | O_CLOEXEC), SCOPES_CLASS_PROMISE, "rpath", 0 },
	{ "openat", A((uint64_t)AT_FDCWD, 0, O_WRONLY), SCOPES_CLASS_PROMISE, "wpath", 0 },
	{ "openat", A((uint64_t)AT_FDCWD, 0, O_RDWR), SCOPES_CLASS_PROMISE, "rpath wpath", 0 },
	{ "openat", A((uint64_t)AT_FDCWD, 0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666),
	  SCOPES_CLASS_PROMISE, "wpath cpath", 0 },
	{ "openat", A((uint64_t)AT_FDCWD, 0, O_RDWR | O_CREAT | O_EXCL, 0600), SCOPES_CLASS_PROMISE,
	  "rpath wpath cpath", 0 },
	/* a setuid mode is never created, not even under /tmp */
	{ "openat", A((uint64_t)AT_FDCWD, 0, O_WRONLY | O_CREAT, 04755), SCOPES_CLASS_PROMISE, NULL, 0 },
	{ "openat", A((uint64_t)AT_FDCWD, 0, O_RDWR | O_CREAT | O_EXCL, 0600), SCOPES_CLASS_PROMISE,
	  "rpath wpath cpath", 0 },
	{ "mmap", A(0, 4096, PROT_READ | PROT_WRITE), SCOPES_CLASS_PROMISE, "stdio", 0 },
	{ "mmap", A(0, 4096, PROT_READ | PROT_EXEC), SCOPES_CLASS_PROMISE, "prot_exec", 0 },
	{ "mmap", A(0, 4096, PROT_READ | (1ULL << 32)), SCOPES_CLASS_PROMISE, "prot_exec", 0 },
	{ "ioctl", A(0, TCGETS), SCOPES_CLASS_PROMISE, "stdio", 0 },
	{ "ioctl", A(0, TIOCSWINSZ), SCOPES_CLASS_PROMISE, "tty", 0 },
	{ "ioctl", A(0, TIOCSTI), SCOPES_CLASS_NEVER, "TIOCSTI injects input into a terminal", 0 },
	{ "ptrace", A(0), SCOPES_CLASS_NEVER, "ptrace cannot be sandboxed", 0 },
	{ "clone3", A(0), SCOPES_CLASS_ENOSYS, NULL, 0 },
	{ "openat2", A(0), SCOPES_CLASS_ENOSYS, NULL, 0 },
	{ "exit_group", A(0), SCOPES_CLASS_ALWAYS, NULL, 0 },
	{ "prctl", A(38, 1), SCOPES_CLASS_ALWAYS, NULL, 0 },
	{ "personality", A(0xffffffff), SCOPES_CLASS_PROMISE, "stdio", 0 },
	{ "personality", A(0x0400000), SCOPES_CLASS_NEVER,
	  "personality flags such as READ_IMPLIES_EXEC weaken memory protections", 0 },
	{ "socket", A(2 /* AF_INET */, 1 /* STREAM */, 0), SCOPES_CLASS_PROMISE, "inet", 0 },
	{ "socket", A(1 /* AF_UNIX */, 1, 0), SCOPES_CLASS_PROMISE, "unix", 0 },
	/* a NETLINK_ROUTE socket: inet (getifaddrs, as OpenBSD's inet) or route,
	 * the lower promise index first; dns alone gets none (Revision 2) */
	{ "socket", A(16 /* AF_NETLINK */, 3 /* RAW */, 0), SCOPES_CLASS_PROMISE, "inet", 0 },
	{ "socket", A(17 /* AF_PACKET */, 3, 0), SCOPES_CLASS_PROMISE, NULL, 0 },
	{ "fcntl", A(0, 4 /* F_SETFL */), SCOPES_CLASS_PROMISE, "stdio", 0 },
	{ "fcntl", A(0, 6 /* F_SETLK */), SCOPES_CLASS_PROMISE, "flock", 0 },
	{ "fcntl", A(0, 3 | (1ULL << 32)), SCOPES_CLASS_PROMISE, NULL, 0 },
	{ "execve", A(0), SCOPES_CLASS_PROMISE, "exec", 0 },
	{ "setuid", A(0), SCOPES_CLASS_PROMISE, "id", 0 },
	{ "settimeofday", A(0), SCOPES_CLASS_PROMISE, "settime", 0 },
	{ "mknodat", A((uint64_t)AT_FDCWD, 0, 0010600), SCOPES_CLASS_PROMISE, "dpath", 0 },
	{ "mknodat", A((uint64_t)AT_FDCWD, 0, 0020600), SCOPES_CLASS_PROMISE, NULL, 0 },
	{ "fchmodat", A((uint64_t)AT_FDCWD, 0, 0644), SCOPES_CLASS_PROMISE, "fattr", 0 },
	{ "fchmodat", A((uint64_t)AT_FDCWD, 0, 04755), SCOPES_CLASS_PROMISE, NULL, 0 },
	{ "clone", A(0x3d0f00 /* glibc thread flags */), SCOPES_CLASS_PROMISE, "stdio", 0 },
	{ "clone", A(0x01200011 /* fork */), SCOPES_CLASS_PROMISE, "proc", 0 },
	{ "clone", A(0x10000000 | 17 /* CLONE_NEWUSER */), SCOPES_CLASS_PROMISE, NULL, 0 },
	{ "landlock_restrict_self", A(0), SCOPES_CLASS_ALWAYS, NULL, 0 },
};
#undef A

static void test_queries(void)
{
	for (size_t i = 0; i < sizeof(query_cases) / sizeof(query_cases[0]); i++) {
		const struct query_case *q = &query_cases[i];
		long nr = scopes_syscall_number(SCOPES_ARCH_X86_64, q->syscall);
		struct scopes_verdict v;
		CHECK(nr >= 0, "%s unknown", q->syscall);
		scopes_query(SCOPES_ARCH_X86_64, nr, q->with_args ? q->args : NULL, &v);
		CHECK(v.cls == q->cls, "case %zu %s: class %d, want %d", i, q->syscall, v.cls, q->cls);
		if (q->cls == SCOPES_CLASS_PROMISE && q->best) {
			CHECK(v.n > 0 && strcmp(set_str(v.alt[0].set), q->best) == 0 &&
				      (v.alt[0].flags & ~SCOPES_ALT_ARGS_UNKNOWN) == q->best_flags,
			      "case %zu %s: best '%s' (flags %u, %d alts), want '%s'", i, q->syscall,
			      v.n ? set_str(v.alt[0].set) : "-", v.n ? v.alt[0].flags : 0, v.n, q->best);
		} else if (q->cls == SCOPES_CLASS_PROMISE) {
			CHECK(v.n == 0 && v.reason, "case %zu %s: %d alternatives, want none", i, q->syscall, v.n);
		} else if (q->best) {
			CHECK(v.reason && strcmp(v.reason, q->best) == 0, "case %zu %s: reason '%s'", i,
			      q->syscall, v.reason ? v.reason : "(null)");
		}
		CHECK(v.name && strcmp(v.name, q->syscall) == 0, "case %zu: name '%s'", i,
		      v.name ? v.name : "(null)");
	}
}

static void test_query_abi_and_unknown(void)
{
	struct scopes_verdict v;
	uint64_t args[6] = { 0 };
	scopes_query(SCOPES_ARCH_X86_64, 0x40000000 | 0, args, &v);
	CHECK(v.cls == SCOPES_CLASS_FOREIGN_ABI && v.name && strcmp(v.name, "read") == 0,
	      "x32 read: class %d", v.cls);
	scopes_query(SCOPES_ARCH_I386, 11, args, &v);
	CHECK(v.cls == SCOPES_CLASS_FOREIGN_ABI && v.name && strcmp(v.name, "execve") == 0,
	      "i386 execve: class %d name %s", v.cls, v.name ? v.name : "-");
	scopes_query(SCOPES_ARCH_X86_64, 999, args, &v);
	CHECK(v.cls == SCOPES_CLASS_UNKNOWN, "nr 999: class %d", v.cls);
	/* aarch64 numbers resolve through the same table */
	long nr = scopes_syscall_number(SCOPES_ARCH_AARCH64, "openat");
	CHECK(nr == 56, "aarch64 openat is %ld", nr);
	uint64_t wr[6] = { (uint64_t)AT_FDCWD, 0, O_WRONLY };
	scopes_query(SCOPES_ARCH_AARCH64, nr, wr, &v);
	CHECK(v.cls == SCOPES_CLASS_PROMISE && v.n && strcmp(set_str(v.alt[0].set), "wpath") == 0,
	      "aarch64 openat O_WRONLY");
	/* without arguments: every candidate, flagged when the grant depends on them */
	scopes_query(SCOPES_ARCH_X86_64, SYS_openat, NULL, &v);
	int saw_rpath = 0, saw_wpath = 0;
	for (int i = 0; i < v.n; i++) {
		if (v.alt[i].set == set_of("rpath"))
			saw_rpath = !!(v.alt[i].flags & SCOPES_ALT_ARGS_UNKNOWN);
		if (v.alt[i].set == set_of("wpath"))
			saw_wpath = !!(v.alt[i].flags & SCOPES_ALT_ARGS_UNKNOWN);
	}
	CHECK(saw_rpath && saw_wpath, "openat without args: rpath %d wpath %d (%d alts)", saw_rpath,
	      saw_wpath, v.n);
	scopes_query(SCOPES_ARCH_X86_64, SYS_getppid, NULL, &v);
	CHECK(v.n == 1 && v.alt[0].set == set_of("stdio") && v.alt[0].flags == 0,
	      "getppid without args");
}

/* ------------------------------------------- answers from the rows */

/* scopes_row_granted, re-derived from the header's words for every row. */
static void test_row_granted(void)
{
	const int np = scopes_promise_count();
	for (size_t i = 0; i < scopes_row_count(); i++) {
		const struct scopes_row *r = scopes_row_get(i);
		for (int p = -1; p <= np; p++) {
			/* the empty set, each promise alone, every promise */
			scopes_set_t held = p < 0 ? 0 : p == np ? (1ULL << np) - 1 : 1ULL << p;
			held |= r->all; /* so that `any` decides */
			for (int ll = 0; ll <= 1; ll++) {
				int want = 0;
				if (r->kind == SCOPES_ROW_FAIL)
					want = (held & r->any) && !(held & r->unless);
				else if (r->kind == SCOPES_ROW_GRANT)
					want = (!(r->flags & SCOPES_ALT_PATHSCOPED) || ll) &&
					       (!r->any || (held & r->any)) && (held & r->all) == r->all;
				CHECK(scopes_row_granted(r, held, ll) == want,
				      "row %zu (%s) under '%s' landlock %d: want %d", i, r->syscall,
				      set_str(held), ll, want);
			}
		}
	}
	CHECK(scopes_row_granted(NULL, SCOPES_SET_ALL, 1) == 0, "NULL row");
}

/* A value for every condition of row r: args that meet it. */
static void args_meeting(const struct scopes_row *r, uint64_t args[6])
{
	memset(args, 0, 6 * sizeof(args[0]));
	for (unsigned c = 0; c < r->ncond; c++)
		args[r->cond[c].arg] |= r->cond[c].value;
}

static void test_set_allows(void)
{
	const uint32_t arch = scopes_native_arch();
	int err;
	uint64_t a[6] = { 0 };
	struct {
		const char *set, *syscall;
		int with_args;
		uint64_t args[6];
		int allowed, errnum;
	} cases[] = {
		{ "stdio", "getppid", 0, { 0 }, 1, 0 },
		{ "", "getppid", 0, { 0 }, 0, 0 },
		{ "error", "getppid", 0, { 0 }, 0, ENOSYS },
		{ "", "exit_group", 0, { 0 }, 1, 0 },
		{ "stdio", "clone3", 1, { 0 }, 0, ENOSYS },
		{ "stdio", "write", 0, { 0 }, 1, 0 },
		{ "stdio", "readlink", 0, { 0 }, 0, 0 },
		{ "rpath", "readlink", 0, { 0 }, 1, 0 },
		{ "rpath", "openat", 1, { (uint64_t)AT_FDCWD, 0, O_RDONLY }, 1, 0 },
		{ "rpath", "openat", 1, { (uint64_t)AT_FDCWD, 0, O_WRONLY }, 0, 0 },
		{ "rpath", "openat", 0, { 0 }, 0, 0 }, /* not for every argument */
		{ "wpath", "openat", 1, { (uint64_t)AT_FDCWD, 0, O_WRONLY }, 1, 0 },
		{ "getpw", "socket", 1, { AF_UNIX, SOCK_STREAM }, 0, EACCES },
		{ "getpw unix", "socket", 1, { AF_UNIX, SOCK_STREAM }, 1, 0 },
		{ "dns", "socket", 1, { AF_NETLINK, SOCK_RAW }, 0, EACCES },
		{ "dns route", "socket", 1, { AF_NETLINK, SOCK_RAW, 0 /* NETLINK_ROUTE */ }, 1, 0 },
		{ "fattr", "setxattr", 1, { 0 }, 0, EOPNOTSUPP },
		{ "stdio", "setxattr", 1, { 0 }, 0, 0 },
		{ "stdio", "ioctl", 1, { 0, TIOCSTI }, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long nr = scopes_syscall_number(arch, cases[i].syscall);
		CHECK(nr >= 0, "%s unknown", cases[i].syscall);
		int got = scopes_set_allows(set_of(cases[i].set), arch, nr,
					    cases[i].with_args ? cases[i].args : NULL, 1, &err);
		CHECK(got == cases[i].allowed && err == cases[i].errnum,
		      "case %zu: %s under '%s': %d errno %d, want %d errno %d", i, cases[i].syscall,
		      cases[i].set, got, err, cases[i].allowed, cases[i].errnum);
	}
	/* path-scoped grants only where compiled in */
	long nr = scopes_syscall_number(arch, "stat");
	CHECK(scopes_set_allows(set_of("tmppath"), arch, nr, NULL, 1, NULL) == 1, "tmppath stat");
	CHECK(scopes_set_allows(set_of("tmppath"), arch, nr, NULL, 0, &err) == 0 && err == 0,
	      "tmppath stat without Landlock");
	/* foreign ABIs are killed whatever the set */
	CHECK(scopes_set_allows(SCOPES_SET_ALL, SCOPES_ARCH_X86_64, 0x40000000 | 0, a, 1, &err) == 0 &&
		      err == 0,
	      "x32 read");
	CHECK(scopes_set_allows(SCOPES_SET_ALL, SCOPES_ARCH_I386, 3, a, 1, &err) == 0 && err == 0,
	      "i386 read");
	CHECK(scopes_set_allows(SCOPES_SET_ALL, arch, -1, a, 1, NULL) == 0, "nr -1");

	/* every row, asked with arguments that meet it, answers as the row says */
	for (size_t i = 0; i < scopes_row_count(); i++) {
		const struct scopes_row *r = scopes_row_get(i);
		long rn = scopes_syscall_number(arch, r->syscall);
		if (rn < 0)
			continue;
		scopes_set_t held = (r->any ? r->any & -r->any : 0) | r->all;
		args_meeting(r, a);
		for (unsigned c = 0; c < r->ncond; c++)
			if (r->cond[c].value == SCOPES_VALUE_SELF_PID)
				goto next; /* the query's pid, not this row's */
		int got = scopes_set_allows(held, arch, rn, a, 1, &err);
		switch (r->kind) {
		case SCOPES_ROW_ALWAYS:
		case SCOPES_ROW_GRANT:
			CHECK(got == 1, "row %zu (%s) under '%s' not allowed", i, r->syscall,
			      set_str(held));
			break;
		case SCOPES_ROW_ENOSYS:
			CHECK(got == 0 && err == ENOSYS, "row %zu (%s): %d errno %d", i, r->syscall, got,
			      err);
			break;
		case SCOPES_ROW_FAIL:
			CHECK(got == 0 && err == r->errnum, "row %zu (%s) under '%s': %d errno %d", i,
			      r->syscall, set_str(held), got, err);
			break;
		default:
			break;
		}
next:;
	}
}

static void test_fail_row(void)
{
	const uint32_t arch = scopes_native_arch();
	uint64_t a[6];
	int nfail = 0;
	for (size_t i = 0; i < scopes_row_count(); i++) {
		const struct scopes_row *r = scopes_row_get(i);
		long nr = scopes_syscall_number(arch, r->syscall);
		if (r->kind != SCOPES_ROW_FAIL || nr < 0)
			continue;
		nfail++;
		args_meeting(r, a);
		CHECK(scopes_fail_row(arch, nr, a) == r, "FAIL row %zu (%s) not found", i, r->syscall);
		CHECK(scopes_fail_row(arch, nr, NULL) == (r->ncond ? NULL : r),
		      "FAIL row %zu (%s) without arguments", i, r->syscall);
	}
	CHECK(nfail > 0, "the table has no FAIL rows");
	memset(a, 0, sizeof(a));
	a[0] = AF_INET;
	CHECK(scopes_fail_row(arch, scopes_syscall_number(arch, "socket"), a) == NULL, "AF_INET");
	CHECK(scopes_fail_row(arch, scopes_syscall_number(arch, "getppid"), a) == NULL, "getppid");
	const struct scopes_row *r = scopes_fail_row(arch, scopes_syscall_number(arch, "fsetxattr"), a);
	CHECK(r && r->errnum == EOPNOTSUPP && r->any == set_of("fattr"), "fsetxattr");
}

static void test_paths(void)
{
	struct {
		const char *path, *root;
		int beneath;
	} cases[] = {
		{ "/tmp", "/tmp", 1 },	     { "/tmp/x", "/tmp", 1 },	 { "/tmp/x/y", "/tmp/", 1 },
		{ "/tmp", "/tmp/", 1 },	     { "/tmpx", "/tmp", 0 },	 { "/tm", "/tmp", 0 },
		{ "/etc/hosts", "/", 1 },    { "/", "/", 1 },		 { "relative", "/", 0 },
		{ "/proc/1/stat", "/proc", 1 }, { "/etc/hostsx", "/etc/hosts", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(scopes_path_beneath(cases[i].path, cases[i].root) == cases[i].beneath,
		      "'%s' beneath '%s': want %d", cases[i].path, cases[i].root, cases[i].beneath);
	CHECK(scopes_path_beneath(NULL, "/") == 0 && scopes_path_beneath("/", NULL) == 0, "NULL");

	int scoped = 0;
	for (int p = 0; p < scopes_promise_count(); p++) {
		const char *const *paths = scopes_promise_paths(p);
		if (!(scopes_promise_flags(p) & SCOPES_PROMISE_PATHSCOPED)) {
			CHECK(scopes_promise_covers_path(p, "/tmp") == 0, "%s covers /tmp",
			      scopes_promise_name(p));
			continue;
		}
		scoped++;
		for (int k = 0; paths[k]; k++) {
			char sub[512], sib[512];
			snprintf(sub, sizeof(sub), "%s/x", paths[k]);
			snprintf(sib, sizeof(sib), "%sx", paths[k]);
			CHECK(scopes_promise_covers_path(p, paths[k]) == 1, "%s: %s",
			      scopes_promise_name(p), paths[k]);
			CHECK(scopes_promise_covers_path(p, sub) == 1, "%s: %s", scopes_promise_name(p), sub);
			CHECK(scopes_promise_covers_path(p, sib) == 0, "%s: %s", scopes_promise_name(p), sib);
		}
		CHECK(scopes_promise_covers_path(p, "/nonexistent/x") == 0, "%s: /nonexistent/x",
		      scopes_promise_name(p));
	}
	CHECK(scoped > 0, "no path-scoped promise");
	int tmp = scopes_promise_index("tmppath", 7);
	CHECK(scopes_promise_covers_path(tmp, "/tmp/a") && !scopes_promise_covers_path(tmp, "/var/tmp/a"),
	      "tmppath");
	CHECK(scopes_promise_covers_path(-1, "/tmp") == 0 && scopes_promise_covers_path(tmp, NULL) == 0,
	      "out of range, NULL");

	const uint32_t arch = scopes_native_arch();
	const char *checked[] = { "openat", "creat", "mkdirat", "unlinkat", "renameat2", "linkat",
				  "symlinkat", "truncate", "execve", "execveat", "mknodat" };
	const char *unchecked[] = { "stat", "newfstatat", "statx", "access", "faccessat", "readlink",
				    "readlinkat", "chdir", "getdents64", "read", "ftruncate" };
	for (size_t i = 0; i < sizeof(checked) / sizeof(checked[0]); i++)
		CHECK(scopes_landlock_checks_path(arch, scopes_syscall_number(arch, checked[i])) == 1,
		      "Landlock checks %s", checked[i]);
	for (size_t i = 0; i < sizeof(unchecked) / sizeof(unchecked[0]); i++)
		CHECK(scopes_landlock_checks_path(arch, scopes_syscall_number(arch, unchecked[i])) == 0,
		      "Landlock does not check %s", unchecked[i]);
	CHECK(scopes_landlock_checks_path(SCOPES_ARCH_AARCH64, 56 /* openat */) == 1, "aarch64 openat");
	CHECK(scopes_landlock_checks_path(arch, 999) == 0, "nr 999");
	/* every call a path-scoped promise grants where Landlock checks the path
	 * is one scopes_landlock_checks_path names, or it takes no path */
	for (size_t i = 0; i < scopes_row_count(); i++) {
		const struct scopes_row *r = scopes_row_get(i);
		if (!(r->flags & SCOPES_ALT_PATHSCOPED) || strncmp(r->syscall, "open", 4) != 0)
			continue;
		CHECK(scopes_landlock_checks_path(arch, scopes_syscall_number(arch, r->syscall)),
		      "path-scoped %s", r->syscall);
	}
}

static void test_penalty_names(void)
{
	const char *want[] = { "kill", "trap", "errno", "log" };
	for (int p = SCOPES_PENALTY_KILL; p <= SCOPES_PENALTY_LOG; p++) {
		const char *n = scopes_penalty_name((enum scopes_penalty)p);
		CHECK(n && strcmp(n, want[p]) == 0, "penalty %d is '%s'", p, n ? n : "(null)");
		CHECK(scopes_penalty_parse(want[p]) == p, "parse %s", want[p]);
	}
	CHECK(scopes_penalty_name((enum scopes_penalty)(SCOPES_PENALTY_LOG + 1)) == NULL, "past log");
	errno = 0;
	CHECK(scopes_penalty_parse("KILL") == -1 && errno == EINVAL, "KILL");
	CHECK(scopes_penalty_parse("") == -1 && scopes_penalty_parse(NULL) == -1 &&
		      scopes_penalty_parse("kills") == -1,
	      "empty, NULL, kills");
}

static void test_filter_landlock(void)
{
	struct scopes_filter *f = scopes_compile("stdio", SCOPES_PENALTY_KILL);
	CHECK(f && scopes_filter_landlock(f) == 0, "stdio compiles no path-scoped grants");
	scopes_filter_free(f);
	f = scopes_compile("stdio tmppath", SCOPES_PENALTY_KILL);
	CHECK(f && scopes_filter_landlock(f) == scopes_pathscoped_enforced(NULL),
	      "tmppath: landlock %d", f ? scopes_filter_landlock(f) : -1);
	scopes_filter_free(f);
	f = scopes_compile("stdio tmppath", SCOPES_PENALTY_LOG);
	CHECK(f && scopes_filter_landlock(f) == 0, "log mode compiles them out");
	scopes_filter_free(f);
	CHECK(scopes_filter_landlock(NULL) == 0, "NULL filter");
}

int main(void)
{
	if (scopes_table_init() != 0)
		return 99;
	test_rows();
	test_no_conflicts();
	test_every_syscall_classified();
	test_queries();
	test_query_abi_and_unknown();
	test_row_granted();
	test_set_allows();
	test_fail_row();
	test_paths();
	test_penalty_names();
	test_filter_landlock();
	return harness_finish("test_table");
}
