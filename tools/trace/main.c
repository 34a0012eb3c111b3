/* SPDX-License-Identifier: MIT */
/*
 * scopes-trace: run a program and find the smallest set of promises it
 * needs, with the evidence for each (see --help and tools/trace/README.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <ftw.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <linux/landlock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <scopes.h>

#include "backend.h"
#include "elfinfo.h"
#include "json.h"
#include "jsonread.h"
#include "quote.h"
#include "report.h"
#include "srcline.h"

extern char **environ;

enum { OPT_JSON = 256, OPT_TIMELINE, OPT_VERIFY, OPT_LOG_SOURCE, OPT_NO_HANDSHAKE, OPT_COLOR,
       OPT_VERSION, OPT_MERGE, OPT_AUDIT };

/* --audit: the verify runs may turn audit on to see Landlock denials */
static int verify_audit;

static void usage(FILE *out)
{
	fputs("usage: scopes-trace [OPTION]... -- PROGRAM [ARG]...\n"
	      "       scopes-trace --merge [--json] [-o FILE] REPORT.json...\n"
	      "Run PROGRAM, observe every system call it and its children make, and say\n"
	      "which promises it needs: the smallest set, why each promise is in it, what\n"
	      "no promise can allow, and whether the answer is complete.\n"
	      "\n"
	      "  -b, --backend=auto|notify|log\n"
	      "                  notify: seccomp user notification, unprivileged, lossless,\n"
	      "                  with arguments (exact answer). log: SECCOMP_RET_LOG audit\n"
	      "                  records, no arguments (argument-dependent calls are\n"
	      "                  reported as ambiguous); lossless as root, otherwise read\n"
	      "                  from the kernel log and marked incomplete when records were\n"
	      "                  dropped. auto (default): notify where the kernel has it.\n"
	      "      --log-source=auto|daemon|multicast|kmsg\n"
	      "                  where the log backend reads records (default: the best\n"
	      "                  available: daemon, multicast, kmsg)\n"
	      "      --json      write one JSON object instead of the human report\n"
	      "  -o, --output=FILE  write the report to FILE (default: standard error)\n"
	      "      --timeline  show what is needed from each point of the run to its end\n"
	      "      --verify    run PROGRAM again under scopes-run with the promises found\n"
	      "                  (enforced) and say whether it ends the same way\n"
	      "      --audit     as root, let --verify turn audit on if it is off, to see\n"
	      "                  Landlock denials (the kernel then audits every new task\n"
	      "                  until reboot)\n"
	      "      --merge     the arguments are JSON reports of earlier runs (--json):\n"
	      "                  one answer for all of them (one run shows one path)\n"
	      "      --no-handshake  do not ask libscopes for its pledge points\n"
	      "                  (SCOPES_PENALTY=log, SCOPES_TRACE_FD)\n"
	      "      --color=auto|always|never  colours in the human report (auto: on a\n"
	      "                  terminal, unless NO_COLOR is set)\n"
	      "  -h, --help      show this help and exit\n"
	      "      --version   show the version and exit\n"
	      "\n"
	      "PROGRAM's standard input, output and error are its own; the report goes to\n"
	      "standard error or FILE. The exit status is PROGRAM's (128+N if signal N\n"
	      "ended it); 125 if scopes-trace failed, 126/127 if PROGRAM could not run.\n"
	      "\n"
	      "JSON fields: promises (what to pledge at the top of main), startup_promises\n"
	      "(what only the dynamic loader needed beyond that), execpromises, evidence\n"
	      "(per promise: syscalls, counts, example calls), startup_evidence,\n"
	      "unpledgeable, ambiguous, enosys, always_allowed, images, pledges (split by\n"
	      "pledge point for programs using libscopes), timeline, verify, complete,\n"
	      "notes, backend, source, exit_status, signal.\n",
	      out);
}

static int parse_choice(const char *arg, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	return -1;
}

/* Where a failure is reported: under --json every failure is a JSON
 * object (with an "error" member) in the report's place, so a script reading
 * -o FILE never finds it empty. */
struct failsink {
	int json;
	const char *output;   /* -o FILE, or NULL: standard error */
	char *const *argv;    /* the program's command line, if known */
};

/* Report a failure of kind (usage, output, not_found, setup, backend) and
 * return status. printed: the human message is already on standard error. */
