/* SPDX-License-Identifier: MIT */
/*
 * The log backend: SECCOMP_RET_LOG and the audit records it produces.
 *
 * The child installs a filter whose answer to every call is LOG (the call
 * runs, the kernel writes an AUDIT_SECCOMP record), except the calls every
 * pledge answers with ENOSYS, which get ENOSYS here too (and are logged
 * through SECCOMP_FILTER_FLAG_LOG). Records carry the thread group id, exe,
 * arch, syscall number and instruction pointer — no arguments.
 *
 * Where the records are read from, best first:
 *  - daemon: register as the audit daemon on a NETLINK_AUDIT socket (root,
 *    CAP_AUDIT_CONTROL). The kernel then holds producers back rather than
 *    drop records (audit's backlog wait), so nothing is lost; the kernel's
 *    audit_lost counter is compared before and after to prove it. Our
 *    registration is withdrawn on exit and on fatal signals (and the kernel
 *    drops a dead daemon at its next record anyway). While registered the
 *    records go to us instead of the kernel log, for every process.
 *  - multicast: the read-only AUDIT_NLGRP_READLOG group (CAP_AUDIT_READ),
 *    used when a daemon is already registered. It can drop under load:
 *    ENOBUFS says when, and the answer is then marked incomplete.
 *  - kmsg: /dev/kmsg, where records land through printk's rate limit when
 *    no daemon runs. Losses are detected, not avoided: every audit record
 *    has a global serial number, so a sentinel record before and one after
 *    the run bracket the serials that must all be in the log; any missing
 *    serial, any "callbacks suppressed" line, any overrun marks the answer
 *    incomplete.
 *
 * Our records: as root the child writes its login uid back to
 * /proc/self/loginuid, which gives the tree a fresh audit session id that
 * every record of it carries (ses=). Without that, processes are attributed
 * by walking their parents in /proc when their first record arrives.
 *
 * Start-up: the first record of an image is its interpreter's first call;
 * the interpreter's load address is the page-aligned address that puts that
 * record's ip just after one of the interpreter's syscall instructions
 * (elf_sites). Its calls are start-up until the first record that does not
 * match; then everything is the program's. Pledge points from the library's
 * handshake are listed but not split (records cannot be ordered against the
 * handshake pipe); --backend=notify splits them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit_client.h"
#include "audit_parse.h"
#include "backend.h"
#include "elfinfo.h"
#include "procfs.h"
#include "procmodel.h"

#define AUDIT_SID_UNSET_VALUE 4294967295u

struct lrec {
	uint64_t serial;
	long pid;
	uint32_t ses;
	uint32_t arch;
	long syscall;
	uint64_t ip;
	unsigned fields;
	int ancestry_ours; /* fallback attribution, decided on arrival */
	const char *exe;   /* interned */
};

struct lstate {
	struct trace_run *run;
	const struct tr_options *opt;
	enum log_source src;
	int rec_fd, ctl_fd;
	int daemon;
	int wake[2];
	pthread_t reader;
	int reader_running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct lrec *recs;
	size_t nrecs, crecs;
	uint64_t *serials; /* kmsg: every audit serial seen */
	size_t nserials, cserials;
	unsigned long suppressed, lost_lines, truncated, enobufs, overruns;
	long sentinel_pid;
	uint64_t sentinel_serial;
	int sentinel_seen;
	long root;
	int session_ok;   /* the tree has its own audit session */
	long tree[4096];
	size_t ntree;
	unsigned long unattributed;
};

/* ----------------------------------------------------------- the reader */

static void keep_serial(struct lstate *ls, uint64_t serial)
{
	if (array_reserve(&ls->serials, &ls->cserials, ls->nserials, sizeof(*ls->serials)) == 0)
		ls->serials[ls->nserials++] = serial;
}

/* Is pid the traced tree's (by its parents)? Called on arrival, while the
 * process most likely still exists. Caller holds mu. */
