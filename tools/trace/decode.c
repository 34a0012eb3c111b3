/* SPDX-License-Identifier: MIT */
/*
 * Showing system calls (see decode.h).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "decode.h"
#include "json.h"

struct layout {
	const char *name;
	const char *kinds;
};

/* Sorted by name (checked at first use). */
static const struct layout layouts[] = {
	{ "accept", "FXX" },
	{ "accept4", "FXXI" },
	{ "access", "PE" },
	{ "arch_prctl", "IX" },
	{ "bind", "FXU" },
	{ "brk", "X" },
	{ "capget", "XX" },
	{ "chdir", "P" },
	{ "chmod", "PM" },
	{ "chown", "PII" },
	{ "chroot", "P" },
	{ "clock_getres", "IX" },
	{ "clock_gettime", "IX" },
	{ "clock_nanosleep", "IIXX" },
	{ "clock_settime", "IX" },
	{ "clone", "NXXXX" },
	{ "clone3", "XU" },
	{ "close", "F" },
	{ "close_range", "FFI" },
	{ "connect", "FXU" },
	{ "copy_file_range", "FXFXUI" },
	{ "creat", "PM" },
	{ "dup", "F" },
	{ "dup2", "FF" },
	{ "dup3", "FFI" },
	{ "epoll_create1", "I" },
	{ "epoll_ctl", "FIFX" },
	{ "epoll_pwait", "FXIIXU" },
	{ "epoll_wait", "FXII" },
	{ "eventfd2", "UI" },
	{ "execve", "PXX" },
	{ "execveat", "DPXXA" },
	{ "exit", "I" },
	{ "exit_group", "I" },
	{ "faccessat", "DPE" },
	{ "faccessat2", "DPEA" },
	{ "fadvise64", "FLLI" },
	{ "fallocate", "FILL" },
	{ "fchdir", "F" },
	{ "fchmod", "FM" },
	{ "fchmodat", "DPM" },
	{ "fchown", "FII" },
	{ "fchownat", "DPIIA" },
	{ "fcntl", "FKX" },
	{ "fdatasync", "F" },
	{ "fgetxattr", "FPXU" },
	{ "flistxattr", "FXU" },
	{ "flock", "FI" },
	{ "fork", "" },
	{ "fstat", "FX" },
	{ "fstatfs", "FX" },
	{ "fsync", "F" },
	{ "ftruncate", "FL" },
	{ "futex", "XIIXXI" },
	{ "getcwd", "XU" },
	{ "getdents64", "FXU" },
	{ "getegid", "" },
	{ "geteuid", "" },
	{ "getgid", "" },
	{ "getgroups", "IX" },
	{ "getpeername", "FXX" },
	{ "getpgrp", "" },
	{ "getpid", "" },
	{ "getppid", "" },
	{ "getpriority", "II" },
	{ "getrandom", "XUI" },
	{ "getresgid", "XXX" },
	{ "getresuid", "XXX" },
	{ "getrlimit", "IX" },
	{ "getrusage", "IX" },
	{ "getsid", "I" },
	{ "getsockname", "FXX" },
	{ "getsockopt", "FIIXX" },
	{ "gettid", "" },
	{ "gettimeofday", "XX" },
	{ "getuid", "" },
	{ "getxattr", "PPXU" },
	{ "inotify_add_watch", "FPU" },
	{ "inotify_init1", "I" },
	{ "ioctl", "FCX" },
	{ "kill", "IZ" },
	{ "landlock_add_rule", "FIXU" },
	{ "landlock_create_ruleset", "XUU" },
	{ "landlock_restrict_self", "FU" },
	{ "lchown", "PII" },
	{ "lgetxattr", "PPXU" },
	{ "link", "PP" },
	{ "linkat", "DPDPA" },
	{ "listen", "FI" },
	{ "listxattr", "PXU" },
	{ "lseek", "FLI" },
	{ "lstat", "PX" },
	{ "madvise", "XUI" },
	{ "membarrier", "III" },
	{ "memfd_create", "PI" },
	{ "mincore", "XUX" },
	{ "mkdir", "PM" },
	{ "mkdirat", "DPM" },
	{ "mknod", "PMX" },
	{ "mknodat", "DPMX" },
	{ "mmap", "XURGFL" },
	{ "mount", "PPPXX" },
	{ "mprotect", "XUR" },
	{ "mremap", "XUUIX" },
	{ "msync", "XUI" },
	{ "munmap", "XU" },
	{ "nanosleep", "XX" },
	{ "newfstatat", "DPXA" },
	{ "open", "POM" },
	{ "openat", "DPOM" },
	{ "openat2", "DPXU" },
	{ "pidfd_open", "II" },
	{ "pipe", "X" },
	{ "pipe2", "XI" },
	{ "poll", "XUI" },
	{ "ppoll", "XUXXU" },
	{ "prctl", "QXXXX" },
	{ "pread64", "FXUL" },
	{ "preadv", "FXUL" },
	{ "prlimit64", "IIXX" },
	{ "pselect6", "IXXXXX" },
	{ "ptrace", "IIXX" },
	{ "pwrite64", "FXUL" },
	{ "pwritev", "FXUL" },
	{ "read", "FXU" },
	{ "readlink", "PXU" },
	{ "readlinkat", "DPXU" },
	{ "readv", "FXU" },
	{ "recvfrom", "FXUIXX" },
	{ "recvmmsg", "FXUIX" },
	{ "recvmsg", "FXI" },
	{ "rename", "PP" },
	{ "renameat", "DPDP" },
	{ "renameat2", "DPDPI" },
	{ "rmdir", "P" },
	{ "rseq", "XUIX" },
	{ "rt_sigaction", "ZXXU" },
	{ "rt_sigprocmask", "IXXU" },
	{ "rt_sigreturn", "" },
	{ "sched_getaffinity", "IUX" },
	{ "sched_setaffinity", "IUX" },
	{ "sched_yield", "" },
	{ "seccomp", "IIX" },
	{ "select", "IXXXX" },
	{ "sendfile", "FFXU" },
	{ "sendmmsg", "FXUI" },
	{ "sendmsg", "FXI" },
	{ "sendto", "FXUIXU" },
	{ "set_robust_list", "XU" },
	{ "set_tid_address", "X" },
	{ "setgid", "I" },
	{ "setgroups", "IX" },
	{ "setitimer", "IXX" },
	{ "setpgid", "II" },
	{ "setpriority", "III" },
	{ "setregid", "II" },
	{ "setresgid", "III" },
	{ "setresuid", "III" },
	{ "setreuid", "II" },
	{ "setrlimit", "IX" },
	{ "setsid", "" },
	{ "setsockopt", "FIIXU" },
	{ "settimeofday", "XX" },
	{ "setuid", "I" },
	{ "shutdown", "FI" },
	{ "sigaltstack", "XX" },
	{ "socket", "STI" },
	{ "socketpair", "STIX" },
	{ "splice", "FXFXUI" },
	{ "stat", "PX" },
	{ "statfs", "PX" },
	{ "statx", "DPAUX" },
	{ "symlink", "PP" },
	{ "symlinkat", "PDP" },
	{ "sysinfo", "X" },
	{ "tgkill", "IIZ" },
	{ "timerfd_create", "II" },
	{ "tkill", "IZ" },
	{ "truncate", "PL" },
	{ "umask", "M" },
	{ "umount2", "PI" },
	{ "uname", "X" },
	{ "unlink", "P" },
	{ "unlinkat", "DPA" },
	{ "unshare", "N" },
	{ "utimensat", "DPXA" },
	{ "vfork", "" },
	{ "wait4", "IXIX" },
	{ "waitid", "IIXIX" },
	{ "write", "FXU" },
	{ "writev", "FXU" },
};

