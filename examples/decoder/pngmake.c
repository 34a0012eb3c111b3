/* SPDX-License-Identifier: MIT */
/*
 * pngmake - write the test images of the decoder example into a directory.
 *
 *   pngmake DIR
 *
 * Every good image is the same picture, a 256x128 "quadrants" image (red,
 * green / blue, white), stored in a different PNG encoding, so every one of
 * them must decode to the same thumbnail. The bad images are crafted from a
 * good one: what a hostile or broken file looks like to a decoder. Nothing is
 * downloaded: the images are made here with libpng, so the build can always
 * produce them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define QW 256
#define QH 128

/* The four quadrant colours, top-left, top-right, bottom-left, bottom-right. */
static const unsigned char quad_rgb[4][3] = {
	{ 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 }, { 255, 255, 255 }
};
/* The gray image uses four gray levels in the same places. */
static const unsigned char quad_gray[4] = { 0, 85, 170, 255 };

static int quadrant(unsigned x, unsigned y, unsigned w, unsigned h)
{
	return (y >= h / 2) * 2 + (x >= w / 2);
}

/* A growable in-memory file: the bad images are edits of a good one. */
struct membuf {
	unsigned char *data;
	size_t len, cap;
};

static void mem_write(png_structp png, png_bytep data, size_t len)
{
	struct membuf *m = png_get_io_ptr(png);

	if (m->len + len > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 4096;
		while (cap < m->len + len)
			cap *= 2;
		unsigned char *p = realloc(m->data, cap);
		if (!p)
			png_error(png, "out of memory");
		m->data = p;
		m->cap = cap;
	}
	memcpy(m->data + m->len, data, len);
	m->len += len;
}

static void mem_flush(png_structp png)
{
	(void)png;
}

/* One encoding of the quadrants picture. */
struct variant {
	const char *file;
	int color_type;
	int bit_depth;
	int interlace;
	unsigned w, h;
};

static const struct variant variants[] = {
	{ "quadrants.png", PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_NONE, QW, QH },
	{ "gray.png", PNG_COLOR_TYPE_GRAY, 8, PNG_INTERLACE_NONE, QW, QH },
	{ "alpha.png", PNG_COLOR_TYPE_RGB_ALPHA, 8, PNG_INTERLACE_NONE, QW, QH },
	{ "palette.png", PNG_COLOR_TYPE_PALETTE, 8, PNG_INTERLACE_NONE, QW, QH },
	{ "deep.png", PNG_COLOR_TYPE_RGB, 16, PNG_INTERLACE_NONE, QW, QH },
	{ "interlaced.png", PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_ADAM7, QW, QH },
	{ "odd.png", PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_NONE, 200, 75 },
	{ "tiny.png", PNG_COLOR_TYPE_RGB, 8, PNG_INTERLACE_NONE, 1, 1 },
};

/* Fill one row of v's picture in v's pixel format. */
static void fill_row(const struct variant *v, unsigned y, unsigned char *row)
{
	for (unsigned x = 0; x < v->w; x++) {
		int q = quadrant(x, y, v->w, v->h);
		const unsigned char *c = quad_rgb[q];

		switch (v->color_type) {
		case PNG_COLOR_TYPE_GRAY:
			row[x] = quad_gray[q];
			break;
		case PNG_COLOR_TYPE_PALETTE:
			row[x] = (unsigned char)q;
			break;
		case PNG_COLOR_TYPE_RGB_ALPHA:
			memcpy(row + 4 * x, c, 3);
			row[4 * x + 3] = (unsigned char)(64 * q + 63); /* alpha varies */
			break;
		default:
			if (v->bit_depth == 16) {
				/* the high byte is the colour: stripping to 8 bits gives it back */
				for (int i = 0; i < 3; i++) {
					row[6 * x + 2 * i] = c[i];
					row[6 * x + 2 * i + 1] = (unsigned char)(x & 0xff);
				}
			} else {
				memcpy(row + 3 * x, c, 3);
			}
		}
	}
}

static int encode(const struct variant *v, struct membuf *out)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	unsigned char *row = NULL;
	int ok = 0;

	if (!info)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, out, mem_write, mem_flush);
	png_set_IHDR(png, info, v->w, v->h, v->bit_depth, v->color_type, v->interlace,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (v->color_type == PNG_COLOR_TYPE_PALETTE) {
		png_color pal[4];
		for (int i = 0; i < 4; i++) {
			pal[i].red = quad_rgb[i][0];
			pal[i].green = quad_rgb[i][1];
			pal[i].blue = quad_rgb[i][2];
		}
		png_set_PLTE(png, info, pal, 4);
	}
	png_write_info(png, info);
	row = malloc(png_get_rowbytes(png, info));
	if (!row)
		goto out;
	int passes = png_set_interlace_handling(png);
	for (int pass = 0; pass < passes; pass++) {
		for (unsigned y = 0; y < v->h; y++) {
			fill_row(v, y, row);
			png_write_row(png, row);
		}
	}
	png_write_end(png, info);
	ok = 1;
out:
	png_destroy_write_struct(&png, &info);
	free(row);
	return ok ? 0 : -1;
}

