/* SPDX-License-Identifier: MIT */
/*
 * Where filters go wrong is at the edges: a comparison of the low word only,
 * a jump that falls through with the wrong value loaded, a mask that forgets
 * the high half. The cases below aim at those edges for every condition in
 * the table, whatever promise set is being checked.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <scopes/table.h>

#include "cases.h"
#include "model.h"

#define HI32	       0xffffffff00000000ULL
#define LO32	       0x00000000ffffffffULL
#define NUMBERS_BEYOND 1100 /* every number up to here, named or not */
/* Random fillings of the bits a row leaves free, each mutated like the exact
 * one: a wrong load or mask shows only when the free bits are right */
#define NOISY_BASES 1

static int push(struct case_list *l, const struct seccomp_data *d)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		struct seccomp_data *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *d;
	return 0;
}

void cases_free(struct case_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static struct seccomp_data mk(int nr, uint32_t arch, struct fc_rng *rng)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = arch;
	/* no rule reads the instruction pointer: any value must do */
	d.instruction_pointer = fc_rand(rng);
	return d;
}

/* The conditions the table places on one syscall (all rows, any kind). */
struct cond_pool {
	const struct scopes_row *row[256];
	size_t nrow;
};

static void pool_for(struct cond_pool *p, long nr)
{
	uint32_t arch = scopes_native_arch();
	p->nrow = 0;
	for (size_t i = 0; i < scopes_row_count() && p->nrow < 256; i++) {
		const struct scopes_row *r = scopes_row_get(i);
		if (scopes_syscall_number(arch, r->syscall) == nr)
			p->row[p->nrow++] = r;
	}
}

/* Set the args so that every condition of r holds; free bits random or 0. */
static void apply_row(__u64 args[6], const struct scopes_row *r, struct fc_rng *rng, int noise)
{
	for (unsigned c = 0; c < r->ncond; c++) {
		const struct scopes_cond *k = &r->cond[c];
		uint64_t v = k->value;
		if (noise)
			v |= fc_rand(rng) & ~k->mask;
		args[k->arg] = v;
	}
}

/* The values around one condition where a wrong filter shows. */
static size_t mutations(const struct scopes_cond *k, const struct cond_pool *p, uint64_t *out,
			size_t max)
{
	uint64_t v = k->value, m = k->mask;
	size_t n = 0;
#define ADD(x)                                                                                     \
	do {                                                                                       \
		if (n < max)                                                                       \
			out[n++] = (x);                                                            \
	} while (0)
	ADD(v - 1);
	ADD(v + 1);
	ADD(v | (1ULL << 32));
	ADD(v | HI32);
	ADD((v & LO32) | (v << 32)); /* high half = low half */
	ADD((v << 32) | (v >> 32));  /* halves swapped */
	ADD(v >> 32);		     /* high half as the low word */
	ADD(v | ~m);		     /* every free bit set */
	ADD(~v);
	ADD(0);
	ADD(LO32);
	ADD(~0ULL);
	/* every single bit: inside the mask it must break the match, outside
	 * it must not (a wrong mask shows only there) */
	for (int b = 0; b < 64; b++)
		ADD(v ^ (1ULL << b));
	/* other rows' values for the same argument, also as high words */
	for (size_t i = 0; i < p->nrow; i++) {
		for (unsigned c = 0; c < p->row[i]->ncond; c++) {
			const struct scopes_cond *o = &p->row[i]->cond[c];
			if (o->arg != k->arg || o->value == v)
				continue;
			ADD(o->value);
			ADD((o->value << 32) | (v & LO32));
			ADD((v & m) | (o->value & ~m));
		}
	}
#undef ADD
	/* siblings share values (most setsockopt rows have level SOL_SOCKET) */
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < w && out[j] != out[i])
			j++;
		if (j == w)
			out[w++] = out[i];
	}
	return w;
}

/*
 * Every combination of the bits the rows mask in one argument (when they
 * are few), each with none or one of the other bits set, in every setting of
 * the other arguments some row names. A wrong mask or a load of the wrong
 * word shows only when a bit no row names meets the right named ones
 * (O_WRONLY|O_CREAT|O_NONBLOCK for a create row whose AND forgot nothing).
 */
