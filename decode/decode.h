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

/* Name of signal sig ("SIGSYS", "SIGRT_3"), or NULL outside 1..64. */
const char *decode_signal_name(uint64_t sig);

#endif
