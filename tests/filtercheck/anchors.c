/* SPDX-License-Identifier: MIT */
/*
 * Spec anchors: calls whose answer docs/promises.md (and the libc behaviour
 * KERNEL-NOTES.md describes) fixes, written here by hand. The model follows
 * the table, so a table row that misreads the spec is invisible to the
 * differential check; these catch that. Each anchor is answered by the model
 * and by the compiled program (interpreter), under the ERRNO penalty so that
 * "denied" is told apart from every other answer.
 *
 * Found this way: glibc's __O_TMPFILE includes O_DIRECTORY, and masking it
 * whole refused opendir() under rpath (anchor "opendir").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

#include "anchors.h"
#include "bpf_interp.h"
#include "check.h"

#define DENY 1u		       /* the penalty: ERRNO(EPERM) here, ERRNO(ENOSYS) with `error` */
#define PTR  0x7ffc0000f000ULL /* any pointer: filters cannot read it */
#define FD   3
#define CWD  ((uint64_t)(int64_t)AT_FDCWD)

/* glibc's pthread_create */
#define THREAD_FLAGS                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

struct anchor {
	const char *what;
	const char *promises;
	const char *syscall;
	uint64_t args[6];
	uint32_t want; /* SECCOMP_RET_* or DENY */
};

/* one entry a line reads as a table */
/* clang-format off */
static const struct anchor anchors[] = {
	{ "exit under pledge(\"\")", "", "exit_group", { 0 }, SECCOMP_RET_ALLOW },
	{ "read under pledge(\"\")", "", "read", { 0, PTR, 1 }, DENY },
	{ "clone3 answers ENOSYS", "stdio proc", "clone3", { PTR, 88 }, SECCOMP_RET_ERRNO | ENOSYS },
	{ "openat2 answers ENOSYS", "stdio rpath", "openat2", { CWD, PTR, PTR, 24 },
	  SECCOMP_RET_ERRNO | ENOSYS },
	{ "error: violations answer ENOSYS", "stdio error", "socket", { AF_INET, SOCK_STREAM },
	  SECCOMP_RET_ERRNO | ENOSYS },

	/* rpath, wpath, cpath and their open flags */
	{ "opendir", "stdio rpath", "openat",
	  { CWD, PTR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK }, SECCOMP_RET_ALLOW },
	{ "open for reading", "stdio rpath", "openat", { CWD, PTR, O_RDONLY | O_CLOEXEC },
	  SECCOMP_RET_ALLOW },
	{ "open(2) for reading", "stdio rpath", "open", { PTR, O_RDONLY | O_NOFOLLOW },
	  SECCOMP_RET_ALLOW },
	{ "rpath cannot write", "stdio rpath", "openat", { CWD, PTR, O_WRONLY }, DENY },
	{ "rpath cannot create", "stdio rpath", "openat", { CWD, PTR, O_RDONLY | O_CREAT, 0644 },
	  DENY },
	{ "rpath cannot truncate", "stdio rpath", "openat", { CWD, PTR, O_RDONLY | O_TRUNC },
	  DENY },
	{ "rpath cannot O_TMPFILE", "stdio rpath", "openat", { CWD, PTR, O_TMPFILE | O_RDWR, 0600 },
	  DENY },
	{ "append", "stdio wpath", "openat", { CWD, PTR, O_WRONLY | O_APPEND | O_CLOEXEC },
	  SECCOMP_RET_ALLOW },
	{ "O_RDWR needs rpath too", "stdio wpath", "openat", { CWD, PTR, O_RDWR }, DENY },
	{ "O_RDWR", "stdio rpath wpath", "openat", { CWD, PTR, O_RDWR }, SECCOMP_RET_ALLOW },
	{ "fopen(\"w\")", "stdio wpath cpath", "openat",
	  { CWD, PTR, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666 }, SECCOMP_RET_ALLOW },
	{ "no setuid file", "stdio wpath cpath", "openat",
	  { CWD, PTR, O_WRONLY | O_CREAT, 04755 }, DENY },
	{ "cpath alone cannot write", "stdio cpath", "openat", { CWD, PTR, O_WRONLY | O_CREAT, 0644 },
	  DENY },
	{ "mkstemp", "stdio rpath wpath cpath", "openat",
	  { CWD, PTR, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600 }, SECCOMP_RET_ALLOW },
	{ "O_TMPFILE", "stdio rpath wpath cpath", "openat", { CWD, PTR, O_TMPFILE | O_RDWR, 0600 },
	  SECCOMP_RET_ALLOW },
	{ "mkdir", "stdio cpath", "mkdir", { PTR, 0755 }, SECCOMP_RET_ALLOW },
	{ "no sticky dir", "stdio cpath", "mkdir", { PTR, 01777 }, DENY },
	{ "unlink", "stdio cpath", "unlinkat", { CWD, PTR, 0 }, SECCOMP_RET_ALLOW },
	{ "mkfifo", "stdio dpath", "mknodat", { CWD, PTR, S_IFIFO | 0644, 0 }, SECCOMP_RET_ALLOW },
	{ "no device node", "stdio dpath", "mknodat", { CWD, PTR, S_IFCHR | 0644, 0x0103 }, DENY },
	{ "chmod", "stdio fattr", "fchmodat", { CWD, PTR, 0644 }, SECCOMP_RET_ALLOW },
	{ "no setuid chmod", "stdio fattr", "fchmodat", { CWD, PTR, 04755 }, DENY },
	{ "stat a path", "stdio rpath", "newfstatat", { CWD, PTR, PTR, 0 }, SECCOMP_RET_ALLOW },

	/* stdio */
	{ "fstat (glibc 2.33+)", "stdio", "newfstatat", { FD, PTR, PTR, AT_EMPTY_PATH },
	  SECCOMP_RET_ALLOW },
	{ "stdio cannot stat a path", "stdio", "newfstatat", { CWD, PTR, PTR, 0 }, DENY },
	{ "malloc's mmap", "stdio", "mmap",
	  { 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0 },
	  SECCOMP_RET_ALLOW },
	{ "no PROT_EXEC", "stdio", "mmap", { 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, FD, 0 },
	  DENY },
	{ "prot_exec", "stdio prot_exec", "mprotect", { PTR, 4096, PROT_READ | PROT_EXEC },
	  SECCOMP_RET_ALLOW },
	{ "fcntl F_GETFL", "stdio", "fcntl", { FD, F_GETFL }, SECCOMP_RET_ALLOW },
	{ "fcntl F_SETFD", "stdio", "fcntl", { FD, F_SETFD, FD_CLOEXEC }, SECCOMP_RET_ALLOW },
	{ "no lock without flock", "stdio", "fcntl", { FD, F_SETLK, PTR }, DENY },
	{ "flock: fcntl locks", "stdio flock", "fcntl", { FD, F_OFD_SETLKW, PTR }, SECCOMP_RET_ALLOW },
	{ "isatty", "stdio", "ioctl", { 1, TCGETS, PTR }, SECCOMP_RET_ALLOW },
	{ "FIONREAD", "stdio", "ioctl", { FD, FIONREAD, PTR }, SECCOMP_RET_ALLOW },
	{ "no TIOCSTI", "stdio tty", "ioctl", { 0, TIOCSTI, PTR }, DENY },
	{ "tty: window size", "stdio tty", "ioctl", { 0, TIOCGWINSZ, PTR }, SECCOMP_RET_ALLOW },
	{ "stdio cannot set the terminal", "stdio", "ioctl", { 0, TCSETS, PTR }, DENY },
	{ "pthread_create", "stdio", "clone", { THREAD_FLAGS, PTR, PTR, PTR, PTR },
	  SECCOMP_RET_ALLOW },
	{ "stdio cannot fork", "stdio", "clone", { SIGCHLD, 0, 0, PTR, 0 }, DENY },
	{ "proc: fork", "stdio proc", "clone", { CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,
						 0, 0, PTR, 0 }, SECCOMP_RET_ALLOW },
	{ "no namespaces", "stdio proc", "clone", { CLONE_NEWUSER | SIGCHLD }, DENY },
	{ "prctl PR_SET_NAME", "stdio", "prctl", { PR_SET_NAME, PTR }, SECCOMP_RET_ALLOW },
	{ "no PR_SET_DUMPABLE", "stdio", "prctl", { PR_SET_DUMPABLE, 1 }, DENY },
	{ "no_new_privs under pledge(\"\")", "", "prctl", { PR_SET_NO_NEW_PRIVS, 1 },
	  SECCOMP_RET_ALLOW },
	{ "reading a limit", "stdio", "prlimit64", { 0, RLIMIT_NOFILE, 0, PTR }, SECCOMP_RET_ALLOW },
	{ "setting a limit", "stdio", "prlimit64", { 0, RLIMIT_NOFILE, PTR, 0 }, DENY },
	{ "send on a connected socket", "stdio", "sendto", { FD, PTR, 10, 0, 0, 0 },
	  SECCOMP_RET_ALLOW },
	{ "stdio cannot address a datagram", "stdio", "sendto", { FD, PTR, 10, 0, PTR, 16 }, DENY },
	{ "kill myself", "stdio", "kill", { SCOPES_VALUE_SELF_PID, SIGTERM }, SECCOMP_RET_ALLOW },
	{ "kill another", "stdio", "kill", { 1, SIGTERM }, DENY },
	{ "personality query", "stdio", "personality", { 0xffffffff }, SECCOMP_RET_ALLOW },
	{ "no READ_IMPLIES_EXEC", "stdio", "personality", { READ_IMPLIES_EXEC }, DENY },

	/* sockets */
	{ "stdio: no sockets", "stdio", "socket", { AF_INET, SOCK_STREAM, 0 }, DENY },
	{ "inet: TCP", "stdio inet", "socket", { AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0 },
	  SECCOMP_RET_ALLOW },
	{ "inet: UDP", "stdio inet", "socket", { AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP },
	  SECCOMP_RET_ALLOW },
	{ "inet: no raw", "stdio inet", "socket", { AF_INET, SOCK_RAW, IPPROTO_ICMP }, DENY },
	{ "inet: no packet", "stdio inet", "socket", { AF_PACKET, SOCK_RAW, 0 }, DENY },
	{ "inet: no AF_UNIX", "stdio inet", "socket", { AF_UNIX, SOCK_STREAM, 0 }, DENY },
	{ "unix", "stdio unix", "socket", { AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0 },
	  SECCOMP_RET_ALLOW },
	{ "nscd probe fails softly", "stdio getpw", "socket", { AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC },
	  SECCOMP_RET_ERRNO | EACCES },
	{ "paired sockopt", "stdio inet", "setsockopt", { FD, IPPROTO_TCP, TCP_NODELAY, PTR, 4 },
	  SECCOMP_RET_ALLOW },
	/* TCP_CORK's number at SOL_SOCKET is SO_TYPE, which nobody sets (TCP_NODELAY's
	 * is SO_DEBUG, which inet now allows) */
	{ "unpaired sockopt", "stdio inet", "setsockopt", { FD, SOL_SOCKET, TCP_CORK, PTR, 4 },
	  DENY },
	{ "exec", "stdio exec", "execve", { PTR, PTR, PTR }, SECCOMP_RET_ALLOW },
	{ "never ptrace", "stdio rpath wpath cpath proc exec id", "ptrace", { 0 }, DENY },
};
/* clang-format on */

