/* SPDX-License-Identifier: MIT */
/*
 * scopes-attack: one attempt to get out of a pledge, and a witness that says
 * whether it worked.
 *
 *   scopes-attack [-p PROMISES] [-e EXECPROMISES] [-P kill|trap|errno|log]
 *                 [-n] [-H catch|retry] [-V] [-C PATH] [-W PATH] [-R PATH]
 *                 [-U PATH=PERMS]... ATTACK [ARG...]
 *   scopes-attack --list | --all-promises
 *
 * Two processes. The driver never pledges: it prepares the witnesses (-V a
 * victim process, -C a file the attacker must not change, -W a path that must
 * not appear, -R a socket that must receive nothing), forks the attacker,
 * waits for it and then reports what the attacker reached and what actually
 * happened. The attacker evaluates its arguments, runs the attack's
 * preparation, pledges, and makes the attempt. It reports through a shared
 * mapping, so reporting needs no system call and works under pledge("").
 *
 * -U: scopes_unveil(PATH, PERMS) in the attacker after its preparation, then
 * scopes_unveil(NULL, NULL), all before the pledge.
 * -n: no pledge (the control run). -H catch: a SIGSYS handler that survives
 * the TRAP penalty (it makes the call return -EPERM); -H retry: the handler
 * also re-issues the trapped call from inside itself.
 *
 * Driver output, one fact a line (the tests parse it):
 *   pledge ok | pledge-err ENAME N | pledge skipped
 *   result ok N | result err ENAME N | result none
 *   trapped COUNT nr NR arch 0xARCH
 *   info KEY VALUE
 *   status exit N | status signal SIGNAME
 *   victim alive | victim dead SIGNAME
 *   file PATH absent | file PATH present size N mode 0NNN original|changed
 *   received N
 *   parent-signals N
 *   parent-memory unchanged | parent-memory changed
 *
 * Argument tokens, evaluated in the attacker before its pledge ('|' ORs parts,
 * "0x1|0x100000000"): numbers; @nr:NAME / @nr32:NAME (the syscall's x86_64 /
 * i386 number, from the table); @self @parent @victim @tid; @buf (64 KiB of
 * zeroes); @str:TEXT; @sun:PATH (a sockaddr_un); @rlim:N (a struct rlimit);
 * the same four as @lz-buf, @lz-str:, @lz-sun:, @lz-rlim: placed at
 * 0x200000000, a pointer whose low 32 bits are zero; descriptors opened
 * before the pledge: @fd:PATH (read-only), @wfd:PATH (read-write),
 * @fdpath:PATH ("/proc/self/fd/N" naming an O_PATH descriptor of PATH),
 * @udp @tcp @udgram (AF_UNIX datagram) @pair (one end of an AF_UNIX
 * socketpair) @pty (a pseudo-terminal master) @ptys (its slave) @memfd
 * @uring (an io_uring);
 * @map (a private read-write page) @shm (two shared anonymous pages).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <scopes.h>
#include <scopes/table.h>

#include "attack.h"
#include "subject.h"

#define LOWZERO_ADDR 0x200000000UL

static struct attack_report *rep;
static pid_t victim_pid;
static int handler_retry;
static volatile sig_atomic_t parent_signals;
/* The driver's memory that a process_vm_writev attempt aims at. */
char attack_parent_secret[32] = "driver-secret";

void attack_info(struct attack_ctx *ctx, const char *key, long value)
{
	struct attack_report *r = ctx ? ctx->rep : rep;
	int i;

	for (i = 0; i < r->ninfo; i++)
		if (strcmp(r->info[i].key, key) == 0)
			break;
	if (i == ATTACK_MAX_INFO)
		return;
	if (i == r->ninfo) {
		strncpy(r->info[i].key, key, sizeof(r->info[i].key) - 1);
		r->ninfo++;
	}
	r->info[i].value = value;
}

long attack_syscall(long nr, const long a[6])
{
	long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	return r == -1 ? -errno : r;
}

/* --------------------------------------------------------------- tokens */

static void *lowzero_page(void)
{
	void *p = mmap((void *)LOWZERO_ADDR, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED || p != (void *)LOWZERO_ADDR)
		return NULL;
	return p;
}