static int save(const char *dir, const char *name, const void *data, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "pngmake: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Offset of the first chunk of the given type, or 0. */
static size_t find_chunk(const struct membuf *m, const char *type)
{
	size_t off = 8; /* after the signature */

	while (off + 12 <= m->len) {
		uint32_t len = get_be32(m->data + off);
		if (memcmp(m->data + off + 4, type, 4) == 0)
			return off;
		off += 12 + (size_t)len;
	}
	return 0;
}

/* Recompute the CRC of the chunk at off (after its data was edited). */
static void fix_crc(struct membuf *m, size_t off)
{
	uint32_t len = get_be32(m->data + off);
	uLong crc = crc32(0L, m->data + off + 4, 4 + len);
	put_be32(m->data + off + 8 + len, (uint32_t)crc);
}

/* Append a chunk with a correct CRC. */
static void add_chunk(unsigned char *buf, size_t *len, const char *type,
		      const unsigned char *data, uint32_t n)
{
	put_be32(buf + *len, n);
	memcpy(buf + *len + 4, type, 4);
	if (n)
		memcpy(buf + *len + 8, data, n);
	put_be32(buf + *len + 8 + n, (uint32_t)crc32(0L, buf + *len + 4, 4 + n));
	*len += 12 + n;
}

/*
 * A decompression bomb's header: a valid PNG that claims 16000x16000 pixels
 * (768 MB of RGB) in a few bytes. libpng accepts the size (it is below its
 * limits); the decoder must refuse it before allocating.
 */
static int make_bomb(const char *dir)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char buf[256], ihdr[13], idat[64];
	uLongf idat_len = sizeof(idat);
	const unsigned char row0[1] = { 0 };
	size_t len = 0;

	memcpy(buf, sig, 8);
	len = 8;
	put_be32(ihdr, 16000);
	put_be32(ihdr + 4, 16000);
	ihdr[8] = 8;  /* bit depth */
	ihdr[9] = 2;  /* RGB */
	ihdr[10] = 0; /* deflate */
	ihdr[11] = 0; /* adaptive filtering */
	ihdr[12] = 0; /* not interlaced */
	add_chunk(buf, &len, "IHDR", ihdr, sizeof(ihdr));
	if (compress(idat, &idat_len, row0, sizeof(row0)) != Z_OK)
		return -1;
	add_chunk(buf, &len, "IDAT", idat, (uint32_t)idat_len);
	add_chunk(buf, &len, "IEND", NULL, 0);
	return save(dir, "bomb.png", buf, len);
}

static int make_bad(const char *dir, const struct membuf *good)
{
	struct membuf m = { malloc(good->len), good->len, good->len };
	size_t idat = find_chunk(good, "IDAT");
	int rc = 0;

	if (!m.data || !idat)
		return -1;
	uint32_t idat_len = get_be32(good->data + idat);

	/* the file ends in the middle of the image data */
	rc |= save(dir, "truncated.png", good->data, idat + 8 + idat_len / 2);

	/* one bit flipped in the image data: the chunk's CRC no longer matches */
	memcpy(m.data, good->data, good->len);
	m.data[idat + 8 + idat_len / 2] ^= 0x10;
	rc |= save(dir, "badcrc.png", m.data, m.len);

	/* the image data is garbage with a correct CRC: zlib must refuse it */
	memcpy(m.data, good->data, good->len);
	for (uint32_t i = 0; i < idat_len; i++)
		m.data[idat + 8 + i] = (unsigned char)(0xa5 ^ (i * 7));
	fix_crc(&m, idat);
	rc |= save(dir, "badzlib.png", m.data, m.len);

	static const char text[] = "GIF89a: this is not a PNG file\n";
	rc |= save(dir, "notpng.png", text, sizeof(text) - 1);

	rc |= make_bomb(dir);
	free(m.data);
	return rc;
}

int main(int argc, char **argv)
{
	struct membuf first = { 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: pngmake DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		struct membuf m = { 0 };
		if (encode(&variants[i], &m) != 0) {
			fprintf(stderr, "pngmake: cannot encode %s\n", variants[i].file);
			return 1;
		}
		if (save(argv[1], variants[i].file, m.data, m.len) != 0)
			return 1;
		if (i == 0)
			first = m;
		else
			free(m.data);
	}
	if (make_bad(argv[1], &first) != 0) {
		fprintf(stderr, "pngmake: cannot write the bad images\n");
		return 1;
	}
	free(first.data);
	return 0;
}
