/* SPDX-License-Identifier: MIT */
/*
 * scopes-run: run an unmodified program so that it holds exactly the given
 * promises once it runs its own code.
 *
 *   scopes-run -p PROMISES [-v PATH[:PERMS]]... [--report]
 *              [--penalty=kill|trap|errno|log] -- PROGRAM [ARGS...]
 *
 * How (the design in short; scopes-run(1) has the user's view):
 *  - A dynamically linked program: the child pledges PROMISES plus stdio and
 *    exec (exec carries what the loader needs: reading libraries, mapping
 *    them executable) with PROMISES as execpromises, then execs. The library
 *    leaves its shim in LD_PRELOAD; once the loader is done, the shim pledges
 *    PROMISES, and the kernel applies the strictest of both filters. The
 *    program never holds rpath, prot_exec or exec it was not given.
 *  - A statically linked program has no loader and no shim: the child pledges
 *    exactly PROMISES, with one extra rule allowing the one execve that starts
 *    the program. That rule matches the path, argv and envp pointers of this
 *    call only, placed in pages at random addresses that vanish with the exec
 *    (about 105 bits to guess for a program wanting to exec again). glibc's
 *    static start-up reads /proc/self/exe with readlink; when PROMISES do not
 *    grant readlink, the pledge allows it and a second filter answers it
 *    ENOENT (glibc copes): readlink fails rather than being the penalty.
 *  - Landlock layers (path-scoped promises, -v) stay across the exec: the
 *    program's file is granted read and execute in them.
 * scopes-run itself stays outside the sandbox, waits, and exits with the
 * program's status (128 + N for death by signal N).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/table.h>

#include "audit_client.h"
#include "denials.h"
#include "run_hooks.h"

#define EXIT_USAGE 125   /* scopes-run's own error: options, promises, setup */
#define EXIT_NOEXEC 126  /* found, but cannot be executed */
#define EXIT_NOTFOUND 127

#define MAX_UNVEILS 256

static const char *prog_name = "scopes-run";

struct options {
	const char *promises;
	scopes_set_t set;
	enum scopes_penalty penalty;
	int penalty_given;
	int report;
	int audit;         /* --audit: audit may be enabled to see Landlock denials */
	int denials_fd;    /* --denials-fd: scopes-trace --verify reads them, or -1 */
	int nunveil;
	const char *unveil_path[MAX_UNVEILS];
	char unveil_perms[MAX_UNVEILS][8];
	char **argv; /* PROGRAM ARGS... */
};

enum kind { KIND_DYNAMIC, KIND_STATIC };

struct target {
	char path[PATH_MAX];   /* what execve gets */
	char interp[PATH_MAX]; /* a script's interpreter, or "" */
	enum kind kind;        /* of the image the kernel finally runs */
};

/* A failure in the child, sent to the parent before the exec. */
struct child_error {
	int status;
	int err;
	char what[PATH_MAX + 64];
};

static void usage(FILE *f)
{
	fprintf(f, "usage: %s -p PROMISES [-v PATH[:PERMS]]... [--report [--audit]] [--denials-fd=FD]\n"
		   "                  [--penalty=kill|trap|errno|log] -- PROGRAM [ARGS...]\n"
		   "       %s --list | --help | --version\n"
		   "\n"
		   "Run PROGRAM (found on PATH) so that once it runs its own code it holds\n"
		   "exactly PROMISES (see scopes-promises(7)).\n"
		   "  -p PROMISES        the promises, e.g. \"stdio rpath\"\n"
		   "  -v PATH[:PERMS]    unveil PATH with PERMS from rwxc (default r); repeatable\n"
		   "  --report           a violation prints which call needed which promise, and\n"
		   "                     each Landlock denial which promise would allow it\n"
		   "  --audit            as root, turn audit on if it is off, for the denials\n"
		   "                     (the kernel then audits every new task until reboot)\n"
		   "  --penalty=PENALTY  kill (default), trap, errno or log\n"
		   "  --denials-fd=FD    write the Landlock denials to FD, one line each\n"
		   "  --list             list the promises with one line each, and exit\n"
		   "Exit status: PROGRAM's, 128+N if it died by signal N; 125 for a bad\n"
		   "option or promise, 126 if PROGRAM cannot be executed, 127 if not found.\n",
		prog_name, prog_name);
}

