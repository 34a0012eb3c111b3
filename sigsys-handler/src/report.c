/* SPDX-License-Identifier: MIT */
/* Rendering a violation as text lines and as JSON (see report.h). */
#include <string.h>

#include "report.h"
#include "symbols.h"

void report_resolve_frame(struct report_frame *f, uintptr_t ip, int return_address)
{
	uintptr_t at = return_address && ip ? ip - 1 : ip;
	const struct sym_module *m = symbols_module(at);

	f->ip = ip;
	f->module = NULL;
	f->offset = 0;
	f->symbol = NULL;
	f->symbol_offset = 0;
	if (!m)
		return;
	uintptr_t bias = symbols_module_bias(m);
	uint64_t off;
	f->module = symbols_module_path(m);
	f->offset = ip - bias;
	f->symbol = symbols_lookup(m, at - bias, &off);
	if (f->symbol) {
		f->symbol_offset = off + (ip - at);
	} else if (at != ip) {
		/* a signal trampoline (__restore_rt) is entered by the
		 * kernel, not called: its address starts the symbol, and the
		 * byte before it belongs to none */
		f->symbol = symbols_lookup(m, ip - bias, &off);
		f->symbol_offset = off;
	}
}

/* Put the names of set as "a b c" (no quotes). */
static void put_set(struct obuf *ob, scopes_set_t set)
{
	int first = 1;
	for (int i = 0; i < scopes_promise_count(); i++) {
		if (!(set & ((scopes_set_t)1 << i)))
			continue;
		if (!first)
			ob_putc(ob, ' ');
		ob_puts(ob, scopes_promise_name(i));
		first = 0;
	}
}

/* A path that can be judged by its spelling: absolute, no "." or ".."
 * component (Landlock decides on the resolved file). */
static int path_judgeable(const char *path)
{
	if (path[0] != '/')
		return 0;
	for (const char *p = path; *p; p++) {
		if (p[0] == '/' && p[1] == '.' &&
		    (p[2] == '/' || p[2] == '\0' || (p[2] == '.' && (p[3] == '/' || p[3] == '\0'))))
			return 0;
	}
	return 1;
}

/*
 * Call fn for each path a path-scoped alternative is limited to that can
 * cover the call's path (every path when the call's path is not known).
 * Returns how many.
 */
static int alt_paths(const struct violation *v, const struct scopes_alt *a,
		     void (*fn)(void *, const char *, int), void *arg)
{
	int judge = path_judgeable(v->path), k = 0;

	for (int i = 0; i < scopes_promise_count(); i++) {
		if (!(a->set & ((scopes_set_t)1 << i)) ||
		    !(scopes_promise_flags(i) & SCOPES_PROMISE_PATHSCOPED))
			continue;
		for (const char *const *p = scopes_promise_paths(i); *p; p++) {
			if (judge && !scopes_path_beneath(v->path, *p))
				continue;
			if (fn)
				fn(arg, *p, k);
			k++;
		}
	}
	return k;
}

/* Path-scoped alternatives none of whose paths can hold the call's path
 * are left out, unless that would leave no alternative at all. */
static int alt_fits(const struct violation *v, int i)
{
	const struct scopes_alt *a = &v->verdict.alt[i];
	return !(a->flags & SCOPES_ALT_PATHSCOPED) || alt_paths(v, a, NULL, NULL) > 0;
}

static int alt_shown(const struct violation *v, int i)
{
	for (int k = 0; k < v->verdict.n; k++)
		if (alt_fits(v, k))
			return alt_fits(v, i);
	return 1;
}

static void text_path(void *arg, const char *path, int k)
{
	struct obuf *ob = arg;
	ob_puts(ob, k ? ", " : " under ");
	ob_puts(ob, path);
}

static void json_path(void *arg, const char *path, int k)
{
	struct obuf *ob = arg;
	if (k)
		ob_putc(ob, ',');
	ob_json_str(ob, path);
}

static void put_alt(struct obuf *ob, const struct violation *v, const struct scopes_alt *a)
{
	ob_putc(ob, '"');
	put_set(ob, a->set);
	ob_putc(ob, '"');
	if (a->flags & SCOPES_ALT_PATHSCOPED)
		alt_paths(v, a, text_path, ob);
	if (a->flags & SCOPES_ALT_INCIDENTAL)
		ob_puts(ob, ", incidentally");
}