static int ancestry(struct lstate *ls, long pid)
{
	long chain[16];
	int n = 0;
	for (long p = pid; p > 1 && n < 16; n++) {
		for (size_t i = 0; i < ls->ntree; i++)
			if (ls->tree[i] == p)
				goto ours;
		if (p == ls->root)
			goto ours;
		chain[n] = p;
		long tgid, ppid;
		if (proc_status(p, &tgid, &ppid) != 0) {
			if (p == pid)
				ls->unattributed++;
			return 0;
		}
		p = ppid;
	}
	return 0;
ours:
	for (int i = 0; i < n && ls->ntree < sizeof(ls->tree) / sizeof(ls->tree[0]); i++)
		ls->tree[ls->ntree++] = chain[i];
	return 1;
}

static void take(struct lstate *ls, const struct audit_record *rec)
{
	pthread_mutex_lock(&ls->mu);
	if (ls->src == LOG_SOURCE_KMSG && (rec->fields & AUDIT_F_STAMP))
		keep_serial(ls, rec->serial);
	if (rec->type != AUDIT_TYPE_SECCOMP)
		goto out;
	if ((rec->fields & AUDIT_F_SECCOMP_USABLE) != AUDIT_F_SECCOMP_USABLE) {
		/* cut short by the kernel log: ours unless it says otherwise */
		if (!(rec->fields & AUDIT_F_PID) || rec->pid == ls->root ||
		    ((rec->fields & AUDIT_F_PID) && ancestry(ls, rec->pid)))
			ls->truncated++;
		goto out;
	}
	if (rec->pid == ls->sentinel_pid && ls->sentinel_pid) {
		ls->sentinel_seen = 1;
		ls->sentinel_serial = rec->serial;
		pthread_cond_broadcast(&ls->cv);
		goto out;
	}
	if (array_reserve(&ls->recs, &ls->crecs, ls->nrecs, sizeof(*ls->recs)) != 0) {
		ls->truncated++; /* a record we could not keep is a lost one */
		goto out;
	}
	ls->recs[ls->nrecs++] = (struct lrec){
		.serial = rec->serial,
		.pid = rec->pid,
		.ses = (rec->fields & AUDIT_F_SES) ? rec->ses : AUDIT_SID_UNSET_VALUE,
		.arch = rec->arch,
		.syscall = rec->syscall,
		.ip = rec->ip,
		.fields = rec->fields,
		.ancestry_ours = ls->root ? ancestry(ls, rec->pid) : 0,
		.exe = intern((rec->fields & AUDIT_F_EXE) ? rec->exe : "?"),
	};
out:
	pthread_mutex_unlock(&ls->mu);
}

static void read_netlink(struct lstate *ls, char *buf, size_t size)
{
	static struct audit_record rec; /* large: not on the stack */
	for (;;) {
		ssize_t n = recv(ls->rec_fd, buf, size, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS) {
				__atomic_add_fetch(&ls->enobufs, 1, __ATOMIC_RELAXED);
				continue;
			}
			return; /* EAGAIN, or the socket is gone */
		}
		if ((size_t)n < NLMSG_HDRLEN)
			continue;
		const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;
		/* an audit record is one message per datagram, and its
		 * nlmsg_len leaves out the header (an audit quirk): the
		 * payload is what the datagram holds after the header */
		if (nh->nlmsg_type < 1100 || nh->nlmsg_type >= 3000)
			continue;
		audit_parse_line(buf + NLMSG_HDRLEN, (size_t)n - NLMSG_HDRLEN, nh->nlmsg_type, &rec);
		take(ls, &rec);
	}
}

static void read_kmsg(struct lstate *ls, char *buf, size_t size)
{
	static struct audit_record rec;
	for (;;) {
		ssize_t n = read(ls->rec_fd, buf, size);
		if (n < 0) {
			if (errno == EPIPE) { /* the ring buffer overwrote records */
				__atomic_add_fetch(&ls->overruns, 1, __ATOMIC_RELAXED);
				continue;
			}
			return;
		}
		if (n == 0)
			return;
		switch (audit_parse_line(buf, (size_t)n, 0, &rec)) {
		case AUDIT_LINE_RECORD:
			take(ls, &rec);
			break;
		case AUDIT_LINE_SUPPRESSED:
			__atomic_add_fetch(&ls->suppressed, rec.count ? rec.count : 1,
					   __ATOMIC_RELAXED);
			break;
		case AUDIT_LINE_LOST:
			__atomic_add_fetch(&ls->lost_lines, 1, __ATOMIC_RELAXED);
			break;
		default:
			break;
		}
	}
}

