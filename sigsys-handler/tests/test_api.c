/* SPDX-License-Identifier: MIT */
/*
 * The errno contract of scopes_sigsys_install*() (<scopes/sigsys.h>), one
 * forked child per case: an installed handler and a pledge never go away.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/sigsys.h>

#include "harness.h"

/* Each case returns the errno it saw (0 for success): the exit code. */
static int install_flags(void *arg)
{
	unsigned flags = *(unsigned *)arg;
	return scopes_sigsys_install(flags) == 0 ? 0 : errno;
}

static int install_opts(void *arg)
{
	const struct scopes_sigsys_options *o = arg;
	return scopes_sigsys_install_options(o) == 0 ? 0 : errno;
}

static int install_null(void *arg)
{
	(void)arg;
	return scopes_sigsys_install_options(NULL) == 0 ? 0 : errno;
}

static int install_twice(void *arg)
{
	(void)arg;
	if (scopes_sigsys_install(0) != 0)
		return 100;
	return scopes_sigsys_install(0) == 0 ? 0 : errno;
}

static int install_after_pledge(void *arg)
{
	(void)arg;
	if (scopes_pledge("stdio rpath", NULL) != 0)
		return 100;
	return scopes_sigsys_install(0) == 0 ? 0 : errno;
}

/* Installed, the handler is SIGSYS's and a violation traps into it: the
 * process dies by SIGSYS (CORE), exits with the chosen status (EXIT), or
 * sees EPERM (CONTINUE). The report goes to /dev/null here; pytest checks
 * its text. */
static int violate_with(void *arg)
{
	unsigned flags = *(unsigned *)arg;
	int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	struct scopes_sigsys_options o = { flags, devnull, -1 };
	if (scopes_sigsys_install_options(&o) != 0 || scopes_pledge("stdio", NULL) != 0)
		return 100;
	long r = syscall(SYS_ptrace, 0L, 0L, 0L, 0L);
	if (r == -1 && errno == EPERM)
		return 42;
	return 101;
}

static void expect(const char *what, struct child_result r, int exited, int code)
{
	CHECK(r.exited == exited && r.code == code, "%s: got %s, want %s %d", what,
	      child_result_str(r), exited ? "exit" : "signal", code);
}

int main(void)
{
	unsigned f;
	struct scopes_sigsys_options o;

	f = 0x100;
	expect("unknown flag bit", run_child(install_flags, &f), 1, EINVAL);
	f = SCOPES_SIGSYS_EXIT | SCOPES_SIGSYS_CONTINUE;
	expect("EXIT and CONTINUE", run_child(install_flags, &f), 1, EINVAL);
	f = 0x05000000u;
	expect("exit status without EXIT", run_child(install_flags, &f), 1, EINVAL);
	expect("NULL options", run_child(install_null, NULL), 1, EINVAL);
	o = (struct scopes_sigsys_options){ 0, -1, -1 };
	expect("no descriptor at all", run_child(install_opts, &o), 1, EINVAL);
	o = (struct scopes_sigsys_options){ 0, -2, -1 };
	expect("descriptor below -1", run_child(install_opts, &o), 1, EINVAL);
	o = (struct scopes_sigsys_options){ 0, 2, 1000 };
	expect("closed JSON descriptor", run_child(install_opts, &o), 1, EBADF);
	o = (struct scopes_sigsys_options){ 0, 999, -1 };
	expect("closed report descriptor", run_child(install_opts, &o), 1, EBADF);
	expect("installed twice", run_child(install_twice, NULL), 1, EALREADY);
	expect("after a pledge", run_child(install_after_pledge, NULL), 1, EBUSY);
	f = SCOPES_SIGSYS_JSON | SCOPES_SIGSYS_NO_STRINGS | SCOPES_SIGSYS_NO_BACKTRACE;
	expect("every option flag", run_child(install_flags, &f), 1, 0);

	f = SCOPES_SIGSYS_CORE;
	expect("CORE ends by SIGSYS", run_child(violate_with, &f), 0, SIGSYS);
	f = SCOPES_SIGSYS_EXIT_STATUS(7);
	expect("EXIT_STATUS(7)", run_child(violate_with, &f), 1, 7);
	f = SCOPES_SIGSYS_EXIT;
	expect("EXIT without status is 159", run_child(violate_with, &f), 1, 128 + SIGSYS);
	f = SCOPES_SIGSYS_CONTINUE;
	expect("CONTINUE fails the call with EPERM", run_child(violate_with, &f), 1, 42);
	return harness_finish("test_sigsys_api");
}
