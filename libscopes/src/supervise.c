/* SPDX-License-Identifier: MIT */
/* The exec supervisor (see supervise.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "supervise.h"
#include "system.h"

#ifndef SECCOMP_IOCTL_NOTIF_ID_VALID
#define SECCOMP_IOCTL_NOTIF_ID_VALID SECCOMP_IOW(2, __u64)
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* How long a caller that caught or blocked SIGSYS has before SIGKILL. */
#define SUPERVISE_GRACE_MS 500

/* ------------------------------------------------------------ the program */

uint32_t supervise_eval(const struct sock_filter *insns, size_t count, const void *data,
			size_t len)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	const unsigned char *d = data;

	for (size_t pc = 0; pc < count; pc++) {
		const struct sock_filter *i = &insns[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (i->code == (BPF_LD | BPF_W | BPF_ABS)) {
				if (len < 4 || i->k > len - 4 || (i->k & 3))
					return SECCOMP_RET_KILL_PROCESS;
				memcpy(&a, d + i->k, 4);
			} else if (i->code == (BPF_LD | BPF_W | BPF_LEN)) {
				a = (uint32_t)len;
			} else if (i->code == (BPF_LD | BPF_IMM)) {
				a = i->k;
			} else if (i->code == (BPF_LD | BPF_MEM) && i->k < BPF_MEMWORDS) {
				a = mem[i->k];
			} else {
				return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_LDX:
			if (i->code == (BPF_LDX | BPF_W | BPF_LEN))
				x = (uint32_t)len;
			else if (i->code == (BPF_LDX | BPF_IMM))
				x = i->k;
			else if (i->code == (BPF_LDX | BPF_MEM) && i->k < BPF_MEMWORDS)
				x = mem[i->k];
			else
				return SECCOMP_RET_KILL_PROCESS;
			break;
		case BPF_ST:
		case BPF_STX:
			if (i->k >= BPF_MEMWORDS)
				return SECCOMP_RET_KILL_PROCESS;
			mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_MUL: a *= src; break;
			case BPF_DIV: if (!src) return SECCOMP_RET_KILL_PROCESS; a /= src; break;
			case BPF_MOD: if (!src) return SECCOMP_RET_KILL_PROCESS; a %= src; break;
			case BPF_AND: a &= src; break;
			case BPF_OR: a |= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a = src < 32 ? a << src : 0; break;
			case BPF_RSH: a = src < 32 ? a >> src : 0; break;
			case BPF_NEG: a = -a; break;
			default: return SECCOMP_RET_KILL_PROCESS;
			}
			break;
		case BPF_JMP: {
			int t;
			if (BPF_OP(i->code) == BPF_JA) {
				if (i->k >= count - pc - 1)
					return SECCOMP_RET_KILL_PROCESS;
				pc += i->k;
				continue;
			}
			switch (BPF_OP(i->code)) {
			case BPF_JEQ: t = a == src; break;
			case BPF_JGT: t = a > src; break;
			case BPF_JGE: t = a >= src; break;
			case BPF_JSET: t = (a & src) != 0; break;
			default: return SECCOMP_RET_KILL_PROCESS;
			}
			pc += t ? i->jt : i->jf;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? a : i->k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			return SECCOMP_RET_KILL_PROCESS;
		}
	}
	return SECCOMP_RET_KILL_PROCESS; /* fell off the end: the kernel refuses such a program */
}

