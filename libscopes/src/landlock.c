/* SPDX-License-Identifier: MIT */
/*
 * Landlock layer: path-scoped promises and unveil (see landlock.h).
 *
 * What each promise means to Landlock is data in the promise table
 * (fs_everywhere, fs_beneath_paths, side_paths); unveil's "rwxc" are read
 * through the same data (r is rpath's rights, w wpath's, x exec's, c cpath's
 * with dpath's FIFOs and unix's sockets), as OpenBSD's unveil(2) defines them.
 *
 * Kernel limits this file works within, each documented in scopes_unveil(3):
 *  - A Landlock ruleset cannot be edited once a process is restricted by it,
 *    and layers only intersect. So unveils are collected in memory and take
 *    effect together, at unveil(NULL, NULL) or at the next pledge.
 *  - Rights along a path are a union: a nested unveil can add rights beneath
 *    an unveiled directory, never take them away.
 *  - landlock_restrict_self() binds the calling thread only: commit.c runs
 *    it in every thread (threads.c), so that no thread alive at the pledge
 *    stays outside the domain.
 *  - stat(2), access(2), readlink(2), chdir(2) are not restricted by Landlock.
 *
 * Every first pledge makes a domain, even with nothing path-scoped to hold
 * (Revision 2): inside a Landlock domain the kernel's ptrace-access check
 * refuses /proc/<pid>/mem, /environ and /fd of every process outside it, so
 * rpath and wpath never reach another process. That containment layer
 * handles only device-node creation (no promise grants it) and, where the
 * kernel scopes them (ABI 6), connections to abstract AF_UNIX sockets of
 * processes outside the domain unless `unix` is held.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/single_threaded.h>
#include <unistd.h>

#include "commit.h"
#include "diag.h"
#include "exec.h" /* the shim's path, read by the loader */
#include "landlock.h"
#include "scopes/pledge.h"
#include "system.h"

#define UNVEIL_MAX 256
#define LL_PROGRAMS_MAX 32
#define LL_ABI_NET 4    /* TCP bind/connect rules */
#define LL_ABI_SCOPE 6  /* scoping of abstract AF_UNIX sockets and signals */
#define LL_ABI_AUDIT 7  /* denials logged through audit, restrict_self's log flags */
/* landlock_restrict_self() flags (ABI 7): log the denials of images exec'd
 * after the restriction too (by default only the restricting image's) */
#define LL_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
/* <linux/landlock.h> of later kernels than Debian 12's headers */
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0)
/* What the containment layer handles: no promise grants device nodes. */
#define LL_CONTAIN_FS (SCOPES_FS_MAKE_CHAR | SCOPES_FS_MAKE_BLOCK)
#define DNS_PORT 53
#ifdef SCOPES_SHIM_SUBDIR
#define SCOPES_SHIM_SUBDIR_NAME SCOPES_SHIM_SUBDIR
#else
#define SCOPES_SHIM_SUBDIR_NAME "scopes"
#endif

/* Rights a rule on a non-directory may carry (the others are about a
 * directory's entries, and Landlock refuses them on files). */
#define FS_FILE_RIGHTS                                                                 \
	(SCOPES_FS_EXECUTE | SCOPES_FS_WRITE_FILE | SCOPES_FS_READ_FILE |               \
	 SCOPES_FS_TRUNCATE | SCOPES_FS_IOCTL_DEV)

enum { UV_R = 1, UV_W = 2, UV_X = 4, UV_C = 8 };

struct unveil_entry {
	int fd; /* O_PATH, resolved at the call as OpenBSD does */
	dev_t dev;
	ino_t ino;
	int is_dir;
	unsigned perms;
};

/*
 * Everything this module keeps, the lock and the small fields every pledge
 * reads or writes first and within one 128-byte block: in a forked
 * worker's first pledge each page written costs a copy-on-write fault
 * (about 25 us in the VM of bench/README.md), and the lock, the ABI cache
 * and the committed layer's key used to be three pages.
 */
