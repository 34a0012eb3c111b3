/* SPDX-License-Identifier: MIT */
/*
 * The system call decoder: arch, number and six raw arguments in, a line
 * like `openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT|O_TRUNC, 0666)` out.
 *
 * Pure code: no allocation, no locks, no system call unless
 * DECODE_READ_STRINGS is given (then strings are read through memprobe,
 * which never faults) or a reader that makes one. Async-signal-safe. Knows argument signatures and flag
 * names for x86_64 and aarch64 (their open flags differ); what a promise
 * grants is not its business (that is scopes_query()).
 *
 * Syscall names come from libscopes (scopes_syscall_name): call
 * scopes_table_init() once before decoding, or names show as syscall_NR.
 */
#ifndef SIGSYS_DECODE_H
#define SIGSYS_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Read string arguments (paths, names) through memprobe_read(); without it
 * every pointer is shown as an address. */
#define DECODE_READ_STRINGS 0x1u

/* Longest string shown; longer ones end with "..." after the quote. */
#define DECODE_STR_MAX 128

/*
 * Where string arguments come from: read(ctx, addr, dst, len) copies up to
 * len bytes at addr (in the traced process, or this one) into dst and
 * returns how many leading bytes it could read (0: none). It must not fault
 * and, for use in a signal handler, be async-signal-safe.
 */
struct decode_reader {
	size_t (*read)(void *ctx, uint64_t addr, char *dst, size_t len);
	void *ctx;
};

/*
 * decode_syscall - format `name(arg, ...)` for syscall nr on arch (an
 * AUDIT_ARCH_* value: SCOPES_ARCH_X86_64 or SCOPES_ARCH_AARCH64; other
 * arches get names from the table and hex arguments).
 *
 * args:  the six raw arguments (unused ones are ignored).
 * flags: 0 or DECODE_READ_STRINGS.
 * buf, size: the output, always NUL-terminated when size > 0; output that
 *        does not fit is cut.
 * Returns the length written (excluding the NUL). Never fails.
 */
size_t decode_syscall(uint32_t arch, long nr, const uint64_t args[6], unsigned flags,
		      char *buf, size_t size);

/* decode_syscall with strings read through rd (NULL: no strings), e.g. from
 * another process's memory for a tracer, or from a fuzzer's buffer. */
size_t decode_syscall_read(uint32_t arch, long nr, const uint64_t args[6],
			   const struct decode_reader *rd, char *buf, size_t size);

/*
 * decode_path - the call's first path argument, read through memprobe, into
 * out (NUL-terminated). Returns its length, or 0 when the call has no path
 * argument (by the signatures above), the memory is unreadable, or the path
 * does not fit in size - 1 bytes. Async-signal-safe.
 */
size_t decode_path(uint32_t arch, long nr, const uint64_t args[6], char *out, size_t size);
/* decode_path with the path read through rd. */
size_t decode_path_read(uint32_t arch, long nr, const uint64_t args[6],
			const struct decode_reader *rd, char *out, size_t size);

/*
 * The decoder's names, by what an argument means, for those who print a
 * value in the same words as a decoded call: the man page generator
 * (man/gen-promises.c) and the tests. The names are those of glibc's
 * headers and the man pages for that argument: setsockopt's level is
 * SOL_SOCKET or IPPROTO_TCP, not SOL_TCP.
 */
enum decode_names {
	DECODE_OPEN_ACCMODE,  /* the O_ACCMODE field: O_RDONLY, O_WRONLY, O_RDWR */
	DECODE_OPEN_FLAGS,    /* open(2)'s other flags (they differ by arch) */
	DECODE_MODE_TYPE,     /* the S_IFMT field: S_IFREG, S_IFCHR, ... */
	DECODE_MODE_BITS,     /* S_ISUID, S_ISGID, S_ISVTX */
	DECODE_PROT,	      /* PROT_* bits */
	DECODE_MAP_FLAGS,     /* mmap's flags but the MAP_SHARED/MAP_PRIVATE field */
	DECODE_CLONE,	      /* CLONE_* bits but the exit signal */
	DECODE_AT_FLAGS,      /* AT_* bits */
	DECODE_SOCK_FLAGS,    /* SOCK_NONBLOCK, SOCK_CLOEXEC */
	DECODE_FCNTL,	      /* fcntl commands */
	DECODE_IOCTL,	      /* ioctl requests */
	DECODE_PRCTL,	      /* prctl options */
	DECODE_AF,	      /* address families */
	DECODE_SOCK_TYPE,     /* socket types without the flags */
	DECODE_IPPROTO,	      /* IPPROTO_* (socket's protocol: decode_sockproto_name) */
	DECODE_SOCKOPT_LEVEL, /* setsockopt's level */
	DECODE_SO,	      /* options at SOL_SOCKET */
	DECODE_IP,	      /* at IPPROTO_IP */
	DECODE_IPV6,	      /* at IPPROTO_IPV6 */
	DECODE_TCP,	      /* at IPPROTO_TCP */
};

/* decode_name - the name of value in set on arch (an AUDIT_ARCH_* value;
 * only open flags, PROT_* and MAP_* differ by arch), or NULL. For the bit
 * sets, the name of exactly that bit or bits. Async-signal-safe. */
const char *decode_name(uint32_t arch, enum decode_names set, uint64_t value);

/*
 * decode_flag_next - the next name of the bits in *v, lowest bit first (of
 * two flags at the same lowest bit, the wider: O_TMPFILE before
 * O_DIRECTORY), with its bits cleared from *v; NULL when no named flag is
 * left, and what is left in *v has no name. A decoded call's flags read in
 * this order. Async-signal-safe.
 */
const char *decode_flag_next(uint32_t arch, enum decode_names set, uint64_t *v);

/* The name of socket option optname at level (setsockopt's second and third
 * arguments), or NULL. */
const char *decode_sockopt_name(uint64_t level, uint64_t optname);

/* The name of socket's protocol in domain (its first argument): IPPROTO_*
 * for AF_INET and AF_INET6, NETLINK_* for AF_NETLINK; or NULL. */
const char *decode_sockproto_name(uint64_t domain, uint64_t protocol);

/* Entry i of set on arch: 1 with *value and *name set, 0 past the last one.
 * For tests that check every name against the system's headers. */
int decode_names_entry(uint32_t arch, enum decode_names set, size_t i, uint64_t *value,
		       const char **name);

/* Name of signal sig ("SIGSYS", "SIGRT_3"), or NULL outside 1..64. */
const char *decode_signal_name(uint64_t sig);

#endif
