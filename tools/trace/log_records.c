/* SPDX-License-Identifier: MIT */
/*
 * log_records — the log backend's audit records: where they are read from,
 * which are the traced tree's, and whether all of them arrived (see
 * log_records.h and the sources described in backend_log.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit_parse.h"
#include "log_records.h"
#include "procfs.h"

void logrec_init(struct log_records *lr, struct trace_run *run)
{
	memset(lr, 0, sizeof(*lr));
	lr->run = run;
	lr->rec_fd = lr->ctl_fd = -1;
	lr->wake[0] = lr->wake[1] = -1;
	pthread_mutex_init(&lr->mu, NULL);
	pthread_cond_init(&lr->cv, NULL);
}

/* ----------------------------------------------------------- the reader */

static void keep_serial(struct log_records *lr, uint64_t serial)
{
	if (array_reserve(&lr->serials, &lr->cserials, lr->nserials, sizeof(*lr->serials)) == 0)
		lr->serials[lr->nserials++] = serial;
}

/* Is pid the traced tree's (by its parents)? Called on arrival, while the
 * process most likely still exists. Caller holds mu. */
static int ancestry(struct log_records *lr, long pid)
{
	long chain[16];
	int n = 0;
	for (long p = pid; p > 1 && n < 16; n++) {
		for (size_t i = 0; i < lr->ntree; i++)
			if (lr->tree[i] == p)
				goto ours;
		if (p == lr->root)
			goto ours;
		chain[n] = p;
		long tgid, ppid;
		if (proc_status(p, &tgid, &ppid) != 0) {
			if (p == pid)
				lr->unattributed++;
			return 0;
		}
		p = ppid;
	}
	return 0;
ours:
	for (int i = 0; i < n && lr->ntree < sizeof(lr->tree) / sizeof(lr->tree[0]); i++)
		lr->tree[lr->ntree++] = chain[i];
	return 1;
}

static void take(struct log_records *lr, const struct audit_record *rec)
{
	pthread_mutex_lock(&lr->mu);
	if (lr->src == LOG_SOURCE_KMSG && (rec->fields & AUDIT_F_STAMP))
		keep_serial(lr, rec->serial);
	if (rec->type != AUDIT_TYPE_SECCOMP)
		goto out;
	if ((rec->fields & AUDIT_F_SECCOMP_USABLE) != AUDIT_F_SECCOMP_USABLE) {
		/* cut short by the kernel log: ours unless it says otherwise */
		if (!(rec->fields & AUDIT_F_PID) || rec->pid == lr->root ||
		    ((rec->fields & AUDIT_F_PID) && ancestry(lr, rec->pid)))
			lr->truncated++;
		goto out;
	}
	if (rec->pid == lr->sentinel_pid && lr->sentinel_pid) {
		lr->sentinel_seen = 1;
		lr->sentinel_serial = rec->serial;
		pthread_cond_broadcast(&lr->cv);
		goto out;
	}
	if (array_reserve(&lr->recs, &lr->crecs, lr->nrecs, sizeof(*lr->recs)) != 0) {
		lr->truncated++; /* a record we could not keep is a lost one */
		goto out;
	}
	lr->recs[lr->nrecs++] = (struct lrec){
		.serial = rec->serial,
		.pid = rec->pid,
		.ses = (rec->fields & AUDIT_F_SES) ? rec->ses : AUDIT_SID_UNSET_VALUE,
		.arch = rec->arch,
		.syscall = rec->syscall,
		.ip = rec->ip,
		.fields = rec->fields,
		.ancestry_ours = lr->root ? ancestry(lr, rec->pid) : 0,
		.exe = intern((rec->fields & AUDIT_F_EXE) ? rec->exe : "?"),
	};
out:
	pthread_mutex_unlock(&lr->mu);
}

