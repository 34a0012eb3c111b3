/* SPDX-License-Identifier: MIT */
/*
 * The BPF generator: the promise table straight to a seccomp program.
 *
 * libseccomp 2.5.4's generator cost ~1.4 ms per pledge (issue 16); this one
 * reads the rows directly and needs no rule database. The program:
 *
 *   arch check (another arch: KILL_PROCESS), x32 numbers killed on x86_64,
 *   a balanced search over the syscall numbers (JGE splits, short JEQ
 *   chains at the leaves), each call granted without conditions going
 *   straight to its RET — so the kernel's constant-action cache serves it —
 *   and each call with conditional rows to its block of argument checks.
 *
 * A block is a decision tree over the arguments' 32-bit words: the first
 * remaining comparison picks a word (and mask), one load, then a JEQ per
 * value the rows compare it with; each branch continues with the rows that
 * value leaves possible. Every 64-bit condition is two word comparisons (a
 * half the mask does not cover is not compared). Rows are tried allow rows
 * first, so an allow row wins over FAIL/ENOSYS rows (tests/filtercheck's
 * model). Identical remainders ("high word 0, then ALLOW") are emitted once
 * and shared: blocks are hash-consed by content.
 *
 * The program is emitted backwards, so every jump target is placed before
 * its jumps are; a target beyond a conditional jump's 8-bit reach gets a
 * nearer copy (a RET) or a JA trampoline.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <linux/seccomp.h>

#include "bpfgen.h"
#include "system.h"

#define X32_BIT 0x40000000u
#define CMP_MAX (2 * SCOPES_COND_MAX)
#define ROWS_MAX 1024
#define NR_SORT_MAX 1024 /* numbers the table's calls have, on every arch */
#define EXTRA_MAX 64
#define TARGETS_MAX (2 * BPF_MAXINSNS)
/* rows of one call (getsockopt has 49), and values compared at one node */
#define CALL_ROWS_MAX 160
#define JUMP_MAX 255u
/* JEQ chains at the leaves of the number search: at most this many numbers
 * are compared one by one (a JEQ costs as much as a JGE and is one
 * instruction where an isolated number takes two JGE bounds). */
#define LEAF_CHAIN_MAX 4

#define SD_NR 0u
#define SD_ARCH 4u
#define SD_ARG(n, hi) (16u + 8u * (n) + ((hi) ? 4u : 0u))

/* ------------------------------------------------------------- the rows */

/* The rows of each arch by syscall number, once per process: the table lists
 * rows by promise, the generator wants them by call. Numbers are below
 * NR_SORT_MAX (checked), so 16 bits hold them: the first compile of a
 * process touches 4 KiB here, not 10 (each page a fault, bench/README.md). */
static struct {
	int ready;
	size_t n;
	uint16_t row[ROWS_MAX];
	uint16_t nr[ROWS_MAX];
} by_nr[SCOPES_AI_COUNT];
_Static_assert(NR_SORT_MAX <= 65536, "a number fits by_nr's 16 bits");
static pthread_mutex_t by_nr_lock = PTHREAD_MUTEX_INITIALIZER;

