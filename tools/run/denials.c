/* SPDX-License-Identifier: MIT */
/*
 * The Landlock denials of the program's tree, from audit (see denials.h).
 *
 * What one denial looks like (measured on Linux 6.18, Landlock ABI 7), all
 * records of one event sharing the audit serial:
 *   1423 domain=11383f2e8 blockers=fs.read_file path="/etc/hostname" dev="vda" ino=733
 *   1424 domain=11383f2e8 status=allocated mode=enforcing pid=6253 uid=0 exe=... comm=...
 *   1300 arch=c000003e syscall=257 success=no exit=-13 a0=ffffff9c a1=... a2=0 ...
 *        ppid=6214 pid=6253 ...
 * The 1424 "allocated" record comes with a domain's first logged denial
 * and names the process that made the domain (not the one denied); the
 * SYSCALL record (the denied process and call) only where the task has an
 * audit context. When the domain is freed, a last 1424 "status=deallocated
 * denials=N" counts every denial of it, logged or not: fewer records than
 * that means some were not seen. Nothing at all is logged while audit is
 * disabled, and by default only the image that restricted itself is logged
 * (scopes-run's pledge asks for its exec'd program too, LOG_NEW_EXEC_ON).
 *
 * A denial is the program's when its domain was made by a process of the
 * tree (the pledge's layers are made by scopes-run's child, the shim's by
 * the program itself) or when its SYSCALL record names one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <scopes/table.h>

#include "audit_client.h"
#include "audit_parse.h"
#include "denials.h"

#define AUDIT_LANDLOCK_ACCESS_TYPE 1423
#define AUDIT_LANDLOCK_DOMAIN_TYPE 1424
#define AUDIT_SYSCALL_TYPE 1300
#define AUDIT_EOE_TYPE 1320
#define LL_ABI_AUDIT 7
#define SENTINEL_MS 2000
#define DEALLOC_MS 500
#define MAX_DENIALS 256
#define MAX_DOMAINS 64
#define MAX_TREE 4096
#define EVENTS_PENDING 32
/* <linux/landlock.h>, ABI 1 */
#define LL_ACCESS_FS_READ_DIR (1ULL << 3)

struct denial {
	long pid;
	uint32_t arch;
	long nr;          /* -1: no SYSCALL record */
	uint64_t args[6];
	unsigned count;
	char exe[AUDIT_EXE_MAX];
	char blockers[128];
	char object[1024];
	int is_path;
};

struct domain {
	char id[32];
	long creator;
	int ours, sentinel;
	long dealloc;     /* the kernel's count of its denials, -1 not yet */
	unsigned logged;
};

/* One denied access: one AUDIT_LANDLOCK_ACCESS record. */
struct access {
	char domain[32];
	char blockers[128], object[1024];
	int is_path;
};

/* One audit event being assembled (records of one serial). A call may be
 * refused for two objects at once (link, rename: the source and the
 * target's directory), one record each. */
#define EVENT_ACCESS_MAX 4
struct event {
	uint64_t serial;
	int have_alloc, have_syscall;
	int nacc;
	struct access acc[EVENT_ACCESS_MAX];
	char alloc_domain[32];
	long alloc_pid;
	long pid, ppid, nr;
	uint32_t arch;
	uint64_t args[6];
	char exe[AUDIT_EXE_MAX];
};

struct denial_watch {
	int ctl_fd, rec_fd;
	long root;
	pid_t sentinel_pid;
	int sentinel_seen;
	unsigned long enobufs;
	int lost_known;
	uint32_t lost_before;
	char lost[512];
	/* events being assembled: the records of one event are queued one by
	 * one (the access when refused, the SYSCALL record at the call's end)
	 * and other processes' records come in between */
	struct event ev[EVENTS_PENDING];
	int nev;
	struct domain dom[MAX_DOMAINS];
	int ndom;
	long tree[MAX_TREE];
	int ntree;
	struct denial d[MAX_DENIALS];
	int nd;
	unsigned dropped; /* beyond MAX_DENIALS kinds */
	char buf[1 << 16];
};

/* --------------------------------------------------------------- the tree */

static int in_tree(const struct denial_watch *w, long pid)
{
	if (pid <= 0)
		return 0;
	if (pid == w->root)
		return 1;
	for (int i = 0; i < w->ntree; i++)
		if (w->tree[i] == pid)
			return 1;
	return 0;
}

