/* SPDX-License-Identifier: MIT */
/*
 * <scopes/sigsys.h> — readable reports of pledge violations (libscopes-sigsys).
 *
 * Link with -lscopes-sigsys -lscopes (pkg-config scopes-sigsys, CMake
 * scopes::sigsys). Call scopes_sigsys_install() once, before the first
 * scopes_pledge(): from then on a violation is trapped (SECCOMP_RET_TRAP)
 * and, instead of dying silently with "Bad system call", the process writes
 * a report saying which call, with which arguments, from where, and which
 * promise was missing, then ends (or goes on, see the flags).
 *
 * ---------------------------------------------------------------- the report
 *
 * Text, on stderr unless another descriptor is chosen. Line 1 is one of:
 *
 *   scopes: violation: CALL needs promise "P..."[ (or "Q..."[ under PATHS])...]
 *   scopes: violation: CALL is never allowed under pledge: REASON
 *   scopes: violation: CALL is answered ENOSYS under pledge: REASON
 *   scopes: violation: CALL uses a foreign ABI: REASON
 *   scopes: violation: CALL is allowed by every pledge: another filter denied it
 *
 * CALL is the decoded call, e.g.
 *   openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT|O_TRUNC, 0666)
 * Flags and commands are named (open flags and modes, AT_* descriptors and
 * flags, PROT_*, MAP_*, socket domains, types and protocols, fcntl commands,
 * ioctl requests, clone flags, signals, prctl options, ...); other arguments
 * are shown in decimal (counts, descriptors) or hex (pointers, masks). A string
 * argument is shown quoted, C-escaped and cut after 128 bytes with "...", when
 * its memory is readable; otherwise its address is shown.
 * A syscall the table does not name is shown as "syscall_NR(6 hex args)".
 *
 * The promise sets come from the promise table (scopes_query() of
 * <scopes/table.h>), best first; each set is the whole set needed, including
 * promises already held. A path-scoped alternative ("tmppath") names the
 * paths it is limited to: (or "tmppath" under /tmp). When the call's path
 * argument was read and is absolute (without "." or ".." components), only
 * the path-scoped alternatives with a path at or above it are shown, with
 * those paths (opening /proc/stat: "rpath" (or "ps" under /proc) (or
 * "vminfo" under /proc/stat)); if that would leave none, all are shown.
 * "never allowed" covers both the calls no promise grants (the table's
 * reason: "ptrace cannot be sandboxed") and the arguments no promise
 * grants ("no promise allows it with these arguments").
 * If a needed set is already held (another filter, e.g. an execpromises
 * narrowing or the program's own, denied the call), line 1 ends with
 * " (held: another filter denied it)".
 *
 * Line 2:  scopes: promises held: "stdio rpath"     ("" for pledge(""))
 * Line 3+: one line per frame, innermost first, up to 64 frames:
 *   #0 0x7f3c8d2f1011 in __libc_open64+0x71 (/lib/x86_64-linux-gnu/libc.so.6+0xf9011)
 *   #1 0x55d0c2a1b2c4 in parse_header+0x34 (/usr/bin/demo+0x12c4)
 * "in ??" when no symbol covers the address, "(??)" when no module does
 * (code loaded after scopes_sigsys_install()). The module offset is the
 * ELF virtual address (address minus load bias), as addr2line and
 * scopes-symbolize take it. Frames after #0 are return addresses: their
 * symbol is looked up at address - 1 (the call instruction), except a frame
 * a signal interrupted (the one after __restore_rt), which resumes at its
 * exact address. Among aliases at one address the global, least
 * underscored, shortest name is shown, without its "@VERSION".
 *
 * JSON (SCOPES_SIGSYS_JSON, or a json_fd): one object per violation, on one
 * line, keys in this order (schema version 1):
 *   "type":    "scopes-violation"
 *   "version": 1
 *   "arch":    "x86_64" | "aarch64" | "i386" | "0xAUDITARCH"
 *   "nr":      syscall number (integer)
 *   "syscall": name, or null when the table names none
 *   "args":    six strings "0x..." (the raw 64-bit arguments)
 *   "call":    the decoded call, as in the text report
 *   "class":   "always" | "promise" | "enosys" | "never" | "foreign_abi" | "unknown"
 *   "needs":   array of the alternatives line 1 shows, best first; each
 *              {"promises": [names], "paths": [the paths line 1 shows, or
 *              empty when not path-scoped], "incidental": bool}
 *   "reason":  string or null (set for every class but "promise" with needs)
 *   "held":    array of promise names, or null before any pledge
 *   "action":  "core" | "exit" | "continue" (what follows the report)
 *   "message": line 1 of the text report, without the trailing newline
 *   "frames":  array of {"index": n, "ip": "0x...", "module": path or null,
 *              "offset": "0x..." or null, "symbol": name or null,
 *              "symbol_offset": "0x..." or null}
 * Strings are JSON-escaped (control bytes and bytes >= 0x80 as \u00XX).
 *
 * -------------------------------------------------- what the handler needs
 *
 * The handler runs under whatever the process pledged, even pledge(""). It
 * makes no allocation, takes no lock that the interrupted code may hold
 * (except the loader's dl_iterate_phdr lock, taken by libunwind), and
 * calls only: write(2) on the report and JSON descriptors, write/read on its
 * own probe pipe (string arguments), and what libunwind needs (mincore,
 * read/write on libunwind's validation pipe, rt_sigprocmask(SIG_SETMASK)).
 * scopes_sigsys_install() registers exactly these, each bound to its
 * descriptor or operation, with scopes_handler_allow(): every later pledge
 * allows them. Ending the process needs no rule (see SCOPES_SIGSYS_CORE).
 *
 * Strings: a pointer argument is read by writing its bytes into a private
 * pipe (the kernel copies with fault handling: an unreadable address gives
 * EFAULT, never a fault in the handler), then reading them back; the pipe is
 * created at install, close-on-exec, at a high descriptor number. If the
 * program closed it, strings are shown as addresses.
 *
 * Symbols: the symbol tables of every module loaded at install (the full
 * .symtab of the main program and of libraries that have one, else their
 * .dynsym; a separate debug file under /usr/lib/debug/.build-id/ is used
 * when present) are read into memory at install; the handler looks addresses
 * up without a system call.
 *
 * Unwinding: libunwind from the trapping instruction (unw_init_local2 with
 * UNW_INIT_SIGNAL_FRAME), by DWARF CFI, so programs built without frame
 * pointers unwind too. Its validation pipe is found by running it once at
 * install; if the program used libunwind before, that pipe is unknown and
 * under a pledge without stdio the backtrace may end where libunwind first
 * validates an address (the process still ends by SIGSYS).
 *
 * Threads: one report at a time. In the ending modes the first thread to
 * trap reports and ends the process; threads that trap meanwhile wait for
 * that end and report nothing (one report, one end). In CONTINUE mode each
 * violation is reported in turn. A thread waits at most 10 s for another's
 * report, then ends the process itself (CONTINUE: fails its call unreported).
 * A violation inside the handler (a filter the program stacked later denies
 * one of its calls) is fatal at once: SIGSYS is blocked while the handler
 * runs, so the kernel delivers it with its default action; the lines
 * already written stay.
 */