/* --list: every promise and its one-line meaning, from the table. */
static void list_promises(void)
{
	for (int i = 0; i < scopes_promise_count(); i++)
		printf("%-10s %s\n", scopes_promise_name(i), scopes_promise_summary(i));
}

static void die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void die(int status, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* Name the first word of s that is not a promise, for the message. */
static void bad_promises(const char *s)
{
	char why[256];
	if (scopes_promises_explain(s, why, sizeof(why)) != 0)
		die(EXIT_USAGE, "-p: %s", why);
	die(EXIT_USAGE, "-p: the promise string was refused");
}

static void add_unveil(struct options *o, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	size_t plen = strlen(arg);
	const char *perms = "r";

	if (o->nunveil == MAX_UNVEILS)
		die(EXIT_USAGE, "too many -v (at most %d)", MAX_UNVEILS);
	/* PATH:PERMS when what follows the last colon is made of rwxc; a
	 * short run of other letters there is a mistaken permission, not part
	 * of the path (a path that really ends so: write PATH:r) */
	if (colon && strspn(colon + 1, "rwxc") == strlen(colon + 1) && strlen(colon + 1) < 8) {
		plen = (size_t)(colon - arg);
		perms = colon + 1;
	} else if (colon && colon[1] && strlen(colon + 1) <= 4 &&
		   strspn(colon + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
			   strlen(colon + 1)) {
		die(EXIT_USAGE, "-v %s: \"%s\" is not a permission: use letters of rwxc "
				"(r read, w write, x execute, c create)", arg, colon + 1);
	}
	if (plen == 0)
		die(EXIT_USAGE, "-v %s: no path", arg);
	char *path = strndup(arg, plen);
	if (!path)
		die(EXIT_USAGE, "out of memory");
	o->unveil_path[o->nunveil] = path;
	snprintf(o->unveil_perms[o->nunveil], sizeof(o->unveil_perms[0]), "%s", perms);
	o->nunveil++;
}

static void parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_REPORT = 256, OPT_PENALTY, OPT_HELP, OPT_VERSION, OPT_LIST, OPT_DENIALS_FD,
	       OPT_AUDIT };
	static const struct option longopts[] = {
		{ "report", no_argument, NULL, OPT_REPORT },
		{ "denials-fd", required_argument, NULL, OPT_DENIALS_FD },
		{ "audit", no_argument, NULL, OPT_AUDIT },
		{ "penalty", required_argument, NULL, OPT_PENALTY },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "list", no_argument, NULL, OPT_LIST },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->denials_fd = -1;
	while ((c = getopt_long(argc, argv, "+p:v:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->promises = optarg;
			break;
		case 'v':
			add_unveil(o, optarg);
			break;
		case OPT_REPORT:
			o->report = 1;
			break;
		case OPT_AUDIT:
			o->audit = 1;
			break;
		case OPT_DENIALS_FD: {
			char *end;
			long fd = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end || fd < 3 || fd > 1023 || fcntl((int)fd, F_GETFD) < 0)
				die(EXIT_USAGE, "--denials-fd=%s: not an open descriptor above 2", optarg);
			o->denials_fd = (int)fd;
			/* ours: the program must not find it open */
			fcntl(o->denials_fd, F_SETFD, FD_CLOEXEC);
			break;
		}
		case OPT_PENALTY: {
			int pen = scopes_penalty_parse(optarg);
			if (pen < 0)
				die(EXIT_USAGE, "--penalty=%s: not kill, trap, errno or log", optarg);
			o->penalty = (enum scopes_penalty)pen;
			o->penalty_given = 1;
			break;
		}
		case 'h':
		case OPT_HELP:
			usage(stdout);
			exit(0);
		case OPT_VERSION:
			printf("scopes-run (seccomp-scopes) %s\n", SCOPES_VERSION_STRING);
			exit(0);
		case OPT_LIST:
			list_promises();
			exit(0);
		default:
			usage(stderr);
			exit(EXIT_USAGE);
		}
	}
	if (!o->promises)
		die(EXIT_USAGE, "-p PROMISES is required (try --help)");
	if (optind >= argc)
		die(EXIT_USAGE, "no program to run (try --help)");
	if (scopes_promises_parse(o->promises, &o->set) != 0)
		bad_promises(o->promises);
	/* the report comes from the SIGSYS handler: trap unless told otherwise */
	if (o->audit && !o->report && o->denials_fd < 0)
		die(EXIT_USAGE, "--audit: only with --report or --denials-fd");
	if (o->report && !o->penalty_given)
		o->penalty = SCOPES_PENALTY_TRAP;
	o->argv = argv + optind;
}