static void tree_add(struct denial_watch *w, long pid)
{
	if (!in_tree(w, pid) && w->ntree < MAX_TREE)
		w->tree[w->ntree++] = pid;
}

static long proc_ppid(long pid)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	const char *p = strstr(buf, "\nPPid:");
	return p ? strtol(p + 6, NULL, 10) : -1;
}

/* Is pid (or, still alive, one of its ancestors) in the tree? */
static int ours_by_ancestry(struct denial_watch *w, long pid, long ppid)
{
	if (w->root <= 0 || pid <= 0)
		return 0;
	if (in_tree(w, pid))
		return 1;
	long p = ppid > 0 ? ppid : proc_ppid(pid);
	for (int depth = 0; p > 1 && depth < 16; depth++) {
		if (in_tree(w, p)) {
			tree_add(w, pid);
			return 1;
		}
		p = proc_ppid(p);
	}
	return 0;
}

/* ------------------------------------------------------------- the events */

static struct domain *domain_get(struct denial_watch *w, const char *id, int create)
{
	for (int i = 0; i < w->ndom; i++)
		if (strcmp(w->dom[i].id, id) == 0)
			return &w->dom[i];
	if (!create)
		return NULL;
	/* full: forget the oldest that is not ours */
	if (w->ndom == MAX_DOMAINS) {
		int i = 0;
		while (i < w->ndom && w->dom[i].ours)
			i++;
		if (i == w->ndom)
			return NULL;
		memmove(&w->dom[i], &w->dom[i + 1], (size_t)(w->ndom - i - 1) * sizeof(w->dom[0]));
		w->ndom--;
	}
	struct domain *d = &w->dom[w->ndom++];
	memset(d, 0, sizeof(*d));
	snprintf(d->id, sizeof(d->id), "%s", id);
	d->dealloc = -1;
	return d;
}

static void denial_add(struct denial_watch *w, const struct event *ev, const struct access *a)
{
	long nr = ev->have_syscall ? ev->nr : -1;
	long pid = ev->have_syscall ? ev->pid : -1;
	for (int i = 0; i < w->nd; i++) {
		struct denial *d = &w->d[i];
		if (d->pid == pid && d->nr == nr && strcmp(d->blockers, a->blockers) == 0 &&
		    strcmp(d->object, a->object) == 0) {
			d->count++;
			return;
		}
	}
	if (w->nd == MAX_DENIALS) {
		w->dropped++;
		return;
	}
	struct denial *d = &w->d[w->nd++];
	memset(d, 0, sizeof(*d));
	d->pid = pid;
	d->arch = ev->arch;
	d->nr = nr;
	memcpy(d->args, ev->args, sizeof(d->args));
	d->count = 1;
	snprintf(d->exe, sizeof(d->exe), "%s", ev->have_syscall ? ev->exe : "");
	snprintf(d->blockers, sizeof(d->blockers), "%s", a->blockers);
	snprintf(d->object, sizeof(d->object), "%s", a->object);
	d->is_path = a->is_path;
}

/* Attribute one complete event, and forget it. */
static void event_flush(struct denial_watch *w, struct event *ev)
{
	if (ev->have_syscall && (in_tree(w, ev->ppid) || (ev->pid == w->root && w->root > 0)))
		tree_add(w, ev->pid);
	if (ev->have_alloc) {
		struct domain *d = domain_get(w, ev->alloc_domain, 1);
		if (d) {
			d->creator = ev->alloc_pid;
			d->sentinel = w->sentinel_pid > 0 && ev->alloc_pid == w->sentinel_pid;
			d->ours = !d->sentinel && ours_by_ancestry(w, ev->alloc_pid, 0);
		}
	}
	for (int i = 0; i < ev->nacc; i++) {
		struct domain *d = domain_get(w, ev->acc[i].domain, 0);
		if ((d && d->sentinel) ||
		    (ev->have_syscall && w->sentinel_pid > 0 && ev->pid == w->sentinel_pid)) {
			w->sentinel_seen = 1;
		} else if ((d && d->ours) ||
			   (ev->have_syscall && ours_by_ancestry(w, ev->pid, ev->ppid))) {
			if (d)
				d->logged++;
			denial_add(w, ev, &ev->acc[i]);
		}
	}
	/* in arrival order: the oldest first */
	int k = (int)(ev - w->ev);
	memmove(&w->ev[k], &w->ev[k + 1], (size_t)(w->nev - k - 1) * sizeof(w->ev[0]));
	w->nev--;
}

