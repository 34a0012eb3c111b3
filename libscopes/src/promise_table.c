/* SPDX-License-Identifier: MIT */
/*
 * The promise table: what each promise grants on Linux.
 *
 * This is the single source of truth. The filter builder compiles it, the
 * reverse query (scopes_query) answers "which promise would allow this call?"
 * from it for the SIGSYS reporter and scopes-trace, and the scopes-promises(7)
 * man page is generated from it. It follows docs/promises.md; where that
 * page and this table differ, the rows carry a note saying why.
 *
 * Rules for writing rows (libseccomp 2.5.4, see KERNEL-NOTES):
 *  - Only equality (EQ) and masked equality (BITS) conditions: libseccomp's
 *    range comparisons generate wrong filters. A range is a mask.
 *  - BITS() also masks the high 32 bits, so a value is compared as a full
 *    64-bit quantity: garbage in the upper half is a violation, never a pass.
 *  - At most one condition per argument in a row.
 *  - Syscalls are named; numbers come from libseccomp for each arch. A name
 *    missing on an arch (open on aarch64) is simply absent there.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

#include "promises.h"
#include "table_internal.h"

#define HI32 0xffffffff00000000ULL
#define MPOL_MF_MOVE_ALL_BIT (1 << 2) /* <linux/mempolicy.h>: needs CAP_SYS_NICE, moves others' pages */

#define COND(a, m, v) { (a), (m), (v) }
/* arg == value, all 64 bits */
#define EQ(a, v) COND(a, ~0ULL, (uint64_t)(v))
/* (arg & mask) == value, and the high half of arg is zero */
#define BITS(a, m, v) COND(a, (uint64_t)(m) | HI32, (uint64_t)(v))

#define NCOND(...) (sizeof((struct scopes_cond[]){ __VA_ARGS__ }) / sizeof(struct scopes_cond))

/* granted by any one promise of `any_` */
#define GRANT(any_, sys) { .kind = SCOPES_ROW_GRANT, .syscall = (sys), .any = (any_) }
#define GRANTC(any_, sys, ...)                                                         \
	{ .kind = SCOPES_ROW_GRANT, .syscall = (sys), .any = (any_),                   \
	  .ncond = NCOND(__VA_ARGS__), .cond = { __VA_ARGS__ } }
/* granted only when all promises of `all_` are held */
#define GRANT_ALL(all_, sys, ...)                                                      \
	{ .kind = SCOPES_ROW_GRANT, .syscall = (sys), .all = (all_),                   \
	  .ncond = NCOND(__VA_ARGS__), .cond = { __VA_ARGS__ } }
/* the same, flagged (path-scoped, incidental) */
#define GRANTF(any_, flags_, sys, ...)                                                 \
	{ .kind = SCOPES_ROW_GRANT, .syscall = (sys), .any = (any_), .flags = (flags_), \
	  .ncond = NCOND(__VA_ARGS__), .cond = { __VA_ARGS__ } }
#define GRANTF0(any_, flags_, sys)                                                     \
	{ .kind = SCOPES_ROW_GRANT, .syscall = (sys), .any = (any_), .flags = (flags_) }
#define ALWAYS(sys, why) { .kind = SCOPES_ROW_ALWAYS, .syscall = (sys), .note = (why) }
#define ALWAYSC(sys, why, ...)                                                         \
	{ .kind = SCOPES_ROW_ALWAYS, .syscall = (sys), .note = (why),                  \
	  .ncond = NCOND(__VA_ARGS__), .cond = { __VA_ARGS__ } }
#define ENOSYS_ROW(sys, why) { .kind = SCOPES_ROW_ENOSYS, .syscall = (sys), .note = (why) }
#define NEVER(sys, why) { .kind = SCOPES_ROW_NEVER, .syscall = (sys), .note = (why) }
#define NEVERC(sys, why, ...)                                                          \
	{ .kind = SCOPES_ROW_NEVER, .syscall = (sys), .note = (why),                   \
	  .ncond = NCOND(__VA_ARGS__), .cond = { __VA_ARGS__ } }
#define FAILC(any_, unless_, err, sys, why, ...)                                       \
	{ .kind = SCOPES_ROW_FAIL, .syscall = (sys), .any = (any_), .unless = (unless_), \
	  .errnum = (err), .note = (why), .ncond = NCOND(__VA_ARGS__), .cond = { __VA_ARGS__ } }

#define P(x) (1ULL << SCOPES_P_##x)
#define XATTR_FAIL(sys)                                                                   \
	FAILC(P(FATTR), 0, 95 /* EOPNOTSUPP */, sys,                                      \
	      "extended attributes are not part of fattr (security.capability, LSM labels)")
#define F_PS SCOPES_ALT_PATHSCOPED
#define F_INC SCOPES_ALT_INCIDENTAL

/* ---------------------------------------------------------------- promises */

static const char *const paths_tmppath[] = { "/tmp", NULL };
static const char *const paths_dns[] = { "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf",
					 "/etc/services", "/etc/host.conf", "/etc/gai.conf",
					 "/etc/protocols", NULL };
static const char *const paths_getpw[] = { "/etc/passwd", "/etc/group", "/etc/nsswitch.conf",
					   NULL };
static const char *const paths_tty[] = { "/dev/tty", NULL };
static const char *const paths_ps[] = { "/proc", NULL };
static const char *const paths_vminfo[] = { "/proc/meminfo", "/proc/stat", "/proc/loadavg",
					    "/proc/cpuinfo", "/sys/devices/system/cpu", NULL };
static const char *const paths_none[] = { NULL };
/* exec's side grant, when Landlock handles reads (a path-scoped promise held
 * without rpath, or unveil): where the loader of a new image reads its
 * libraries, and where the programs it starts are read by the kernel.
 * Missing paths are skipped. */
static const char *const paths_loader[] = { "/etc/ld.so.cache", "/etc/ld.so.preload",
					    "/lib", "/lib64", "/lib32", "/libx32", "/usr/lib",
					    "/usr/lib64", "/usr/lib32", "/usr/libx32",
					    "/usr/local/lib", NULL };
static const char *const paths_programs[] = { "/bin", "/sbin", "/usr/bin", "/usr/sbin",
					      "/usr/local/bin", "/usr/local/sbin",
					      "/usr/libexec", NULL };

/* The Landlock meaning of a promise (table_internal.h): rights granted
 * everywhere, rights granted beneath the promise's paths, a side grant. */
#define FS_EVERYWHERE(r) .fs_everywhere = (r)
#define FS_BENEATH(r) .fs_beneath_paths = (r)
#define FS_SIDE(r, libs, programs) .fs_side = (r), .side_paths = (libs), .side_programs = (programs)
#define FS_READ (SCOPES_FS_READ_FILE | SCOPES_FS_READ_DIR)
#define FS_WRITE (SCOPES_FS_WRITE_FILE | SCOPES_FS_TRUNCATE)
#define FS_CREATE_REMOVE                                                                \
	(SCOPES_FS_MAKE_REG | SCOPES_FS_MAKE_DIR | SCOPES_FS_MAKE_SYM |                 \
	 SCOPES_FS_REMOVE_FILE | SCOPES_FS_REMOVE_DIR | SCOPES_FS_REFER)

/* PROMISE(id, name, flags, paths, summary[, FS_...]) */
#define PROMISE(id, name_, flags_, paths_, summary_, ...)                               \
	[SCOPES_P_##id] = { .name = (name_), .flags = (flags_), .paths = (paths_),      \
			    .summary = (summary_), __VA_ARGS__ }
/* The capabilities a promise needs (root keeps them, loses every other one).
 * None needs SYS_ADMIN, SYS_PTRACE, SYS_RAWIO, SETFCAP, MAC_*, BPF, PERFMON
 * or SYS_MODULE: they reach other processes, the kernel or the machine. */
#define CAP(c) (1ULL << CAP_##c)
#define CAPS(c) .caps = (c)
#define PATHSC SCOPES_PROMISE_PATHSCOPED
#define COMPAT SCOPES_PROMISE_COMPAT