static void *reader_main(void *arg)
{
	struct lstate *ls = arg;
	spawn_block_signals();
	size_t size = 1 << 16;
	char *buf = malloc(size);
	if (!buf)
		return NULL;
	for (;;) {
		struct pollfd pf[2] = { { ls->rec_fd, POLLIN, 0 }, { ls->wake[0], POLLIN, 0 } };
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		if (ls->src == LOG_SOURCE_KMSG)
			read_kmsg(ls, buf, size);
		else
			read_netlink(ls, buf, size);
		if (pf[1].revents)
			break; /* asked to stop: what was queued has been read */
	}
	free(buf);
	return NULL;
}

/* ------------------------------------------------------------- sources */

static int actions_logged_has(const char *word)
{
	char buf[256];
	if (read_small_file("/proc/sys/kernel/seccomp/actions_logged", buf, sizeof(buf)) < 0)
		return -1;
	for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
		if (strcmp(t, word) == 0)
			return 1;
	return 0;
}

static int open_daemon(struct lstate *ls, char *why, size_t wsize)
{
	int fd = audit_open_daemon(ls->ctl_fd, why, wsize);
	if (fd < 0)
		return -1;
	ls->rec_fd = fd;
	ls->daemon = 1;
	return 0;
}

static const char *source_name(enum log_source s, int daemon)
{
	if (s == LOG_SOURCE_KMSG)
		return "kmsg";
	return daemon ? "netlink-daemon" : "netlink-multicast";
}

/* Open the best source the options allow. Returns 0 or -1 (reasons noted). */
static int open_source(struct lstate *ls)
{
	char why[3][256] = { "", "", "" };
	enum log_source want = ls->opt->log_source;
	ls->ctl_fd = geteuid() == 0 ? audit_nl_socket() : -1;
	if ((want == LOG_SOURCE_AUTO || want == LOG_SOURCE_DAEMON) && ls->ctl_fd >= 0) {
		if (open_daemon(ls, why[0], sizeof(why[0])) == 0) {
			ls->src = LOG_SOURCE_DAEMON;
			return 0;
		}
	} else if (want == LOG_SOURCE_AUTO || want == LOG_SOURCE_DAEMON) {
		snprintf(why[0], sizeof(why[0]), "registering as the audit daemon needs root");
	}
	if (want == LOG_SOURCE_AUTO || want == LOG_SOURCE_MULTICAST) {
		if ((ls->rec_fd = audit_open_multicast(why[1], sizeof(why[1]))) >= 0) {
			ls->src = LOG_SOURCE_MULTICAST;
			return 0;
		}
	}
	if (want == LOG_SOURCE_AUTO || want == LOG_SOURCE_KMSG) {
		if ((ls->rec_fd = audit_open_kmsg(why[2], sizeof(why[2]))) >= 0) {
			ls->src = LOG_SOURCE_KMSG;
			return 0;
		}
	}
	for (int i = 0; i < 3; i++)
		if (why[i][0])
			trace_note(ls->run, 1, "no audit records could be read: %s", why[i]);
	return -1;
}

/* ------------------------------------------------------------- filters */

/* LOG everything; ENOSYS (logged through SECCOMP_FILTER_FLAG_LOG) for what
 * every pledge answers ENOSYS. */
