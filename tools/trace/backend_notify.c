/* SPDX-License-Identifier: MIT */
/*
 * The notify backend: SECCOMP_RET_USER_NOTIF with FLAG_CONTINUE.
 *
 * The child installs a filter that notifies every system call (but the one
 * sendmsg that hands us the listener), then execs the program. We answer
 * each notification with "continue" — the call runs as if no filter were
 * there — after looking at it: arguments, path strings from /proc/TID/mem
 * (trusted only if SECCOMP_IOCTL_NOTIF_ID_VALID still holds afterwards),
 * which image and phase it belongs to. The one exception is the calls every
 * pledge answers with ENOSYS (clone3, openat2): we answer ENOSYS too, so the
 * program takes the fallback path it will take when pledged, and we see it.
 *
 * One listener sees the whole tree: filters are inherited by fork and clone
 * and survive execve. The listener reports POLLHUP once no task uses the
 * filter any more.
 *
 * Start-up: a new image's calls made from its program interpreter (glibc's
 * ld.so, found through AT_BASE and /proc/PID/maps) belong to its start-up
 * until the first call made from anywhere else. With glibc that first call
 * is libc's early initialisation (prlimit64), which ld.so runs before any
 * constructor or the program's entry point: so nothing the program's own
 * code does is ever counted as start-up. Calls ld.so makes later (dlopen,
 * lazy binding) count for the program. Static programs, and loaders that are
 * also the C library (musl), have no start-up phase: everything counts for
 * the program (a superset, never too little).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "decode.h" /* decode/: the project's system call decoder */
#include "elfinfo.h"
#include "notify_proc.h"
#include "procfs.h"
#include "procmodel.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif


struct tmap_ent {
	long tid;
	struct proc *p;
};

struct nstate {
	struct trace_run *run;
	const struct tr_options *opt;
	int listener;
	int errpipe;
	int started;         /* the first exec succeeded */
	pid_t child;
	struct pm_table procs;
	struct tmap_ent *threads;
	size_t tsize, tcount;
	long nr_write, nr_seccomp, nr_execve, nr_execveat, nr_close, nr_exit, nr_exit_group;
	long nr_mmap, nr_munmap, nr_mprotect, nr_mremap, nr_prctl;
};

static int kernel_at_least(int want_major, int want_minor)
{
	struct utsname u;
	int major = 0, minor = 0;
	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major > want_major || (major == want_major && minor >= want_minor);
}

int notify_available(void)
{
	unsigned action = SECCOMP_RET_USER_NOTIF;
	/* FLAG_CONTINUE arrived in 5.5; USER_NOTIF itself in 5.0 */
	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0 &&
	       kernel_at_least(5, 5);
}

/* ------------------------------------------------------------ processes */

static struct proc *proc_new(struct nstate *ns, long pid, const struct proc *from)
{
	struct proc *p = (struct proc *)pm_add(&ns->procs, pid, from ? &from->pm : NULL);
	if (!p)
		return NULL;
	p->segment = from ? from->segment : 0;
	p->pending_pledge = -1;
	p->maps_dirty = 1;
	p->memfd = -1;
	return p;
}

static struct proc *proc_find(struct nstate *ns, long pid)
{
	return (struct proc *)pm_find(&ns->procs, pid);
}

static void proc_forget(struct nstate *ns, struct proc *p)
{
	for (size_t i = 0; i < ns->tsize; i++)
		if (ns->threads[i].p == p)
			ns->threads[i].p = NULL; /* tombstone: tid stays known-dead */
	proc_maps_free(&p->maps);
	if (p->memfd >= 0)
		close(p->memfd);
	free(p->cwd);
	free(p->exec_path);
	pm_remove(&ns->procs, &p->pm);
}

static void tmap_put(struct nstate *ns, long tid, struct proc *p);

static void tmap_grow(struct nstate *ns)
{
	struct tmap_ent *old = ns->threads;
	size_t osize = ns->tsize;
	ns->tsize = osize ? osize * 2 : 256;
	ns->threads = calloc(ns->tsize, sizeof(*ns->threads));
	ns->tcount = 0;
	if (!ns->threads) {
		tr_error("out of memory");
		exit(125);
	}
	for (size_t i = 0; i < osize; i++)
		if (old[i].tid && old[i].p)
			tmap_put(ns, old[i].tid, old[i].p);
	free(old);
}