const struct scopes_promise_info scopes_promise_table[SCOPES_P_COUNT] = {
	PROMISE(STDIO, "stdio", 0, paths_none,
		"I/O on descriptors already open, memory, time, threads, own signals",
		/* the filter already limits ioctl to a few commands */
		FS_EVERYWHERE(SCOPES_FS_IOCTL_DEV)),
	PROMISE(RPATH, "rpath", 0, paths_none, "read-only opens and path metadata",
		FS_EVERYWHERE(FS_READ), CAPS(CAP(DAC_OVERRIDE) | CAP(DAC_READ_SEARCH))),
	PROMISE(WPATH, "wpath", 0, paths_none, "opens for writing existing files, truncate",
		FS_EVERYWHERE(FS_WRITE), CAPS(CAP(DAC_OVERRIDE))),
	PROMISE(CPATH, "cpath", 0, paths_none,
		"create and remove files, directories and links (opens that create)",
		/* FOWNER: removing others' files from a sticky directory */
		FS_EVERYWHERE(FS_CREATE_REMOVE), CAPS(CAP(DAC_OVERRIDE) | CAP(FOWNER))),
	PROMISE(DPATH, "dpath", 0, paths_none, "create FIFOs (mkfifo); device nodes never",
		FS_EVERYWHERE(SCOPES_FS_MAKE_FIFO)),
	PROMISE(TMPPATH, "tmppath", PATHSC, paths_tmppath,
		"create, read, write and remove files under /tmp (Landlock)",
		FS_BENEATH(FS_READ | FS_WRITE | SCOPES_FS_MAKE_REG | SCOPES_FS_MAKE_DIR |
			   SCOPES_FS_REMOVE_FILE | SCOPES_FS_REMOVE_DIR),
		CAPS(CAP(DAC_OVERRIDE) | CAP(FOWNER))),
	PROMISE(FATTR, "fattr", 0, paths_none,
		"change file modes (no setuid/setgid/sticky) and times; no extended attributes",
		CAPS(CAP(FOWNER))),
	PROMISE(CHOWN, "chown", 0, paths_none, "change file owners", CAPS(CAP(CHOWN))),
	PROMISE(FLOCK, "flock", 0, paths_none, "file locks (flock, fcntl locks)"),
	PROMISE(INET, "inet", 0, paths_none, "IPv4 and IPv6 TCP and UDP sockets",
		CAPS(CAP(NET_BIND_SERVICE))),
	PROMISE(MCAST, "mcast", 0, paths_none, "multicast membership and options"),
	PROMISE(UNIX, "unix", 0, paths_none, "AF_UNIX sockets (fd passing included)",
		/* bind() creates the socket's file */
		FS_EVERYWHERE(SCOPES_FS_MAKE_SOCK)),
	PROMISE(SENDFD, "sendfd", 0, paths_none, "sendmsg on any socket"),
	PROMISE(RECVFD, "recvfd", 0, paths_none, "recvmsg on any socket"),
	PROMISE(DNS, "dns", PATHSC, paths_dns, "name resolution: resolver traffic and its files",
		FS_BENEATH(SCOPES_FS_READ_FILE)),
	PROMISE(GETPW, "getpw", PATHSC, paths_getpw, "passwd and group lookups",
		FS_BENEATH(SCOPES_FS_READ_FILE)),
	PROMISE(TTY, "tty", PATHSC, paths_tty, "terminal control ioctls and /dev/tty",
		FS_BENEATH(SCOPES_FS_READ_FILE | SCOPES_FS_WRITE_FILE | SCOPES_FS_IOCTL_DEV)),
	PROMISE(PROC, "proc", 0, paths_none,
		"fork, signals to other processes, scheduling and process groups",
		CAPS(CAP(KILL) | CAP(SYS_NICE) | CAP(SYS_RESOURCE))),
	PROMISE(EXEC, "exec", 0, paths_none,
		"execve, with what a dynamically linked program needs to start",
		FS_EVERYWHERE(SCOPES_FS_EXECUTE),
		FS_SIDE(SCOPES_FS_READ_FILE, paths_loader, paths_programs)),
	PROMISE(PROT_EXEC, "prot_exec", 0, paths_none, "executable memory (PROT_EXEC)"),
	PROMISE(SETTIME, "settime", 0, paths_none, "set the system clock", CAPS(CAP(SYS_TIME))),
	PROMISE(ID, "id", 0, paths_none, "change user and group ids, limits, priority",
		CAPS(CAP(SETUID) | CAP(SETGID) | CAP(SYS_RESOURCE) | CAP(SYS_NICE))),
	PROMISE(PS, "ps", PATHSC, paths_ps, "read other processes' state under /proc",
		FS_BENEATH(FS_READ)),
	PROMISE(VMINFO, "vminfo", PATHSC, paths_vminfo, "read memory and CPU statistics",
		FS_BENEATH(FS_READ)),
	PROMISE(ROUTE, "route", 0, paths_none,
		"NETLINK_ROUTE sockets: read the routing tables (changes need wroute)"),
	PROMISE(UNVEIL, "unveil", 0, paths_none, "later calls to scopes_unveil"),
	PROMISE(ERROR, "error", SCOPES_PROMISE_MODIFIER, paths_none,
		"violations fail with ENOSYS instead of the penalty"),
	PROMISE(AUDIO, "audio", COMPAT, paths_none,
		"audio devices: grants nothing on Linux yet (no Landlock ioctl scoping used)"),
	PROMISE(VIDEO, "video", COMPAT, paths_none,
		"video devices: grants nothing on Linux yet (no Landlock ioctl scoping used)"),
	PROMISE(DRM, "drm", COMPAT, paths_none,
		"DRM devices: grants nothing on Linux yet (no Landlock ioctl scoping used)"),
	PROMISE(BPF, "bpf", COMPAT, paths_none, "OpenBSD /dev/bpf: no Linux equivalent, grants nothing"),
	PROMISE(PF, "pf", COMPAT, paths_none, "OpenBSD pf: no Linux equivalent, grants nothing"),
	PROMISE(TAPE, "tape", COMPAT, paths_none, "OpenBSD tape ioctls: grants nothing"),
	PROMISE(DISKLABEL, "disklabel", COMPAT, paths_none, "OpenBSD disklabel: grants nothing"),
	PROMISE(VMM, "vmm", COMPAT, paths_none, "OpenBSD vmm: grants nothing"),
	PROMISE(WROUTE, "wroute", COMPAT, paths_none,
		"route changes: keeps CAP_NET_ADMIN, which a route socket's writes need",
		CAPS(CAP(NET_ADMIN))),
};

/* -------------------------------------------------------------- open flags */

/* The creation bits: O_CREAT and O_TMPFILE's own bit. glibc's __O_TMPFILE is
 * that bit *with* O_DIRECTORY (O_TMPFILE is the pair; the kernel refuses the
 * bit alone), so it must not be masked whole: O_DIRECTORY in the mask refused
 * opendir() (O_RDONLY|O_DIRECTORY) under rpath. */
#define TMPFILE_BIT (__O_TMPFILE & ~O_DIRECTORY)
#define OCR (O_CREAT | TMPFILE_BIT)
#define NO_SUID_MODE 07000 /* setuid, setgid, sticky: never in a created mode */

/* Which promises an open needs, by access mode and creation:
 *   read (O_RDONLY, O_RDWR, and the ioctl-only mode 3)  -> rpath
 *   write (O_WRONLY, O_RDWR, mode 3, O_TRUNC)           -> wpath
 *   create (O_CREAT, O_TMPFILE)                         -> cpath, mode without 07000
 * One row per minimal combination. f = flags argument, m = mode argument. */
