/* SPDX-License-Identifier: MIT */
/*
 * The analysis: from observed calls to requirements (what the promise table
 * says would allow each), classes of calls, and the minimal promise sets.
 *
 * Policy decided here, each rule with its reason:
 *  - A path-scoped alternative (dns, getpw, tmppath, ps, vminfo, tty) counts
 *    only when the path the call acts on is under that promise's paths, and
 *    only when Landlock can enforce it (without Landlock those promises grant
 *    nothing, docs/promises.md "fail closed"). Unknown path: it does not count.
 *    Where Landlock does not look at the path (stat, access, readlink), the
 *    promise grants the call anywhere, and so counts whatever the path.
 *  - An incidental alternative (exec's grant of what a loader needs) counts
 *    for the loaders of exec'd images only; for the program's own calls and
 *    its own start-up the promise whose purpose it is gets suggested (the
 *    table: "suggest it last").
 *  - Audit records carry no arguments: a call whose promise depends on them
 *    is ambiguous; the cover assumes the table's first alternative (its
 *    primary, least one: rpath for openat, stdio for mmap) besides the ones
 *    that allow it whatever the arguments, and the report lists it with all
 *    its candidates, never as a certainty.
 *  - A call the table answers with an error under some promises (FAIL row:
 *    glibc's nscd probe under getpw/dns) is allowed by those promises as far
 *    as the program is concerned (a fallback: chosen only when it saves a
 *    promise); so are the calls on the descriptor it would not have created
 *    (the backend marks them moot).
 */
#define _GNU_SOURCE
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "elfinfo.h"
#include "srcline.h"
#include "trace.h"

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fprintf(stderr, "scopes-trace: out of memory\n");
		exit(125);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d) {
		fprintf(stderr, "scopes-trace: out of memory\n");
		exit(125);
	}
	return d;
}

int array_reserve(void *arrp, size_t *cap, size_t n, size_t elem)
{
	void **arr = arrp;
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 16;
	void *p = realloc(*arr, c * elem);
	if (!p)
		return -1;
	*arr = p;
	*cap = c;
	return 0;
}

/* The model cannot do without its arrays: out of memory ends the run. */
#define GROW(arr, n, cap)                                                          \
	do {                                                                       \
		if (array_reserve(&(arr), &(cap), (n), sizeof(*(arr))) != 0) {    \
			fprintf(stderr, "scopes-trace: out of memory\n");           \
			exit(125);                                                 \
		}                                                                  \
	} while (0)

void trace_run_init(struct trace_run *run, char *const *argv)
{
	memset(run, 0, sizeof(*run));
	run->argv = argv;
	run->complete = 1;
	run->exact = 1;
	run->stdin_read = -1;
	/* the arguments that name files: they exist, or contain a slash
	 * (an output not yet written); "--opt=PATH" by what follows '=' */
	for (int i = 1; argv && argv[0] && argv[i]; i++) {
		const char *a = argv[i];
		const char *eq = a[0] == '-' ? strchr(a, '=') : NULL;
		if (eq)
			a = eq + 1;
		struct stat st;
		if (!a[0] || (!strchr(a, '/') && stat(a, &st) != 0))
			continue;
		char *r = realpath(a, NULL);
		if (!r) { /* not there (yet): its directory resolved */
			char dir[PATH_MAX], *slash;
			snprintf(dir, sizeof(dir), "%s", a);
			slash = strrchr(dir, '/');
			const char *base = slash ? slash + 1 : a;
			if (slash)
				*slash = '\0';
			char *rd = realpath(slash ? (dir[0] ? dir : "/") : ".", NULL);
			if (!rd)
				continue;
			if (asprintf(&r, "%s/%s", strcmp(rd, "/") ? rd : "", base) < 0)
				r = NULL;
			free(rd);
			if (!r)
				continue;
		}
		run->argpaths = xrealloc(run->argpaths, (run->nargpaths + 1) * sizeof(char *));
		run->argpaths[run->nargpaths++] = r;
	}
}

/* Is object a file the command line named: the path itself, beneath it, or
 * beside it (gzip's f.gz, sed -i's temporary file next to f)? */
static int from_command_line(const struct trace_run *run, const char *object)
{
	for (size_t i = 0; object && i < run->nargpaths; i++) {
		const char *a = run->argpaths[i];
		if (scopes_path_beneath(object, a))
			return 1;
		const char *slash = strrchr(a, '/');
		size_t dl = slash ? (size_t)(slash - a) : 0;
		if (dl && strncmp(object, a, dl) == 0 && object[dl] == '/' &&
		    !strchr(object + dl + 1, '/'))
			return 1;
	}
	return 0;
}