/* An object for a pointer token: in fresh heap memory, or at LOWZERO_ADDR. */
static int object_token(const char *kind, int lz, long *out)
{
	static char bigbuf[65536];
	char *mem;

	if (!lz && strcmp(kind, "buf") == 0) {
		*out = (long)bigbuf;
		return 0;
	}
	mem = lz ? lowzero_page() : malloc(4096);
	if (!mem)
		return -1;
	memset(mem, 0, 4096);
	if (strcmp(kind, "buf") == 0) {
		/* zeroes */
	} else if (strncmp(kind, "str:", 4) == 0) {
		snprintf(mem, 4096, "%s", kind + 4);
	} else if (strncmp(kind, "sun:", 4) == 0) {
		struct sockaddr_un *sun = (struct sockaddr_un *)mem;
		sun->sun_family = AF_UNIX;
		snprintf(sun->sun_path, sizeof(sun->sun_path), "%s", kind + 4);
	} else if (strncmp(kind, "rlim:", 5) == 0) {
		struct rlimit *rl = (struct rlimit *)mem;
		rl->rlim_cur = rl->rlim_max = strtoul(kind + 5, NULL, 0);
	} else {
		errno = EINVAL;
		return -1;
	}
	*out = (long)mem;
	return 0;
}

static int pty_pair(int *master, int *slave)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) || unlockpt(*master))
		return -1;
	if (slave) {
		char *name = ptsname(*master);
		*slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
		if (*slave < 0)
			return -1;
	}
	return 0;
}

static int fd_token(const char *t, long *out)
{
	int fd = -1, sv[2];

	if (strncmp(t, "fdpath:", 7) == 0) {
		/* "/proc/self/fd/N" for an O_PATH descriptor of PATH */
		static char name[64];
		fd = open(t + 7, O_PATH);
		if (fd < 0)
			return -1;
		snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
		*out = (long)name;
		return 0;
	}
	if (strncmp(t, "fd:", 3) == 0)
		fd = open(t + 3, O_RDONLY);
	else if (strncmp(t, "wfd:", 4) == 0)
		fd = open(t + 4, O_RDWR);
	else if (strcmp(t, "udp") == 0)
		fd = socket(AF_INET, SOCK_DGRAM, 0);
	else if (strcmp(t, "tcp") == 0)
		fd = socket(AF_INET, SOCK_STREAM, 0);
	else if (strcmp(t, "udgram") == 0)
		fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	else if (strcmp(t, "pair") == 0)
		fd = socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 ? sv[0] : -1;
	else if (strcmp(t, "pty") == 0) {
		if (pty_pair(&fd, NULL) != 0)
			return -1;
	} else if (strcmp(t, "ptys") == 0) {
		int m;
		if (pty_pair(&m, &fd) != 0)
			return -1;
	} else if (strcmp(t, "memfd") == 0) {
		fd = memfd_create("scopes-attack", MFD_CLOEXEC);
	} else if (strcmp(t, "uring") == 0) {
		static char params[120]; /* struct io_uring_params, zeroed */
		fd = (int)syscall(SYS_io_uring_setup, 8, params);
	} else {
		return 1; /* not a descriptor token */
	}
	if (fd < 0)
		return -1;
	*out = fd;
	return 0;
}