static void read_netlink(struct log_records *lr, char *buf, size_t size)
{
	static struct audit_record rec; /* large: not on the stack */
	for (;;) {
		ssize_t n = recv(lr->rec_fd, buf, size, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS) {
				__atomic_add_fetch(&lr->enobufs, 1, __ATOMIC_RELAXED);
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
		take(lr, &rec);
	}
}

static void read_kmsg(struct log_records *lr, char *buf, size_t size)
{
	static struct audit_record rec;
	for (;;) {
		ssize_t n = read(lr->rec_fd, buf, size);
		if (n < 0) {
			if (errno == EPIPE) { /* the ring buffer overwrote records */
				__atomic_add_fetch(&lr->overruns, 1, __ATOMIC_RELAXED);
				continue;
			}
			return;
		}
		if (n == 0)
			return;
		switch (audit_parse_line(buf, (size_t)n, 0, &rec)) {
		case AUDIT_LINE_RECORD:
			take(lr, &rec);
			break;
		case AUDIT_LINE_SUPPRESSED:
			__atomic_add_fetch(&lr->suppressed, rec.count ? rec.count : 1,
					   __ATOMIC_RELAXED);
			break;
		case AUDIT_LINE_LOST:
			__atomic_add_fetch(&lr->lost_lines, 1, __ATOMIC_RELAXED);
			break;
		default:
			break;
		}
	}
}

static void *reader_main(void *arg)
{
	struct log_records *lr = arg;
	spawn_block_signals();
	size_t size = 1 << 16;
	char *buf = malloc(size);
	if (!buf)
		return NULL;
	for (;;) {
		struct pollfd pf[2] = { { lr->rec_fd, POLLIN, 0 }, { lr->wake[0], POLLIN, 0 } };
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		if (lr->src == LOG_SOURCE_KMSG)
			read_kmsg(lr, buf, size);
		else
			read_netlink(lr, buf, size);
		if (pf[1].revents)
			break; /* asked to stop: what was queued has been read */
	}
	free(buf);
	return NULL;
}

/* ------------------------------------------------------------- sources */

static int open_daemon(struct log_records *lr, char *why, size_t wsize)
{
	int fd = audit_open_daemon(lr->ctl_fd, why, wsize);
	if (fd < 0)
		return -1;
	lr->rec_fd = fd;
	lr->daemon = 1;
	return 0;
}

const char *logrec_source_name(const struct log_records *lr)
{
	if (lr->src == LOG_SOURCE_KMSG)
		return "kmsg";
	return lr->daemon ? "netlink-daemon" : "netlink-multicast";
}

/* Open the best source the options allow. Returns 0 or -1 (reasons noted). */
int logrec_open(struct log_records *lr, enum log_source want)
{
	char why[3][256] = { "", "", "" };
	lr->ctl_fd = geteuid() == 0 ? audit_nl_socket() : -1;
	if ((want == LOG_SOURCE_AUTO || want == LOG_SOURCE_DAEMON) && lr->ctl_fd >= 0) {
		if (open_daemon(lr, why[0], sizeof(why[0])) == 0) {
			lr->src = LOG_SOURCE_DAEMON;
			return 0;
		}
	} else if (want == LOG_SOURCE_AUTO || want == LOG_SOURCE_DAEMON) {
		snprintf(why[0], sizeof(why[0]), "registering as the audit daemon needs root");
	}
	if (want == LOG_SOURCE_AUTO || want == LOG_SOURCE_MULTICAST) {
		if ((lr->rec_fd = audit_open_multicast(why[1], sizeof(why[1]))) >= 0) {
			lr->src = LOG_SOURCE_MULTICAST;
			return 0;
		}
	}
	if (want == LOG_SOURCE_AUTO || want == LOG_SOURCE_KMSG) {
		if ((lr->rec_fd = audit_open_kmsg(why[2], sizeof(why[2]))) >= 0) {
			lr->src = LOG_SOURCE_KMSG;
			return 0;
		}
	}
	for (int i = 0; i < 3; i++)
		if (why[i][0])
			trace_note(lr->run, 1, "no audit records could be read: %s", why[i]);
	return -1;
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
static pid_t sentinel(struct log_records *lr)
{
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_LOG);
	struct sock_fprog prog = { 1, &insn };
	pthread_mutex_lock(&lr->mu);
	lr->sentinel_seen = 0;
	pid_t pid = fork();
	if (pid == 0) {
		if (prctl_nnp_and_filter(&prog) == 0)
			syscall(SYS_getppid);
		_exit(0);
	}
	lr->sentinel_pid = pid > 0 ? pid : 0;
	pthread_mutex_unlock(&lr->mu);
	return pid;
}

/* Wait until the sentinel's record arrived. Returns 1 if it did. */
static int sentinel_wait(struct log_records *lr, pid_t pid, int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lr->mu);
	while (!lr->sentinel_seen)
		if (pthread_cond_timedwait(&lr->cv, &lr->mu, &until) != 0)
			break;
	int seen = lr->sentinel_seen;
	lr->sentinel_pid = 0;
	pthread_mutex_unlock(&lr->mu);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return seen;
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
static uint64_t serials_missing(struct log_records *lr, uint64_t from, uint64_t to)
{
	qsort(lr->serials, lr->nserials, sizeof(*lr->serials), u64cmp);
	uint64_t seen = 0, prev = 0;
	for (size_t i = 0; i < lr->nserials; i++) {
		uint64_t s = lr->serials[i];
		if (s > from && s < to && s != prev)
			seen++;
		prev = s;
	}
	return to > from + 1 ? (to - from - 1) - seen : 0;
}

void logrec_completeness(struct log_records *lr, int start_seen, uint64_t start_serial,
			 int end_seen, uint64_t end_serial, const struct audit_status *before,
			 const struct audit_status *after, int status_known, int session_ok)
{
	struct trace_run *run = lr->run;
	if (!start_seen)
		trace_note(run, 1, "the %s source did not deliver a test record before the run: "
			   "records may be missing", run->source);
	if (!end_seen)
		trace_note(run, 1, "the %s source did not deliver a test record after the run: "
			   "the last records may be missing", run->source);
	if (status_known && after->lost != before->lost)
		trace_note(run, 1, "the kernel lost %u audit record(s) while tracing (audit_lost; "
			   "they may have been other processes')", after->lost - before->lost);
	if (lr->enobufs)
		trace_note(run, 1, "the audit multicast socket overflowed %lu time(s) (ENOBUFS): "
			   "records were dropped", lr->enobufs);
	if (lr->src == LOG_SOURCE_KMSG) {
		if (start_seen && end_seen) {
			uint64_t miss = serials_missing(lr, start_serial, end_serial);
			if (miss)
				trace_note(run, 1, "%llu audit record(s) never reached the kernel log "
					   "(printk's rate limit, about 10 per 5 s); run as root for "
					   "a lossless trace, or use --backend=notify",
					   (unsigned long long)miss);
		}
		if (lr->suppressed)
			trace_note(run, 1, "the kernel log suppressed %lu message(s) "
				   "(\"callbacks suppressed\")", lr->suppressed);
		if (lr->overruns)
			trace_note(run, 1, "the kernel log ring buffer overwrote records before "
				   "they were read");
	}
	if (lr->lost_lines)
		trace_note(run, 1, "the audit subsystem reported lost records");
	if (lr->truncated)
		trace_note(run, 1, "%lu audit record(s) were cut short and could not be read",
			   lr->truncated);
	if (lr->unattributed && !session_ok)
		trace_note(run, 0, "%lu record(s) came from processes that ended before they "
			   "could be attributed (without root the tree is followed through /proc)",
			   lr->unattributed);
}


int logrec_start(struct log_records *lr)
{
	if (pipe2(lr->wake, O_CLOEXEC) != 0)
		return -1;
	int err = pthread_create(&lr->reader, NULL, reader_main, lr);
	if (err) {
		errno = err;
		return -1;
	}
	lr->reader_running = 1;
	return 0;
}

int logrec_mark(struct log_records *lr, int ms, uint64_t *serial)
{
	pid_t s = sentinel(lr);
	int seen = sentinel_wait(lr, s, ms);
	*serial = lr->sentinel_serial;
	return seen;
}

void logrec_set_root(struct log_records *lr, pid_t pid)
{
	pthread_mutex_lock(&lr->mu);
	lr->root = pid;
	pthread_mutex_unlock(&lr->mu);
}

void logrec_stop(struct log_records *lr)
{
	if (!lr->reader_running)
		return;
	ssize_t w = write(lr->wake[1], "x", 1);
	(void)w;
	pthread_join(lr->reader, NULL);
	lr->reader_running = 0;
}

void logrec_sort(struct log_records *lr)
{
	qsort(lr->recs, lr->nrecs, sizeof(*lr->recs), by_serial);
}

void logrec_close(struct log_records *lr)
{
	logrec_stop(lr);
	if (lr->rec_fd >= 0)
		close(lr->rec_fd);
	if (lr->ctl_fd >= 0)
		close(lr->ctl_fd);
	if (lr->wake[0] >= 0) {
		close(lr->wake[0]);
		close(lr->wake[1]);
	}
	free(lr->recs);
	free(lr->serials);
	lr->recs = NULL;
	lr->serials = NULL;
	lr->rec_fd = lr->ctl_fd = lr->wake[0] = lr->wake[1] = -1;
}