static const struct layout *find_layout(const char *name)
{
	size_t lo = 0, hi = sizeof(layouts) / sizeof(layouts[0]);
	if (!name)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, layouts[mid].name);
		if (c == 0)
			return &layouts[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *decode_kinds(const char *name)
{
	const struct layout *l = find_layout(name);
	return l ? l->kinds : NULL;
}

int decode_object(const char *name, int *path_idx, int *dirfd_idx, int *fd_idx)
{
	const char *k = decode_kinds(name);
	*path_idx = *dirfd_idx = *fd_idx = -1;
	if (!k)
		return 0;
	for (int i = 0; k[i]; i++) {
		if (k[i] == 'P') {
			*path_idx = i;
			*dirfd_idx = i > 0 && k[i - 1] == 'D' ? i - 1 : -1;
			return 1;
		}
	}
	if (k[0] == 'F') {
		*fd_idx = 0;
		return 1;
	}
	return 0;
}

/* ----------------------------------------------------------- constants */

struct name {
	uint64_t v;
	const char *n;
};

#define N(x) { (uint64_t)(x), #x }

static const struct name open_flags[] = {
	N(O_CREAT),  N(O_EXCL),	    N(O_NOCTTY),    N(O_TRUNC),	 N(O_APPEND),	N(O_NONBLOCK),
	N(O_SYNC), /* before O_DSYNC, whose bit it includes */
	N(O_DSYNC),  N(O_ASYNC),    N(O_DIRECT),    N(O_LARGEFILE), N(O_NOFOLLOW), N(O_NOATIME),
	N(O_CLOEXEC), N(O_PATH), N(O_DIRECTORY),
};
static const struct name prot_flags[] = { N(PROT_READ), N(PROT_WRITE), N(PROT_EXEC) };
static const struct name map_flags[] = {
	N(MAP_SHARED),	  N(MAP_PRIVATE),  N(MAP_FIXED),    N(MAP_ANONYMOUS), N(MAP_GROWSDOWN),
	N(MAP_DENYWRITE), N(MAP_NORESERVE), N(MAP_POPULATE), N(MAP_STACK),    N(MAP_FIXED_NOREPLACE),
};
static const struct name at_flags[] = {
	N(AT_SYMLINK_NOFOLLOW), N(AT_REMOVEDIR), N(AT_SYMLINK_FOLLOW), N(AT_NO_AUTOMOUNT),
	N(AT_EMPTY_PATH), N(AT_EACCESS),
};
static const struct name access_modes[] = { N(R_OK), N(W_OK), N(X_OK) };
static const struct name domains[] = {
	N(AF_UNIX), N(AF_INET), N(AF_INET6), N(AF_NETLINK), N(AF_PACKET),
};
static const struct name sock_types[] = {
	N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_SEQPACKET),
};
static const struct name sock_type_flags[] = { N(SOCK_NONBLOCK), N(SOCK_CLOEXEC) };
static const struct name ioctls[] = {
	N(TCGETS),     N(TCSETS),     N(TCSETSW),    N(TCSETSF),    N(TIOCGWINSZ), N(TIOCSWINSZ),
	N(TIOCGPGRP),  N(TIOCSPGRP),  N(TCFLSH),     N(TCXONC),     N(TCSBRK),     N(FIONREAD),
	N(FIONBIO),    N(FIOCLEX),    N(FIONCLEX),   N(TIOCSTI),    N(TIOCLINUX),  N(TIOCSCTTY),
	N(TIOCNOTTY),  N(FIOASYNC),
};
static const struct name fcntls[] = {
	N(F_DUPFD), N(F_GETFD), N(F_SETFD), N(F_GETFL), N(F_SETFL), N(F_GETLK), N(F_SETLK),
	N(F_SETLKW), N(F_SETOWN), N(F_GETOWN), N(F_DUPFD_CLOEXEC), N(F_OFD_GETLK),
	N(F_OFD_SETLK), N(F_OFD_SETLKW), N(F_SETPIPE_SZ), N(F_GETPIPE_SZ), N(F_ADD_SEALS),
	N(F_GET_SEALS),
};
static const struct name prctls[] = {
	N(PR_SET_PDEATHSIG), N(PR_GET_DUMPABLE), N(PR_SET_DUMPABLE), N(PR_SET_NAME),
	N(PR_GET_NAME), N(PR_GET_SECCOMP), N(PR_SET_SECCOMP), N(PR_CAPBSET_READ),
	N(PR_SET_NO_NEW_PRIVS), N(PR_GET_NO_NEW_PRIVS), N(PR_SET_VMA),
};
static const struct name clone_flags[] = {
	N(CLONE_VM),	  N(CLONE_FS),	    N(CLONE_FILES),	N(CLONE_SIGHAND), N(CLONE_PIDFD),
	N(CLONE_PTRACE),  N(CLONE_VFORK),   N(CLONE_PARENT),	N(CLONE_THREAD),  N(CLONE_NEWNS),
	N(CLONE_SYSVSEM), N(CLONE_SETTLS),  N(CLONE_PARENT_SETTID), N(CLONE_CHILD_CLEARTID),
	N(CLONE_UNTRACED), N(CLONE_CHILD_SETTID), N(CLONE_NEWCGROUP), N(CLONE_NEWUTS),
	N(CLONE_NEWIPC),  N(CLONE_NEWUSER), N(CLONE_NEWPID),	N(CLONE_NEWNET),  N(CLONE_IO),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct out {
	char *p;
	size_t size, w;
};

static void emit(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (o->w + 1 < o->size)
			o->p[o->w] = *s;
		o->w++;
	}
}

