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
#include "log_records.h"
#include "procfs.h"
#include "procmodel.h"

/* ------------------------------------------------- the kernel's settings */

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

/* ------------------------------------------------- records to calls */

/* A process: its image and start-up, and the executable its last record
 * named (interned). */
struct lproc {
	struct pm_proc pm; /* first: the table allocates the whole struct */
	const char *exe;
};

struct convert {
	struct trace_run *run;
	long root;        /* the program's first process */
	const char *path; /* the program as exec'd */
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
	struct trace_run *run = cv->run;
	struct lproc *lp = (struct lproc *)pm_find(&cv->procs, r->pid);
	if (!lp)
		lp = (struct lproc *)pm_add(&cv->procs, r->pid, NULL);
	if (!lp)
		return;
	if (lp->pm.image < 0) {
		if (r->pid == cv->root) {
			/* our child's calls before its exec are ours, not the
			 * program's: they come from this very binary */
			if (strcmp(r->exe, self_exe()) == 0)
				return;
			lp->exe = r->exe;
			run->started = 1;
			image_start(cv, lp, cv->path, -1, r->ip);
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

/* Say what the kernel's seccomp logging settings leave out. */
static void log_settings_check(struct trace_run *run)
{
	if (actions_logged_has("log") == 0)
		trace_note(run, 1, "kernel.seccomp.actions_logged lacks \"log\": the kernel "
			   "writes no records (add it: sysctl kernel.seccomp.actions_logged)");
	if (actions_logged_has("errno") == 0)
		trace_note(run, 0, "kernel.seccomp.actions_logged lacks \"errno\": calls answered "
			   "ENOSYS (clone3, openat2) are not recorded");
}

/* The program, its handshake and its audit session while it runs. */
struct log_child {
	pid_t pid;
	int errpipe;
	uint32_t session;  /* its audit session, if session_ok */
	int session_ok;    /* the tree has an audit session of its own */
	char *hs;          /* what came through the handshake pipe */
	size_t hs_len, hs_cap;
};

/* Fork the program under the LOG filter. Returns 0, or -1 (reason said). */
static int log_spawn(struct log_child *ch, const struct tr_options *opt)
{
	struct sock_filter insns[48];
	unsigned n = build_log_filter(insns, sizeof(insns) / sizeof(insns[0]));
	struct spawn sp = { .opt = opt,
			    .prog = { (unsigned short)n, insns },
			    .seccomp_flags = SECCOMP_FILTER_FLAG_LOG,
			    .send_sock = -1,
			    .set_loginuid = geteuid() == 0 };
	ch->pid = spawn_child(&sp, &ch->errpipe);
	if (ch->pid < 0) {
		tr_error("fork: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Wait for the program to end, passing signals on and keeping the
 * handshake pipe drained; learn its audit session once it has exec'd. */
static void log_wait_program(struct log_child *ch, struct trace_run *run,
			     const struct tr_options *opt)
{
	int pidfd = (int)syscall(SYS_pidfd_open, ch->pid, 0);
	uint32_t own = 0;
	int exec_known = 0;
	for (;;) {
		struct pollfd pf[3] = { { pidfd, POLLIN, 0 }, { opt->trace_rd, POLLIN, 0 },
					{ ch->errpipe, exec_known ? 0 : POLLIN, 0 } };
		spawn_forward(ch->pid);
		/* bounded: a signal arriving between the forward and the
		 * poll is passed on at the next turn */
		int r = poll(pf, 3, pidfd < 0 ? 50 : 200);
		if (r < 0 && errno != EINTR)
			break;
		if (pf[1].revents & (POLLIN | POLLHUP))
			read_all(opt->trace_rd, &ch->hs, &ch->hs_len, &ch->hs_cap);
		if (!exec_known && (pf[2].revents & (POLLIN | POLLHUP))) {
			/* EOF: the exec happened and the session is set */
			exec_known = 1;
			ch->session_ok = read_session(ch->pid, &ch->session) == 0 &&
					 read_session(getpid(), &own) == 0 && ch->session != own &&
					 ch->session != AUDIT_SID_UNSET_VALUE;
		}
		siginfo_t si = { 0 };
		if (pidfd < 0 ? waitid(P_PID, (id_t)ch->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
					si.si_pid
			      : (pf[0].revents & POLLIN) != 0)
			break;
	}
	spawn_reap(run, ch->pid);
	int stage = 0, err = spawn_result(ch->errpipe, &stage);
	close(ch->errpipe);
	if (pidfd >= 0)
		close(pidfd);
	if (err) {
		run->exec_errno = err;
		tr_error("cannot run %s: %s", opt->argv[0], strerror(err));
	}
}

/* Wait for the rest of the tree (a daemon it started), as far as its
 * audit session shows it. */
static void log_wait_session(const struct log_child *ch, struct trace_run *run)
{
	while (ch->session_ok && session_alive(ch->session)) {
		if (spawn_interrupted()) {
			trace_note(run, 1, "interrupted: processes the program left running were "
				   "not followed to their end");
			break;
		}
		usleep(50000);
	}
}

/* The tree's records after the start mark, in the kernel's order, as calls. */
static void log_convert(struct log_records *lr, const struct log_child *ch, int start_seen,
			uint64_t start_serial, const struct tr_options *opt)
{
	struct trace_run *run = lr->run;
	logrec_sort(lr);
	struct convert cv = { .run = run,
			      .root = ch->pid,
			      .path = opt->path,
			      .nr_execve = scopes_syscall_number(scopes_native_arch(), "execve"),
			      .nr_execveat = scopes_syscall_number(scopes_native_arch(), "execveat") };
	run->processes = 0;
	pm_table_init(&cv.procs, run, sizeof(struct lproc));
	for (size_t i = 0; i < lr->nrecs; i++) {
		const struct lrec *r = &lr->recs[i];
		int ours = ch->session_ok ? (r->fields & AUDIT_F_SES) && r->ses == ch->session
					  : r->ancestry_ours || r->pid == ch->pid;
		if (!ours || (start_seen && r->serial < start_serial))
			continue;
		convert_record(&cv, r);
	}
	run->threads = run->processes;
	pm_table_free(&cv.procs);
}

int log_run(struct trace_run *run, const struct tr_options *opt)
{
	struct log_records *lr = malloc(sizeof(*lr));
	struct log_child ch = { .pid = -1, .errpipe = -1 };
	int rc = 0;

	if (!lr)
		return -1;
	run->backend = "log";
	logrec_init(lr, run);
	log_settings_check(run);

	int have_source = logrec_open(lr, opt->log_source) == 0;
	run->source = have_source ? logrec_source_name(lr) : "none";
	struct audit_status before = { 0 }, after = { 0 };
	int status_known = lr->ctl_fd >= 0 && audit_status_get(lr->ctl_fd, &before) == 0;
	if (have_source && logrec_start(lr) != 0) {
		tr_error("reader thread: %s", strerror(errno));
		rc = -1;
		goto out;
	}

	int start_seen = 0, end_seen = 0;
	uint64_t start_serial = 0, end_serial = 0;
	if (have_source)
		start_seen = logrec_mark(lr, lr->src == LOG_SOURCE_KMSG ? 1000 : 3000,
					 &start_serial);

	spawn_signals();
	if (log_spawn(&ch, opt) != 0) {
		rc = -1;
		goto out;
	}
	logrec_set_root(lr, ch.pid);
	if (opt->trace_fd >= 0)
		close(opt->trace_fd);

	log_wait_program(&ch, run, opt);
	log_wait_session(&ch, run);
	if (opt->trace_rd >= 0)
		read_all(opt->trace_rd, &ch.hs, &ch.hs_len, &ch.hs_cap);

	if (have_source) {
		end_seen = logrec_mark(lr, lr->src == LOG_SOURCE_KMSG ? 2000 : 5000, &end_serial);
		logrec_stop(lr);
	}
	audit_restore_now();
	if (status_known)
		status_known = audit_status_get(lr->ctl_fd, &after) == 0;

	if (have_source)
		logrec_completeness(lr, start_seen, start_serial, end_seen, end_serial, &before,
				    &after, status_known, ch.session_ok);
	if (!ch.session_ok && have_source)
		trace_note(run, 0, "no audit session of its own for the traced tree (needs root): "
			   "processes are followed through /proc");

	log_convert(lr, &ch, start_seen, start_serial, opt);
	if (ch.hs_len) {
		handshake_lines(run, ch.hs, ch.hs_len, ch.pid);
		trace_note(run, 0, "the program pledges: --backend=notify splits the findings by "
			   "pledge point; the log backend lists the points only");
	}
	free(ch.hs);
out:
	logrec_stop(lr);
	audit_restore_now();
	logrec_close(lr);
	free(lr);
	return rc;
}