#define SUBSET_BITS_MAX	 10
#define CONTEXTS_MAX	 16
#define SUBSET_CASES_MAX 20000

static int bit_subsets(struct case_list *l, long nr, const struct cond_pool *p, struct fc_rng *rng)
{
	const uint32_t arch = scopes_native_arch();
	__u64 ctx[CONTEXTS_MAX][6];

	for (unsigned a = 0; a < 6; a++) {
		uint32_t named = 0;
		int exact = 0;
		for (size_t i = 0; i < p->nrow; i++) {
			for (unsigned c = 0; c < p->row[i]->ncond; c++) {
				const struct scopes_cond *k = &p->row[i]->cond[c];
				if (k->arg != a)
					continue;
				if ((uint32_t)k->mask == 0xffffffffu)
					exact = 1; /* an equality: the edges cover it */
				else
					named |= (uint32_t)k->mask;
			}
		}
		if (!named || exact || __builtin_popcount(named) > SUBSET_BITS_MAX)
			continue;
		/* the other arguments as each row wants them (and all zero) */
		size_t nctx = 1;
		memset(ctx[0], 0, sizeof(ctx[0]));
		for (size_t i = 0; i < p->nrow && nctx < CONTEXTS_MAX; i++) {
			__u64 t[6] = {0};
			apply_row(t, p->row[i], rng, 0);
			t[a] = 0;
			size_t j = 0;
			while (j < nctx && memcmp(ctx[j], t, sizeof(t)) != 0)
				j++;
			if (j == nctx)
				memcpy(ctx[nctx++], t, sizeof(t));
		}
		uint32_t others = ~named;
		/* every other low bit in turn while that stays small, else a few
		 * at random */
		size_t total = ((size_t)1 << __builtin_popcount(named)) * nctx * 34;
		int every = total <= SUBSET_CASES_MAX;
		for (size_t c = 0; c < nctx; c++) {
			/* walk the subsets of `named` */
			uint32_t sub = 0;
			do {
				for (int e = -2; e < 32; e++) {
					struct seccomp_data d = mk((int)nr, arch, rng);
					memcpy(d.args, ctx[c], sizeof(d.args));
					__u64 v = sub;
					if (e == -1) {
						v |= 1ULL << (32 + fc_rand(rng) % 32);
					} else if (e >= 0 && every) {
						if (!(others & (1u << e)))
							continue;
						v |= 1ULL << e;
					} else if (e >= 0) {
						if (e >= 8)
							break;
						int b;
						do
							b = (int)(fc_rand(rng) % 32);
						while (!(others & (1u << b)));
						v |= 1ULL << b;
					}
					d.args[a] = v;
					if (push(l, &d))
						return -1;
				}
				sub = (sub - named) & named;
			} while (sub);
		}
	}
	return 0;
}

