/* SPDX-License-Identifier: MIT */
/*
 * Writing the findings (see report.h).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <scopes.h>

#include "json.h"
#include "quote.h"
#include "report.h"

#define SET_STR 1024

/* Which classes a list is about. */
enum scope {
	SCOPE_PROGRAM, /* after main: credited to promises */
	SCOPE_STARTUP, /* start-up: credited to the extra start-up promises */
	SCOPE_MISSING, /* after pledge k: not allowed by what it pledged */
};

struct agg {
	const char *name;
	int fallback;   /* credited only as a harmless failure: shown last */
	unsigned long count;
	const struct tr_class *first;
	const char *examples[TR_EXAMPLES];
	int nex;
};

static const char *class_name(const struct tr_class *x, char *buf, size_t size)
{
	if (x->name)
		return x->name;
	snprintf(buf, size, "syscall_%ld", x->nr);
	return buf;
}

static int credited(const struct trace_run *run, const struct tr_class *x, int p, enum scope sc,
		    int seg)
{
	scopes_set_t bit = 1ULL << p;
	if (x->cls != SCOPES_CLASS_PROMISE || x->req.n == 0)
		return 0;
	switch (sc) {
	case SCOPE_PROGRAM:
		if (x->phase == TR_STARTUP || x->chosen < 0)
			return 0;
		if (x->req.alt[x->chosen] & bit)
			return 1;
		/* a call the set allows through path-scoped p too, because
		 * of its path: the passwd lookup shows why getpw is there
		 * better than glibc's nscd probe (which only fails harmlessly
		 * under it) */
		if (!(scopes_promise_flags(p) & SCOPES_PROMISE_PATHSCOPED) || x->ambiguous ||
		    !scopes_landlock_checks_path(x->arch, x->nr))
			return 0;
		for (int k = 0; k < x->req.n; k++)
			if (x->req.alt[k] == bit && !(x->req.flags[k] & COVER_ALT_FALLBACK))
				return 1;
		return 0;
	case SCOPE_STARTUP:
		return x->phase == TR_STARTUP && x->chosen >= 0 && (x->req.alt[x->chosen] & bit) &&
		       (run->startup & bit);
	case SCOPE_MISSING: {
		const struct tr_pledge *pl = &run->pledges[seg - 1];
		if (x->phase == TR_STARTUP || x->segment != seg ||
		    cover_satisfied_by(&x->req, pl->set) >= 0)
			return 0;
		int a = cover_satisfied_by(&x->req, pl->set | pl->needed_beyond);
		return a >= 0 && (x->req.alt[a] & bit & ~pl->set);
	}
	}
	return 0;
}

