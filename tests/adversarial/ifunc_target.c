/* SPDX-License-Identifier: MIT */
/*
 * ifunc_target: code of a program's own that runs before any constructor.
 *
 * The loader calls an IFUNC resolver of the main program while it relocates
 * it, before the constructors of every object (scopes-run's shim pledges in
 * one): whatever the process holds then, this code holds. REACH_ATTEMPT
 * chooses one attempt, made from the resolver with raw system calls (libc
 * may not be initialised yet) and reported on fd 2 as
 *   reach ATTEMPT ok N | reach ATTEMPT err ERRNO
 *   open:     openat(REACH_PATH, O_RDONLY)
 *   rwx:      an anonymous read-write-execute mapping
 *   exec:     execve("/bin/echo", {"echo", "REACH-EXECUTED"}, {}) (on success
 *             "REACH-EXECUTED" is printed on stdout instead)
 *   mprotect: an anonymous read-write page made read-execute
 * Without REACH_ATTEMPT the resolver does nothing.
 *
 * Built twice: ifunc_target (dynamic: the loader calls the resolver) and
 * ifunc_target_static (IFUNC_STATIC: glibc's static start-up calls it).
 *
 * The program itself: "ifunc_target open PATH [FLAGS]" opens PATH (after
 * start-up, with libc) and prints "open ok FD" or "open err ERRNO"; with no
 * arguments it prints "main".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* set by the loader to the initial stack (argc, argv..., 0, envp..., 0) */
extern void *__libc_stack_end;

static long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static unsigned long slen(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static int prefix(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return 0;
	return 1;
}

static const char *env(const char *name_eq)
{
#ifdef IFUNC_STATIC
	/* static start-up sets environ before it applies IRELATIVE relocations */
	char **envp = environ;
#else
	long *sp = __libc_stack_end;
	long argc = sp[0];
	char **envp = (char **)(sp + 1 + argc + 1);
#endif

	for (; *envp; envp++)
		if (prefix(*envp, name_eq))
			return *envp + slen(name_eq);
	return NULL;
}

static void say(const char *s)
{
	raw6(SYS_write, 2, (long)s, (long)slen(s), 0, 0, 0);
}

static void report(const char *what, long r)
{
	char num[24];
	int i = (int)sizeof(num) - 1;
	unsigned long v = r < 0 ? (unsigned long)-r : (unsigned long)r;

	num[i] = 0;
	do {
		num[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	say("reach ");
	say(what);
	say(r < 0 ? " err " : " ok ");
	say(num + i);
	say("\n");
}

static void attempt(void)
{
	const char *what = env("REACH_ATTEMPT=");
	long r;

	if (!what || !*what)
		return;
	if (prefix(what, "open")) {
		const char *path = env("REACH_PATH=");
		r = raw6(SYS_openat, AT_FDCWD, (long)(path ? path : "/etc/shadow"), O_RDONLY, 0, 0, 0);
	} else if (prefix(what, "rwx")) {
		r = raw6(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		r = r < 0 && r > -4096 ? r : 0;
	} else if (prefix(what, "exec")) {
		static const char *const argv[] = { "echo", "REACH-EXECUTED", NULL };
		static const char *const envp[] = { NULL };
		r = raw6(SYS_execve, (long)"/bin/echo", (long)argv, (long)envp, 0, 0, 0);
	} else if (prefix(what, "mprotect")) {
		r = raw6(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r >= 0 || r <= -4096)
			r = raw6(SYS_mprotect, r, 4096, PROT_READ | PROT_EXEC, 0, 0, 0);
	} else {
		r = -EINVAL;
	}
	report(what, r);
}

static int plain_answer(void)
{
	return 7;
}

/* the resolver: the loader calls it while relocating this program */
static int (*resolve_answer(void))(void)
{
	attempt();
	return plain_answer;
}

int answer(void) __attribute__((ifunc("resolve_answer")));

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "open") == 0) {
		int fd = open(argv[2], argc > 3 ? (int)strtol(argv[3], NULL, 0) : O_RDONLY);
		if (fd < 0)
			printf("open err %d\n", errno);
		else
			printf("open ok %d\n", fd);
		return 0;
	}
	printf("main %d\n", answer());
	return 0;
}
