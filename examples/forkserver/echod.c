/* SPDX-License-Identifier: MIT */
/*
 * echod - a forking server: compile the workers' filter once, apply it in
 * each worker.
 *
 *   echod [-n CONNECTIONS] [-t SECONDS]
 *
 * Listens on 127.0.0.1 (an ephemeral port, printed as "listening on
 * 127.0.0.1 port N"), serves CONNECTIONS connections (default 1), each in a
 * forked worker, then reports how each worker ended and exits. -t bounds the
 * whole run (default 30 s): the server never outlives a lost client.
 *
 * The worker answers one line: the line in upper case. The line "passwd"
 * makes the worker open /etc/passwd, as a hijacked worker would: it holds
 * only "stdio", so the kernel kills it (SIGSYS) and the server goes on.
 *
 * Why compile once: building a filter (parsing the promises, generating the
 * BPF with libseccomp) costs far more than loading it. scopes_compile() does
 * that work once in the server; each worker only calls scopes_apply(), which
 * loads the finished program and needs no allocation.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scopes.h>

#define MAX_CONNECTIONS 64

static const char *prog = "echod";

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

/* The worker: one request, one answer, under the compiled filter. */
static void serve(int fd, const struct scopes_filter *filter)
{
	char line[512];
	size_t len = 0;
	ssize_t n;

	if (scopes_apply(filter) != 0)
		_exit(3);
	while (len < sizeof(line) - 1 && (n = read(fd, line + len, sizeof(line) - 1 - len)) > 0) {
		len += (size_t)n;
		if (memchr(line, '\n', len))
			break;
	}
	line[len] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (strcmp(line, "passwd") == 0) {
		/* a hijacked worker: the filter holds only stdio */
		int pfd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
		dprintf(fd, "opened /etc/passwd: %d (the pledge did not hold)\n", pfd);
		_exit(4);
	}
	for (char *p = line; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	dprintf(fd, "%s\n", line);
	_exit(0);
}

static void report(int i, int status)
{
	if (WIFEXITED(status))
		printf("worker %d: exit %d\n", i, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("worker %d: killed by SIG%s\n", i, sigabbrev_np(WTERMSIG(status)) ?: "?");
}

int main(int argc, char **argv)
{
	int count = 1, seconds = 30, c;
	pid_t workers[MAX_CONNECTIONS];

	while ((c = getopt(argc, argv, "n:t:")) != -1) {
		switch (c) {
		case 'n':
			count = atoi(optarg);
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || count < 1 || count > MAX_CONNECTIONS || seconds < 1)
		goto usage;

	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t salen = sizeof(sa);
	if (lfd < 0)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 16) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &salen) != 0)
		die("listen on 127.0.0.1");

	/* Compile the workers' filter once, while everything is still allowed. */
	struct scopes_filter *filter = scopes_compile("stdio", SCOPES_PENALTY_KILL);
	if (!filter)
		die("scopes_compile");
	/* The server itself: accept (inet), fork and reap (proc). */
	if (scopes_pledge("stdio inet proc", NULL) != 0)
		die("scopes_pledge");
	alarm((unsigned)seconds);

	printf("listening on 127.0.0.1 port %u\n", ntohs(sa.sin_port));
	fflush(stdout);
	for (int i = 0; i < count; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			die("accept");
		workers[i] = fork();
		if (workers[i] < 0)
			die("fork");
		if (workers[i] == 0) {
			close(lfd);
			serve(fd, filter);
		}
		close(fd);
	}
	close(lfd);
	scopes_filter_free(filter);
	for (int i = 0; i < count; i++) {
		int status;
		if (waitpid(workers[i], &status, 0) < 0)
			die("waitpid");
		report(i + 1, status);
	}
	return fflush(stdout) == 0 ? 0 : 1;
usage:
	fprintf(stderr, "usage: %s [-n CONNECTIONS (1..%d)] [-t SECONDS]\n", prog, MAX_CONNECTIONS);
	return 2;
}