static struct {
	pthread_mutex_t lock;
	int abi;          /* the kernel's Landlock ABI, 0 none, -1 not probed */
	int abi_errno;    /* why none */
	scopes_set_t held;
	int locked;       /* unveil(NULL, NULL) was called */
	unsigned gen;     /* bumped by every change to the unveil list */
	unsigned applied; /* gen of the last unveil layer committed (0: none) */
	int n;
	int have_last;    /* last_key describes the last pledge layer committed */
	int domain;       /* a layer of ours binds the process */
	uint64_t last_key;
	uint64_t scoped;  /* the scopes some committed layer handles */
	int guarded;      /* the unveil guard filter is installed */
	int nprograms;    /* landlock_allow_program */
	int hinted;
	int env_checked;  /* log_exec_from_env ran */
	struct unveil_entry u[UNVEIL_MAX];
	char *programs[LL_PROGRAMS_MAX];
} ll __attribute__((aligned(128))) = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.abi = -1,
	.held = SCOPES_SET_ALL,
};
_Static_assert(offsetof(__typeof__(ll), u) <= 128, "the small fields of ll fit one block");

/*
 * landlock_restrict_self() flags for every layer this process makes from now
 * on (landlock_log_new_exec). Written before any pledge, read by
 * landlock_restrict_thread in every thread (async-signal-safe): a plain
 * variable, set once by the single-threaded scopes-run child.
 */
static unsigned ll_restrict_flags;

/* ------------------------------------------------------------ the ABI */

int landlock_abi(void)
{
	int abi = __atomic_load_n(&ll.abi, __ATOMIC_ACQUIRE);
	if (abi < 0) {
		int rc = sys_landlock_abi();
		abi = rc > 0 ? rc : 0;
		__atomic_store_n(&ll.abi_errno, rc > 0 ? 0 : -rc, __ATOMIC_RELAXED);
		__atomic_store_n(&ll.abi, abi, __ATOMIC_RELEASE);
	}
	return abi;
}

int landlock_available(void)
{
	return landlock_abi() > 0;
}

SCOPES_EXPORT int scopes_pathscoped_enforced(const char **why)
{
	const char *reason = NULL;

	if (!landlock_available()) {
		switch (__atomic_load_n(&ll.abi_errno, __ATOMIC_RELAXED)) {
		case EOPNOTSUPP:
			reason = "Landlock is disabled on this kernel (boot it with landlock in lsm=)";
			break;
		case ENOSYS:
			reason = "this kernel has no Landlock (CONFIG_SECURITY_LANDLOCK)";
			break;
		default:
			reason = "Landlock is not usable here (its probe failed)";
			break;
		}
	}
	if (why)
		*why = reason;
	return reason == NULL;
}

/* Every right the running kernel can handle. */
static uint64_t abi_rights(int abi)
{
	uint64_t r = 0;

	if (abi >= 1)
		r = (SCOPES_FS_MAKE_SYM << 1) - 1;
	if (abi >= 2)
		r |= SCOPES_FS_REFER;
	if (abi >= 3)
		r |= SCOPES_FS_TRUNCATE;
	if (abi >= 5)
		r |= SCOPES_FS_IOCTL_DEV;
	return r;
}

static const char *right_name(uint64_t right)
{
	switch (right) {
	case SCOPES_FS_REFER:
		return "renames and links across directories (ABI 2: they fail with EXDEV instead)";
	case SCOPES_FS_TRUNCATE:
		return "truncation (ABI 3)";
	case SCOPES_FS_IOCTL_DEV:
		return "device ioctls (ABI 5; the filter still checks the commands)";
	default:
		return "some rights";
	}
}

/*
 * The one-line hints of a degraded kernel, once per process, and not at all
 * where the image that exec'd this one said the same (diag.h: SCOPES_HINTED).
 * hint_said_missing is what this process's hint covered (the rights the
 * kernel lacks, none for "no Landlock"), for landlock_hint_pass_on.
 */
static uint64_t hint_said_missing;