static int fail(const struct failsink *fs, int status, const char *kind, int printed,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail(const struct failsink *fs, int status, const char *kind, int printed,
		const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	FILE *out = fs->json && fs->output ? fopen(fs->output, "we") : NULL;
	/* the JSON object alone where it goes to standard error: a script
	 * reads one document there */
	if (!printed && (!fs->json || out))
		fprintf(stderr, "scopes-trace: %s\n", msg);
	if (!fs->json)
		return status;
	struct json j;
	json_init(&j, 1);
	json_obj_begin(&j);
	json_kstr(&j, "scopes_trace", SCOPES_VERSION_STRING);
	json_key(&j, "command");
	json_arr_begin(&j);
	for (int i = 0; fs->argv && fs->argv[i]; i++)
		json_str(&j, fs->argv[i]);
	json_arr_end(&j);
	json_kbool(&j, "complete", 0);
	json_kint(&j, "exit_status", status);
	json_key(&j, "error");
	json_obj_begin(&j);
	json_kstr(&j, "kind", kind);
	json_kstr(&j, "message", msg);
	json_obj_end(&j);
	json_obj_end(&j);
	size_t len;
	const char *text = json_text(&j, &len);
	FILE *to = out ? out : stderr;
	if (text)
		fwrite(text, 1, len, to);
	json_free(&j);
	if (out)
		fclose(out);
	return status;
}

/* argv[0] through PATH, as execvp would find it. */
static char *resolve(const char *prog)
{
	if (strchr(prog, '/'))
		return strdup(prog);
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;;) {
		const char *end = strchrnul(p, ':');
		char cand[PATH_MAX];
		int n = snprintf(cand, sizeof(cand), "%.*s%s%s", (int)(end - p), p,
				 end == p ? "" : "/", prog);
		struct stat st;
		if (n > 0 && (size_t)n < sizeof(cand) && stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0)
			return strdup(cand);
		if (!*end)
			break;
		p = end + 1;
	}
	return NULL;
}

/* The environment without our variables, plus (handshake) the new ones. */
static char **make_env(int trace_fd)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 3, sizeof(*env));
	if (!env)
		return NULL;
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if ((trace_fd < 0) || (strncmp(environ[i], "SCOPES_PENALTY=", 15) != 0 &&
				       strncmp(environ[i], "SCOPES_TRACE_FD=", 16) != 0))
			env[w++] = environ[i];
	if (trace_fd >= 0) {
		/* log mode in the library: a program's own KILL/TRAP/ERRNO
		 * filter would outrank our observation of its calls */
		env[w++] = strdup("SCOPES_PENALTY=log");
		if (asprintf(&env[w], "SCOPES_TRACE_FD=%d", trace_fd) > 0)
			w++;
	}
	env[w] = NULL;
	return env;
}

static int landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return v > 0 ? (int)v : 0;
}

/* ------------------------------------------------------------- verify */

static char *find_scopes_run(void)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", self_exe());
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		char cand[PATH_MAX + 32];
		/* next to us in the build tree, or installed side by side */
		const char *rel[] = { "../run/scopes-run", "scopes-run" };
		for (size_t i = 0; i < 2; i++) {
			snprintf(cand, sizeof(cand), "%s/%s", dir, rel[i]);
			if (access(cand, X_OK) == 0)
				return realpath(cand, NULL);
		}
	}
	return resolve("scopes-run");
}

/* --------------------------------------------- --verify's private copy
 *
 * A second run of a program that changed files meets what the first run
 * did (mkdir d: EEXIST) or does it again (sed -i, tar x). With --verify the
 * working directory, if small, is copied before the first run; each verify
 * run gets its own copy of that and runs there, with the arguments naming
 * files under the working directory pointed at the copy. */

#define SNAPSHOT_MAX_FILES 5000
#define SNAPSHOT_MAX_BYTES (256ull << 20)

static unsigned long snap_files;
static unsigned long long snap_bytes;

static int snap_count(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)p;
	(void)flag;
	(void)f;
	snap_files++;
	if (S_ISREG(st->st_mode))
		snap_bytes += (unsigned long long)st->st_size;
	return snap_files > SNAPSHOT_MAX_FILES || snap_bytes > SNAPSHOT_MAX_BYTES ? 1 : 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