static void emitf(struct out *o, const char *fmt, unsigned long long v)
{
	char b[32];
	snprintf(b, sizeof(b), fmt, v);
	emit(o, b);
}

static const char *lookup(const struct name *t, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].n;
	return NULL;
}

/* "A|B|0x40" for the bits of v; "0" when none. */
static void bits(struct out *o, const struct name *t, size_t n, uint64_t v, const char *zero)
{
	int any = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i].v && (v & t[i].v) == t[i].v) {
			if (any++)
				emit(o, "|");
			emit(o, t[i].n);
			v &= ~t[i].v;
		}
	}
	if (v || !any) {
		if (any)
			emit(o, "|");
		if (!v && zero)
			emit(o, zero);
		else
			emitf(o, "%#llx", v);
	}
}

static void value(struct out *o, char kind, uint64_t v)
{
	const char *n;
	switch (kind) {
	case 'D':
		if ((int)v == AT_FDCWD) {
			emit(o, "AT_FDCWD");
			break;
		}
		/* fall through */
	case 'F':
	case 'I':
		emitf(o, "%lld", (unsigned long long)(long long)(int)v);
		break;
	case 'U':
		emitf(o, "%llu", v);
		break;
	case 'L':
		emitf(o, "%lld", v);
		break;
	case 'M':
		emitf(o, "0%llo", v);
		break;
	case 'O': {
		uint64_t acc = v & O_ACCMODE;
		emit(o, acc == O_RDONLY ? "O_RDONLY" : acc == O_WRONLY ? "O_WRONLY"
			  : acc == O_RDWR ? "O_RDWR" : "O_ACCMODE");
		uint64_t rest = v & ~(uint64_t)O_ACCMODE;
		/* O_TMPFILE includes O_DIRECTORY: show it as one name */
		if ((rest & O_TMPFILE) == O_TMPFILE) {
			emit(o, "|O_TMPFILE");
			rest &= ~(uint64_t)O_TMPFILE;
		}
		if (rest) {
			emit(o, "|");
			bits(o, open_flags, COUNT(open_flags), rest, NULL);
		}
		break;
	}
	case 'R':
		bits(o, prot_flags, COUNT(prot_flags), v, "PROT_NONE");
		break;
	case 'G':
		bits(o, map_flags, COUNT(map_flags), v, "0");
		break;
	case 'A':
		bits(o, at_flags, COUNT(at_flags), v, "0");
		break;
	case 'E':
		bits(o, access_modes, COUNT(access_modes), v, "F_OK");
		break;
	case 'N':
		bits(o, clone_flags, COUNT(clone_flags), v & ~(uint64_t)0xff, "0");
		if (v & 0xff) {
			const char *sig = sigabbrev_np((int)(v & 0xff));
			emit(o, "|");
			if (sig) {
				emit(o, "SIG");
				emit(o, sig);
			} else {
				emitf(o, "%llu", v & 0xff);
			}
		}
		break;
	case 'Z': {
		const char *sig = v < 65 ? sigabbrev_np((int)v) : NULL;
		if (sig) {
			emit(o, "SIG");
			emit(o, sig);
		} else {
			emitf(o, "%lld", (unsigned long long)(long long)(int)v);
		}
		break;
	}
	case 'S':
		n = lookup(domains, COUNT(domains), v);
		if (n)
			emit(o, n);
		else
			emitf(o, "%llu", v);
		break;
	case 'T':
		n = lookup(sock_types, COUNT(sock_types), v & 0xf);
		if (n)
			emit(o, n);
		else
			emitf(o, "%llu", v & 0xf);
		if (v & ~(uint64_t)0xf) {
			emit(o, "|");
			bits(o, sock_type_flags, COUNT(sock_type_flags), v & ~(uint64_t)0xf, NULL);
		}
		break;
	case 'C':
		n = lookup(ioctls, COUNT(ioctls), v & 0xffffffffu);
		if (n)
			emit(o, n);
		else
			emitf(o, "%#llx", v);
		break;
	case 'K':
		n = lookup(fcntls, COUNT(fcntls), v);
		if (n)
			emit(o, n);
		else
			emitf(o, "%llu", v);
		break;
	case 'Q':
		n = lookup(prctls, COUNT(prctls), v);
		if (n)
			emit(o, n);
		else
			emitf(o, "%llu", v);
		break;
	default: /* X */
		if (v == 0)
			emit(o, "NULL");
		else
			emitf(o, "%#llx", v);
		break;
	}
}