static void events_flush_all(struct denial_watch *w)
{
	while (w->nev > 0)
		event_flush(w, &w->ev[0]);
}

/* The event of this serial, a new one if none (the oldest is attributed
 * as it stands when there is no room: an event without a system call
 * context has no end-of-event record). */
static struct event *event_get(struct denial_watch *w, uint64_t serial)
{
	for (int i = 0; i < w->nev; i++)
		if (w->ev[i].serial == serial)
			return &w->ev[i];
	if (w->nev == EVENTS_PENDING)
		event_flush(w, &w->ev[0]);
	struct event *ev = &w->ev[w->nev++];
	memset(ev, 0, sizeof(*ev));
	ev->serial = serial;
	return ev;
}

/* The object of a denial: its path (path=, or name= where the kernel has
 * no full path), else the fields after the blockers (a port, a process). */
static void access_object(struct access *a, const char *text, size_t len)
{
	if (audit_field(text, len, "path", 1, a->object, sizeof(a->object)) >= 0 ||
	    audit_field(text, len, "name", 1, a->object, sizeof(a->object)) >= 0) {
		a->is_path = 1;
		return;
	}
	const char *b = strstr(text, "blockers=");
	const char *sp = b ? strchr(b, ' ') : NULL;
	snprintf(a->object, sizeof(a->object), "%s", sp ? sp + 1 : "");
}

static void take(struct denial_watch *w, unsigned type, const char *text, size_t len)
{
	struct audit_record rec;
	char v[64];

	if (type != AUDIT_LANDLOCK_ACCESS_TYPE && type != AUDIT_LANDLOCK_DOMAIN_TYPE &&
	    type != AUDIT_SYSCALL_TYPE && type != AUDIT_EOE_TYPE)
		return;
	/* the stamp "audit(sec.msec:serial): " and, for SYSCALL, its fields */
	if (audit_parse_line(text, len, type, &rec) != AUDIT_LINE_RECORD ||
	    !(rec.fields & AUDIT_F_STAMP))
		return;
	struct event *ev = event_get(w, rec.serial);
	const char *body = memchr(text, ')', len);
	body = body ? body + 1 : text;
	size_t blen = len - (size_t)(body - text);
	switch (type) {
	case AUDIT_LANDLOCK_ACCESS_TYPE: {
		if (ev->nacc == EVENT_ACCESS_MAX) {
			w->dropped++;
			break;
		}
		struct access *a = &ev->acc[ev->nacc++];
		audit_field(body, blen, "domain", 0, a->domain, sizeof(a->domain));
		audit_field(body, blen, "blockers", 0, a->blockers, sizeof(a->blockers));
		access_object(a, body, blen);
		break;
	}
	case AUDIT_LANDLOCK_DOMAIN_TYPE:
		audit_field(body, blen, "status", 0, v, sizeof(v));
		if (strcmp(v, "allocated") == 0) {
			ev->have_alloc = 1;
			audit_field(body, blen, "domain", 0, ev->alloc_domain,
				    sizeof(ev->alloc_domain));
			audit_field(body, blen, "pid", 0, v, sizeof(v));
			ev->alloc_pid = strtol(v, NULL, 10);
		} else if (strcmp(v, "deallocated") == 0) {
			/* from a work queue, an event of its own */
			char id[32];
			audit_field(body, blen, "domain", 0, id, sizeof(id));
			audit_field(body, blen, "denials", 0, v, sizeof(v));
			/* kept even before its allocation's event is complete */
			struct domain *d = domain_get(w, id, 1);
			if (d)
				d->dealloc = strtol(v, NULL, 10);
		}
		break;
	case AUDIT_SYSCALL_TYPE:
		if ((rec.fields & (AUDIT_F_PID | AUDIT_F_SYSCALL)) != (AUDIT_F_PID | AUDIT_F_SYSCALL))
			break;
		ev->have_syscall = 1;
		ev->pid = rec.pid;
		ev->nr = rec.syscall;
		ev->arch = (rec.fields & AUDIT_F_ARCH) ? rec.arch : scopes_native_arch();
		snprintf(ev->exe, sizeof(ev->exe), "%s", (rec.fields & AUDIT_F_EXE) ? rec.exe : "");
		if (audit_field(body, blen, "ppid", 0, v, sizeof(v)) > 0)
			ev->ppid = strtol(v, NULL, 10);
		for (int i = 0; i < 4; i++) {
			char key[4] = { 'a', (char)('0' + i), 0, 0 };
			if (audit_field(body, blen, key, 0, v, sizeof(v)) > 0)
				ev->args[i] = strtoull(v, NULL, 16);
		}
		break;
	case AUDIT_EOE_TYPE:
		event_flush(w, ev);
		break;
	}
}

