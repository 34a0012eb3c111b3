/* SPDX-License-Identifier: MIT */
/*
 * sigsys-violate: install the reporter, pledge, then commit one kind of
 * violation from a function with a recognisable name, so that the tests can
 * check the report's first line and that a frame names that function.
 * Built twice: with -g -fno-omit-frame-pointer, and -O2 without frame
 * pointers or debug info; both must name the functions.
 *
 *   sigsys-violate [-p PROMISES] [-m core|continue|exit:N] [-j FD] [-J]
 *                  [-S] [-B] SCENARIO [ARG]
 *
 * -p promises to pledge (default "stdio"); -m what follows the report;
 * -j FD also write the JSON line to FD; -J JSON only, on stderr;
 * -S no string reading; -B no backtrace.
 * Scenarios print what they get back on stdout ("fopen: EPERM") when the
 * process survives (CONTINUE), so tests see the call really failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/sigsys.h>

/* noipa (GCC): no inlining and no specialised clones (foo.isra.0), so the
 * frames carry the functions' own names */
#if defined(__clang__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE __attribute__((noipa))
#endif
/* keeps a call out of tail position, so the caller's frame stays on the stack */
#define KEEP_FRAME() __asm__ volatile("" ::: "memory")

static const char *path_arg = "/tmp/x";
static const char *promises = "stdio";

static void say_result(const char *what, int ok)
{
	if (ok)
		printf("%s: ok\n", what);
	else
		printf("%s: %s\n", what, strerrorname_np(errno));
	fflush(stdout);
}

NOINLINE static int open_for_write(const char *path)
{
	FILE *f = fopen(path, "w");
	KEEP_FRAME();
	say_result("fopen", f != NULL);
	if (f)
		fclose(f);
	return f != NULL;
}

NOINLINE static int call_ptrace(void)
{
	long r = ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	KEEP_FRAME();
	say_result("ptrace", r == 0);
	return 0;
}

NOINLINE static int open_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	KEEP_FRAME();
	say_result("socket", fd >= 0);
	return 0;
}

NOINLINE static int map_executable(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	KEEP_FRAME();
	say_result("mmap", p != MAP_FAILED);
	return 0;
}

NOINLINE static int set_name_prctl(void)
{
	/* PR_SET_NAME is stdio; PR_SET_DUMPABLE is in no promise */
	int r = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	KEEP_FRAME();
	say_result("prctl", r == 0);
	return 0;
}

/* ------------------------------------------------------------- threads */

NOINLINE static void *thread_body(void *arg)
{
	(void)arg;
	open_for_write(path_arg);
	KEEP_FRAME();
	return NULL;
}

NOINLINE static int violate_in_thread(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, thread_body, NULL) != 0)
		return 3;
	pthread_join(t, NULL);
	return 0;
}

/* open(2) without stdio: no allocation, so a new thread's first malloc
 * (which reads /sys and /proc to size its arena) cannot come first */
NOINLINE static int create_directly(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	KEEP_FRAME();
	say_result("open", fd >= 0);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static pthread_barrier_t stress_barrier;

NOINLINE static void *stress_body(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&stress_barrier);
	create_directly(path_arg);
	KEEP_FRAME();
	return NULL;
}

NOINLINE static int stress_threads(int n)
{
	pthread_t t[256];
	if (n < 1 || n > 256)
		return 2;
	pthread_barrier_init(&stress_barrier, NULL, (unsigned)n);
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, stress_body, NULL) != 0)
			return 3;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

/* ---------------------------------------------------------- fork, signal */

NOINLINE static int violate_in_child(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0) {
		open_for_write(path_arg);
		_exit(0);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return 3;
	if (WIFSIGNALED(st))
		printf("child: signal %d\n", WTERMSIG(st));
	else
		printf("child: exit %d\n", WEXITSTATUS(st));
	fflush(stdout);
	return 0;
}

NOINLINE static void on_usr1(int sig)
{
	(void)sig;
	open_for_write(path_arg);
	KEEP_FRAME();
}