#ifndef SCOPES_SIGSYS_H
#define SCOPES_SIGSYS_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What follows the report (choose one; SCOPES_SIGSYS_CORE is 0).
 *
 * CORE:     the process dies by SIGSYS, default action (core dump if
 *           enabled), as with the KILL penalty. The handler makes a call the
 *           trapping filter denies (reboot(2) with invalid magic numbers,
 *           harmless if it were ever allowed) while SIGSYS is blocked; the
 *           kernel then resets SIGSYS to its default action and delivers it.
 *           This needs no extra rule. When no filter traps it (a SIGSYS
 *           sent by kill(2) before any pledge) the handler restores the
 *           default action and raises SIGSYS; _exit(159) is the last resort.
 * EXIT:     the process exits with the status of SCOPES_SIGSYS_EXIT_STATUS(s)
 *           (bits 24..31 of flags; 0 there means 159 = 128 + SIGSYS).
 * CONTINUE: the call returns -1 with errno EPERM and the program goes on
 *           (for development: every violation is reported).
 */
#define SCOPES_SIGSYS_CORE       0x0u
#define SCOPES_SIGSYS_EXIT       0x1u
#define SCOPES_SIGSYS_CONTINUE   0x2u
#define SCOPES_SIGSYS_EXIT_STATUS(status) \
	(SCOPES_SIGSYS_EXIT | (((unsigned)(status) & 0xffu) << 24))