void trace_run_free(struct trace_run *run)
{
	for (size_t i = 0; i < run->nimages; i++) {
		free(run->images[i].path);
		free(run->images[i].exe);
		free(run->images[i].interp);
	}
	free(run->images);
	for (size_t i = 0; i < run->npledges; i++) {
		free(run->pledges[i].promises);
		free(run->pledges[i].execpromises);
	}
	free(run->pledges);
	for (size_t i = 0; i < run->nclasses; i++) {
		for (int k = 0; k < run->classes[i].nexamples; k++)
			free(run->classes[i].examples[k]);
		free(run->classes[i].last_example);
	}
	free(run->classes);
	free(run->hash);
	for (int i = 0; i < run->nnotes; i++)
		free(run->notes[i]);
	free(run->steps);
	free(run->changed);
	for (size_t i = 0; i < run->nchanged; i++)
		free(run->changed_paths[i]);
	free(run->changed_paths);
	for (size_t i = 0; i < run->nsources; i++) {
		free(run->sources[i].file);
		free(run->sources[i].command);
		free(run->sources[i].backend);
	}
	free(run->sources);
	free(run->verify_refused);
	for (size_t i = 0; i < run->nargpaths; i++)
		free(run->argpaths[i]);
	free(run->argpaths);
	for (int i = 0; i < run->ntries; i++) {
		struct tr_verify *t = &run->tries[i];
		free(t->cmd);
		free(t->tail);
		for (size_t k = 0; k < t->ndenials; k++) {
			struct tr_denial *d = &t->denials[k];
			free(d->access);
			free(d->object);
			free(d->program);
			free(d->syscall);
			free(d->verdict);
			free(d->allowed_by);
		}
		free(t->denials);
		free(t->denials_unseen);
		free(t->denials_lost);
	}
}

int trace_image_add(struct trace_run *run, const char *path, const char *exe, const char *interp,
		    int parent, long pid)
{
	GROW(run->images, run->nimages, run->cimages);
	struct tr_image *im = &run->images[run->nimages];
	*im = (struct tr_image){ xstrdup(path), xstrdup(exe), xstrdup(interp), parent, pid, 0 };
	if (run->nimages > 0)
		run->exec_images = 1;
	trace_check_privileged(run, exe && exe[0] == '/' ? exe : path);
	return (int)run->nimages++;
}

static void note_add(struct trace_run *run, const char *code, const char *buf)
{
	if (code) {
		run->complete = 0;
		run->incomplete_notes++;
	}
	for (int i = 0; i < run->nnotes; i++)
		if (strcmp(run->notes[i], buf) == 0)
			return;
	if (run->nnotes < TR_MAX_NOTES) {
		run->note_code[run->nnotes] = code;
		run->notes[run->nnotes++] = xstrdup(buf);
	}
}

void trace_note(struct trace_run *run, int incomplete, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	note_add(run, incomplete ? "calls_missing" : NULL, buf);
}

void trace_incomplete(struct trace_run *run, const char *code, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	note_add(run, code, buf);
}

static int in_groups(gid_t gid)
{
	gid_t g[256];
	int n = getgroups(256, g);
	for (int i = 0; i < n; i++)
		if (g[i] == gid)
			return 1;
	return gid == getegid();
}

