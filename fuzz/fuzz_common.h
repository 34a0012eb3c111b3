/* SPDX-License-Identifier: MIT */
/* What every fuzz target shares: the entry point's prototype and a check
 * that names what broke before it aborts (libFuzzer then saves the input). */
#ifndef SCOPES_FUZZ_COMMON_H
#define SCOPES_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <scopes/table.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);   \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* scopes_table_init() once per process (names and numbers resolved). */
static inline void fuzz_table_ready(void)
{
	static int ready;
	if (!ready) {
		if (scopes_table_init() != 0)
			abort();
		ready = 1;
	}
}

/* Reading the input front to back; reads past the end give zeros. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint64_t fuzz_take(struct fuzz_in *in, size_t bytes)
{
	uint64_t v = 0;
	for (size_t i = 0; i < bytes; i++) {
		v |= (uint64_t)(in->n ? *in->p : 0) << (8 * i);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

#endif