static struct tmap_ent *tmap_slot(struct nstate *ns, long tid)
{
	size_t h = (size_t)tid * 2654435761u % ns->tsize;
	while (ns->threads[h].tid && ns->threads[h].tid != tid)
		h = (h + 1) % ns->tsize;
	return &ns->threads[h];
}

static void tmap_put(struct nstate *ns, long tid, struct proc *p)
{
	if ((ns->tcount + 1) * 2 > ns->tsize)
		tmap_grow(ns);
	struct tmap_ent *e = tmap_slot(ns, tid);
	if (!e->tid)
		ns->tcount++;
	e->tid = tid;
	e->p = p;
}

/* The process a thread belongs to, learning new threads and processes. */
static struct proc *proc_of(struct nstate *ns, long tid)
{
	if (!ns->tsize)
		tmap_grow(ns);
	struct tmap_ent *e = tmap_slot(ns, tid);
	if (e->tid == tid && e->p)
		return e->p;
	long tgid, ppid;
	if (proc_status(tid, &tgid, &ppid) != 0)
		return NULL;
	struct proc *p = proc_find(ns, tgid);
	if (!p) {
		if (tgid != tid) {
			long pp;
			if (proc_status(tgid, &tgid, &pp) != 0)
				return NULL;
			ppid = pp;
		}
		/* a new process: it was forked by its parent (or, if that one
		 * is gone, by someone in the tree: take the first process) */
		struct proc *parent = proc_find(ns, ppid);
		if (!parent && ns->procs.n)
			parent = (struct proc *)ns->procs.procs[0];
		p = proc_new(ns, tgid, parent);
		if (!p)
			return NULL;
	}
	ns->run->threads++;
	tmap_put(ns, tid, p);
	return p;
}

static void image_begin(struct nstate *ns, struct proc *p, const char *path, int parent)
{
	char exe[PATH_MAX];
	struct auxv_info av;
	const char *interp = NULL;

	if (proc_link(p->pm.pid, "exe", exe, sizeof(exe)) != 0)
		strcpy(exe, "?");
	p->maps_dirty = 1;
	if (p->memfd >= 0) { /* the new image has a new mm */
		close(p->memfd);
		p->memfd = -1;
	}
	pm_loader_none(&p->pm);
	if (proc_auxv(p->pm.pid, &av) == 0 && av.base && notify_maps_fresh(p) == 0) {
		const struct map_ent *m = proc_maps_find(&p->maps, av.base);
		if (m && m->path) {
			uint64_t lo = UINT64_MAX, hi = 0;
			interp = m->path;
			for (size_t i = 0; i < p->maps.n; i++) {
				if (p->maps.ent[i].path != m->path)
					continue;
				if (p->maps.ent[i].lo < lo)
					lo = p->maps.ent[i].lo;
				if (p->maps.ent[i].hi > hi)
					hi = p->maps.ent[i].hi;
			}
			int glibc = elf_is_glibc_loader(interp);
			pm_loader_mapped(&p->pm, lo, hi, glibc);
			if (!glibc)
				trace_note(ns->run, 0,
					   "%s: its loader %s is also its C library: start-up is "
					   "counted with the program",
					   path, interp);
		}
	}
	/* filters survive exec: p->segment stays */
	pm_image_start(&ns->procs, &p->pm, path, exe, interp, parent);
}

/* ---------------------------------------------------------- the call */