static uint32_t resolve(uint32_t want, uint32_t deflt)
{
	return want == DENY ? deflt : want;
}

uint64_t anchors_check(FILE *out, uint64_t *count)
{
	uint64_t bad = 0;
	char a[32], b[32], c[32];

	for (size_t i = 0; i < sizeof(anchors) / sizeof(anchors[0]); i++) {
		const struct anchor *an = &anchors[i];
		struct scopes_filter *f = scopes_compile(an->promises, SCOPES_PENALTY_ERRNO);
		const void *insns;
		size_t n;
		struct model m;
		uint32_t got;
		const char *why;

		(*count)++;
		if (!f || scopes_filter_program(f, &insns, &n) != 0) {
			fprintf(out, "ANCHOR %s: \"%s\" does not compile\n", an->what,
				an->promises);
			bad++;
			scopes_filter_free(f);
			continue;
		}
		/* landlock 0: no anchor depends on a path-scoped promise */
		if (model_init(&m, scopes_filter_promises(f), SCOPES_PENALTY_ERRNO, 0,
			       SCOPES_VALUE_SELF_PID) != 0) {
			scopes_filter_free(f);
			bad++;
			continue;
		}
		struct seccomp_data d = {.arch = m.arch};
		long nr = scopes_syscall_number(m.arch, an->syscall);
		d.nr = (int)nr;
		memcpy(d.args, an->args, sizeof(d.args));
		uint32_t want = resolve(an->want, m.deflt);
		struct model_answer ma = model_eval(&m, &d);
		int rc = bpfi_run(insns, n, &d, &got, &why);
		if (nr < 0 || rc != 0 || got != want || ma.want != want) {
			bad++;
			fprintf(out, "ANCHOR %s: pledge(\"%s\") %s: spec %s, filter %s, model %s\n",
				an->what, an->promises, an->syscall,
				model_action_str(want, a, sizeof(a)),
				rc ? "fault" : model_action_str(got, b, sizeof(b)),
				model_action_str(ma.want, c, sizeof(c)));
		}
		model_free(&m);
		scopes_filter_free(f);
	}
	return bad;
}
