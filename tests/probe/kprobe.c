/* SPDX-License-Identifier: MIT */
/*
 * scopes-kprobe: the control run behind pytest/scopes_probes.py. It asks the
 * running kernel whether one optional feature exists, with no seccomp filter
 * and without libscopes (nothing of the code under test is loaded), and
 * prints the raw answer:
 *
 *   scopes-kprobe FEATURE
 *   FEATURE seccomp=N ret=R errno=E [more key=value facts]
 *
 * It decides nothing: pytest/scopes_probes.py classifies the exit status,
 * the signal and these facts as present, absent, or an error (never a silent
 * skip). A feature whose attempt faults ends this process with the signal
 * (the i386 entry on a kernel without it: SIGSEGV), which is the answer.
 * Exit status: 0 after printing, 2 for a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

#ifndef SO_PASSRIGHTS
#define SO_PASSRIGHTS 83 /* Linux 6.16 */
#endif
#ifndef SECCOMP_GET_ACTION_AVAIL
#define SECCOMP_GET_ACTION_AVAIL 2
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG 0x7ffc0000U
#endif
#define X32_SYSCALL_BIT 0x40000000L
#define I386_NR_GETPID 20
#define LANDLOCK_CREATE_RULESET_VERSION 1U
#define AUDIT_NLGRP_READLOG_MASK 1U /* 1 << (AUDIT_NLGRP_READLOG - 1) */
#define NOBODY 65534

/* The Seccomp: line of /proc/self/status: 0 when no filter is in force. A
 * probe under a filter says nothing about the kernel, so it is reported and
 * the classifier refuses the answer. */
static int kprobe_seccomp_mode(void)
{
	char line[256];
	int mode = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(f);
	return mode;
}

/* getpid through the i386 entry of a 64-bit process. The kernel zeroes
 * r8-r11 on this path. Without ia32 emulation the vector is not set up and
 * the instruction raises a general-protection fault (SIGSEGV). */
static long kprobe_int80_getpid(void)
{
	long r;

	__asm__ volatile("int $0x80" : "=a"(r) : "a"((long)I386_NR_GETPID)
			 : "memory", "r8", "r9", "r10", "r11");
	return r;
}

static void kprobe_i386(void)
{
	long r = kprobe_int80_getpid();

	printf(" ret=%ld errno=0 pid=%ld", r, (long)getpid());
}

static void kprobe_x32(void)
{
	long r = syscall(X32_SYSCALL_BIT | SYS_getpid);

	printf(" ret=%ld errno=%d pid=%ld", r, r < 0 ? errno : 0, (long)getpid());
}

static void kprobe_landlock(void)
{
	long r = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	printf(" ret=%ld errno=%d", r, r < 0 ? errno : 0);
}

/* The matrix reads records from the read-only multicast group; scopes-trace
 * asks AUDIT_GET. Both need the socket, the group and an answer. */
static void kprobe_audit(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = AUDIT_NLGRP_READLOG_MASK };
	struct {
		struct nlmsghdr h;
		char body[512];
	} msg;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (fd < 0) {
		printf(" ret=-1 errno=%d step=socket", errno);
		return;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		printf(" ret=-1 errno=%d step=bind-readlog", errno);
		return;
	}
	memset(&msg, 0, sizeof(msg));
	msg.h.nlmsg_len = NLMSG_LENGTH(0);
	msg.h.nlmsg_type = AUDIT_GET;
	msg.h.nlmsg_flags = NLM_F_REQUEST;
	msg.h.nlmsg_seq = 1;
	if (send(fd, &msg, msg.h.nlmsg_len, 0) < 0) {
		printf(" ret=-1 errno=%d step=send-get", errno);
		return;
	}
	ssize_t n = recv(fd, &msg, sizeof(msg), 0);
	if (n < 0) {
		printf(" ret=-1 errno=%d step=recv-get", errno);
		return;
	}
	if (msg.h.nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(&msg.h);
		if (e->error != 0) {
			printf(" ret=-1 errno=%d step=audit-get", -e->error);
			return;
		}
	}
	printf(" ret=0 errno=0 reply=%u", msg.h.nlmsg_type);
	close(fd);
}