static int id_valid(struct nstate *ns, uint64_t id)
{
	return ioctl(ns->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static void handshake(struct nstate *ns, struct proc *p, const struct seccomp_notif *req)
{
	char line[8400];
	size_t len = (size_t)req->data.args[2];
	if (len < 16 || len >= sizeof(line))
		return;
	ssize_t got = proc_mem_read(req->pid, req->data.args[1], line, len);
	if (got != (ssize_t)len || !id_valid(ns, req->id))
		return;
	int idx = trace_pledge_add(ns->run, line, len, p->pm.pid, p->pm.image, p->segment);
	if (idx < 0)
		return;
	struct tr_pledge *pl = &ns->run->pledges[idx];
	p->maps_dirty = 1;
	pl->where = notify_locate(p, pl->caller);
	p->pending_pledge = idx;
}

static void moot_check(struct proc *p, long tid)
{
	if (p->moot_state != 1 || p->moot_tid != tid)
		return;
	char what[32];
	snprintf(what, sizeof(what), "fd/%d", p->moot_fd);
	if (proc_link(p->pm.pid, what, p->moot_link, sizeof(p->moot_link)) == 0 &&
	    strncmp(p->moot_link, "socket:", 7) == 0)
		p->moot_state = 2;
	else
		p->moot_state = 0; /* the call failed: nothing was created */
}

/* Does the call use the FAIL-row call's descriptor? (Calls on a descriptor
 * take it first; a call passing the number otherwise is rare and errs on
 * the side of a promise more.) */
static int moot_applies(struct proc *p, const uint64_t *args)
{
	if (p->moot_state != 2 || (int)args[0] != p->moot_fd)
		return 0;
	char what[32], link[64];
	snprintf(what, sizeof(what), "fd/%d", p->moot_fd);
	if (proc_link(p->pm.pid, what, link, sizeof(link)) != 0 || strcmp(link, p->moot_link) != 0) {
		p->moot_state = 0;
		return 0;
	}
	return 1;
}

static void exec_check(struct nstate *ns, struct proc *p, long tid)
{
	if (!p->pm.exec_pending || (tid != p->exec_tid && tid != p->pm.pid))
		return;
	struct auxv_info now;
	int changed = proc_auxv(p->pm.pid, &now) == 0 &&
		      (now.random != p->exec_auxv.random || now.execfn != p->exec_auxv.execfn ||
		       now.entry != p->exec_auxv.entry);
	if (changed) {
		p->pm.exec_pending = 0;
		image_begin(ns, p, p->exec_path ? p->exec_path : "?", p->pm.image);
	} else if (tid == p->exec_tid) {
		p->pm.exec_pending = 0; /* the exec failed; the image goes on */
	}
}

/* Executable memory named by what it maps: an fd number says nothing to the
 * reader, the library does ("3</usr/lib/.../libpython3.11.so.1.0>", as
 * strace -y writes it); mprotect names the mapping it changes. */
static void name_exec_mapping(struct nstate *ns, struct proc *p, long tid, long nr,
			      const uint64_t *args, char *text, size_t size)
{
	char what[32], path[PATH_MAX], out[1024];
	if (nr == ns->nr_mmap && (args[2] & PROT_EXEC) && !(args[3] & MAP_ANONYMOUS) &&
	    (int)args[4] >= 0) {
		snprintf(what, sizeof(what), "fd/%d", (int)args[4]);
		if (proc_link(tid, what, path, sizeof(path)) != 0)
			return;
		/* the fifth argument of "mmap(a, b, c, d, FD, f)" */
		char *q = text;
		for (int i = 0; i < 4 && q; i++) {
			q = strstr(q, ", ");
			if (q)
				q += 2;
		}
		char *e = q ? strstr(q, ", ") : NULL;
		if (!e)
			return;
		size_t head = (size_t)(e - text), pl = strlen(path), tl = strlen(e);
		if (head + pl + tl + 3 > sizeof(out) || head + pl + tl + 3 > size)
			return;
		memcpy(out, text, head);
		out[head] = '<';
		memcpy(out + head + 1, path, pl);
		out[head + 1 + pl] = '>';
		memcpy(out + head + 2 + pl, e, tl + 1);
		memcpy(text, out, head + pl + tl + 3);
	} else if (nr == ns->nr_mprotect && (args[2] & PROT_EXEC)) {
		struct tr_loc l = notify_locate(p, args[0]);
		if (l.module) {
			size_t n = strlen(text);
			snprintf(text + n, size - n, " [%s]", l.module);
		}
	}
}

/* A filter of the program's own (not a libscopes pledge announced through
 * the handshake, whose filter logs): what it refuses is decided before our
 * notification (KILL, TRAP and ERRNO outrank USER_NOTIF) and never seen;
 * its own listener fails with EBUSY (one per filter chain), so the program
 * does not run as it would untraced. */
static void own_filter(struct nstate *ns, struct proc *p, long nr, const uint64_t *args)
{
	const char *img = p->pm.image >= 0 ? ns->run->images[p->pm.image].path : "the program";
	if (nr == ns->nr_seccomp && (args[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		trace_incomplete(ns->run, "own_seccomp_listener",
				 "%s installs a seccomp filter with its own listener: that fails "
				 "with EBUSY while traced (one listener per filter chain), so it "
				 "did not run as it does untraced; --backend=log has no listener",
				 img);
	else
		trace_incomplete(ns->run, "own_seccomp_filter",
				 "%s installs a seccomp filter of its own: the calls it refuses "
				 "(kill, trap, errno) are never seen by the tracer", img);
}

/* The process a notified call belongs to, with its image up to date; NULL
 * when there is none to attribute it to (gone before we could look, or
 * the tracer's own child before its exec). */
static struct proc *call_process(struct nstate *ns, long tid)
{
	struct proc *p = proc_of(ns, tid);
	if (!p)
		return NULL;
	if (p->pm.image < 0) {
		/* the tracer's own child until its exec is known to have
		 * succeeded: the error pipe closes (O_CLOEXEC) during the exec,
		 * before the new image can make a call */
		if (!ns->started) {
			struct pollfd pf = { ns->errpipe, POLLIN, 0 };
			int avail = 0;
			/* readable with nothing to read: EOF, the exec happened
			 * (an error message would leave bytes in the pipe) */
			if (poll(&pf, 1, 0) == 1 && ioctl(ns->errpipe, FIONREAD, &avail) == 0 &&
			    avail == 0)
				ns->started = 1;
		}
		if (!ns->started)
			return NULL;
		ns->run->started = 1;
		image_begin(ns, p, ns->opt->path, -1);
	}
	exec_check(ns, p, tid);
	moot_check(p, tid);
	return p;
}

/* What a call's memory said: its text, its path argument, the object it
 * acts on. */
struct call_view {
	char text[768];
	char path[PATH_READ_MAX];
	size_t plen;  /* 0: no path read */
	int valid;    /* what was read is what the task passed */
	char object[PATH_MAX];
};

/* Read what c needs of the task's memory, trusted only while the
 * notification is still valid, and point c at it. */
static void call_read(struct nstate *ns, struct proc *p, const struct seccomp_notif *req,
		      struct tr_call *c, struct call_view *v)
{
	long tid = req->pid, nr = c->nr;
	const uint64_t *args = c->args;
	const char *name = scopes_syscall_name(c->arch, nr);
	struct memreader mr = { .p = p, .tid = tid };
	struct decode_reader rd = { notify_mem_read, &mr };
	/* the path matters where Landlock decides by it; elsewhere only for
	 * the examples, and not once a class has them all */
	int by_path = scopes_landlock_checks_path(c->arch, nr);
	int need_memory = by_path || nr == ns->nr_execve || nr == ns->nr_execveat ||
			  !trace_examples_full(ns->run, c);
	decode_syscall_read(c->arch, nr, args, need_memory ? &rd : NULL, v->text, sizeof(v->text));
	v->plen = need_memory ? decode_path_read(c->arch, nr, args, &rd, v->path, sizeof(v->path))
			      : 0;
	v->valid = !mr.n || id_valid(ns, req->id);
	if (!v->valid) {
		/* the task moved on (died, or a signal restarted the call): what
		 * we read may not be what it passed */
		decode_syscall_read(c->arch, nr, args, NULL, v->text, sizeof(v->text));
		v->plen = 0;
	}
	if (v->valid)
		name_exec_mapping(ns, p, tid, nr, args, v->text, sizeof(v->text));
	c->text = v->text;
	if (v->valid && by_path && trace_pathscoped_possible(c->arch, nr)) {
		notify_object_path(p, tid, name, args, v->plen ? v->path : NULL, v->object,
			    sizeof(v->object));
		if (v->object[0])
			c->object = v->object;
	}
}

/* What the call changes for the calls after it: caches, the pledge
 * segment, a pending exec, a FAIL-row descriptor, the process itself. */
static void call_after(struct nstate *ns, struct proc *p, const struct seccomp_notif *req,
		       const struct tr_call *c, const struct call_view *v)
{
	long tid = req->pid, nr = c->nr;
	const uint64_t *args = c->args;
	const char *name = scopes_syscall_name(c->arch, nr);
	struct trace_run *run = ns->run;

	if (notify_changes_namespace(name))
		notify_dircache_flush();
	else if (name && (strcmp(name, "chdir") == 0 || strcmp(name, "fchdir") == 0)) {
		free(p->cwd);
		p->cwd = NULL;
	}
	if (nr == ns->nr_write && ns->opt->trace_fd >= 0 && (int)args[0] == ns->opt->trace_fd)
		handshake(ns, p, req);
	else if (((nr == ns->nr_seccomp && args[0] == SECCOMP_SET_MODE_FILTER) ||
		  (nr == ns->nr_prctl && args[0] == PR_SET_SECCOMP)) &&
		 p->pending_pledge < 0)
		own_filter(ns, p, nr, args);
	else if (nr == ns->nr_seccomp && args[0] == SECCOMP_SET_MODE_FILTER &&
		 p->pending_pledge >= 0) {
		run->pledges[p->pending_pledge].installed = 1;
		p->segment = p->pending_pledge + 1;
		p->pending_pledge = -1;
	} else if ((nr == ns->nr_execve || nr == ns->nr_execveat) && v->valid) {
		free(p->exec_path);
		p->exec_path = v->plen ? strdup(v->path) : NULL;
		p->exec_tid = tid;
		p->pm.exec_pending = proc_auxv(p->pm.pid, &p->exec_auxv) == 0;
	} else if (nr == ns->nr_close && p->moot_state && (int)args[0] == p->moot_fd) {
		p->moot_state = 0;
	} else if (nr == ns->nr_mmap || nr == ns->nr_munmap || nr == ns->nr_mprotect ||
		   nr == ns->nr_mremap) {
		p->maps_dirty = 1;
	} else if (nr == ns->nr_exit_group) {
		proc_forget(ns, p);
		return;
	}
	const struct scopes_row *fail = scopes_fail_row(c->arch, nr, args);
	if (fail) {
		/* the descriptor it creates is the lowest free one */
		p->moot_fd = proc_lowest_free_fd(p->pm.pid);
		p->moot_state = p->moot_fd >= 0 ? 1 : 0;
		p->moot_tid = tid;
		p->moot_under = fail->any;
		p->moot_why = fail->note;
	}
}

/* One notification: attribute, read, classify, answer. */
static void handle(struct nstate *ns, const struct seccomp_notif *req,
		   struct seccomp_notif_resp *resp)
{
	long tid = req->pid, nr = req->data.nr;
	const uint64_t *args = (const uint64_t *)req->data.args;
	struct trace_run *run = ns->run;

	resp->id = req->id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	resp->error = 0;
	resp->val = 0;

	struct proc *p = call_process(ns, tid);
	if (!p)
		return;
	struct tr_call c = { .arch = req->data.arch, .nr = nr, .args = args,
			     .ip = req->data.instruction_pointer, .tid = tid, .pid = p->pm.pid,
			     .image = p->pm.image, .segment = p->segment };
	c.phase = pm_phase(&p->pm, c.ip);
	if (moot_applies(p, args) && nr != ns->nr_close) {
		c.moot = p->moot_under;
		c.moot_why = p->moot_why;
	}
	struct call_view v;
	call_read(ns, p, req, &c, &v);
	if (run->timeline) {
		c.where = notify_locate(p, c.ip);
		c.caller = notify_find_caller(p, tid, &c.where);
	}

	enum scopes_class cls = trace_call(run, &c);
	if (cls == SCOPES_CLASS_ENOSYS) {
		/* what every pledge answers: take the program down its
		 * fallback path now, so we see the call it falls back to */
		resp->flags = 0;
		resp->error = -ENOSYS;
	}
	call_after(ns, p, req, &c, &v);
}

/* ------------------------------------------------------------ the loop */

static void build_filter(struct nstate *ns, struct sock_filter *f, unsigned *n, int sock)
{
	uint32_t arch = scopes_native_arch();
	long sendmsg_nr = scopes_syscall_number(arch, "sendmsg");
	unsigned k = 0;
	(void)ns;
#define S(code, jt, jf, kk) (f[k++] = (struct sock_filter){ (code), (jt), (jf), (kk) })
	S(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, arch));
	S(BPF_JMP | BPF_JEQ | BPF_K, 0, 7, arch);
	S(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, nr));
	S(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, (uint32_t)sendmsg_nr);
	S(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, args[0]));
	S(BPF_JMP | BPF_JEQ | BPF_K, 0, 3, (uint32_t)sock);
	S(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, args[2]) + 4);
	S(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, (uint32_t)SPAWN_MAGIC_HI);
	S(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_USER_NOTIF);
	S(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_USER_NOTIF);
	S(BPF_LD | BPF_W | BPF_ABS, 0, 0, offsetof(struct seccomp_data, args[2]));
	S(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, MSG_NOSIGNAL);
	S(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	S(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_USER_NOTIF);
#undef S
	*n = k;
}

static int recv_listener(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static void drain(int fd)
{
	char buf[4096];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void report_spawn_error(const struct tr_options *opt, int stage, int err)
{
	if (stage == SPAWN_STAGE_EXEC)
		tr_error("cannot run %s: %s", opt->argv[0], strerror(err));
	else if (stage == SPAWN_STAGE_FILTER)
		tr_error("cannot install the seccomp filter: %s",
			strerror(err));
	else
		tr_error("cannot prepare the child: %s", strerror(err));
}

/* ------------------------------------------------------ the fast path
 *
 * While the program runs, the loop blocks in SECCOMP_IOCTL_NOTIF_RECV
 * itself instead of polling first: one system call of ours less per traced
 * call. What else the loop waits for (the program's end, the handshake
 * pipe) a watcher thread polls; it interrupts the receive with a signal,
 * again until the loop has seen it (a signal just before the receive
 * began would otherwise be lost). */

struct watcher {
	pthread_t main, thread;
	int pidfd, trace_rd;
	volatile sig_atomic_t stop, pending, reaped;
};

static void on_wake(int sig)
{
	(void)sig;
}

static void *watch_main(void *arg)
{
	struct watcher *w = arg;
	spawn_block_signals();
	while (!w->stop) {
		/* a signal for the program that came just before the receive
		 * began: the loop must wake up to pass it on */
		if (spawn_signal_pending())
			w->pending = 1;
		struct pollfd fds[2] = { { w->reaped ? -1 : w->pidfd, POLLIN, 0 },
					 { w->trace_rd, POLLIN, 0 } };
		if (w->pending || poll(fds, 2, 50) <= 0) {
			if (w->pending) {
				pthread_kill(w->main, SIGURG);
				usleep(2000);
			}
			continue;
		}
		w->pending = 1;
	}
	return NULL;
}

/* Fork the program under the notifying filter and receive its listener.
 * Returns 0, or -1 when it could not be set up (reason said; the child, if
 * any, reaped). */
static int notify_spawn(struct nstate *ns)
{
	struct sock_filter insns[32];
	unsigned ninsns;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) != 0) {
		tr_error("socketpair: %s", strerror(errno));
		return -1;
	}
	build_filter(ns, insns, &ninsns, sv[1]);
	struct spawn sp = { .opt = ns->opt,
			    .prog = { (unsigned short)ninsns, insns },
			    .seccomp_flags = SECCOMP_FILTER_FLAG_NEW_LISTENER,
			    .send_sock = sv[1],
			    .send_magic = SPAWN_MAGIC_HI << 32 | MSG_NOSIGNAL };
	/* 5.19+: a signal to the program while we look at its call does not
	 * restart the call (which would notify it twice, doubling a count) */
	if (kernel_at_least(5, 19))
		sp.seccomp_flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	spawn_signals();

	ns->child = spawn_child(&sp, &ns->errpipe);
	if (ns->child < 0) {
		tr_error("fork: %s", strerror(errno));
		return -1;
	}
	close(sv[1]);
	if (ns->opt->trace_fd >= 0)
		close(ns->opt->trace_fd);
	/* wait for the listener, or for the child to fail before sending it */
	struct pollfd pf[2] = { { sv[0], POLLIN, 0 }, { ns->errpipe, POLLIN, 0 } };
	while (poll(pf, 2, -1) < 0 && errno == EINTR)
		;
	if (pf[0].revents & POLLIN)
		ns->listener = recv_listener(sv[0]);
	close(sv[0]);
	if (ns->listener < 0) {
		int stage = 0, err = spawn_result(ns->errpipe, &stage);
		spawn_reap(ns->run, ns->child);
		report_spawn_error(ns->opt, stage, err);
		close(ns->errpipe);
		return -1;
	}
	unsigned long long sync = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	ioctl(ns->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, sync); /* 6.6+: faster, optional */
	return 0;
}

/* A notification and its answer, as large as the kernel makes them. */
struct notif_bufs {
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t rsz;
};

static int notif_bufs_alloc(struct notif_bufs *b)
{
	struct seccomp_notif_sizes sizes;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) {
		sizes.seccomp_notif = sizeof(struct seccomp_notif);
		sizes.seccomp_notif_resp = sizeof(struct seccomp_notif_resp);
	}
	b->rsz = sizes.seccomp_notif > sizeof(struct seccomp_notif) ? sizes.seccomp_notif
								    : sizeof(struct seccomp_notif);
	size_t wsz = sizes.seccomp_notif_resp > sizeof(struct seccomp_notif_resp)
			     ? sizes.seccomp_notif_resp
			     : sizeof(struct seccomp_notif_resp);
	b->req = malloc(b->rsz);
	b->resp = malloc(wsz);
	return b->req && b->resp ? 0 : -1;
}

/* Receive one notification, handle and answer it. Returns 0, or -1 when
 * the receive failed (errno; ENOENT: the task died meanwhile). */
static int notify_one(struct nstate *ns, struct notif_bufs *b)
{
	memset(b->req, 0, b->rsz);
	if (ioctl(ns->listener, SECCOMP_IOCTL_NOTIF_RECV, b->req) != 0)
		return -1;
	handle(ns, b->req, b->resp);
	/* ENOENT: the task was killed while we looked */
	ioctl(ns->listener, SECCOMP_IOCTL_NOTIF_SEND, b->resp);
	return 0;
}

/* The program ended (reaped): if its exec was never seen to succeed, say
 * why it failed. */
static void notify_reaped(struct nstate *ns)
{
	if (ns->started)
		return;
	int stage = 0, err = spawn_result(ns->errpipe, &stage);
	if (err) {
		ns->run->exec_errno = err;
		report_spawn_error(ns->opt, stage, err);
	} else {
		ns->started = 1;
	}
}

/* Answer notifications until no task uses the filter any more (or a
 * signal cuts the wait for what the program left running short). */
static void notify_loop(struct nstate *ns, struct notif_bufs *b, int pidfd)
{
	struct trace_run *run = ns->run;
	const struct tr_options *opt = ns->opt;
	int reaped = 0;
	struct watcher w = { .main = pthread_self(), .pidfd = pidfd, .trace_rd = opt->trace_rd };
	struct sigaction wake = { .sa_handler = on_wake }, old_urg; /* no SA_RESTART */
	int fast = pidfd >= 0 && sigaction(SIGURG, &wake, &old_urg) == 0 &&
		   pthread_create(&w.thread, NULL, watch_main, &w) == 0;
	for (;;) {
		if (fast && !reaped && !w.pending && !spawn_interrupted()) {
			if (notify_one(ns, b) == 0 || errno != EINTR)
				continue; /* ENOENT: the task died meanwhile */
		}
		w.pending = 0; /* what woke us, the poll below sees */
		if (!reaped)
			spawn_forward(ns->child);
		if (reaped && spawn_interrupted()) {
			trace_note(run, 1, "interrupted: processes the program left running were "
				   "not followed to their end");
			break;
		}

		struct pollfd fds[3] = { { ns->listener, POLLIN, 0 },
					 { pidfd, reaped ? 0 : POLLIN, 0 },
					 { opt->trace_rd, POLLIN, 0 } };
		int r = poll(fds, 3, pidfd < 0 && !reaped ? 100 : -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			tr_error("poll: %s", strerror(errno));
			break;
		}
		if (fds[2].revents & (POLLIN | POLLHUP))
			drain(opt->trace_rd);
		siginfo_t si = { 0 };
		if (!reaped && (pidfd < 0 ? waitid(P_PID, (id_t)ns->child, &si,
						   WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid
					  : (fds[1].revents & POLLIN))) {
			spawn_reap(run, ns->child);
			reaped = 1;
			w.reaped = 1;
			notify_reaped(ns);
		}
		if (fds[0].revents & POLLIN) {
			notify_one(ns, b);
			continue;
		}
		if (fds[0].revents & (POLLHUP | POLLERR)) {
			if (reaped)
				break;
			/* no task uses the filter, our child is only a zombie
			 * not yet noticed: reap it now */
			spawn_reap(run, ns->child);
			reaped = 1;
			break;
		}
	}
	if (fast) {
		w.stop = 1;
		pthread_join(w.thread, NULL);
		sigaction(SIGURG, &old_urg, NULL);
	}
}

int notify_run(struct trace_run *run, const struct tr_options *opt)
{
	struct nstate ns = { .run = run, .opt = opt, .listener = -1 };
	struct notif_bufs b = { NULL, NULL, 0 };
	uint32_t arch = scopes_native_arch();

	run->backend = "notify";
	pm_table_init(&ns.procs, run, sizeof(struct proc));
	ns.nr_write = scopes_syscall_number(arch, "write");
	ns.nr_seccomp = scopes_syscall_number(arch, "seccomp");
	ns.nr_execve = scopes_syscall_number(arch, "execve");
	ns.nr_execveat = scopes_syscall_number(arch, "execveat");
	ns.nr_close = scopes_syscall_number(arch, "close");
	ns.nr_exit_group = scopes_syscall_number(arch, "exit_group");
	ns.nr_mmap = scopes_syscall_number(arch, "mmap");
	ns.nr_munmap = scopes_syscall_number(arch, "munmap");
	ns.nr_mprotect = scopes_syscall_number(arch, "mprotect");
	ns.nr_mremap = scopes_syscall_number(arch, "mremap");
	ns.nr_prctl = scopes_syscall_number(arch, "prctl");

	if (notify_spawn(&ns) != 0)
		return -1;
	int alloc = notif_bufs_alloc(&b);
	int pidfd = (int)syscall(SYS_pidfd_open, ns.child, 0);
	struct proc *root = proc_new(&ns, ns.child, NULL);
	if (alloc != 0 || !root) {
		tr_error("out of memory");
		kill(ns.child, SIGKILL);
		spawn_reap(run, ns.child);
		return -1;
	}
	run->processes = 1;
	tmap_put(&ns, ns.child, root);
	run->threads = 1;

	notify_loop(&ns, &b, pidfd);

	if (!ns.started && !run->exec_errno) {
		int stage = 0, err = spawn_result(ns.errpipe, &stage);
		if (err) {
			run->exec_errno = err;
			report_spawn_error(opt, stage, err);
		}
	}
	if (opt->trace_rd >= 0)
		drain(opt->trace_rd);
	close(ns.listener);
	close(ns.errpipe);
	if (pidfd >= 0)
		close(pidfd);
	free(b.req);
	free(b.resp);
	while (ns.procs.n)
		proc_forget(&ns, (struct proc *)ns.procs.procs[0]);
	pm_table_free(&ns.procs);
	free(ns.threads);
	return 0;
}

