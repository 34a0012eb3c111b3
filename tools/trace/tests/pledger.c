/* SPDX-License-Identifier: MIT */
/*
 * trace-pledger: a program that already pledges, for scopes-trace's
 * pledge-point split. It pledges "stdio rpath", reads a file (allowed),
 * narrows to "stdio", then reads the file again: a violation that
 * scopes-trace must report as "after scopes_pledge("stdio") the program
 * still needed rpath for openat(..., "/etc/hostname", O_RDONLY)".
 * Under scopes-trace the library runs in log mode (SCOPES_PENALTY=log), so
 * the violation is recorded rather than fatal.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <scopes.h>

static void read_file(const char *path)
{
	char b[64];
	int fd = open(path, O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, b, sizeof(b));
		(void)n;
		close(fd);
	}
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/etc/hostname";
	if (scopes_pledge("stdio rpath", NULL) != 0) {
		perror("scopes_pledge");
		return 3;
	}
	read_file(path);
	if (scopes_pledge("stdio", NULL) != 0) {
		perror("scopes_pledge");
		return 4;
	}
	read_file(path);
	return 0;
}