static const char *class_word(enum scopes_class c)
{
	switch (c) {
	case SCOPES_CLASS_ALWAYS:
		return "always";
	case SCOPES_CLASS_PROMISE:
		return "promise";
	case SCOPES_CLASS_ENOSYS:
		return "enosys";
	case SCOPES_CLASS_NEVER:
		return "never";
	case SCOPES_CLASS_FOREIGN_ABI:
		return "foreign_abi";
	case SCOPES_CLASS_UNKNOWN:
	default:
		return "unknown";
	}
}

void report_line1(struct obuf *ob, const struct violation *v)
{
	const struct scopes_verdict *vd = &v->verdict;
	const char *reason = vd->reason ? vd->reason : "no reason recorded";

	ob_puts(ob, "scopes: violation: ");
	ob_puts(ob, v->call);
	switch (vd->cls) {
	case SCOPES_CLASS_PROMISE:
		if (vd->n == 0) {
			ob_puts(ob, " is never allowed under pledge: ");
			ob_puts(ob, reason);
			break;
		}
		ob_puts(ob, " needs promise ");
		for (int i = 0, shown = 0; i < vd->n; i++) {
			if (!alt_shown(v, i))
				continue;
			if (shown++)
				ob_puts(ob, " (or ");
			put_alt(ob, v, &vd->alt[i]);
			if (shown > 1)
				ob_putc(ob, ')');
		}
		for (int i = 0; i < vd->n; i++) {
			if (v->pledged && (vd->alt[i].set & ~v->held) == 0) {
				ob_puts(ob, " (held: another filter denied it)");
				break;
			}
		}
		break;
	case SCOPES_CLASS_NEVER:
	case SCOPES_CLASS_UNKNOWN:
		ob_puts(ob, " is never allowed under pledge: ");
		ob_puts(ob, reason);
		break;
	case SCOPES_CLASS_ENOSYS:
		ob_puts(ob, " is answered ENOSYS under pledge: ");
		ob_puts(ob, reason);
		break;
	case SCOPES_CLASS_FOREIGN_ABI:
		ob_puts(ob, " uses a foreign ABI: ");
		ob_puts(ob, reason);
		break;
	case SCOPES_CLASS_ALWAYS:
		ob_puts(ob, " is allowed by every pledge: another filter denied it");
		break;
	}
}

void report_held(struct obuf *ob, const struct violation *v)
{
	ob_puts(ob, "scopes: promises held: ");
	if (!v->pledged) {
		ob_puts(ob, "(no pledge)");
		return;
	}
	ob_putc(ob, '"');
	put_set(ob, v->held);
	ob_putc(ob, '"');
}

void report_frame_line(struct obuf *ob, const struct report_frame *f, int index)
{
	ob_putc(ob, '#');
	ob_udec(ob, (uint64_t)index);
	ob_putc(ob, ' ');
	ob_hex(ob, f->ip);
	ob_puts(ob, " in ");
	/* names come from the binaries: escaped like string arguments, so a
	 * module or symbol name cannot put control bytes on a terminal */
	if (f->symbol) {
		ob_cesc(ob, f->symbol, strlen(f->symbol));
		ob_putc(ob, '+');
		ob_hex(ob, f->symbol_offset);
	} else {
		ob_puts(ob, "??");
	}
	ob_puts(ob, " (");
	if (f->module) {
		ob_cesc(ob, f->module, strlen(f->module));
		ob_putc(ob, '+');
		ob_hex(ob, f->offset);
	} else {
		ob_puts(ob, "??");
	}
	ob_putc(ob, ')');
}

static void json_key(struct obuf *ob, const char *key, int first)
{
	if (!first)
		ob_putc(ob, ',');
	ob_json_str(ob, key);
	ob_putc(ob, ':');
}

static void json_hex(struct obuf *ob, uint64_t v)
{
	ob_putc(ob, '"');
	ob_hex(ob, v);
	ob_putc(ob, '"');
}

static void json_set(struct obuf *ob, scopes_set_t set)
{
	int first = 1;
	ob_putc(ob, '[');
	for (int i = 0; i < scopes_promise_count(); i++) {
		if (!(set & ((scopes_set_t)1 << i)))
			continue;
		if (!first)
			ob_putc(ob, ',');
		ob_json_str(ob, scopes_promise_name(i));
		first = 0;
	}
	ob_putc(ob, ']');
}