static unsigned build_log_filter(struct sock_filter *f, unsigned max)
{
	uint32_t arch = scopes_native_arch();
	long enosys[32];
	unsigned ne = 0, k = 0;
	for (long nr = 0; nr < 1024 && ne < 32; nr++) {
		struct scopes_verdict v;
		if (scopes_syscall_name(arch, nr) && scopes_query(arch, nr, NULL, &v) == 0 &&
		    v.cls == SCOPES_CLASS_ENOSYS)
			enosys[ne++] = nr;
	}
	if (ne + 6 > max)
		ne = max - 6;
#define S(code, jt, jf, kk) (f[k++] = (struct sock_filter){ (code), (jt), (jf), (kk) })
	S(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	S(BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(ne + 1), arch);
	S(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	for (unsigned i = 0; i < ne; i++) /* to the ENOSYS return after LOG */
		S(BPF_JMP | BPF_JEQ | BPF_K, (uint8_t)(ne - i), 0, (uint32_t)enosys[i]);
	S(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_LOG);
	S(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ERRNO | ENOSYS);
#undef S
	return k;
}

/* Async-signal-safe: runs in a child forked from a threaded process. */
static int prctl_nnp_and_filter(const struct sock_fprog *prog)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0 ? 0 : -1;
}

/* A short-lived process whose only record marks a point in the audit
 * stream. Returns its pid (reaped later), or -1. */
static pid_t sentinel(struct lstate *ls)
{
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_LOG);
	struct sock_fprog prog = { 1, &insn };
	pthread_mutex_lock(&ls->mu);
	ls->sentinel_seen = 0;
	pid_t pid = fork();
	if (pid == 0) {
		if (prctl_nnp_and_filter(&prog) == 0)
			syscall(SYS_getppid);
		_exit(0);
	}
	ls->sentinel_pid = pid > 0 ? pid : 0;
	pthread_mutex_unlock(&ls->mu);
	return pid;
}

/* Wait until the sentinel's record arrived. Returns 1 if it did. */
static int sentinel_wait(struct lstate *ls, pid_t pid, int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ls->mu);
	while (!ls->sentinel_seen)
		if (pthread_cond_timedwait(&ls->cv, &ls->mu, &until) != 0)
			break;
	int seen = ls->sentinel_seen;
	ls->sentinel_pid = 0;
	pthread_mutex_unlock(&ls->mu);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return seen;
}

/* ------------------------------------------------- records to calls */

/* A process: its image and start-up, and the executable its last record
 * named (interned). */
struct lproc {
	struct pm_proc pm; /* first: the table allocates the whole struct */
	const char *exe;
};

struct convert {
	struct lstate *ls;
	struct pm_table procs;
	long nr_execve, nr_execveat;
};

static void image_start(struct convert *cv, struct lproc *lp, const char *path, int parent,
			uint64_t ip)
{
	struct elf_file *ef = elf_get(lp->exe);
	const char *interp = ef ? ef->interp : NULL;
	pm_image_start(&cv->procs, &lp->pm, path, lp->exe, interp, parent);
	pm_loader_sites(&lp->pm, interp, ip);
}

static void convert_record(struct convert *cv, const struct lrec *r)
{
	struct trace_run *run = cv->ls->run;
	struct lproc *lp = (struct lproc *)pm_find(&cv->procs, r->pid);
	if (!lp)
		lp = (struct lproc *)pm_add(&cv->procs, r->pid, NULL);
	if (!lp)
		return;
	if (lp->pm.image < 0) {
		if (r->pid == cv->ls->root) {
			/* our child's calls before its exec are ours, not the
			 * program's: they come from this very binary */
			if (strcmp(r->exe, self_exe()) == 0)
				return;
			lp->exe = r->exe;
			run->started = 1;
			image_start(cv, lp, cv->ls->opt->path, -1, r->ip);
		} else {
			/* a fork: it runs the image its exe names (the latest
			 * one), already past its loader */
			lp->exe = r->exe;
			lp->pm.image = pm_image_of_exe(run, r->exe);
			if (lp->pm.image < 0)
				image_start(cv, lp, r->exe, run->nimages ? 0 : -1, r->ip);
		}
	} else if (lp->pm.exec_pending) {
		lp->pm.exec_pending = 0;
		if (strcmp(r->exe, lp->exe) != 0) {
			int parent = lp->pm.image;
			lp->exe = r->exe;
			image_start(cv, lp, r->exe, parent, r->ip);
		}
	}
	struct tr_call c = { .arch = r->arch, .nr = r->syscall, .ip = r->ip, .tid = r->pid,
			     .pid = r->pid, .image = lp->pm.image,
			     .phase = pm_phase(&lp->pm, r->ip) };
	c.where.off = r->ip; /* no maps afterwards: the raw address */
	trace_call(run, &c);
	if (r->syscall == cv->nr_execve || r->syscall == cv->nr_execveat)
		lp->pm.exec_pending = 1;
}