#define OPEN_ROWS(sys, f, m)                                                              \
	GRANTC(P(RPATH), sys, BITS(f, O_ACCMODE | OCR | O_TRUNC, O_RDONLY)),              \
	GRANTC(P(WPATH), sys, BITS(f, O_ACCMODE | OCR, O_WRONLY)),                        \
	GRANT_ALL(P(RPATH) | P(WPATH), sys, BITS(f, O_RDWR | OCR, O_RDWR)),               \
	GRANT_ALL(P(RPATH) | P(WPATH), sys, BITS(f, O_ACCMODE | OCR, O_RDONLY)),          \
	GRANT_ALL(P(RPATH) | P(CPATH), sys, BITS(f, O_ACCMODE | TMPFILE_BIT | O_TRUNC, O_RDONLY), \
		  BITS(m, NO_SUID_MODE, 0)),                                              \
	GRANT_ALL(P(WPATH) | P(CPATH), sys, BITS(f, O_ACCMODE, O_WRONLY),                 \
		  BITS(m, NO_SUID_MODE, 0)),                                              \
	GRANT_ALL(P(RPATH) | P(WPATH) | P(CPATH), sys, BITS(f, O_RDWR, O_RDWR),           \
		  BITS(m, NO_SUID_MODE, 0)),                                              \
	GRANT_ALL(P(RPATH) | P(WPATH) | P(CPATH), sys, BITS(f, O_ACCMODE, O_RDONLY),      \
		  BITS(m, NO_SUID_MODE, 0)),                                              \
	/* path-scoped promises: seccomp allows the verb, Landlock the place */           \
	GRANTF(P(DNS) | P(GETPW) | P(PS) | P(VMINFO), F_PS, sys,                            \
	       BITS(f, O_ACCMODE | OCR | O_TRUNC, O_RDONLY)),                             \
	/* never O_RDONLY|O_TRUNC: a read open that truncates, which Landlock     \
	 * checks only from ABI 3 (its truncate right; Debian 12's 6.1 has 2);   \
	 * a write open's truncation needs the write right, checked from ABI 1 */ \
	GRANTF(P(TMPPATH), F_PS, sys, BITS(f, OCR | O_TRUNC, 0)),                           \
	GRANTF(P(TMPPATH), F_PS, sys, BITS(f, OCR | O_TRUNC | O_WRONLY, O_TRUNC | O_WRONLY)), \
	GRANTF(P(TMPPATH), F_PS, sys, BITS(f, OCR | O_TRUNC | O_RDWR, O_TRUNC | O_RDWR)),   \
	GRANTF(P(TMPPATH), F_PS, sys, BITS(f, O_TRUNC, 0), BITS(m, NO_SUID_MODE, 0)),       \
	GRANTF(P(TMPPATH), F_PS, sys, BITS(f, O_TRUNC | O_WRONLY, O_TRUNC | O_WRONLY),      \
	       BITS(m, NO_SUID_MODE, 0)),                                                  \
	GRANTF(P(TMPPATH), F_PS, sys, BITS(f, O_TRUNC | O_RDWR, O_TRUNC | O_RDWR),          \
	       BITS(m, NO_SUID_MODE, 0)),                                                  \
	GRANTF(P(TTY), F_PS, sys, BITS(f, OCR | O_TRUNC, 0)),                               \
	/* the dynamic loader of an exec'd image reads its libraries */                  \
	GRANTF(P(EXEC), F_INC, sys, BITS(f, O_ACCMODE | OCR | O_TRUNC, O_RDONLY)),          \
	/* scopes_unveil opens its path with O_PATH to hand it to Landlock */             \
	GRANTC(P(UNVEIL), sys, BITS(f, O_ACCMODE | OCR | O_TRUNC | O_PATH, O_PATH))

/* ------------------------------------------------------------------ sockets */

#define SOCK_FLAGS (SOCK_CLOEXEC | SOCK_NONBLOCK)
#define SOCKET_ROW(any_, dom, type, proto)                                                \
	GRANTC(any_, "socket", EQ(0, dom), COND(1, ~(uint64_t)SOCK_FLAGS, type), EQ(2, proto))
#define INET_SOCKETS(any_, dom)                                                           \
	SOCKET_ROW(any_, dom, SOCK_STREAM, 0), SOCKET_ROW(any_, dom, SOCK_STREAM, IPPROTO_TCP), \
	SOCKET_ROW(any_, dom, SOCK_DGRAM, 0), SOCKET_ROW(any_, dom, SOCK_DGRAM, IPPROTO_UDP)

/* level and option paired: both get and set */
#define SOCKOPT(any_, level, opt)                                                         \
	GRANTC(any_, "setsockopt", EQ(1, level), EQ(2, opt)),                              \
	GRANTC(any_, "getsockopt", EQ(1, level), EQ(2, opt))
#define GETSOCKOPT(any_, level, opt) GRANTC(any_, "getsockopt", EQ(1, level), EQ(2, opt))
/* the same, needing all promises of all_ */
#define SOCKOPT_ALL(all_, level, opt)                                                     \
	GRANT_ALL(all_, "setsockopt", EQ(1, level), EQ(2, opt)),                           \
	GRANT_ALL(all_, "getsockopt", EQ(1, level), EQ(2, opt))

#define NET (P(INET) | P(UNIX))

/* Threads: the flags glibc's pthread_create passes must include these ... */
#define CLONE_THREAD_BITS (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)
/* ... and no promise creates namespaces (CLONE_NEWTIME is clone3-only). */
#define CLONE_NS_BITS                                                                     \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |    \
	 CLONE_NEWPID | CLONE_NEWNET)

/* x86's arch_prctl options (<asm/prctl.h>), spelled out: the table is built
 * for every arch, and older headers lack the shadow-stack ones. */
#define ARCHP_SET_GS         0x1001
#define ARCHP_SET_FS         0x1002
#define ARCHP_GET_FS         0x1003
#define ARCHP_GET_GS         0x1004
#define ARCHP_GET_CPUID      0x1011
#define ARCHP_GET_XCOMP_SUPP 0x1021
#define ARCHP_GET_XCOMP_PERM 0x1022
#define ARCHP_REQ_XCOMP_PERM 0x1023
#define ARCHP_OLD_CET        0x3000 /* 0x3000-0x3007: glibc's pre-upstream CET calls */
#define ARCHP_SHSTK_ENABLE   0x5001
#define ARCHP_SHSTK_LOCK     0x5003
#define ARCHP_SHSTK_STATUS   0x5005
#define ARCHP_SHSTK_SHSTK    0x1 /* the shadow stack itself, not WRSS */

#ifndef SO_TIMESTAMP_NEW
#define SO_TIMESTAMP_OLD 29
#define SO_TIMESTAMPNS_OLD 35
#define SO_TIMESTAMP_NEW 63
#define SO_TIMESTAMPNS_NEW 64
#endif
#ifndef SO_RCVTIMEO_NEW
#define SO_RCVTIMEO_NEW 66
#define SO_SNDTIMEO_NEW 67
#endif

/* ------------------------------------------------------------------ the rows */