int cases_for_nr(struct case_list *l, long nr, struct fc_rng *rng)
{
	const uint32_t arch = scopes_native_arch();
	struct cond_pool p;
	uint64_t mut[512];
	struct seccomp_data d;

	pool_for(&p, nr);
	d = mk((int)nr, arch, rng);
	if (push(l, &d))
		return -1;
	for (int i = 0; i < 6; i++)
		d.args[i] = ~0ULL;
	if (push(l, &d))
		return -1;
	for (int i = 0; i < 6; i++)
		d.args[i] = fc_rand(rng);
	if (push(l, &d))
		return -1;

	for (size_t i = 0; i < p.nrow; i++) {
		const struct scopes_row *r = p.row[i];
		if (r->ncond == 0)
			continue;
		for (int noise = 0; noise < NOISY_BASES + 1; noise++) {
			struct seccomp_data base = mk((int)nr, arch, rng);
			if (noise)
				for (int a = 0; a < 6; a++)
					base.args[a] = fc_rand(rng);
			apply_row(base.args, r, rng, noise);
			if (push(l, &base))
				return -1;
			for (unsigned c = 0; c < r->ncond; c++) {
				size_t nm = mutations(&r->cond[c], &p, mut, 512);
				unsigned a = r->cond[c].arg;
				for (size_t j = 0; j < nm; j++) {
					d = base;
					d.instruction_pointer = fc_rand(rng);
					/* on the noisy base, the same change as a
					 * difference, keeping the noise */
					d.args[a] = noise
							? base.args[a] ^ (mut[j] ^ r->cond[c].value)
							: mut[j];
					if (push(l, &d))
						return -1;
				}
			}
		}
		/* this row's values on top of every other row's: two rows
		 * half-matching is where a fall-through keeps a stale word */
		for (size_t j = 0; j < p.nrow; j++) {
			if (j == i || p.row[j]->ncond == 0)
				continue;
			d = mk((int)nr, arch, rng);
			apply_row(d.args, p.row[j], rng, 0);
			apply_row(d.args, r, rng, 0);
			if (push(l, &d))
				return -1;
		}
	}
	if (p.nrow && bit_subsets(l, nr, &p, rng))
		return -1;
	/* random mixtures of the table's values and their edges */
	if (p.nrow) {
		for (int t = 0; t < 64; t++) {
			d = mk((int)nr, arch, rng);
			for (int a = 0; a < 6; a++)
				d.args[a] = fc_rand(rng) & (fc_rand(rng) & 1 ? LO32 : ~0ULL);
			for (int k = 0; k < 3; k++) {
				const struct scopes_row *r = p.row[fc_rand(rng) % p.nrow];
				if (r->ncond == 0)
					continue;
				const struct scopes_cond *c = &r->cond[fc_rand(rng) % r->ncond];
				size_t nm = mutations(c, &p, mut, 512);
				d.args[c->arg] =
				    fc_rand(rng) % 3 ? c->value : mut[fc_rand(rng) % nm];
			}
			if (push(l, &d))
				return -1;
		}
	}
	return 0;
}

static int cross_rows(struct case_list *l, struct fc_rng *rng);

int cases_build(struct case_list *l, uint64_t seed)
{
	const uint32_t native = scopes_native_arch();
	static const uint32_t foreign[] = {
	    SCOPES_ARCH_I386, SCOPES_ARCH_AARCH64, SCOPES_ARCH_X86_64,	  0,
	    0xc000003fu,      0x4000003eu,	   0x8000003eu,		  0x0000003eu,
	    0xffffffffu,      0xc00000b7u ^ 1u,	   0x40000028u /* arm */, 0xc0000015u /* ppc64 */,
	};
	static const uint32_t odd_nr[] = {
	    0x3ffffffeu, 0x3fffffffu, 0x40000000u, 0x40000001u, 0x4000ffffu, 0x7fffffffu,
	    0x80000000u, 0x80000001u, 0xbfffffffu, 0xc0000000u, 0xfffffffeu, 0xffffffffu,
	};
	struct fc_rng rng;
	struct seccomp_data d;

	fc_seed(&rng, seed);
	/* every number, named or not, with no and with random arguments */
	for (int nr = 0; nr < NUMBERS_BEYOND; nr++) {
		d = mk(nr, native, &rng);
		if (push(l, &d))
			return -1;
		for (int a = 0; a < 6; a++)
			d.args[a] = fc_rand(&rng);
		if (push(l, &d))
			return -1;
		/* the same number through the x32 door */
		d.nr = (int)((uint32_t)nr | 0x40000000u);
		if (push(l, &d))
			return -1;
		/* and through other architectures' doors */
		for (size_t a = 0; a < sizeof(foreign) / sizeof(foreign[0]); a++) {
			if (foreign[a] == native || (nr > 600 && a > 1))
				continue;
			d = mk(nr, foreign[a], &rng);
			if (push(l, &d))
				return -1;
		}
	}
	for (size_t i = 0; i < sizeof(odd_nr) / sizeof(odd_nr[0]); i++) {
		d = mk((int)odd_nr[i], native, &rng);
		if (push(l, &d))
			return -1;
		d.arch = SCOPES_ARCH_I386;
		if (push(l, &d))
			return -1;
	}
	for (int t = 0; t < 256; t++) {
		d = mk((int)(fc_rand(&rng) % MODEL_NR_MAX), (uint32_t)fc_rand(&rng), &rng);
		if (push(l, &d))
			return -1;
	}
	/* the arguments of every conditioned syscall */
	for (long nr = 0; nr < MODEL_NR_MAX; nr++) {
		struct cond_pool p;
		pool_for(&p, nr);
		if (p.nrow && cases_for_nr(l, nr, &rng))
			return -1;
	}
	return cross_rows(l, &rng);
}

