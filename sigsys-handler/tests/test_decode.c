/* SPDX-License-Identifier: MIT */
/*
 * The decoder and the report's first line, as tables of expected text, for
 * x86_64 and aarch64 numbers. Syscall numbers come from the table
 * (libseccomp), never typed here.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <scopes/table.h>

#include "decode.h"
#include "harness.h"
#include "memprobe.h"
#include "out.h"
#include "report.h"

#define X86 SCOPES_ARCH_X86_64
#define ARM SCOPES_ARCH_AARCH64
#define ANY ((uint64_t)0) /* argument not shown */

/* Addresses of test strings, filled in at run time (index into strs[]). */
#define STR(i) (0x5354520000000000ull | (i))
static const char *strs[] = {
	"/tmp/x", "worker", "a\"b\\c\n\x01\x7f", "/etc/passwd",
};
static char long_str[300];

struct dcase {
	uint32_t arch;
	const char *name;
	uint64_t a[6];
	unsigned flags;
	const char *want;
};

static const struct dcase cases[] = {
	/* open flags, modes, AT_* descriptors */
	{ X86, "openat", { (uint64_t)-100, STR(0), 01101 | 02000000, 0666 }, DECODE_READ_STRINGS,
	  "openat(AT_FDCWD, \"/tmp/x\", O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0666)" },
	{ X86, "openat", { 3, STR(3), 0, 0777 }, DECODE_READ_STRINGS,
	  "openat(3, \"/etc/passwd\", O_RDONLY)" },
	{ X86, "openat", { (uint64_t)-100, STR(0), 0200000 | 0400000, 0 }, DECODE_READ_STRINGS,
	  "openat(AT_FDCWD, \"/tmp/x\", O_RDONLY|O_DIRECTORY|O_NOFOLLOW)" },
	{ ARM, "openat", { (uint64_t)-100, STR(0), 040000 | 0100000, 0 }, DECODE_READ_STRINGS,
	  "openat(AT_FDCWD, \"/tmp/x\", O_RDONLY|O_DIRECTORY|O_NOFOLLOW)" },
	{ ARM, "openat", { (uint64_t)-100, STR(0), 0200000 | 0400000, 0 }, DECODE_READ_STRINGS,
	  "openat(AT_FDCWD, \"/tmp/x\", O_RDONLY|O_DIRECT|O_LARGEFILE)" },
	{ X86, "openat", { (uint64_t)-100, STR(0), 020200002, 0600 }, DECODE_READ_STRINGS,
	  "openat(AT_FDCWD, \"/tmp/x\", O_RDWR|O_TMPFILE, 0600)" },
	{ ARM, "openat", { (uint64_t)-100, STR(0), 020040002, 0600 }, DECODE_READ_STRINGS,
	  "openat(AT_FDCWD, \"/tmp/x\", O_RDWR|O_TMPFILE, 0600)" },
	{ X86, "open", { STR(0), 04010001 | 0x80000000ull, 0 }, DECODE_READ_STRINGS,
	  "open(\"/tmp/x\", O_WRONLY|O_SYNC|0x80000000)" },
	{ X86, "openat", { (uint64_t)-100, STR(0), 0101, 0644 }, 0,
	  "openat(AT_FDCWD, 0x5354520000000000, O_WRONLY|O_CREAT, 0644)" },
	{ X86, "newfstatat", { 5, STR(0), 0x7ffd0000, 0x1100 }, DECODE_READ_STRINGS,
	  "newfstatat(5, \"/tmp/x\", 0x7ffd0000, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH)" },
	{ X86, "unlinkat", { (uint64_t)-100, STR(0), 0x200 }, DECODE_READ_STRINGS,
	  "unlinkat(AT_FDCWD, \"/tmp/x\", AT_REMOVEDIR)" },
	{ X86, "mknodat", { (uint64_t)-100, STR(0), 020600, 0x103 }, DECODE_READ_STRINGS,
	  "mknodat(AT_FDCWD, \"/tmp/x\", S_IFCHR|0600, 0x103)" },
	{ X86, "fchmodat", { (uint64_t)-100, STR(0), 04755 }, DECODE_READ_STRINGS,
	  "fchmodat(AT_FDCWD, \"/tmp/x\", 04755)" },
	{ X86, "faccessat2", { (uint64_t)-100, STR(0), 6, 0x200 }, DECODE_READ_STRINGS,
	  "faccessat2(AT_FDCWD, \"/tmp/x\", R_OK|W_OK, AT_EACCESS)" },
	/* strings: NULL, unreadable, cut, escaped */
	{ X86, "chdir", { 0 }, DECODE_READ_STRINGS, "chdir(NULL)" },
	{ X86, "chdir", { 1 }, DECODE_READ_STRINGS, "chdir(0x1)" },
	{ X86, "chdir", { 0xffff800000001000ull }, DECODE_READ_STRINGS,
	  "chdir(0xffff800000001000)" },
	{ X86, "chdir", { STR(2) }, DECODE_READ_STRINGS, "chdir(\"a\\\"b\\\\c\\n\\x01\\x7f\")" },
	{ X86, "chdir", { STR(99) }, DECODE_READ_STRINGS,
	  "chdir(\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"...)" },
	/* memory */
	{ X86, "mmap", { 0, 4096, 7, 0x22, (uint64_t)-1, 0 }, 0,
	  "mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0x0)" },
	{ X86, "mmap", { 0x1000, 8192, 0, 0x100052, 3, 0x2000 }, 0,
	  "mmap(0x1000, 8192, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_FIXED_NOREPLACE|MAP_32BIT, 3, 0x2000)" },
	{ ARM, "mmap", { 0, 4096, 0x15, 0x62, (uint64_t)-1, 0 }, 0,
	  "mmap(NULL, 4096, PROT_READ|PROT_EXEC|PROT_BTI, MAP_PRIVATE|MAP_ANONYMOUS|0x40, -1, 0x0)" },
	{ X86, "mprotect", { 0x7f0000000000ull, 4096, 5 }, 0,
	  "mprotect(0x7f0000000000, 4096, PROT_READ|PROT_EXEC)" },
	/* sockets */
	{ X86, "socket", { 2, 02000001, 6 }, 0, "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP)" },
	{ ARM, "socket", { 10, 04002, 17 }, 0, "socket(AF_INET6, SOCK_DGRAM|SOCK_NONBLOCK, IPPROTO_UDP)" },
	{ X86, "socket", { 16, 3, 0 }, 0, "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)" },
	{ X86, "socket", { 1, 5, 0 }, 0, "socket(AF_UNIX, SOCK_SEQPACKET, 0)" },
	{ X86, "socket", { 999, 0x40, 77 }, 0, "socket(999, 0x40, 77)" },
	{ X86, "setsockopt", { 3, 1, 2, 0x1000, 4 }, 0,
	  "setsockopt(3, SOL_SOCKET, SO_REUSEADDR, 0x1000, 4)" },
	{ X86, "setsockopt", { 3, 0, 35, 0x1000, 8 }, 0,
	  "setsockopt(3, IPPROTO_IP, IP_ADD_MEMBERSHIP, 0x1000, 8)" },
	{ X86, "sendto", { 3, 0x1000, 10, 0x4040, 0x2000, 16 }, 0,
	  "sendto(3, 0x1000, 10, MSG_DONTWAIT|MSG_NOSIGNAL, 0x2000, 16)" },
	/* fcntl, ioctl */
	{ X86, "fcntl", { 3, 4, 04000 }, 0, "fcntl(3, F_SETFL, O_RDONLY|O_NONBLOCK)" },
	{ X86, "fcntl", { 3, 2, 1 }, 0, "fcntl(3, F_SETFD, FD_CLOEXEC)" },
	{ X86, "fcntl", { 3, 1030, 10 }, 0, "fcntl(3, F_DUPFD_CLOEXEC, 10)" },
	{ X86, "fcntl", { 3, 9999, 10 }, 0, "fcntl(3, 9999, 0xa)" },
	{ X86, "ioctl", { 0, 0x5412, 0x1000 }, 0, "ioctl(0, TIOCSTI, 0x1000)" },
	{ ARM, "ioctl", { 1, 0x5401, 0x1000 }, 0, "ioctl(1, TCGETS, 0x1000)" },
	{ X86, "ioctl", { 1, 0xffffffff0000541bull, 0 }, 0, "ioctl(1, FIONREAD, 0x0)" },
	{ X86, "ioctl", { 1, 0xc0de, 0 }, 0, "ioctl(1, 0xc0de, 0x0)" },
	/* processes, signals, prctl */
	{ X86, "clone", { 0x1200011, 0, 0, 0x7f00, 0 }, 0,
	  "clone(CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, NULL, NULL, 0x7f00, NULL)" },
	{ ARM, "clone", { 0x3d0f00, 0x1000, 0x2000, 0x3000, 0x4000 }, 0,
	  "clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
	  "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, 0x1000, 0x2000, 0x3000, 0x4000)" },
	{ X86, "unshare", { 0x10020080 }, 0, "unshare(CLONE_NEWNS|CLONE_NEWUSER|CLONE_NEWTIME)" },
	{ X86, "kill", { 1234, 9 }, 0, "kill(1234, SIGKILL)" },
	{ X86, "kill", { (uint64_t)-1, 0 }, 0, "kill(-1, 0)" },
	{ X86, "tgkill", { 10, 11, 34 }, 0, "tgkill(10, 11, SIGRT_2)" },
	{ ARM, "rt_sigaction", { 31, 0x1000, 0, 8 }, 0, "rt_sigaction(SIGSYS, 0x1000, NULL, 8)" },
	{ X86, "rt_sigprocmask", { 2, 0x1000, 0x2000, 8 }, 0,
	  "rt_sigprocmask(SIG_SETMASK, 0x1000, 0x2000, 8)" },
	{ X86, "prctl", { 15, STR(1), 0, 0, 0 }, DECODE_READ_STRINGS,
	  "prctl(PR_SET_NAME, \"worker\", 0x0, 0x0, 0x0)" },
	{ ARM, "prctl", { 1, 9, 0, 0, 0 }, 0, "prctl(PR_SET_PDEATHSIG, SIGKILL, 0x0, 0x0, 0x0)" },
	{ X86, "prctl", { 4, 0, 0, 0, 0 }, 0, "prctl(PR_SET_DUMPABLE, 0x0, 0x0, 0x0, 0x0)" },
	{ X86, "ptrace", { 0, 0, 0, 0 }, 0, "ptrace(PTRACE_TRACEME, 0, NULL, NULL)" },
	{ X86, "ptrace", { 0x4206, 77, 0, 0 }, 0, "ptrace(PTRACE_SEIZE, 77, NULL, NULL)" },
	{ X86, "prlimit64", { 0, 7, 0, 0x1000 }, 0, "prlimit64(0, RLIMIT_NOFILE, NULL, 0x1000)" },
	{ X86, "lseek", { 3, (uint64_t)-5, 2 }, 0, "lseek(3, -5, SEEK_END)" },
	{ X86, "execve", { STR(0), 0x1000, 0x2000 }, DECODE_READ_STRINGS,
	  "execve(\"/tmp/x\", 0x1000, 0x2000)" },
	/* a call without a signature here: its name and six raw arguments */
	{ X86, "getpid", { 1, 2, 3, 4, 5, 6 }, 0, "getpid(0x1, 0x2, 0x3, 0x4, 0x5, 0x6)" },
	{ ARM, "getpid", { 0 }, 0, "getpid(0x0, 0x0, 0x0, 0x0, 0x0, 0x0)" },
};