static void read_records(struct denial_watch *w)
{
	for (;;) {
		ssize_t n = recv(w->rec_fd, w->buf, sizeof(w->buf) - 1, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS) {
				w->enobufs++;
				continue;
			}
			return; /* EAGAIN */
		}
		if ((size_t)n < NLMSG_HDRLEN)
			continue;
		const struct nlmsghdr *nh = (const struct nlmsghdr *)w->buf;
		w->buf[n] = '\0';
		/* one record per datagram; nlmsg_len may leave the header out */
		take(w, nh->nlmsg_type, w->buf + NLMSG_HDRLEN, strnlen(w->buf + NLMSG_HDRLEN,
								      (size_t)n - NLMSG_HDRLEN));
	}
}

void denials_poll(struct denial_watch *w, int wake_fd, int ms)
{
	struct pollfd pf[2] = { { w->rec_fd, POLLIN, 0 }, { wake_fd, POLLIN, 0 } };
	if (poll(pf, wake_fd >= 0 ? 2 : 1, ms) > 0 && pf[0].revents)
		read_records(w);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ------------------------------------------------------------ sentinel */

/* A process that makes one Landlock denial of its own (reading "/" in a
 * domain that handles directory reads), logged as the image that made the
 * domain: its record marks a point in the audit stream. */
static pid_t sentinel_start(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t attr[3] = { LL_ACCESS_FS_READ_DIR, 0, 0 };
		long rs = syscall(SYS_landlock_create_ruleset, attr, sizeof(attr[0]), 0);
		if (rs >= 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
		    syscall(SYS_landlock_restrict_self, rs, 0) == 0)
			open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		_exit(0);
	}
	return pid;
}

/* Is the event being assembled the sentinel's? (Its last event may have
 * no end-of-event record to close it.) */
static int pending_is_sentinel(const struct denial_watch *w)
{
	for (int i = 0; i < w->nev; i++) {
		const struct event *ev = &w->ev[i];
		if (w->sentinel_pid > 0 &&
		    ((ev->have_alloc && ev->alloc_pid == w->sentinel_pid) ||
		     (ev->have_syscall && ev->nacc && ev->pid == w->sentinel_pid)))
			return 1;
	}
	return 0;
}

/* Run a sentinel and read until its record arrived. 1 if it did. */
static int sentinel(struct denial_watch *w, int ms)
{
	w->sentinel_seen = 0;
	w->sentinel_pid = sentinel_start();
	if (w->sentinel_pid < 0)
		return 0;
	long until = now_ms() + ms;
	while (!w->sentinel_seen && now_ms() < until) {
		denials_poll(w, -1, 50);
		if (pending_is_sentinel(w))
			w->sentinel_seen = 1;
	}
	waitpid(w->sentinel_pid, NULL, 0);
	if (pending_is_sentinel(w))
		events_flush_all(w);
	w->sentinel_pid = 0;
	return w->sentinel_seen;
}

/* ----------------------------------------------------------- open/close */

static void watch_free(struct denial_watch *w)
{
	audit_restore_now();
	if (w->rec_fd >= 0)
		close(w->rec_fd);
	if (w->ctl_fd >= 0)
		close(w->ctl_fd);
	free(w);
}

