/* SPDX-License-Identifier: MIT */
/*
 * decode — show a system call the way a developer reads it:
 *   openat(AT_FDCWD, "/etc/hostname", O_RDONLY|O_CLOEXEC)
 *
 * Display knowledge only (argument layouts and constant names); which
 * promise a call needs comes from the promise table, never from here.
 * Pure: no system calls, no global state beyond a lazily sorted const table.
 */
#ifndef SCOPES_TRACE_DECODE_H
#define SCOPES_TRACE_DECODE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Argument kinds, one letter per argument:
 *   F descriptor  D directory descriptor (AT_FDCWD)  P path or string
 *   O open flags  M file mode  X pointer or hex  I int  U unsigned  L 64-bit
 *   R mmap prot   G mmap flags  A AT_* flags  S socket domain  T socket type
 *   C ioctl request  K fcntl command  Q prctl option  N clone flags
 *   Z signal  E access mode
 */
const char *decode_kinds(const char *name);

/*
 * decode_object - where a call acts in the file system: the path argument
 * (*path_idx, with its directory descriptor argument in *dirfd_idx or -1),
 * or, for calls on a descriptor, the descriptor argument (*fd_idx).
 * Unknown calls give -1 everywhere. Returns 1 if either was found.
 */
int decode_object(const char *name, int *path_idx, int *dirfd_idx, int *fd_idx);

/*
 * decode_call - write the call into out (NUL-terminated, cut with "..." if
 * too long). args may be NULL (arguments unknown: "name(…)"); paths[i], when
 * not NULL, is the string read for argument i.
 * Returns the length written.
 */
size_t decode_call(char *out, size_t size, const char *name, const uint64_t *args,
		   const char *const paths[6]);

/* Helpers the report uses: the names of one value kind ("O", "R", ...). */
size_t decode_value(char *out, size_t size, char kind, uint64_t v);

#endif