static void hint_missing(uint64_t wanted)
{
	int abi = landlock_abi();

	if (ll.hinted)
		return;
	if (abi == 0) {
		const char *why;
		scopes_pathscoped_enforced(&why);
		ll.hinted = 1;
		if (!diag_hint_repeated(0, 0))
			diag_say("path-scoped promises grant nothing here: ", why,
				 ". Hint: use Linux 5.13+ with Landlock enabled");
		return;
	}
	uint64_t missing = wanted & ~abi_rights(abi);
	if (!missing)
		return;
	ll.hinted = 1;
	hint_said_missing = missing;
	if (diag_hint_repeated(abi, missing))
		return;
	char abis[16];
	snprintf(abis, sizeof(abis), "%d", abi);
	diag_say("Landlock ABI ", abis, " cannot restrict:");
	for (uint64_t b = 1; b && b <= missing; b <<= 1)
		if (missing & b)
			diag_say("  ", right_name(b), NULL);
}

int landlock_hint_pass_on(void)
{
	if (!ll.hinted)
		return 0;
	return diag_hint_pass_on(landlock_abi(), hint_said_missing);
}

int landlock_needed(scopes_set_t set)
{
	/* the loader's reads are scoped to the library directories */
	if ((set & SCOPES_LOADER_ONLY) && !(set & SCOPES_P(RPATH)))
		return 1;
	for (int i = 0; i < SCOPES_P_COUNT; i++)
		if ((set & (1ULL << i)) && (scopes_promise_flags(i) & SCOPES_PROMISE_PATHSCOPED))
			return 1;
	return 0;
}

void landlock_note_held(scopes_set_t set)
{
	pthread_mutex_lock(&ll.lock);
	ll.held = set;
	pthread_mutex_unlock(&ll.lock);
}

/* --------------------------------------------------------- rulesets */

static uint64_t rights_everywhere(scopes_set_t set)
{
	uint64_t r = 0;
	for (int i = 0; i < SCOPES_P_COUNT; i++)
		if (set & (1ULL << i))
			r |= scopes_promise_table[i].fs_everywhere;
	return r;
}

/* Grant rights beneath fd (a directory) or on it (a file). */
static int add_fd_rule(int ruleset, int fd, int is_dir, uint64_t rights)
{
	if (!is_dir)
		rights &= FS_FILE_RIGHTS;
	if (!rights)
		return 0;
	return sys_landlock_add_path_rule(ruleset, fd, rights);
}

/* The same for a path; a path that does not exist here grants nothing. */
static int add_path_rule(int ruleset, const char *path, uint64_t rights)
{
	struct sys_file_id id;

	if (!rights)
		return 0;
	int fd = sys_open_path(path, &id);
	if (fd == -ENOENT || fd == -ENOTDIR || fd == -EACCES || fd == -ELOOP)
		return 0;
	if (fd < 0)
		return fd;
	int rc = add_fd_rule(ruleset, fd, id.is_dir, rights);
	sys_close(fd);
	return rc;
}

static int add_paths(int ruleset, const char *const *paths, uint64_t rights)
{
	for (; paths && *paths; paths++) {
		int rc = add_path_rule(ruleset, *paths, rights);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* This program's ELF interpreter (PT_INTERP), read from memory; NULL for a
 * static program. The kernel opens a new image's interpreter to execute it,
 * so it needs execute as well as read where Landlock handles execute. */
static const char *own_interpreter(void)
{
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);
	uintptr_t bias = 0;

	if (!ph)
		return NULL;
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			bias = (uintptr_t)ph - ph[i].p_vaddr;
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_INTERP)
			return (const char *)(bias + ph[i].p_vaddr);
	return NULL;
}

/* exec's side grant: the loader's libraries, the directory of the shim that
 * narrows a new image to its execpromises, the interpreter itself, and with
 * programs, the programs' directories (not for unveil, whose "x" names the
 * programs). */