/* ------------------------------------------------------ the program */

static int is_exec_file(const char *path, int *err)
{
	struct stat sb;
	if (stat(path, &sb) != 0) {
		*err = errno;
		return 0;
	}
	if (!S_ISREG(sb.st_mode)) {
		*err = EACCES;
		return 0;
	}
	if (access(path, X_OK) != 0) {
		*err = errno;
		return 0;
	}
	return 1;
}

/* execvp's search, without running anything: 127 not found, 126 found but
 * not executable. */
static void find_program(const char *name, char out[PATH_MAX])
{
	int err = ENOENT;

	if (strchr(name, '/')) {
		if (!is_exec_file(name, &err))
			die(err == ENOENT || err == ENOTDIR ? EXIT_NOTFOUND : EXIT_NOEXEC, "%s: %s",
			    name, strerror(err));
		if (!realpath(name, out))
			die(EXIT_NOEXEC, "%s: %s", name, strerror(errno));
		return;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	int seen_eacces = 0;
	while (*path) {
		size_t len = strcspn(path, ":");
		char cand[PATH_MAX];
		int n = len ? snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, path, name)
			    : snprintf(cand, sizeof(cand), "%s", name);
		if (n > 0 && (size_t)n < sizeof(cand)) {
			if (is_exec_file(cand, &err)) {
				if (!realpath(cand, out))
					die(EXIT_NOEXEC, "%s: %s", cand, strerror(errno));
				return;
			}
			seen_eacces |= err == EACCES;
		}
		path += len;
		if (*path == ':')
			path++;
	}
	if (seen_eacces)
		die(EXIT_NOEXEC, "%s: permission denied", name);
	die(EXIT_NOTFOUND, "%s: command not found", name);
}

/* Does the ELF file at path ask for a loader (PT_INTERP)? 1 yes, 0 no (a
 * static program), -1 not an ELF file of this machine. */
static int elf_is_dynamic(int fd)
{
	Elf64_Ehdr eh;

	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		return -1;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
			return -1;
		if (ph.p_type == PT_INTERP)
			return 1;
	}
	return 0;
}

static void child_fail(int status, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

/* Map a virtual address of the file's image to a file offset (PT_LOAD). */
static off_t elf_vaddr_offset(int fd, const Elf64_Ehdr *eh, uint64_t vaddr)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh->e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
			return -1;
		if (ph.p_type == PT_LOAD && vaddr >= ph.p_vaddr && vaddr < ph.p_vaddr + ph.p_filesz)
			return (off_t)(ph.p_offset + (vaddr - ph.p_vaddr));
	}
	return -1;
}

static void allow_library_dir(const char *dir)
{
	int rc = landlock_allow_program(dir);
	if (rc < 0 && rc != -E2BIG)
		child_fail(EXIT_USAGE, -rc, "library directory %s", dir);
}