static void rm_tree(const char *dir)
{
	if (dir)
		nftw(dir, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* cp -a SRC/. DST: 0 or -1. */
static int copy_tree(const char *src, const char *dst)
{
	char from[PATH_MAX + 3];
	snprintf(from, sizeof(from), "%s/.", src);
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execl("/bin/cp", "cp", "-a", "--reflink=auto", from, dst, (char *)NULL);
		_exit(127);
	}
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0
		       ? 0
		       : -1;
}

struct snapshot {
	char cwd[PATH_MAX]; /* the working directory, resolved */
	char *dir;          /* its copy before the first run (dir/orig), or NULL */
	char why[PATH_MAX + 128]; /* why there is no copy */
};

static void snapshot_take(struct snapshot *sn)
{
	if (!getcwd(sn->cwd, sizeof(sn->cwd))) {
		snprintf(sn->why, sizeof(sn->why), "the working directory: %s", strerror(errno));
		return;
	}
	snap_files = 0;
	snap_bytes = 0;
	if (nftw(sn->cwd, snap_count, 32, FTW_PHYS | FTW_MOUNT) != 0) {
		snprintf(sn->why, sizeof(sn->why), "the working directory %s is too large to copy "
			 "(over %d files or %llu MiB)", sn->cwd, SNAPSHOT_MAX_FILES,
			 SNAPSHOT_MAX_BYTES >> 20);
		return;
	}
	char tmpl[] = "/var/tmp/scopes-trace-verify.XXXXXX";
	char *d = mkdtemp(tmpl);
	if (!d || scopes_path_beneath(d, sn->cwd)) {
		snprintf(sn->why, sizeof(sn->why), "there is no place for a copy outside %s",
			 sn->cwd);
		if (d)
			rmdir(d);
		return;
	}
	char orig[PATH_MAX + 8];
	snprintf(orig, sizeof(orig), "%s/orig", d);
	if (mkdir(orig, 0700) != 0 || copy_tree(sn->cwd, orig) != 0) {
		snprintf(sn->why, sizeof(sn->why), "%s could not be copied", sn->cwd);
		rm_tree(d);
		return;
	}
	sn->dir = strdup(d);
}

/* Can the verify runs happen in the copy? Every file the run changed lies
 * in the working directory, or was a temporary file gone again. */
static int snapshot_covers(const struct snapshot *sn, const struct trace_run *run, char *why,
			   size_t size)
{
	if (!sn->dir) {
		snprintf(why, size, "%s", sn->why[0] ? sn->why : "the working directory was not copied");
		return 0;
	}
	if (run->changed_unknown) {
		snprintf(why, size, "the %s backend cannot say which files it changed",
			 run->backend ? run->backend : "?");
		return 0;
	}
	const char *tmpdir = getenv("TMPDIR");
	for (size_t i = 0; i < run->nchanged; i++) {
		const char *p = run->changed_paths[i];
		struct stat st;
		if (scopes_path_beneath(p, sn->cwd))
			continue;
		/* a temporary file, gone again: unless the run renamed or linked
		 * files, when it may live on under another name (sed -i's file
		 * renamed over the one it edits) */
		if ((scopes_path_beneath(p, "/tmp") || scopes_path_beneath(p, "/var/tmp") ||
		     (tmpdir && tmpdir[0] == '/' && scopes_path_beneath(p, tmpdir))) &&
		    lstat(p, &st) != 0 && !run->moved_files)
			continue;
		snprintf(why, size, "it changed %s, outside the working directory %s", p, sn->cwd);
		return 0;
	}
	return 1;
}

static struct snapshot snap;

/* scopes-run --denials-fd's lines (see tools/run/denials.h) into t. */
static void verify_denials(struct tr_verify *t, char *text)
{
	for (char *save = NULL, *line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[9] = { 0 };
		int nf = 0;
		for (char *p = line; nf < 9; nf++) {
			f[nf] = p;
			char *tab = strchr(p, '\t');
			if (!tab) {
				nf++;
				break;
			}
			*tab = '\0';
			p = tab + 1;
		}
		if (strcmp(f[0], "unseen") == 0 && nf >= 2) {
			free(t->denials_unseen);
			t->denials_unseen = strdup(f[1]);
		} else if (strcmp(f[0], "lost") == 0 && nf >= 2) {
			free(t->denials_lost);
			t->denials_lost = strdup(f[1]);
		} else if (strcmp(f[0], "denial") == 0 && nf == 9) {
			size_t cap = t->ndenials;
			if (array_reserve((void **)&t->denials, &cap, t->ndenials,
					  sizeof(*t->denials)) != 0)
				break;
			struct tr_denial d = {
				.pid = strtol(f[1], NULL, 10),
				.program = strdup(f[2]),
				.access = strdup(f[3]),
				.object = strdup(f[4]),
				.syscall = strdup(f[5]),
				.count = (unsigned)strtoul(f[6], NULL, 10),
				.verdict = strdup(f[7]),
				.allowed_by = strdup(f[8]),
			};
			if (!d.program || !d.access || !d.object || !d.syscall || !d.verdict ||
			    !d.allowed_by) {
				free(d.program);
				free(d.access);
				free(d.object);
				free(d.syscall);
				free(d.verdict);
				free(d.allowed_by);
				break;
			}
			t->denials[t->ndenials++] = d;
		}
	}
}

/* One run of the program under scopes-run -p SET, enforced. Fills t. */
static void verify_once(struct trace_run *run, const char *tool, char *const *argv,
			scopes_set_t promises, struct tr_verify *t)
{
	/* in a fresh copy of the working directory as it was, if the run
	 * changed files there */
	char work[PATH_MAX + 8] = "";
	if (run->verify_dir) {
		snprintf(work, sizeof(work), "%s/run%d", snap.dir, run->ntries);
		char orig[PATH_MAX + 8];
		snprintf(orig, sizeof(orig), "%s/orig", snap.dir);
		if (mkdir(work, 0700) != 0 || copy_tree(orig, work) != 0) {
			t->tail = strdup("could not copy the working directory for the run");
			return;
		}
	}
	char set[1024];
	trace_set_str(promises, set, sizeof(set));
	t->set = promises;
	/* pasteable: every argument whole and quoted for the shell */
	char *args = quote_argv(argv, 0);
	if (!args || asprintf(&t->cmd, "scopes-run -p \"%s\" -- %s", set, args) < 0)
		t->cmd = NULL;
	free(args);
	if (!tool) {
		t->tail = strdup("scopes-run not found (next to scopes-trace, or on PATH)");
		return;
	}
	int ep[2], dp[2];
	if (pipe2(ep, O_CLOEXEC) != 0)
		return;
	if (pipe2(dp, O_CLOEXEC) != 0) {
		close(ep[0]);
		close(ep[1]);
		return;
	}
	/* the traced run read its standard input: a file can be read again
	 * from the start, anything else cannot, so the second run gets none */
	struct stat st;
	int stdin_file = fstat(0, &st) == 0 && S_ISREG(st.st_mode) && lseek(0, 0, SEEK_SET) == 0;
	if (!stdin_file && run->stdin_read != 0)
		trace_note(run, 0, "verify: standard input was not a file, the second run read "
			   "/dev/null");
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		if (!stdin_file)
			dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(ep[1], 2);
		/* scopes-run's report of Landlock denials, on descriptor 3 */
		if (dp[1] == 3)
			fcntl(3, F_SETFD, 0);
		else
			dup2(dp[1], 3);
		size_t n = 0;
		while (argv[n])
			n++;
		char **av = calloc(n + 7, sizeof(*av));
		if (!av)
			_exit(125);
		size_t k = 0;
		av[k++] = (char *)tool;
		av[k++] = "-p";
		av[k++] = set;
		av[k++] = "--denials-fd=3";
		if (verify_audit)
			av[k++] = "--audit";
		av[k++] = "--";
		for (size_t i = 0; i < n; i++) {
			av[k + i] = argv[i];
			/* a file under the working directory: its copy */
			if (work[0] && i > 0 && argv[i][0] == '/' &&
			    scopes_path_beneath(argv[i], snap.cwd)) {
				size_t cl = strlen(snap.cwd);
				char *moved = malloc(strlen(work) + strlen(argv[i]) + 2);
				if (moved) {
					sprintf(moved, "%s%s", work, argv[i] + (cl > 1 ? cl : 0));
					av[k + i] = moved;
				}
			}
		}
		if (work[0] && chdir(work) != 0)
			_exit(125);
		/* as the first run found it: a shell whose $PWD is not its
		 * working directory asks getcwd, which the promises may not
		 * allow (dash under "stdio tmppath": SIGSYS) */
		if (work[0] && getenv("PWD"))
			setenv("PWD", work, 1);
		execv(tool, av);
		_exit(126);
	}
	close(ep[1]);
	close(dp[1]);
	char tail[2048];
	size_t len = 0;
	char *dtext = NULL;
	size_t dlen = 0;
	/* both until their end: scopes-run writes the denials after the
	 * program ended, while the program's tree may still hold stderr */
	struct pollfd pf[2] = { { ep[0], POLLIN, 0 }, { dp[0], POLLIN, 0 } };
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[1].revents) {
			char b[1024];
			ssize_t r = read(dp[0], b, sizeof(b));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				pf[1].fd = -1;
			} else {
				char *grown = realloc(dtext, dlen + (size_t)r + 1);
				if (grown) {
					dtext = grown;
					memcpy(dtext + dlen, b, (size_t)r);
					dlen += (size_t)r;
					dtext[dlen] = '\0';
				}
			}
		}
		if (!pf[0].revents)
			continue;
		char b[1024];
		ssize_t r = read(ep[0], b, sizeof(b));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			pf[0].fd = -1;
			continue;
		}
		/* keep the last bytes (b is smaller than tail) */
		if (len + (size_t)r > sizeof(tail) - 1) {
			size_t drop = len + (size_t)r - (sizeof(tail) - 1);
			memmove(tail, tail + drop, len - drop);
			len -= drop;
		}
		memcpy(tail + len, b, (size_t)r);
		len += (size_t)r;
	}
	close(dp[0]);
	verify_denials(t, dtext);
	free(dtext);
	close(ep[0]);
	tail[len] = '\0';
	while (len && tail[len - 1] == '\n')
		tail[--len] = '\0';
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		t->tail = strdup("could not start scopes-run");
		return;
	}
	t->ran = 1;
	t->status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	t->same = t->status == run->exit_status && t->ndenials == 0;
	t->tail = strdup(tail);
	if (work[0])
		rm_tree(work);
}