static const char *arch_word(uint32_t arch)
{
	switch (arch) {
	case SCOPES_ARCH_X86_64:
		return "x86_64";
	case SCOPES_ARCH_AARCH64:
		return "aarch64";
	case SCOPES_ARCH_I386:
		return "i386";
	default:
		return NULL;
	}
}

void report_json(struct obuf *ob, const struct violation *v)
{
	static const char *const actions[] = { "core", "exit", "continue" };
	const struct scopes_verdict *vd = &v->verdict;
	char line[REPORT_CALL_MAX + 512];
	struct obuf l1;

	ob_putc(ob, '{');
	json_key(ob, "type", 1);
	ob_json_str(ob, "scopes-violation");
	json_key(ob, "version", 0);
	ob_putc(ob, '1');
	json_key(ob, "arch", 0);
	if (arch_word(v->arch)) {
		ob_json_str(ob, arch_word(v->arch));
	} else {
		json_hex(ob, v->arch);
	}
	json_key(ob, "nr", 0);
	ob_sdec(ob, v->nr);
	json_key(ob, "syscall", 0);
	ob_json_str(ob, vd->name);
	json_key(ob, "args", 0);
	ob_putc(ob, '[');
	for (int i = 0; i < 6; i++) {
		if (i)
			ob_putc(ob, ',');
		json_hex(ob, v->args[i]);
	}
	ob_putc(ob, ']');
	json_key(ob, "call", 0);
	ob_json_str(ob, v->call);
	json_key(ob, "class", 0);
	ob_json_str(ob, class_word(vd->cls));
	json_key(ob, "needs", 0);
	ob_putc(ob, '[');
	for (int i = 0, shown = 0; vd->cls == SCOPES_CLASS_PROMISE && i < vd->n; i++) {
		const struct scopes_alt *a = &vd->alt[i];
		if (!alt_shown(v, i))
			continue;
		if (shown++)
			ob_putc(ob, ',');
		ob_putc(ob, '{');
		json_key(ob, "promises", 1);
		json_set(ob, a->set);
		json_key(ob, "paths", 0);
		ob_putc(ob, '[');
		if (a->flags & SCOPES_ALT_PATHSCOPED)
			alt_paths(v, a, json_path, ob);
		ob_putc(ob, ']');
		json_key(ob, "incidental", 0);
		ob_puts(ob, (a->flags & SCOPES_ALT_INCIDENTAL) ? "true" : "false");
		ob_putc(ob, '}');
	}
	ob_putc(ob, ']');
	json_key(ob, "reason", 0);
	ob_json_str(ob, vd->cls == SCOPES_CLASS_PROMISE && vd->n ? NULL : vd->reason);
	json_key(ob, "held", 0);
	if (v->pledged)
		json_set(ob, v->held);
	else
		ob_puts(ob, "null");
	json_key(ob, "action", 0);
	ob_json_str(ob, actions[v->action]);
	json_key(ob, "message", 0);
	ob_init(&l1, line, sizeof(line));
	report_line1(&l1, v);
	ob_json_str(ob, line);
	json_key(ob, "frames", 0);
	ob_putc(ob, '[');
	for (int i = 0; i < v->nframes; i++) {
		const struct report_frame *f = &v->frames[i];
		if (i)
			ob_putc(ob, ',');
		ob_putc(ob, '{');
		json_key(ob, "index", 1);
		ob_udec(ob, (uint64_t)i);
		json_key(ob, "ip", 0);
		json_hex(ob, f->ip);
		json_key(ob, "module", 0);
		ob_json_str(ob, f->module);
		json_key(ob, "offset", 0);
		if (f->module)
			json_hex(ob, f->offset);
		else
			ob_puts(ob, "null");
		json_key(ob, "symbol", 0);
		ob_json_str(ob, f->symbol);
		json_key(ob, "symbol_offset", 0);
		if (f->symbol)
			json_hex(ob, f->symbol_offset);
		else
			ob_puts(ob, "null");
		ob_putc(ob, '}');
	}
	ob_puts(ob, "]}");
}