static int agg_cmp(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;
	if (x->fallback != y->fallback)
		return x->fallback - y->fallback;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* The calls credited to promise p, by syscall, most frequent first.
 * Returns the count; *out is malloc'd. */
static size_t collect(const struct trace_run *run, int p, enum scope sc, int seg, struct agg **out)
{
	struct agg *a = NULL;
	size_t n = 0;
	char nm[48];
	for (size_t i = 0; i < run->nclasses; i++) {
		const struct tr_class *x = &run->classes[i];
		if (!credited(run, x, p, sc, seg))
			continue;
		const char *name = class_name(x, nm, sizeof(nm));
		size_t k;
		for (k = 0; k < n; k++)
			if (strcmp(a[k].name, name) == 0)
				break;
		if (k == n) {
			struct agg *na = realloc(a, (n + 1) * sizeof(*a));
			if (!na)
				break;
			a = na;
			memset(&a[n], 0, sizeof(a[n]));
			a[n].name = x->name ? x->name : "?";
			a[n].first = x;
			a[n].fallback = 1;
			n++;
		}
		if (!(x->chosen >= 0 && (x->req.flags[x->chosen] & COVER_ALT_FALLBACK)))
			a[k].fallback = 0;
		a[k].count += x->count;
		for (int e = 0; e < x->nexamples && a[k].nex < TR_EXAMPLES; e++) {
			int dup = 0;
			for (int d = 0; d < a[k].nex; d++)
				dup |= strcmp(a[k].examples[d], x->examples[e]) == 0;
			if (!dup)
				a[k].examples[a[k].nex++] = x->examples[e];
		}
	}
	if (n)
		qsort(a, n, sizeof(*a), agg_cmp);
	*out = a;
	return n;
}

static const char *phase_name(enum tr_phase ph)
{
	return ph == TR_STARTUP ? "startup" : ph == TR_LOADER ? "loader" : "program";
}

/* Why there is no answer at all, or NULL: an empty trace must not headline
 * scopes_pledge("") as if the program needed nothing. */
static const char *no_suggestion(const struct trace_run *run)
{
	if (run->exec_errno)
		return "the program could not be executed";
	if (run->calls == 0)
		return "no system call was observed";
	if (run->answer_basis == TR_ANSWER_NONE)
		return "the log backend cannot tell which promise some calls need (only "
		       "path-scoped or incidental promises allow them); --backend=notify can";
	return NULL;
}

static const char *answer_name(int basis)
{
	static const char *const names[] = { "exact", "safe_union", "verified", "none" };
	return basis >= 0 && basis <= TR_ANSWER_NONE ? names[basis] : "?";
}

static void suggested_call(const struct trace_run *run, char *buf, size_t size)
{
	char p[SET_STR], e[SET_STR];
	trace_set_str(run->promises, p, sizeof(p));
	if (run->exec_images && (run->promises & (1ULL << scopes_promise_index("exec", 4)))) {
		trace_set_str(run->execpromises, e, sizeof(e));
		snprintf(buf, size, "scopes_pledge(\"%s\", \"%s\")", p, e);
	} else {
		snprintf(buf, size, "scopes_pledge(\"%s\", NULL)", p);
	}
}

static const char *image_name(const struct trace_run *run, int image)
{
	if (image < 0 || (size_t)image >= run->nimages)
		return "?";
	const char *p = run->images[image].path;
	return p ? p : "?";
}

static void exit_desc(const struct trace_run *run, char *buf, size_t size)
{
	if (run->exec_errno)
		snprintf(buf, size, "could not run (%s)", strerror(run->exec_errno));
	else if (run->exit_signal)
		snprintf(buf, size, "killed by SIG%s (status %d)", sigabbrev_np(run->exit_signal)
			 ? sigabbrev_np(run->exit_signal) : "?", run->exit_status);
	else
		snprintf(buf, size, "exited %d", run->exit_status);
}

/* ---------------------------------------------------------------- human */

struct style {
	const char *bold, *dim, *green, *yellow, *red, *off;
};

static void human_promise(const struct trace_run *run, FILE *out, const struct style *st, int p,
			  enum scope sc, int seg, const char *indent)
{
	struct agg *a;
	size_t n = collect(run, p, sc, seg, &a);
	const char *name = scopes_promise_name(p);
	int stdio = strcmp(name, "stdio") == 0;
	fprintf(out, "%s%s%-10s%s", indent, st->bold, name, st->off);
	if (n == 0) {
		fprintf(out, "%s(no call of its own)%s\n", st->dim, st->off);
		free(a);
		return;
	}
	/* the syscalls, then (except for stdio) an example or two */
	size_t shown = n < 8 ? n : 8;
	for (size_t i = 0; i < shown; i++)
		fprintf(out, "%s%s%s%lu", i ? ", " : "", a[i].name, "\xc3\x97", a[i].count);
	if (n > shown)
		fprintf(out, ", +%zu more", n - shown);
	fputc('\n', out);
	if (!stdio) {
		size_t ex = 0;
		for (size_t i = 0; i < n && ex < 3; i++) {
			for (int e = 0; e < a[i].nex && ex < 3; e++, ex++) {
				fprintf(out, "%s%-10s%s%s", indent, "", st->dim, a[i].examples[e]);
				const struct tr_class *x = a[i].first;
				if (x->image > 0)
					fprintf(out, " in %s", image_name(run, x->image));
				if (x->fails && x->fail_note)
					fprintf(out, " [%s]", x->fail_note);
				fprintf(out, "%s\n", st->off);
			}
			/* say when another promise could have allowed it */
			const struct tr_class *x = a[i].first;
			if (x->chosen >= 0 && x->req.n > 1 && i < 2 && !x->ambiguous) {
				char alts[SET_STR] = "", one[SET_STR];
				for (int k = 0; k < x->req.n; k++) {
					if (k == x->chosen || x->req.alt[k] == (1ULL << p))
						continue;
					trace_set_str(x->req.alt[k], one, sizeof(one));
					if (strlen(alts) + strlen(one) + 4 < sizeof(alts)) {
						if (alts[0])
							strcat(alts, " | ");
						strcat(alts, one);
					}
				}
				if (alts[0])
					fprintf(out, "%s%-10s%s(%s also allowed by: %s)%s\n", indent, "",
						st->dim, a[i].name, alts, st->off);
			}
		}
	}
	free(a);
}

static void human_classes(const struct trace_run *run, FILE *out, const struct style *st,
			  enum scopes_class want, const char *title)
{
	int any = 0;
	char nm[48];
	for (size_t i = 0; i < run->nclasses; i++) {
		const struct tr_class *x = &run->classes[i];
		int unpledgeable = x->cls == SCOPES_CLASS_NEVER || x->cls == SCOPES_CLASS_FOREIGN_ABI ||
				   x->cls == SCOPES_CLASS_UNKNOWN;
		if (want == SCOPES_CLASS_NEVER ? !unpledgeable : x->cls != want)
			continue;
		if (!any++)
			fprintf(out, "\n%s%s%s\n", st->bold, title, st->off);
		fprintf(out, "  %s\xc3\x97%lu", class_name(x, nm, sizeof(nm)), x->count);
		if (x->phase != TR_PROGRAM)
			fprintf(out, " (%s)", phase_name(x->phase));
		fprintf(out, ": %s\n", x->reason ? x->reason : "");
		if (x->nexamples)
			fprintf(out, "      %s%s%s\n", st->dim, x->examples[0], st->off);
	}
}

static int unpledgeable(const struct trace_run *run)
{
	for (size_t i = 0; i < run->nclasses; i++)
		if (run->classes[i].cls == SCOPES_CLASS_NEVER ||
		    run->classes[i].cls == SCOPES_CLASS_UNKNOWN)
			return 1;
	return 0;
}

static void human_ambiguous(const struct trace_run *run, FILE *out, const struct style *st)
{
	int any = 0, startup = 0;
	char nm[48], one[SET_STR];
	for (size_t i = 0; i < run->nclasses; i++) {
		const struct tr_class *x = &run->classes[i];
		if (!x->ambiguous || x->cls != SCOPES_CLASS_PROMISE)
			continue;
		if (!any++)
			fprintf(out, "\n%sambiguous%s (audit records carry no arguments; "
				"--backend=notify gives the exact answer):\n", st->bold, st->off);
		if (x->phase == TR_STARTUP) {
			startup++; /* the loader's: summed up below */
			continue;
		}
		fprintf(out, "  %s\xc3\x97%lu: ", class_name(x, nm, sizeof(nm)), x->count);
		if (x->guess) {
			fprintf(out, "least %s, ", x->least_req.n ? trace_set_str(x->least_req.alt[0], one,
										  sizeof(one))
							       : "?");
			fprintf(out, "safe union %s; ", x->safe_req.n ? trace_set_str(x->safe_req.alt[0],
										      one, sizeof(one))
								      : "none");
		} else if (x->chosen >= 0)
			fprintf(out, "%s assumed; ", trace_set_str(x->req.alt[x->chosen], one, sizeof(one)));
		fprintf(out, "one of:");
		for (int k = 0; k < x->cand.n; k++)
			fprintf(out, "%s %s", k ? " |" : "", trace_set_str(x->cand.alt[k], one, sizeof(one)));
		fputc('\n', out);
	}
	if (!startup)
		return;
	fprintf(out, "  %sstart-up:", st->dim);
	for (size_t i = 0, k = 0; i < run->nclasses; i++) {
		const struct tr_class *x = &run->classes[i];
		if (x->ambiguous && x->cls == SCOPES_CLASS_PROMISE && x->phase == TR_STARTUP)
			fprintf(out, "%s %s\xc3\x97%lu", k++ ? "," : "", class_name(x, nm, sizeof(nm)),
				x->count);
	}
	fprintf(out, " (the loader's; --json lists their candidates)%s\n", st->off);
}

void report_human(const struct trace_run *run, FILE *out, int colour)
{
	static const struct style plain = { "", "", "", "", "", "" };
	static const struct style ansi = { "\033[1m", "\033[2m", "\033[32m", "\033[33m",
					   "\033[31m", "\033[0m" };
	const struct style *st = colour ? &ansi : &plain;
	char buf[SET_STR * 2 + 64], ex[128];

	/* quoted as a shell reads it; a huge argument abbreviated here (the
	 * verify line, when there is one, has it whole) */
	char *cmd = quote_argv(run->argv, QUOTE_ABBREV_OVER);
	if (run->nsources) {
		fprintf(out, "scopes-trace --merge: %zu runs, one answer\n", run->nsources);
		for (size_t i = 0; i < run->nsources; i++) {
			const struct tr_source *src = &run->sources[i];
			struct trace_run tmp = { .exit_status = src->exit_status,
						 .exit_signal = src->exit_status > 128
									? src->exit_status - 128
									: 0 };
			exit_desc(&tmp, ex, sizeof(ex));
			fprintf(out, "  %s: %s \xe2\x80\x94 %s (%s%s)\n", src->file,
				src->command ? src->command : "?", ex, src->backend,
				src->complete ? "" : ", INCOMPLETE");
		}
	} else {
		fprintf(out, "scopes-trace: %s", cmd ? cmd : "?");
		exit_desc(run, ex, sizeof(ex));
		fprintf(out, " \xe2\x80\x94 %s\n", ex);
	}
	free(cmd);
	fprintf(out, "%sbackend %s%s%s: %lu calls, %lu process%s, %zu image%s%s; ", st->dim,
		run->backend ? run->backend : "?", run->source ? ", " : "",
		run->source ? run->source : "", run->calls, run->processes,
		run->processes == 1 ? "" : "es", run->nimages, run->nimages == 1 ? "" : "s", st->off);
	if (run->complete) {
		fprintf(out, "%scomplete%s\n", st->green, st->off);
	} else {
		/* the reasons as words; each is said in full under notes */
		fprintf(out, "%sINCOMPLETE", st->red);
		for (int i = 0, k = 0; i < run->nnotes; i++) {
			int seen = !run->note_code[i];
			for (int d = 0; d < i && !seen; d++)
				seen = run->note_code[d] &&
				       strcmp(run->note_code[d], run->note_code[i]) == 0;
			if (!seen)
				fprintf(out, "%s%s", k++ ? ", " : ": ", run->note_code[i]);
		}
		fprintf(out, " (see notes)%s\n", st->off);
	}

	if (no_suggestion(run)) {
		fprintf(out, "\n    %sno suggestion: %s%s\n\n", st->bold, no_suggestion(run),
			st->off);
	} else {
		suggested_call(run, buf, sizeof(buf));
		fprintf(out, "\n    %s%s;%s\n\n", st->bold, buf, st->off);
	}
	if (run->general && !no_suggestion(run)) {
		char g[SET_STR];
		fprintf(out, "%stmppath%s allows files under /tmp only (the ones this run chose "
			"there). For the same work anywhere (another TMPDIR, other files):\n"
			"    scopes_pledge(\"%s\", NULL);\n\n", st->bold, st->off,
			trace_set_str(run->general, g, sizeof(g)));
	}
	if (run->answer_basis == TR_ANSWER_SAFE_UNION) {
		char least[SET_STR];
		fprintf(out, "%sUNVERIFIED%s: audit records carry no arguments, so %d kind%s of "
			"call could need more than the least promise; this is the safe union of "
			"what they could need (wider than needed). If their arguments were the "
			"harmless ones: \"%s\". Arguments no promise allows (an ioctl's, say) "
			"cannot be seen here at all. --verify tries both sets; --backend=notify "
			"sees the arguments.\n\n", st->yellow, st->off, run->guesses,
			run->guesses == 1 ? "" : "s", trace_set_str(run->least, least, sizeof(least)));
	} else if (run->answer_basis == TR_ANSWER_VERIFIED) {
		fprintf(out, "%sverified%s: the log backend saw no arguments; the program ran the "
			"same under this set (see verify below)\n\n", st->green, st->off);
	}

	if (!no_suggestion(run)) {
		fprintf(out, "%spromise   why (calls after main starts)%s\n", st->dim, st->off);
		for (int p = 0; p < scopes_promise_count(); p++)
			if (run->promises & (1ULL << p))
				human_promise(run, out, st, p, SCOPE_PROGRAM, 0, "");
		if (!run->promises)
			fprintf(out, "(none: the program made no call that needs a promise)\n");
	}

	if (run->startup) {
		fprintf(out, "\n%sstart-up%s (the dynamic loader, before main) also needed: %s%s%s\n",
			st->bold, st->off, st->yellow, trace_set_str(run->startup, buf, sizeof(buf)),
			st->off);
		for (int p = 0; p < scopes_promise_count(); p++)
			if (run->startup & (1ULL << p))
				human_promise(run, out, st, p, SCOPE_STARTUP, 0, "  ");
		fprintf(out, "  %s(a pledge made at the top of main does not need these; "
			"scopes-run arranges them)%s\n", st->dim, st->off);
	}
	if (run->exec_images) {
		fprintf(out, "\nimages (exec'd programs):\n");
		for (size_t i = 0; i < run->nimages; i++)
			fprintf(out, "  %s%s (pid %ld, %lu calls)%s\n", run->images[i].path,
				run->images[i].parent >= 0 ? "" : " [first]", run->images[i].pid,
				run->images[i].calls, "");
		fprintf(out, "  they needed: %s\n", trace_set_str(run->execpromises, buf, sizeof(buf)));
	}

	for (size_t k = 0; k < run->npledges; k++) {
		const struct tr_pledge *pl = &run->pledges[k];
		char where[512];
		trace_loc_str(&pl->where, where, sizeof(where));
		if (k == 0)
			fprintf(out, "\n%spledge points%s\n", st->bold, st->off);
		fprintf(out, "  scopes_pledge(%s%s%s, ...) at %s", pl->promises ? "\"" : "",
			pl->promises ? pl->promises : "NULL", pl->promises ? "\"" : "",
			pl->where.module ? where : "?");
		if (!pl->installed) {
			fprintf(out, "%s (not split: %s)%s\n", st->dim,
				pl->promises ? "no filter load seen" : "promises unchanged", st->off);
			continue;
		}
		if (!pl->needed_beyond) {
			fprintf(out, ": %senough%s for what followed\n", st->green, st->off);
		} else {
			fprintf(out, ": the program still needed %s%s%s\n", st->red,
				trace_set_str(pl->needed_beyond, buf, sizeof(buf)), st->off);
			for (int p = 0; p < scopes_promise_count(); p++)
				if (pl->needed_beyond & (1ULL << p))
					human_promise(run, out, st, p, SCOPE_MISSING, (int)k + 1, "    ");
		}
		fprintf(out, "    %sfrom there on, enough: \"%s\"%s\n", st->dim,
			trace_set_str(pl->suggested, buf, sizeof(buf)), st->off);
	}

	human_ambiguous(run, out, st);
	human_classes(run, out, st, SCOPES_CLASS_NEVER, "no promise allows (unpledgeable):");
	if (unpledgeable(run)) {
		char e[SET_STR];
		fprintf(out, "  %sno pledge can run this program as it runs here%s: those calls "
			"would kill it. Workaround: add the error promise (they fail with ENOSYS "
			"instead), scopes_pledge(\"%s\", NULL), if the program copes; --verify "
			"tries it.\n", st->red, st->off,
			trace_set_str(run->promises | (1ULL << scopes_promise_index("error", 5)), e,
				      sizeof(e)));
	}
	human_classes(run, out, st, SCOPES_CLASS_ENOSYS,
		      "answered ENOSYS under every pledge (scopes-trace did the same):");

	if (run->timeline) {
		fprintf(out, "\n%stimeline%s: what is needed from each point to the end\n", st->bold,
			st->off);
		fprintf(out, "  from the start of main: %s\n",
			trace_set_str(run->promises, buf, sizeof(buf)));
		for (size_t i = 0; i < run->nsteps; i++) {
			const struct tr_step *s = &run->steps[i];
			char w[512], c[512];
			trace_loc_str(&s->after->last_where, w, sizeof(w));
			fprintf(out, "  after the last %s%s%s", st->bold,
				s->after->last_example ? s->after->last_example : "?", st->off);
			if (s->after->last_caller.module)
				fprintf(out, " called from %s",
					trace_loc_str(&s->after->last_caller, c, sizeof(c)));
			else if (s->after->last_where.module || s->after->last_where.off)
				fprintf(out, " at %s", w);
			fprintf(out, ": %s\n", s->need ? trace_set_str(s->need, buf, sizeof(buf))
						       : "nothing (pledge(\"\"))");
		}
	}

	if (run->verified == -2) {
		fprintf(out, "\n%sverify%s: not run: %s\n", st->bold, st->off,
			run->verify_tail ? run->verify_tail : "?");
	}
	for (int i = 0; i < run->ntries; i++) {
		const struct tr_verify *t = &run->tries[i];
		static const char *const why[][2] = {
			{ "least", " (the least set: the ambiguous calls' harmless arguments)" },
			{ "safe_union", " (the safe union)" },
			{ "error_workaround", " (with error: calls no promise allows fail with "
					      "ENOSYS instead of killing it)" },
		};
		const char *w = "";
		for (size_t k = 0; k < sizeof(why) / sizeof(why[0]); k++)
			if (t->purpose && strcmp(t->purpose, why[k][0]) == 0)
				w = why[k][1];
		fprintf(out, "\n%sverify%s: %s%s%s%s\n", st->bold, st->off, t->cmd ? t->cmd : "",
			st->dim, w, st->off);
		if (!t->ran) {
			fprintf(out, "  %scould not run: %s%s\n", st->red, t->tail ? t->tail : "?",
				st->off);
			continue;
		}
		char vs[128];
		struct trace_run tmp = { .exit_status = t->status,
					 .exit_signal = t->status > 128 ? t->status - 128 : 0 };
		exit_desc(&tmp, vs, sizeof(vs));
		int status_same = t->same || (t->status == run->exit_status && t->ndenials);
		if (status_same && t->ndenials)
			fprintf(out, "  %sNOT the same%s: %s, but Landlock refused calls "
				"(they failed with EACCES):\n", st->red, st->off, vs);
		else
			fprintf(out, "  %s%s%s: %s\n", t->same ? st->green : st->red,
				t->same ? "same outcome" : "DIFFERENT outcome", st->off, vs);
		for (size_t k = 0; k < t->ndenials; k++) {
			const struct tr_denial *d = &t->denials[k];
			fprintf(out, "  %sLandlock denied %s of %s to %s", st->red, d->access,
				d->object, d->program[0] ? d->program : "the program");
			if (d->pid > 0)
				fprintf(out, " (pid %ld, %s)", d->pid, d->syscall);
			fprintf(out, "%s: %s", st->off, d->verdict);
			if (d->count > 1)
				fprintf(out, " (%u times)", d->count);
			fputc('\n', out);
		}
		if (t->denials_unseen)
			fprintf(out, "  %sLandlock denials cannot be seen: %s%s\n", st->dim,
				t->denials_unseen, st->off);
		if (t->denials_lost)
			fprintf(out, "  %ssome Landlock denials were not seen: %s%s\n", st->dim,
				t->denials_lost, st->off);
		if (!t->same && t->tail && t->tail[0])
			fprintf(out, "  %s%s%s\n", st->dim, t->tail, st->off);
	}
	if (run->workaround) {
		fprintf(out, "  %sworkaround%s: scopes_pledge(\"%s\", NULL) runs it the same "
			"(the calls no promise allows fail with ENOSYS instead)\n", st->green,
			st->off, trace_set_str(run->workaround, buf, sizeof(buf)));
	}

	if (run->nnotes) {
		fprintf(out, "\nnotes:\n");
		for (int i = 0; i < run->nnotes; i++)
			fprintf(out, "  - %s\n", run->notes[i]);
	}
	if (!run->exact)
		fprintf(out, "  - the search for the smallest set hit its budget: the set is small, "
			     "perhaps not the smallest\n");
}

/* ----------------------------------------------------------------- JSON */

static void json_set(struct json *j, const char *key, scopes_set_t set)
{
	char b[SET_STR];
	json_kstr(j, key, trace_set_str(set, b, sizeof(b)));
}

static void json_alts(struct json *j, const char *key, const struct cover_req *r)
{
	char b[SET_STR];
	json_key(j, key);
	json_arr_begin(j);
	for (int k = 0; k < r->n; k++)
		json_str(j, trace_set_str(r->alt[k], b, sizeof(b)));
	json_arr_end(j);
}

/* A requirement as the cover sees it: alternatives with their flags. */
static void json_req(struct json *j, const char *key, const struct cover_req *r)
{
	char b[SET_STR];
	json_key(j, key);
	json_obj_begin(j);
	json_kuint(j, "flags", r->req_flags);
	json_key(j, "alt");
	json_arr_begin(j);
	for (int k = 0; k < r->n; k++) {
		json_obj_begin(j);
		json_kstr(j, "set", trace_set_str(r->alt[k], b, sizeof(b)));
		json_kuint(j, "flags", r->flags[k]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void json_examples(struct json *j, const char *const *ex, int n)
{
	json_key(j, "examples");
	json_arr_begin(j);
	for (int i = 0; i < n; i++)
		json_str(j, ex[i]);
	json_arr_end(j);
}

static void json_evidence(const struct trace_run *run, struct json *j, const char *key,
			  scopes_set_t set, enum scope sc, int seg)
{
	json_key(j, key);
	json_obj_begin(j);
	for (int p = 0; p < scopes_promise_count(); p++) {
		if (!(set & (1ULL << p)))
			continue;
		struct agg *a;
		size_t n = collect(run, p, sc, seg, &a);
		json_key(j, scopes_promise_name(p));
		json_arr_begin(j);
		for (size_t i = 0; i < n; i++) {
			const struct tr_class *x = a[i].first;
			json_obj_begin(j);
			json_kstr(j, "syscall", a[i].name);
			json_kuint(j, "count", a[i].count);
			json_examples(j, a[i].examples, a[i].nex);
			json_alts(j, "allowed_by", &x->req);
			json_kstr(j, "image", image_name(run, x->image));
			if (x->note)
				json_kstr(j, "rule", x->note);
			if (x->fails)
				json_kstr(j, "fails_harmlessly", x->fail_note);
			if (x->ambiguous)
				json_kbool(j, "ambiguous", 1);
			json_obj_end(j);
		}
		json_arr_end(j);
		free(a);
	}
	json_obj_end(j);
}

static void json_class_list(const struct trace_run *run, struct json *j, const char *key,
			    int (*want)(const struct tr_class *))
{
	char nm[48];
	json_key(j, key);
	json_arr_begin(j);
	for (size_t i = 0; i < run->nclasses; i++) {
		const struct tr_class *x = &run->classes[i];
		if (!want(x))
			continue;
		json_obj_begin(j);
		json_kstr(j, "syscall", class_name(x, nm, sizeof(nm)));
		json_kuint(j, "count", x->count);
		json_kstr(j, "phase", phase_name(x->phase));
		json_kstr(j, "image", image_name(run, x->image));
		if (x->reason)
			json_kstr(j, "reason", x->reason);
		if (x->ambiguous) {
			char b[SET_STR];
			json_kstr(j, "assumed", x->chosen >= 0 ? trace_set_str(x->req.alt[x->chosen], b,
									     sizeof(b))
							       : NULL);
			if (x->guess) {
				json_kstr(j, "least", x->least_req.n
							      ? trace_set_str(x->least_req.alt[0], b,
									      sizeof(b))
							      : NULL);
				json_kstr(j, "safe_union", x->safe_req.n
								   ? trace_set_str(x->safe_req.alt[0], b,
										   sizeof(b))
								   : NULL);
			}
			json_alts(j, "candidates", &x->cand);
		}
		json_examples(j, (const char *const *)x->examples, x->nexamples);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static int want_unpledgeable(const struct tr_class *x)
{
	return x->cls == SCOPES_CLASS_NEVER || x->cls == SCOPES_CLASS_FOREIGN_ABI ||
	       x->cls == SCOPES_CLASS_UNKNOWN;
}

static int want_enosys(const struct tr_class *x)
{
	return x->cls == SCOPES_CLASS_ENOSYS;
}

static int want_always(const struct tr_class *x)
{
	return x->cls == SCOPES_CLASS_ALWAYS;
}

static int want_ambiguous(const struct tr_class *x)
{
	return x->ambiguous && x->cls == SCOPES_CLASS_PROMISE;
}

int report_json(const struct trace_run *run, FILE *out)
{
	struct json j;
	char buf[SET_STR * 2 + 64];

	json_init(&j, 1);
	json_obj_begin(&j);
	json_kstr(&j, "scopes_trace", SCOPES_VERSION_STRING);
	json_key(&j, "command");
	json_arr_begin(&j);
	for (int i = 0; run->argv && run->argv[i]; i++)
		json_str(&j, run->argv[i]);
	json_arr_end(&j);
	json_kstr(&j, "backend", run->backend);
	json_kstr(&j, "source", run->source);
	if (run->nsources) {
		json_key(&j, "runs");
		json_arr_begin(&j);
		for (size_t i = 0; i < run->nsources; i++) {
			json_obj_begin(&j);
			json_kstr(&j, "file", run->sources[i].file);
			json_kstr(&j, "command", run->sources[i].command);
			json_kstr(&j, "backend", run->sources[i].backend);
			json_kint(&j, "exit_status", run->sources[i].exit_status);
			json_kbool(&j, "complete", run->sources[i].complete);
			json_obj_end(&j);
		}
		json_arr_end(&j);
	}
	json_kbool(&j, "complete", run->complete);
	json_key(&j, "incomplete");
	json_arr_begin(&j);
	for (int i = 0; i < run->nnotes; i++) {
		if (!run->note_code[i])
			continue;
		json_obj_begin(&j);
		json_kstr(&j, "reason", run->note_code[i]);
		json_kstr(&j, "message", run->notes[i]);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "notes");
	json_arr_begin(&j);
	for (int i = 0; i < run->nnotes; i++)
		json_str(&j, run->notes[i]);
	json_arr_end(&j);
	json_kint(&j, "exit_status", run->exit_status);
	json_key(&j, "signal");
	if (run->exit_signal)
		json_int(&j, run->exit_signal);
	else
		json_null(&j);
	if (run->exec_errno) {
		json_kstr(&j, "exec_error", strerror(run->exec_errno));
		char msg[512];
		snprintf(msg, sizeof(msg), "cannot run %s: %s", run->argv && run->argv[0] ? run->argv[0] : "?",
			 strerror(run->exec_errno));
		json_key(&j, "error");
		json_obj_begin(&j);
		json_kstr(&j, "kind", "exec");
		json_kstr(&j, "message", msg);
		json_kstr(&j, "errno", strerrorname_np(run->exec_errno));
		json_obj_end(&j);
	}

	json_set(&j, "promises", run->promises);
	json_set(&j, "startup_promises", run->startup);
	json_key(&j, "execpromises");
	if (run->exec_images)
		json_str(&j, trace_set_str(run->execpromises, buf, sizeof(buf)));
	else
		json_null(&j);
	if (no_suggestion(run)) {
		json_key(&j, "suggested_call");
		json_null(&j);
	} else {
		suggested_call(run, buf, sizeof(buf));
		json_kstr(&j, "suggested_call", buf);
	}
	json_kstr(&j, "no_suggestion", no_suggestion(run));
	json_kstr(&j, "answer", answer_name(run->answer_basis));
	json_kbool(&j, "pledgeable", !unpledgeable(run));
	json_key(&j, "general_promises");
	if (run->general)
		json_str(&j, trace_set_str(run->general, buf, sizeof(buf)));
	else
		json_null(&j);
	json_key(&j, "least_promises");
	if (run->guesses)
		json_str(&j, trace_set_str(run->least, buf, sizeof(buf)));
	else
		json_null(&j);
	json_kbool(&j, "minimal_proven", run->exact);

	json_evidence(run, &j, "evidence", run->promises, SCOPE_PROGRAM, 0);
	json_evidence(run, &j, "startup_evidence", run->startup, SCOPE_STARTUP, 0);
	json_class_list(run, &j, "unpledgeable", want_unpledgeable);
	json_class_list(run, &j, "ambiguous", want_ambiguous);
	json_class_list(run, &j, "enosys", want_enosys);
	json_class_list(run, &j, "always_allowed", want_always);

	json_key(&j, "images");
	json_arr_begin(&j);
	for (size_t i = 0; i < run->nimages; i++) {
		const struct tr_image *im = &run->images[i];
		json_obj_begin(&j);
		json_kstr(&j, "path", im->path);
		json_kstr(&j, "exe", im->exe);
		json_kstr(&j, "interpreter", im->interp);
		json_kint(&j, "pid", im->pid);
		json_kint(&j, "parent", im->parent);
		json_kuint(&j, "calls", im->calls);
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_key(&j, "pledges");
	json_arr_begin(&j);
	for (size_t k = 0; k < run->npledges; k++) {
		const struct tr_pledge *pl = &run->pledges[k];
		char where[512], caller[32];
		json_obj_begin(&j);
		json_kstr(&j, "promises", pl->promises);
		json_kstr(&j, "execpromises", pl->execpromises);
		snprintf(caller, sizeof(caller), "%#llx", (unsigned long long)pl->caller);
		json_kstr(&j, "caller", caller);
		json_kstr(&j, "location", pl->where.module ? trace_loc_str(&pl->where, where,
									     sizeof(where))
							   : NULL);
		json_kint(&j, "pid", pl->pid);
		json_kbool(&j, "split", pl->installed);
		if (pl->installed && pl->parsed) {
			json_set(&j, "needed_beyond", pl->needed_beyond);
			json_set(&j, "suggested", pl->suggested);
			json_evidence(run, &j, "evidence", pl->needed_beyond, SCOPE_MISSING,
				      (int)k + 1);
		}
		json_obj_end(&j);
	}
	json_arr_end(&j);

	if (run->timeline) {
		json_key(&j, "timeline");
		json_arr_begin(&j);
		for (size_t i = 0; i < run->nsteps; i++) {
			const struct tr_step *s = &run->steps[i];
			char w[512];
			json_obj_begin(&j);
			json_kstr(&j, "after", s->after->last_example);
			json_kstr(&j, "at", trace_loc_str(&s->after->last_where, w, sizeof(w)));
			json_kstr(&j, "called_from", s->after->last_caller.module
							     ? trace_loc_str(&s->after->last_caller, w,
									     sizeof(w))
							     : NULL);
			json_set(&j, "promises", s->need);
			json_obj_end(&j);
		}
		json_arr_end(&j);
	}

	if (run->verified) {
		json_key(&j, "verify");
		json_obj_begin(&j);
		json_kstr(&j, "command", run->verify_cmd);
		json_kbool(&j, "ran", run->verified > 0);
		if (run->verified > 0) {
			json_kint(&j, "exit_status", run->verify_status);
			json_kbool(&j, "same", run->verify_same);
		}
		json_kstr(&j, "stderr", run->verify_tail);
		json_kstr(&j, "refused", run->verified == -2 ? run->verify_tail : NULL);
		json_key(&j, "attempts");
		json_arr_begin(&j);
		for (int i = 0; i < run->ntries; i++) {
			const struct tr_verify *t = &run->tries[i];
			json_obj_begin(&j);
			json_kstr(&j, "purpose", t->purpose);
			json_set(&j, "promises", t->set);
			json_kstr(&j, "command", t->cmd);
			json_kbool(&j, "ran", t->ran);
			if (t->ran) {
				json_kint(&j, "exit_status", t->status);
				json_kbool(&j, "same", t->same);
			}
			json_kstr(&j, "stderr", t->tail);
			json_key(&j, "landlock_denials");
			json_arr_begin(&j);
			for (size_t k = 0; k < t->ndenials; k++) {
				const struct tr_denial *d = &t->denials[k];
				json_obj_begin(&j);
				json_kstr(&j, "access", d->access);
				json_kstr(&j, "object", d->object);
				json_kstr(&j, "program", d->program[0] ? d->program : NULL);
				if (d->pid > 0)
					json_kint(&j, "pid", d->pid);
				else
					json_kstr(&j, "pid", NULL);
				json_kstr(&j, "syscall", d->syscall[0] ? d->syscall : NULL);
				json_kint(&j, "count", d->count);
				json_kstr(&j, "verdict", d->verdict);
				json_key(&j, "allowed_by");
				json_arr_begin(&j);
				for (const char *a = d->allowed_by; *a;) {
					size_t l = strcspn(a, "|");
					char one[256];
					snprintf(one, sizeof(one), "%.*s", (int)l, a);
					json_str(&j, one);
					a += l + (a[l] == '|');
				}
				json_arr_end(&j);
				json_obj_end(&j);
			}
			json_arr_end(&j);
			json_kstr(&j, "landlock_denials_unseen", t->denials_unseen);
			json_kstr(&j, "landlock_denials_lost", t->denials_lost);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_key(&j, "workaround");
		if (run->workaround)
			json_str(&j, trace_set_str(run->workaround, buf, sizeof(buf)));
		else
			json_null(&j);
		json_obj_end(&j);
	}

	/* every class with what the cover needs: --merge reads them back */
	json_key(&j, "classes");
	json_arr_begin(&j);
	for (size_t i = 0; i < run->nclasses; i++) {
		const struct tr_class *x = &run->classes[i];
		char nm[48];
		json_obj_begin(&j);
		json_kstr(&j, "syscall", class_name(x, nm, sizeof(nm)));
		json_kint(&j, "nr", x->nr);
		json_kuint(&j, "arch", x->arch);
		json_kstr(&j, "phase", phase_name(x->phase));
		json_kint(&j, "image", x->image);
		json_kint(&j, "segment", x->segment);
		json_kint(&j, "class", x->cls);
		json_kstr(&j, "reason", x->reason);
		json_kstr(&j, "rule", x->note);
		json_kuint(&j, "count", x->count);
		json_kbool(&j, "guess", x->guess);
		json_kbool(&j, "argdep", x->argdep);
		json_kbool(&j, "pathdep", x->pathdep);
		json_kstr(&j, "fails_harmlessly", x->fails ? (x->fail_note ? x->fail_note : "") : NULL);
		json_req(&j, "req", x->guess ? &x->least_req : &x->req);
		json_req(&j, "cand", &x->cand);
		json_req(&j, "safe", &x->safe_req);
		json_examples(&j, (const char *const *)x->examples, x->nexamples);
		json_obj_end(&j);
	}
	json_arr_end(&j);

	json_key(&j, "stats");
	json_obj_begin(&j);
	json_kuint(&j, "calls", run->calls);
	json_kuint(&j, "classes", run->nclasses);
	json_kuint(&j, "processes", run->processes);
	json_kuint(&j, "threads", run->threads);
	json_obj_end(&j);
	json_obj_end(&j);

	size_t len;
	const char *text = json_text(&j, &len);
	int rc = -1;
	if (text && fwrite(text, 1, len, out) == len)
		rc = 0;
	json_free(&j);
	return rc;
}