static int by_nr_init(int ai)
{
	if (__atomic_load_n(&by_nr[ai].ready, __ATOMIC_ACQUIRE))
		return 0;
	if (scopes_rows_count > ROWS_MAX)
		return -E2BIG;
	pthread_mutex_lock(&by_nr_lock);
	if (!by_nr[ai].ready) {
		/* a counting sort by number, stable: rows of one call keep table
		 * order (an insertion sort took ~0.1 ms of the first pledge);
		 * the counts on the stack, not on a page of their own */
		uint16_t start[NR_SORT_MAX + 1];
		size_t n = 0;
		memset(start, 0, sizeof(start));
		for (size_t i = 0; i < scopes_rows_count; i++) {
			long nr = table_row_nr(ai, i);
			if (nr >= NR_SORT_MAX) {
				pthread_mutex_unlock(&by_nr_lock);
				return -E2BIG;
			}
			if (nr >= 0)
				start[nr + 1]++;
		}
		for (int k = 0; k < NR_SORT_MAX; k++)
			start[k + 1] += start[k];
		for (size_t i = 0; i < scopes_rows_count; i++) {
			long nr = table_row_nr(ai, i);
			if (nr < 0)
				continue;
			size_t k = start[nr]++;
			by_nr[ai].nr[k] = (uint16_t)nr;
			by_nr[ai].row[k] = (uint16_t)i;
			n++;
		}
		by_nr[ai].n = n;
		__atomic_store_n(&by_nr[ai].ready, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&by_nr_lock);
	return 0;
}

/* One 32-bit comparison: (word & mask) == val, word an offset into
 * struct seccomp_data. */
struct cmp {
	uint32_t mask;
	uint32_t val;
	uint8_t word;
	uint8_t pid; /* val is the SCOPES_VALUE_SELF_PID placeholder */
	uint16_t zero;
};

/* A row as the generator sees it: its answer and its comparisons. Unused
 * comparison slots stay zero (items are compared with memcmp). */
struct item {
	uint32_t action;
	uint32_t n;
	struct cmp c[CMP_MAX];
};

/* Does every call item a matches also match item b? */
static int item_implies(const struct item *a, const struct item *b)
{
	for (unsigned j = 0; j < b->n; j++) {
		const struct cmp *cb = &b->c[j];
		int implied = 0;
		for (unsigned i = 0; i < a->n && !implied; i++) {
			const struct cmp *ca = &a->c[i];
			if (ca->word != cb->word)
				continue;
			if (ca->mask == cb->mask && ca->val == cb->val && ca->pid == cb->pid)
				implied = 1;
			else if (!ca->pid && !cb->pid && (ca->mask & cb->mask) == cb->mask &&
				 (ca->val & cb->mask) == cb->val)
				implied = 1;
		}
		if (!implied)
			return 0;
	}
	return 1;
}

/* The comparisons of a row's conditions: low words first (the discriminating
 * half), then high words. 0, or -1 when the conditions can never hold. */
static int item_from_conds(struct item *it, uint32_t action, unsigned ncond,
			   const struct scopes_cond *cond)
{
	memset(it, 0, sizeof(*it));
	it->action = action;
	for (int hi = 0; hi <= 1; hi++) {
		for (unsigned i = 0; i < ncond; i++) {
			const struct scopes_cond *c = &cond[i];
			if (c->arg > 5 || (c->value & ~c->mask))
				return -1;
			uint32_t m = (uint32_t)(hi ? c->mask >> 32 : c->mask);
			uint32_t v = (uint32_t)(hi ? c->value >> 32 : c->value);
			if (!m)
				continue;
			it->c[it->n++] = (struct cmp){ m, v, (uint8_t)SD_ARG(c->arg, hi),
						       !hi && c->value == SCOPES_VALUE_SELF_PID, 0 };
		}
	}
	return 0;
}

/* ------------------------------------------------------------ emission */

struct target {
	int32_t label; /* nearest copy placed so far (count from the end), -1: none */
	uint32_t ret;  /* 1: a RET of k (copied where far); 0: code (JA where far) */
	uint32_t k;
};

struct memo {
	size_t start, n; /* the item list, in the pool */
	int target;
};

#define POOL_MAX 4096
#define MEMO_MAX 2048
struct gen {
	struct sock_filter rev[BPF_MAXINSNS]; /* the program, last instruction first */
	uint32_t n;
	struct target t[TARGETS_MAX];
	int nt;
	int t_default, t_kill;
	size_t npool, nmemo;
	struct item pool[POOL_MAX]; /* item lists, appended only */
	struct memo memo[MEMO_MAX];
};

/* The generator's working memory (~0.5 MiB, touched as far as a program
 * needs): static, so that a compile neither maps nor faults in fresh pages
 * (malloc gave and trimmed them back each time: half the compile time). A
 * concurrent compile (or a child forked while the lock was held) allocates
 * its own. */
static struct gen gen_arena;
static pthread_mutex_t gen_arena_lock = PTHREAD_MUTEX_INITIALIZER;

static int put(struct gen *g, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (g->n >= BPF_MAXINSNS)
		return -E2BIG;
	g->rev[g->n] = (struct sock_filter){ code, jt, jf, k };
	return (int)g->n++;
}

static int target_new(struct gen *g, int32_t label, uint32_t ret, uint32_t k)
{
	if (g->nt >= TARGETS_MAX)
		return -E2BIG;
	g->t[g->nt] = (struct target){ label, ret, k };
	return g->nt++;
}

static int target_ret(struct gen *g, uint32_t action)
{
	for (int i = 0; i < g->nt; i++)
		if (g->t[i].ret && g->t[i].k == action)
			return i;
	return target_new(g, -1, 1, action);
}

/* Place (or re-place nearer) target t just here. */
static int target_place(struct gen *g, int t)
{
	struct target *tt = &g->t[t];
	int l;
	if (tt->ret)
		l = put(g, BPF_RET | BPF_K, 0, 0, tt->k);
	else
		l = put(g, BPF_JMP | BPF_JA, 0, 0, g->n - (uint32_t)tt->label - 1);
	if (l < 0)
		return l;
	tt->label = l;
	return 0;
}

/* Emit a conditional jump to targets tt/tf; returns its label. */
static int jump(struct gen *g, uint16_t code, uint32_t k, int tt, int tf)
{
	for (;;) {
		int rc = 0;
		if (g->t[tt].label < 0 || g->n - (uint32_t)g->t[tt].label - 1 > JUMP_MAX)
			rc = target_place(g, tt);
		else if (g->t[tf].label < 0 || g->n - (uint32_t)g->t[tf].label - 1 > JUMP_MAX)
			rc = target_place(g, tf);
		else
			break;
		if (rc < 0)
			return rc;
	}
	return put(g, code, (uint8_t)(g->n - (uint32_t)g->t[tt].label - 1),
		   (uint8_t)(g->n - (uint32_t)g->t[tf].label - 1), k);
}

/* Make target t the next instruction executed after the one emitted next. */
static int fall_to(struct gen *g, int t)
{
	if (g->t[t].label >= 0 && (uint32_t)g->t[t].label + 1 == g->n)
		return 0;
	if (g->t[t].label < 0 || g->t[t].ret)
		return target_place(g, t);
	return put(g, BPF_JMP | BPF_JA, 0, 0, g->n - (uint32_t)g->t[t].label - 1);
}

/* ------------------------------------------------ argument decision trees */

static int pool_reserve(struct gen *g, size_t more)
{
	return g->npool + more <= POOL_MAX ? 0 : -E2BIG;
}

static int memo_add(struct gen *g, size_t start, size_t n, int target)
{
	if (g->nmemo == MEMO_MAX)
		return 0; /* not shared: only longer */
	g->memo[g->nmemo++] = (struct memo){ start, n, target };
	return 0;
}

static int memo_find(const struct gen *g, size_t start, size_t n)
{
	for (size_t i = 0; i < g->nmemo; i++)
		if (g->memo[i].n == n &&
		    !memcmp(&g->pool[g->memo[i].start], &g->pool[start], n * sizeof(*g->pool)))
			return g->memo[i].target;
	return -1;
}

/* Which value item it requires of (word & mask): 1 with *val, 0 when it
 * compares no such word, -1 when it requires two values (never matches). */
static int item_value(const struct item *it, uint32_t word, uint32_t mask, uint32_t *val,
		      uint32_t *pid)
{
	int found = 0;
	for (unsigned i = 0; i < it->n; i++) {
		const struct cmp *c = &it->c[i];
		if (c->word != word || c->mask != mask)
			continue;
		if (found && (c->val != *val || c->pid != *pid))
			return -1;
		*val = c->val;
		*pid = c->pid;
		found = 1;
	}
	return found;
}

/*
 * Item it on the branch where (word & mask) == val is known: drop the
 * comparisons this decides (those of the same mask, and those whose mask
 * lies inside it). Returns 0, or -1 when a comparison of the word with
 * another mask contradicts val (the item cannot match there: without this,
 * its code would be unreachable, and a fault planted in it undetectable).
 */
static int item_know(struct item *it, uint32_t word, uint32_t mask, uint32_t val, uint32_t pid)
{
	unsigned o = 0;
	for (unsigned i = 0; i < it->n; i++) {
		const struct cmp *c = &it->c[i];
		if (c->word == word && c->mask == mask)
			continue;
		if (c->word == word && !pid && !c->pid) {
			if ((c->val ^ val) & c->mask & mask)
				return -1;
			if (!(c->mask & ~mask))
				continue;
		}
		it->c[o++] = *c;
	}
	for (unsigned i = o; i < it->n; i++)
		it->c[i] = (struct cmp){ 0, 0, 0, 0, 0 };
	it->n = o;
	return 0;
}

/*
 * The code deciding the item list pool[start..start+n): the first item whose
 * comparisons all hold answers, none: the default. Returns its target.
 */
static int gen_items(struct gen *g, size_t start, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (g->pool[start + k].n == 0) {
			n = k + 1; /* nothing after an unconditional item is reached */
			break;
		}
	if (n == 0)
		return g->t_default;
	if (g->pool[start].n == 0)
		return target_ret(g, g->pool[start].action);
	int t = memo_find(g, start, n);
	if (t >= 0)
		return t;

	const uint32_t word = g->pool[start].c[0].word, mask = g->pool[start].c[0].mask;
	uint32_t vals[CALL_ROWS_MAX], pids[CALL_ROWS_MAX];
	int tv[CALL_ROWS_MAX];
	unsigned nv = 0;
	for (size_t k = 0; k < n; k++) {
		uint32_t v, p;
		if (item_value(&g->pool[start + k], word, mask, &v, &p) != 1)
			continue;
		unsigned j = 0;
		while (j < nv && (vals[j] != v || pids[j] != p))
			j++;
		if (j == nv) {
			if (nv == CALL_ROWS_MAX)
				return -E2BIG;
			vals[nv] = v;
			pids[nv++] = p;
		}
	}
	/* the branch where (word & mask) is none of the values */
	int rc = pool_reserve(g, n);
	if (rc < 0)
		return rc;
	size_t os = g->npool, on = 0;
	for (size_t k = 0; k < n; k++) {
		uint32_t v, p;
		if (item_value(&g->pool[start + k], word, mask, &v, &p) == 0)
			g->pool[os + on++] = g->pool[start + k];
	}
	g->npool += on;
	int t_none = gen_items(g, os, on);
	if (t_none < 0)
		return t_none;
	for (unsigned j = 0; j < nv; j++) {
		rc = pool_reserve(g, n);
		if (rc < 0)
			return rc;
		size_t ss = g->npool, sn = 0;
		for (size_t k = 0; k < n; k++) {
			uint32_t v, p;
			int r = item_value(&g->pool[start + k], word, mask, &v, &p);
			if (r < 0 || (r == 1 && (v != vals[j] || p != pids[j])))
				continue;
			g->pool[ss + sn] = g->pool[start + k];
			if (item_know(&g->pool[ss + sn], word, mask, vals[j], pids[j]) == 0)
				sn++;
		}
		g->npool += sn;
		tv[j] = gen_items(g, ss, sn);
		if (tv[j] < 0)
			return tv[j];
	}
	int next = t_none, emitted = 0;
	for (unsigned j = nv; j-- > 0;) {
		if (tv[j] == next)
			continue;
		int l = jump(g, BPF_JMP | BPF_JEQ | BPF_K, vals[j], tv[j], next);
		if (l < 0)
			return l;
		next = target_new(g, l, 0, 0);
		if (next < 0)
			return next;
		emitted = 1;
	}
	if (!emitted) {
		t = t_none;
	} else {
		if (mask != ~0u && put(g, BPF_ALU | BPF_AND | BPF_K, 0, 0, mask) < 0)
			return -E2BIG;
		int l = put(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, word);
		if (l < 0)
			return l;
		t = target_new(g, l, 0, 0);
		if (t < 0)
			return t;
	}
	rc = memo_add(g, start, n, t);
	return rc < 0 ? rc : t;
}

/* ------------------------------------------------------ the number search */

/* A run of numbers [lo, hi] with one outcome: a constant answer (target set)
 * or, for one number, the item list of its argument checks. */
struct leaf {
	uint32_t lo, hi;
	int target;          /* -1 until the item list is generated */
	size_t start, n;     /* the item list (conditional calls) */
};

static int leaf_target(struct gen *g, struct leaf *lf)
{
	if (lf->target < 0)
		lf->target = gen_items(g, lf->start, lf->n);
	return lf->target;
}

/* The search for nr in [lo, hi) among leaves lv[0..n). Returns its target. */
static int gen_search(struct gen *g, struct leaf *lv, size_t n, uint64_t lo, uint64_t hi)
{
	if (n == 0)
		return g->t_default;
	if (n == 1 && lv[0].lo == lo && (uint64_t)lv[0].hi + 1 == hi)
		return leaf_target(g, &lv[0]);
	int points = n <= LEAF_CHAIN_MAX;
	for (size_t i = 0; i < n && points; i++)
		points = lv[i].lo == lv[i].hi;
	if (points) {
		for (size_t i = 0; i < n; i++)
			if (leaf_target(g, &lv[i]) < 0)
				return lv[i].target;
		int next = g->t_default;
		for (size_t i = n; i-- > 0;) {
			int l = jump(g, BPF_JMP | BPF_JEQ | BPF_K, lv[i].lo, lv[i].target, next);
			if (l < 0)
				return l;
			next = target_new(g, l, 0, 0);
			if (next < 0)
				return next;
		}
		return next;
	}
	int l;
	if (n == 1) {
		/* one run inside a wider range: bound it below, then above */
		if (lv[0].lo > lo) {
			int in = gen_search(g, lv, 1, lv[0].lo, hi);
			if (in < 0)
				return in;
			l = jump(g, BPF_JMP | BPF_JGE | BPF_K, lv[0].lo, in, g->t_default);
		} else {
			int in = leaf_target(g, &lv[0]);
			if (in < 0)
				return in;
			l = jump(g, BPF_JMP | BPF_JGE | BPF_K, lv[0].hi + 1, g->t_default, in);
		}
	} else {
		size_t mid = n / 2;
		uint32_t split = lv[mid].lo;
		int right = gen_search(g, lv + mid, n - mid, split, hi);
		if (right < 0)
			return right;
		int left = gen_search(g, lv, mid, lo, split);
		if (left < 0)
			return left;
		l = jump(g, BPF_JMP | BPF_JGE | BPF_K, split, right, left);
	}
	return l < 0 ? l : target_new(g, l, 0, 0);
}

/* ------------------------------------------------------------- building */

static uint32_t row_action(const struct scopes_row *r, scopes_set_t set, int landlock)
{
	switch (r->kind) {
	case SCOPES_ROW_ALWAYS:
		return SECCOMP_RET_ALLOW;
	case SCOPES_ROW_ENOSYS:
		return SECCOMP_RET_ERRNO | ENOSYS;
	case SCOPES_ROW_GRANT:
		return table_row_granted(r, set, landlock) ? SECCOMP_RET_ALLOW : 0;
	case SCOPES_ROW_FAIL:
		return table_row_granted(r, set, landlock)
			       ? SECCOMP_RET_ERRNO | ((uint32_t)r->errnum & SECCOMP_RET_DATA)
			       : 0;
	case SCOPES_ROW_NEVER:
	default:
		return 0;
	}
}

/*
 * The item list of one call from its rows (by_nr[ai] entries [b, e)) and the
 * extra rules of the same number: allow items first, none implied by
 * another, then the other answers in table order; rows answering the default
 * are left out (the default answers the same). Appended to the pool.
 */
static int call_items(struct gen *g, int ai, size_t b, size_t e, long nr, scopes_set_t set,
		      int landlock, uint32_t deflt, const struct bpfgen_extra *extra,
		      unsigned nextra, size_t *start, size_t *n)
{
	struct item all[CALL_ROWS_MAX];
	size_t na = 0;

	/* Most calls: granted without conditions, whatever the other rows say
	 * (an allow row wins). */
	int unconditional = 0;
	for (size_t k = b; k < e && !unconditional; k++) {
		const struct scopes_row *r = &scopes_rows[by_nr[ai].row[k]];
		unconditional = r->ncond == 0 && row_action(r, set, landlock) == SECCOMP_RET_ALLOW;
	}
	for (unsigned x = 0; x < nextra && !unconditional; x++)
		unconditional = extra[x].nr == nr && extra[x].ncond == 0;
	if (unconditional) {
		int rc = pool_reserve(g, 1);
		if (rc < 0)
			return rc;
		*start = g->npool++;
		*n = 1;
		memset(&g->pool[*start], 0, sizeof(g->pool[0]));
		g->pool[*start].action = SECCOMP_RET_ALLOW;
		return 0;
	}
	for (size_t k = b; k < e; k++) {
		const struct scopes_row *r = &scopes_rows[by_nr[ai].row[k]];
		uint32_t act = row_action(r, set, landlock);
		if (!act || act == deflt)
			continue;
		if (na == sizeof(all) / sizeof(all[0]))
			return -E2BIG;
		if (item_from_conds(&all[na], act, r->ncond, r->cond) == 0)
			na++;
	}
	for (unsigned x = 0; x < nextra; x++) {
		if (extra[x].nr != nr)
			continue;
		if (na == sizeof(all) / sizeof(all[0]))
			return -E2BIG;
		if (item_from_conds(&all[na], SECCOMP_RET_ALLOW, extra[x].ncond, extra[x].cond) == 0)
			na++;
	}
	int rc = pool_reserve(g, na);
	if (rc < 0)
		return rc;
	*start = g->npool;
	*n = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < na; i++) {
			int allow = all[i].action == SECCOMP_RET_ALLOW;
			if (allow != (pass == 0))
				continue;
			/* Leave out an allow item another one covers: shorter code.
			 * Only an optimisation (the tree decides the rest alike), so
			 * only the likely pairs are tried: a covering item compares
			 * no more words than the one it covers, and its first
			 * comparison agrees with the covered one's first. */
			int covered = 0;
			for (size_t j = 0; allow && j < na && !covered; j++)
				covered = j != i && all[j].n <= all[i].n &&
					  all[j].action == SECCOMP_RET_ALLOW &&
					  (all[j].n == 0 ||
					   (all[j].c[0].word == all[i].c[0].word &&
					    !((all[j].c[0].val ^ all[i].c[0].val) &
					      all[j].c[0].mask & all[i].c[0].mask))) &&
					  item_implies(&all[i], &all[j]) &&
					  (!item_implies(&all[j], &all[i]) || j < i);
			if (!covered)
				g->pool[g->npool + (*n)++] = all[i];
		}
	}
	g->npool += *n;
	return 0;
}