/* Write the JSON line instead of the text report (scopes_sigsys_install). */
#define SCOPES_SIGSYS_JSON       0x4u
/* Never read string arguments: no probe pipe and two rules fewer. */
#define SCOPES_SIGSYS_NO_STRINGS 0x8u
/* No backtrace: no libunwind at violation time and up to four rules fewer. */
#define SCOPES_SIGSYS_NO_BACKTRACE 0x10u

/* Where the reports go (scopes_sigsys_install_options). */
struct scopes_sigsys_options {
	unsigned flags;  /* as for scopes_sigsys_install; SCOPES_SIGSYS_JSON is ignored */
	int report_fd;   /* text report; -1 for none */
	int json_fd;     /* JSON lines; -1 for none; may equal report_fd */
};

/*
 * scopes_sigsys_install - prepare the violation reporter and make later
 * pledges trap into it.
 *
 * flags: one of SCOPES_SIGSYS_CORE (0), SCOPES_SIGSYS_EXIT_STATUS(s),
 *        SCOPES_SIGSYS_CONTINUE, or'ed with SCOPES_SIGSYS_JSON,
 *        SCOPES_SIGSYS_NO_STRINGS, SCOPES_SIGSYS_NO_BACKTRACE.
 * The report goes to stderr (fd 2), as text, or as JSON with
 * SCOPES_SIGSYS_JSON. The environment variable SCOPES_SIGSYS_JSON_FD=n
 * sends the JSON line to fd n: in addition to the text report, or, with
 * SCOPES_SIGSYS_JSON, instead of stderr (for tools driving a program;
 * ignored in setuid and other AT_SECURE processes, and when n is not an
 * open descriptor).
 *
 * It must be called before the first scopes_pledge(), from one thread, and
 * once. It reads the symbol tables of the modules loaded now, warms up
 * libunwind, opens the probe pipe, registers the handler's rules with
 * scopes_handler_allow(), sets the TRAP penalty (scopes_set_penalty) and
 * installs a SIGSYS handler (replacing any other; all signals are blocked
 * while it runs). A SIGSYS that does not come from seccomp (kill -SYS) still
 * ends the process as its default action would.
 *
 * Returns 0, or -1 with errno:
 *   EINVAL   unknown flag bits, both CONTINUE and EXIT, or an exit status
 *            without EXIT.
 *   EBADF    the report or JSON descriptor is not open.
 *   EBUSY    the process has already pledged (the filter in force would
 *            not let the handler run; install before the first pledge).
 *   EALREADY the reporter is already installed.
 *   ENOMEM   memory for the symbol tables could not be allocated.
 *   EMFILE, ENFILE  the probe pipe could not be created.
 *   E2BIG    scopes_handler_allow() has no room for the handler's rules.
 * On failure no handler is installed and the penalty is unchanged; rules
 * already registered and the probe pipe stay (they only let later pledges
 * allow writes and reads on the reporter's own descriptors).
 *
 * Not async-signal-safe; not thread-safe (call it early, from main).
 */
int scopes_sigsys_install(unsigned flags);

/*
 * scopes_sigsys_install_options - scopes_sigsys_install() with the
 * descriptors chosen: text to opt->report_fd, JSON to opt->json_fd (either
 * may be -1; both -1 is EINVAL). SCOPES_SIGSYS_JSON_FD is not consulted.
 * The descriptors are used as they are at violation time (not duplicated):
 * keep them open. Returns and errno as scopes_sigsys_install(), plus EINVAL
 * for a NULL opt or descriptors below -1.
 * Not async-signal-safe; not thread-safe.
 */
int scopes_sigsys_install_options(const struct scopes_sigsys_options *opt);

#ifdef __cplusplus
}
#endif

#endif /* SCOPES_SIGSYS_H */
