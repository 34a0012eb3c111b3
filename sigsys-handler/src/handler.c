/* SPDX-License-Identifier: MIT */
/*
 * The SIGSYS handler: a separate, small world. It runs under whatever the
 * process pledged (even pledge("")), so it makes only the calls that
 * scopes_sigsys_install() allowed for it: write(2) on the report
 * descriptors, the probe pipe for strings, and libunwind's few calls. No
 * allocation, no stdio, static buffers behind one lock.
 *
 * One report at a time: the first thread to trap takes the lock; in the
 * ending modes it never gives it back, so threads that trap meanwhile wait
 * until the process ends (one report, one clean end). A trap inside the
 * handler itself is fatal at once: SIGSYS is blocked while the handler runs,
 * and the kernel then resets it to its default action and delivers it.
 */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include <errno.h>
#include <libunwind.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <scopes/table.h>

#include "decode.h"
#include "sigsys_internal.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a seccomp trap */
#endif

/* How long a thread waits for another thread's report before ending the
 * process itself (or, in CONTINUE mode, failing its call unreported). */
#define LOCK_WAIT_NS (10LL * 1000000000LL)

struct sigsys_config sigsys_cfg = { .report_fd = 2, .json_fd = -1 };

static int report_lock;
static struct violation viol;
static char text_buf[REPORT_CALL_MAX + 1024];
static char json_buf[48 * 1024];