static struct tr_verify *verify_try(struct trace_run *run, const char *tool, char *const *argv,
				    scopes_set_t set, const char *purpose)
{
	if (run->ntries >= (int)(sizeof(run->tries) / sizeof(run->tries[0])))
		return NULL;
	struct tr_verify *t = &run->tries[run->ntries++];
	memset(t, 0, sizeof(*t));
	t->purpose = purpose;
	verify_once(run, tool, argv, set, t);
	/* the last attempt is the verdict */
	run->verified = t->ran ? 1 : -1;
	run->verify_status = t->status;
	run->verify_same = t->same;
	run->verify_tail = t->tail;
	run->verify_cmd = t->cmd;
	return t;
}

static int has_unpledgeable(const struct trace_run *run)
{
	for (size_t i = 0; i < run->nclasses; i++) {
		enum scopes_class c = run->classes[i].cls;
		if (c == SCOPES_CLASS_NEVER || c == SCOPES_CLASS_UNKNOWN)
			return 1;
	}
	return 0;
}

static void verify(struct trace_run *run, char *const *argv)
{
	char why[PATH_MAX * 2 + 512];
	if (run->changed && snapshot_covers(&snap, run, why, sizeof(why))) {
		run->verify_dir = snap.cwd;
		trace_note(run, 0, "verify: the program changed files (%s), so each verify run "
			   "ran in a private copy of the working directory %s as it was before "
			   "the first run", run->changed, snap.cwd);
	} else if (run->changed) {
		/* a second run would meet the files the first one changed
		 * (mkdir: EEXIST) or change them again (sed -i, tar x): its
		 * outcome would say nothing about the promises */
		char set[1024];
		char *args = quote_argv(argv, QUOTE_ABBREV_OVER);
		run->verified = -2;
		if (asprintf(&run->verify_refused, "the program changed files (%s) and %s: running "
			     "it again would find them changed or change them twice; run it on a "
			     "copy of its files as scopes-run -p \"%s\" -- %s", run->changed, why,
			     trace_set_str(run->promises, set, sizeof(set)), args ? args : "...") < 0)
			run->verify_refused = NULL;
		free(args);
		run->verify_tail = run->verify_refused;
		return;
	}
	char *tool = find_scopes_run();
	if (run->guesses && !run->no_safe) {
		/* the log backend's least set first: if the program ends the
		 * same way under it, the harmless arguments were the real ones */
		const struct tr_verify *t = run->least != run->promises
						    ? verify_try(run, tool, argv, run->least, "least")
						    : NULL;
		if (t && t->ran && t->same) {
			trace_take_least(run);
		} else {
			t = verify_try(run, tool, argv, run->promises, "safe_union");
			if (t && t->ran && t->same)
				run->answer_basis = TR_ANSWER_VERIFIED;
		}
	} else if (!run->no_safe) {
		verify_try(run, tool, argv, run->promises, "found");
	}
	/* calls no promise allows: with the error promise they fail with
	 * ENOSYS instead of killing the program; does it cope? */
	if (run->verified > 0 && !run->verify_same && has_unpledgeable(run)) {
		scopes_set_t err = 1ULL << scopes_promise_index("error", 5);
		const struct tr_verify *t = verify_try(run, tool, argv, run->promises | err,
						       "error_workaround");
		if (t && t->ran && t->same)
			run->workaround = run->promises | err;
	}
	free(tool);
}