static int by_serial(const void *a, const void *b)
{
	const struct lrec *x = a, *y = b;
	return x->serial < y->serial ? -1 : x->serial > y->serial;
}

static int u64cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* kmsg: how many serials between the sentinels never reached the log. */
static uint64_t serials_missing(struct lstate *ls, uint64_t from, uint64_t to)
{
	qsort(ls->serials, ls->nserials, sizeof(*ls->serials), u64cmp);
	uint64_t seen = 0, prev = 0;
	for (size_t i = 0; i < ls->nserials; i++) {
		uint64_t s = ls->serials[i];
		if (s > from && s < to && s != prev)
			seen++;
		prev = s;
	}
	return to > from + 1 ? (to - from - 1) - seen : 0;
}

static int read_session(long pid, uint32_t *ses)
{
	char p[64], b[32];
	snprintf(p, sizeof(p), "/proc/%ld/sessionid", pid);
	if (read_small_file(p, b, sizeof(b)) < 0)
		return -1;
	*ses = (uint32_t)strtoul(b, NULL, 10);
	return 0;
}

/* Is a process of the audit session ses still running (zombies aside)? */
static int session_alive(uint32_t ses)
{
	int found = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && !found && (e = readdir(d))) {
		char *end, p[64], stat[512];
		long pid = strtol(e->d_name, &end, 10);
		uint32_t s;
		if (*end || pid <= 0 || read_session(pid, &s) != 0 || s != ses)
			continue;
		/* the state follows the last ')' of "pid (comm) S ..." */
		snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
		if (read_small_file(p, stat, sizeof(stat)) < 0)
			continue;
		const char *rp = strrchr(stat, ')');
		found = rp && rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
	}
	if (d)
		closedir(d);
	return found;
}

/* ------------------------------------------------------------ the run */

/* Append what a non-blocking descriptor has to a growing buffer. */
static void read_all(int fd, char **buf, size_t *len, size_t *cap)
{
	char tmp[4096];
	ssize_t got;
	while ((got = read(fd, tmp, sizeof(tmp))) > 0) {
		if (*len + (size_t)got > *cap) {
			size_t c = (*len + (size_t)got) * 2;
			char *n = realloc(*buf, c);
			if (!n)
				return;
			*buf = n;
			*cap = c;
		}
		memcpy(*buf + *len, tmp, (size_t)got);
		*len += (size_t)got;
	}
}

static void handshake_lines(struct trace_run *run, const char *buf, size_t len, long root)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		trace_pledge_add(run, buf + start, i + 1 - start, root, 0, 0);
		start = i + 1;
	}
}

static void completeness(struct lstate *ls, int start_seen, uint64_t start_serial, int end_seen,
			 uint64_t end_serial, const struct audit_status *before,
			 const struct audit_status *after, int status_known)
{
	struct trace_run *run = ls->run;
	if (!start_seen)
		trace_note(run, 1, "the %s source did not deliver a test record before the run: "
			   "records may be missing", run->source);
	if (!end_seen)
		trace_note(run, 1, "the %s source did not deliver a test record after the run: "
			   "the last records may be missing", run->source);
	if (status_known && after->lost != before->lost)
		trace_note(run, 1, "the kernel lost %u audit record(s) while tracing (audit_lost; "
			   "they may have been other processes')", after->lost - before->lost);
	if (ls->enobufs)
		trace_note(run, 1, "the audit multicast socket overflowed %lu time(s) (ENOBUFS): "
			   "records were dropped", ls->enobufs);
	if (ls->src == LOG_SOURCE_KMSG) {
		if (start_seen && end_seen) {
			uint64_t miss = serials_missing(ls, start_serial, end_serial);
			if (miss)
				trace_note(run, 1, "%llu audit record(s) never reached the kernel log "
					   "(printk's rate limit, about 10 per 5 s); run as root for "
					   "a lossless trace, or use --backend=notify",
					   (unsigned long long)miss);
		}
		if (ls->suppressed)
			trace_note(run, 1, "the kernel log suppressed %lu message(s) "
				   "(\"callbacks suppressed\")", ls->suppressed);
		if (ls->overruns)
			trace_note(run, 1, "the kernel log ring buffer overwrote records before "
				   "they were read");
	}
	if (ls->lost_lines)
		trace_note(run, 1, "the audit subsystem reported lost records");
	if (ls->truncated)
		trace_note(run, 1, "%lu audit record(s) were cut short and could not be read",
			   ls->truncated);
	if (ls->unattributed && !ls->session_ok)
		trace_note(run, 0, "%lu record(s) came from processes that ended before they "
			   "could be attributed (without root the tree is followed through /proc)",
			   ls->unattributed);
}