int trace_check_privileged(struct trace_run *run, const char *exe)
{
	struct stat st;
	if (!exe || exe[0] != '/' || stat(exe, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	char what[160] = "";
	if ((st.st_mode & S_ISUID) && st.st_uid != geteuid()) {
		struct passwd *pw = getpwuid(st.st_uid);
		snprintf(what, sizeof(what), "set-user-ID %s", pw ? pw->pw_name : "(another user)");
	} else if ((st.st_mode & S_ISGID) && !in_groups(st.st_gid)) {
		struct group *gr = getgrgid(st.st_gid);
		snprintf(what, sizeof(what), "set-group-ID %s", gr ? gr->gr_name : "(another group)");
	} else if (geteuid() != 0 && getxattr(exe, "security.capability", NULL, 0) > 0) {
		snprintf(what, sizeof(what), "given file capabilities");
	}
	if (!what[0])
		return 0;
	trace_incomplete(run, "privileged_program",
			 "%s is %s: traced (no_new_privs) it runs without that privilege and may "
			 "behave differently; trace it as that user, or trust this answer less",
			 exe, what);
	return 1;
}

int trace_pledge_add(struct trace_run *run, const char *line, size_t len, long pid, int image,
		     int prev_segment)
{
	static const char tag[] = "scopes-pledge\t";
	char buf[8300];

	if (len < sizeof(tag) - 1 || memcmp(line, tag, sizeof(tag) - 1) != 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, line + sizeof(tag) - 1, len - (sizeof(tag) - 1));
	buf[len - (sizeof(tag) - 1)] = '\0';
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	char *f[3];
	char *p = buf;
	for (int i = 0; i < 3; i++) {
		f[i] = p;
		char *t = strchr(p, '\t');
		if (!t && i < 2)
			return -1;
		if (t) {
			*t = '\0';
			p = t + 1;
		}
	}
	GROW(run->pledges, run->npledges, run->cpledges);
	struct tr_pledge *pl = &run->pledges[run->npledges];
	memset(pl, 0, sizeof(*pl));
	pl->promises = strcmp(f[0], "(null)") ? xstrdup(f[0]) : NULL;
	pl->execpromises = strcmp(f[1], "(null)") ? xstrdup(f[1]) : NULL;
	pl->parsed = pl->promises && scopes_promises_parse(pl->promises, &pl->set) == 0;
	pl->caller = strtoull(f[2], NULL, 16);
	pl->pid = pid;
	pl->image = image;
	pl->prev = prev_segment;
	return (int)run->npledges++;
}

/* ------------------------------------------------------ classification */

const unsigned *trace_weights(void)
{
	static unsigned w[64];
	static int done;
	if (!done) {
		/* what a promise grants, measured by the table's own rows */
		for (size_t i = 0; i < scopes_row_count(); i++) {
			const struct scopes_row *r = scopes_row_get(i);
			if (r->kind != SCOPES_ROW_GRANT)
				continue;
			for (int p = 0; p < 64 && p < scopes_promise_count(); p++)
				if ((r->any | r->all) & (1ULL << p))
					w[p]++;
		}
		for (int p = 0; p < 64; p++)
			w[p] += 1; /* a promise granting nothing still costs */
		done = 1;
	}
	return w;
}

/* The promise's paths with symbolic links resolved (Landlock rules are on
 * the files the paths resolve to), computed once. */
static const char *promise_path_real(int idx, int k, const char *path)
{
	static char *real[64][8];
	if (idx < 0 || idx >= 64 || k < 0 || k >= 8)
		return path;
	if (!real[idx][k]) {
		char *r = realpath(path, NULL);
		real[idx][k] = r ? r : xstrdup(path);
	}
	return real[idx][k];
}

/* The table decides by the paths' spelling; the traced object is resolved,
 * so the promise's paths are tried resolved as well. */
static int object_in_promise(int idx, const char *object)
{
	const char *const *paths = scopes_promise_paths(idx);
	if (scopes_promise_covers_path(idx, object))
		return 1;
	for (int k = 0; paths && paths[k]; k++)
		if (scopes_path_beneath(object, promise_path_real(idx, k, paths[k])))
			return 1;
	return 0;
}

/* Every path-scoped promise of set covers object. */
static int pathscoped_ok(scopes_set_t set, const char *object)
{
	if (!object)
		return 0;
	for (int i = 0; i < scopes_promise_count(); i++)
		if ((set & (1ULL << i)) && (scopes_promise_flags(i) & SCOPES_PROMISE_PATHSCOPED) &&
		    !object_in_promise(i, object))
			return 0;
	return 1;
}

static void req_add(struct cover_req *r, scopes_set_t set, unsigned flags)
{
	for (int i = 0; i < r->n; i++) {
		if ((r->alt[i] & set) == r->alt[i]) { /* a subset is there already */
			if (r->alt[i] == set) /* the same set: the stronger claim wins */
				r->flags[i] &= flags;
			return;
		}
	}
	int w = 0;
	for (int i = 0; i < r->n; i++) /* drop supersets of the new one */
		if ((set & r->alt[i]) != set) {
			r->alt[w] = r->alt[i];
			r->flags[w++] = r->flags[i];
		}
	r->n = w;
	if (r->n < COVER_MAX_ALTS) {
		r->alt[r->n] = set;
		r->flags[r->n++] = flags;
	}
}

struct classified {
	enum scopes_class cls;
	const char *reason, *note, *fail_note;
	struct cover_req req, cand, safe;
	int argdep, pathdep, fails, guess;
};

/* Arguments unknown: one set allowing the call for every argument that any
 * primary candidate allows. The smallest candidate that needs no argument
 * condition if there is one, else the union of the primary candidates
 * (path-scoped ones are within rpath/wpath/cpath's reach, incidental ones
 * are a loader's). 0 when only path-scoped or incidental ones exist. */
static scopes_set_t safe_union(const struct scopes_verdict *v, uint32_t arch, long nr)
{
	scopes_set_t all = 0, uni = 0;
	/* unveil's opens (and the like) are only under paths the program
	 * unveils itself: no help to a program that does not */
	int unveil = scopes_landlock_checks_path(arch, nr) ? scopes_promise_index("unveil", 6) : -1;
	for (int i = 0; i < v->n; i++) {
		const struct scopes_alt *a = &v->alt[i];
		if (a->flags & (SCOPES_ALT_PATHSCOPED | SCOPES_ALT_INCIDENTAL))
			continue;
		if (!(a->flags & SCOPES_ALT_ARGS_UNKNOWN)) {
			if (!all || __builtin_popcountll(a->set) < __builtin_popcountll(all))
				all = a->set;
			continue;
		}
		if (unveil >= 0 && (a->set & (1ULL << unveil)))
			continue;
		uni |= a->set;
	}
	return all ? all : uni;
}

static void classify(const struct trace_run *run, const struct tr_call *c, struct classified *k)
{
	struct scopes_verdict v;

	int tmppath = scopes_promise_index("tmppath", 7);
	memset(k, 0, sizeof(*k));
	scopes_query(c->arch, c->nr, c->args, &v);
	k->cls = v.cls;
	k->reason = v.reason;
	if (v.cls != SCOPES_CLASS_PROMISE)
		return;
	int assumed = 0;
	for (int i = 0; i < v.n; i++) {
		const struct scopes_alt *a = &v.alt[i];
		unsigned f = a->flags & SCOPES_ALT_INCIDENTAL ? COVER_ALT_INCIDENTAL : 0;
		if (a->flags & SCOPES_ALT_ARGS_UNKNOWN) {
			f |= COVER_ALT_ARGDEP;
			k->argdep = 1;
		}
		if (k->cand.n < COVER_MAX_ALTS) { /* as the table gives them */
			k->cand.alt[k->cand.n] = a->set;
			k->cand.flags[k->cand.n++] = f;
		}
		if (a->flags & SCOPES_ALT_PATHSCOPED) {
			/* only where Landlock enforces it; and where Landlock
			 * checks this call's path, only for the promise's paths
			 * (an audit record has no path: ambiguous) */
			if (!run->landlock)
				continue;
			int checked = scopes_landlock_checks_path(c->arch, c->nr);
			if (checked && !c->args) {
				k->pathdep = 1;
				continue;
			}
			if (checked && !pathscoped_ok(a->set, c->object))
				continue;
			/* a file the user named is not a temporary file, though
			 * it lies in /tmp: the answer must not depend on where
			 * the program was run */
			if (checked && tmppath >= 0 && (a->set & (1ULL << tmppath)) &&
			    from_command_line(run, c->object))
				continue;
		}
		if ((f & COVER_ALT_ARGDEP) && !(c->phase == TR_LOADER && (f & COVER_ALT_INCIDENTAL))) {
			/* arguments not seen: assume the table's first (primary,
			 * least) alternative, never guess a wider one; a loader
			 * keeps exec's grants made for it */
			if (assumed++)
				continue;
		}
		if (!k->note)
			k->note = a->note;
		req_add(&k->req, a->set, f);
	}
	if (c->phase != TR_LOADER) {
		/* incidental grants (exec's, for a loader) count for the
		 * loaders of exec'd images only: anywhere else the promise
		 * whose purpose it is gets suggested */
		int primary = 0;
		for (int i = 0; i < k->req.n; i++)
			primary |= !(k->req.flags[i] & COVER_ALT_INCIDENTAL);
		if (primary) {
			int w = 0;
			for (int i = 0; i < k->req.n; i++)
				if (!(k->req.flags[i] & COVER_ALT_INCIDENTAL)) {
					k->req.alt[w] = k->req.alt[i];
					k->req.flags[w++] = k->req.flags[i];
				}
			k->req.n = w;
		}
	}
	if (!c->args && k->argdep && c->phase != TR_LOADER) {
		/* the log backend: never present the least alternative as the
		 * answer; keep it (least) and the safe union apart */
		k->guess = 1;
		scopes_set_t safe = safe_union(&v, c->arch, c->nr);
		if (safe)
			req_add(&k->safe, safe, 0);
		for (int i = 0; i < k->req.n; i++)
			if (!(k->req.flags[i] & COVER_ALT_ARGDEP))
				req_add(&k->safe, k->req.alt[i], k->req.flags[i]);
	}
	scopes_set_t under = 0;
	/* arguments unknown (audit): the rows that answer every call so */
	const struct scopes_row *fail = scopes_fail_row(c->arch, c->nr, c->args);
	if (fail) {
		under = fail->any;
		k->fails = 1;
		k->fail_note = fail->note;
	} else if (c->moot) {
		under = c->moot;
		k->fails = 1;
		k->fail_note = c->moot_why;
		k->req.req_flags |= COVER_REQ_DEPENDENT;
	}
	for (int b = 0; b < scopes_promise_count(); b++) {
		if (!(under & (1ULL << b)))
			continue;
		/* a path-scoped promise answers with the error only where it is
		 * enforced at all */
		if ((scopes_promise_flags(b) & SCOPES_PROMISE_PATHSCOPED) && !run->landlock)
			continue;
		req_add(&k->req, 1ULL << b, COVER_ALT_FALLBACK);
		req_add(&k->cand, 1ULL << b, COVER_ALT_FALLBACK);
	}
	if (k->req.n == 0) {
		k->cls = SCOPES_CLASS_NEVER;
		k->reason = v.n == 0 ? (v.reason ? v.reason : "no promise allows it with these arguments")
				     : "only path-scoped promises allow it, and not for this path";
	}
}

/* ------------------------------------------------------------- classes */

static uint64_t class_hash(const struct tr_call *c, const struct classified *k)
{
	uint64_t h = 1469598103934665603ull;
#define MIX(x) (h = (h ^ (uint64_t)(x)) * 1099511628211ull)
	MIX(c->arch);
	MIX(c->nr);
	MIX(c->image);
	MIX(c->phase);
	MIX(c->segment);
	MIX(k->cls);
	MIX(k->argdep);
	MIX(k->pathdep);
	MIX(k->fails);
	MIX(k->req.n);
	MIX(k->req.req_flags);
	for (int i = 0; i < k->req.n; i++) {
		MIX(k->req.alt[i]);
		MIX(k->req.flags[i]);
	}
#undef MIX
	return h;
}

static int class_equal(const struct tr_class *x, const struct tr_call *c, const struct classified *k)
{
	if (x->arch != c->arch || x->nr != c->nr || x->image != c->image || x->phase != c->phase ||
	    x->segment != c->segment || x->cls != k->cls || x->argdep != k->argdep || x->pathdep != k->pathdep ||
	    x->fails != k->fails || x->req.n != k->req.n || x->req.req_flags != k->req.req_flags)
		return 0;
	for (int i = 0; i < k->req.n; i++)
		if (x->req.alt[i] != k->req.alt[i] || x->req.flags[i] != k->req.flags[i])
			return 0;
	return 1;
}

static void rehash(struct trace_run *run)
{
	size_t size = run->hash_size ? run->hash_size * 2 : 1024;
	free(run->hash);
	run->hash = xrealloc(NULL, size * sizeof(*run->hash));
	memset(run->hash, 0, size * sizeof(*run->hash));
	run->hash_size = size;
	for (size_t i = 0; i < run->nclasses; i++) {
		const struct tr_class *x = &run->classes[i];
		struct tr_call c = { .arch = x->arch, .nr = x->nr, .image = x->image,
				     .phase = x->phase, .segment = x->segment };
		struct classified k = { .cls = x->cls, .argdep = x->argdep, .pathdep = x->pathdep,
					.fails = x->fails, .req = x->req };
		size_t h = (size_t)class_hash(&c, &k) % size;
		while (run->hash[h])
			h = (h + 1) % size;
		run->hash[h] = i + 1;
	}
}

static struct tr_class *class_for(struct trace_run *run, const struct tr_call *c,
				  const struct classified *k)
{
	if (run->nclasses * 2 >= run->hash_size)
		rehash(run);
	size_t h = (size_t)class_hash(c, k) % run->hash_size;
	while (run->hash[h]) {
		struct tr_class *x = &run->classes[run->hash[h] - 1];
		if (class_equal(x, c, k))
			return x;
		h = (h + 1) % run->hash_size;
	}
	GROW(run->classes, run->nclasses, run->cclasses);
	struct tr_class *x = &run->classes[run->nclasses];
	memset(x, 0, sizeof(*x));
	x->arch = c->arch;
	x->nr = c->nr;
	x->name = scopes_syscall_name(c->arch, c->nr);
	x->image = c->image;
	x->phase = c->phase;
	x->segment = c->segment;
	x->cls = k->cls;
	x->reason = k->reason;
	x->note = k->note;
	x->req = k->req;
	x->cand = k->cand;
	x->argdep = k->argdep;
	x->pathdep = k->pathdep;
	x->guess = k->guess;
	x->safe_req = k->safe;
	x->least_req = k->req;
	x->fails = k->fails;
	x->fail_note = k->fail_note;
	x->first_seq = run->seq;
	x->chosen = -1;
	run->hash[h] = ++run->nclasses;
	return x;
}

int trace_examples_full(struct trace_run *run, const struct tr_call *c)
{
	if (run->timeline || !run->hash_size)
		return 0;
	struct classified k;
	classify(run, c, &k);
	size_t h = (size_t)class_hash(c, &k) % run->hash_size;
	while (run->hash[h]) {
		const struct tr_class *x = &run->classes[run->hash[h] - 1];
		if (class_equal(x, c, &k))
			return x->nexamples >= TR_EXAMPLES;
		h = (h + 1) % run->hash_size;
	}
	return 0;
}

int trace_pathscoped_possible(uint32_t arch, long nr)
{
	static signed char known[1024]; /* 0 unknown, 1 no, 2 yes (native arch) */
	if (arch != scopes_native_arch() || nr < 0 || nr >= 1024)
		return 0;
	if (!known[nr]) {
		struct scopes_verdict v;
		int yes = 0;
		scopes_query(arch, nr, NULL, &v);
		for (int i = 0; i < v.n; i++)
			yes |= (v.alt[i].flags & SCOPES_ALT_PATHSCOPED) != 0;
		known[nr] = (signed char)(yes ? 2 : 1);
	}
	return known[nr] == 2;
}

/* Does every way to allow the call change files (a second run would find
 * them changed, or change them again)? /dev and /proc are no one's files. */
static int changes_files(const struct cover_req *req, const char *object)
{
	static scopes_set_t writing;
	if (!writing) {
		static const char *const names[] = { "wpath", "cpath", "dpath", "fattr",
						     "chown", "tmppath" };
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			int b = scopes_promise_index(names[i], strlen(names[i]));
			if (b >= 0)
				writing |= 1ULL << b;
		}
	}
	if (req->n == 0 || (object && (strncmp(object, "/dev/", 5) == 0 ||
				       strncmp(object, "/proc/", 6) == 0)))
		return 0;
	for (int i = 0; i < req->n; i++)
		if (!(req->alt[i] & writing) || (req->flags[i] & COVER_ALT_FALLBACK))
			return 0;
	return 1;
}

enum scopes_class trace_call(struct trace_run *run, const struct tr_call *c)
{
	struct classified k;
	char ex[512], nm[48];

	run->seq++;
	run->calls++;
	if (c->image >= 0 && (size_t)c->image < run->nimages)
		run->images[c->image].calls++;
	classify(run, c, &k);
	struct tr_class *x = class_for(run, c, &k);
	if (c->phase == TR_PROGRAM && k.cls == SCOPES_CLASS_PROMISE && changes_files(&k.req, c->object)) {
		if (!run->changed)
			run->changed = xstrdup(c->text ? c->text : x->name ? x->name : "?");
		const char *sc = scopes_syscall_name(c->arch, c->nr);
		if (sc && (strncmp(sc, "rename", 6) == 0 || strncmp(sc, "link", 4) == 0))
			run->moved_files = 1;
		int known = 0;
		for (size_t i = 0; c->object && i < run->nchanged && !known; i++)
			known = strcmp(run->changed_paths[i], c->object) == 0;
		/* no path: an audit record (unknown), or a call on a descriptor
		 * (its file was opened by a path seen then, or given to the
		 * program already open) */
		if (!c->object) {
			if (!c->args)
				run->changed_unknown = 1;
		} else if (!known && run->nchanged < 4096) {
			GROW(run->changed_paths, run->nchanged, run->cchanged);
			run->changed_paths[run->nchanged++] = xstrdup(c->object);
		} else if (!known) {
			run->changed_unknown = 1;
		}
	}
	x->count++;
	x->last_seq = run->seq;
	const char *name = x->name;
	if (!name) {
		snprintf(nm, sizeof(nm), "syscall_%ld", c->nr);
		name = nm;
	}
	/* examples: the first distinct ones, and the latest in the last slot
	 * (a program's own files come after its start-up's locale files) */
	if (c->text)
		snprintf(ex, sizeof(ex), "%s", c->text);
	else
		snprintf(ex, sizeof(ex), "%s(\xe2\x80\xa6)", name); /* … : not known */
	int dup = 0;
	for (int i = 0; i < x->nexamples; i++)
		dup |= strcmp(x->examples[i], ex) == 0;
	if (!dup) {
		if (x->nexamples < TR_EXAMPLES) {
			x->examples[x->nexamples++] = xstrdup(ex);
		} else {
			free(x->examples[TR_EXAMPLES - 1]);
			x->examples[TR_EXAMPLES - 1] = xstrdup(ex);
		}
	}
	if (run->timeline) {
		free(x->last_example);
		x->last_example = xstrdup(ex);
	}
	x->last_where = c->where;
	x->last_caller = c->caller;
	if (c->args) {
		/* did it read its standard input? (--verify's second run cannot
		 * read a pipe or terminal again) */
		if (run->stdin_read < 0)
			run->stdin_read = 0;
		if (c->args[0] == 0 && (strncmp(name, "read", 4) == 0 || strncmp(name, "pread", 5) == 0 ||
					strncmp(name, "recv", 4) == 0 || strcmp(name, "splice") == 0))
			run->stdin_read = 1;
	}
	return k.cls;
}

/* -------------------------------------------------------------- finish */

static int class_in_program(const struct tr_class *x)
{
	return x->phase != TR_STARTUP;
}

static int class_has_req(const struct tr_class *x)
{
	return x->cls == SCOPES_CLASS_PROMISE && x->req.n > 0;
}

typedef int (*class_pred)(const struct trace_run *, const struct tr_class *, const void *);

/* Cover the requirements of the classes pred selects, beyond base. */
static scopes_set_t cover_classes(struct trace_run *run, class_pred pred, const void *arg,
				  scopes_set_t base)
{
	struct cover_req *reqs = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < run->nclasses; i++) {
		const struct tr_class *x = &run->classes[i];
		if (!class_has_req(x) || !pred(run, x, arg))
			continue;
		int dup = 0; /* many classes share one requirement */
		for (size_t k = 0; k < n && !dup; k++)
			dup = reqs[k].n == x->req.n && reqs[k].req_flags == x->req.req_flags &&
			      memcmp(reqs[k].alt, x->req.alt, sizeof(scopes_set_t) * (size_t)x->req.n) == 0 &&
			      memcmp(reqs[k].flags, x->req.flags, sizeof(unsigned) * (size_t)x->req.n) == 0;
		if (dup)
			continue;
		GROW(reqs, n, cap);
		reqs[n++] = x->req;
	}
	struct cover_result res;
	cover_solve(reqs, n, base, trace_weights(), 0, &res);
	if (!res.exact)
		run->exact = 0;
	free(reqs);
	return res.set;
}