/* One search path ("a:b:$ORIGIN/../lib"): each directory gets read access in
 * the pre-exec Landlock layer, so the loader finds what it finds unpledged. */
static void allow_search_path(const char *list, const char *origin)
{
	char dir[PATH_MAX];

	while (list && *list) {
		size_t len = strcspn(list, ":");
		size_t o = 0;
		for (size_t i = 0; i < len && o < sizeof(dir) - 1;) {
			const char *q = list + i;
			size_t skip = strncmp(q, "${ORIGIN}", 9) == 0 ? 9 : strncmp(q, "$ORIGIN", 7) == 0 ? 7 : 0;
			if (skip && origin) {
				o += (size_t)snprintf(dir + o, sizeof(dir) - o, "%s", origin);
				i += skip;
			} else {
				dir[o++] = list[i++];
			}
		}
		dir[o < sizeof(dir) ? o : sizeof(dir) - 1] = '\0';
		if (dir[0] == '/')
			allow_library_dir(dir);
		list += len;
		if (*list == ':')
			list++;
	}
}

/*
 * The directories the loader searches for this ELF file's libraries beyond
 * the system's (the pre-exec layer grants reads only beneath library
 * directories): its DT_RUNPATH or DT_RPATH, $ORIGIN expanded.
 */
static void allow_elf_search_paths(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf64_Ehdr eh;
	char origin[PATH_MAX], rp[PATH_MAX];

	if (fd < 0)
		return;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr)) {
		close(fd);
		return;
	}
	if (!realpath(path, rp))
		snprintf(rp, sizeof(rp), "%s", path);
	snprintf(origin, sizeof(origin), "%s", rp);
	char *slash = strrchr(origin, '/');
	if (slash)
		*slash = '\0';
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph) ||
		    ph.p_type != PT_DYNAMIC)
			continue;
		uint64_t strtab = 0, runpath = UINT64_MAX;
		for (uint64_t off = 0; off + sizeof(Elf64_Dyn) <= ph.p_filesz; off += sizeof(Elf64_Dyn)) {
			Elf64_Dyn d;
			if (pread(fd, &d, sizeof(d), (off_t)(ph.p_offset + off)) != (ssize_t)sizeof(d) ||
			    d.d_tag == DT_NULL)
				break;
			if (d.d_tag == DT_STRTAB)
				strtab = d.d_un.d_ptr;
			else if (d.d_tag == DT_RUNPATH || (d.d_tag == DT_RPATH && runpath == UINT64_MAX))
				runpath = d.d_un.d_val;
		}
		off_t base = strtab ? elf_vaddr_offset(fd, &eh, strtab) : -1;
		char list[PATH_MAX];
		ssize_t n = base >= 0 && runpath != UINT64_MAX
				    ? pread(fd, list, sizeof(list) - 1, base + (off_t)runpath)
				    : -1;
		if (n > 0) {
			list[n] = '\0';
			allow_search_path(list, origin);
		}
	}
	close(fd);
}

/* Static or dynamic, looking through one "#!" line. Anything else is left
 * to the kernel (treated as dynamic: the shim narrows it if it loads). */
static void classify(struct target *t)
{
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);
	char head[PATH_MAX];

	t->interp[0] = '\0';
	t->kind = KIND_DYNAMIC;
	if (fd < 0)
		die(EXIT_NOEXEC, "%s: %s", t->path, strerror(errno));
	ssize_t n = pread(fd, head, sizeof(head) - 1, 0);
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		head[n] = '\0';
		char *p = head + 2 + strspn(head + 2, " \t");
		size_t len = strcspn(p, " \t\n");
		if (len == 0 || len >= sizeof(t->interp))
			die(EXIT_NOEXEC, "%s: bad interpreter line", t->path);
		memcpy(t->interp, p, len);
		t->interp[len] = '\0';
		close(fd);
		fd = open(t->interp, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die(EXIT_NOEXEC, "%s: interpreter %s: %s", t->path, t->interp, strerror(errno));
	}
	if (elf_is_dynamic(fd) == 0)
		t->kind = KIND_STATIC;
	close(fd);
}

