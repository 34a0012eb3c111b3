/* SPDX-License-Identifier: MIT */
/*
 * steps: perform a sequence of steps and print what each came to, one line
 * each: "STEP ok [VALUE]" or "STEP err ENAME". The Landlock, unveil,
 * execpromises and scopes-run tests drive it; every case is a fresh process.
 *
 * Built three times (CMakeLists.txt): scopes-steps links libscopes and can
 * pledge and unveil; run-target and run-target-static never link it and are
 * what scopes-run and exec'd images run (dynamic and static).
 *
 *   pledge PROMISES EXECPROMISES   ("-" for NULL)       [scopes-steps]
 *   unveil PATH PERMS | unveil-lock                      [scopes-steps]
 *   unveil-null-path PERMS                               [scopes-steps]
 *   threads N      start N threads that sleep until the next step
 *   thread-read PATH   a started thread opens PATH read-only
 *   read PATH      open O_RDONLY and read a byte
 *   write PATH     open O_WRONLY (existing file) and write a byte
 *   create PATH    open O_WRONLY|O_CREAT|O_EXCL 0600
 *   trunc PATH     open O_WRONLY|O_TRUNC
 *   mkstemp TEMPLATE   mkstemp, print the name, unlink it
 *   mkdir PATH | rmdir PATH | unlink PATH | rename FROM TO | link FROM TO
 *   list DIR       opendir and count entries
 *   stat PATH      stat (not restricted by Landlock)
 *   resolve HOST   getaddrinfo(HOST, AF_INET) and print the first address
 *   socket         socket(AF_INET, SOCK_DGRAM)
 *   cat PATH       copy PATH to stdout
 *   exec PATH [ARG...]   execv with the current environment (last step)
 *   exec-noenv PATH [ARG...]  execve with an empty environment (last step)
 *   env NAME       print an environment variable
 *   readlink PATH  readlink (static start-up's call)
 *   mmap-exec      mmap an anonymous page PROT_READ|PROT_EXEC
 *   raise SIGNAL   raise a signal by number
 *   penalty NAME   scopes_set_penalty (kill, trap, errno, log)     [scopes-steps]
 *   pathscoped     scopes_pathscoped_enforced: "ok 1" or "ok 0 WHY" [scopes-steps]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef STEPS_SCOPES
#include <scopes.h>
#include <scopes/table.h>
#endif

static int say_errno(const char *step, int e)
{
	printf("%s err %s\n", step, strerrorname_np(e) ? strerrorname_np(e) : "?");
	fflush(stdout);
	return 0;
}

static int say_ok(const char *step, const char *value)
{
	printf("%s ok%s%s\n", step, value ? " " : "", value ? value : "");
	fflush(stdout);
	return 0;
}

static int result(const char *step, int rc)
{
	return rc < 0 ? say_errno(step, errno) : say_ok(step, NULL);
}

static int open_and(const char *step, const char *path, int flags, int io)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);
	if (fd < 0)
		return say_errno(step, errno);
	char c = 'x';
	ssize_t n = io == 'r' ? read(fd, &c, 1) : io == 'w' ? write(fd, &c, 1) : 0;
	int e = errno;
	close(fd);
	return n < 0 ? say_errno(step, e) : say_ok(step, NULL);
}

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static const char *thread_path;
static int thread_done;
static int thread_result;

static void *thread_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate);
	while (!thread_path)
		pthread_cond_wait(&gate_cond, &gate);
	const char *path = thread_path;
	pthread_mutex_unlock(&gate);
	if (strcmp(path, "-") != 0) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		pthread_mutex_lock(&gate);
		thread_result = fd < 0 ? errno : 0;
		pthread_mutex_unlock(&gate);
		if (fd >= 0)
			close(fd);
	}
	pthread_mutex_lock(&gate);
	thread_done++;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate);
	return NULL;
}

static int nthreads;

static int start_threads(const char *step, int n)
{
	for (int i = 0; i < n; i++) {
		pthread_t t;
		int e = pthread_create(&t, NULL, thread_main, NULL);
		if (e)
			return say_errno(step, e);
		pthread_detach(t);
		nthreads++;
	}
	return say_ok(step, NULL);
}

static int thread_read(const char *step, const char *path)
{
	pthread_mutex_lock(&gate);
	thread_path = path;
	pthread_cond_broadcast(&gate_cond);
	while (thread_done < nthreads)
		pthread_cond_wait(&gate_cond, &gate);
	int r = thread_result;
	pthread_mutex_unlock(&gate);
	return r ? say_errno(step, r) : say_ok(step, NULL);
}

static int resolve(const char *step, const char *host)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		printf("%s err %s\n", step, gai_strerror(rc));
		fflush(stdout);
		return 0;
	}
	char buf[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, buf, sizeof(buf));
	freeaddrinfo(res);
	return say_ok(step, buf);
}

static int cat(const char *step, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[4096];
	ssize_t n;
	if (fd < 0)
		return say_errno(step, errno);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return say_ok(step, NULL);
}

static int count_entries(const char *step, const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return say_errno(step, errno);
	int n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	char v[16];
	snprintf(v, sizeof(v), "%d", n);
	return say_ok(step, v);
}

int main(int argc, char **argv)
{
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (i < argc) {
		const char *s = argv[i++];
		const char *a = i < argc ? argv[i] : NULL;
		const char *b = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED(n)                                                                         \
	do {                                                                            \
		if (i + (n) > argc) {                                                   \
			fprintf(stderr, "steps: %s needs %d argument(s)\n", s, (n));    \
			return 2;                                                       \
		}                                                                       \
		i += (n);                                                               \
	} while (0)
		if (strcmp(s, "read") == 0) {
			NEED(1);
			open_and(s, a, O_RDONLY, 'r');
		} else if (strcmp(s, "write") == 0) {
			NEED(1);
			open_and(s, a, O_WRONLY, 'w');
		} else if (strcmp(s, "create") == 0) {
			NEED(1);
			open_and(s, a, O_WRONLY | O_CREAT | O_EXCL, 'w');
		} else if (strcmp(s, "trunc") == 0) {
			NEED(1);
			open_and(s, a, O_WRONLY | O_TRUNC, 0);
		} else if (strcmp(s, "mkstemp") == 0) {
			NEED(1);
			char t[4096];
			snprintf(t, sizeof(t), "%s", a);
			int fd = mkstemp(t);
			if (fd < 0) {
				say_errno(s, errno);
			} else {
				int w = write(fd, "x", 1) == 1;
				close(fd);
				if (unlink(t) != 0 || !w)
					say_errno(s, errno);
				else
					say_ok(s, NULL);
			}
		} else if (strcmp(s, "mkdir") == 0) {
			NEED(1);
			result(s, mkdir(a, 0700));
		} else if (strcmp(s, "rmdir") == 0) {
			NEED(1);
			result(s, rmdir(a));
		} else if (strcmp(s, "unlink") == 0) {
			NEED(1);
			result(s, unlink(a));
		} else if (strcmp(s, "rename") == 0) {
			NEED(2);
			result(s, rename(a, b));
		} else if (strcmp(s, "link") == 0) {
			NEED(2);
			result(s, link(a, b));
		} else if (strcmp(s, "list") == 0) {
			NEED(1);
			count_entries(s, a);
		} else if (strcmp(s, "stat") == 0) {
			NEED(1);
			struct stat sb;
			result(s, stat(a, &sb));
		} else if (strcmp(s, "resolve") == 0) {
			NEED(1);
			resolve(s, a);
		} else if (strcmp(s, "socket") == 0) {
			int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			result(s, fd);
		} else if (strcmp(s, "cat") == 0) {
			NEED(1);
			cat(s, a);
		} else if (strcmp(s, "env") == 0) {
			NEED(1);
			const char *v = getenv(a);
			say_ok(s, v ? v : "(unset)");
		} else if (strcmp(s, "readlink") == 0) {
			NEED(1);
			char buf[4096];
			ssize_t n = readlink(a, buf, sizeof(buf) - 1);
			result(s, n < 0 ? -1 : 0);
		} else if (strcmp(s, "mmap-exec") == 0) {
			void *m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			result(s, m == MAP_FAILED ? -1 : 0);
		} else if (strcmp(s, "raise") == 0) {
			NEED(1);
			result(s, raise(atoi(a)));
		} else if (strcmp(s, "threads") == 0) {
			NEED(1);
			start_threads(s, atoi(a));
		} else if (strcmp(s, "thread-read") == 0) {
			NEED(1);
			thread_read(s, a);
		} else if (strcmp(s, "exec") == 0 || strcmp(s, "exec-noenv") == 0) {
			NEED(1);
			char *none[] = { NULL };
			fflush(stdout);
			execve(a, argv + i - 1, strcmp(s, "exec") == 0 ? environ : none);
			say_errno(s, errno);
			return 0;
#ifdef STEPS_SCOPES
		} else if (strcmp(s, "pledge") == 0) {
			NEED(2);
			result(s, scopes_pledge(strcmp(a, "-") ? a : NULL, strcmp(b, "-") ? b : NULL));
		} else if (strcmp(s, "unveil") == 0) {
			NEED(2);
			result(s, scopes_unveil(a, b));
		} else if (strcmp(s, "penalty") == 0) {
			NEED(1);
			/* an unknown name is -1: scopes_set_penalty answers EINVAL */
			result(s, scopes_set_penalty((enum scopes_penalty)scopes_penalty_parse(a)));
		} else if (strcmp(s, "pathscoped") == 0) {
			const char *why = "unset";
			char v[512];
			int on = scopes_pathscoped_enforced(&why);
			snprintf(v, sizeof(v), "%d%s%s", on, why ? " " : "", why ? why : "");
			say_ok(s, v);
		} else if (strcmp(s, "unveil-lock") == 0) {
			result(s, scopes_unveil(NULL, NULL));
		} else if (strcmp(s, "unveil-null-path") == 0) {
			NEED(1);
			result(s, scopes_unveil(NULL, a));
#endif
		} else {
			fprintf(stderr, "steps: unknown step %s\n", s);
			return 2;
		}
	}
	return 0;
}