/* ------------------------------------------------------------- --merge */

/* Strings read back from reports that classes point to (their reason,
 * rule, note): kept until the end. */
static char **pool;
static size_t npool, cpool;

static const char *keep(const char *s)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	if (!d || array_reserve(&pool, &cpool, npool, sizeof(*pool)) != 0) {
		free(d);
		return NULL;
	}
	return pool[npool++] = d;
}

static void pool_free(void)
{
	for (size_t i = 0; i < npool; i++)
		free(pool[i]);
	free(pool);
}

static void req_read(const struct jv *v, struct cover_req *r)
{
	memset(r, 0, sizeof(*r));
	if (!v)
		return;
	r->req_flags = (unsigned)jv_int(v, "flags", 0);
	const struct jv *alts = jv_get(v, "alt");
	for (size_t k = 0; alts && alts->type == JV_ARR && k < alts->n && r->n < COVER_MAX_ALTS; k++) {
		scopes_set_t set = 0;
		if (scopes_promises_parse(jv_str(&alts->items[k], "set", ""), &set) != 0)
			continue;
		r->alt[r->n] = set;
		r->flags[r->n++] = (unsigned)jv_int(&alts->items[k], "flags", 0);
	}
}

static enum tr_phase phase_read(const char *s)
{
	return strcmp(s, "startup") == 0 ? TR_STARTUP : strcmp(s, "loader") == 0 ? TR_LOADER
										  : TR_PROGRAM;
}

static const char *const incomplete_codes[] = {
	"interrupted", "killed_by_signal", "privileged_program", "own_seccomp_filter",
	"own_seccomp_listener", "no_calls", "not_executed", "calls_missing",
};