void supervise_notify_program(struct sock_filter *insns, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (insns[i].code == (BPF_RET | BPF_K) &&
		    (insns[i].k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_ALLOW)
			insns[i].k = SECCOMP_RET_USER_NOTIF;
}

int supervise_compose(const struct sock_filter *prev, size_t np, const struct sock_filter *next,
		      size_t nn, struct sock_filter *out, size_t max)
{
	if (np + nn > max || np + nn > BPF_MAXINSNS)
		return -E2BIG;
	for (size_t i = 0; i < np; i++) {
		out[i] = prev[i];
		if (BPF_CLASS(prev[i].code) != BPF_RET)
			continue;
		if (prev[i].code != (BPF_RET | BPF_K))
			return -EINVAL;
		if ((prev[i].k & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW)
			out[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)(np - i - 1), 0, 0);
		else
			out[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	memcpy(out + np, next, nn * sizeof(*next));
	return (int)(np + nn);
}

/* ------------------------------------------------------------ the supervisor */

/* Only raw system calls from here to the end of supervisor_main: it runs in a
 * child forked by a raw clone from a process that may have other threads. */

static struct sock_filter sup_prog[BPF_MAXINSNS];
static size_t sup_count;
#define SUP_REQ_MAX 512
#define SUP_RESP_MAX 128
/* Set by the pledger before the fork: the supervisor's copies are the ones. */
static struct seccomp_notif_sizes sup_sizes;

/* Every kernel call goes through system.c's */
static long sc(long nr, long a, long b, long c, long d, long e)
{
	return sys_raw(nr, a, b, c, d, e);
}

static char *put_uint(char *p, unsigned long v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* "/proc/<tid>/<leaf>" (tid 0: self) */
static void proc_path(char *buf, long tid, const char *leaf)
{
	char *p = buf;
	memcpy(p, "/proc/", 6);
	p += 6;
	if (tid > 0) {
		p = put_uint(p, (unsigned long)tid);
	} else {
		memcpy(p, "self", 4);
		p += 4;
	}
	*p++ = '/';
	size_t n = strlen(leaf);
	memcpy(p, leaf, n + 1);
}

static long read_small(const char *path, char *buf, size_t size)
{
	long fd = sc(SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return fd;
	long n = sc(SYS_read, fd, (long)buf, (long)size - 1, 0, 0);
	sc(SYS_close, fd, 0, 0, 0, 0);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return n;
}

/* The address-space layout a task's /proc/TID/stat shows: start and end of
 * code, start of stack, of data and brk, of argv and envp. Set by execve
 * and by nothing else a pledged process may do (prctl PR_SET_MM is never
 * granted and needs CAP_SYS_RESOURCE). */
#define PRINT_WORDS 10
struct mmprint {
	unsigned long v[PRINT_WORDS];
};
/* The pledger's, read before the fork (the supervisor's copy is the one). */
static struct mmprint sup_ref;

/* 0, or -1 when it cannot be read or the kernel hides it (a task we may not
 * read: it then counts as not exec'd). */
static int read_print(long tid, struct mmprint *out)
{
	static const int fields[PRINT_WORDS] = { 26, 27, 28, 45, 46, 47, 48, 49, 50, 51 };
	char path[64], buf[1024];

	proc_path(path, tid, "stat");
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	char *p = strrchr(buf, ')'); /* comm may hold spaces and parentheses */
	if (!p)
		return -1;
	p++;
	int field = 2, w = 0;
	while (*p && w < PRINT_WORDS) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		field++;
		unsigned long v = 0;
		int digits = 0;
		for (; *p >= '0' && *p <= '9'; p++, digits++)
			v = v * 10 + (unsigned long)(*p - '0');
		while (*p && *p != ' ')
			p++;
		if (field == fields[w]) {
			if (!digits)
				return -1;
			out->v[w++] = v;
		}
	}
	if (w < PRINT_WORDS)
		return -1;
	/* hidden: start_code and end_code read 1, the rest 0 */
	if (out->v[0] <= 1 || out->v[1] <= 1 || out->v[6] == 0)
		return -1;
	return 0;
}

static long tgid_of(long tid)
{
	char path[64], buf[2048];

	proc_path(path, tid, "status");
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -1;
	char *p = strstr(buf, "\nTgid:");
	if (!p)
		return -1;
	p += 6;
	while (*p == ' ' || *p == '\t')
		p++;
	long v = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v > 0 ? v : -1;
}

static int core_dumping(long tgid)
{
	char path[64], buf[2048];

	proc_path(path, tgid, "status");
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	char *p = strstr(buf, "\nCoreDumping:");
	if (!p)
		return 0;
	for (p += 13; *p == ' ' || *p == '\t'; p++)
		;
	return *p == '1';
}

static int id_valid(int lfd, uint64_t id)
{
	return sc(SYS_ioctl, lfd, (long)SECCOMP_IOCTL_NOTIF_ID_VALID, (long)&id, 0, 0) == 0;
}

/* The pledge's kill or trap verdict for a task that has not exec'd: death
 * by SIGSYS, as the kernel's SECCOMP_RET_KILL_PROCESS; SIGKILL if the
 * process catches or blocks SIGSYS. The call is never answered. */
static void kill_caller(int lfd, uint64_t id, long tid)
{
	long tgid = tgid_of(tid);
	if (tgid < 0)
		return;
	long pfd = sc(SYS_pidfd_open, tgid, 0, 0, 0, 0);
	if (pfd < 0)
		return;
	/* the tid still blocks in this notification, so tgid was its group */
	if (!id_valid(lfd, id)) {
		sc(SYS_close, pfd, 0, 0, 0, 0);
		return;
	}
	sc(SYS_pidfd_send_signal, pfd, SIGSYS, 0, 0, 0);
	struct pollfd p = { .fd = (int)pfd, .events = POLLIN };
	for (;;) {
		struct timespec ts = { 0, SUPERVISE_GRACE_MS * 1000000L };
		long n = sc(SYS_ppoll, (long)&p, 1, (long)&ts, 0, 0);
		if (n == -EINTR)
			continue;
		if (n > 0)
			break; /* gone */
		if (n == 0 && core_dumping(tgid))
			continue; /* dying by SIGSYS: let the core be written */
		sc(SYS_pidfd_send_signal, pfd, SIGKILL, 0, 0, 0);
		break;
	}
	sc(SYS_close, pfd, 0, 0, 0, 0);
}

/* Is sig neither blocked by the thread nor ignored by the process? */
static int sig_deliverable(long tid, int sig)
{
	char path[64], buf[2048];
	static const char *const keys[] = { "\nSigBlk:", "\nSigIgn:" };

	proc_path(path, tid, "status");
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	for (int k = 0; k < 2; k++) {
		char *p = strstr(buf, keys[k]);
		if (!p)
			return 0;
		p += strlen(keys[k]);
		while (*p == ' ' || *p == '\t')
			p++;
		uint64_t mask = 0;
		for (;; p++) {
			int d = *p >= '0' && *p <= '9' ? *p - '0' :
				*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
			if (d < 0)
				break;
			mask = mask << 4 | (uint64_t)d;
		}
		if (mask & (1ULL << (sig - 1)))
			return 0;
	}
	return 1;
}

/* The trap penalty (the SIGSYS reporter's): SIGSYS to the calling thread,
 * queued before the call returns ENOSYS, as the kernel's
 * SECCOMP_RET_TRAP would (si_code SI_QUEUE, the call's number in
 * si_value: scopes_exec_supervisor() in <scopes/table.h>). Returns 0 when
 * SIGSYS would not be taken (blocked or ignored): the caller is then
 * killed instead, as the kernel forces a trap's SIGSYS. */
static int trap_caller(int lfd, uint64_t id, long tid, int nr)
{
	long tgid = tgid_of(tid);
	if (tgid < 0 || !sig_deliverable(tid, SIGSYS) || !id_valid(lfd, id))
		return 0;
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGSYS;
	si.si_code = SI_QUEUE;
	si.si_pid = (pid_t)sc(SYS_getpid, 0, 0, 0, 0, 0);
	si.si_uid = (uid_t)sc(SYS_getuid, 0, 0, 0, 0, 0);
	si.si_value.sival_int = nr;
	return sc(SYS_rt_tgsigqueueinfo, tgid, tid, SIGSYS, (long)&si, 0) == 0;
}

static void serve(int lfd, const struct mmprint *ref, size_t req_size, size_t resp_size)
{
	/* the kernel's sizes may outgrow ours: zeroed buffers of its size */
	static unsigned char reqbuf[SUP_REQ_MAX], respbuf[SUP_RESP_MAX];

	for (;;) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		long n = sc(SYS_ppoll, (long)&p, 1, 0, 0, 8);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return;
		if (!(p.revents & POLLIN))
			return; /* POLLHUP: no task uses the filter any more */
		memset(reqbuf, 0, req_size);
		struct seccomp_notif *req = (struct seccomp_notif *)reqbuf;
		long rc = sc(SYS_ioctl, lfd, (long)SECCOMP_IOCTL_NOTIF_RECV, (long)req, 0, 0);
		if (rc == -EINTR || rc == -ENOENT)
			continue; /* the caller went away before we read it */
		if (rc < 0)
			return;

		struct mmprint now;
		int execd = read_print((long)req->pid, &now) == 0 &&
			    memcmp(&now, ref, sizeof(now)) != 0;
		/* what was read belongs to the caller only if it still waits:
		 * a reused tid, or a sibling thread's exec, invalidates the id */
		if (!id_valid(lfd, req->id))
			continue;

		memset(respbuf, 0, resp_size);
		struct seccomp_notif_resp *resp = (struct seccomp_notif_resp *)respbuf;
		resp->id = req->id;
		if (execd) {
			resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		} else {
			uint32_t v = supervise_eval(sup_prog, sup_count, &req->data,
						    sizeof(req->data));
			switch (v & SECCOMP_RET_ACTION_FULL) {
			case SECCOMP_RET_ALLOW:
			case SECCOMP_RET_LOG:
				resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
				break;
			case SECCOMP_RET_ERRNO:
				resp->error = -(int)(v & SECCOMP_RET_DATA);
				break;
			case SECCOMP_RET_TRACE:
			case SECCOMP_RET_USER_NOTIF:
				resp->error = -ENOSYS;
				break;
			case SECCOMP_RET_TRAP:
				if (trap_caller(lfd, req->id, (long)req->pid, req->data.nr)) {
					resp->error = -ENOSYS;
					break;
				}
				kill_caller(lfd, req->id, (long)req->pid);
				continue;
			default: /* KILL_PROCESS, KILL_THREAD */
				kill_caller(lfd, req->id, (long)req->pid);
				continue;
			}
		}
		sc(SYS_ioctl, lfd, (long)SECCOMP_IOCTL_NOTIF_SEND, (long)resp, 0, 0);
	}
}

/* Does /proc/self name us by the pid our namespace gives us? */
static int proc_is_ours(void)
{
	char link[32];
	long n = sc(SYS_readlinkat, AT_FDCWD, (long)"/proc/self", (long)link, sizeof(link) - 1, 0);
	if (n <= 0)
		return 0;
	long pid = 0;
	for (long i = 0; i < n; i++) {
		if (link[i] < '0' || link[i] > '9')
			return 0;
		pid = pid * 10 + (link[i] - '0');
	}
	return pid == sc(SYS_getpid, 0, 0, 0, 0, 0);
}

/* The supervisor's own filter, once it holds the listener: the calls it
 * makes and no others (defence in depth: it runs outside the program's
 * Landlock domain, with the privileges the program had before its pledge).
 * Files are only opened read-only (/proc). */
static int confine_self(void)
{
#define SUP_ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#if defined(__x86_64__)
#define SUP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SUP_ARCH AUDIT_ARCH_AARCH64
#endif
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SUP_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1), /* x32 */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		SUP_ALLOW(SYS_poll),
#endif
		SUP_ALLOW(SYS_ioctl), SUP_ALLOW(SYS_ppoll), SUP_ALLOW(SYS_read),
		SUP_ALLOW(SYS_close), SUP_ALLOW(SYS_pidfd_open), SUP_ALLOW(SYS_pidfd_send_signal),
		SUP_ALLOW(SYS_rt_tgsigqueueinfo), SUP_ALLOW(SYS_getpid), SUP_ALLOW(SYS_getuid),
		SUP_ALLOW(SYS_exit_group), SUP_ALLOW(SYS_exit), SUP_ALLOW(SYS_restart_syscall),
		SUP_ALLOW(SYS_rt_sigreturn),
		/* openat(AT_FDCWD-or-any, path, O_RDONLY | O_CLOEXEC only) */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, ~(uint32_t)O_CLOEXEC, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
#undef SUP_ALLOW
	struct sock_fprog fp = { .len = (unsigned short)(sizeof(prog) / sizeof(prog[0])),
				 .filter = prog };
	if (sc(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return sc(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&fp, 0, 0) < 0 ? -1 : 0;
}

static void sup_exit(int code)
{
	for (;;)
		sc(SYS_exit_group, code, 0, 0, 0, 0);
}

static void supervisor_main(int sock)
{
	sc(SYS_setsid, 0, 0, 0, 0, 0);
	sc(SYS_prctl, PR_SET_NAME, (long)SUPERVISE_COMM, 0, 0, 0);
	/* none of the program's handlers runs here; the terminal's and the
	 * process group's signals do not reach a session of its own */
	for (int sig = 1; sig <= 64; sig++) {
		struct sys_sigaction sa = { .handler = SIG_DFL };
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sig == SIGPIPE || sig == SIGHUP || sig == SIGINT || sig == SIGQUIT ||
		    sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
			sa.handler = SIG_IGN;
		sc(SYS_rt_sigaction, sig, (long)&sa, 0, 8, 0);
	}
	/* the pledger blocked every signal around the clone: a signal sent
	 * before now is discarded (ignored) or acts by default, never runs a
	 * handler of the program's here */
	uint64_t none = 0;
	sc(SYS_rt_sigprocmask, SIG_SETMASK, (long)&none, 0, 8, 0);
	/* no descriptor of the program's: a pipe's reader must see EOF when
	 * the program closes its end */
	if (sock != 3) {
		if (sc(SYS_dup3, sock, 3, O_CLOEXEC, 0, 0) < 0)
			sup_exit(1);
		sock = 3;
	}
	if (sc(SYS_close_range, 4, ~0L, 0, 0, 0) < 0)
		for (int fd = 4; fd < 65536; fd++)
			sc(SYS_close, fd, 0, 0, 0, 0);
	long null = sc(SYS_openat, AT_FDCWD, (long)"/dev/null", O_RDWR, 0, 0);
	for (int fd = 0; fd < 3; fd++)
		if (null >= 0 && null != fd)
			sc(SYS_dup3, null, fd, 0, 0, 0);
	if (null > 2)
		sc(SYS_close, null, 0, 0, 0, 0);
	sc(SYS_chdir, (long)"/", 0, 0, 0, 0);
	/* set apart: the pledge may return (and the program's signals come) */
	char hello[1 + sizeof(int)] = { 'r' };
	int me = (int)sc(SYS_getpid, 0, 0, 0, 0, 0);
	memcpy(hello + 1, &me, sizeof(me));
	if (sc(SYS_write, sock, (long)hello, sizeof(hello), 0, 0) != (long)sizeof(hello))
		sup_exit(1);

	char byte;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	long n;
	do
		n = sc(SYS_recvmsg, sock, (long)&m, MSG_CMSG_CLOEXEC, 0, 0);
	while (n == -EINTR);
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&m) : NULL;
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		sup_exit(0); /* cancelled: no filter with a listener was loaded */
	int lfd;
	memcpy(&lfd, CMSG_DATA(c), sizeof(int));
	sc(SYS_close, sock, 0, 0, 0, 0);
	/* a supervisor that cannot confine itself still serves (it only
	 * narrows): the calls it answers are the same */
	confine_self();
	serve(lfd, &sup_ref, sup_sizes.seccomp_notif, sup_sizes.seccomp_notif_resp);
	sup_exit(0);
}

/* ------------------------------------------------------------ the pledger */

int supervise_start(struct supervise_plan *sp, const struct sock_filter *real, size_t count)
{
	int sv[2];
	struct seccomp_notif_sizes sizes;

	sp->sock = -1;
	if (count > BPF_MAXINSNS)
		return -E2BIG;
	/* What the supervisor needs, checked here so that nothing waits on it:
	 * a /proc of our pid namespace, our layout readable (the reference:
	 * a fork's is the same), and notifications of a size it knows. */
	if (!proc_is_ours() || read_print(0, &sup_ref) != 0)
		return -ENOSYS;
	if (sc(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, (long)&sizes, 0, 0) < 0 ||
	    sizes.seccomp_notif > SUP_REQ_MAX || sizes.seccomp_notif_resp > SUP_RESP_MAX ||
	    sizes.seccomp_notif < sizeof(struct seccomp_notif) ||
	    sizes.seccomp_notif_resp < sizeof(struct seccomp_notif_resp))
		return -ENOSYS;
	sup_sizes = sizes;
	long rc = sc(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, (long)sv, 0);
	if (rc < 0)
		return (int)rc;
	memcpy(sup_prog, real, count * sizeof(*real));
	sup_count = count;
	/* Raw clones with no exit signal: no SIGCHLD, and no waitpid(-1) of
	 * the program's (without __WALL or __WCLONE) ever sees them. The first
	 * only starts the supervisor and exits, so that the supervisor is
	 * nobody's child here (init reaps it). Every signal is blocked across
	 * the clones: none runs a handler of the program's in them. */
	uint64_t all = ~0ULL, old = 0;
	sc(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)&old, 8, 0);
	long mid = sc(SYS_clone, 0, 0, 0, 0, 0);
	if (mid == 0) {
		long g = sc(SYS_clone, 0, 0, 0, 0, 0);
		if (g == 0) {
			sc(SYS_close, sv[0], 0, 0, 0, 0);
			supervisor_main(sv[1]);
		}
		sup_exit(g < 0 ? 1 : 0);
	}
	sc(SYS_rt_sigprocmask, SIG_SETMASK, (long)&old, 0, 8, 0);
	sys_close(sv[1]);
	if (mid < 0) {
		sys_close(sv[0]);
		return (int)mid;
	}
	/* when the pledge returns the supervisor is in its own session, with
	 * none of the program's descriptors or handlers: its "ready", with its
	 * pid (for scopes_exec_supervisor()) */
	char hello[1 + sizeof(int)] = { 0 };
	long got;
	do
		got = sc(SYS_read, sv[0], (long)hello, sizeof(hello), 0, 0);
	while (got == -EINTR);
	int status;
	while (sc(SYS_wait4, mid, (long)&status, __WCLONE, 0, 0) == -EINTR)
		;
	int pid;
	memcpy(&pid, hello + 1, sizeof(pid));
	if (got != (long)sizeof(hello) || hello[0] != 'r' || pid <= 0) {
		sys_close(sv[0]);
		return -EAGAIN; /* it died (init reaps it) */
	}
	sp->sock = sv[0];
	sp->pid = (int)pid;
	return 0;
}

int supervise_load(const struct sock_filter *insns, size_t count)
{
	struct sock_fprog prog = { .len = (unsigned short)count, .filter = (struct sock_filter *)insns };
	long rc = sc(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		     SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
			     SECCOMP_FILTER_FLAG_NEW_LISTENER,
		     (long)&prog, 0, 0);
	if (rc == -ENOMEM)
		return -E2BIG;
	return (int)rc;
}

int supervise_handoff(struct supervise_plan *sp, int listener)
{
	char byte = 'l';
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	memset(cbuf, 0, sizeof(cbuf));
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &listener, sizeof(int));
	long n;
	do
		n = sc(SYS_sendmsg, sp->sock, (long)&m, MSG_NOSIGNAL, 0, 0);
	while (n == -EINTR);
	sys_close(listener);
	sys_close(sp->sock);
	sp->sock = -1;
	return n == 1 ? 0 : (n < 0 ? (int)n : -EIO);
}

void supervise_cancel(struct supervise_plan *sp)
{
	if (sp->sock >= 0)
		sys_close(sp->sock);
	sp->sock = -1;
}