/* Replace STR(i) placeholders with the real addresses. */
static uint64_t real_arg(uint64_t a)
{
	if ((a & 0xffffff0000000000ull) != 0x5354520000000000ull)
		return a;
	size_t i = (size_t)(a & 0xff);
	if (i == 99)
		return (uint64_t)(uintptr_t)long_str;
	if (i < sizeof(strs) / sizeof(strs[0]))
		return (uint64_t)(uintptr_t)strs[i];
	return a;
}

static void test_table(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dcase *c = &cases[i];
		long nr = scopes_syscall_number(c->arch, c->name);
		CHECK(nr >= 0, "case %zu: %s unknown on arch %#x", i, c->name, c->arch);
		if (nr < 0)
			continue;
		uint64_t a[6];
		for (int k = 0; k < 6; k++)
			a[k] = c->flags & DECODE_READ_STRINGS ? real_arg(c->a[k]) : c->a[k];
		char buf[1024];
		size_t n = decode_syscall(c->arch, nr, a, c->flags, buf, sizeof(buf));
		CHECK(strcmp(buf, c->want) == 0, "case %zu (%s):\n  got  %s\n  want %s", i,
		      c->name, buf, c->want);
		CHECK(n == strlen(buf), "case %zu: length %zu, strlen %zu", i, n, strlen(buf));
	}
}