struct denial_watch *denials_open(int abi, int may_enable, char *why, size_t wsize)
{
	if (abi <= 0) {
		snprintf(why, wsize, "this kernel has no Landlock");
		return NULL;
	}
	if (abi < LL_ABI_AUDIT) {
		snprintf(why, wsize, "this kernel's Landlock (ABI %d) does not log denials "
				     "(ABI 7, Linux 6.15, does)", abi);
		return NULL;
	}
	struct denial_watch *w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(why, wsize, "out of memory");
		return NULL;
	}
	w->rec_fd = -1;
	w->ctl_fd = audit_nl_socket();
	if (w->ctl_fd < 0) {
		snprintf(why, wsize, "NETLINK_AUDIT: %s", strerror(errno));
		watch_free(w);
		return NULL;
	}
	struct audit_status st;
	int rc = audit_status_get(w->ctl_fd, &st);
	char r[256] = "";
	if (rc != 0) {
		/* not CAP_AUDIT_CONTROL: listening may still be allowed
		 * (CAP_AUDIT_READ); the sentinel tells whether audit is on */
		w->rec_fd = audit_open_multicast(r, sizeof(r));
		if (w->rec_fd < 0) {
			snprintf(why, wsize, "reading audit records needs root (CAP_AUDIT_CONTROL "
					     "to enable audit, CAP_AUDIT_READ to read it): %s", r);
			watch_free(w);
			return NULL;
		}
	} else {
		/* only listen (the multicast group), never as the audit daemon:
		 * that place is a daemon's, or scopes-trace's log backend's;
		 * audit on for as long as a watcher needs it (shared) */
		int on = 0;
		if (audit_enable_shared(w->ctl_fd, may_enable, &on, r, sizeof(r)) == 0)
			w->rec_fd = audit_open_multicast(r, sizeof(r));
		else if (strcmp(r, AUDIT_OFF_REASON) == 0)
			snprintf(r, sizeof(r), "%s (--audit turns it on for the run; the kernel then "
					       "audits every task created after it until reboot)",
				 AUDIT_OFF_REASON);
	}
	if (w->rec_fd < 0) {
		snprintf(why, wsize, "%s", r);
		watch_free(w);
		return NULL;
	}
	w->lost_known = audit_status_get(w->ctl_fd, &st) == 0;
	w->lost_before = st.lost;
	if (!sentinel(w, SENTINEL_MS)) {
		snprintf(why, wsize, "a test denial made before the program was not logged "
				     "within %d ms (%s)", SENTINEL_MS,
			 rc != 0 ? "audit may be disabled, and enabling it needs CAP_AUDIT_CONTROL"
				 : "an audit rule may exclude Landlock records");
		watch_free(w);
		return NULL;
	}
	return w;
}

void denials_set_root(struct denial_watch *w, pid_t pid)
{
	w->root = pid;
}