size_t decode_value(char *out, size_t size, char kind, uint64_t v)
{
	struct out o = { out, size, 0 };
	value(&o, kind, v);
	if (size)
		out[o.w < size ? o.w : size - 1] = '\0';
	return o.w;
}

size_t decode_call(char *out, size_t size, const char *name, const uint64_t *args,
		   const char *const paths[6])
{
	struct out o = { out, size, 0 };
	const char *k = decode_kinds(name);

	emit(&o, name ? name : "?");
	emit(&o, "(");
	if (!args) {
		emit(&o, "\xe2\x80\xa6"); /* … : the arguments are not known */
	} else {
		/* unknown layouts show the first three arguments */
		size_t nargs = k ? strlen(k) : 3;
		/* open's mode means something only when it creates */
		const char *fl = k ? strchr(k, 'O') : NULL;
		if (fl && fl[1] == 'M' && !(args[fl - k] & (O_CREAT | (__O_TMPFILE & ~O_DIRECTORY))))
			nargs = (size_t)(fl - k) + 1;
		for (size_t i = 0; i < nargs && i < 6; i++) {
			if (i)
				emit(&o, ", ");
			char kind = k ? k[i] : 'X';
			if (kind == 'P' && paths && paths[i]) {
				char q[300];
				json_escape(paths[i], strlen(paths[i]), q, sizeof(q));
				emit(&o, q);
			} else {
				value(&o, kind, args[i]);
			}
		}
		if (!k)
			emit(&o, ", ...");
	}
	emit(&o, ")");
	if (size) {
		if (o.w >= size && size > 4)
			memcpy(out + size - 4, "...", 3);
		out[o.w < size ? o.w : size - 1] = '\0';
	}
	return o.w < size ? o.w : size - 1;
}