static int pred_program(const struct trace_run *run, const struct tr_class *x, const void *arg)
{
	(void)run;
	(void)arg;
	return class_in_program(x);
}

static int pred_startup(const struct trace_run *run, const struct tr_class *x, const void *arg)
{
	(void)run;
	(void)arg;
	return x->phase == TR_STARTUP;
}

/* What exec'd images need once running: their own code, and the loaders of
 * images they exec in turn (those run under execpromises too). */
static int pred_exec(const struct trace_run *run, const struct tr_class *x, const void *arg)
{
	(void)arg;
	if (x->image <= 0 || (size_t)x->image >= run->nimages)
		return 0;
	if (x->phase == TR_PROGRAM)
		return 1;
	return x->phase == TR_LOADER && run->images[x->image].parent > 0;
}

/* Is segment seg, or one it leads to, the class's segment? */
static int segment_within(const struct trace_run *run, int class_seg, int seg)
{
	for (int s = class_seg, guard = 0; s > 0 && guard < 1000; guard++) {
		if (s == seg)
			return 1;
		s = run->pledges[s - 1].prev;
	}
	return 0;
}

static int pred_segment_from(const struct trace_run *run, const struct tr_class *x, const void *arg)
{
	return class_in_program(x) && segment_within(run, x->segment, *(const int *)arg);
}