static void add_lost(struct denial_watch *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_lost(struct denial_watch *w, const char *fmt, ...)
{
	size_t l = strlen(w->lost);
	if (l && l + 2 < sizeof(w->lost)) {
		memcpy(w->lost + l, "; ", 3);
		l += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->lost + l, sizeof(w->lost) - l, fmt, ap);
	va_end(ap);
}

void denials_finish(struct denial_watch *w)
{
	/* everything logged before the sentinel's denial has arrived */
	if (!sentinel(w, SENTINEL_MS))
		add_lost(w, "a test denial made after the program was not logged within %d ms",
			 SENTINEL_MS);
	/* the domains are freed once their last process is gone: their
	 * count of denials tells the ones not logged */
	long until = now_ms() + DEALLOC_MS;
	for (;;) {
		int waiting = 0;
		for (int i = 0; i < w->ndom; i++)
			waiting |= w->dom[i].ours && w->dom[i].dealloc < 0;
		if (!waiting || now_ms() >= until)
			break;
		denials_poll(w, -1, 50);
	}
	events_flush_all(w);
	unsigned long unlogged = 0;
	for (int i = 0; i < w->ndom; i++)
		if (w->dom[i].ours && w->dom[i].dealloc > (long)w->dom[i].logged)
			unlogged += (unsigned long)(w->dom[i].dealloc - (long)w->dom[i].logged);
	if (unlogged)
		add_lost(w, "the kernel counted %lu denial%s it did not log (made in a program "
			    "the program exec'd, before that one pledged)",
			 unlogged, unlogged == 1 ? "" : "s");
	if (w->enobufs)
		add_lost(w, "the audit multicast group dropped records (ENOBUFS)");
	struct audit_status st;
	if (audit_status_get(w->ctl_fd, &st) == 0) {
		if (w->lost_known && st.lost != w->lost_before)
			add_lost(w, "the kernel's audit lost counter rose by %u",
				 st.lost - w->lost_before);
		if (!st.enabled)
			add_lost(w, "audit was disabled during the run");
	}
	if (w->dropped)
		add_lost(w, "%u more kinds of denial than the report holds", w->dropped);
	audit_restore_now();
}

void denials_close(struct denial_watch *w)
{
	if (w)
		watch_free(w);
}

/* ---------------------------------------------------------- the verdict */

/*
 * A call Landlock refuses for this right: its rights are defined by the calls
 * they mediate. The denied call itself is asked about when it is that call
 * (an open's flags tell read from write, create from truncate); another call
 * refused for this right (execve reading its file) is not what the right
 * grants, and the record may name no call at all.
 */
static int call_for_right(const char *right, const struct denial *d, uint32_t arch, long *nr,
			  uint64_t args[6])
{
	static const struct {
		const char *right, *call;
		uint64_t a2;
	} map[] = {
		{ "fs.read_file", "openat", O_RDONLY },
		{ "fs.read_dir", "openat", O_RDONLY | O_DIRECTORY },
		{ "fs.write_file", "openat", O_WRONLY },
		{ "fs.truncate", "truncate", 0 },
		{ "fs.execute", "execve", 0 },
		{ "fs.make_reg", "openat", O_WRONLY | O_CREAT },
		{ "fs.make_dir", "mkdirat", 0755 },
		{ "fs.remove_file", "unlinkat", 0 },
		{ "fs.remove_dir", "unlinkat", AT_REMOVEDIR },
		{ "fs.make_sym", "symlinkat", 0 },
		{ "fs.make_fifo", "mknodat", S_IFIFO | 0644 },
		{ "fs.refer", "renameat", 0 },
	};
	const char *actual = d->nr >= 0 ? scopes_syscall_name(arch, d->nr) : NULL;
	memset(args, 0, 6 * sizeof(args[0]));
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(right, map[i].right) != 0)
			continue;
		int opens = strcmp(map[i].call, "openat") == 0 || strcmp(map[i].call, "truncate") == 0;
		if (actual && (strcmp(actual, map[i].call) == 0 ||
			       (opens && (strcmp(actual, "open") == 0 || strcmp(actual, "openat") == 0 ||
					  strcmp(actual, "creat") == 0)))) {
			*nr = d->nr;
			memcpy(args, d->args, 6 * sizeof(args[0]));
			return 1;
		}
		*nr = scopes_syscall_number(arch, map[i].call);
		args[0] = (uint64_t)(int64_t)AT_FDCWD;
		args[2] = map[i].a2;
		if (strcmp(map[i].call, "truncate") == 0 || strcmp(map[i].call, "execve") == 0)
			args[0] = 0;
		return *nr >= 0;
	}
	return 0;
}

enum verdict { V_UNKNOWN, V_NEEDS, V_NONE, V_UNVEIL };

/* Which promise sets (not held) would have allowed it? Asked of the table:
 * the call's alternatives, path-scoped ones only where their paths cover
 * the object. alts: "rpath|getpw". */
static enum verdict verdict_of(const struct denial *d, scopes_set_t held, char *alts, size_t size)
{
	uint32_t arch = d->arch ? d->arch : scopes_native_arch();
	long nr;
	uint64_t args[6];
	char first[64];