static inline void cpu_relax(void)
{
#if defined(__x86_64__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

static long long now_ns(void)
{
	struct timespec ts;
	/* served by the vDSO: no system call, nothing a filter sees */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int lock_take(void)
{
	if (!__atomic_exchange_n(&report_lock, 1, __ATOMIC_ACQUIRE))
		return 1;
	long long start = now_ns();
	for (;;) {
		for (int i = 0; i < 4096; i++) {
			cpu_relax();
			if (!__atomic_load_n(&report_lock, __ATOMIC_RELAXED) &&
			    !__atomic_exchange_n(&report_lock, 1, __ATOMIC_ACQUIRE))
				return 1;
		}
		if (now_ns() - start > LOCK_WAIT_NS)
			return 0;
	}
}

static void lock_give(void)
{
	__atomic_store_n(&report_lock, 0, __ATOMIC_RELEASE);
}

void sigsys_handler_atfork_child(void)
{
	lock_give();
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void write_line(int fd, struct obuf *ob)
{
	if (fd < 0)
		return;
	/* a cut line still ends with its newline */
	if (ob->len + 1 < ob->cap) {
		ob->p[ob->len++] = '\n';
	} else if (ob->len) {
		ob->p[ob->len - 1] = '\n';
	}
	write_all(fd, ob->p, ob->len);
}

/* End the process by SIGSYS's default action (core dump), from inside the
 * handler where SIGSYS is blocked. */
static __attribute__((noreturn)) void end_by_sigsys(void)
{
	/*
	 * A call the trapping filter denies: every scopes filter with the TRAP
	 * penalty denies reboot(2). Trapping while SIGSYS is blocked makes the
	 * kernel (force_sig_seccomp) reset SIGSYS to SIG_DFL and deliver it:
	 * death by SIGSYS, and no extra rule needed. Should no filter deny it,
	 * Linux checks reboot's privilege and magic numbers before anything
	 * else: with zeros it only returns EPERM or EINVAL.
	 */
	/* Under the exec supervisor the trap is the supervisor's, which
	 * cannot unblock SIGSYS here: take the default action ourselves. */
	if (!scopes_exec_supervisor())
		syscall(SYS_reboot, 0L, 0L, 0L, 0L);
	/* Still here: no filter traps (a SIGSYS sent by kill, before any
	 * pledge). Do what the default action would. */
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t sys;
	sigaction(SIGSYS, &dfl, NULL);
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	raise(SIGSYS);
	sigprocmask(SIG_UNBLOCK, &sys, NULL);
	_exit(128 + SIGSYS);
}

static __attribute__((noreturn)) void end_process(void)
{
	if (sigsys_cfg.action == REPORT_EXIT)
		_exit(sigsys_cfg.exit_status);
	end_by_sigsys();
}

static void read_registers(const ucontext_t *uc, uint64_t args[6])
{
#if defined(__x86_64__)
	/* the syscall ABI's argument registers: r10, not rcx, is the fourth */
	static const int regs[6] = { REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9 };
	for (int i = 0; i < 6; i++)
		args[i] = (uint64_t)uc->uc_mcontext.gregs[regs[i]];
#elif defined(__aarch64__)
	for (int i = 0; i < 6; i++)
		args[i] = uc->uc_mcontext.regs[i];
#else
#error "libscopes-sigsys reads x86_64 and aarch64 registers"
#endif
}

static void set_return(ucontext_t *uc, long value)
{
#if defined(__x86_64__)
	uc->uc_mcontext.gregs[REG_RAX] = value;
#elif defined(__aarch64__)
	uc->uc_mcontext.regs[0] = (uint64_t)value;
#endif
}

/* Walk the stack from the trapping instruction, writing frame lines as
 * they come (a fault while unwinding still leaves the lines before it). */
static void unwind(ucontext_t *uc, struct violation *v)
{
	unw_cursor_t cursor;
	int exact = 1; /* frame 0 is the trapping instruction itself */

	v->nframes = 0;
	if (unw_init_local2(&cursor, (unw_context_t *)uc, UNW_INIT_SIGNAL_FRAME) < 0)
		return;
	while (v->nframes < REPORT_FRAMES_MAX) {
		unw_word_t ip = 0;
		if (unw_get_reg(&cursor, UNW_REG_IP, &ip) < 0 || ip == 0)
			break;
		struct report_frame *f = &v->frames[v->nframes];
		report_resolve_frame(f, (uintptr_t)ip, !exact);
		if (sigsys_cfg.report_fd >= 0) {
			struct obuf ob;
			ob_init(&ob, text_buf, sizeof(text_buf));
			report_frame_line(&ob, f, v->nframes);
			write_line(sigsys_cfg.report_fd, &ob);
		}
		v->nframes++;
		if (unw_step(&cursor) <= 0)
			break;
		/* libunwind flags the frame reached through a signal
		 * trampoline: the interrupted code resumes at this exact
		 * address, it is no return address */
		exact = unw_is_signal_frame(&cursor) > 0;
	}
}

static void emit_json(struct violation *v)
{
	struct obuf ob;

	/* too long for the buffer (huge symbol names): drop outer frames
	 * rather than write a cut, unparsable line */
	for (;;) {
		ob_init(&ob, json_buf, sizeof(json_buf));
		report_json(&ob, v);
		if (!ob.cut || v->nframes == 0)
			break;
		v->nframes /= 2;
	}
	write_line(sigsys_cfg.json_fd, &ob);
}

void sigsys_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	int saved_errno = errno;
	(void)sig;

	/* the exec supervisor answers for the kernel under a pledge whose
	 * exec'd images run unrestricted (<scopes/table.h>): the same
	 * violation, the number in si_value, the arguments in their registers */
	int supervised = si->si_code == SI_QUEUE && si->si_pid != 0 &&
			 si->si_pid == scopes_exec_supervisor();
	if (si->si_code != SYS_SECCOMP && !supervised)
		end_by_sigsys(); /* not a violation: a SIGSYS sent to us */
	if (!lock_take()) {
		if (sigsys_cfg.action != REPORT_CONTINUE)
			end_process();
		set_return(uc, -EPERM);
		errno = saved_errno;
		return;
	}

	struct violation *v = &viol;
	v->arch = supervised ? scopes_native_arch() : (uint32_t)si->si_arch;
	v->nr = supervised ? si->si_value.sival_int : si->si_syscall;
	read_registers(uc, v->args);
	v->action = sigsys_cfg.action;
	v->held = scopes_promises_held();
	v->pledged = v->held != SCOPES_SET_ALL;
	decode_syscall(v->arch, v->nr, v->args, sigsys_cfg.read_strings ? DECODE_READ_STRINGS : 0,
		       v->call, sizeof(v->call));
	v->path[0] = '\0';
	if (sigsys_cfg.read_strings)
		decode_path(v->arch, v->nr, v->args, v->path, sizeof(v->path));
	scopes_query(v->arch, v->nr, v->args, &v->verdict);

	if (sigsys_cfg.report_fd >= 0) {
		struct obuf ob;
		ob_init(&ob, text_buf, sizeof(text_buf));
		report_line1(&ob, v);
		write_line(sigsys_cfg.report_fd, &ob);
		ob_init(&ob, text_buf, sizeof(text_buf));
		report_held(&ob, v);
		write_line(sigsys_cfg.report_fd, &ob);
	}
	v->nframes = 0;
	if (sigsys_cfg.backtrace)
		unwind(uc, v);
	if (sigsys_cfg.json_fd >= 0)
		emit_json(v);

	if (sigsys_cfg.action != REPORT_CONTINUE)
		end_process();
	set_return(uc, -EPERM);
	lock_give();
	errno = saved_errno;
}
