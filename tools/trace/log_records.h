/* SPDX-License-Identifier: MIT */
/*
 * log_records — where the log backend's audit records come from, and
 * whether all of them came: the audit daemon registration, the multicast
 * group or /dev/kmsg (best first), a reader thread that keeps the
 * seccomp records of the traced tree, sentinel records that bracket the
 * run in the audit stream, and the losses each source can show (kmsg's
 * missing serials and suppressed lines, multicast's ENOBUFS, records cut
 * short).
 *
 * Used by one thread (the backend's) besides the reader it starts; none of
 * it is async-signal-safe.
 */
#ifndef SCOPES_TRACE_LOG_RECORDS_H
#define SCOPES_TRACE_LOG_RECORDS_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit_client.h"
#include "backend.h"

#define AUDIT_SID_UNSET_VALUE 4294967295u

/* One seccomp record kept for the run. */
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

struct log_records {
	struct trace_run *run;
	enum log_source src;
	int rec_fd, ctl_fd; /* ctl_fd: a NETLINK_AUDIT socket (root), or -1 */
	int daemon;
	int wake[2];
	pthread_t reader;
	int reader_running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct lrec *recs; /* the records kept, in arrival order until sorted */
	size_t nrecs, crecs;
	uint64_t *serials; /* kmsg: every audit serial seen */
	size_t nserials, cserials;
	unsigned long suppressed, lost_lines, truncated, enobufs, overruns;
	long sentinel_pid;
	uint64_t sentinel_serial;
	int sentinel_seen;
	long root;        /* the traced program's pid, once forked */
	long tree[4096];  /* without a session: pids known to be the tree's */
	size_t ntree;
	unsigned long unattributed;
};

/* Ready lr for run (nothing opened yet). */
void logrec_init(struct log_records *lr, struct trace_run *run);
/* Open the best source want allows; why each better one failed is noted
 * in run. Returns 0, or -1 when there is none. */
int logrec_open(struct log_records *lr, enum log_source want);
/* The open source's name for the report ("netlink-daemon", ...). */
const char *logrec_source_name(const struct log_records *lr);
/* Start the reader thread. Returns 0 or -1 (errno). */
int logrec_start(struct log_records *lr);
/* Mark a point in the audit stream with a sentinel record and wait up to
 * ms for it to be read. Returns 1 with *serial set if it was, else 0. */
int logrec_mark(struct log_records *lr, int ms, uint64_t *serial);
/* From now on records of pid's tree are the run's. */
void logrec_set_root(struct log_records *lr, pid_t pid);
/* Stop the reader once it has read what was queued (no-op if not running). */
void logrec_stop(struct log_records *lr);
/* Note in run whatever made the records incomplete between the marks
 * (start/end: what logrec_mark returned; before/after: the kernel's audit
 * status, if status_known; session_ok: the tree had its own session). */
void logrec_completeness(struct log_records *lr, int start_seen, uint64_t start_serial,
			 int end_seen, uint64_t end_serial, const struct audit_status *before,
			 const struct audit_status *after, int status_known, int session_ok);
/* The kept records in the kernel's order (by serial). */
void logrec_sort(struct log_records *lr);
/* Stop the reader, close the sources, free the records. */
void logrec_close(struct log_records *lr);

#endif
