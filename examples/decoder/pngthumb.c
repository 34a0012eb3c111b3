/* SPDX-License-Identifier: MIT */
/*
 * pngthumb - make a thumbnail of a PNG image, with a pledge around the decoder.
 *
 *   pngthumb [-s SIZE] [-f png|ppm] [-r] [--overstep] INPUT OUTPUT
 *
 * Image decoders are where untrusted bytes meet a lot of C: the classic place
 * for a memory-safety bug an attacker can steer. The pattern is OpenBSD's:
 * acquire every resource first (open the input, create the output), then
 * pledge("stdio") *before looking at a single byte of data*. From then on a
 * hijacked decoder can read and write the two descriptors it was given and
 * nothing else: no open, no socket, no exec.
 *
 * -s SIZE      the thumbnail fits in SIZE x SIZE pixels (default 64; never
 *              enlarged)
 * -f FORMAT    png (default) or ppm (binary P6)
 * -r           report violations: install the SIGSYS reporter
 *              (libscopes-sigsys) before the pledge, when built with it
 * --overstep   after the pledge, open /etc/passwd as a hijacked decoder would:
 *              shows what a violation does (SIGSYS; a report with -r)
 *
 * On success prints "INPUT: WxH -> OUTPUT: WxH" and exits 0. A file that is
 * not a valid PNG, or is larger than 2^24 pixels, is refused with one line on
 * stderr and exit status 1; the output is then left empty (it was created
 * before the pledge, and removing it would need the cpath promise).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <scopes.h>
#ifdef PNGTHUMB_SIGSYS
#include <scopes/sigsys.h>
#endif

#define MAX_PIXELS (1u << 24)  /* 48 MiB of RGB: refuse anything larger */
#define MAX_SIDE 16384u        /* libpng's own per-side limit, set below */

static const char *prog = "pngthumb";

struct image {
	unsigned w, h;
	unsigned char *rgb; /* w * h * 3 bytes */
};

/* Where libpng's errors go: one message, then back to the setjmp. */
struct png_ctx {
	const char *name;
	char msg[256];
};

static void on_png_error(png_structp png, png_const_charp msg)
{
	struct png_ctx *ctx = png_get_error_ptr(png);

	snprintf(ctx->msg, sizeof(ctx->msg), "%s", msg);
	png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
	struct png_ctx *ctx = png_get_error_ptr(png);

	fprintf(stderr, "%s: %s: warning: %s\n", prog, ctx->name, msg);
}

/* Decode the whole image to 8-bit RGB. Returns 0, or -1 with ctx->msg set. */
static int decode(FILE *in, struct png_ctx *ctx, struct image *img)
{
	unsigned char sig[8];
	png_structp png = NULL;
	png_infop info = NULL;
	png_bytep *rows = NULL;
	/* volatile: assigned between setjmp and a possible longjmp */
	unsigned char *volatile rgb = NULL;
	png_bytep *volatile vrows = NULL;
	volatile int rc = -1;

	if (fread(sig, 1, sizeof(sig), in) != sizeof(sig) || png_sig_cmp(sig, 0, sizeof(sig))) {
		snprintf(ctx->msg, sizeof(ctx->msg), "not a PNG file");
		return -1;
	}
	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, ctx, on_png_error, on_png_warning);
	if (png)
		info = png_create_info_struct(png);
	if (!info) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		goto out;
	}
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_init_io(png, in);
	png_set_sig_bytes(png, sizeof(sig));
	png_set_user_limits(png, MAX_SIDE, MAX_SIDE);
	/* bound what ancillary chunks (text, profiles) may allocate */
	png_set_chunk_malloc_max(png, 1u << 20);
	png_read_info(png, info);

	png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
	if ((uint64_t)w * h > MAX_PIXELS) {
		snprintf(ctx->msg, sizeof(ctx->msg),
			 "%ux%u pixels is more than this decoder accepts (%u)", (unsigned)w,
			 (unsigned)h, MAX_PIXELS);
		goto out;
	}
	/* every format to 8-bit RGB: expand palettes and small grays, drop
	 * the low byte of 16-bit samples, drop alpha */
	png_set_expand(png);
	png_set_strip_16(png);
	png_set_strip_alpha(png);
	png_set_gray_to_rgb(png);
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if (png_get_rowbytes(png, info) != (size_t)w * 3) {
		snprintf(ctx->msg, sizeof(ctx->msg), "unexpected row size after conversion");
		goto out;
	}
	rgb = malloc((size_t)w * h * 3);
	vrows = malloc(h * sizeof(*rows));
	if (!rgb || !vrows) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		goto out;
	}
	rows = vrows;
	for (png_uint_32 y = 0; y < h; y++)
		rows[y] = rgb + (size_t)y * w * 3;
	png_read_image(png, rows);
	/* the chunks after the image: their CRCs and the file's proper end */
	png_read_end(png, NULL);
	img->w = w;
	img->h = h;
	img->rgb = rgb;
	rgb = NULL;
	rc = 0;
out:
	png_destroy_read_struct(&png, &info, NULL);
	free(vrows);
	free(rgb);
	return rc;
}

