/* SPDX-License-Identifier: MIT */
/*
 * Public entry points of libscopes-sigsys: everything the handler will need
 * is prepared here, before any pledge, while every call is still allowed.
 */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libunwind.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/sigsys.h>
#include <scopes/table.h>

#include "memprobe.h"
#include "sigsys_internal.h"
#include "symbols.h"

#define SCOPES_SIGSYS_EXPORT __attribute__((visibility("default")))

#define FLAGS_KNOWN                                                                    \
	(SCOPES_SIGSYS_EXIT | SCOPES_SIGSYS_CONTINUE | SCOPES_SIGSYS_JSON |            \
	 SCOPES_SIGSYS_NO_STRINGS | SCOPES_SIGSYS_NO_BACKTRACE | 0xff000000u)
#define FD_SCAN_MAX 1024

static int installed;

/* ---------------------------------------------------- libunwind's pipe */

/* Pipe descriptors open now, as inode numbers by descriptor (0: not a pipe). */
static void scan_pipes(unsigned long inode[FD_SCAN_MAX])
{
	memset(inode, 0, FD_SCAN_MAX * sizeof(*inode));
	for (int fd = 0; fd < FD_SCAN_MAX; fd++) {
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
			inode[fd] = (unsigned long)st.st_ino;
	}
}

/*
 * libunwind validates stack addresses before reading them (x86_64: mincore,
 * then a one-byte write of the address into a private pipe and a read back).
 * It opens that pipe on first use. Run it once now and find the pipe among
 * the descriptors it created, so that rules can name exactly those two.
 * Returns 0 and sets both, or -1 when no new pipe appeared (libunwind was
 * already in use: its pipe is then not allowed, and under a pledge without
 * stdio the backtrace ends where libunwind first validates).
 */
static __attribute__((noinline)) int warm_unwinder(int *rfd, int *wfd)
{
	unsigned long before[FD_SCAN_MAX], after[FD_SCAN_MAX];
	unw_context_t ctx;
	unw_cursor_t cursor;

	scan_pipes(before);
	if (unw_getcontext(&ctx) == 0 && unw_init_local(&cursor, &ctx) == 0) {
		int depth = 0;
		while (depth++ < REPORT_FRAMES_MAX && unw_step(&cursor) > 0) {
			unw_word_t ip;
			unw_get_reg(&cursor, UNW_REG_IP, &ip);
			(void)unw_is_signal_frame(&cursor);
		}
	}
	scan_pipes(after);
	*rfd = *wfd = -1;
	for (int a = 0; a < FD_SCAN_MAX; a++) {
		if (!after[a] || after[a] == before[a])
			continue;
		for (int b = 0; b < FD_SCAN_MAX; b++) {
			if (b == a || after[b] != after[a] || after[b] == before[b])
				continue;
			int fl = fcntl(a, F_GETFL);
			if (fl >= 0 && (fl & O_ACCMODE) == O_RDONLY) {
				*rfd = a;
				*wfd = b;
				return 0;
			}
		}
	}
	return -1;
}

/* ----------------------------------------------------------- the rules */

static int allow_on_fd(const char *syscall, int fd)
{
	struct scopes_cond c = { .arg = 0, .mask = ~(uint64_t)0, .value = (uint64_t)fd };
	return scopes_handler_allow(syscall, 1, &c);
}

/*
 * The rules every later pledge adds for the handler, each as narrow as its
 * user allows. Ending the process needs none (see end_by_sigsys).
 */