/* ------------------------------------------- files of this installation */

/* Where the shim and the reporter are: next to this build's library in the
 * build tree, or in the library directory relative to the installed
 * scopes-run (so that an install moved with --prefix still finds them). */
static int in_build_tree(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 0;
	self[n] = '\0';
	return strcmp(self, SCOPES_RUN_BUILD_EXE) == 0;
}

static void installed_file(char *out, size_t size, const char *build, const char *name)
{
	if (in_build_tree()) {
		int n1 = snprintf(out, size, "%s", build);
		if (n1 < 0 || (size_t)n1 >= size)
			out[0] = '\0';
		return;
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	/* the shim is in its private directory under the library directory */
	const char *sub = strcmp(name, SCOPES_EXEC_SHIM_NAME) == 0 ? SCOPES_RUN_SHIM_SUBDIR "/" : "";
	int n2 = snprintf(out, size, "%s/%s/%s%s", self, SCOPES_RUN_BIN_TO_LIB, sub, name);
	if (n2 < 0 || (size_t)n2 >= size)
		out[0] = '\0';
}

/* ------------------------------------------------------- the child */

static int error_fd = -1;

static void child_fail(int status, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
static void child_fail(int status, int err, const char *fmt, ...)
{
	struct child_error ce = { .status = status, .err = err };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ce.what, sizeof(ce.what), fmt, ap);
	va_end(ap);
	ssize_t w = write(error_fd, &ce, sizeof(ce));
	(void)w;
	_exit(status);
}

/* A page (or a few) at a random address, for the static exec rule. */
static void *random_pages(size_t bytes)
{
	size_t len = (bytes + 4095) & ~(size_t)4095;
	for (int i = 0; i < 64; i++) {
		uint64_t r;
		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			break;
		uintptr_t hint = (uintptr_t)(r & 0x00007ffffffff000ULL);
		if (hint < 0x100000000ULL)
			continue;
		void *p = mmap((void *)hint, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != MAP_FAILED)
			return p;
	}
	return NULL;
}

/* Would PROMISES let glibc's static start-up call readlink (whatever its
 * arguments)? Asked of the table, not decided here. */
static int promises_grant(scopes_set_t set, const char *syscall)
{
	uint32_t arch = scopes_native_arch();
	long nr = scopes_syscall_number(arch, syscall);

	return nr >= 0 &&
	       scopes_set_allows(set, arch, nr, NULL, scopes_pathscoped_enforced(NULL), NULL) == 1;
}

/* The second filter of a static program: readlink answers ENOENT. The
 * pledge's filter must allow it (the kernel takes the strictest answer of
 * all filters, and the penalty is stricter than an errno). */
static void soften_readlink(void)
{
	if (scopes_handler_allow("readlink", 0, NULL) != 0)
		child_fail(EXIT_USAGE, errno, "cannot soften readlink");
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = ctx ? seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOENT), SCMP_SYS(readlink), 0) : -ENOMEM;
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0)
		child_fail(EXIT_USAGE, -rc, "cannot install the readlink filter");
}

static char **copy_vector(char *const *v)
{
	size_t n = 0;
	while (v[n])
		n++;
	char **out = random_pages((n + 1) * sizeof(char *));
	if (!out)
		return NULL;
	memcpy(out, v, (n + 1) * sizeof(char *));
	return out;
}

#ifdef SCOPES_RUN_SIGSYS_BUILD /* --report: only where libscopes-sigsys is built */
static void prepend_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *v;
	if (old && *old) {
		if (asprintf(&v, "%s:%s", lib, old) < 0)
			child_fail(EXIT_USAGE, ENOMEM, "LD_PRELOAD");
	} else if (!(v = strdup(lib))) {
		child_fail(EXIT_USAGE, ENOMEM, "LD_PRELOAD");
	}
	if (setenv("LD_PRELOAD", v, 1) != 0)
		child_fail(EXIT_USAGE, errno, "LD_PRELOAD");
	free(v);
}
#endif