static int one_value(const char *s, long *out)
{
	char *end;

	if (*s != '@') {
		errno = 0;
		*out = *s == '-' ? strtol(s, &end, 0) : (long)strtoull(s, &end, 0);
		if (errno || end == s || *end) {
			errno = EINVAL;
			return -1;
		}
		return 0;
	}
	s++;
	if (strncmp(s, "nr:", 3) == 0 || strncmp(s, "nr32:", 5) == 0) {
		int i386 = s[2] == '3';
		*out = scopes_syscall_number(i386 ? SCOPES_ARCH_I386 : scopes_native_arch(),
					     s + (i386 ? 5 : 3));
		return *out < 0 ? (errno = ENOENT, -1) : 0;
	}
	if (strcmp(s, "self") == 0)
		return *out = getpid(), 0;
	if (strcmp(s, "parent") == 0)
		return *out = getppid(), 0;
	if (strcmp(s, "victim") == 0)
		return *out = victim_pid, victim_pid ? 0 : (errno = ESRCH, -1);
	if (strcmp(s, "tid") == 0)
		return *out = gettid(), 0;
	if (strncmp(s, "lz-", 3) == 0)
		return object_token(s + 3, 1, out);
	if (strcmp(s, "map") == 0 || strcmp(s, "shm") == 0) {
		int shared = s[0] == 's';
		void *p = mmap(NULL, shared ? 8192 : 4096, PROT_READ | PROT_WRITE,
			       (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS, -1, 0);
		return p == MAP_FAILED ? -1 : (*out = (long)p, 0);
	}
	int r = fd_token(s, out);
	if (r != 1)
		return r;
	return object_token(s, 0, out);
}

int attack_value(const char *s, long *out)
{
	char part[4096];
	long v = 0;

	while (*s) {
		/* '|' joins parts, except inside a token's text after ':' */
		const char *bar = *s == '@' && strchr(s, ':') ? NULL : strchr(s, '|');
		size_t n = bar ? (size_t)(bar - s) : strlen(s);
		long pv;
		if (n >= sizeof(part)) {
			errno = E2BIG;
			return -1;
		}
		memcpy(part, s, n);
		part[n] = 0;
		if (one_value(part, &pv) != 0)
			return -1;
		v |= pv;
		s += n + (bar ? 1 : 0);
	}
	*out = v;
	return 0;
}

/* ---------------------------------------------------------- the attacker */

static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
	/* volatile: the nested delivery must see the store made before the call */
	static volatile sig_atomic_t depth;
	ucontext_t *uc = ucv;
	int saved = errno;

	(void)sig;
	rep->trapped++;
	rep->trapped_nr = si->si_syscall;
	rep->trapped_arch = si->si_arch;
	if (handler_retry && depth == 0) {
		/* The attacker's idea: do the call again from the handler. */
		greg_t *g = uc->uc_mcontext.gregs;
		long a[6] = { g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10], g[REG_R8], g[REG_R9] };
		depth++;
		attack_info(NULL, "retry", attack_syscall(si->si_syscall, a));
		depth--;
	}
	uc->uc_mcontext.gregs[REG_RAX] = -EPERM;
	errno = saved;
}

static int is_token(const char *s)
{
	if (*s == '-')
		s++;
	return *s == '@' || (*s >= '0' && *s <= '9');
}

struct options {
	const char *promises, *execpromises;
	enum scopes_penalty penalty;
	int no_pledge;
	int handler; /* 0, 1 catch, 2 retry */
	int victim;
	const char *create, *watch, *receive;
	int nunveil;
	char *unveil[8]; /* -U PATH=PERMS, applied and locked before the pledge */
};

static _Noreturn void attacker(const struct attack *a, struct attack_ctx *ctx,
			       const struct options *o)
{
	/* a driver killed by its caller's timeout takes the attacker along */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(3);
	for (int i = 0; i < ctx->nargs && i < ATTACK_MAX_ARGS; i++) {
		if (is_token(ctx->args[i]) && attack_value(ctx->args[i], &ctx->val[i]) != 0) {
			fprintf(stderr, "scopes-attack: argument '%s': %s\n", ctx->args[i],
				strerror(errno));
			_exit(3);
		}
	}
	if (a->prepare && a->prepare(ctx) != 0) {
		fprintf(stderr, "scopes-attack: preparing %s failed: %s\n", a->name,
			strerror(errno));
		_exit(3);
	}
	if (o->handler) {
		struct sigaction sa = { .sa_sigaction = on_sigsys,
					.sa_flags = SA_SIGINFO | SA_NODEFER };
		handler_retry = o->handler == 2;
		if (sigaction(SIGSYS, &sa, NULL) != 0)
			_exit(3);
	}
	for (int i = 0; i < o->nunveil; i++) {
		char *eq = strrchr(o->unveil[i], '=');
		*eq = 0;
		if (scopes_unveil(o->unveil[i], eq + 1) != 0) {
			fprintf(stderr, "scopes-attack: unveil %s: %s\n", o->unveil[i], strerror(errno));
			_exit(3);
		}
	}
	if (o->nunveil && scopes_unveil(NULL, NULL) != 0) {
		fprintf(stderr, "scopes-attack: unveil lock: %s\n", strerror(errno));
		_exit(3);
	}
	fflush(NULL);
	if (!o->no_pledge) {
		if (scopes_set_penalty(o->penalty) != 0 ||
		    scopes_pledge(o->promises, o->execpromises) != 0) {
			rep->pledge_errno = errno;
			_exit(4);
		}
		rep->pledged = 1;
	}
	rep->result = a->run(ctx);
	rep->done = 1;
	syscall(SYS_exit_group, 0);
	_exit(0);
}