static int add_loader_rules(int ruleset, uint64_t handled, int programs)
{
	const struct scopes_promise_info *ex = &scopes_promise_table[SCOPES_P_EXEC];
	uint64_t rights = ex->fs_side & handled;

	/* with reads everywhere (rpath) only the interpreter's execute right
	 * may still be needed (scopes-run's loader-only pledge handles it) */
	int rc = add_paths(ruleset, ex->side_paths, rights);
	if (rc == 0 && programs)
		rc = add_paths(ruleset, ex->side_programs, rights);
	const char *shim = exec_shim_path();
	const char *interp = own_interpreter();

	if (rc == 0 && interp)
		rc = add_path_rule(ruleset, interp, (rights | SCOPES_FS_EXECUTE) & handled);

	if (rc == 0 && shim) {
		char dir[4096];
		const char *slash = strrchr(shim, '/');
		size_t len = slash ? (size_t)(slash - shim) : 0;
		if (len > 0 && len < sizeof(dir)) {
			memcpy(dir, shim, len);
			dir[len] = '\0';
			/* the shim sits in <libdir>/scopes/ and needs libscopes.so
			 * from <libdir> (its RUNPATH in a build tree): both */
			char *up = strrchr(dir, '/');
			if (up && up > dir && strcmp(up + 1, SCOPES_SHIM_SUBDIR_NAME) == 0)
				*up = '\0';
			rc = add_path_rule(ruleset, dir, rights);
		}
	}
	return rc;
}

/* The scopes a layer for set handles under pen: abstract AF_UNIX sockets of
 * other domains, unless `unix` (OpenBSD's unix connects to any socket). */
static uint64_t layer_scopes(scopes_set_t set, enum scopes_penalty pen)
{
	if (pen == SCOPES_PENALTY_LOG || landlock_abi() < LL_ABI_SCOPE || (set & SCOPES_P(UNIX)))
		return 0;
	return LL_SCOPE_ABSTRACT_UNIX;
}

/* The network rights a layer for set handles: dns without inet connects to
 * port 53 only (TCP; UDP has no Landlock right: documented), and binds none. */
static uint64_t layer_net(scopes_set_t set, enum scopes_penalty pen)
{
	if (pen == SCOPES_PENALTY_LOG || landlock_abi() < LL_ABI_NET || !(set & SCOPES_P(DNS)) ||
	    (set & SCOPES_P(INET)))
		return 0;
	return LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
}

/* What a pledge layer is built from: the handled rights, the held promises
 * that add rules, and the program of landlock_allow_program. Two pledges
 * with the same key would commit the same layer: the second is skipped. */
static uint64_t layer_key(scopes_set_t set, uint64_t handled, uint64_t net, uint64_t scoped)
{
	scopes_set_t rules = 0;
	for (int i = 0; i < SCOPES_P_COUNT; i++)
		if ((set & (1ULL << i)) && (scopes_promise_table[i].fs_beneath_paths ||
					    scopes_promise_table[i].fs_side))
			rules |= 1ULL << i;
	return handled ^ (rules << 16) ^ (net << 60) ^ (scoped << 62);
}

static int build_pledge_layer(scopes_set_t set, uint64_t handled, uint64_t net, uint64_t scoped,
			      int *out)
{
	int rs = sys_landlock_create_ruleset(handled, net, scoped);
	int rc = 0;

	if (rs < 0)
		return rs;
	for (int i = 0; i < SCOPES_P_COUNT && rc == 0; i++) {
		const struct scopes_promise_info *p = &scopes_promise_table[i];
		if (!(set & (1ULL << i)))
			continue;
		if (p->flags & SCOPES_PROMISE_PATHSCOPED)
			rc = add_paths(rs, p->paths, p->fs_beneath_paths & handled);
		if (rc == 0 && i == SCOPES_P_EXEC)
			rc = add_loader_rules(rs, handled, 1);
	}
	if (rc == 0 && (set & SCOPES_LOADER_ONLY) && !(set & SCOPES_P(EXEC)))
		rc = add_loader_rules(rs, handled, 1);
	if (rc == 0 && (net & LL_NET_CONNECT_TCP))
		rc = sys_landlock_add_port_rule(rs, DNS_PORT, LL_NET_CONNECT_TCP);
	for (int i = 0; rc == 0 && i < ll.nprograms; i++)
		rc = add_path_rule(rs, ll.programs[i],
				   (SCOPES_FS_READ_FILE | SCOPES_FS_EXECUTE) & handled);
	if (rc < 0) {
		sys_close(rs);
		return rc;
	}
	*out = rs;
	return 0;
}

/* unveil's permissions, in the promises' own rights (OpenBSD's unveil(2):
 * r as rpath, w as wpath, x as exec, c as cpath). Landlock also checks read
 * access when it executes a file, so x carries read. */
