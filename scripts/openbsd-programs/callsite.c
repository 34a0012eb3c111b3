/* SPDX-License-Identifier: MIT */
/*
 * Linked into the pledged build of each OpenBSD program (scripts/
 * openbsd-programs.sh): pledge() and unveil() that note where they were
 * called from, then are scopes_pledge() and scopes_unveil().
 *
 * Each call appends one line to the file named by OBSD_CALLSITES:
 *     pledge <pid> <module>+0x<offset> rc=<n> errno=<e> "<promises>"
 * The offset is the caller's return address less the load base of the
 * program (or library) that made the call, so addr2line turns it into a
 * file:line of the program's own source. The file is opened in a
 * constructor, before the program's first pledge: a pledged image cannot
 * open it later (an image exec'd by a pledged parent inherits the fd
 * through OBSD_CALLSITES_FD instead).
 *
 * With OBSD_SIGSYS_REPORT set and build/sigsys-handler/libscopes-sigsys.so
 * in LD_PRELOAD, the constructor also installs the violation reporter, so a
 * failing run can be repeated to name the call that was refused.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scopes.h>

static int log_fd = -1;

__attribute__((constructor)) static void callsite_open(void)
{
	const char *path = getenv("OBSD_CALLSITES");
	const char *fds = getenv("OBSD_CALLSITES_FD");
	char buf[16];
	int fd;

	/* diagnosis: with libscopes-sigsys.so preloaded, its reporter */
	if (getenv("OBSD_SIGSYS_REPORT") != NULL) {
		int (*install)(unsigned) =
			(int (*)(unsigned))dlsym(RTLD_DEFAULT, "scopes_sigsys_install");
		if (install != NULL)
			install(0);
	}
	if (path == NULL || *path == '\0')
		return;
	if (fds != NULL && (fd = atoi(fds)) > 2 && fcntl(fd, F_GETFD) != -1) {
		log_fd = fd;
		return;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd == -1)
		return;
	/* high, out of the way of programs that dup2() low descriptors */
	log_fd = fcntl(fd, F_DUPFD, 900);
	close(fd);
	if (log_fd == -1)
		return;
	snprintf(buf, sizeof(buf), "%d", log_fd);
	setenv("OBSD_CALLSITES_FD", buf, 1);
}

static void note(const char *what, void *ret, int rc, int err, const char *a,
		 const char *b)
{
	char line[1024];
	Dl_info info;
	const char *mod = "?";
	unsigned long off = (unsigned long)ret;
	int n;

	if (log_fd == -1)
		return;
	if (dladdr(ret, &info) != 0 && info.dli_fname != NULL) {
		mod = info.dli_fname;
		off = (unsigned long)ret - (unsigned long)info.dli_fbase;
	}
	/* a main program's name is its argv[0], setproctitle() may have put
	 * spaces in it: one word per field */
	char name[256];
	size_t i;
	snprintf(name, sizeof(name), "%s", mod);
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] == ' ')
			name[i] = '_';
	mod = name;
	/* the return address is after the call: step back into it */
	n = snprintf(line, sizeof(line), "%s %ld %s+0x%lx rc=%d errno=%d \"%s\" \"%s\"\n",
		     what, (long)getpid(), mod, off - 1, rc, rc == -1 ? err : 0,
		     a ? a : "(null)", b ? b : "(null)");
	if (n > 0)
		(void)!write(log_fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

int pledge(const char *promises, const char *execpromises)
{
	void *ret = __builtin_extract_return_addr(__builtin_return_address(0));
	int rc = scopes_pledge(promises, execpromises);
	int err = errno;

	note("pledge", ret, rc, err, promises, execpromises);
	errno = err;
	return rc;
}

int unveil(const char *path, const char *permissions)
{
	void *ret = __builtin_extract_return_addr(__builtin_return_address(0));
	int rc = scopes_unveil(path, permissions);
	int err = errno;

	note("unveil", ret, rc, err, path, permissions);
	errno = err;
	return rc;
}