NOINLINE static int violate_in_signal_handler(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	KEEP_FRAME();
	return 0;
}

/* ------------------------------------------- the handler's own trouble */

/*
 * Stack a raw filter that traps rt_sigprocmask, which libunwind calls while
 * the handler unwinds: the handler itself then violates, after writing the
 * first lines. The process must die by SIGSYS at once, not loop.
 */
NOINLINE static int violate_while_reporting(void)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rt_sigprocmask, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fp = { .len = sizeof(prog) / sizeof(prog[0]), .filter = prog };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) != 0) {
		perror("seccomp");
		return 3;
	}
	open_for_write(path_arg);
	KEEP_FRAME();
	return 0;
}

/* A SIGSYS that is no violation (kill -SYS): the default action, no report. */
NOINLINE static int raise_sigsys(void)
{
	raise(SIGSYS);
	KEEP_FRAME();
	return 0;
}

/* CONTINUE: three violations in a row, each reported, each failing EPERM. */
NOINLINE static int violate_three_times(void)
{
	open_for_write(path_arg);
	call_ptrace();
	open_socket();
	KEEP_FRAME();
	return 0;
}

static int run(const char *scenario, const char *arg)
{
	if (strcmp(scenario, "fopen") == 0)
		return open_for_write(path_arg) ? 0 : 1;
	if (strcmp(scenario, "ptrace") == 0)
		return call_ptrace();
	if (strcmp(scenario, "socket") == 0)
		return open_socket();
	if (strcmp(scenario, "mmap-exec") == 0)
		return map_executable();
	if (strcmp(scenario, "prctl") == 0)
		return set_name_prctl();
	if (strcmp(scenario, "thread") == 0)
		return violate_in_thread();
	if (strcmp(scenario, "stress") == 0)
		return stress_threads(arg ? atoi(arg) : 32);
	if (strcmp(scenario, "fork") == 0)
		return violate_in_child();
	if (strcmp(scenario, "signal") == 0)
		return violate_in_signal_handler();
	if (strcmp(scenario, "while-reporting") == 0)
		return violate_while_reporting();
	if (strcmp(scenario, "raise-sigsys") == 0)
		return raise_sigsys();
	if (strcmp(scenario, "three") == 0)
		return violate_three_times();
	fprintf(stderr, "sigsys-violate: unknown scenario %s\n", scenario);
	return 2;
}

int main(int argc, char **argv)
{
	struct scopes_sigsys_options opt = { .flags = 0, .report_fd = 2, .json_fd = -1 };
	int no_pledge = 0, c;

	while ((c = getopt(argc, argv, "+p:m:j:JSBn")) != -1) {
		switch (c) {
		case 'p':
			promises = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "continue") == 0)
				opt.flags |= SCOPES_SIGSYS_CONTINUE;
			else if (strncmp(optarg, "exit:", 5) == 0)
				opt.flags |= SCOPES_SIGSYS_EXIT_STATUS(atoi(optarg + 5));
			else if (strcmp(optarg, "core") != 0)
				return 2;
			break;
		case 'j':
			opt.json_fd = atoi(optarg);
			break;
		case 'J':
			opt.report_fd = -1;
			opt.json_fd = 2;
			break;
		case 'S':
			opt.flags |= SCOPES_SIGSYS_NO_STRINGS;
			break;
		case 'B':
			opt.flags |= SCOPES_SIGSYS_NO_BACKTRACE;
			break;
		case 'n':
			no_pledge = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc)
		return 2;
	const char *scenario = argv[optind];
	const char *arg = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (arg && strcmp(scenario, "stress") != 0)
		path_arg = arg;

	if (scopes_sigsys_install_options(&opt) != 0) {
		printf("install: %s\n", strerrorname_np(errno));
		return 4;
	}
	fflush(stdout);
	if (!no_pledge && scopes_pledge(promises, NULL) != 0) {
		printf("pledge: %s\n", strerrorname_np(errno));
		return 4;
	}
	int rc = run(scenario, arg);
	KEEP_FRAME();
	return rc;
}
