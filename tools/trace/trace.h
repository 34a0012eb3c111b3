/* SPDX-License-Identifier: MIT */
/*
 * scopes-trace's model: what the backends observed (images, pledge points,
 * calls aggregated into classes) and what the analysis concludes from it
 * (the minimal promise sets, evidence, timeline).
 *
 * A backend feeds calls with trace_call(); the classification of every call
 * comes only from scopes_query() and the table's rows (<scopes/table.h>).
 * trace_finish() then computes the covers; the report reads the struct.
 */
#ifndef SCOPES_TRACE_TRACE_H
#define SCOPES_TRACE_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include <scopes/table.h>

#include "cover.h"

/* When in the life of an image a call was made. */
enum tr_phase {
	TR_STARTUP, /* the first image's dynamic loader, before its code ran */
	TR_LOADER,  /* the loader of an image the program exec'd */
	TR_PROGRAM, /* everything else: main and what it calls */
};

/* A code location: module (interned path, NULL if unknown) + file offset. */
struct tr_loc {
	const char *module;
	uint64_t off;
};

/* One observed system call, as a backend hands it over. */
struct tr_call {
	uint32_t arch;
	long nr;
	const uint64_t *args;   /* NULL: not known (audit records) */
	uint64_t ip;
	long tid, pid;          /* pid: the thread group */
	int image;              /* index into run->images */
	enum tr_phase phase;
	int segment;            /* 0 before any pledge, else pledge index + 1 */
	const char *text;       /* the call decoded (sigsys-handler's decoder), or
				 * NULL: "name(…)", arguments unknown */
	const char *object;     /* absolute, resolved path the call acts on */
	scopes_set_t moot;      /* promises under which this call never happens:
				 * it uses a descriptor that a call the table
				 * answers with an error (FAIL row) would not
				 * have created under them */
	const char *moot_why;
	struct tr_loc where;    /* --timeline: the call's instruction */
	struct tr_loc caller;   /* --timeline: first return address in the program */
};

struct tr_image {
	char *path;   /* as given to execve */
	char *exe;    /* the binary that ran (/proc/PID/exe, audit exe=) */
	char *interp; /* its program interpreter, NULL if static */
	int parent;   /* the image that exec'd it, -1 for the first */
	long pid;
	unsigned long calls;
};

struct tr_pledge {
	char *promises;      /* as written; NULL for "(null)" */
	char *execpromises;
	scopes_set_t set;    /* promises parsed (valid if parsed) */
	int parsed;
	uint64_t caller;     /* return address in the program */
	struct tr_loc where; /* caller resolved */
	long pid;
	int image;
	int prev;            /* the segment the process was in before */
	int installed;       /* a filter load followed: the segment began */
	/* trace_finish: */
	scopes_set_t needed_beyond; /* what the run needed after it, not granted */
	scopes_set_t suggested;     /* what would have sufficed from here on */
};

#define TR_EXAMPLES 3

/* Calls with the same requirement, in the same image, phase and segment. */
struct tr_class {
	uint32_t arch;
	long nr;
	const char *name;
	int image;
	enum tr_phase phase;
	int segment;
	enum scopes_class cls;
	const char *reason;       /* unpledgeable, ENOSYS, always */
	const char *note;         /* the table's note on the chosen rule */
	struct cover_req req;     /* the alternatives the cover may use */
	struct cover_req cand;    /* every alternative (shown in evidence) */
	int argdep;               /* some alternative depends on arguments not seen */
	int pathdep;              /* a path-scoped promise might do, path not seen */
	int ambiguous;            /* trace_finish: argdep, and what is held allows
				   * it only for some arguments */
	int guess;                /* arguments unknown (audit) and some candidate
				   * depends on them: req is a guess */
	struct cover_req safe_req;/* guess: the safe union of the candidates (one
				   * alternative allowing every argument any
				   * primary candidate allows); n == 0: none */
	struct cover_req least_req; /* guess: the table's least alternative */
	int fails;                /* a FAIL row: answered with an error under req alts */
	const char *fail_note;
	unsigned long count;
	uint64_t first_seq, last_seq;
	char *examples[TR_EXAMPLES];
	int nexamples;
	char *last_example;
	struct tr_loc last_where, last_caller;
	/* trace_finish: */
	int chosen;               /* index into req.alt of the alternative used, -1 */
};