struct missing_arg {
	int seg;
	scopes_set_t declared;
};

static int pred_missing(const struct trace_run *run, const struct tr_class *x, const void *arg)
{
	const struct missing_arg *m = arg;
	(void)run;
	return class_in_program(x) && x->segment == m->seg &&
	       cover_satisfied_by(&x->req, m->declared) < 0;
}

static int pred_since(const struct trace_run *run, const struct tr_class *x, const void *arg)
{
	(void)run;
	return class_in_program(x) && x->last_seq > *(const uint64_t *)arg;
}

static int by_last_seq(const void *a, const void *b)
{
	const struct tr_class *x = *(const struct tr_class *const *)a;
	const struct tr_class *y = *(const struct tr_class *const *)b;
	return x->last_seq < y->last_seq ? -1 : x->last_seq > y->last_seq;
}

static void timeline(struct trace_run *run)
{
	const struct tr_class **order = xrealloc(NULL, run->nclasses * sizeof(*order));
	size_t n = 0;
	for (size_t i = 0; i < run->nclasses; i++)
		if (class_has_req(&run->classes[i]) && class_in_program(&run->classes[i]))
			order[n++] = &run->classes[i];
	qsort(order, n, sizeof(*order), by_last_seq);
	scopes_set_t prev = run->promises;
	size_t cap = 0;
	for (size_t i = 0; i < n; i++) {
		/* several classes may end at the same call; take the last */
		if (i + 1 < n && order[i + 1]->last_seq == order[i]->last_seq)
			continue;
		uint64_t since = order[i]->last_seq;
		scopes_set_t need = cover_classes(run, pred_since, &since, 0);
		if (need == prev)
			continue;
		GROW(run->steps, run->nsteps, cap);
		run->steps[run->nsteps++] = (struct tr_step){ order[i], need };
		prev = need;
	}
	free(order);
}