static uint64_t unveil_rights(unsigned perms)
{
	const struct scopes_promise_info *t = scopes_promise_table;
	uint64_t r = 0;

	if (perms & UV_R)
		r |= t[SCOPES_P_RPATH].fs_everywhere;
	if (perms & UV_W)
		r |= t[SCOPES_P_WPATH].fs_everywhere;
	if (perms & UV_X)
		r |= t[SCOPES_P_EXEC].fs_everywhere | SCOPES_FS_READ_FILE;
	if (perms & UV_C)
		r |= t[SCOPES_P_CPATH].fs_everywhere | t[SCOPES_P_DPATH].fs_everywhere |
		     t[SCOPES_P_UNIX].fs_everywhere;
	return r;
}

/* Caller holds ll.lock. */
static int build_unveil_layer(int *out)
{
	/* Opening is what unveil restricts; which ioctls an open device takes
	 * is the filter's business, as on OpenBSD. Abstract AF_UNIX sockets
	 * have no path to unveil: connecting to one outside the domain is
	 * refused where the kernel scopes them (Revision 2). */
	uint64_t handled = abi_rights(landlock_abi()) & ~SCOPES_FS_IOCTL_DEV;
	uint64_t scoped = landlock_abi() >= LL_ABI_SCOPE ? LL_SCOPE_ABSTRACT_UNIX : 0;
	int rs = sys_landlock_create_ruleset(handled, 0, scoped);
	int rc = 0, any_x = 0;

	if (rs < 0)
		return rs;
	for (int i = 0; i < ll.n && rc == 0; i++) {
		rc = add_fd_rule(rs, ll.u[i].fd, ll.u[i].is_dir, unveil_rights(ll.u[i].perms) & handled);
		any_x |= (ll.u[i].perms & UV_X) != 0;
	}
	/* A program unveiled "x" must be able to start: Landlock stays across
	 * execve, and the new image's loader reads its libraries. */
	if (rc == 0 && any_x)
		rc = add_loader_rules(rs, handled, 0);
	if (rc < 0) {
		sys_close(rs);
		return rc;
	}
	*out = rs;
	return 0;
}

void landlock_discard(struct landlock_plan *plan)
{
	if (plan->unveil_fd >= 0)
		sys_close(plan->unveil_fd);
	if (plan->ruleset_fd >= 0)
		sys_close(plan->ruleset_fd);
	plan->unveil_fd = plan->ruleset_fd = -1;
}

/* Build the unveil layer if unveils are pending. Caller holds ll.lock. */
static int prepare_unveils(struct landlock_plan *plan)
{
	plan->gen = ll.gen;
	if (ll.gen == ll.applied || ll.n == 0)
		return 0;
	int rc = build_unveil_layer(&plan->unveil_fd);
	if (rc == 0)
		plan->guard = !ll.guarded;
	return rc;
}

static void plan_init(struct landlock_plan *plan)
{
	plan->unveil_fd = plan->ruleset_fd = -1;
	plan->key = 0;
	plan->scoped = 0;
	plan->guard = 0;
	plan->pledge_layer = 0;
}

/*
 * In a tree scopes-run started (its child sets SCOPES_LANDLOCK_LOG_EXEC=1 in
 * the environment the program inherits), the program's own layers (the
 * shim's pledge of execpromises, a pledge of its own) log what they refuse
 * to images exec'd after them as well: else a program the program runs is
 * refused (its loader, say) by its parent's layer before it pledges itself,
 * and the kernel only counts the denial. It only adds log records, and is
 * ignored in a set-user-ID or file-capability program.
 */
static int env_is_one(const char *name)
{
	/* a loop of our own, not getenv and strcmp: in a forked worker's
	 * first pledge each libc routine touched first is a page fault */
	for (char **e = environ; e && *e; e++) {
		const char *p = *e, *n = name;
		while (*n && *p == *n) {
			p++;
			n++;
		}
		if (!*n && p[0] == '=' && p[1] == '1' && p[2] == '\0')
			return 1;
	}
	return 0;
}