/* ------------------------------------------------------------ the driver */

static void on_parent_signal(int sig)
{
	(void)sig;
	parent_signals++;
}

static void report_file(const char *path)
{
	struct stat st;
	char buf[64] = { 0 };

	if (lstat(path, &st) != 0) {
		subject_say("file %s absent", path);
		return;
	}
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	subject_say("file %s present size %lld mode 0%o %s", path, (long long)st.st_size,
		    st.st_mode & 07777,
		    n == 9 && memcmp(buf, "original\n", 9) == 0 ? "original" : "changed");
}

static int prepare_witnesses(const struct options *o, int *rxfd)
{
	static const int caught[] = { SIGUSR1, SIGUSR2, SIGTERM, SIGHUP, SIGINT, SIGQUIT };
	struct rlimit nocore = { 0, 0 };

	/* Killed attackers dump core by default: not here. */
	setrlimit(RLIMIT_CORE, &nocore);
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++)
		signal(caught[i], on_parent_signal);
	if (o->create) {
		unlink(o->create);
		int fd = open(o->create, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0 || write(fd, "original\n", 9) != 9 || close(fd) != 0 ||
		    chmod(o->create, 0644) != 0)
			return -1;
	}
	if (o->watch && unlink(o->watch) != 0 && errno != ENOENT)
		return -1;
	if (o->receive) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", o->receive);
		unlink(o->receive);
		*rxfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (*rxfd < 0 || bind(*rxfd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
		    chmod(o->receive, 0666) != 0)
			return -1;
	}
	if (o->victim) {
		victim_pid = fork();
		if (victim_pid < 0)
			return -1;
		if (victim_pid == 0) {
			/* never outlive the driver, never hold its caller's pipes */
			int null = open("/dev/null", O_RDWR);
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() == 1 || null < 0)
				_exit(0);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			for (;;)
				pause();
		}
	}
	return 0;
}

/* Has the victim been sent a signal it has not acted on yet? A SIGKILL that
 * kill() accepted is queued at once, but the victim dies only when it next
 * runs: on a loaded machine that can be after the attacker reports. */
static int victim_signal_pending(void)
{
	char path[64], line[256];
	int pending = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)victim_pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "SigPnd:", 7) == 0 || strncmp(line, "ShdPnd:", 7) == 0)
			pending |= strtoull(line + 7, NULL, 16) != 0;
	}
	fclose(f);
	return pending;
}

static void report_witnesses(const struct options *o, int rxfd)
{
	if (o->victim) {
		int st;
		pid_t w = waitpid(victim_pid, &st, WNOHANG);
		/* a signal on its way: let it land (the victim pauses, it has no
		 * handler, so any signal sent to it ends it) */
		for (int i = 0; w == 0 && victim_signal_pending() && i < 2000; i++) {
			usleep(1000);
			w = waitpid(victim_pid, &st, WNOHANG);
		}
		if (w == victim_pid && WIFSIGNALED(st)) {
			subject_say("victim dead %s", subject_signame(WTERMSIG(st)));
		} else {
			subject_say("%s", w == 0 ? "victim alive" : "victim dead exit");
			kill(victim_pid, SIGKILL);
			waitpid(victim_pid, NULL, 0);
		}
	}
	if (o->create)
		report_file(o->create);
	if (o->watch)
		report_file(o->watch);
	if (o->receive) {
		char b[256];
		long total = 0;
		ssize_t n;
		while ((n = recv(rxfd, b, sizeof(b), 0)) > 0)
			total += n;
		subject_say("received %ld", total);
		unlink(o->receive);
	}
	subject_say("parent-signals %d", (int)parent_signals);
	subject_say("parent-memory %s",
		    strcmp(attack_parent_secret, "driver-secret") == 0 ? "unchanged" : "changed");
}