static scopes_set_t promise_bit(const char *name)
{
	int i = scopes_promise_index(name, strlen(name));
	return i < 0 ? 0 : (scopes_set_t)1 << i;
}

/*
 * Pledge, then make the one execve the pledge allows: its path, argv and envp
 * pointers are pinned by a rule to pages at random addresses that vanish
 * with the exec. No promise grants execve here, so no code of the target's
 * can exec anything before it is narrowed (Revision 2: an IFUNC resolver runs
 * during relocation, before the shim's constructor).
 *  - static: the pledge is exactly PROMISES (no loader, no shim);
 *  - dynamic: PROMISES + stdio + the loader's own needs (reads under the
 *    library directories, file-backed executable mappings), with PROMISES
 *    as execpromises: the shim narrows to PROMISES before main.
 */
static void exec_pinned(const struct options *o, const struct target *t)
{
	int dynamic = t->kind != KIND_STATIC;
	scopes_set_t pre = dynamic ? o->set | promise_bit("stdio") : o->set;
	char prestr[4096];

	if (dynamic && o->report) {
#ifdef SCOPES_RUN_SIGSYS_BUILD
		char lib[PATH_MAX];
		installed_file(lib, sizeof(lib), SCOPES_RUN_SIGSYS_BUILD, SCOPES_RUN_SIGSYS_NAME);
		if (access(lib, R_OK) != 0)
			child_fail(EXIT_USAGE, errno, "--report: %s", lib);
		prepend_preload(lib);
		/* the loader reads it through the unveil layer too: without
		 * this, -v with --report lost every report (the reporter was
		 * refused, the violation killed the program unexplained) */
		if (o->nunveil && scopes_unveil(lib, "r") != 0)
			child_fail(EXIT_USAGE, errno, "--report: unveil %s", lib);
#endif
	}
	if (dynamic) {
		/* what the loader reads beyond the system's library
		 * directories: the program's RUNPATH, LD_LIBRARY_PATH, and
		 * each preloaded object with its own RUNPATH */
		allow_elf_search_paths(t->path);
		allow_search_path(getenv("LD_LIBRARY_PATH"), NULL);
		const char *pl = getenv("LD_PRELOAD");
		char obj[PATH_MAX];
		while (pl && *pl) {
			size_t len = strcspn(pl, ": ");
			if (len > 0 && len < sizeof(obj) && pl[0] == '/') {
				memcpy(obj, pl, len);
				obj[len] = '\0';
				allow_library_dir(obj);
				allow_elf_search_paths(obj);
			}
			pl += len;
			pl += strspn(pl, ": ");
		}
	}
	/* room for the environment and what the pledge adds to it */
	size_t envmax = 8;
	while (environ[envmax - 8])
		envmax++;
	char *path = random_pages(sizeof(t->path));
	char **argv = copy_vector(o->argv);
	char **envp = random_pages(envmax * sizeof(char *));
	if (!path || !argv || !envp)
		child_fail(EXIT_USAGE, ENOMEM, "cannot place the exec arguments");
	strcpy(path, t->path);
	argv[0] = o->argv[0];

	struct scopes_cond cond[3] = {
		{ .arg = 0, .mask = ~0ULL, .value = (uint64_t)(uintptr_t)path },
		{ .arg = 1, .mask = ~0ULL, .value = (uint64_t)(uintptr_t)argv },
		{ .arg = 2, .mask = ~0ULL, .value = (uint64_t)(uintptr_t)envp },
	};
	if (scopes_handler_allow("execve", 3, cond) != 0)
		child_fail(EXIT_USAGE, errno, "cannot allow the exec");
	/* a failed exec must still be told to the parent */
	if (!promises_grant(pre, "write")) {
		struct scopes_cond wc[2] = {
			{ .arg = 0, .mask = ~0ULL, .value = (uint64_t)error_fd },
			{ .arg = 2, .mask = ~0ULL, .value = sizeof(struct child_error) },
		};
		if (scopes_handler_allow("write", 2, wc) != 0)
			child_fail(EXIT_USAGE, errno, "cannot allow the error report");
	}
	if (!dynamic && !promises_grant(pre, "readlink"))
		soften_readlink();
	scopes_promises_format(pre, prestr, sizeof(prestr));
	int rc = dynamic ? api_pledge_loader_only(prestr, o->promises)
			 : scopes_pledge(o->promises, o->promises);
	if (rc != 0)
		child_fail(EXIT_USAGE, errno, "pledge(\"%s\", \"%s\")", prestr, o->promises);
	/* the shim's pledge in the program need not repeat the kernel's hint
	 * this pledge gave (stdio holds: setenv may allocate) */
	if (dynamic && landlock_hint_pass_on() != 0)
		child_fail(EXIT_USAGE, ENOMEM, "SCOPES_HINTED");
	/* the environment as the pledge left it (the shim and execpromises
	 * for a dynamic program, execpromises for its own children), copied
	 * without a system call */
	size_t n = 0;
	while (environ[n] && n < envmax - 1) {
		envp[n] = environ[n];
		n++;
	}
	envp[n] = NULL;
	syscall(SYS_execve, path, argv, envp);
	child_fail(EXIT_NOEXEC, errno, "%s", t->path);
}

