/* SPDX-License-Identifier: MIT */
/* Fault-free memory reads through a pipe (see memprobe.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "memprobe.h"

/* High descriptor numbers: descriptors are allocated lowest first, so a
 * program that closes everything and opens again gets low numbers; ours
 * would have to be reused by a program holding about a thousand files. */
#define PROBE_FD_MIN 900

static int probe_fd[2] = { -1, -1 };
static size_t probe_page = 4096;

static int move_high(int fd)
{
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, PROBE_FD_MIN);
	if (hi < 0)
		return fd; /* RLIMIT_NOFILE below the mark: keep the low one */
	close(fd);
	return hi;
}

int memprobe_init(void)
{
	int p[2];

	if (probe_fd[0] >= 0)
		return 0;
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	long ps = sysconf(_SC_PAGESIZE);
	if (ps > 0)
		probe_page = (size_t)ps;
	probe_fd[0] = move_high(p[0]);
	probe_fd[1] = move_high(p[1]);
	return 0;
}

int memprobe_read_fd(void)
{
	return probe_fd[0];
}

int memprobe_write_fd(void)
{
	return probe_fd[1];
}

/* Read back what was just written; the pipe is ours and was empty. */
static ssize_t drain(char *dst, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(probe_fd[0], dst + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

size_t memprobe_read(uint64_t addr, char *dst, size_t len, int stop_at_nul)
{
	int saved = errno;
	size_t done = 0;
	char junk[64];

	if (probe_fd[0] < 0 || addr == 0)
		return 0;
	/* An empty pipe answers EAGAIN. Anything else means the descriptor is
	 * no longer our pipe (closed, or reused by the program): do not write
	 * into it. */
	if (read(probe_fd[0], junk, sizeof(junk)) >= 0 || errno != EAGAIN) {
		errno = saved;
		return 0;
	}
	while (done < len) {
		uint64_t a = addr + done;
		if (a < addr)
			break; /* wrapped around the address space */
		/* one page at a time: a page is readable as a whole or not */
		size_t chunk = probe_page - (size_t)(a % probe_page);
		if (chunk > len - done)
			chunk = len - done;
		ssize_t w;
		/* the raw call: sanitizers intercept write() and would check the
		 * very memory we are asking the kernel about */
		do
			w = syscall(SYS_write, probe_fd[1], (uintptr_t)a, chunk);
		while (w < 0 && errno == EINTR);
		if (w <= 0)
			break;
		if (drain(dst + done, (size_t)w) < 0)
			break;
		if (stop_at_nul) {
			for (size_t i = 0; i < (size_t)w; i++) {
				if (dst[done + i] == '\0') {
					errno = saved;
					return done + i + 1;
				}
			}
		}
		done += (size_t)w;
		if ((size_t)w < chunk)
			break;
	}
	errno = saved;
	return done;
}