static void report(const struct attack_report *r, int status)
{
	if (r->pledged)
		subject_say("pledge ok");
	else if (r->pledge_errno)
		subject_say("pledge-err %s %d", subject_errname(r->pledge_errno), r->pledge_errno);
	else
		subject_say("pledge skipped");
	if (!r->done)
		subject_say("result none");
	else if (r->result < 0 && r->result > -4096)
		subject_say("result err %s %ld", subject_errname((int)-r->result), -r->result);
	else
		subject_say("result ok %ld", r->result);
	if (r->trapped)
		subject_say("trapped %d nr %ld arch 0x%x", r->trapped, r->trapped_nr,
			    r->trapped_arch);
	for (int i = 0; i < r->ninfo; i++)
		subject_say("info %s %ld", r->info[i].key, r->info[i].value);
	subject_report_status("status", status);
}

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: scopes-attack [-p PROMISES] [-e EXECPROMISES] "
			"[-P kill|trap|errno|log] [-n] [-H catch|retry] [-V] [-C PATH] "
			"[-W PATH] [-R PATH] [-U PATH=PERMS]... ATTACK [ARG...]\n"
			"       scopes-attack --list | --all-promises\n");
	exit(2);
}

static void all_promises(void)
{
	const char *sep = "";
	for (int i = 0; i < scopes_promise_count(); i++) {
		if (scopes_promise_flags(i) & SCOPES_PROMISE_MODIFIER)
			continue;
		printf("%s%s", sep, scopes_promise_name(i));
		sep = " ";
	}
	printf("\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	int c;

	while ((c = getopt(argc, argv, "+p:e:P:nH:VC:W:R:U:")) != -1) {
		switch (c) {
		case 'p':
			o->promises = optarg;
			break;
		case 'e':
			o->execpromises = optarg;
			break;
		case 'P': {
			int i = scopes_penalty_parse(optarg);
			if (i < 0)
				usage();
			o->penalty = (enum scopes_penalty)i;
			break;
		}
		case 'n':
			o->no_pledge = 1;
			break;
		case 'H':
			if (strcmp(optarg, "catch") && strcmp(optarg, "retry"))
				usage();
			o->handler = optarg[0] == 'c' ? 1 : 2;
			break;
		case 'V':
			o->victim = 1;
			break;
		case 'C':
			o->create = optarg;
			break;
		case 'W':
			o->watch = optarg;
			break;
		case 'R':
			o->receive = optarg;
			break;
		case 'U':
			if (o->nunveil == 8 || !strchr(optarg, '='))
				usage();
			o->unveil[o->nunveil++] = optarg;
			break;
		default:
			usage();
		}
	}
	return optind;
}

int main(int argc, char **argv)
{
	struct options o = { .promises = "", .penalty = SCOPES_PENALTY_KILL };
	int rxfd = -1, status;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		attack_list();
		return 0;
	}
	if (scopes_table_init() != 0)
		return 3;
	if (argc == 2 && strcmp(argv[1], "--all-promises") == 0) {
		all_promises();
		return 0;
	}
	int first = parse_options(argc, argv, &o);
	if (first >= argc)
		usage();
	const struct attack *a = attack_find(argv[first]);
	if (!a) {
		fprintf(stderr, "scopes-attack: unknown attack '%s' (see --list)\n", argv[first]);
		return 2;
	}
	struct attack_ctx ctx = { .args = argv + first + 1, .nargs = argc - first - 1,
				  .fd = -1, .fd2 = -1, .file = (char *)o.create };
	if (ctx.nargs < a->min_args) {
		fprintf(stderr, "scopes-attack: %s needs: %s\n", a->name, a->usage);
		return 2;
	}
	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED)
		return 3;
	ctx.rep = rep;
	if (prepare_witnesses(&o, &rxfd) != 0) {
		fprintf(stderr, "scopes-attack: witnesses: %s\n", strerror(errno));
		return 3;
	}
	ctx.victim = victim_pid;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0)
		attacker(a, &ctx, &o);
	status = subject_wait(pid);
	if (status == -1)
		return 3;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
		if (victim_pid > 0)
			kill(victim_pid, SIGKILL);
		return 3; /* the attacker's setup failed: said on stderr */
	}
	report(rep, status);
	report_witnesses(&o, rxfd);
	return 0;
}