/* What the promises of a run rest on. */
enum {
	TR_ANSWER_EXACT,      /* every call seen with its arguments */
	TR_ANSWER_SAFE_UNION, /* guesses replaced by the safe union: unverified */
	TR_ANSWER_VERIFIED,   /* guesses resolved by --verify (least or union ran the same) */
	TR_ANSWER_NONE,       /* guesses with no safe union: no answer */
};

struct tr_step {                  /* --timeline */
	const struct tr_class *after; /* the class whose last call ends the step */
	scopes_set_t need;            /* needed from then to the end */
};

#define TR_MAX_NOTES 16

struct trace_run {
	/* settings */
	int timeline;
	int landlock;             /* path-scoped promises can be enforced */
	const char *backend;      /* "notify" or "log" */
	const char *source;       /* log: "netlink-daemon", "netlink-multicast", "kmsg" */
	char *const *argv;

	/* what was seen */
	struct tr_image *images;
	size_t nimages, cimages;
	struct tr_pledge *pledges;
	size_t npledges, cpledges;
	struct tr_class *classes;
	size_t nclasses, cclasses;
	size_t *hash;             /* class index + 1, open addressing */
	size_t hash_size;
	uint64_t seq;
	unsigned long calls;
	unsigned long processes, threads;

	/* completeness */
	int complete;
	char *notes[TR_MAX_NOTES]; /* why incomplete, or caveats */
	const char *note_code[TR_MAX_NOTES]; /* incomplete: why, as a word (NULL: caveat) */
	int nnotes;
	int incomplete_notes;      /* how many of notes say "incomplete" */

	/* results */
	scopes_set_t promises;     /* after main starts, whole process tree */
	scopes_set_t startup;      /* only the first image's start-up, beyond promises */
	scopes_set_t execpromises; /* what the exec'd images needed */
	/* paths named on the command line (absolute, resolved as far as they
	 * exist): a file there is the user's, not a temporary file */
	char **argpaths;
	size_t nargpaths;
	scopes_set_t general;      /* promises, tmppath replaced by what would
				    * allow the same calls anywhere (0: no tmppath) */
	/* --merge: the reports merged, one per run */
	struct tr_source {
		char *file, *command, *backend;
		int exit_status, complete;
	} *sources;
	size_t nsources, csources;
	/* the log backend's guesses (classes with guess set) */
	int guesses;               /* such classes decide part of the answer */
	scopes_set_t least, least_startup, least_exec; /* if every guess took its
				    * least alternative (harmless arguments) */
	const char *no_safe;       /* a guess class with no safe union: its name */
	int answer_basis;          /* TR_ANSWER_* */
	int exec_images;           /* some image other than the first ran */
	int exact;                 /* every cover proven minimal */
	struct tr_step *steps;
	size_t nsteps;

	/* the program's end */
	int started;               /* the program's image began running */
	int exit_status;           /* 128+signal if it died by one */
	int exit_signal;
	int exec_errno;            /* could not run the program */

	int stdin_read;            /* the program read its standard input (-1: unknown) */

