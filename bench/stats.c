/* SPDX-License-Identifier: MIT */
/* Named series of samples (one per worker run) and their order statistics. */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static struct {
	struct series *s;
	size_t n, cap;
} store;

struct series *stats_get(const char *key)
{
	for (size_t i = 0; i < store.n; i++)
		if (strcmp(store.s[i].key, key) == 0)
			return &store.s[i];
	return NULL;
}

static void *grow(void *p, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *q = realloc(p, ncap * elem);
	if (!q) {
		perror("scopes-bench");
		exit(1);
	}
	*cap = ncap;
	return q;
}

void stats_add(const char *key, double value)
{
	struct series *s = stats_get(key);
	if (!s) {
		if (store.n == store.cap)
			store.s = grow(store.s, &store.cap, sizeof(*store.s));
		s = &store.s[store.n++];
		memset(s, 0, sizeof(*s));
		snprintf(s->key, sizeof(s->key), "%s", key);
	}
	if (s->n == s->cap) {
		size_t cap = (size_t)s->cap;
		s->v = grow(s->v, &cap, sizeof(*s->v));
		s->cap = (int)cap;
	}
	s->v[s->n++] = value;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double stats_median(const struct series *s)
{
	if (!s || s->n == 0)
		return NAN;
	double *v = malloc((size_t)s->n * sizeof(*v));
	if (!v)
		return NAN;
	memcpy(v, s->v, (size_t)s->n * sizeof(*v));
	qsort(v, (size_t)s->n, sizeof(*v), cmp_double);
	double m = s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
	free(v);
	return m;
}

double stats_min(const struct series *s)
{
	double m = NAN;
	for (int i = 0; s && i < s->n; i++)
		if (isnan(m) || s->v[i] < m)
			m = s->v[i];
	return m;
}

double stats_max(const struct series *s)
{
	double m = NAN;
	for (int i = 0; s && i < s->n; i++)
		if (isnan(m) || s->v[i] > m)
			m = s->v[i];
	return m;
}

static const struct series *vfind(const char *fmt, va_list ap)
{
	char key[sizeof(((struct series *)0)->key)];
	vsnprintf(key, sizeof(key), fmt, ap);
	return stats_get(key);
}

const struct series *stats_find(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const struct series *s = vfind(fmt, ap);
	va_end(ap);
	return s;
}

double stats_median_of(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const struct series *s = vfind(fmt, ap);
	va_end(ap);
	return stats_median(s);
}
