/* SPDX-License-Identifier: MIT */
/*
 * The promise set cover (see cover.h).
 */
#include <stdlib.h>
#include <string.h>

#include "cover.h"

#define MEMO_SLOTS 16384 /* sets already searched (different orders reach them) */

#define SECOND_BEST (COVER_ALT_INCIDENTAL | COVER_ALT_FALLBACK)

int cover_satisfied_by(const struct cover_req *req, scopes_set_t held)
{
	int inc = -1;
	for (int i = 0; i < req->n; i++) {
		if ((req->alt[i] & held) != req->alt[i])
			continue;
		if (!(req->flags[i] & SECOND_BEST))
			return i;
		if (inc < 0)
			inc = i;
	}
	return inc;
}

struct search {
	const struct cover_req *reqs;
	size_t n;
	scopes_set_t base;
	const unsigned *weight;
	unsigned long nodes, budget;
	int aborted;
	int have_best;
	scopes_set_t *memo; /* open addressing; 0 = empty slot (set + 1 stored) */
	scopes_set_t best;
	unsigned best_key[3];
};

static unsigned incidental_uses(const struct search *s, scopes_set_t held)
{
	unsigned k = 0;
	for (size_t i = 0; i < s->n; i++) {
		int a = cover_satisfied_by(&s->reqs[i], held);
		if (a >= 0 && (s->reqs[i].flags[a] & COVER_ALT_INCIDENTAL))
			k++;
	}
	return k;
}

/* The promises real alternatives use: those in base, and those of every
 * non-fallback alternative inside held. A fallback counts only within it. */
static scopes_set_t justified(const struct cover_req *reqs, size_t n, scopes_set_t base,
			      scopes_set_t held)
{
	scopes_set_t j = base;
	for (size_t i = 0; i < n; i++)
		for (int a = 0; a < reqs[i].n && !(reqs[i].req_flags & COVER_REQ_DEPENDENT); a++)
			if (!(reqs[i].flags[a] & COVER_ALT_FALLBACK) &&
			    (reqs[i].alt[a] & held) == reqs[i].alt[a])
				j |= reqs[i].alt[a];
	return j;
}

static unsigned weight_of(const struct search *s, scopes_set_t set)
{
	unsigned w = 0;
	for (int i = 0; i < 64; i++)
		if (set & (1ULL << i))
			w += s->weight ? s->weight[i] : 1;
	return w;
}

/* Is candidate better than the best so far? */
static void consider(struct search *s, scopes_set_t set)
{
	unsigned key[3] = { (unsigned)__builtin_popcountll(set), incidental_uses(s, set | s->base),
			    weight_of(s, set) };
	if (s->have_best) {
		for (int i = 0; i < 3; i++) {
			if (key[i] != s->best_key[i]) {
				if (key[i] > s->best_key[i])
					return;
				goto better;
			}
		}
		/* rule 4: lowest indices first, i.e. compare from bit 0 up */
		scopes_set_t diff = set ^ s->best;
		if (!diff || !(set & diff & -diff))
			return;
	}
better:
	s->have_best = 1;
	s->best = set;
	memcpy(s->best_key, key, sizeof(key));
}

/* j: what justified() gives for held. */
static int unmet(const struct cover_req *r, scopes_set_t held, scopes_set_t j)
{
	if (r->n == 0)
		return 0;
	for (int i = 0; i < r->n; i++)
		if ((r->alt[i] & held) == r->alt[i] &&
		    (!(r->flags[i] & COVER_ALT_FALLBACK) || (r->alt[i] & j) == r->alt[i]))
			return 0;
	return 1;
}

/* Returns 1 if set was searched before (and records it otherwise). */
static int seen(struct search *s, scopes_set_t set)
{
	if (!s->memo)
		return 0;
	scopes_set_t key = set + 1;
	size_t h = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 50) % MEMO_SLOTS;
	for (size_t probe = 0; probe < 64; probe++) {
		size_t i = (h + probe) % MEMO_SLOTS;
		if (s->memo[i] == key)
			return 1;
		if (s->memo[i] == 0) {
			s->memo[i] = key;
			return 0;
		}
	}
	return 0;
}

static void branch(struct search *s, scopes_set_t set)
{
	if (s->aborted || seen(s, set))
		return;
	if (++s->nodes > s->budget) {
		s->aborted = 1;
		return;
	}
	scopes_set_t held = set | s->base, j = justified(s->reqs, s->n, s->base, held);
	const struct cover_req *pick = NULL;
	for (size_t i = 0; i < s->n; i++) {
		const struct cover_req *r = &s->reqs[i];
		if (unmet(r, held, j) && (!pick || r->n < pick->n))
			pick = r;
	}
	if (!pick) {
		consider(s, set);
		return;
	}
	/* every branch adds at least one promise: no better than the best size */
	if (s->have_best && (unsigned)__builtin_popcountll(set) + 1 > s->best_key[0])
		return;
	/* a fallback's promise may be added too: the requirement is met once
	 * something else justifies it (checked at every node) */
	for (int i = 0; i < pick->n; i++) {
		scopes_set_t add = pick->alt[i] & ~held;
		if (add)
			branch(s, set | add);
	}
}

/* Greedy: the alternative that meets the most unmet requirements per
 * promise added, until none is unmet. */
static scopes_set_t greedy(const struct search *s)
{
	scopes_set_t set = 0;
	for (;;) {
		scopes_set_t held = set | s->base, best_add = 0;
		scopes_set_t j = justified(s->reqs, s->n, s->base, held);
		double best_ratio = -1;
		for (size_t i = 0; i < s->n; i++) {
			const struct cover_req *r = &s->reqs[i];
			if (!unmet(r, held, j))
				continue;
			for (int a = 0; a < r->n; a++) {
				scopes_set_t add = r->alt[a] & ~held;
				if (r->flags[a] & COVER_ALT_FALLBACK)
					continue;
				scopes_set_t j2 = justified(s->reqs, s->n, s->base, held | add);
				unsigned gain = 0;
				for (size_t k = 0; k < s->n; k++)
					gain += unmet(&s->reqs[k], held, j) &&
						!unmet(&s->reqs[k], held | add, j2);
				double ratio = (double)gain / (double)__builtin_popcountll(add | 1);
				if (ratio > best_ratio) {
					best_ratio = ratio;
					best_add = add;
				}
			}
		}
		if (best_ratio < 0)
			return set;
		set |= best_add;
	}
}

int cover_solve(const struct cover_req *reqs, size_t n, scopes_set_t base, const unsigned *weight,
		unsigned long budget, struct cover_result *out)
{
	struct search s = { .reqs = reqs, .n = n, .base = base, .weight = weight,
			    .budget = budget ? budget : COVER_NODE_BUDGET };
	scopes_set_t forced = 0;

	/* a requirement with one alternative leaves no choice */
	for (size_t i = 0; i < n; i++)
		if (reqs[i].n == 1)
			forced |= reqs[i].alt[0] & ~base;
	consider(&s, forced | greedy(&(struct search){ .reqs = reqs, .n = n,
						       .base = base | forced }));
	s.memo = calloc(MEMO_SLOTS, sizeof(*s.memo));
	branch(&s, forced);
	free(s.memo);
	out->set = s.best;
	out->exact = !s.aborted;
	out->nodes = s.nodes;
	return 0;
}