	/* --verify: each attempt (the least set, the safe union, the set with
	 * the error promise); the last is the verdict */
	int verified;              /* 0 not asked, 1 ran, -1 could not run,
				    * -2 refused (verify_tail says why) */
	int verify_status;
	int verify_same;
	char *verify_tail;         /* last lines of its stderr */
	char *verify_cmd;
	struct tr_verify {
		scopes_set_t set;
		char *cmd, *tail;
		const char *purpose; /* "least", "safe_union", "found", "error_workaround" */
		int ran, status, same;
		/* Landlock's denials in the run (scopes-run --denials-fd): a
		 * denied call fails with EACCES and the program may end the
		 * same way, so any denial makes the run not the same */
		struct tr_denial {
			char *access, *object, *program, *syscall, *verdict, *allowed_by;
			long pid;
			unsigned count;
		} *denials;
		size_t ndenials;
		char *denials_unseen; /* why they could not be seen, or NULL */
		char *denials_lost;   /* why some may be missing, or NULL */
	} tries[4];
	int ntries;
	scopes_set_t workaround;   /* promises + error ran the same (unpledgeable calls) */
	char *verify_refused;      /* why --verify did not run (owned) */
	char **changed_paths;      /* the files such calls acted on (resolved) */
	size_t nchanged, cchanged;
	int changed_unknown;       /* some such call's file is not known (log) */
	int moved_files;           /* a rename or link: a file gone again may live on
				    * under another name (sed -i's temporary file) */
	const char *verify_dir;    /* --verify ran in this private copy of the
				    * working directory, or NULL */
	char *changed;             /* the first call that changed a file (every way
				    * to allow it writes, creates, removes or
				    * changes attributes): --verify refuses */
};

/* Room for element n in a growing array of elem-sized elements (capacity
 * doubled as needed). Returns 0, or -1 when memory ran out (array kept). */
int array_reserve(void *arrp, size_t *cap, size_t n, size_t elem);

void trace_run_init(struct trace_run *run, char *const *argv);
void trace_run_free(struct trace_run *run);

/* Record an image (exec'd program). Returns its index. */
int trace_image_add(struct trace_run *run, const char *path, const char *exe, const char *interp,
		    int parent, long pid);

/* Record a pledge point from the library's handshake line
 * "scopes-pledge\t<promises>\t<execpromises>\t<caller>". Returns its index,
 * or -1 if the line is not a handshake. */
int trace_pledge_add(struct trace_run *run, const char *line, size_t len, long pid, int image,
		     int prev_segment);

/* Feed one observed call. Returns how the table classifies it (the notify
 * backend answers ENOSYS itself to calls every pledge answers so). */
enum scopes_class trace_call(struct trace_run *run, const struct tr_call *call);

/* Note something the reader must know; incomplete: the answer may miss calls. */
void trace_note(struct trace_run *run, int incomplete, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The answer is not complete: code names the reason for scripts
 * ("interrupted", "killed_by_signal", "privileged_program",
 * "own_seccomp_filter", "own_seccomp_listener", "no_calls",
 * "not_executed", "calls_missing"), the message says it for people. */
void trace_incomplete(struct trace_run *run, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A set-user-ID, set-group-ID or file-capability program runs without that
 * privilege under no_new_privs (both backends need it): its run differs
 * from an untraced one. Checks the file, notes it (incomplete); returns 1 if
 * so. */
int trace_check_privileged(struct trace_run *run, const char *exe);

/* Would this call (its path not needed to classify it) land in a class
 * whose examples are complete? Then the tracer need not read its strings
 * from the program's memory (never with --timeline, which shows the last). */
int trace_examples_full(struct trace_run *run, const struct tr_call *c);

/* Could a path-scoped promise allow syscall nr (so the tracer should find
 * the path it acts on)? Cached per number. */
int trace_pathscoped_possible(uint32_t arch, long nr);

/* Compute the covers, evidence choices and timeline. */
void trace_finish(struct trace_run *run);

/* --verify confirmed the least set (the guesses' harmless arguments):
 * make it the answer, evidence credited accordingly. */
void trace_take_least(struct trace_run *run);

/* Each promise's weight for the cover's tie-break: the table rows granting
 * it, plus one (64 entries). */
const unsigned *trace_weights(void);

/* Format a set ("stdio rpath"); returns buf. */
char *trace_set_str(scopes_set_t set, char *buf, size_t size);

/* Resolve a location to "module+0x1a2 (func+0x10)" into buf; returns buf. */
char *trace_loc_str(const struct tr_loc *loc, char *buf, size_t size);

#endif
