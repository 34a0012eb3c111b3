/* SPDX-License-Identifier: MIT */
/*
 * scopes-symbolize - add source file and line to the frames of a violation
 * report, offline, from debug information (elfutils libdw).
 *
 *   scopes-symbolize [FILE...]        (standard input when no FILE)
 *
 * Every line is copied to standard output. A frame line of the report,
 *   #1 0x55d0c2a1b2c4 in parse_header+0x34 (/usr/bin/demo+0x12c4)
 * gets " at FILE:LINE" appended when the module has line information (built
 * with -g, or a separate debug file libdw finds, e.g. under
 * /usr/lib/debug/.build-id/). Functions inlined at that address are listed
 * on lines of their own after it, innermost first:
 *   #1 0x55d0c2a1b2c4 in parse_header+0x34 (/usr/bin/demo+0x12c4) at demo.c:88
 *       parse_header inlined into read_chunk at demo.c:120
 * The offset after the module is an ELF virtual address; frames after #0
 * are return addresses, so the line looked up is the one of offset - 1
 * (the call instruction).
 *
 * Exit status: 0, 1 when a file cannot be read, 2 for a usage error.
 */
#define _GNU_SOURCE
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scopes.h>

#define MODULES_MAX 256

static char *debuginfo_path;
static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* One session per module file, opened on first use. */
static struct {
	char *path;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf_Addr bias; /* session address = ELF vaddr + bias */
} modules[MODULES_MAX];
static int nmodules;

static Dwfl_Module *module_open(const char *path, Dwarf_Addr *bias)
{
	for (int i = 0; i < nmodules; i++) {
		if (strcmp(modules[i].path, path) == 0) {
			*bias = modules[i].bias;
			return modules[i].mod;
		}
	}
	if (nmodules == MODULES_MAX)
		return NULL;
	Dwfl *dwfl = dwfl_begin(&offline_callbacks);
	Dwfl_Module *mod = NULL;
	Dwarf_Addr b = 0;
	if (dwfl) {
		mod = dwfl_report_offline(dwfl, path, path, -1);
		dwfl_report_end(dwfl, NULL, NULL);
		if (mod && !dwfl_module_getelf(mod, &b))
			mod = NULL;
	}
	/* remember failures too: one attempt per module */
	modules[nmodules].path = strdup(path);
	modules[nmodules].dwfl = dwfl;
	modules[nmodules].mod = mod;
	modules[nmodules].bias = b;
	if (!modules[nmodules].path)
		return NULL;
	nmodules++;
	*bias = b;
	return mod;
}

/* A DIE's name, following abstract origins (an inlined or out-of-line
 * instance of a function has its name on the abstract DIE). */
static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
	return n ? n : "??";
}

/* Functions inlined at addr, innermost first: each one's name, the function
 * it was inlined into, and the call site there. */
static void print_inlines(Dwfl_Module *mod, Dwarf_Addr addr)
{
	Dwarf_Addr dwbias = 0;
	Dwarf_Die *cu = dwfl_module_addrdie(mod, addr, &dwbias);
	Dwarf_Die *scopes = NULL;
	if (!cu)
		return;
	int n = dwarf_getscopes(cu, addr - dwbias, &scopes);
	if (n <= 0)
		return;
	Dwarf_Files *files = NULL;
	size_t nfiles = 0;
	dwarf_getsrcfiles(cu, &files, &nfiles);
	for (int i = 0; i < n; i++) {
		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
			continue;
		/* after an inlined DIE, dwarf_getscopes lists the scopes of
		 * its abstract definition; the caller is among the scopes that
		 * contain the inlined DIE itself */
		const char *caller = "??";
		Dwarf_Die *outer = NULL;
		int m = dwarf_getscopes_die(&scopes[i], &outer);
		for (int k = 1; k < m; k++) {
			int tag = dwarf_tag(&outer[k]);
			if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) {
				caller = die_name(&outer[k]);
				break;
			}
		}
		free(outer);
		Dwarf_Attribute attr;
		Dwarf_Word file = 0, line = 0;
		dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &attr), &file);
		dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &attr), &line);
		const char *fname =
			files && file < nfiles ? dwarf_filesrc(files, file, NULL, NULL) : NULL;
		printf("    %s inlined into %s at %s:%" PRIu64 "\n", die_name(&scopes[i]), caller,
		       fname ? fname : "??", (uint64_t)line);
	}
	free(scopes);
}

/* A frame line: "#N 0x... in SYM (MODULE+0xOFF)". */
static int parse_frame(const char *line, unsigned *index, char *module, size_t msize,
		       uint64_t *offset)
{
	if (sscanf(line, "#%u 0x", index) != 1)
		return 0;
	const char *open = strrchr(line, '(');
	const char *close = strrchr(line, ')');
	if (!open || !close || close < open || close[1] != '\0')
		return 0;
	const char *plus = NULL;
	for (const char *p = close; p > open; p--) {
		if (*p == '+') {
			plus = p;
			break;
		}
	}
	if (!plus || plus == open + 1 || (size_t)(plus - open - 1) >= msize)
		return 0;
	memcpy(module, open + 1, (size_t)(plus - open - 1));
	module[plus - open - 1] = '\0';
	char *end;
	errno = 0;
	*offset = strtoull(plus + 1, &end, 16);
	return errno == 0 && end == close && strncmp(plus + 1, "0x", 2) == 0;
}

static void symbolize_line(char *line)
{
	char module[4096];
	unsigned index;
	uint64_t offset;
	Dwarf_Addr bias;

	size_t len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	Dwfl_Module *mod = NULL;
	if (parse_frame(line, &index, module, sizeof(module), &offset) && module[0] == '/')
		mod = module_open(module, &bias);
	if (!mod) {
		puts(line);
		return;
	}
	Dwarf_Addr addr = offset + bias - (index > 0 && offset > 0 ? 1 : 0);
	Dwfl_Line *dl = dwfl_module_getsrc(mod, addr);
	int lineno = 0;
	const char *file = dl ? dwfl_lineinfo(dl, NULL, &lineno, NULL, NULL, NULL) : NULL;
	if (!file) {
		puts(line);
		return;
	}
	printf("%s at %s:%d\n", line, file, lineno);
	print_inlines(mod, addr);
}

static int symbolize(FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, in) >= 0)
		symbolize_line(line);
	free(line);
	return ferror(in) ? -1 : 0;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fprintf(stdout, "usage: scopes-symbolize [FILE...]\n"
				"       scopes-symbolize --help | --version\n"
				"Adds file:line to the frames of a scopes violation report.\n");
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("scopes-symbolize (seccomp-scopes) %s\n", SCOPES_VERSION_STRING);
		return 0;
	}
	if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		fprintf(stderr, "usage: scopes-symbolize [FILE...]\n");
		return 2;
	}
	if (argc == 1)
		return symbolize(stdin) == 0 ? 0 : 1;
	for (int i = 1; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "re");
		if (!f) {
			fprintf(stderr, "scopes-symbolize: %s: %s\n", argv[i], strerror(errno));
			rc = 1;
			continue;
		}
		if (symbolize(f) != 0)
			rc = 1;
		if (f != stdin)
			fclose(f);
	}
	fflush(stdout);
	for (int i = 0; i < nmodules; i++) {
		if (modules[i].dwfl)
			dwfl_end(modules[i].dwfl);
		free(modules[i].path);
	}
	return rc;
}
