/* SPDX-License-Identifier: MIT */
/*
 * trace-subject: small programs, one per promise, for scopes-trace's tests.
 *
 *   trace-subject OP [ARG]
 *
 * Each operation makes the calls one promise exists for, and as few others
 * as possible, so that the tests can assert the exact minimal promise set
 * scopes-trace finds (after main starts; the loader's needs are apart).
 * Results of calls that may fail harmlessly (no such file, not a terminal)
 * are ignored: the tracer sees the call either way. Exit status 0, or 1
 * when a call that must work did not (with a message on stderr).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *arg; /* the operation's argument (a path, a count) */

static int fail(const char *what)
{
	fprintf(stderr, "trace-subject: %s: %s\n", what, strerror(errno));
	return 1;
}

static int op_none(void)
{
	return 0;
}

static int op_stdio(void)
{
	(void)getpid();
	return write(1, "hello\n", 6) == 6 ? 0 : fail("write");
}

static int op_rpath(void)
{
	char b[64];
	int fd = open(arg ? arg : "/etc/hostname", O_RDONLY);
	if (fd < 0)
		return fail("open");
	ssize_t n = read(fd, b, sizeof(b));
	close(fd);
	return n < 0 ? fail("read") : 0;
}

static int op_wpath(void)
{
	int fd = open(arg, O_WRONLY);
	if (fd < 0)
		return fail("open");
	ssize_t n = write(fd, "w\n", 2);
	close(fd);
	return n != 2 ? fail("write") : 0;
}

static int op_cpath(void)
{
	if (mkdir(arg, 0700) != 0)
		return fail("mkdir");
	return rmdir(arg) != 0 ? fail("rmdir") : 0;
}

static int op_dpath(void)
{
	return mknod(arg, S_IFIFO | 0600, 0) != 0 ? fail("mknod") : 0;
}

/* A temporary file of the program's own choosing (mkstemp under /tmp), or
 * the file the command line names. */
static int op_tmppath(void)
{
	char own[] = "/tmp/trace-subject-XXXXXX";
	int fd = arg ? open(arg, O_RDWR | O_CREAT | O_EXCL, 0600) : mkstemp(own);
	if (!arg)
		arg = own;
	if (fd < 0)
		return fail("open");
	ssize_t n = write(fd, "t\n", 2);
	close(fd);
	if (unlink(arg) != 0)
		return fail("unlink");
	return n != 2 ? fail("write") : 0;
}

static int op_fattr(void)
{
	return chmod(arg, 0644) != 0 ? fail("chmod") : 0;
}

static int op_chown(void)
{
	return chown(arg, (uid_t)-1, (gid_t)-1) != 0 ? fail("chown") : 0;
}

static int op_flock(void)
{
	/* standard input is the file: no open needed */
	if (flock(0, LOCK_SH) != 0)
		return fail("flock");
	return flock(0, LOCK_UN) != 0 ? fail("flock") : 0;
}

static int op_inet(void)
{
	/* listen(2) is what only inet (and unix) allow: a UDP socket alone
	 * would be dns's too */
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return fail("socket");
	int rc = bind(s, (struct sockaddr *)&sa, sizeof(sa));
	if (rc == 0)
		rc = listen(s, 1);
	close(s);
	return rc != 0 ? fail("bind/listen") : 0;
}

static int op_mcast(void)
{
	unsigned char ttl = 1;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return fail("socket");
	int rc = setsockopt(s, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl));
	close(s);
	return rc != 0 ? fail("setsockopt") : 0;
}

static int op_unix(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	/* an abstract name: nothing to clean up */
	int len = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "scopes-trace-%d", getpid());
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		return fail("socket");
	int rc = bind(s, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
							    1 + (size_t)len));
	close(s);
	return rc != 0 ? fail("bind") : 0;
}

static int op_sendfd(void)
{
	int sv[2];
	char byte = 'x', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return fail("socketpair");
	memset(cbuf, 0, sizeof(cbuf));
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	int fd = 0;
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	return sendmsg(sv[0], &mh, 0) != 1 ? fail("sendmsg") : 0;
}

static int op_recvfd(void)
{
	int sv[2];
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return fail("socketpair");
	if (write(sv[0], "x", 1) != 1)
		return fail("write");
	return recvmsg(sv[1], &mh, 0) != 1 ? fail("recvmsg") : 0;
}

static int op_dns(void)
{
	/* what a resolver does, spelled out: read its file, ask a server */
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = open("/etc/resolv.conf", O_RDONLY);
	if (fd >= 0)
		close(fd);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return fail("socket");
	int rc = connect(s, (struct sockaddr *)&sa, sizeof(sa));
	close(s);
	return rc != 0 ? fail("connect") : 0;
}

static int op_getpw(void)
{
	return getpwuid(0) ? 0 : fail("getpwuid");
}

static int op_tty(void)
{
	struct winsize ws;
	(void)ioctl(0, TIOCGWINSZ, &ws); /* ENOTTY is fine: the call was made */
	return 0;
}