static int build(struct gen *g, scopes_set_t set, uint32_t deflt, int landlock, uint32_t arch,
		 int ai, const struct bpfgen_extra *extra, unsigned nextra)
{
	struct leaf lv[ROWS_MAX + EXTRA_MAX];
	size_t nl = 0;
	int rc;

	g->t_default = target_ret(g, deflt);
	g->t_kill = target_ret(g, SECCOMP_RET_KILL_PROCESS);
	if (g->t_default < 0 || g->t_kill < 0)
		return -E2BIG;

	/* the numbers: table rows (sorted) merged with the extra rules */
	size_t k = 0;
	long last_extra = -1;
	for (;;) {
		long nr = k < by_nr[ai].n ? by_nr[ai].nr[k] : -1;
		long xnr = -1;
		for (unsigned x = 0; x < nextra; x++)
			if (extra[x].nr > last_extra && (xnr < 0 || extra[x].nr < xnr))
				xnr = extra[x].nr;
		if (nr < 0 || (xnr >= 0 && xnr < nr))
			nr = xnr;
		if (nr < 0)
			break;
		size_t e = k;
		while (e < by_nr[ai].n && by_nr[ai].nr[e] == nr)
			e++;
		if (xnr == nr)
			last_extra = nr;
		size_t start, n;
		rc = call_items(g, ai, k, e, nr, set, landlock, deflt, extra, nextra, &start, &n);
		if (rc < 0)
			return rc;
		k = e;
		if (n == 0)
			continue;
		struct leaf lf = { (uint32_t)nr, (uint32_t)nr, -1, start, n };
		if (g->pool[start].n == 0) {
			lf.target = target_ret(g, g->pool[start].action);
			if (lf.target < 0)
				return lf.target;
			if (lf.target == g->t_default)
				continue;
		}
		if (nl > 0 && lf.target >= 0 && lv[nl - 1].target == lf.target &&
		    lv[nl - 1].hi + 1 == lf.lo) {
			lv[nl - 1].hi = lf.hi;
			continue;
		}
		if (nl == sizeof(lv) / sizeof(lv[0]))
			return -E2BIG;
		lv[nl++] = lf;
	}

	const uint64_t top = arch == SCOPES_ARCH_X86_64 ? X32_BIT : (uint64_t)1 << 32;
	int root = gen_search(g, lv, nl, 0, top);
	if (root < 0)
		return root;
	if (arch == SCOPES_ARCH_X86_64) {
		/* x32: nr | 0x40000000 is another ABI, killed; -1 (a skipped
		 * call under ptrace) is no call: the default */
		int l = jump(g, BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffu, g->t_default, g->t_kill);
		if (l < 0)
			return l;
		int x32 = target_new(g, l, 0, 0);
		if (x32 < 0)
			return x32;
		l = jump(g, BPF_JMP | BPF_JGE | BPF_K, X32_BIT, x32, root);
		if (l < 0)
			return l;
	} else if ((rc = fall_to(g, root)) < 0) {
		return rc;
	}
	int l = put(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, SD_NR);
	if (l < 0)
		return l;
	int t_nr = target_new(g, l, 0, 0);
	if (t_nr < 0)
		return t_nr;
	if ((l = jump(g, BPF_JMP | BPF_JEQ | BPF_K, arch, t_nr, g->t_kill)) < 0)
		return l;
	if ((l = put(g, BPF_LD | BPF_W | BPF_ABS, 0, 0, SD_ARCH)) < 0)
		return l;
	return 0;
}