static void test_unknown_and_cut(void)
{
	uint64_t a[6] = { 1, 2, 3, 4, 5, 6 };
	char buf[256];

	decode_syscall(X86, 1023, a, 0, buf, sizeof(buf));
	CHECK(strcmp(buf, "syscall_1023(0x1, 0x2, 0x3, 0x4, 0x5, 0x6)") == 0, "got %s", buf);
	decode_syscall(X86, -1, a, 0, buf, sizeof(buf));
	CHECK(strncmp(buf, "syscall_-1(", 11) == 0, "got %s", buf);
	/* a foreign arch gets names from the table and raw arguments */
	long nr = scopes_syscall_number(SCOPES_ARCH_I386, "open");
	decode_syscall(SCOPES_ARCH_I386, nr, a, 0, buf, sizeof(buf));
	CHECK(strcmp(buf, "open(0x1, 0x2, 0x3, 0x4, 0x5, 0x6)") == 0, "got %s", buf);

	/* cut output: NUL-terminated, within the buffer, a prefix of the whole */
	char whole[256], small[12];
	long nro = scopes_syscall_number(X86, "openat");
	uint64_t o[6] = { (uint64_t)-100, 0, 01101, 0666, 0, 0 };
	decode_syscall(X86, nro, o, 0, whole, sizeof(whole));
	memset(small, 'Z', sizeof(small));
	size_t n = decode_syscall(X86, nro, o, 0, small, sizeof(small));
	CHECK(n == sizeof(small) - 1 && small[n] == '\0', "cut length %zu", n);
	CHECK(strncmp(whole, small, n) == 0, "cut output %s is not a prefix of %s", small, whole);
	CHECK(decode_syscall(X86, nro, o, 0, NULL, 0) == 0, "NULL buffer");

	/* a string at the end of a readable page, the next page unreadable */
	long ps = sysconf(_SC_PAGESIZE);
	char *two = mmap(NULL, (size_t)ps * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	CHECK(two != MAP_FAILED, "mmap");
	if (two != MAP_FAILED) {
		mprotect(two + ps, (size_t)ps, PROT_NONE);
		memcpy(two + ps - 3, "abc", 3); /* no NUL before the hole */
		long chdir_nr = scopes_syscall_number(X86, "chdir");
		uint64_t c[6] = { (uint64_t)(uintptr_t)(two + ps - 3) };
		decode_syscall(X86, chdir_nr, c, DECODE_READ_STRINGS, buf, sizeof(buf));
		CHECK(strcmp(buf, "chdir(\"abc\"...)") == 0, "got %s", buf);
		c[0] = (uint64_t)(uintptr_t)(two + ps);
		decode_syscall(X86, chdir_nr, c, DECODE_READ_STRINGS, buf, sizeof(buf));
		CHECK(strncmp(buf, "chdir(0x", 8) == 0, "unreadable page: got %s", buf);
		munmap(two, (size_t)ps * 2);
	}
}

/* Fill v for the call in v->arch/nr/args as the handler does, and render
 * line 1 into buf. */
static void render_line1(struct violation *v, char *buf, size_t size)
{
	struct obuf ob;
	decode_syscall(v->arch, v->nr, v->args, DECODE_READ_STRINGS, v->call, sizeof(v->call));
	decode_path(v->arch, v->nr, v->args, v->path, sizeof(v->path));
	scopes_query(v->arch, v->nr, v->args, &v->verdict);
	ob_init(&ob, buf, size);
	report_line1(&ob, v);
}

/* The report's first line, from the table's verdict. */
static void test_line1(void)
{
	struct violation v;
	char buf[2048];
	struct obuf ob;
	scopes_set_t stdio_set;

	CHECK(scopes_promises_parse("stdio", &stdio_set) == 0, "parse");
	memset(&v, 0, sizeof(v));
	v.arch = X86;
	v.nr = scopes_syscall_number(X86, "openat");
	uint64_t a[6] = { (uint64_t)-100, (uint64_t)(uintptr_t)"/tmp/x", 01101, 0666, 0, 0 };
	memcpy(v.args, a, sizeof(a));
	v.pledged = 1;
	v.held = stdio_set;
	render_line1(&v, buf, sizeof(buf));
	CHECK(decode_path(v.arch, v.nr, v.args, v.path, sizeof(v.path)) == 6, "path %s", v.path);
	CHECK(strcmp(buf, "scopes: violation: openat(AT_FDCWD, \"/tmp/x\", O_WRONLY|O_CREAT|O_TRUNC, "
			  "0666) needs promise \"wpath cpath\" (or \"tmppath\" under /tmp)") == 0,
	      "got %s", buf);
	/* path-scoped alternatives only where their paths can hold the path */
	static const struct {
		const char *path, *want;
	} scoped[] = {
		{ "/etc/x", "scopes: violation: openat(AT_FDCWD, \"/etc/x\", O_WRONLY|O_CREAT|O_TRUNC, "
			    "0666) needs promise \"wpath cpath\"" },
		{ "/tmp", "scopes: violation: openat(AT_FDCWD, \"/tmp\", O_WRONLY|O_CREAT|O_TRUNC, "
			  "0666) needs promise \"wpath cpath\" (or \"tmppath\" under /tmp)" },
		{ "/tmpfoo", "scopes: violation: openat(AT_FDCWD, \"/tmpfoo\", O_WRONLY|O_CREAT|O_TRUNC, "
			     "0666) needs promise \"wpath cpath\"" },
		/* relative, or with "..": cannot be judged, every alternative */
		{ "x", "scopes: violation: openat(AT_FDCWD, \"x\", O_WRONLY|O_CREAT|O_TRUNC, "
		       "0666) needs promise \"wpath cpath\" (or \"tmppath\" under /tmp)" },
		{ "/tmp/../x", "scopes: violation: openat(AT_FDCWD, \"/tmp/../x\", O_WRONLY|O_CREAT|"
			       "O_TRUNC, 0666) needs promise \"wpath cpath\" (or \"tmppath\" under /tmp)" },
	};
	for (size_t i = 0; i < sizeof(scoped) / sizeof(scoped[0]); i++) {
		v.args[1] = (uint64_t)(uintptr_t)scoped[i].path;
		render_line1(&v, buf, sizeof(buf));
		CHECK(strcmp(buf, scoped[i].want) == 0, "%s:\n  got  %s\n  want %s", scoped[i].path,
		      buf, scoped[i].want);
	}
	/* a read of /proc/stat: rpath, or ps under /proc, or vminfo for that file */
	uint64_t r[6] = { (uint64_t)-100, (uint64_t)(uintptr_t)"/proc/stat", 0, 0, 0, 0 };
	memcpy(v.args, r, sizeof(r));
	render_line1(&v, buf, sizeof(buf));
	CHECK(strstr(buf, "needs promise \"rpath\" (or \"ps\" under /proc) (or \"vminfo\" under "
			  "/proc/stat)") != NULL && !strstr(buf, "dns") && !strstr(buf, "tmppath"),
	      "got %s", buf);
	ob_init(&ob, buf, sizeof(buf));
	report_held(&ob, &v);
	CHECK(strcmp(buf, "scopes: promises held: \"stdio\"") == 0, "got %s", buf);

	memset(&v, 0, sizeof(v));
	v.arch = X86;
	v.nr = scopes_syscall_number(X86, "ptrace");
	render_line1(&v, buf, sizeof(buf));
	CHECK(strcmp(buf, "scopes: violation: ptrace(PTRACE_TRACEME, 0, NULL, NULL) is never "
			  "allowed under pledge: ptrace cannot be sandboxed") == 0,
	      "got %s", buf);
	ob_init(&ob, buf, sizeof(buf));
	report_held(&ob, &v);
	CHECK(strcmp(buf, "scopes: promises held: (no pledge)") == 0, "got %s", buf);

	/* a needed set already held: another filter denied it */
	memset(&v, 0, sizeof(v));
	v.arch = X86;
	v.nr = scopes_syscall_number(X86, "getpid");
	v.pledged = 1;
	v.held = stdio_set;
	render_line1(&v, buf, sizeof(buf));
	CHECK(strstr(buf, "needs promise \"stdio\" (held: another filter denied it)") != NULL,
	      "got %s", buf);
}

/* A reader standing for another process's memory: address 0x1000 holds
 * "/remote", anything else is unreadable; 0x2000 claims more than asked. */
static size_t fake_read(void *ctx, uint64_t addr, char *dst, size_t len)
{
	int *calls = ctx;
	(*calls)++;
	if (addr == 0x1000) {
		size_t n = len < 8 ? len : 8;
		memcpy(dst, "/remote", n);
		return n;
	}
	if (addr == 0x2000) {
		memset(dst, 'r', len);
		return len + 100;
	}
	return 0;
}

static void test_reader(void)
{
	int calls = 0;
	struct decode_reader rd = { fake_read, &calls };
	long nr = scopes_syscall_number(ARM, "openat");
	uint64_t a[6] = { (uint64_t)-100, 0x1000, 0, 0, 0, 0 };
	char buf[512], path[64];

	decode_syscall_read(ARM, nr, a, &rd, buf, sizeof(buf));
	CHECK(strcmp(buf, "openat(AT_FDCWD, \"/remote\", O_RDONLY)") == 0, "got %s", buf);
	CHECK(decode_path_read(ARM, nr, a, &rd, path, sizeof(path)) == 7 &&
		      strcmp(path, "/remote") == 0, "path %s", path);
	a[1] = 0x3000;
	decode_syscall_read(ARM, nr, a, &rd, buf, sizeof(buf));
	CHECK(strcmp(buf, "openat(AT_FDCWD, 0x3000, O_RDONLY)") == 0, "got %s", buf);
	CHECK(decode_path_read(ARM, nr, a, &rd, path, sizeof(path)) == 0 && path[0] == '\0',
	      "unreadable path %s", path);
	a[1] = 0x2000;
	decode_syscall_read(ARM, nr, a, &rd, buf, sizeof(buf));
	CHECK(strncmp(buf, "openat(AT_FDCWD, \"rrrr", 22) == 0 && strstr(buf, "\"...,"),
	      "an over-claiming reader is cut: %s", buf);
	/* a path that does not fit is no path */
	CHECK(decode_path_read(ARM, nr, a, &rd, path, sizeof(path)) == 0, "long path");
	CHECK(calls == 6, "reader called %d times", calls);
	a[1] = 0x1000;
	decode_syscall_read(ARM, nr, a, NULL, buf, sizeof(buf));
	CHECK(strcmp(buf, "openat(AT_FDCWD, 0x1000, O_RDONLY)") == 0, "no reader: %s", buf);
}

/* Frame names come from the binaries: control bytes are escaped. */
static void test_frame_line_escapes(void)
{
	char buf[256];
	struct obuf ob;
	struct report_frame f = { .ip = 0x1234, .module = "/tmp/ev\x1b[2Jil", .offset = 0x34,
				  .symbol = "fn\nname", .symbol_offset = 0x4 };
	ob_init(&ob, buf, sizeof(buf));
	report_frame_line(&ob, &f, 3);
	buf[ob.len < sizeof(buf) ? ob.len : sizeof(buf) - 1] = '\0';
	CHECK(strcmp(buf, "#3 0x1234 in fn\\nname+0x4 (/tmp/ev\\x1b[2Jil+0x34)") == 0, "got %s", buf);
}

int main(void)
{
	CHECK(scopes_table_init() == 0, "table init");
	test_frame_line_escapes();
	CHECK(memprobe_init() == 0, "probe pipe");
	memset(long_str, 'a', sizeof(long_str) - 1);
	test_table();
	test_unknown_and_cut();
	test_line1();
	test_reader();
	return harness_finish("test_sigsys_decode");
}