static void run_child(const struct options *o, const struct target *t)
{
	/* the parent's audit changes are the parent's to undo */
	audit_restore_forget();
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	/* the layers log the denials of the program about to be exec'd (by
	 * default only those of this image, which makes none): where audit
	 * is enabled they are the system's record of what the program was
	 * refused, and --report reads them. Kernels before Landlock ABI 7
	 * would refuse the flag: nothing is asked of them. The program's own
	 * layers (the shim's) do the same for what it execs (landlock.c). */
	if (landlock_log_new_exec() && setenv("SCOPES_LANDLOCK_LOG_EXEC", "1", 1) != 0)
		child_fail(EXIT_USAGE, errno, "SCOPES_LANDLOCK_LOG_EXEC");
	/* a high descriptor: the static exec rule names it */
	int fd = fcntl(error_fd, F_DUPFD_CLOEXEC, 900);
	if (fd >= 0) {
		close(error_fd);
		error_fd = fd;
	}
	if (scopes_set_penalty(o->penalty) != 0)
		child_fail(EXIT_USAGE, errno, "penalty");
	char shim[PATH_MAX];
	installed_file(shim, sizeof(shim), SCOPES_RUN_SHIM_BUILD, SCOPES_EXEC_SHIM_NAME);
	int rc = exec_set_shim(shim);
	if (rc == 0)
		rc = landlock_allow_program(t->path);
	if (rc == 0 && t->interp[0])
		rc = landlock_allow_program(t->interp);
	if (rc < 0)
		child_fail(EXIT_USAGE, -rc, "%s", t->path);
	for (int i = 0; i < o->nunveil; i++)
		if (scopes_unveil(o->unveil_path[i], o->unveil_perms[i]) != 0)
			child_fail(EXIT_USAGE, errno, "-v %s:%s", o->unveil_path[i], o->unveil_perms[i]);
	if (o->nunveil) {
		/* the program (and its interpreter) must stay executable */
		if (scopes_unveil(t->path, "x") != 0)
			child_fail(EXIT_USAGE, errno, "unveil %s", t->path);
		if (t->interp[0] && scopes_unveil(t->interp, "x") != 0)
			child_fail(EXIT_USAGE, errno, "unveil %s", t->interp);
	}
	exec_pinned(o, t);
}