int bpfgen_build(scopes_set_t set, uint32_t default_action, int landlock, uint32_t arch,
		 const struct bpfgen_extra *extra, unsigned nextra, struct sock_filter **insns,
		 size_t *count)
{
	int ai = table_arch_index(arch);
	int rc;

	/* the generator's failure point for the fault sweep (it took
	 * libseccomp's place, and its ECANCELED) */
	if (sys_fault(SCOPES_FAULT_LIBSECCOMP))
		return -ECANCELED;
	if (ai < 0 || nextra > EXTRA_MAX)
		return -EINVAL;
	rc = by_nr_init(ai);
	if (rc < 0)
		return rc;
	int arena = pthread_mutex_trylock(&gen_arena_lock) == 0;
	struct gen *g = arena ? &gen_arena : sys_malloc(sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->n = 0;
	g->nt = 0;
	g->npool = g->nmemo = 0;
	rc = build(g, set, default_action, landlock, arch, ai, extra, nextra);
	if (rc == 0) {
		struct sock_filter *p = sys_malloc(g->n * sizeof(*p));
		if (!p) {
			rc = -ENOMEM;
		} else {
			for (uint32_t i = 0; i < g->n; i++)
				p[i] = g->rev[g->n - 1 - i];
			*insns = p;
			*count = g->n;
		}
	}
	if (arena)
		pthread_mutex_unlock(&gen_arena_lock);
	else
		free(g);
	return rc;
}