static void log_exec_from_env(void)
{
	if (ll.env_checked)
		return;
	ll.env_checked = 1;
	if (env_is_one("SCOPES_LANDLOCK_LOG_EXEC") && !sys_secure_exec())
		landlock_log_new_exec();
}

int landlock_prepare(scopes_set_t set, int compiled, enum scopes_penalty pen,
		     struct landlock_plan *plan)
{
	int rc;

	plan_init(plan);
	pthread_mutex_lock(&ll.lock);
	log_exec_from_env();
	uint64_t wanted = ~rights_everywhere(set) & ((SCOPES_FS_IOCTL_DEV << 1) - 1);
	if (landlock_needed(set))
		hint_missing(wanted);
	rc = prepare_unveils(plan);
	if (rc == 0 && landlock_available()) {
		uint64_t scoped = layer_scopes(set, pen);
		uint64_t net = compiled ? layer_net(set, pen) : 0;
		/* log mode refuses as little as a domain can: block devices */
		uint64_t contain = pen == SCOPES_PENALTY_LOG ? SCOPES_FS_MAKE_BLOCK : LL_CONTAIN_FS;
		uint64_t handled = compiled ? wanted & abi_rights(landlock_abi()) : contain;
		uint64_t key = layer_key(set, handled, net, scoped);
		/* a path-scoped layer when the filter's grants need one; else
		 * the containment layer, for the first pledge or a scope the
		 * domain does not have yet */
		int build = compiled ? !(ll.have_last && ll.last_key == key && !ll.nprograms)
				     : (!ll.domain || (scoped & ~ll.scoped));
		if (build) {
			plan->key = key;
			plan->scoped = scoped;
			plan->pledge_layer = compiled;
			rc = build_pledge_layer(set, handled, net, scoped, &plan->ruleset_fd);
		}
	}
	pthread_mutex_unlock(&ll.lock);
	if (rc < 0)
		landlock_discard(plan);
	return rc;
}

int landlock_prepare_unveils(struct landlock_plan *plan)
{
	plan_init(plan);
	pthread_mutex_lock(&ll.lock);
	int rc = prepare_unveils(plan);
	pthread_mutex_unlock(&ll.lock);
	if (rc < 0)
		landlock_discard(plan);
	return rc;
}

int landlock_guard_installed(void)
{
	return __atomic_load_n(&ll.guarded, __ATOMIC_ACQUIRE);
}

int landlock_plan_empty(const struct landlock_plan *plan)
{
	return plan->unveil_fd < 0 && plan->ruleset_fd < 0;
}

/* Caller holds ll.lock. After the lock no layer can use the list again. */
static void close_unveils_if_locked(void)
{
	if (!ll.locked)
		return;
	for (int i = 0; i < ll.n; i++)
		sys_close(ll.u[i].fd);
	ll.n = 0;
}

int landlock_restrict_thread(const struct landlock_plan *plan)
{
	int rc = 0;

	if (plan->unveil_fd >= 0)
		rc = sys_landlock_restrict_self(plan->unveil_fd, ll_restrict_flags);
	if (rc == 0 && plan->ruleset_fd >= 0)
		rc = sys_landlock_restrict_self(plan->ruleset_fd, ll_restrict_flags);
	return rc;
}

/*
 * Plain scopes_pledge() callers get no flag: the kernel's default already
 * logs (where audit is enabled) the denials of the image that pledged, which
 * is the program whose pledge it is; what it execs later is another program,
 * which pledges for itself (the shim does, for execpromises) and is logged
 * through that layer. scopes-run is the exception: the pledge is made by its
 * child for the program it is about to exec, the one being diagnosed.
 * Only where the kernel knows the flag (ABI 7): older kernels refuse unknown
 * flags with EINVAL, and a pledge must never fail or weaken for a log flag.
 */
int landlock_log_new_exec(void)
{
	if (landlock_abi() < LL_ABI_AUDIT)
		return 0;
	ll_restrict_flags |= LL_RESTRICT_SELF_LOG_NEW_EXEC_ON;
	return 1;
}