/* One report into run. Returns 0, or -1 with why. */
static int merge_one(struct trace_run *run, const char *file, const struct jv *r, char *why,
		     size_t size)
{
	const struct jv *classes = jv_get(r, "classes"), *images = jv_get(r, "images");
	if (jv_get(r, "error") && !classes) {
		const struct jv *e = jv_get(r, "error");
		snprintf(why, size, "%s: a run that failed (%s: %s)", file, jv_str(e, "kind", "?"),
			 jv_str(e, "message", "?"));
		return -1;
	}
	if (!classes || classes->type != JV_ARR || !images || images->type != JV_ARR) {
		snprintf(why, size, "%s: not a scopes-trace report with its classes (written by "
			 "scopes-trace %s or later with --json?)", file, SCOPES_VERSION_STRING);
		return -1;
	}
	int off = (int)run->nimages;
	for (size_t i = 0; i < images->n; i++) {
		const struct jv *im = &images->items[i];
		long long parent = jv_int(im, "parent", -1);
		int k = trace_image_add(run, jv_str(im, "path", "?"), jv_str(im, "exe", NULL),
					jv_str(im, "interpreter", NULL),
					parent >= 0 ? (int)parent + off : -1, (long)jv_int(im, "pid", 0));
		if (k >= 0)
			run->images[k].calls = (unsigned long)jv_int(im, "calls", 0);
	}
	for (size_t i = 0; i < classes->n; i++) {
		const struct jv *c = &classes->items[i];
		if (array_reserve(&run->classes, &run->cclasses, run->nclasses,
				  sizeof(*run->classes)) != 0)
			return -1;
		struct tr_class *x = &run->classes[run->nclasses++];
		memset(x, 0, sizeof(*x));
		x->arch = (uint32_t)jv_int(c, "arch", scopes_native_arch());
		x->nr = (long)jv_int(c, "nr", -1);
		x->name = scopes_syscall_name(x->arch, x->nr);
		if (!x->name)
			x->name = keep(jv_str(c, "syscall", "?"));
		long long img = jv_int(c, "image", -1);
		x->image = img >= 0 ? (int)img + off : -1;
		x->phase = phase_read(jv_str(c, "phase", "program"));
		x->cls = (enum scopes_class)jv_int(c, "class", SCOPES_CLASS_PROMISE);
		x->reason = keep(jv_str(c, "reason", NULL));
		x->note = keep(jv_str(c, "rule", NULL));
		x->count = (unsigned long)jv_int(c, "count", 1);
		x->guess = jv_bool(c, "guess", 0);
		x->argdep = jv_bool(c, "argdep", 0);
		x->pathdep = jv_bool(c, "pathdep", 0);
		const char *fails = jv_str(c, "fails_harmlessly", NULL);
		x->fails = fails != NULL;
		x->fail_note = fails && fails[0] ? keep(fails) : NULL;
		req_read(jv_get(c, "req"), &x->req);
		req_read(jv_get(c, "cand"), &x->cand);
		req_read(jv_get(c, "safe"), &x->safe_req);
		x->least_req = x->req;
		x->chosen = -1;
		const struct jv *ex = jv_get(c, "examples");
		for (size_t e = 0; ex && ex->type == JV_ARR && e < ex->n && x->nexamples < TR_EXAMPLES; e++)
			if (ex->items[e].type == JV_STR)
				x->examples[x->nexamples++] = strdup(ex->items[e].str);
	}
	/* what made each run incomplete stays said, with its file */
	const struct jv *inc = jv_get(r, "incomplete");
	for (size_t i = 0; inc && inc->type == JV_ARR && i < inc->n; i++) {
		const char *code = jv_str(&inc->items[i], "reason", "calls_missing"), *known = NULL;
		for (size_t k = 0; k < sizeof(incomplete_codes) / sizeof(*incomplete_codes); k++)
			if (strcmp(code, incomplete_codes[k]) == 0)
				known = incomplete_codes[k];
		trace_incomplete(run, known ? known : "calls_missing", "%s: %s", file,
				 jv_str(&inc->items[i], "message", "?"));
	}
	const struct jv *stats = jv_get(r, "stats");
	run->calls += (unsigned long)jv_int(stats, "calls", 0);
	run->processes += (unsigned long)jv_int(stats, "processes", 0);
	run->threads += (unsigned long)jv_int(stats, "threads", 0);
	run->started = 1;

	if (array_reserve(&run->sources, &run->csources, run->nsources,
			  sizeof(*run->sources)) != 0)
		return -1;
	struct tr_source *src = &run->sources[run->nsources++];
	const struct jv *cmd = jv_get(r, "command");
	char *const *argv = NULL;
	char **tmp = NULL;
	if (cmd && cmd->type == JV_ARR) {
		tmp = calloc(cmd->n + 1, sizeof(*tmp));
		for (size_t i = 0; tmp && i < cmd->n; i++)
			tmp[i] = cmd->items[i].type == JV_STR ? cmd->items[i].str : "?";
		argv = tmp;
	}
	src->file = strdup(file);
	src->command = quote_argv(argv, QUOTE_ABBREV_OVER);
	src->backend = strdup(jv_str(r, "backend", "?"));
	src->exit_status = (int)jv_int(r, "exit_status", 0);
	src->complete = jv_bool(r, "complete", 0);
	free(tmp);
	return 0;
}

static int merge(struct trace_run *run, char *const *files, char *why, size_t size)
{
	run->backend = NULL;
	for (int f = 0; files[f]; f++) {
		FILE *in = fopen(files[f], "re");
		if (!in) {
			snprintf(why, size, "%s: %s", files[f], strerror(errno));
			return -1;
		}
		char *text = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&text, &len);
		char buf[65536];
		size_t n;
		while (mem && (n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, mem);
		fclose(in);
		if (mem)
			fclose(mem);
		size_t at = 0;
		struct jv *r = text ? jv_parse(text, len, &at) : NULL;
		free(text);
		if (!r) {
			snprintf(why, size, "%s: not JSON (at byte %zu)", files[f], at);
			return -1;
		}
		int rc = merge_one(run, files[f], r, why, size);
		jv_free(r);
		if (rc != 0)
			return -1;
	}
	/* one backend, or both */
	for (size_t i = 0; i < run->nsources; i++) {
		const char *b = strcmp(run->sources[i].backend, "log") == 0 ? "log" : "notify";
		if (!run->backend)
			run->backend = b;
		else if (strcmp(run->backend, b) != 0)
			run->backend = "notify+log";
	}
	run->exec_images = 0;
	for (size_t i = 0; i < run->nimages; i++)
		run->exec_images |= run->images[i].parent >= 0;
	return 0;
}