static void covers(struct trace_run *run)
{
	run->promises = cover_classes(run, pred_program, NULL, 0);
	run->startup = cover_classes(run, pred_startup, NULL, run->promises);
	if (run->exec_images)
		run->execpromises = cover_classes(run, pred_exec, NULL, 0);
}

/* Which alternative each class is credited to. */
static void choose(struct trace_run *run)
{
	for (size_t i = 0; i < run->nclasses; i++) {
		struct tr_class *x = &run->classes[i];
		if (!class_has_req(x))
			continue;
		scopes_set_t held = x->phase == TR_STARTUP ? run->promises | run->startup
							    : run->promises;
		x->chosen = cover_satisfied_by(&x->req, held);
		/* ambiguous: what was chosen allows it only for some arguments,
		 * and none of what is held allows it for all */
		int sure = 0;
		for (int a = 0; a < x->req.n; a++)
			sure |= (x->req.alt[a] & held) == x->req.alt[a] &&
				!(x->req.flags[a] & COVER_ALT_ARGDEP);
		x->ambiguous = (x->argdep && !sure) || x->pathdep || x->guess;
	}
}

/* tmppath allows only under /tmp: the same program given other files, or
 * run with TMPDIR elsewhere, needs what allows those calls anywhere. */
static void general(struct trace_run *run)
{
	int tp = scopes_promise_index("tmppath", 7);
	if (tp < 0 || !(run->promises & (1ULL << tp)))
		return;
	scopes_set_t bit = 1ULL << tp;
	struct cover_req *saved = xrealloc(NULL, (run->nclasses + 1) * sizeof(*saved));
	for (size_t i = 0; i < run->nclasses; i++) {
		struct tr_class *x = &run->classes[i];
		saved[i] = x->req;
		int w = 0;
		for (int a = 0; a < x->req.n; a++)
			if (!(x->req.alt[a] & bit)) {
				x->req.alt[w] = x->req.alt[a];
				x->req.flags[w++] = x->req.flags[a];
			}
		/* the table's other ways to do it, which classify dropped as
		 * heavier: every candidate without tmppath */
		for (int a = 0; a < x->cand.n && w < COVER_MAX_ALTS; a++)
			if (!(x->cand.alt[a] & bit) && !(x->cand.flags[a] & COVER_ALT_INCIDENTAL) &&
			    w == 0)
				x->req.alt[w] = x->cand.alt[a], x->req.flags[w++] = x->cand.flags[a];
		x->req.n = w;
	}
	run->general = cover_classes(run, pred_program, NULL, 0);
	for (size_t i = 0; i < run->nclasses; i++)
		run->classes[i].req = saved[i];
	free(saved);
}