static int op_proc(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0)
		_exit(0);
	int st;
	return waitpid(pid, &st, 0) != pid ? fail("waitpid") : 0;
}

static int op_exec(void)
{
	execl("/bin/true", "true", (char *)NULL);
	return fail("execl");
}

static int op_forkexec(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return fail("waitpid");
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

static int op_prot_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	return munmap(p, 4096) != 0 ? fail("munmap") : 0;
}

static int op_settime(void)
{
	/* a NULL time: EFAULT, the clock stays as it is (glibc's wrapper would
	 * read through the pointer) */
	(void)syscall(SYS_clock_settime, CLOCK_REALTIME, NULL);
	return 0;
}

static int op_id(void)
{
	return setgid(getgid()) != 0 ? fail("setgid") : 0;
}

static int op_ps(void)
{
	int fd = open("/proc/1/stat", O_RDONLY);
	if (fd < 0)
		return fail("open");
	close(fd);
	return 0;
}

static int op_vminfo(void)
{
	char b[256];
	int fd = open("/proc/meminfo", O_RDONLY);
	if (fd < 0)
		return fail("open");
	ssize_t n = read(fd, b, sizeof(b));
	close(fd);
	return n <= 0 ? fail("read") : 0;
}

static int op_route(void)
{
	int s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (s < 0)
		return fail("socket");
	close(s);
	return 0;
}

static int op_unveil(void)
{
	/* an O_PATH descriptor is what scopes_unveil opens to hand to Landlock */
	int fd = open(arg ? arg : "/etc", O_PATH);
	if (fd < 0)
		return fail("open");
	close(fd);
	return 0;
}

static void *thread_main(void *p)
{
	(void)p;
	(void)getpid();
	return NULL;
}

static int op_threads(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, thread_main, NULL) != 0)
		return fail("pthread_create");
	return pthread_join(t, NULL) != 0 ? fail("pthread_join") : 0;
}

/* Many violations in a burst: getppid N times. */
static int op_burst(void)
{
	long n = arg ? strtol(arg, NULL, 10) : 10000;
	for (long i = 0; i < n; i++)
		(void)syscall(SYS_getppid);
	return 0;
}

static int op_cat(void)
{
	char b[4096];
	ssize_t n;
	while ((n = read(0, b, sizeof(b))) > 0)
		if (write(1, b, (size_t)n) != n)
			return fail("write");
	return n < 0 ? fail("read") : 0;
}

static int op_exit(void)
{
	exit(arg ? atoi(arg) : 0);
}

static int op_kill(void)
{
	raise(arg ? atoi(arg) : SIGTERM);
	return 1;
}

static int op_unpledgeable(void)
{
	/* ptrace(PTRACE_TRACEME) on ourselves is harmless and never allowed */
	(void)syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, 0, 0);
	return 0;
}

/* A filter of the program's own: getppid answered EPERM (before any
 * notification: the tracer never sees it); "listener": with its own
 * listener (EBUSY while traced). Exit 0 as expected untraced, 4 on EBUSY. */
static int op_own_filter(void)
{
	int listener = arg && strcmp(arg, "listener") == 0;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return fail("no_new_privs");
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			 listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &prog);
	if (r < 0 && errno == EBUSY)
		return 4;
	if (r < 0)
		return fail("seccomp");
	return syscall(SYS_getppid) < 0 && errno == EPERM ? 0 : 3;
}

static const struct {
	const char *name;
	int (*fn)(void);
} ops[] = {
	{ "none", op_none },	     { "stdio", op_stdio },	    { "rpath", op_rpath },
	{ "wpath", op_wpath },	     { "cpath", op_cpath },	    { "dpath", op_dpath },
	{ "tmppath", op_tmppath },   { "fattr", op_fattr },	    { "chown", op_chown },
	{ "flock", op_flock },	     { "inet", op_inet },	    { "mcast", op_mcast },
	{ "unix", op_unix },	     { "sendfd", op_sendfd },	    { "recvfd", op_recvfd },
	{ "dns", op_dns },	     { "getpw", op_getpw },	    { "tty", op_tty },
	{ "proc", op_proc },	     { "exec", op_exec },	    { "forkexec", op_forkexec },
	{ "prot_exec", op_prot_exec }, { "settime", op_settime },   { "id", op_id },
	{ "ps", op_ps },	     { "vminfo", op_vminfo },	    { "route", op_route },
	{ "unveil", op_unveil },     { "threads", op_threads },	    { "burst", op_burst },
	{ "cat", op_cat },	     { "exit", op_exit },	    { "kill", op_kill },
	{ "unpledgeable", op_unpledgeable }, { "own_filter", op_own_filter },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: trace-subject OP [ARG]\n", stderr);
		return 2;
	}
	arg = argc > 2 ? argv[2] : NULL;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(argv[1], ops[i].name) == 0)
			return ops[i].fn();
	fprintf(stderr, "trace-subject: no operation %s\n", argv[1]);
	return 2;
}