/* ------------------------------------------------------ the parent */

static pid_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

int main(int argc, char **argv)
{
	struct options o;
	struct target t;
	int pipefd[2];

	parse_args(argc, argv, &o);
	find_program(o.argv[0], t.path);
	classify(&t);
	if (o.report && t.kind == KIND_STATIC)
		fprintf(stderr, "%s: --report: %s is statically linked: the reporter cannot be "
				"loaded into it; a violation ends it by SIGSYS without a report\n",
			prog_name, o.argv[0]);
#ifndef SCOPES_RUN_SIGSYS_BUILD
	if (o.report && t.kind == KIND_DYNAMIC)
		die(EXIT_USAGE, "--report: this build has no libscopes-sigsys (libunwind missing)");
#endif
	struct denial_watch *watch = NULL;
	char unseen[512] = "";
	if (o.report || o.denials_fd >= 0) {
		/* before the program starts: its first denial must be seen */
		watch = denials_open(landlock_abi(), o.audit, unseen, sizeof(unseen));
		if (!watch && o.denials_fd >= 0)
			dprintf(o.denials_fd, "unseen\t%s\n", unseen);
	}
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		die(EXIT_USAGE, "pipe: %s", strerror(errno));
	fflush(NULL);
	child_pid = fork();
	if (child_pid < 0)
		die(EXIT_USAGE, "fork: %s", strerror(errno));
	if (child_pid == 0) {
		close(pipefd[0]);
		error_fd = pipefd[1];
		run_child(&o, &t);
	}
	close(pipefd[1]);
	/* the terminal's ^C and ^\ reach the program directly; others are passed on */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	struct sigaction sa = { .sa_handler = forward };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	struct child_error ce;
	ssize_t n;
	do
		n = read(pipefd[0], &ce, sizeof(ce));
	while (n < 0 && errno == EINTR);
	int status;
	if (watch) {
		denials_set_root(watch, child_pid);
		/* its end wakes the wait (a pidfd, Linux 5.3); else a short poll */
		int pidfd = (int)syscall(SYS_pidfd_open, child_pid, 0);
		for (;;) {
			pid_t r = waitpid(child_pid, &status, WNOHANG);
			if (r == child_pid)
				break;
			if (r < 0 && errno != EINTR)
				die(EXIT_USAGE, "waitpid: %s", strerror(errno));
			denials_poll(watch, pidfd, pidfd >= 0 ? 1000 : 50);
		}
		if (pidfd >= 0)
			close(pidfd);
		denials_finish(watch);
	} else {
		while (waitpid(child_pid, &status, 0) < 0) {
			if (errno != EINTR)
				die(EXIT_USAGE, "waitpid: %s", strerror(errno));
		}
	}
	/* said after the program, with the denials it is about: a violation
	 * report, if any, comes first */
	if (!watch && o.report && n != (ssize_t)sizeof(ce))
		fprintf(stderr, "%s: --report: Landlock denials cannot be seen: %s\n", prog_name,
			unseen);
	if (watch && n != (ssize_t)sizeof(ce)) {
		if (o.report)
			denials_print(watch, stderr, "scopes-run: ", o.set, o.nunveil > 0);
		if (o.denials_fd >= 0)
			denials_write_lines(watch, o.denials_fd, o.set, o.nunveil > 0);
	}
	denials_close(watch);
	if (n == (ssize_t)sizeof(ce)) {
		ce.what[sizeof(ce.what) - 1] = '\0';
		fprintf(stderr, "%s: %s: %s\n", prog_name, ce.what, strerror(ce.err));
		return ce.status;
	}
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		if (sig == SIGSYS && !o.report)
			fprintf(stderr, "%s: %s was stopped by SIGSYS: a system call outside \"%s\" "
					"(--report names it)\n",
				prog_name, o.argv[0], o.promises);
		return 128 + sig;
	}
	return WEXITSTATUS(status);
}