void trace_finish(struct trace_run *run)
{
	covers(run);
	/* guesses (arguments unknown) decide nothing: the least answer is
	 * kept apart, the answer is the safe union, unverified */
	int guesses = 0;
	for (size_t i = 0; i < run->nclasses; i++) {
		const struct tr_class *x = &run->classes[i];
		if (x->guess && class_has_req(x) &&
		    cover_satisfied_by(&x->req, x->phase == TR_STARTUP ? run->promises | run->startup
								       : run->promises) >= 0) {
			guesses++;
			if (x->safe_req.n == 0 && !run->no_safe)
				run->no_safe = x->name ? x->name : "?";
		}
	}
	run->least = run->promises;
	run->least_startup = run->startup;
	run->least_exec = run->execpromises;
	if (guesses) {
		run->guesses = guesses;
		for (size_t i = 0; i < run->nclasses; i++) {
			struct tr_class *x = &run->classes[i];
			if (x->guess && x->safe_req.n)
				x->req = x->safe_req;
		}
		covers(run);
		run->answer_basis = run->no_safe ? TR_ANSWER_NONE : TR_ANSWER_SAFE_UNION;
	}
	for (size_t p = 0; p < run->npledges; p++) {
		struct tr_pledge *pl = &run->pledges[p];
		int seg = (int)p + 1;
		if (!pl->installed || !pl->parsed)
			continue;
		struct missing_arg m = { seg, pl->set };
		pl->needed_beyond = cover_classes(run, pred_missing, &m, pl->set);
		pl->suggested = cover_classes(run, pred_segment_from, &seg, 0);
	}
	general(run);
	choose(run);
	if (run->timeline)
		timeline(run);
}

