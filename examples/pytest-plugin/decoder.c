/* SPDX-License-Identifier: MIT */
/*
 * A tiny "decoder" for the scopes_pytest example: it reads the header of an
 * image file and says what it is. Built both as a program (decoder IN) and as
 * a shared library (decode_header, decode_buffer) so that the tests can run
 * the command under promises and call the C functions under promises.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const unsigned char png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

/* Classify a buffer: 1 for a PNG signature, 0 for anything else. Pure
 * computation: it needs no promise beyond what the caller holds. */
int decode_buffer(const unsigned char *buf, long len)
{
	return len >= 8 && memcmp(buf, png_magic, 8) == 0;
}

/* Read the header of path and classify it: 1 PNG, 0 other, -errno. */
int decode_header(const char *path)
{
	unsigned char b[8];
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	size_t n = fread(b, 1, sizeof(b), f);
	fclose(f);
	return decode_buffer(b, (long)n);
}

#ifdef DECODER_MAIN
int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: decoder IMAGE\n");
		return 2;
	}
	int r = decode_header(argv[1]);
	if (r < 0) {
		fprintf(stderr, "decoder: %s: %s\n", argv[1], strerror(-r));
		return 1;
	}
	printf("%s: %s\n", argv[1], r ? "PNG image" : "not a PNG image");
	return 0;
}
#endif
