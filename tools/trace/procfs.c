/* SPDX-License-Identifier: MIT */
/*
 * Reading a traced process through /proc (see procfs.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfs.h"

/* ------------------------------------------------------------ interning */

#define INTERN_SLOTS 4096

static char *interned[INTERN_SLOTS];

const char *intern(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	for (size_t k = 0; k < INTERN_SLOTS; k++) {
		size_t i = (size_t)((h + k) % INTERN_SLOTS);
		if (!interned[i]) {
			interned[i] = strdup(s);
			return interned[i];
		}
		if (strcmp(interned[i], s) == 0)
			return interned[i];
	}
	return "?"; /* full: a module name is only for reports */
}

/* ---------------------------------------------------------------- files */

static int proc_open(long pid, const char *what, int flags)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%ld/%s", pid, what);
	return open(p, flags | O_CLOEXEC);
}

/* Read a whole small /proc file into a malloc'd NUL-terminated buffer. */
static char *slurp(long pid, const char *what, size_t *len)
{
	int fd = proc_open(pid, what, O_RDONLY);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *b = malloc(cap);
	while (b) {
		if (n + 1 >= cap) {
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, b + n, cap - n - 1);
		if (r < 0) {
			free(b);
			b = NULL;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (b) {
		b[n] = '\0';
		if (len)
			*len = n;
	}
	return b;
}

/* ----------------------------------------------------------------- maps */

void proc_maps_free(struct maps *m)
{
	free(m->ent);
	m->ent = NULL;
	m->n = 0;
}

int proc_maps_read(long pid, struct maps *m)
{
	char *text = slurp(pid, "maps", NULL);
	proc_maps_free(m);
	if (!text)
		return -1;
	size_t cap = 0;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		uint64_t lo, hi, off;
		char perms[8];
		int pos = 0;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*s %n", &lo, &hi, perms,
			   &off, &pos) < 4)
			continue;
		if (m->n == cap) {
			cap = cap ? cap * 2 : 64;
			struct map_ent *ne = realloc(m->ent, cap * sizeof(*ne));
			if (!ne)
				break;
			m->ent = ne;
		}
		const char *path = pos > 0 ? line + pos : "";
		while (*path == ' ')
			path++;
		m->ent[m->n++] = (struct map_ent){ lo, hi, off, perms[2] == 'x',
						   *path ? intern(path) : NULL };
	}
	free(text);
	return 0;
}

const struct map_ent *proc_maps_find(const struct maps *m, uint64_t addr)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) { /* maps are sorted by address */
		size_t mid = (lo + hi) / 2;
		if (addr < m->ent[mid].lo)
			hi = mid;
		else if (addr >= m->ent[mid].hi)
			lo = mid + 1;
		else
			return &m->ent[mid];
	}
	return NULL;
}

/* --------------------------------------------------------------- memory */

ssize_t proc_mem_read(long pid, uint64_t addr, void *buf, size_t n)
{
	int fd = proc_open(pid, "mem", O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t r = pread(fd, buf, n, (off_t)addr);
	close(fd);
	return r;
}

int proc_mem_string(long pid, uint64_t addr, char *out, size_t size)
{
	if (size < 4 || addr == 0)
		return -1;
	int fd = proc_open(pid, "mem", O_RDONLY);
	if (fd < 0)
		return -1;
	size_t got = 0;
	int ok = -1;
	while (got + 1 < size) {
		/* never read across a page boundary in one go: the next page may
		 * be unmapped while the string ends on this one */
		uint64_t a = addr + got;
		size_t chunk = 4096 - (size_t)(a & 4095);
		if (chunk > size - 1 - got)
			chunk = size - 1 - got;
		ssize_t r = pread(fd, out + got, chunk, (off_t)a);
		if (r <= 0)
			break;
		char *z = memchr(out + got, '\0', (size_t)r);
		if (z) {
			ok = 0;
			got = (size_t)(z - out);
			break;
		}
		got += (size_t)r;
		ok = 0;
	}
	close(fd);
	if (ok < 0)
		return -1;
	if (got + 1 >= size) /* cut: say so */
		memcpy(out + size - 4, "...", 4);
	else
		out[got] = '\0';
	return 0;
}

/* ----------------------------------------------------------- auxv, status */

int proc_auxv(long pid, struct auxv_info *a)
{
	size_t len;
	char *b = slurp(pid, "auxv", &len);
	memset(a, 0, sizeof(*a));
	if (!b)
		return -1;
	for (size_t i = 0; i + sizeof(Elf64_auxv_t) <= len; i += sizeof(Elf64_auxv_t)) {
		Elf64_auxv_t e;
		memcpy(&e, b + i, sizeof(e));
		switch (e.a_type) {
		case AT_BASE:
			a->base = e.a_un.a_val;
			break;
		case AT_ENTRY:
			a->entry = e.a_un.a_val;
			break;
		case AT_RANDOM:
			a->random = e.a_un.a_val;
			break;
		case AT_EXECFN:
			a->execfn = e.a_un.a_val;
			break;
		default:
			break;
		}
	}
	free(b);
	return len > 0 ? 0 : -1;
}

int proc_status(long tid, long *tgid, long *ppid)
{
	char *b = slurp(tid, "status", NULL);
	if (!b)
		return -1;
	int found = 0;
	for (char *line = b; line && *line;) {
		char *next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "Tgid: %ld", tgid) == 1)
			found |= 1;
		else if (sscanf(line, "PPid: %ld", ppid) == 1)
			found |= 2;
		line = next;
	}
	free(b);
	return found == 3 ? 0 : -1;
}

int proc_link(long pid, const char *what, char *out, size_t size)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%ld/%s", pid, what);
	ssize_t r = readlink(p, out, size - 1);
	if (r < 0)
		return -1;
	out[r] = '\0';
	return 0;
}

int proc_lowest_free_fd(long pid)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%ld/fd", pid);
	DIR *d = opendir(p);
	if (!d)
		return -1;
	unsigned char used[1024] = { 0 };
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (*end == '\0' && fd >= 0 && fd < (long)sizeof(used))
			used[fd] = 1;
	}
	closedir(d);
	for (int fd = 0; fd < (int)sizeof(used); fd++)
		if (!used[fd])
			return fd;
	return -1;
}

int proc_syscall_sp(long tid, uint64_t *sp, uint64_t *pc)
{
	char *b = slurp(tid, "syscall", NULL);
	if (!b)
		return -1;
	/* "nr a0 a1 a2 a3 a4 a5 sp pc" while blocked in a call */
	char *tok[9];
	int n = 0;
	for (char *save = NULL, *t = strtok_r(b, " \n", &save); t && n < 9;
	     t = strtok_r(NULL, " \n", &save))
		tok[n++] = t;
	int rc = -1;
	if (n == 9) {
		*sp = strtoull(tok[7], NULL, 16);
		*pc = strtoull(tok[8], NULL, 16);
		rc = 0;
	}
	free(b);
	return rc;
}

ssize_t read_small_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || size == 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}