/* A listener for an allow-everything filter: the trace backend's first step. */
static void kprobe_user_notif(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	long r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		printf(" ret=-1 errno=%d step=no_new_privs", errno);
		return;
	}
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	printf(" ret=%d errno=%d", r < 0 ? -1 : 0, r < 0 ? errno : 0);
}

static void kprobe_log(void)
{
	unsigned int action = SECCOMP_RET_LOG;
	long r = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);

	printf(" ret=%ld errno=%d", r, r < 0 ? errno : 0);
}

static long kprobe_uring_setup(void)
{
	unsigned char params[120]; /* struct io_uring_params */
	long r;

	memset(params, 0, sizeof(params));
	r = syscall(SYS_io_uring_setup, 1, params);
	if (r >= 0)
		close((int)r);
	return r;
}

/* Runs fn as uid/gid 65534 in a child when root; its answer as exit status
 * (0 success, 100 + errno, 90 the switch itself failed). */
static int kprobe_as_nobody(long (*fn)(void))
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setresgid(NOBODY, NOBODY, NOBODY) != 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) != 0)
			_exit(90);
		_exit(fn() < 0 ? 100 + errno : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void kprobe_io_uring(void)
{
	long r = kprobe_uring_setup();
	int nobody;

	printf(" ret=%d errno=%d", r < 0 ? -1 : 0, r < 0 ? errno : 0);
	nobody = kprobe_as_nobody(kprobe_uring_setup);
	if (nobody >= 0)
		printf(" nobody=%s", nobody == 0 ? "ok" : nobody >= 100 ? "err" : "setup-failed");
}

static long kprobe_unshare_user(void)
{
	return unshare(CLONE_NEWUSER);
}

/* Unprivileged user namespaces: as root, asked as nobody in a child. */
static void kprobe_userns(void)
{
	int code;

	if (geteuid() != 0) {
		long r = kprobe_unshare_user();
		printf(" ret=%ld errno=%d as=self", r, r < 0 ? errno : 0);
		return;
	}
	code = kprobe_as_nobody(kprobe_unshare_user);
	if (code == 0)
		printf(" ret=0 errno=0 as=nobody");
	else if (code >= 100)
		printf(" ret=-1 errno=%d as=nobody", code - 100);
	else
		printf(" ret=-1 errno=0 step=switch-to-nobody code=%d", code);
}

static void kprobe_so_passrights(void)
{
	int sv[2], one = 1;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		printf(" ret=-1 errno=%d step=socketpair", errno);
		return;
	}
	int r = setsockopt(sv[0], SOL_SOCKET, SO_PASSRIGHTS, &one, sizeof(one));
	printf(" ret=%d errno=%d", r, r < 0 ? errno : 0);
}

static const struct {
	const char *name;
	void (*run)(void);
} kprobe_features[] = {
	{ "i386", kprobe_i386 },
	{ "x32", kprobe_x32 },
	{ "landlock", kprobe_landlock },
	{ "audit", kprobe_audit },
	{ "user_notif", kprobe_user_notif },
	{ "log", kprobe_log },
	{ "io_uring", kprobe_io_uring },
	{ "userns", kprobe_userns },
	{ "so_passrights", kprobe_so_passrights },
};

int main(int argc, char **argv)
{
	size_t n = sizeof(kprobe_features) / sizeof(kprobe_features[0]);

	if (argc != 2) {
		fprintf(stderr, "usage: scopes-kprobe FEATURE\nfeatures:");
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, " %s", kprobe_features[i].name);
		fputc('\n', stderr);
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(argv[1], kprobe_features[i].name) != 0)
			continue;
		printf("%s seccomp=%d", argv[1], kprobe_seccomp_mode());
		/* the line so far must reach stdout even if the attempt faults */
		fflush(stdout);
		kprobe_features[i].run();
		putchar('\n');
		return 0;
	}
	fprintf(stderr, "scopes-kprobe: unknown feature '%s'\n", argv[1]);
	return 2;
}
