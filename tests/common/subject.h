/* SPDX-License-Identifier: MIT */
/*
 * The skeleton of the programs the test suites drive (scopes-probe,
 * scopes-execsup-probe, scopes-attack): how they name an errno value and a
 * signal, write a line of output, wait for a child and say how it ended.
 * pytest parses these lines, so their words are fixed here once.
 *
 * Nothing here allocates or uses stdio: a line is one write(2) to stdout,
 * which works under pledge("stdio"), from any thread and after fork, and
 * never waits in a buffer that a kill would lose.
 */
#ifndef SCOPES_TEST_SUBJECT_H
#define SCOPES_TEST_SUBJECT_H

#include <sys/types.h>

/* "EPERM" for EPERM; "E?" for a value that is no errno. */
const char *subject_errname(int e);

/* "SIGSYS" for SIGSYS; "SIG?" for one without a name. The name lives in a
 * static buffer, valid until the next call. */
const char *subject_signame(int sig);

/* printf-style; the line (its newline added, at most 510 bytes) goes to
 * stdout in one write(2). */
void subject_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* waitpid(pid) through EINTR: the child's wait status, or -1 with errno. */
int subject_wait(pid_t pid);

/* Say how a child ended: "WHO exit N", "WHO signal SIGNAME", or, for a status
 * that is neither (-1 from subject_wait), "WHO other 0x...". */
void subject_report_status(const char *who, int status);

/*
 * Run fn(arg) in a forked child, which then _exits with what fn returns;
 * wait for it and say how it ended as WHO. A fork that fails is said as
 * "WHAT err ENAME" (WHAT: "fork", or "op fork" for an operation line).
 * Returns the child's wait status, or -1.
 */
int subject_fork_report(const char *who, const char *what, int (*fn)(void *arg), void *arg);

#endif