static int allow_handler_calls(const struct sigsys_config *cfg, int unw_r, int unw_w)
{
	/* the report itself: write(2) on its descriptors only */
	if (cfg->report_fd >= 0 && allow_on_fd("write", cfg->report_fd) != 0)
		return -1;
	if (cfg->json_fd >= 0 && cfg->json_fd != cfg->report_fd &&
	    allow_on_fd("write", cfg->json_fd) != 0)
		return -1;
	/* strings: our own pipe, both ends, nothing else */
	if (cfg->read_strings && (allow_on_fd("write", memprobe_write_fd()) != 0 ||
				  allow_on_fd("read", memprobe_read_fd()) != 0))
		return -1;
	if (!cfg->backtrace)
		return 0;
	/* libunwind blocks signals around its cache and dl_iterate_phdr with
	 * sigprocmask(SIG_SETMASK, ...): that operation, kernel sigset size. */
	const struct scopes_cond mask[2] = {
		{ .arg = 0, .mask = ~(uint64_t)0, .value = SIG_SETMASK },
		{ .arg = 3, .mask = ~(uint64_t)0, .value = 8 },
	};
	if (scopes_handler_allow("rt_sigprocmask", 2, mask) != 0)
		return -1;
	/* libunwind's address validation: mincore(2) only reports which pages
	 * of the process's own mappings are resident (its arguments are
	 * addresses, nothing to narrow), plus its private pipe's two ends. */
	if (unw_r >= 0) {
		if (scopes_handler_allow("mincore", 0, NULL) != 0 ||
		    allow_on_fd("read", unw_r) != 0 || allow_on_fd("write", unw_w) != 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ install */

static int fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* SCOPES_SIGSYS_JSON_FD=n: a JSON line on fd n for tools driving a program. */
static int env_json_fd(void)
{
	const char *s = getenv("SCOPES_SIGSYS_JSON_FD");
	if (!s || !*s || getauxval(AT_SECURE))
		return -1;
	char *end;
	long fd = strtol(s, &end, 10);
	if (*end || fd < 0 || fd > (1 << 20) || !fd_open((int)fd))
		return -1;
	return (int)fd;
}

static int install(unsigned flags, int report_fd, int json_fd)
{
	struct sigsys_config cfg = { 0 };
	int unw_r = -1, unw_w = -1;

	if ((flags & ~FLAGS_KNOWN) ||
	    ((flags & SCOPES_SIGSYS_EXIT) && (flags & SCOPES_SIGSYS_CONTINUE)) ||
	    ((flags & 0xff000000u) && !(flags & SCOPES_SIGSYS_EXIT)) || report_fd < -1 ||
	    json_fd < -1 || (report_fd < 0 && json_fd < 0)) {
		errno = EINVAL;
		return -1;
	}
	if ((report_fd >= 0 && !fd_open(report_fd)) || (json_fd >= 0 && !fd_open(json_fd))) {
		errno = EBADF;
		return -1;
	}
	if (__atomic_load_n(&installed, __ATOMIC_ACQUIRE)) {
		errno = EALREADY;
		return -1;
	}
	if (scopes_table_init() != 0)
		return -1;
	if (scopes_promises_held() != SCOPES_SET_ALL) {
		errno = EBUSY;
		return -1;
	}
	cfg.action = (flags & SCOPES_SIGSYS_CONTINUE) ? REPORT_CONTINUE
		     : (flags & SCOPES_SIGSYS_EXIT)   ? REPORT_EXIT
						      : REPORT_CORE;
	cfg.exit_status = (int)(flags >> 24) ? (int)(flags >> 24) : 128 + SIGSYS;
	cfg.report_fd = report_fd;
	cfg.json_fd = json_fd;
	cfg.read_strings = !(flags & SCOPES_SIGSYS_NO_STRINGS);
	cfg.backtrace = !(flags & SCOPES_SIGSYS_NO_BACKTRACE);

	if (symbols_load() != 0)
		return -1;
	if (cfg.read_strings && memprobe_init() != 0)
		return -1;
	if (cfg.backtrace)
		warm_unwinder(&unw_r, &unw_w);
	if (allow_handler_calls(&cfg, unw_r, unw_w) != 0)
		return -1;

	sigsys_cfg = cfg;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigsys_handler;
	sa.sa_flags = SA_SIGINFO;
	/* nothing interrupts a report: the handler's buffers are single */
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) != 0)
		return -1;
	pthread_atfork(NULL, NULL, sigsys_handler_atfork_child);
	scopes_set_penalty(SCOPES_PENALTY_TRAP);
	__atomic_store_n(&installed, 1, __ATOMIC_RELEASE);
	return 0;
}

SCOPES_SIGSYS_EXPORT int scopes_sigsys_install(unsigned flags)
{
	int report_fd = 2, json_fd = env_json_fd();

	if (flags & SCOPES_SIGSYS_JSON) {
		report_fd = -1;
		if (json_fd < 0)
			json_fd = 2;
	}
	return install(flags & ~SCOPES_SIGSYS_JSON, report_fd, json_fd);
}

SCOPES_SIGSYS_EXPORT int scopes_sigsys_install_options(const struct scopes_sigsys_options *opt)
{
	if (!opt) {
		errno = EINVAL;
		return -1;
	}
	return install(opt->flags & ~SCOPES_SIGSYS_JSON, opt->report_fd, opt->json_fd);
}
