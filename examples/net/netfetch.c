/* SPDX-License-Identifier: MIT */
/*
 * netfetch - send one line to a TCP service and print its answer, pledged.
 *
 *   netfetch [--overstep] HOST PORT [MESSAGE]
 *
 * A network client needs the resolver only until it knows the address. So it
 * pledges "stdio inet dns", resolves, and narrows to "stdio inet" before it
 * connects and reads what the server sends: from then on, data from the
 * network cannot make it read /etc/hosts, /etc/resolv.conf or anything else.
 *
 * --overstep   after narrowing, resolve "localhost" as a confused client
 *              would (a violation: the resolver must open /etc/hosts, and
 *              `dns` is no longer held)
 *
 * Prints the server's answer on stdout and "netfetch: connected to ADDR port
 * PORT" on stderr; exits 0, or 1 with a message when resolving or connecting
 * fails, 2 for a usage error.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <scopes.h>

static const char *prog = "netfetch";

static void pledge_or_die(const char *promises)
{
	if (scopes_pledge(promises, NULL) != 0) {
		fprintf(stderr, "%s: scopes_pledge(\"%s\"): %s\n", prog, promises, strerror(errno));
		exit(1);
	}
}

static struct addrinfo *resolve(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	int rc = getaddrinfo(host, port, &hints, &res);

	if (rc != 0) {
		fprintf(stderr, "%s: %s port %s: %s\n", prog, host, port, gai_strerror(rc));
		exit(1);
	}
	return res;
}

/* Connect to the first address that answers; returns the socket or -1. */
static int connect_any(const struct addrinfo *res, char *addr, size_t addrlen)
{
	int saved = 0;

	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			const void *a = ai->ai_family == AF_INET6
						? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
						: (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
			inet_ntop(ai->ai_family, a, addr, (socklen_t)addrlen);
			return fd;
		}
		saved = errno;
		close(fd);
	}
	errno = saved;
	return -1;
}

int main(int argc, char **argv)
{
	int oversteps = 0;

	if (argc > 1 && strcmp(argv[1], "--overstep") == 0) {
		oversteps = 1;
		argv++;
		argc--;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s [--overstep] HOST PORT [MESSAGE]\n", prog);
		return 2;
	}
	const char *host = argv[1], *port = argv[2], *msg = argc == 4 ? argv[3] : "hello";

	/* Everything the resolver needs: its files (dns) and its sockets (inet). */
	pledge_or_die("stdio inet dns");
	struct addrinfo *res = resolve(host, port);

	/* The address is known: the resolver's files are out of reach from here. */
	pledge_or_die("stdio inet");
	if (oversteps) {
		struct addrinfo *again = resolve("localhost", port);
		fprintf(stderr, "%s: overstep: resolved again (the pledge did not hold)\n", prog);
		freeaddrinfo(again);
	}

	char addr[INET6_ADDRSTRLEN] = "";
	int fd = connect_any(res, addr, sizeof(addr));
	freeaddrinfo(res);
	if (fd < 0) {
		fprintf(stderr, "%s: connect to %s port %s: %s\n", prog, host, port, strerror(errno));
		return 1;
	}
	fprintf(stderr, "%s: connected to %s port %s\n", prog, addr, port);

	size_t len = strlen(msg);
	char line[4096];
	if (len + 1 > sizeof(line)) {
		fprintf(stderr, "%s: message too long\n", prog);
		return 2;
	}
	memcpy(line, msg, len);
	line[len++] = '\n';
	if (write(fd, line, len) != (ssize_t)len || shutdown(fd, SHUT_WR) != 0) {
		fprintf(stderr, "%s: send: %s\n", prog, strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n = read(fd, line, sizeof(line));
		if (n < 0) {
			fprintf(stderr, "%s: receive: %s\n", prog, strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		fwrite(line, 1, (size_t)n, stdout);
	}
	close(fd);
	return fflush(stdout) == 0 ? 0 : 1;
}