const struct scopes_row scopes_rows[] = {
	/* ---- allowed under every pledge, even pledge("") */
	ALWAYS("exit", "a process can always end"),
	ALWAYS("exit_group", "a process can always end"),
	ALWAYS("rt_sigreturn", "returning from a signal handler"),
	ALWAYS("restart_syscall", "the kernel restarts an interrupted call"),
	ALWAYS("seccomp", "adding a filter only narrows; the other operations only query"),
	ALWAYSC("prctl", "a later, narrower pledge sets no_new_privs", EQ(0, PR_SET_NO_NEW_PRIVS)),
	/* A later pledge drops capabilities in every thread: dropping only
	 * narrows, and capset cannot go beyond the permitted set, which every
	 * pledge has cut down to what its promises need. */
	ALWAYSC("prctl", "a later, narrower pledge drops capabilities", EQ(0, PR_CAPBSET_DROP)),
	ALWAYSC("prctl", "a later, narrower pledge drops capabilities", EQ(0, PR_CAP_AMBIENT),
		EQ(1, PR_CAP_AMBIENT_LOWER)),
	ALWAYSC("prctl", "a later, narrower pledge drops capabilities", EQ(0, PR_CAP_AMBIENT),
		EQ(1, PR_CAP_AMBIENT_CLEAR_ALL)),
	ALWAYS("capset", "capabilities can only shrink: a pledge cut the permitted set to its promises' needs"),
	ALWAYS("landlock_create_ruleset", "Landlock only narrows (path-scoped promises, unveil)"),
	ALWAYS("landlock_add_rule", "Landlock only narrows (path-scoped promises, unveil)"),
	ALWAYS("landlock_restrict_self", "Landlock only narrows (path-scoped promises, unveil)"),

	/* ---- answered ENOSYS: their arguments live in memory a filter cannot
	 * read; libc falls back to clone and openat, which are checked. */
	ENOSYS_ROW("clone3", "its flags are in memory a filter cannot read; glibc falls back to clone"),
	ENOSYS_ROW("openat2", "its flags are in memory a filter cannot read; libc falls back to openat"),

	/* ---- stdio: descriptors already open */
	GRANT(P(STDIO), "read"),
	GRANT(P(STDIO), "write"),
	GRANT(P(STDIO), "readv"),
	GRANT(P(STDIO), "writev"),
	GRANT(P(STDIO), "pread64"),
	GRANT(P(STDIO), "pwrite64"),
	GRANT(P(STDIO), "preadv"),
	GRANT(P(STDIO), "pwritev"),
	GRANT(P(STDIO), "preadv2"),
	GRANT(P(STDIO), "pwritev2"),
	GRANT(P(STDIO), "lseek"),
	GRANT(P(STDIO), "fstat"),
	GRANT(P(STDIO), "fsync"),
	GRANT(P(STDIO), "fdatasync"),
	GRANT(P(STDIO), "sync_file_range"),
	GRANT(P(STDIO), "syncfs"),
	GRANT(P(STDIO), "sync"),
	GRANT(P(STDIO), "fadvise64"),
	GRANT(P(STDIO), "readahead"),
	GRANT(P(STDIO) | P(WPATH), "ftruncate"),
	GRANT(P(STDIO), "fallocate"),
	GRANT(P(STDIO), "sendfile"),
	GRANT(P(STDIO), "splice"),
	GRANT(P(STDIO), "tee"),
	GRANT(P(STDIO), "vmsplice"),
	GRANT(P(STDIO), "copy_file_range"),
	GRANT(P(STDIO), "cachestat"),
	GRANT(P(STDIO), "close"),
	GRANT(P(STDIO), "close_range"),
	GRANT(P(STDIO), "dup"),
	GRANT(P(STDIO), "dup2"),
	GRANT(P(STDIO), "dup3"),
	GRANT(P(STDIO), "pipe"),
	GRANT(P(STDIO), "pipe2"),
	GRANT(P(STDIO), "memfd_create"),
	GRANTC(P(STDIO), "socketpair", EQ(0, AF_UNIX)),
	GRANT(P(STDIO), "poll"),
	GRANT(P(STDIO), "ppoll"),
	GRANT(P(STDIO), "select"),
	GRANT(P(STDIO), "pselect6"),
	GRANT(P(STDIO), "epoll_create"),
	GRANT(P(STDIO), "epoll_create1"),
	GRANT(P(STDIO), "epoll_ctl"),
	GRANT(P(STDIO), "epoll_wait"),
	GRANT(P(STDIO), "epoll_pwait"),
	GRANT(P(STDIO), "epoll_pwait2"),
	GRANT(P(STDIO), "eventfd"),
	GRANT(P(STDIO), "eventfd2"),
	GRANT(P(STDIO), "timerfd_create"),
	GRANT(P(STDIO), "timerfd_settime"),
	GRANT(P(STDIO), "timerfd_gettime"),
	GRANT(P(STDIO), "signalfd"),
	GRANT(P(STDIO), "signalfd4"),
	GRANT(P(STDIO), "shutdown"),
	GRANT(P(STDIO), "recvfrom"),
	/* sendto on a connected socket only: a destination address needs inet/unix */
	GRANTC(P(STDIO), "sendto", EQ(4, 0)),
	/* glibc's fstat is newfstatat(fd, "", st, AT_EMPTY_PATH) since 2.33. The
	 * residual: a path with AT_EMPTY_PATH still stats that path (metadata
	 * only); a filter cannot tell "" from a path. */
	GRANTC(P(STDIO), "newfstatat", BITS(3, AT_EMPTY_PATH, AT_EMPTY_PATH)),
	GRANTC(P(STDIO), "statx", BITS(2, AT_EMPTY_PATH, AT_EMPTY_PATH)),

	/* ---- stdio: memory */
	GRANT(P(STDIO), "brk"),
	GRANT(P(STDIO), "munmap"),
	GRANT(P(STDIO), "mremap"),
	/* madvise: the advice allocators, loaders and runtimes give about their
	 * own memory (Revision 2). Never MADV_HWPOISON or MADV_SOFT_OFFLINE
	 * (as root they poison or offline shared page-cache pages), nor the
	 * KSM merge advice (a cross-process side channel). As masks:
	 * 0-3, 4 (DONTNEED), 8-11 (FREE, REMOVE, DONTFORK, DOFORK),
	 * 14-15 (NOHUGEPAGE pair), 16-23 (DONTDUMP .. POPULATE_WRITE),
	 * 24-25 (DONTNEED_LOCKED, COLLAPSE), 102-103 (GUARD_INSTALL/REMOVE). */
	GRANTC(P(STDIO), "madvise", BITS(2, ~3ULL, 0)),
	GRANTC(P(STDIO), "madvise", EQ(2, 4)),
	GRANTC(P(STDIO), "madvise", BITS(2, ~3ULL, 8)),
	GRANTC(P(STDIO), "madvise", BITS(2, ~1ULL, 14)),
	GRANTC(P(STDIO), "madvise", BITS(2, ~7ULL, 16)),
	GRANTC(P(STDIO), "madvise", BITS(2, ~1ULL, 24)),
	GRANTC(P(STDIO), "madvise", BITS(2, ~1ULL, 102)),
	GRANT(P(STDIO), "msync"),
	GRANT(P(STDIO), "mincore"),
	GRANT(P(STDIO), "pkey_alloc"),
	/* NUMA policy of the caller's own memory (libnuma, OpenMP runtimes at
	 * start-up); moving other processes' pages (MPOL_MF_MOVE_ALL) never */
	GRANT(P(STDIO), "get_mempolicy"),
	GRANT(P(STDIO), "set_mempolicy"),
	GRANT(P(STDIO), "set_mempolicy_home_node"),
	GRANTC(P(STDIO), "mbind", BITS(5, MPOL_MF_MOVE_ALL_BIT, 0)),
	GRANT(P(STDIO), "pkey_free"),
	GRANTC(P(STDIO), "mmap", BITS(2, PROT_EXEC, 0)),
	GRANTC(P(STDIO), "mprotect", BITS(2, PROT_EXEC, 0)),
	GRANTC(P(STDIO), "pkey_mprotect", BITS(2, PROT_EXEC, 0)),
	GRANT(P(PROT_EXEC), "mmap"),
	GRANT(P(PROT_EXEC), "mprotect"),
	GRANT(P(PROT_EXEC), "pkey_mprotect"),
	/* An exec'd image keeps this filter: its loader maps libraries
	 * executable. Only what a loader does (Revision 2): a file-backed,
	 * non-writable mapping; never anonymous executable memory, never
	 * mprotect to PROT_EXEC (RELRO only drops rights: stdio's mprotect). */
	GRANTF(P(EXEC), F_INC, "mmap", BITS(2, PROT_WRITE, 0), BITS(3, MAP_ANONYMOUS, 0)),

	/* ---- stdio: time, identity, system facts */
	GRANT(P(STDIO), "nanosleep"),
	GRANT(P(STDIO), "clock_nanosleep"),
	GRANT(P(STDIO), "clock_gettime"),
	GRANT(P(STDIO), "clock_getres"),
	GRANT(P(STDIO), "gettimeofday"),
	GRANT(P(STDIO), "time"),
	GRANT(P(STDIO), "getitimer"),
	GRANT(P(STDIO), "setitimer"),
	GRANT(P(STDIO), "alarm"),
	GRANT(P(STDIO), "pause"),
	GRANT(P(STDIO), "timer_create"),
	GRANT(P(STDIO), "timer_settime"),
	GRANT(P(STDIO), "timer_gettime"),
	GRANT(P(STDIO), "timer_getoverrun"),
	GRANT(P(STDIO), "timer_delete"),
	GRANT(P(STDIO), "getrandom"),
	GRANT(P(STDIO), "uname"),
	GRANT(P(STDIO), "sysinfo"),
	GRANT(P(STDIO), "getrusage"),
	GRANT(P(STDIO), "times"),
	GRANT(P(STDIO), "umask"),
	GRANT(P(STDIO), "getcpu"),
	GRANT(P(STDIO), "getpid"),
	GRANT(P(STDIO), "gettid"),
	GRANT(P(STDIO), "getppid"),
	GRANT(P(STDIO), "getuid"),
	GRANT(P(STDIO), "geteuid"),
	GRANT(P(STDIO), "getgid"),
	GRANT(P(STDIO), "getegid"),
	GRANT(P(STDIO), "getresuid"),
	GRANT(P(STDIO), "getresgid"),
	GRANT(P(STDIO), "getgroups"),
	GRANT(P(STDIO), "getpgrp"),
	GRANT(P(STDIO), "getpgid"),
	GRANT(P(STDIO), "getsid"),
	GRANT(P(STDIO), "capget"),
	GRANT(P(STDIO), "getrlimit"),
	/* reading a limit: the new-limit pointer is NULL */
	GRANTC(P(STDIO), "prlimit64", EQ(2, 0)),
	GRANT(P(PROC) | P(ID), "prlimit64"),
	GRANTC(P(STDIO), "personality", EQ(0, 0xffffffffu)),
	NEVER("personality", "personality flags such as READ_IMPLIES_EXEC weaken memory protections"),

	/* ---- stdio: processes and threads */
	GRANT(P(STDIO), "wait4"),
	GRANT(P(STDIO), "waitid"),
	GRANT(P(STDIO), "sched_yield"),
	GRANT(P(STDIO), "sched_getaffinity"),
	GRANT(P(STDIO), "futex"),
	GRANT(P(STDIO), "futex_waitv"),
	GRANT(P(STDIO), "futex_wake"),
	GRANT(P(STDIO), "futex_wait"),
	GRANT(P(STDIO), "futex_requeue"),
	GRANT(P(STDIO), "set_robust_list"),
	GRANT(P(STDIO), "rseq"),
	GRANT(P(STDIO), "set_tid_address"),
	GRANT(P(STDIO), "membarrier"),
	/* glibc sets the thread pointer with arch_prctl(ARCH_SET_FS) at every
	 * start; glibc built for CET probes 0x3001.. (unimplemented upstream:
	 * EINVAL) and newer ones enable and lock the shadow stack. The other
	 * options map a fresh executable vDSO at a chosen address
	 * (ARCH_MAP_VDSO_*: executable memory without PROT_EXEC) or weaken the
	 * shadow stack (disable, unlock, WRSS): prot_exec. */
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_SET_FS)),
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_GET_FS)),
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_SET_GS)),
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_GET_GS)),
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_GET_CPUID)),
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_GET_XCOMP_SUPP)),
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_GET_XCOMP_PERM)),
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_REQ_XCOMP_PERM)),
	GRANTC(P(STDIO), "arch_prctl", BITS(0, ~7ULL, ARCHP_OLD_CET)),
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_SHSTK_ENABLE), EQ(1, ARCHP_SHSTK_SHSTK)),
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_SHSTK_LOCK)),
	GRANTC(P(STDIO), "arch_prctl", EQ(0, ARCHP_SHSTK_STATUS)),
	GRANT(P(PROT_EXEC), "arch_prctl"),
	GRANTC(P(STDIO), "clone", BITS(0, CLONE_THREAD_BITS | CLONE_NS_BITS, CLONE_THREAD_BITS)),
	GRANTC(P(PROC), "clone", BITS(0, CLONE_NS_BITS, 0)),
	GRANT(P(PROC), "fork"),
	GRANT(P(PROC), "vfork"),

	/* ---- stdio: signals */
	GRANT(P(STDIO), "rt_sigaction"),
	GRANT(P(STDIO), "rt_sigprocmask"),
	GRANT(P(STDIO), "sigaltstack"),
	GRANT(P(STDIO), "rt_sigsuspend"),
	GRANT(P(STDIO), "rt_sigpending"),
	GRANT(P(STDIO), "rt_sigtimedwait"),
	/* own process only: the pid is bound when the filter is applied */
	GRANTC(P(STDIO), "kill", EQ(0, SCOPES_VALUE_SELF_PID)),
	GRANTC(P(STDIO), "tgkill", EQ(0, SCOPES_VALUE_SELF_PID)),
	/* the library's own broadcast to the process's threads (threads.c) */
	GRANTC(P(STDIO), "rt_tgsigqueueinfo", EQ(0, SCOPES_VALUE_SELF_PID)),
	GRANT(P(PROC), "kill"),
	GRANT(P(PROC), "tgkill"),
	GRANT(P(PROC), "tkill"),
	GRANT(P(PROC), "rt_sigqueueinfo"),
	GRANT(P(PROC), "rt_tgsigqueueinfo"),
	GRANT(P(PROC), "pidfd_open"),
	GRANT(P(PROC), "pidfd_send_signal"),

	/* ---- stdio: fcntl and ioctl, by command */
	GRANTC(P(STDIO), "fcntl", EQ(1, F_DUPFD)),
	GRANTC(P(STDIO), "fcntl", EQ(1, F_DUPFD_CLOEXEC)),
	GRANTC(P(STDIO), "fcntl", EQ(1, F_GETFD)),
	GRANTC(P(STDIO), "fcntl", EQ(1, F_SETFD)),
	GRANTC(P(STDIO), "fcntl", EQ(1, F_GETFL)),
	GRANTC(P(STDIO), "fcntl", EQ(1, F_SETFL)),
	GRANTC(P(FLOCK), "fcntl", EQ(1, F_GETLK)),
	GRANTC(P(FLOCK), "fcntl", EQ(1, F_SETLK)),
	GRANTC(P(FLOCK), "fcntl", EQ(1, F_SETLKW)),
	GRANTC(P(FLOCK), "fcntl", EQ(1, F_OFD_GETLK)),
	GRANTC(P(FLOCK), "fcntl", EQ(1, F_OFD_SETLK)),
	GRANTC(P(FLOCK), "fcntl", EQ(1, F_OFD_SETLKW)),
	GRANT(P(FLOCK), "flock"),

	GRANTC(P(STDIO), "ioctl", EQ(1, FIONREAD)),
	GRANTC(P(STDIO), "ioctl", EQ(1, FIONBIO)),
	GRANTC(P(STDIO), "ioctl", EQ(1, FIOCLEX)),
	GRANTC(P(STDIO), "ioctl", EQ(1, FIONCLEX)),
	/* glibc's isatty (printf to a terminal) */
	GRANTC(P(STDIO) | P(TTY), "ioctl", EQ(1, TCGETS)),
	GRANTC(P(INET), "ioctl", EQ(1, SIOCATMARK)),
	GRANTC(P(TTY), "ioctl", EQ(1, TCSETS)),
	GRANTC(P(TTY), "ioctl", EQ(1, TCSETSW)),
	GRANTC(P(TTY), "ioctl", EQ(1, TCSETSF)),
	GRANTC(P(TTY), "ioctl", EQ(1, TIOCGWINSZ)),
	GRANTC(P(TTY), "ioctl", EQ(1, TIOCSWINSZ)),
	GRANTC(P(TTY), "ioctl", EQ(1, TIOCGPGRP)),
	GRANTC(P(TTY), "ioctl", EQ(1, TIOCSPGRP)),
	GRANTC(P(TTY), "ioctl", EQ(1, TCFLSH)),
	GRANTC(P(TTY), "ioctl", EQ(1, TCXONC)),
	GRANTC(P(TTY), "ioctl", EQ(1, TCSBRK)),
	NEVERC("ioctl", "TIOCSTI injects input into a terminal", EQ(1, TIOCSTI)),
	NEVERC("ioctl", "TIOCLINUX can inject input into the console", EQ(1, TIOCLINUX)),

	GRANTC(P(STDIO), "prctl", EQ(0, PR_SET_NAME)),
	GRANTC(P(STDIO), "prctl", EQ(0, PR_GET_NAME)),
	GRANTC(P(STDIO), "prctl", EQ(0, PR_GET_SECCOMP)),
	GRANTC(P(STDIO), "prctl", EQ(0, PR_SET_SECCOMP)),
	GRANTC(P(STDIO), "prctl", EQ(0, PR_CAPBSET_READ)),
	GRANTC(P(STDIO), "prctl", EQ(0, PR_GET_SECUREBITS)), /* libcap-ng, shadow's tools */

	/* ---- rpath, wpath, cpath: the file system */
	OPEN_ROWS("open", 1, 2),
	OPEN_ROWS("openat", 2, 3),
	GRANT_ALL(P(WPATH) | P(CPATH), "creat", BITS(1, NO_SUID_MODE, 0)),
	GRANTF(P(TMPPATH), F_PS, "creat", BITS(1, NO_SUID_MODE, 0)),

	GRANT(P(RPATH) | P(WPATH), "stat"),
	GRANT(P(RPATH) | P(WPATH), "lstat"),
	GRANT(P(RPATH) | P(WPATH), "newfstatat"),
	GRANT(P(RPATH) | P(WPATH), "statx"),
	GRANT(P(RPATH) | P(WPATH), "access"),
	GRANT(P(RPATH) | P(WPATH), "faccessat"),
	GRANT(P(RPATH) | P(WPATH), "faccessat2"),
	GRANT(P(RPATH) | P(WPATH), "getcwd"),
	GRANT(P(RPATH), "readlink"),
	GRANT(P(RPATH), "readlinkat"),
	GRANT(P(RPATH), "getdents"),
	GRANT(P(RPATH), "getdents64"),
	GRANT(P(RPATH), "chdir"),
	GRANT(P(RPATH), "fchdir"),
	GRANT(P(RPATH), "statfs"),
	GRANT(P(RPATH), "fstatfs"),
	GRANT(P(RPATH), "getxattr"),
	GRANT(P(RPATH), "lgetxattr"),
	GRANT(P(RPATH), "fgetxattr"),
	GRANT(P(RPATH), "listxattr"),
	GRANT(P(RPATH), "llistxattr"),
	GRANT(P(RPATH), "flistxattr"),
	GRANT(P(RPATH), "inotify_init"),
	GRANT(P(RPATH), "inotify_init1"),
	GRANT(P(RPATH), "inotify_add_watch"),
	GRANT(P(RPATH), "inotify_rm_watch"),
	GRANT(P(WPATH), "truncate"),

	/* Landlock cannot restrict stat(2) or readlink(2): under a path-scoped
	 * promise these see metadata of any path (never contents). */
	GRANTF0(P(DNS) | P(GETPW) | P(PS) | P(VMINFO) | P(TMPPATH), F_PS, "stat"),
	GRANTF0(P(DNS) | P(GETPW) | P(PS) | P(VMINFO) | P(TMPPATH), F_PS, "lstat"),
	GRANTF0(P(DNS) | P(GETPW) | P(PS) | P(VMINFO) | P(TMPPATH), F_PS, "newfstatat"),
	GRANTF0(P(DNS) | P(GETPW) | P(PS) | P(VMINFO) | P(TMPPATH), F_PS, "statx"),
	GRANTF0(P(DNS) | P(GETPW) | P(PS) | P(VMINFO) | P(TMPPATH), F_PS, "access"),
	GRANTF0(P(DNS) | P(GETPW) | P(PS) | P(VMINFO) | P(TMPPATH), F_PS, "faccessat"),
	GRANTF0(P(DNS) | P(GETPW) | P(PS) | P(VMINFO) | P(TMPPATH), F_PS, "faccessat2"),
	GRANTF0(P(PS) | P(VMINFO) | P(TMPPATH), F_PS, "getdents64"),
	GRANTF0(P(PS), F_PS, "readlink"),
	GRANTF0(P(PS), F_PS, "readlinkat"),
	GRANTF0(P(TMPPATH), F_PS, "unlink"),
	GRANTF0(P(TMPPATH), F_PS, "unlinkat"),
	GRANTF0(P(TMPPATH), F_PS, "rmdir"),
	GRANTF(P(TMPPATH), F_PS, "mkdir", BITS(1, NO_SUID_MODE, 0)),
	GRANTF(P(TMPPATH), F_PS, "mkdirat", BITS(2, NO_SUID_MODE, 0)),
	/* the loader of an exec'd image looks for /etc/ld.so.preload, and
	 * stats the directories of a RUNPATH ($ORIGIN, build trees) */
	GRANTF0(P(EXEC), F_INC, "access"),
	GRANTF0(P(EXEC), F_INC, "faccessat"),
	GRANTF0(P(EXEC), F_INC, "readlink"),
	GRANTF0(P(EXEC), F_INC, "newfstatat"),
	GRANTF0(P(EXEC), F_INC, "stat"),

	GRANTC(P(CPATH), "mkdir", BITS(1, NO_SUID_MODE, 0)),
	GRANTC(P(CPATH), "mkdirat", BITS(2, NO_SUID_MODE, 0)),
	GRANT(P(CPATH), "rmdir"),
	GRANT(P(CPATH), "unlink"),
	GRANT(P(CPATH), "unlinkat"),
	GRANT(P(CPATH), "rename"),
	GRANT(P(CPATH), "renameat"),
	GRANT(P(CPATH), "renameat2"),
	GRANT(P(CPATH), "link"),
	GRANT(P(CPATH), "linkat"),
	GRANT(P(CPATH), "symlink"),
	GRANT(P(CPATH), "symlinkat"),

	/* dpath: FIFOs only, never device nodes or regular files */
	GRANTC(P(DPATH), "mknod", BITS(1, S_IFMT | NO_SUID_MODE, S_IFIFO)),
	GRANTC(P(DPATH), "mknodat", BITS(2, S_IFMT | NO_SUID_MODE, S_IFIFO)),

	/* fattr: modes without setuid/setgid/sticky, times, extended attributes */
	GRANTC(P(FATTR), "chmod", BITS(1, NO_SUID_MODE, 0)),
	GRANTC(P(FATTR), "fchmod", BITS(1, NO_SUID_MODE, 0)),
	GRANTC(P(FATTR), "fchmodat", BITS(2, NO_SUID_MODE, 0)),
	GRANTC(P(FATTR), "fchmodat2", BITS(2, NO_SUID_MODE, 0)),
	GRANT(P(FATTR), "utime"),
	GRANT(P(FATTR), "utimes"),
	GRANT(P(FATTR), "futimesat"),
	GRANT(P(FATTR), "utimensat"),
	/* Extended attributes are not fattr's (OpenBSD has none, Revision 2):
	 * security.capability makes a file-capability binary, security.* labels
	 * feed LSMs. A filter cannot read the attribute's name, so every write
	 * is refused; under fattr with EOPNOTSUPP, as a file system without
	 * xattrs answers (cp -a, tar and rsync go on without them). */
	XATTR_FAIL("setxattr"),
	XATTR_FAIL("lsetxattr"),
	XATTR_FAIL("fsetxattr"),
	XATTR_FAIL("removexattr"),
	XATTR_FAIL("lremovexattr"),
	XATTR_FAIL("fremovexattr"),

	GRANT(P(CHOWN), "chown"),
	GRANT(P(CHOWN), "fchown"),
	GRANT(P(CHOWN), "lchown"),
	GRANT(P(CHOWN), "fchownat"),

	/* ---- inet, unix, dns, route: sockets */
	INET_SOCKETS(P(INET) | P(DNS), AF_INET),
	INET_SOCKETS(P(INET) | P(DNS), AF_INET6),
	SOCKET_ROW(P(UNIX), AF_UNIX, SOCK_STREAM, 0),
	SOCKET_ROW(P(UNIX), AF_UNIX, SOCK_DGRAM, 0),
	SOCKET_ROW(P(UNIX), AF_UNIX, SOCK_SEQPACKET, 0),
	/* inet too: glibc's getifaddrs() reads the interfaces and addresses
	 * over NETLINK_ROUTE, and OpenBSD allows getifaddrs() under inet (bgpd's
	 * session engine calls it); a change needs CAP_NET_ADMIN, which every
	 * pledge without wroute drops */
	SOCKET_ROW(P(ROUTE) | P(INET), AF_NETLINK, SOCK_RAW, NETLINK_ROUTE),
	/* getaddrinfo's AI_ADDRCONFIG asks the kernel for the local addresses
	 * over NETLINK_ROUTE, and assumes both families when it cannot: dns
	 * alone gets no netlink socket */
	FAILC(P(DNS), P(ROUTE) | P(INET), 13 /* EACCES */, "socket",
	      "dns gets no netlink socket; glibc's AI_ADDRCONFIG probe falls back",
	      EQ(0, AF_NETLINK)),
	SOCKET_ROW(P(ROUTE) | P(INET), AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE),
	/* glibc asks nscd first (AF_UNIX connect) and falls back to the files
	 * when that fails: answer EACCES rather than kill for it */
	FAILC(P(GETPW) | P(DNS), P(UNIX), 13 /* EACCES */, "socket",
	      "glibc's nscd probe fails and libc falls back to the files", EQ(0, AF_UNIX)),
	GRANT(NET | P(DNS), "connect"),
	GRANT(NET | P(ROUTE), "bind"),
	GRANT(NET, "listen"),
	GRANT(NET, "accept"),
	GRANT(NET, "accept4"),
	GRANT(NET | P(DNS) | P(ROUTE), "getsockname"),
	GRANT(NET, "getpeername"),
	/* dns sends on its connected sockets (stdio's sendto without an
	 * address); route addresses the kernel (sockaddr_nl) */
	GRANT(NET | P(ROUTE), "sendto"),
	GRANT(NET | P(DNS) | P(ROUTE), "recvfrom"),
	/* Messages on descriptors already open are stdio's, as on OpenBSD:
	 * privilege-separated programs pass every message with them (imsg).
	 * Passing descriptors is what sendfd/recvfd add, but a filter cannot
	 * see SCM_RIGHTS: a pledge without recvfd sets SO_PASSRIGHTS to 0 on
	 * the process's AF_UNIX sockets where the kernel has it (6.16), so no
	 * descriptor can be sent to them; sockets made after the pledge and
	 * descriptors already in flight are the documented residue. */
	GRANT(P(STDIO) | NET | P(SENDFD), "sendmsg"),
	GRANT(P(STDIO) | NET | P(ROUTE) | P(RECVFD), "recvmsg"),
	GRANT(P(STDIO) | NET | P(DNS) | P(SENDFD), "sendmmsg"),
	GRANT(P(STDIO) | NET | P(RECVFD), "recvmmsg"),

	SOCKOPT(NET, SOL_SOCKET, SO_REUSEADDR),
	SOCKOPT(NET, SOL_SOCKET, SO_REUSEPORT),
	SOCKOPT(NET, SOL_SOCKET, SO_KEEPALIVE),
	SOCKOPT(NET, SOL_SOCKET, SO_RCVBUF),
	SOCKOPT(NET, SOL_SOCKET, SO_SNDBUF),
	SOCKOPT(NET, SOL_SOCKET, SO_RCVLOWAT),
	SOCKOPT(NET, SOL_SOCKET, SO_RCVTIMEO_OLD),
	SOCKOPT(NET, SOL_SOCKET, SO_SNDTIMEO_OLD),
	SOCKOPT(NET, SOL_SOCKET, SO_RCVTIMEO_NEW),
	SOCKOPT(NET, SOL_SOCKET, SO_SNDTIMEO_NEW),
	SOCKOPT(NET, SOL_SOCKET, SO_LINGER),
	SOCKOPT(NET, SOL_SOCKET, SO_BROADCAST),
	SOCKOPT(NET, SOL_SOCKET, SO_OOBINLINE),
	/* OpenBSD's inet and unix take every SOL_SOCKET option but SO_RTABLE;
	 * Linux has options that widen (SO_PASSRIGHTS back to 1) or reach the
	 * kernel (socket filters), so these are named: what real programs use
	 * (openntpd's SO_TIMESTAMP, inetd -d's SO_DEBUG). The privileged ones
	 * (SO_DEBUG, SO_PRIORITY above 6) need a capability a pledge dropped. */
	SOCKOPT(NET, SOL_SOCKET, SO_DEBUG),
	SOCKOPT(NET, SOL_SOCKET, SO_DONTROUTE),
	SOCKOPT(NET, SOL_SOCKET, SO_PRIORITY),
	SOCKOPT(NET, SOL_SOCKET, SO_SNDLOWAT),
	SOCKOPT(NET | P(DNS), SOL_SOCKET, SO_TIMESTAMP_OLD),
	SOCKOPT(NET | P(DNS), SOL_SOCKET, SO_TIMESTAMPNS_OLD),
	SOCKOPT(NET | P(DNS), SOL_SOCKET, SO_TIMESTAMP_NEW),
	SOCKOPT(NET | P(DNS), SOL_SOCKET, SO_TIMESTAMPNS_NEW),
	SOCKOPT(P(UNIX), SOL_SOCKET, SO_PASSCRED),
	GETSOCKOPT(NET | P(DNS), SOL_SOCKET, SO_ERROR),
	GETSOCKOPT(NET, SOL_SOCKET, SO_TYPE),
	GETSOCKOPT(NET, SOL_SOCKET, SO_DOMAIN),
	GETSOCKOPT(NET, SOL_SOCKET, SO_PROTOCOL),
	GETSOCKOPT(NET, SOL_SOCKET, SO_ACCEPTCONN),
	GETSOCKOPT(P(UNIX), SOL_SOCKET, SO_PEERCRED),
	SOCKOPT(P(INET), IPPROTO_TCP, TCP_NODELAY),
	SOCKOPT(P(INET), IPPROTO_TCP, TCP_MAXSEG),
	SOCKOPT(P(INET), IPPROTO_TCP, TCP_CORK),
	SOCKOPT(P(INET), IPPROTO_TCP, TCP_KEEPIDLE),
	SOCKOPT(P(INET), IPPROTO_TCP, TCP_KEEPINTVL),
	SOCKOPT(P(INET), IPPROTO_TCP, TCP_KEEPCNT),
	SOCKOPT(P(INET), IPPROTO_TCP, TCP_USER_TIMEOUT),
	GETSOCKOPT(P(INET), IPPROTO_TCP, TCP_INFO),
	SOCKOPT(P(INET), IPPROTO_IP, IP_TOS),
	SOCKOPT(P(INET), IPPROTO_IP, IP_TTL),
	SOCKOPT(P(INET), IPPROTO_IP, IP_PKTINFO),
	SOCKOPT(P(INET), IPPROTO_IP, IP_MTU_DISCOVER),
	SOCKOPT(P(INET) | P(DNS), IPPROTO_IP, IP_RECVERR),
	SOCKOPT(P(INET), IPPROTO_IPV6, IPV6_V6ONLY),
	SOCKOPT(P(INET), IPPROTO_IPV6, IPV6_TCLASS),
	SOCKOPT(P(INET), IPPROTO_IPV6, IPV6_UNICAST_HOPS),
	SOCKOPT(P(INET), IPPROTO_IPV6, IPV6_RECVPKTINFO),
	SOCKOPT(P(INET), IPPROTO_IPV6, IPV6_MTU_DISCOVER),
	SOCKOPT(P(INET) | P(DNS), IPPROTO_IPV6, IPV6_RECVERR),
	/* mcast: with inet, as OpenBSD (docs/promises.md: "with inet"); alone it grants nothing */
	SOCKOPT_ALL(P(INET) | P(MCAST), IPPROTO_IP, IP_MULTICAST_IF),
	SOCKOPT_ALL(P(INET) | P(MCAST), IPPROTO_IP, IP_MULTICAST_TTL),
	SOCKOPT_ALL(P(INET) | P(MCAST), IPPROTO_IP, IP_MULTICAST_LOOP),
	SOCKOPT_ALL(P(INET) | P(MCAST), IPPROTO_IP, IP_ADD_MEMBERSHIP),
	SOCKOPT_ALL(P(INET) | P(MCAST), IPPROTO_IP, IP_DROP_MEMBERSHIP),
	SOCKOPT_ALL(P(INET) | P(MCAST), IPPROTO_IPV6, IPV6_MULTICAST_IF),
	SOCKOPT_ALL(P(INET) | P(MCAST), IPPROTO_IPV6, IPV6_MULTICAST_HOPS),
	SOCKOPT_ALL(P(INET) | P(MCAST), IPPROTO_IPV6, IPV6_MULTICAST_LOOP),
	SOCKOPT_ALL(P(INET) | P(MCAST), IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP),
	SOCKOPT_ALL(P(INET) | P(MCAST), IPPROTO_IPV6, IPV6_DROP_MEMBERSHIP),

	/* ---- proc */
	GRANT(P(PROC), "setpgid"),
	GRANT(P(PROC), "setsid"),
	GRANT(P(PROC) | P(ID), "getpriority"),
	GRANT(P(PROC) | P(ID), "setpriority"),
	GRANT(P(PROC), "sched_setscheduler"),
	GRANT(P(PROC), "sched_getscheduler"),
	GRANT(P(PROC), "sched_setparam"),
	GRANT(P(PROC), "sched_getparam"),
	GRANT(P(PROC), "sched_setaffinity"),
	GRANT(P(PROC), "sched_setattr"),
	GRANT(P(PROC), "sched_getattr"),
	GRANT(P(PROC), "sched_get_priority_max"),
	GRANT(P(PROC), "sched_get_priority_min"),
	GRANT(P(PROC), "sched_rr_get_interval"),
	GRANT(P(PROC), "ioprio_get"),
	GRANT(P(PROC), "ioprio_set"),
	GRANT(P(PROC) | P(ID), "setrlimit"),

	/* ---- exec */
	GRANT(P(EXEC), "execve"),
	GRANT(P(EXEC), "execveat"),

	/* ---- reading the clock's adjustment: glibc's adjtime(NULL, &old) is
	 * clock_adjtime with modes 0 (ntpd asks it after pledging, as OpenBSD
	 * allows under any pledge). The modes are in memory a filter cannot
	 * read, but every change needs CAP_SYS_TIME, which only settime keeps
	 * (the capability drop), so stdio may make the call. */
	GRANT(P(STDIO) | P(SETTIME), "clock_adjtime"),
	GRANT(P(STDIO) | P(SETTIME), "adjtimex"),

	/* ---- settime */
	GRANT(P(SETTIME), "settimeofday"),
	GRANT(P(SETTIME), "clock_settime"),

	/* ---- id */
	GRANT(P(ID), "setuid"),
	GRANT(P(ID), "setgid"),
	GRANT(P(ID), "setreuid"),
	GRANT(P(ID), "setregid"),
	GRANT(P(ID), "setresuid"),
	GRANT(P(ID), "setresgid"),
	GRANT(P(ID), "setgroups"),
	GRANT(P(ID), "setfsuid"),
	GRANT(P(ID), "setfsgid"),

	/* ---- never granted, with the reason a report gives */
	NEVER("ptrace", "ptrace cannot be sandboxed"),
	NEVER("process_vm_readv", "it reads another process's memory"),
	NEVER("process_vm_writev", "it writes another process's memory"),
	NEVER("process_madvise", "it acts on another process's memory"),
	NEVER("process_mrelease", "it acts on another process's memory"),
	NEVER("pidfd_getfd", "it takes a descriptor out of another process"),
	NEVER("kcmp", "it compares kernel objects of other processes"),
	NEVER("get_robust_list", "it reads another thread's robust-futex list"),
	NEVER("io_uring_setup", "io_uring operations bypass seccomp"),
	NEVER("io_uring_enter", "io_uring operations bypass seccomp"),
	NEVER("io_uring_register", "io_uring operations bypass seccomp"),
	NEVER("io_setup", "Linux AIO is kernel attack surface outside any promise"),
	NEVER("io_destroy", "Linux AIO is kernel attack surface outside any promise"),
	NEVER("io_getevents", "Linux AIO is kernel attack surface outside any promise"),
	NEVER("io_pgetevents", "Linux AIO is kernel attack surface outside any promise"),
	NEVER("io_submit", "Linux AIO is kernel attack surface outside any promise"),
	NEVER("io_cancel", "Linux AIO is kernel attack surface outside any promise"),
	NEVER("bpf", "eBPF programs reach into the kernel"),
	NEVER("perf_event_open", "perf events expose kernel and other processes' state"),
	NEVER("userfaultfd", "userfaultfd is a kernel exploitation primitive"),
	NEVER("kexec_load", "it replaces the running kernel"),
	NEVER("kexec_file_load", "it replaces the running kernel"),
	NEVER("init_module", "it loads kernel modules"),
	NEVER("finit_module", "it loads kernel modules"),
	NEVER("delete_module", "it removes kernel modules"),
	NEVER("mount", "it changes the mount table"),
	NEVER("umount2", "it changes the mount table"),
	NEVER("pivot_root", "it changes the root file system"),
	NEVER("chroot", "it changes the root directory"),
	NEVER("open_tree", "the mount API changes the mount table"),
	NEVER("move_mount", "the mount API changes the mount table"),
	NEVER("fsopen", "the mount API changes the mount table"),
	NEVER("fsconfig", "the mount API changes the mount table"),
	NEVER("fsmount", "the mount API changes the mount table"),
	NEVER("fspick", "the mount API changes the mount table"),
	NEVER("mount_setattr", "the mount API changes the mount table"),
	NEVER("unshare", "it creates namespaces"),
	NEVER("setns", "it enters other namespaces"),
	NEVER("keyctl", "kernel keyrings are shared beyond the process"),
	NEVER("add_key", "kernel keyrings are shared beyond the process"),
	NEVER("request_key", "kernel keyrings are shared beyond the process"),
	NEVER("modify_ldt", "it changes the CPU's segment tables"),
	NEVER("set_thread_area", "32-bit TLS segments are not for 64-bit programs"),
	NEVER("get_thread_area", "32-bit TLS segments are not for 64-bit programs"),
	NEVER("iopl", "it grants direct hardware I/O"),
	NEVER("ioperm", "it grants direct hardware I/O"),
	NEVER("reboot", "it reboots the machine"),
	NEVER("swapon", "it changes the machine's swap"),
	NEVER("swapoff", "it changes the machine's swap"),
	NEVER("acct", "it changes process accounting for the machine"),
	NEVER("quotactl", "it changes disk quotas"),
	NEVER("quotactl_fd", "it changes disk quotas"),
	NEVER("lookup_dcookie", "it resolves kernel directory cookies (profiling)"),
	NEVER("fanotify_init", "fanotify watches the whole file system"),
	NEVER("fanotify_mark", "fanotify watches the whole file system"),
	NEVER("name_to_handle_at", "file handles bypass path checks"),
	NEVER("open_by_handle_at", "file handles bypass path checks"),
	NEVER("sethostname", "it changes the host name"),
	NEVER("setdomainname", "it changes the domain name"),
	NEVER("syslog", "it reads or controls the kernel log"),
	NEVER("vhangup", "it hangs up the terminal"),
	NEVER("remap_file_pages", "deprecated, and it rearranges mappings outside mmap's checks"),
	NEVER("memfd_secret", "secret memory is outside any promise"),
	NEVER("map_shadow_stack", "shadow stacks are outside any promise"),
	NEVER("mlock", "locking memory is outside any promise (OpenBSD has none for it)"),
	NEVER("mlock2", "locking memory is outside any promise (OpenBSD has none for it)"),
	NEVER("munlock", "locking memory is outside any promise (OpenBSD has none for it)"),
	NEVER("mlockall", "locking memory is outside any promise (OpenBSD has none for it)"),
	NEVER("munlockall", "locking memory is outside any promise (OpenBSD has none for it)"),
	NEVER("migrate_pages", "it moves another process's pages"),
	NEVER("move_pages", "it moves another process's pages"),
	NEVER("shmget", "System V IPC objects are shared beyond the process"),
	NEVER("shmat", "System V IPC objects are shared beyond the process"),
	NEVER("shmctl", "System V IPC objects are shared beyond the process"),
	NEVER("shmdt", "System V IPC objects are shared beyond the process"),
	NEVER("semget", "System V IPC objects are shared beyond the process"),
	NEVER("semop", "System V IPC objects are shared beyond the process"),
	NEVER("semctl", "System V IPC objects are shared beyond the process"),
	NEVER("semtimedop", "System V IPC objects are shared beyond the process"),
	NEVER("msgget", "System V IPC objects are shared beyond the process"),
	NEVER("msgsnd", "System V IPC objects are shared beyond the process"),
	NEVER("msgrcv", "System V IPC objects are shared beyond the process"),
	NEVER("msgctl", "System V IPC objects are shared beyond the process"),
	NEVER("mq_open", "POSIX message queues are named objects outside any promise"),
	NEVER("mq_unlink", "POSIX message queues are named objects outside any promise"),
	NEVER("mq_timedsend", "POSIX message queues are named objects outside any promise"),
	NEVER("mq_timedreceive", "POSIX message queues are named objects outside any promise"),
	NEVER("mq_notify", "POSIX message queues are named objects outside any promise"),
	NEVER("mq_getsetattr", "POSIX message queues are named objects outside any promise"),
	NEVER("uselib", "obsolete: loads a library the a.out way"),
	NEVER("ustat", "obsolete"),
	NEVER("sysfs", "obsolete"),
	NEVER("_sysctl", "obsolete: removed from the kernel"),
	NEVER("nfsservctl", "obsolete: removed from the kernel"),
	NEVER("create_module", "obsolete: removed from the kernel"),
	NEVER("get_kernel_syms", "obsolete: removed from the kernel"),
	NEVER("query_module", "obsolete: removed from the kernel"),
	NEVER("getpmsg", "not implemented by the kernel"),
	NEVER("putpmsg", "not implemented by the kernel"),
	NEVER("afs_syscall", "not implemented by the kernel"),
	NEVER("tuxcall", "not implemented by the kernel"),
	NEVER("security", "not implemented by the kernel"),
	NEVER("vserver", "not implemented by the kernel"),
	NEVER("epoll_ctl_old", "not implemented by the kernel"),
	NEVER("epoll_wait_old", "not implemented by the kernel"),
};

const size_t scopes_rows_count = sizeof(scopes_rows) / sizeof(scopes_rows[0]);

/* ------------------------------------------------ while an unveil is in force */

const struct scopes_guard_row scopes_unveil_guard[] = {
	{ "chmod", -1, 0 },       { "fchmodat", -1, 0 },  { "fchmodat2", -1, 0 },
	{ "chown", -1, 0 },       { "lchown", -1, 0 },    { "fchownat", -1, 0 },
	{ "utime", -1, 0 },       { "utimes", -1, 0 },    { "futimesat", -1, 0 },
	{ "utimensat", 1, 0 },    { "setxattr", -1, 0 },  { "lsetxattr", -1, 0 },
	{ "removexattr", -1, 0 }, { "lremovexattr", -1, 0 },
	{ "truncate", -1, 3 },
};

const size_t scopes_unveil_guard_count = sizeof(scopes_unveil_guard) / sizeof(scopes_unveil_guard[0]);