/* What makes a run's answer untrustworthy whatever the backend saw. */
static void completeness(struct trace_run *run)
{
	int sig = spawn_interrupted();
	const char *sn = sig ? sigabbrev_np(sig) : NULL;
	if (run->exec_errno)
		trace_incomplete(run, "not_executed",
				 "the program could not be executed (%s): nothing was traced",
				 strerror(run->exec_errno));
	else if (sig)
		trace_incomplete(run, "interrupted",
				 "the run was cut short by SIG%s sent to scopes-trace: what the "
				 "program would have done afterwards was not seen", sn ? sn : "?");
	else if (run->exit_signal)
		trace_incomplete(run, "killed_by_signal",
				 "the program was killed by SIG%s: what it would have done "
				 "afterwards was not seen",
				 sigabbrev_np(run->exit_signal) ? sigabbrev_np(run->exit_signal)
								: "?");
	if (!run->exec_errno && run->calls == 0)
		trace_incomplete(run, "no_calls",
				 "no system call was observed (any program makes some): the %s "
				 "backend saw nothing, so there is nothing to suggest",
				 run->backend ? run->backend : "?");
	/* audit records carry no arguments: a seccomp() call may have been a
	 * filter of the program's own (not a logged libscopes pledge) */
	if (run->backend && strcmp(run->backend, "log") == 0 && run->npledges == 0) {
		long nr = scopes_syscall_number(scopes_native_arch(), "seccomp");
		for (size_t i = 0; i < run->nclasses; i++)
			if (run->classes[i].nr == nr && run->classes[i].phase == TR_PROGRAM) {
				trace_incomplete(run, "own_seccomp_filter",
						 "the program called seccomp() and audit records "
						 "carry no arguments: a filter of its own would hide "
						 "the calls it refuses; --backend=notify tells");
				break;
			}
	}
}

static int want_colour(int colour, FILE *out)
{
	return colour == 1 || (colour == 0 && isatty(fileno(out)) && !getenv("NO_COLOR") &&
			       !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0));
}

/* scopes-trace --merge A.json B.json ...: several runs, one answer (one
 * run shows one path through a program). */
static int merge_main(char *const *files, FILE *out, int json, int colour,
		      const struct failsink *fs)
{
	struct trace_run run;
	char why[1024];
	trace_run_init(&run, files);
	run.landlock = landlock_abi() > 0;
	if (merge(&run, files, why, sizeof(why)) != 0) {
		trace_run_free(&run);
		pool_free();
		if (out != stderr)
			fclose(out);
		struct failsink f = *fs;
		f.argv = files;
		return fail(&f, 125, "merge", 0, "%s", why);
	}
	trace_finish(&run);
	if (json) {
		if (report_json(&run, out) != 0)
			fprintf(stderr, "scopes-trace: could not write the JSON report\n");
	} else {
		report_human(&run, out, want_colour(colour, out));
	}
	if (out != stderr)
		fclose(out);
	trace_run_free(&run);
	pool_free();
	elf_cache_clear();
	return 0;
}