	alts[0] = '\0';
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(d->blockers, ","), d->blockers);
	if (!call_for_right(first, d, arch, &nr, args))
		return V_UNKNOWN;
	struct scopes_verdict v;
	if (scopes_query(arch, nr, args, &v) != 0)
		return V_UNKNOWN;
	if (v.cls != SCOPES_CLASS_PROMISE)
		return v.cls == SCOPES_CLASS_ALWAYS ? V_UNVEIL : V_NONE;
	int held_allows = 0;
	size_t o = 0;
	for (int i = 0; i < v.n; i++) {
		const struct scopes_alt *a = &v.alt[i];
		if (a->flags & SCOPES_ALT_INCIDENTAL)
			continue;
		int covered = 1;
		for (int p = 0; p < scopes_promise_count(); p++)
			if ((a->set >> p & 1) && (scopes_promise_flags(p) & SCOPES_PROMISE_PATHSCOPED) &&
			    (!d->is_path || !scopes_promise_covers_path(p, d->object)))
				covered = 0;
		if (!covered)
			continue;
		if (!(a->set & ~held)) {
			held_allows = 1;
			continue;
		}
		char s[256];
		scopes_promises_format(a->set, s, sizeof(s));
		if (o + strlen(s) + 2 < size)
			o += (size_t)snprintf(alts + o, size - o, "%s%s", o ? "|" : "", s);
	}
	if (held_allows)
		return V_UNVEIL;
	return o ? V_NEEDS : V_NONE;
}

static void verdict_text(enum verdict vd, const char *alts, int unveiled, char *out, size_t size)
{
	switch (vd) {
	case V_NEEDS: {
		size_t o = 0;
		int n = 0;
		for (const char *p = alts; *p && o < size;) {
			size_t l = strcspn(p, "|");
			int multi = memchr(p, ' ', l) != NULL;
			o += (size_t)snprintf(out + o, size - o, "%s%s%.*s%s", n ? " or " : "",
					      multi ? "\"" : "", (int)l, p, multi ? "\"" : "");
			n++;
			p += l + (p[l] == '|');
		}
		if (o < size)
			snprintf(out + o, size - o, " would allow it");
		break;
	}
	case V_NONE:
		snprintf(out, size, "no promise allows it");
		break;
	case V_UNVEIL:
		snprintf(out, size, unveiled ? "the promises allow it: an unveil (-v) does not"
					     : "the promises allow it: another Landlock layer does not");
		break;
	default:
		snprintf(out, size, "no promise is known to allow it");
		break;
	}
}

static void clean(char *s)
{
	for (; *s; s++)
		if (*s == '\t' || *s == '\n')
			*s = '?';
}

unsigned denials_print(const struct denial_watch *w, FILE *f, const char *prefix,
		       scopes_set_t held, int unveiled)
{
	unsigned total = 0;
	scopes_table_init();
	for (int i = 0; i < w->nd; i++) {
		const struct denial *d = &w->d[i];
		char alts[512], vt[640], who[AUDIT_EXE_MAX + 64];
		enum verdict vd = verdict_of(d, held, alts, sizeof(alts));
		verdict_text(vd, alts, unveiled, vt, sizeof(vt));
		if (d->pid > 0)
			snprintf(who, sizeof(who), "%s (pid %ld, %s)", d->exe[0] ? d->exe : "?",
				 d->pid, scopes_syscall_name(d->arch, d->nr) ?: "?");
		else
			snprintf(who, sizeof(who), "the program");
		fprintf(f, "%sLandlock denied %s of %s to %s: %s", prefix, d->blockers,
			d->object, who, vt);
		if (d->count > 1)
			fprintf(f, " (%u times)", d->count);
		fputc('\n', f);
		total += d->count;
	}
	if (w->lost[0])
		fprintf(f, "%s--report: some Landlock denials were not seen: %s\n", prefix, w->lost);
	return total;
}

void denials_write_lines(const struct denial_watch *w, int fd, scopes_set_t held, int unveiled)
{
	FILE *f = fdopen(dup(fd), "w");
	if (!f)
		return;
	scopes_table_init();
	for (int i = 0; i < w->nd; i++) {
		struct denial d = w->d[i];
		char alts[512], vt[640];
		enum verdict vd = verdict_of(&d, held, alts, sizeof(alts));
		verdict_text(vd, alts, unveiled, vt, sizeof(vt));
		clean(d.exe);
		clean(d.object);
		clean(d.blockers);
		fprintf(f, "denial\t%ld\t%s\t%s\t%s\t%s\t%u\t%s\t%s\n", d.pid, d.exe, d.blockers,
			d.object, d.nr >= 0 ? (scopes_syscall_name(d.arch, d.nr) ?: "?") : "",
			d.count, vt, alts);
	}
	if (w->lost[0])
		fprintf(f, "lost\t%s\n", w->lost);
	fclose(f);
}