/*
 * Every syscall number with the arguments every other syscall's rows ask
 * for. A jump that falls into the wrong syscall's block (the historical bug:
 * a socket-domain check falling through with the number still loaded) is
 * invisible with zero or random arguments; it shows when the arguments are
 * just what the wrong block allows.
 */
static int cross_rows(struct case_list *l, struct fc_rng *rng)
{
	const uint32_t arch = scopes_native_arch();
	size_t nrows = scopes_row_count(), ntuples = 0;
	__u64(*tuple)[6] = calloc(nrows, sizeof(*tuple));
	long top = 0;

	if (!tuple)
		return -1;
	for (size_t i = 0; i < nrows; i++) {
		const struct scopes_row *r = scopes_row_get(i);
		long nr = scopes_syscall_number(arch, r->syscall);
		if (nr > top)
			top = nr;
		if (r->ncond == 0)
			continue;
		__u64 t[6] = {0};
		apply_row(t, r, rng, 0);
		size_t j = 0;
		while (j < ntuples && memcmp(tuple[j], t, sizeof(t)) != 0)
			j++;
		if (j == ntuples)
			memcpy(tuple[ntuples++], t, sizeof(t));
	}
	for (long nr = 0; nr <= top + 16; nr++) {
		struct cond_pool p;
		pool_for(&p, nr);
		for (size_t j = 0; j < ntuples; j++) {
			struct seccomp_data d = mk((int)nr, arch, rng);
			memcpy(d.args, tuple[j], sizeof(d.args));
			if (push(l, &d))
				goto fail;
			/* and the call's own row just missed (a high bit, one
			 * more, a bit of its mask) in the other arguments' place:
			 * the miss is where a wrong jump leaves */
			for (int k = 0; k < 3 && p.nrow; k++) {
				const struct scopes_row *r = p.row[fc_rand(rng) % p.nrow];
				if (r->ncond == 0)
					continue;
				const struct scopes_cond *c = &r->cond[fc_rand(rng) % r->ncond];
				d = mk((int)nr, arch, rng);
				memcpy(d.args, tuple[j], sizeof(d.args));
				apply_row(d.args, r, rng, 0);
				switch (k) {
				case 0:
					d.args[c->arg] |= 1ULL << (32 + fc_rand(rng) % 32);
					break;
				case 1:
					d.args[c->arg] += 1;
					break;
				default:
					d.args[c->arg] ^= c->mask & (1ULL << (fc_rand(rng) % 32));
					break;
				}
				if (push(l, &d))
					goto fail;
			}
		}
	}
	free(tuple);
	return 0;
fail:
	free(tuple);
	return -1;
}

int cases_random(struct case_list *l, struct fc_rng *rng, size_t n)
{
	const uint32_t native = scopes_native_arch();
	size_t nrows = scopes_row_count();

	for (size_t t = 0; t < n; t++) {
		const struct scopes_row *r = scopes_row_get(fc_rand(rng) % nrows);
		long nr = scopes_syscall_number(native, r->syscall);
		struct seccomp_data d = mk(nr < 0 ? 0 : (int)nr, native, rng);
		for (int a = 0; a < 6; a++) {
			switch (fc_rand(rng) % 4) {
			case 0:
				d.args[a] = fc_rand(rng);
				break;
			case 1:
				d.args[a] = fc_rand(rng) & LO32;
				break;
			case 2:
				d.args[a] = fc_rand(rng) % 64;
				break;
			default:
				d.args[a] = 0;
				break;
			}
		}
		/* satisfy a row of the same call, then perturb one bit of it */
		const struct scopes_row *o = scopes_row_get(fc_rand(rng) % nrows);
		if (scopes_syscall_number(native, o->syscall) == nr)
			r = o;
		apply_row(d.args, r, rng, (int)(fc_rand(rng) & 1));
		if (r->ncond && fc_rand(rng) % 2) {
			const struct scopes_cond *c = &r->cond[fc_rand(rng) % r->ncond];
			d.args[c->arg] ^= 1ULL << (fc_rand(rng) % 64);
		}
		if (push(l, &d))
			return -1;
	}
	return 0;
}