/* --------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "timeline", no_argument, NULL, OPT_TIMELINE },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "audit", no_argument, NULL, OPT_AUDIT },
		{ "log-source", required_argument, NULL, OPT_LOG_SOURCE },
		{ "no-handshake", no_argument, NULL, OPT_NO_HANDSHAKE },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "merge", no_argument, NULL, OPT_MERGE },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const backends[] = { "auto", "notify", "log" };
	static const char *const sources[] = { "auto", "daemon", "multicast", "kmsg" };
	static const char *const colours[] = { "auto", "always", "never" };
	int backend = 0, json = 0, timeline = 0, do_verify = 0, handshake = 1, colour = 0, c;
	int merging = 0;
	enum log_source source = LOG_SOURCE_AUTO;
	const char *output = NULL;
	char usage_err[512] = "";

	/* parse everything before complaining: --json or -o after a bad
	 * option still decide where the complaint goes */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:b:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			backend = parse_choice(optarg, backends, 3);
			if (backend < 0 && !usage_err[0])
				snprintf(usage_err, sizeof(usage_err),
					 "--backend: auto, notify or log, not '%s'", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_TIMELINE:
			timeline = 1;
			break;
		case OPT_VERIFY:
			do_verify = 1;
			break;
		case OPT_AUDIT:
			verify_audit = 1;
			break;
		case OPT_LOG_SOURCE: {
			int s = parse_choice(optarg, sources, 4);
			if (s < 0 && !usage_err[0])
				snprintf(usage_err, sizeof(usage_err),
					 "--log-source: auto, daemon, multicast or kmsg, not '%s'",
					 optarg);
			source = s < 0 ? LOG_SOURCE_AUTO : (enum log_source)s;
			break;
		}
		case OPT_NO_HANDSHAKE:
			handshake = 0;
			break;
		case OPT_MERGE:
			merging = 1;
			break;
		case OPT_COLOR:
			colour = parse_choice(optarg, colours, 3);
			if (colour < 0 && !usage_err[0])
				snprintf(usage_err, sizeof(usage_err),
					 "--color: auto, always or never, not '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("scopes-trace (seccomp-scopes) %s\n", SCOPES_VERSION_STRING);
			return 0;
		case ':':
			if (!usage_err[0])
				snprintf(usage_err, sizeof(usage_err), "%s: needs an argument",
					 argv[optind - 1]);
			break;
		default:
			if (!usage_err[0])
				snprintf(usage_err, sizeof(usage_err), "unknown option '%s'",
					 argv[optind - 1]);
			break;
		}
	}
	struct failsink fs = { .json = json, .output = output,
			       .argv = optind < argc ? argv + optind : NULL };
	if (merging && (do_verify || timeline) && !usage_err[0])
		snprintf(usage_err, sizeof(usage_err), "--merge reads reports: no --verify or "
			 "--timeline (they need the program)");
	if (verify_audit && !do_verify && !usage_err[0])
		snprintf(usage_err, sizeof(usage_err), "--audit: only with --verify");
	if (usage_err[0]) {
		fail(&fs, 125, "usage", 0, "%s", usage_err);
		if (!json)
			fprintf(stderr, "Try 'scopes-trace --help' for more information.\n");
		return 125;
	}
	if (optind >= argc) {
		fail(&fs, 125, "usage", 0, merging ? "--merge: no report given" : "no program given");
		if (!json)
			fprintf(stderr, "Try 'scopes-trace --help' for more information.\n");
		return 125;
	}
	char *const *prog_argv = argv + optind;
	if (scopes_table_init() != 0)
		return fail(&fs, 125, "setup", 0, "the promise table: %s", strerror(errno));
	FILE *out = stderr;
	if (output) {
		out = fopen(output, "we");
		if (!out) {
			int e = errno;
			fs.output = NULL; /* the complaint goes to standard error */
			return fail(&fs, 125, "output", 0, "%s: %s", output, strerror(e));
		}
	}
	if (merging)
		return merge_main(prog_argv, out, json, colour, &fs);
	char *path = resolve(prog_argv[0]);
	if (!path) {
		if (out != stderr)
			fclose(out);
		return fail(&fs, 127, "not_found", 0, "%s: command not found", prog_argv[0]);
	}

	struct tr_options opt = { .argv = prog_argv, .path = path, .trace_fd = -1, .trace_rd = -1,
				  .timeline = timeline, .log_source = source };
	if (handshake) {
		int hp[2];
		if (pipe2(hp, O_CLOEXEC) != 0)
			return fail(&fs, 125, "setup", 0, "pipe: %s", strerror(errno));
		fcntl(hp[0], F_SETFL, O_NONBLOCK);
		/* a high number: a program that closes its descriptors and opens
		 * files again must not get this one back for a file of its own
		 * (the library would write its handshake into it) */
		int high = fcntl(hp[1], F_DUPFD_CLOEXEC, 900);
		if (high >= 0) {
			close(hp[1]);
			hp[1] = high;
		}
		opt.trace_rd = hp[0];
		opt.trace_fd = hp[1];
	}
	char **env = make_env(opt.trace_fd);
	if (!env)
		return fail(&fs, 125, "setup", 0, "out of memory");
	opt.envp = env;

	struct trace_run run;
	trace_run_init(&run, prog_argv);
	run.timeline = timeline;
	run.landlock = landlock_abi() > 0;
	if (!run.landlock)
		trace_note(&run, 0, "no Landlock: path-scoped promises (dns, getpw, tmppath, ps, "
			   "vminfo, tty) grant nothing here and are never suggested");
	/* the program's children must not outlive our view of them silently */
	signal(SIGPIPE, SIG_IGN);

	if (do_verify)
		snapshot_take(&snap);
	/* auto: notify wherever it can run (exact answers); the log backend
	 * only where it cannot, and the report says why */
	int rc;
	if (backend == 0 && !notify_available()) {
		trace_note(&run, 0, "--backend=auto: seccomp user notification is not available "
			   "here (Linux 5.5+), so the log backend was used");
		backend = 2;
	}
	if (backend == 0) {
		rc = notify_run(&run, &opt);
		if (rc < 0 && !run.started && !run.exec_errno && run.calls == 0) {
			trace_note(&run, 0, "--backend=auto: the notify backend could not start (%s), "
				   "so the log backend was used",
				   tr_last_error() ? tr_last_error() : "?");
			rc = log_run(&run, &opt);
		}
	} else {
		rc = backend == 1 ? notify_run(&run, &opt) : log_run(&run, &opt);
	}
	if (rc < 0) {
		trace_run_free(&run);
		if (out != stderr)
			fclose(out);
		return fail(&fs, 125, "backend", tr_last_error() != NULL, "%s",
			    tr_last_error() ? tr_last_error() : "the backend could not be set up");
	}
	if (!run.started && !run.exec_errno)
		trace_note(&run, 1, "the program's start was not observed");
	completeness(&run);
	trace_finish(&run);
	if (do_verify && run.started)
		verify(&run, prog_argv);

	int colour_on = colour == 1 ||
			(colour == 0 && isatty(fileno(out)) && !getenv("NO_COLOR") &&
			 !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0));
	if (json) {
		if (report_json(&run, out) != 0)
			fprintf(stderr, "scopes-trace: could not write the JSON report\n");
	} else {
		report_human(&run, out, colour_on);
	}
	fflush(out);
	if (out != stderr)
		fclose(out);
	int status = run.exit_status;
	if (snap.dir) {
		rm_tree(snap.dir);
		free(snap.dir);
	}
	trace_run_free(&run);
	elf_cache_clear();
	srcline_done();
	free(path);
	return status;
}