int log_run(struct trace_run *run, const struct tr_options *opt)
{
	struct lstate *ls = calloc(1, sizeof(*ls));
	struct sock_filter insns[48];
	int rc = 0;

	if (!ls)
		return -1;
	run->backend = "log";
	ls->run = run;
	ls->opt = opt;
	ls->rec_fd = ls->ctl_fd = -1;
	pthread_mutex_init(&ls->mu, NULL);
	pthread_cond_init(&ls->cv, NULL);

	int logged = actions_logged_has("log");
	if (logged == 0)
		trace_note(run, 1, "kernel.seccomp.actions_logged lacks \"log\": the kernel "
			   "writes no records (add it: sysctl kernel.seccomp.actions_logged)");
	if (actions_logged_has("errno") == 0)
		trace_note(run, 0, "kernel.seccomp.actions_logged lacks \"errno\": calls answered "
			   "ENOSYS (clone3, openat2) are not recorded");

	int have_source = open_source(ls) == 0;
	run->source = have_source ? source_name(ls->src, ls->daemon) : "none";
	struct audit_status before = { 0 }, after = { 0 };
	int status_known = ls->ctl_fd >= 0 && audit_status_get(ls->ctl_fd, &before) == 0;
	if (have_source) {
		if (pipe2(ls->wake, O_CLOEXEC) != 0 ||
		    pthread_create(&ls->reader, NULL, reader_main, ls) != 0) {
			tr_error("reader thread: %s", strerror(errno));
			rc = -1;
			goto out;
		}
		ls->reader_running = 1;
	}

	int start_seen = 0, end_seen = 0;
	uint64_t start_serial = 0, end_serial = 0;
	if (have_source) {
		pid_t s = sentinel(ls);
		start_seen = sentinel_wait(ls, s, ls->src == LOG_SOURCE_KMSG ? 1000 : 3000);
		start_serial = ls->sentinel_serial;
	}

	spawn_signals();
	unsigned n = build_log_filter(insns, sizeof(insns) / sizeof(insns[0]));
	struct spawn sp = { .opt = opt,
			    .prog = { (unsigned short)n, insns },
			    .seccomp_flags = SECCOMP_FILTER_FLAG_LOG,
			    .send_sock = -1,
			    .set_loginuid = geteuid() == 0 };
	int errpipe;
	pid_t child = spawn_child(&sp, &errpipe);
	if (child < 0) {
		tr_error("fork: %s", strerror(errno));
		rc = -1;
		goto out;
	}
	pthread_mutex_lock(&ls->mu);
	ls->root = child;
	pthread_mutex_unlock(&ls->mu);
	if (opt->trace_fd >= 0)
		close(opt->trace_fd);

	/* run it; keep the handshake pipe drained */
	char *hs = NULL;
	size_t hs_len = 0, hs_cap = 0;
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	uint32_t session = 0, own = 0;
	int session_ok = 0, exec_known = 0;
	for (;;) {
		struct pollfd pf[3] = { { pidfd, POLLIN, 0 }, { opt->trace_rd, POLLIN, 0 },
					{ errpipe, exec_known ? 0 : POLLIN, 0 } };
		spawn_forward(child);
		/* bounded: a signal arriving between the forward and the
		 * poll is passed on at the next turn */
		int r = poll(pf, 3, pidfd < 0 ? 50 : 200);
		if (r < 0 && errno != EINTR)
			break;
		if (pf[1].revents & (POLLIN | POLLHUP))
			read_all(opt->trace_rd, &hs, &hs_len, &hs_cap);
		if (!exec_known && (pf[2].revents & (POLLIN | POLLHUP))) {
			/* EOF: the exec happened and the session is set */
			exec_known = 1;
			session_ok = read_session(child, &session) == 0 &&
				     read_session(getpid(), &own) == 0 && session != own &&
				     session != AUDIT_SID_UNSET_VALUE;
		}
		siginfo_t si = { 0 };
		if (pidfd < 0 ? waitid(P_PID, (id_t)child, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
					si.si_pid
			      : (pf[0].revents & POLLIN) != 0)
			break;
	}
	spawn_reap(run, child);
	int stage = 0, err = spawn_result(errpipe, &stage);
	close(errpipe);
	if (pidfd >= 0)
		close(pidfd);
	if (err) {
		run->exec_errno = err;
		tr_error("cannot run %s: %s", opt->argv[0], strerror(err));
	}
	/* the rest of the tree (a daemon it started) */
	while (session_ok && session_alive(session)) {
		if (spawn_interrupted()) {
			trace_note(run, 1, "interrupted: processes the program left running were "
				   "not followed to their end");
			break;
		}
		usleep(50000);
	}
	if (opt->trace_rd >= 0)
		read_all(opt->trace_rd, &hs, &hs_len, &hs_cap);

	if (have_source) {
		pid_t s = sentinel(ls);
		end_seen = sentinel_wait(ls, s, ls->src == LOG_SOURCE_KMSG ? 2000 : 5000);
		end_serial = ls->sentinel_serial;
		ssize_t w = write(ls->wake[1], "x", 1);
		(void)w;
		pthread_join(ls->reader, NULL);
		ls->reader_running = 0;
	}
	audit_restore_now();
	if (status_known)
		status_known = audit_status_get(ls->ctl_fd, &after) == 0;

	ls->session_ok = session_ok;
	if (have_source)
		completeness(ls, start_seen, start_serial, end_seen, end_serial, &before, &after,
			     status_known);
	if (!session_ok && have_source)
		trace_note(run, 0, "no audit session of its own for the traced tree (needs root): "
			   "processes are followed through /proc");

	/* the records, in the kernel's order */
	qsort(ls->recs, ls->nrecs, sizeof(*ls->recs), by_serial);
	struct convert cv = { .ls = ls,
			      .nr_execve = scopes_syscall_number(scopes_native_arch(), "execve"),
			      .nr_execveat = scopes_syscall_number(scopes_native_arch(), "execveat") };
	run->processes = 0;
	pm_table_init(&cv.procs, run, sizeof(struct lproc));
	for (size_t i = 0; i < ls->nrecs; i++) {
		const struct lrec *r = &ls->recs[i];
		int ours = session_ok ? (r->fields & AUDIT_F_SES) && r->ses == session
				      : r->ancestry_ours || r->pid == child;
		if (!ours || (start_seen && r->serial < start_serial))
			continue;
		convert_record(&cv, r);
	}
	run->threads = run->processes;
	pm_table_free(&cv.procs);
	if (hs_len) {
		handshake_lines(run, hs, hs_len, child);
		trace_note(run, 0, "the program pledges: --backend=notify splits the findings by "
			   "pledge point; the log backend lists the points only");
	}
	free(hs);
out:
	if (ls->reader_running) {
		ssize_t w = write(ls->wake[1], "x", 1);
		(void)w;
		pthread_join(ls->reader, NULL);
	}
	audit_restore_now();
	if (ls->rec_fd >= 0)
		close(ls->rec_fd);
	if (ls->ctl_fd >= 0)
		close(ls->ctl_fd);
	if (ls->wake[0] > 0) {
		close(ls->wake[0]);
		close(ls->wake[1]);
	}
	free(ls->recs);
	free(ls->serials);
	free(ls);
	return rc;
}
