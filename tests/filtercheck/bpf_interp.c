/* SPDX-License-Identifier: MIT */
/*
 * Classic BPF as the kernel runs it for seccomp. Written from the classic BPF
 * specification (Documentation/networking/filter.rst) and the kernel's checks,
 * independently of libseccomp's generator: a bug shared by both would hide.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "bpf_interp.h"

#define DATA_SIZE ((uint32_t)sizeof(struct seccomp_data))

/* The opcodes seccomp_check_filter() accepts, and nothing else. */
static int opcode_allowed(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return 1;
	default:
		return 0;
	}
}

static int is_cond_jump(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

/* The 32-bit word at byte offset k of seccomp_data, in host byte order (the
 * kernel hands the program the struct as it lies in memory). */
static uint32_t data_word(const struct seccomp_data *d, uint32_t k)
{
	uint32_t w;
	memcpy(&w, (const unsigned char *)d + k, sizeof(w));
	return w;
}

int bpfi_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d,
	     uint32_t *ret, const char **why)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS];
	unsigned memvalid = 0;
	size_t pc = 0;

	*why = NULL;
	while (pc < len) {
		const struct sock_filter *in = &prog[pc];
		uint32_t k = in->k, src = BPF_SRC(in->code) == BPF_X ? x : k;

		if (!opcode_allowed(in->code)) {
			*why = "opcode seccomp refuses";
			return -1;
		}
		switch (BPF_CLASS(in->code)) {
		case BPF_LD:
			switch (BPF_MODE(in->code)) {
			case BPF_ABS:
				if (k >= DATA_SIZE || (k & 3)) {
					*why = "load outside seccomp_data or unaligned";
					return -1;
				}
				a = data_word(d, k);
				break;
			case BPF_LEN:
				a = DATA_SIZE;
				break;
			case BPF_IMM:
				a = k;
				break;
			case BPF_MEM:
				if (k >= BPF_MEMWORDS || !(memvalid & (1u << k))) {
					*why = "scratch memory read before written";
					return -1;
				}
				a = mem[k];
				break;
			}
			break;
		case BPF_LDX:
			if (BPF_MODE(in->code) == BPF_MEM) {
				if (k >= BPF_MEMWORDS || !(memvalid & (1u << k))) {
					*why = "scratch memory read before written";
					return -1;
				}
				x = mem[k];
			} else {
				x = BPF_MODE(in->code) == BPF_LEN ? DATA_SIZE : k;
			}
			break;
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS) {
				*why = "scratch memory index out of range";
				return -1;
			}
			mem[k] = BPF_CLASS(in->code) == BPF_ST ? a : x;
			memvalid |= 1u << k;
			break;
		case BPF_ALU:
			switch (BPF_OP(in->code)) {
			case BPF_ADD:
				a += src;
				break;
			case BPF_SUB:
				a -= src;
				break;
			case BPF_MUL:
				a *= src;
				break;
			case BPF_DIV:
				/* classic BPF: dividing by a zero X ends the
				 * program with 0 (the kernel's conversion) */
				if (src == 0) {
					*ret = 0;
					return 0;
				}
				a /= src;
				break;
			case BPF_AND:
				a &= src;
				break;
			case BPF_OR:
				a |= src;
				break;
			case BPF_XOR:
				a ^= src;
				break;
			/* a shift by X of 32 or more: x86's shift
			 * instructions (and the kernel's JIT) use the
			 * count modulo 32; load-time checks stop a
			 * constant one */
			case BPF_LSH:
				a <<= src & 31;
				break;
			case BPF_RSH:
				a >>= src & 31;
				break;
			case BPF_NEG:
				a = (uint32_t)-a;
				break;
			}
			break;
		case BPF_JMP: {
			size_t next;
			if (BPF_OP(in->code) == BPF_JA) {
				next = pc + 1 + k;
			} else {
				int taken;
				switch (BPF_OP(in->code)) {
				case BPF_JEQ:
					taken = a == src;
					break;
				case BPF_JGT:
					taken = a > src;
					break;
				case BPF_JGE:
					taken = a >= src;
					break;
				default: /* BPF_JSET */
					taken = (a & src) != 0;
					break;
				}
				next = pc + 1 + (taken ? in->jt : in->jf);
			}
			if (next >= len) {
				*why = "jump past the end";
				return -1;
			}
			pc = next;
			continue;
		}
		case BPF_RET:
			*ret = BPF_RVAL(in->code) == BPF_A ? a : k;
			return 0;
		case BPF_MISC:
			if (BPF_MISCOP(in->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
		pc++;
	}
	*why = "ran off the end of the program";
	return -1;
}

int bpfi_check(const struct sock_filter *prog, size_t len, char *why, size_t whylen)
{
	/* per instruction: scratch words written on every path reaching it */
	static uint16_t reach[BPF_MAXINSNS];
	uint16_t valid = 0;

	if (whylen)
		why[0] = '\0';
	if (len == 0 || len > BPF_MAXINSNS) {
		snprintf(why, whylen, "length %zu outside 1..%d", len, BPF_MAXINSNS);
		return -1;
	}
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &prog[pc];
		uint16_t code = in->code;

		if (!opcode_allowed(code)) {
			snprintf(why, whylen, "insn %zu: opcode 0x%04x not allowed in seccomp", pc,
				 code);
			return -1;
		}
		if (code == (BPF_LD | BPF_W | BPF_ABS) && (in->k >= DATA_SIZE || (in->k & 3))) {
			snprintf(why, whylen,
				 "insn %zu: load at %u outside seccomp_data or unaligned", pc,
				 in->k);
			return -1;
		}
		if (code == (BPF_ALU | BPF_DIV | BPF_K) && in->k == 0) {
			snprintf(why, whylen, "insn %zu: division by constant 0", pc);
			return -1;
		}
		if ((code == (BPF_ALU | BPF_LSH | BPF_K) || code == (BPF_ALU | BPF_RSH | BPF_K)) &&
		    in->k >= 32) {
			snprintf(why, whylen, "insn %zu: shift by %u", pc, in->k);
			return -1;
		}
		if ((code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM) || code == BPF_ST ||
		     code == BPF_STX) &&
		    in->k >= BPF_MEMWORDS) {
			snprintf(why, whylen, "insn %zu: scratch word %u out of range", pc, in->k);
			return -1;
		}
		if (code == (BPF_JMP | BPF_JA) && (size_t)in->k >= len - pc - 1) {
			snprintf(why, whylen, "insn %zu: ja +%u leaves the program", pc, in->k);
			return -1;
		}
		if (is_cond_jump(code) && (pc + in->jt + 1 >= len || pc + in->jf + 1 >= len)) {
			snprintf(why, whylen, "insn %zu: jt %u / jf %u leave the program", pc,
				 in->jt, in->jf);
			return -1;
		}
	}
	if (BPF_CLASS(prog[len - 1].code) != BPF_RET) {
		snprintf(why, whylen, "last insn %zu is not a RET", len - 1);
		return -1;
	}
	/* Scratch memory: a word must be stored on every path before a load.
	 * Jumps only go forward, so one pass in program order sees every
	 * predecessor of an instruction before the instruction itself. */
	for (size_t pc = 0; pc < len; pc++)
		reach[pc] = 0xffff;
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &prog[pc];
		valid &= reach[pc];
		switch (in->code) {
		case BPF_ST:
		case BPF_STX:
			valid |= (uint16_t)(1u << in->k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(valid & (1u << in->k))) {
				snprintf(why, whylen,
					 "insn %zu: scratch word %u may be read unwritten", pc,
					 in->k);
				return -1;
			}
			break;
		case BPF_JMP | BPF_JA:
			reach[pc + 1 + in->k] &= valid;
			valid = 0xffff;
			break;
		default:
			if (is_cond_jump(in->code)) {
				reach[pc + 1 + in->jt] &= valid;
				reach[pc + 1 + in->jf] &= valid;
				valid = 0xffff;
			}
			break;
		}
	}
	return 0;
}

int bpfi_const_allow(const struct sock_filter *prog, size_t len, int nr, uint32_t arch)
{
	uint32_t reg = 0;

	/* Only these instructions keep the outcome a function of (nr, arch);
	 * anything else, including a load of an argument, makes the kernel
	 * give up on caching this number. */
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *in = &prog[pc];
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (in->k == offsetof(struct seccomp_data, nr))
				reg = (uint32_t)nr;
			else if (in->k == offsetof(struct seccomp_data, arch))
				reg = arch;
			else
				return 0;
			break;
		case BPF_RET | BPF_K:
			return in->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += in->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += reg == in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += reg >= in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += reg > in->k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (reg & in->k) ? in->jt : in->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			reg &= in->k;
			break;
		default:
			return 0;
		}
	}
	return 0;
}
