/* SPDX-License-Identifier: MIT */
/*
 * A classic-BPF interpreter for seccomp programs, written for the differential
 * filter check. It knows nothing of libseccomp or of the promise table: it
 * runs a program on a struct seccomp_data the way the kernel does, checks a
 * program against the kernel's load-time rules, and emulates the kernel's
 * constant-action cache computation. Pure functions, no allocation.
 */
#ifndef SCOPES_BPF_INTERP_H
#define SCOPES_BPF_INTERP_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Run prog[0..len) on d, as the kernel would run a program it accepted.
 * Returns 0 with the program's 32-bit return value in *ret, or -1 when the
 * program does something the kernel would have refused at load (unknown
 * opcode, load out of bounds, scratch memory read before written, jump out
 * of range, running off the end); *why then names the instruction.
 */
int bpfi_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
	     uint32_t *ret, const char **why);

/*
 * Check prog[0..len) against the kernel's rules for a seccomp program
 * (bpf_check_classic and seccomp_check_filter): 1..BPF_MAXINSNS instructions,
 * only the opcodes seccomp accepts, 32-bit aligned loads inside seccomp_data,
 * every jump inside the program, no constant division by zero or shift of 32
 * or more, scratch memory written before read on every path, and a RET last.
 * Returns 0, or -1 with a reason written to why (always NUL-terminated).
 */
int bpfi_check(const struct sock_filter *prog, size_t len, char *why, size_t whylen);

/*
 * The kernel's seccomp_is_const_allow(): emulate the program knowing only the
 * syscall number and the arch. Returns 1 when it reaches RET ALLOW through
 * instructions that read nothing else (the call is then served from the
 * per-filter bitmap cache and never runs the filter, Linux 5.11+), 0
 * otherwise. The one emulation of that cache: scopes-bench compiles this
 * file in for its "cached" figures (bench/filters.c).
 */
int bpfi_const_allow(const struct sock_filter *prog, size_t len, int nr, uint32_t arch);

#endif
