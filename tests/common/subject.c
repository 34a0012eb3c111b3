/* SPDX-License-Identifier: MIT */
/*
 * The test programs' skeleton (see subject.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subject.h"

const char *subject_errname(int e)
{
	const char *s = strerrorname_np(e);
	return s ? s : "E?";
}

const char *subject_signame(int sig)
{
	static char buf[32];
	const char *s = sigabbrev_np(sig);
	if (!s)
		return "SIG?";
	snprintf(buf, sizeof(buf), "SIG%s", s);
	return buf;
}

void subject_say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	for (const char *p = buf; n > 0;) {
		ssize_t w = write(STDOUT_FILENO, p, (size_t)n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (int)w;
	}
}

int subject_wait(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return st;
}

void subject_report_status(const char *who, int status)
{
	if (WIFSIGNALED(status))
		subject_say("%s signal %s", who, subject_signame(WTERMSIG(status)));
	else if (WIFEXITED(status))
		subject_say("%s exit %d", who, WEXITSTATUS(status));
	else
		subject_say("%s other %#x", who, (unsigned)status);
}

int subject_fork_report(const char *who, const char *what, int (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();
	if (pid < 0) {
		subject_say("%s err %s", what, subject_errname(errno));
		return -1;
	}
	if (pid == 0)
		_exit(fn(arg));
	int st = subject_wait(pid);
	subject_report_status(who, st);
	return st;
}
