/* SPDX-License-Identifier: MIT */
/*
 * Reading memory that may not be readable, without faulting: the bytes are
 * written into a private pipe (the kernel copies them with fault handling,
 * an unreadable page gives EFAULT) and read back. Used for string arguments
 * in the SIGSYS handler, where a fault would end the process mid-report.
 */
#ifndef SIGSYS_MEMPROBE_H
#define SIGSYS_MEMPROBE_H

#include <stddef.h>
#include <stdint.h>

/* Create the pipe (close-on-exec, non-blocking, moved to high descriptor
 * numbers so that a program reusing low numbers does not meet it).
 * Returns 0, or -1 with errno (EMFILE, ENFILE). Idempotent. Not
 * async-signal-safe. */
int memprobe_init(void);
/* The pipe's descriptors (read end, write end), -1 before memprobe_init(). */
int memprobe_read_fd(void);
int memprobe_write_fd(void);

/*
 * Copy up to len bytes at addr into dst. Returns how many leading bytes
 * were readable (0 when none, or when the probe is not initialised or was
 * closed). Stops early at a NUL when stop_at_nul (which is then copied).
 * Async-signal-safe; callers serialise (one pipe for the process).
 */
size_t memprobe_read(uint64_t addr, char *dst, size_t len, int stop_at_nul);

#endif
