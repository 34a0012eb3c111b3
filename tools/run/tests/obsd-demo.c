/* SPDX-License-Identifier: MIT */
/*
 * An OpenBSD-style program: it calls unveil(2) and pledge(2) as OpenBSD's
 * manual pages describe and knows nothing of seccomp-scopes. It builds
 * unchanged with
 *     cc -include scopes/pledge.h obsd-demo.c -lscopes
 *
 *   obsd-demo FILE [overstep]
 * Counts the lines of FILE through a temporary copy in /tmp; then shows that
 * the rest of the file system is out of reach; "overstep" then opens a
 * socket, which "stdio rpath tmppath" does not allow: the kernel kills it.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	char tmp[] = "/tmp/obsd-demo.XXXXXX";
	char line[4096];
	long lines = 0;
	FILE *in, *out;
	int fd;

	if (argc < 2)
		errx(1, "usage: obsd-demo file [overstep]");
	if (unveil(argv[1], "r") == -1)
		err(1, "unveil %s", argv[1]);
	if (unveil("/tmp", "rwc") == -1)
		err(1, "unveil /tmp");
	if (pledge("stdio rpath tmppath", NULL) == -1)
		err(1, "pledge");
	/* after the pledge, without "unveil": no more unveils */
	if (unveil("/etc", "r") != -1 || errno != EPERM)
		errx(1, "unveil after pledge was not refused with EPERM");

	if ((in = fopen(argv[1], "r")) == NULL)
		err(1, "%s", argv[1]);
	if ((fd = mkstemp(tmp)) == -1)
		err(1, "mkstemp");
	if ((out = fdopen(fd, "w+")) == NULL)
		err(1, "fdopen");
	while (fgets(line, sizeof(line), in) != NULL)
		fputs(line, out);
	rewind(out);
	while (fgets(line, sizeof(line), out) != NULL)
		lines++;
	fclose(out);
	fclose(in);
	if (unlink(tmp) == -1)
		err(1, "unlink %s", tmp);
	printf("lines %ld\n", lines);

	/* not unveiled: out of sight */
	if (fopen("/etc/passwd", "r") != NULL)
		errx(1, "/etc/passwd was readable");
	printf("/etc/passwd: %s\n", strerror(errno));
	fflush(stdout);

	if (argc > 2 && strcmp(argv[2], "overstep") == 0)
		socket(AF_INET, SOCK_STREAM, 0); /* no "inet": killed here */
	return 0;
}
