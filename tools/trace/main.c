/* SPDX-License-Identifier: MIT */
/*
 * scopes-trace: run a program and find the smallest set of promises it
 * needs, with the evidence for each (see --help and tools/trace/README.md).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include "quote.h"
#include "report.h"
#include "srcline.h"

extern char **environ;

enum { OPT_JSON = 256, OPT_TIMELINE, OPT_VERIFY, OPT_LOG_SOURCE, OPT_NO_HANDSHAKE, OPT_COLOR,
       OPT_VERSION };

static void usage(FILE *out)
{
	fputs("usage: scopes-trace [OPTION]... -- PROGRAM [ARG]...\n"
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
	if (!printed)
		fprintf(stderr, "scopes-trace: %s\n", msg);
	if (!fs->json)
		return status;
	FILE *out = fs->output ? fopen(fs->output, "we") : NULL;
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

/* One run of the program under scopes-run -p SET, enforced. Fills t. */
static void verify_once(struct trace_run *run, const char *tool, char *const *argv,
			scopes_set_t promises, struct tr_verify *t)
{
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
	int ep[2];
	if (pipe2(ep, O_CLOEXEC) != 0)
		return;
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
		size_t n = 0;
		while (argv[n])
			n++;
		char **av = calloc(n + 5, sizeof(*av));
		if (!av)
			_exit(125);
		av[0] = (char *)tool;
		av[1] = "-p";
		av[2] = set;
		av[3] = "--";
		for (size_t i = 0; i < n; i++)
			av[4 + i] = argv[i];
		execv(tool, av);
		_exit(126);
	}
	close(ep[1]);
	char tail[2048];
	size_t len = 0;
	for (;;) {
		char b[1024];
		ssize_t r = read(ep[0], b, sizeof(b));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		/* keep the last bytes (b is smaller than tail) */
		if (len + (size_t)r > sizeof(tail) - 1) {
			size_t drop = len + (size_t)r - (sizeof(tail) - 1);
			memmove(tail, tail + drop, len - drop);
			len -= drop;
		}
		memcpy(tail + len, b, (size_t)r);
		len += (size_t)r;
	}
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
	t->same = t->status == run->exit_status;
	t->tail = strdup(tail);
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
	if (run->changed) {
		/* a second run would meet the files the first one changed
		 * (mkdir: EEXIST) or change them again (sed -i, tar x): its
		 * outcome would say nothing about the promises */
		char set[1024];
		char *args = quote_argv(argv, QUOTE_ABBREV_OVER);
		run->verified = -2;
		if (asprintf(&run->verify_refused, "the program changed files (%s): running it "
			     "again would find them changed or change them twice; run it on a "
			     "copy of its files as scopes-run -p \"%s\" -- %s", run->changed,
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

/* --------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "timeline", no_argument, NULL, OPT_TIMELINE },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "log-source", required_argument, NULL, OPT_LOG_SOURCE },
		{ "no-handshake", no_argument, NULL, OPT_NO_HANDSHAKE },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const backends[] = { "auto", "notify", "log" };
	static const char *const sources[] = { "auto", "daemon", "multicast", "kmsg" };
	static const char *const colours[] = { "auto", "always", "never" };
	int backend = 0, json = 0, timeline = 0, do_verify = 0, handshake = 1, colour = 0, c;
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
	if (usage_err[0]) {
		fail(&fs, 125, "usage", 0, "%s", usage_err);
		fprintf(stderr, "Try 'scopes-trace --help' for more information.\n");
		return 125;
	}
	if (optind >= argc) {
		fail(&fs, 125, "usage", 0, "no program given");
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
	trace_run_free(&run);
	elf_cache_clear();
	srcline_done();
	free(path);
	return status;
}
