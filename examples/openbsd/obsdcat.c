/* SPDX-License-Identifier: MIT */
/*
 * obsdcat - print files from one directory, written the OpenBSD way.
 *
 *   obsdcat DIR FILE...
 *
 * This file is plain OpenBSD code: pledge(2) and unveil(2) come from
 * <unistd.h> there, and nothing here mentions Linux or seccomp-scopes. On
 * Linux it builds unchanged with
 *
 *     cc -include scopes/pledge.h obsdcat.c -lscopes
 *
 * which declares pledge() and unveil() and links them to libscopes.
 *
 * Only DIR is unveiled, for reading; a FILE outside it cannot be opened even
 * though "rpath" is held. (OpenBSD answers ENOENT for a path outside every
 * unveiled one; Linux's Landlock answers EACCES, so the message here reads
 * "Permission denied".)
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int cat(const char *path)
{
	char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd == -1) {
		warn("%s", path);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			err(1, "stdout");
	}
	if (n == -1) {
		warn("%s", path);
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char *argv[])
{
	int i, rc = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: obsdcat dir file ...\n");
		return 2;
	}
	if (unveil(argv[1], "r") == -1)
		err(1, "unveil %s", argv[1]);
	if (pledge("stdio rpath", NULL) == -1)
		err(1, "pledge");

	for (i = 2; i < argc; i++)
		rc |= cat(argv[i]);
	return rc;
}