void landlock_committed(struct landlock_plan *plan, int guard_loaded)
{
	pthread_mutex_lock(&ll.lock);
	if (plan->unveil_fd >= 0) {
		/* unveils added since the layer was built stay pending */
		ll.applied = plan->gen;
		ll.domain = 1;
	}
	if (guard_loaded)
		ll.guarded = 1;
	if (plan->ruleset_fd >= 0) {
		ll.domain = 1;
		ll.scoped |= plan->scoped;
		if (plan->pledge_layer) {
			ll.have_last = 1;
			ll.last_key = plan->key;
		}
		while (ll.nprograms > 0)
			free(ll.programs[--ll.nprograms]);
	}
	close_unveils_if_locked();
	pthread_mutex_unlock(&ll.lock);
	landlock_discard(plan);
}

/* Pending unveils without a filter to install: the layer in every thread,
 * and the guard filter with it. */
static int commit_unveils_now(void)
{
	struct landlock_plan plan;
	int rc = landlock_prepare_unveils(&plan);

	if (rc < 0 || landlock_plan_empty(&plan))
		return rc;
	return commit_landlock_only(&plan);
}

int landlock_flush_unveils(void)
{
	return commit_unveils_now();
}

int landlock_allow_program(const char *path)
{
	int rc = 0;

	if (strlen(path) >= 4096)
		return -ENAMETOOLONG;
	pthread_mutex_lock(&ll.lock);
	if (ll.nprograms == LL_PROGRAMS_MAX)
		rc = -E2BIG;
	else if (!(ll.programs[ll.nprograms] = strdup(path)))
		rc = -ENOMEM;
	else
		ll.nprograms++;
	pthread_mutex_unlock(&ll.lock);
	return rc;
}

/* ------------------------------------------------------------- unveil */

static int parse_perms(const char *s, unsigned *perms)
{
	unsigned p = 0;
	for (; *s; s++) {
		switch (*s) {
		case 'r':
			p |= UV_R;
			break;
		case 'w':
			p |= UV_W;
			break;
		case 'x':
			p |= UV_X;
			break;
		case 'c':
			p |= UV_C;
			break;
		default:
			return -EINVAL;
		}
	}
	*perms = p;
	return 0;
}

/* Caller holds ll.lock. */
static int unveil_add(const char *path, unsigned perms)
{
	struct sys_file_id id;
	int fd = sys_open_path(path, &id);

	if (fd < 0)
		return fd;
	/* The same file again replaces its permissions, as on OpenBSD. */
	for (int i = 0; i < ll.n; i++) {
		if (ll.u[i].dev == id.dev && ll.u[i].ino == id.ino) {
			sys_close(fd);
			ll.u[i].perms = perms;
			ll.gen++;
			return 0;
		}
	}
	if (ll.n == UNVEIL_MAX) {
		sys_close(fd);
		return -E2BIG;
	}
	ll.u[ll.n++] = (struct unveil_entry){ .fd = fd, .dev = id.dev, .ino = id.ino,
					      .is_dir = id.is_dir, .perms = perms };
	ll.gen++;
	return 0;
}

static int unveil_locked_or_unheld(void)
{
	return ll.locked || !(ll.held & SCOPES_P(UNVEIL));
}

SCOPES_EXPORT int scopes_unveil(const char *path, const char *permissions)
{
	unsigned perms = 0;
	int rc;

	if ((path == NULL) != (permissions == NULL))
		rc = -EINVAL;
	else if (permissions && parse_perms(permissions, &perms) != 0)
		rc = -EINVAL;
	else if (!landlock_available())
		rc = -ENOSYS;
	else {
		pthread_mutex_lock(&ll.lock);
		if (unveil_locked_or_unheld())
			rc = -EPERM;
		else if (path)
			rc = unveil_add(path, perms);
		else
			rc = 0;
		pthread_mutex_unlock(&ll.lock);
		if (rc == 0 && !path) {
			rc = commit_unveils_now();
			if (rc == 0) {
				pthread_mutex_lock(&ll.lock);
				ll.locked = 1;
				close_unveils_if_locked();
				pthread_mutex_unlock(&ll.lock);
			}
		}
	}
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}

SCOPES_EXPORT int unveil(const char *path, const char *permissions)
{
	return scopes_unveil(path, permissions);
}