/* Box-filter src down to fit in size x size (never enlarging). */
static int thumbnail(const struct image *src, unsigned size, struct image *dst)
{
	unsigned big = src->w > src->h ? src->w : src->h;
	unsigned tw = src->w, th = src->h;

	if (big > size) {
		tw = (unsigned)((uint64_t)src->w * size / big);
		th = (unsigned)((uint64_t)src->h * size / big);
		tw = tw ? tw : 1;
		th = th ? th : 1;
	}
	dst->w = tw;
	dst->h = th;
	dst->rgb = malloc((size_t)tw * th * 3);
	if (!dst->rgb)
		return -1;
	for (unsigned ty = 0; ty < th; ty++) {
		unsigned y0 = (unsigned)((uint64_t)ty * src->h / th);
		unsigned y1 = (unsigned)((uint64_t)(ty + 1) * src->h / th);
		for (unsigned tx = 0; tx < tw; tx++) {
			unsigned x0 = (unsigned)((uint64_t)tx * src->w / tw);
			unsigned x1 = (unsigned)((uint64_t)(tx + 1) * src->w / tw);
			uint64_t sum[3] = { 0, 0, 0 };
			uint64_t n = (uint64_t)(x1 - x0) * (y1 - y0);

			for (unsigned y = y0; y < y1; y++) {
				const unsigned char *p = src->rgb + ((size_t)y * src->w + x0) * 3;
				for (unsigned x = x0; x < x1; x++, p += 3) {
					sum[0] += p[0];
					sum[1] += p[1];
					sum[2] += p[2];
				}
			}
			unsigned char *q = dst->rgb + ((size_t)ty * tw + tx) * 3;
			for (int c = 0; c < 3; c++)
				q[c] = (unsigned char)((sum[c] + n / 2) / n);
		}
	}
	return 0;
}

static int write_ppm(FILE *out, const struct image *img)
{
	size_t len = (size_t)img->w * img->h * 3;

	if (fprintf(out, "P6\n%u %u\n255\n", img->w, img->h) < 0)
		return -1;
	return fwrite(img->rgb, 1, len, out) == len ? 0 : -1;
}

static int write_png(FILE *out, const struct image *img, struct png_ctx *ctx)
{
	png_structp png;
	png_infop info = NULL;
	volatile int rc = -1;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, ctx, on_png_error, on_png_warning);
	if (png)
		info = png_create_info_struct(png);
	if (!info) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		goto out;
	}
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_init_io(png, out);
	png_set_IHDR(png, info, img->w, img->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (unsigned y = 0; y < img->h; y++)
		png_write_row(png, img->rgb + (size_t)y * img->w * 3);
	png_write_end(png, info);
	rc = 0;
out:
	png_destroy_write_struct(&png, &info);
	return rc;
}

/*
 * What a hijacked decoder would try next: read a file it was never given.
 * Under pledge("stdio") this open is a violation; by default the kernel kills
 * the process with SIGSYS before the open happens. Not inlined, so that a
 * report's backtrace names it.
 */
__attribute__((noinline)) static void overstep(void)
{
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "%s: overstep: open /etc/passwd: %s\n", prog, strerror(errno));
		return;
	}
	fprintf(stderr, "%s: overstep: opened /etc/passwd (the pledge did not hold)\n", prog);
	close(fd);
}

static void usage(void)
{
	fprintf(stderr, "usage: %s [-s SIZE] [-f png|ppm] [-r] [--overstep] INPUT OUTPUT\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "overstep", no_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned size = 64;
	int ppm = 0, report = 0, oversteps = 0, c;

	while ((c = getopt_long(argc, argv, "s:f:rh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || v == 0 || v > MAX_SIDE)
				usage();
			size = (unsigned)v;
			break;
		}
		case 'f':
			if (strcmp(optarg, "ppm") == 0)
				ppm = 1;
			else if (strcmp(optarg, "png") != 0)
				usage();
			break;
		case 'r':
			report = 1;
			break;
		case 'O':
			oversteps = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();
	const char *in_name = argv[optind], *out_name = argv[optind + 1];

	/* 1. Acquire: everything that needs a path happens before the pledge. */
	FILE *in = fopen(in_name, "rb");
	if (!in) {
		fprintf(stderr, "%s: %s: %s\n", prog, in_name, strerror(errno));
		return 1;
	}
	FILE *out = fopen(out_name, "wb");
	if (!out) {
		fprintf(stderr, "%s: %s: %s\n", prog, out_name, strerror(errno));
		return 1;
	}
	if (report) {
#ifdef PNGTHUMB_SIGSYS
		/* the reporter reads symbol tables now: under the pledge it could not */
		if (scopes_sigsys_install(0) != 0) {
			fprintf(stderr, "%s: scopes_sigsys_install: %s\n", prog, strerror(errno));
			return 1;
		}
#else
		fprintf(stderr, "%s: built without libscopes-sigsys; -r is not available\n", prog);
		return 2;
#endif
	}

	/* 2. Pledge, before a single byte of the image has been looked at. */
	if (scopes_pledge("stdio", NULL) != 0) {
		fprintf(stderr, "%s: scopes_pledge: %s\n", prog, strerror(errno));
		return 1;
	}
	if (oversteps)
		overstep();

	/* 3. Only now parse the untrusted data. */
	struct png_ctx ctx = { .name = in_name };
	struct image img = { 0 }, thumb = { 0 };
	if (decode(in, &ctx, &img) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, in_name, ctx.msg);
		/* leave no half-written output behind: truncation is a stdio operation */
		if (ftruncate(fileno(out), 0) != 0)
			fprintf(stderr, "%s: %s: %s\n", prog, out_name, strerror(errno));
		return 1;
	}
	if (thumbnail(&img, size, &thumb) != 0) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	ctx.name = out_name;
	int rc = ppm ? write_ppm(out, &thumb) : write_png(out, &thumb, &ctx);
	if (rc != 0 || fclose(out) != 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, out_name, ctx.msg[0] ? ctx.msg : strerror(errno));
		return 1;
	}
	fclose(in);
	printf("%s: %ux%u -> %s: %ux%u\n", in_name, img.w, img.h, out_name, thumb.w, thumb.h);
	free(img.rgb);
	free(thumb.rgb);
	return 0;
}