void trace_take_least(struct trace_run *run)
{
	for (size_t i = 0; i < run->nclasses; i++) {
		struct tr_class *x = &run->classes[i];
		if (x->guess)
			x->req = x->least_req;
	}
	run->promises = run->least;
	run->startup = run->least_startup;
	run->execpromises = run->least_exec;
	run->answer_basis = TR_ANSWER_VERIFIED;
	choose(run);
}

/* ------------------------------------------------------------- helpers */

char *trace_set_str(scopes_set_t set, char *buf, size_t size)
{
	scopes_promises_format(set, buf, size);
	return buf;
}

char *trace_loc_str(const struct tr_loc *loc, char *buf, size_t size)
{
	if (!loc->module) { /* an address only (audit records: no maps) */
		if (loc->off)
			snprintf(buf, size, "%#llx", (unsigned long long)loc->off);
		else
			snprintf(buf, size, "?");
		return buf;
	}
	const char *base = strrchr(loc->module, '/');
	base = base ? base + 1 : loc->module;
	/* shown as the link-time address, what addr2line -e MODULE takes */
	struct elf_file *ef = elf_get(loc->module);
	uint64_t off = 0, at = loc->off;
	const char *fn = NULL;
	if (ef) {
		uint64_t va = elf_offset_to_vaddr(ef, loc->off);
		if (va) {
			at = va;
			fn = elf_symbol(ef, va, &off);
		}
	}
	char line[256] = "";
	if (ef && srcline(loc->module, at, line + 2, sizeof(line) - 2) == 0)
		memcpy(line, ", ", 2);
	if (fn)
		snprintf(buf, size, "%s+%#llx (%s+%#llx%s)", base, (unsigned long long)at, fn,
			 (unsigned long long)off, line);
	else if (line[0])
		snprintf(buf, size, "%s+%#llx (%s)", base, (unsigned long long)at, line + 2);
	else
		snprintf(buf, size, "%s+%#llx", base, (unsigned long long)at);
	return buf;
}
