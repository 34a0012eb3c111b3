/* SPDX-License-Identifier: MIT */
/*
 * The foreign ways into the kernel from an x86_64 process, the way an
 * attacker would use them to slip past a filter written for x86_64 numbers:
 *
 *  - int $0x80 from 64-bit code: the i386 system call table (AUDIT_ARCH_I386);
 *  - sysenter from 64-bit code: Intel enters the kernel's 32-bit SYSENTER
 *    path; AMD raises #UD (SIGILL) in long mode, so there it never reaches
 *    the kernel at all;
 *  - a far return into the 32-bit user code segment (__USER32_CS, 0x23),
 *    then `syscall` (AMD; Intel raises #UD there) or `int $0x80` from
 *    compatibility mode: the i386 table again, through the compat entries.
 *
 * Every one of them must meet the filter's architecture check and die.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "attack.h"

long compat_int80(long nr, long a0, long a1, long a2)
{
	long ret;

	/* The 64-bit int $0x80 path clobbers r8-r11 (the kernel zeroes them). */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a0), "c"(a1), "d"(a2)
			 : "memory", "r8", "r9", "r10", "r11");
	return (long)(int)ret;
}

long compat_sysenter(long nr, long a0)
{
	long ret;

	/* Never returns normally on Intel without a 32-bit vDSO to land in;
	 * the point is what the filter does on the way in. */
	__asm__ volatile("sysenter"
			 : "=a"(ret)
			 : "a"(nr), "b"(a0)
			 : "memory", "rcx", "rdx", "r8", "r9", "r10", "r11");
	return (long)(int)ret;
}

/*
 * The far-call stub, copied below 4 GiB (compat mode addresses 32 bits).
 * Called as stub(nr, a0, low_stack_top, use_int80) with the SysV ABI:
 * switches to 32-bit mode with lretq, makes the call, comes back to 64-bit
 * mode with a 32-bit lret, and returns the sign-extended eax. Only SS-based
 * memory is touched in 32-bit mode: DS is the null selector in a 64-bit
 * process. The 64-bit stack pointer is kept in the stub's own data word.
 */
__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl scopes_compat_stub_start\n"
	".hidden scopes_compat_stub_start\n"
	".globl scopes_compat_stub_end\n"
	".hidden scopes_compat_stub_end\n"
	"scopes_compat_stub_start:\n"
	".code64\n"
	"	pushq %rbx\n"
	"	pushq %rbp\n"
	"	pushq %r12\n"
	"	pushq %r13\n"
	"	pushq %r14\n"
	"	pushq %r15\n"
	"	movq %rsp, scopes_compat_saved_rsp(%rip)\n"
	"	movq %rdx, %rsp\n"
	"	movl %edi, %eax\n"
	"	movl %esi, %ebx\n"
	"	pushq $0x23\n"
	"	testl %ecx, %ecx\n"
	"	jnz 1f\n"
	"	leaq scopes_compat_syscall32(%rip), %r11\n"
	"	jmp 2f\n"
	"1:	leaq scopes_compat_int80_32(%rip), %r11\n"
	"2:	pushq %r11\n"
	"	lretq\n"
	".code32\n"
	"scopes_compat_syscall32:\n"
	"	syscall\n"
	"	jmp 3f\n"
	"scopes_compat_int80_32:\n"
	"	int $0x80\n"
	"3:	call 4f\n"
	"4:	popl %ecx\n"
	"	addl $(scopes_compat_back64 - 4b), %ecx\n"
	"	pushl $0x33\n"
	"	pushl %ecx\n"
	"	lret\n"
	".code64\n"
	"scopes_compat_back64:\n"
	"	movq scopes_compat_saved_rsp(%rip), %rsp\n"
	"	popq %r15\n"
	"	popq %r14\n"
	"	popq %r13\n"
	"	popq %r12\n"
	"	popq %rbp\n"
	"	popq %rbx\n"
	"	movslq %eax, %rax\n"
	"	ret\n"
	".balign 8\n"
	"scopes_compat_saved_rsp: .quad 0\n"
	"scopes_compat_stub_end:\n"
	".popsection\n");

extern const char scopes_compat_stub_start[], scopes_compat_stub_end[];

/* Large enough for a 64-bit signal frame with the full xsave area, should
 * a signal arrive while the stack pointer is in the low region. */
#define COMPAT_REGION (256 * 1024)

static void *compat_region;

int compat_prepare(void)
{
	size_t len = (size_t)(scopes_compat_stub_end - scopes_compat_stub_start);

	/* Executable memory is set up before the pledge: the attacker is
	 * assumed to hold a 32-bit code page already; what is tested is
	 * whether the filter sees through the mode switch. */
	compat_region = mmap(NULL, COMPAT_REGION, PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (compat_region == MAP_FAILED)
		return -1;
	memcpy(compat_region, scopes_compat_stub_start, len);
	return 0;
}

long compat_farcall(int use_int80, long nr, long a0)
{
	long (*stub)(long, long, void *, long) = (long (*)(long, long, void *, long))compat_region;

	if (!compat_region)
		return -EFAULT;
	return stub(nr, a0, (char *)compat_region + COMPAT_REGION - 64, use_int80);
}
