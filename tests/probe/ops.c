/* SPDX-License-Identifier: MIT */
/*
 * The probe's operation catalogue. Each run() makes the one system call the
 * operation is named after, with raw syscall(2) where glibc would add calls
 * of its own, and returns its result or -errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <scopes.h>

#include "ops.h"

static long ret(long r)
{
	return r < 0 ? -errno : r;
}

static long num(const char *s)
{
	return (long)strtoull(s, NULL, 0);
}

/* ------------------------------------------------------------- setups */

static int setup_devzero(struct probe_ctx *c)
{
	c->fd = open("/dev/zero", O_RDONLY);
	return c->fd < 0 ? -1 : 0;
}

static int setup_tmpfile(struct probe_ctx *c)
{
	char path[] = "/tmp/scopes-probe-XXXXXX";
	c->fd = mkstemp(path);
	if (c->fd < 0)
		return -1;
	unlink(path);
	return write(c->fd, "x", 1) == 1 ? 0 : -1;
}

static int setup_pipe(struct probe_ctx *c)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	c->fd = p[0];
	c->fd2 = p[1];
	return 0;
}

static int setup_socket_inet(struct probe_ctx *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	return c->fd < 0 ? -1 : 0;
}

static int setup_socket_udp(struct probe_ctx *c)
{
	c->fd = socket(AF_INET, SOCK_DGRAM, 0);
	return c->fd < 0 ? -1 : 0;
}

/* a listening TCP socket on loopback; the port goes in value */
static int setup_listener(struct probe_ctx *c)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	c->fd2 = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd2 < 0 || bind(c->fd2, (void *)&a, sizeof(a)) || listen(c->fd2, 4) ||
	    getsockname(c->fd2, (void *)&a, &l))
		return -1;
	c->value = ntohs(a.sin_port);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	return c->fd < 0 ? -1 : 0;
}

static int setup_file_arg(struct probe_ctx *c)
{
	/* make sure args[0] exists as a file (for unlink, chmod, ...) */
	int fd = open(c->args[0], O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int setup_dir_arg(struct probe_ctx *c)
{
	return mkdir(c->args[0], 0755) == 0 || errno == EEXIST ? 0 : -1;
}

static int setup_child(struct probe_ctx *c)
{
	pid_t p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		/* let go of the probe's output (the test reads it to EOF) and die
		 * with the probe when the kill is denied */
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		dup2(null, 2);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	c->value = p;
	return 0;
}

static int setup_map(struct probe_ctx *c)
{
	c->ptr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return c->ptr == MAP_FAILED ? -1 : 0;
}

static int setup_ttyfd(struct probe_ctx *c)
{
	/* a pseudo-terminal, so terminal ioctls have a terminal to act on */
	c->fd = posix_openpt(O_RDWR | O_NOCTTY);
	if (c->fd < 0 || grantpt(c->fd) || unlockpt(c->fd))
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- runs */

static long run_read(struct probe_ctx *c)
{
	char b;
	return ret(syscall(SYS_read, c->fd, &b, 1));
}

static long run_splice_pipe(struct probe_ctx *c)
{
	if (write(c->fd2, "x", 1) != 1)
		return -EIO;
	char b;
	return ret(syscall(SYS_read, c->fd, &b, 1));
}

static long run_write_stdout(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_write, 1, "", 0));
}

static long run_fstat(struct probe_ctx *c)
{
	struct stat st;
	return ret(fstat(c->fd, &st));
}

static long run_ftruncate(struct probe_ctx *c)
{
	return ret(syscall(SYS_ftruncate, c->fd, 0));
}

static long open_with(struct probe_ctx *c, int flags)
{
	long r = syscall(SYS_openat, AT_FDCWD, c->args[0], flags, 0644);
	return ret(r);
}

static long run_open_r(struct probe_ctx *c) { return open_with(c, O_RDONLY | O_CLOEXEC); }
static long run_open_w(struct probe_ctx *c) { return open_with(c, O_WRONLY | O_CLOEXEC); }
static long run_open_rw(struct probe_ctx *c) { return open_with(c, O_RDWR | O_CLOEXEC); }
static long run_open_trunc(struct probe_ctx *c) { return open_with(c, O_WRONLY | O_TRUNC); }
static long run_open_rdtrunc(struct probe_ctx *c) { return open_with(c, O_RDONLY | O_TRUNC); }
static long run_create(struct probe_ctx *c) { return open_with(c, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC); }
static long run_create_rw(struct probe_ctx *c) { return open_with(c, O_RDWR | O_CREAT | O_EXCL); }

static long run_open_flags(struct probe_ctx *c)
{
	long mode = c->nargs > 2 ? num(c->args[2]) : 0600;
	return ret(syscall(SYS_openat, AT_FDCWD, c->args[0], num(c->args[1]), mode));
}

static long run_create_suid(struct probe_ctx *c)
{
	return ret(syscall(SYS_openat, AT_FDCWD, c->args[0], O_WRONLY | O_CREAT, 04755));
}

static long run_tmpfile(struct probe_ctx *c)
{
	return ret(syscall(SYS_openat, AT_FDCWD, c->args[0], O_TMPFILE | O_RDWR, 0600));
}

static long run_stat(struct probe_ctx *c)
{
	struct stat st;
	return ret(syscall(SYS_newfstatat, AT_FDCWD, c->args[0], &st, 0));
}

static long run_access(struct probe_ctx *c)
{
	return ret(syscall(SYS_faccessat, AT_FDCWD, c->args[0], R_OK));
}

static long run_readlink(struct probe_ctx *c)
{
	char b[256];
	return ret(syscall(SYS_readlinkat, AT_FDCWD, c->args[0], b, sizeof(b)));
}

static long run_getdents(struct probe_ctx *c)
{
	char b[4096];
	return ret(syscall(SYS_getdents64, c->fd, b, sizeof(b)));
}

static int setup_opendir(struct probe_ctx *c)
{
	c->fd = open(c->args[0], O_RDONLY | O_DIRECTORY);
	return c->fd < 0 ? -1 : 0;
}

static long run_getcwd(struct probe_ctx *c)
{
	char b[4096];
	(void)c;
	return ret(syscall(SYS_getcwd, b, sizeof(b)));
}

static long run_chdir(struct probe_ctx *c) { return ret(syscall(SYS_chdir, c->args[0])); }
static long run_unlink(struct probe_ctx *c) { return ret(syscall(SYS_unlinkat, AT_FDCWD, c->args[0], 0)); }
static long run_rmdir(struct probe_ctx *c) { return ret(syscall(SYS_unlinkat, AT_FDCWD, c->args[0], AT_REMOVEDIR)); }
static long run_mkdir(struct probe_ctx *c) { return ret(syscall(SYS_mkdirat, AT_FDCWD, c->args[0], 0755)); }
static long run_rename(struct probe_ctx *c)
{
	return ret(syscall(SYS_renameat, AT_FDCWD, c->args[0], AT_FDCWD, c->args[1]));
}
static long run_symlink(struct probe_ctx *c)
{
	return ret(syscall(SYS_symlinkat, c->args[1], AT_FDCWD, c->args[0]));
}
static long run_link(struct probe_ctx *c)
{
	return ret(syscall(SYS_linkat, AT_FDCWD, c->args[0], AT_FDCWD, c->args[1], 0));
}
static long run_truncate(struct probe_ctx *c) { return ret(syscall(SYS_truncate, c->args[0], 0)); }
static long run_mkfifo(struct probe_ctx *c)
{
	return ret(syscall(SYS_mknodat, AT_FDCWD, c->args[0], S_IFIFO | 0600, 0));
}
static long run_mknod_chr(struct probe_ctx *c)
{
	return ret(syscall(SYS_mknodat, AT_FDCWD, c->args[0], S_IFCHR | 0600, makedev(1, 3)));
}
static long run_mknod_reg(struct probe_ctx *c)
{
	return ret(syscall(SYS_mknodat, AT_FDCWD, c->args[0], S_IFREG | 0600, 0));
}
static long run_chmod(struct probe_ctx *c)
{
	return ret(syscall(SYS_fchmodat, AT_FDCWD, c->args[0], num(c->args[1])));
}
static long run_utimens(struct probe_ctx *c)
{
	return ret(syscall(SYS_utimensat, AT_FDCWD, c->args[0], NULL, 0));
}
static long run_chown(struct probe_ctx *c)
{
	return ret(syscall(SYS_fchownat, AT_FDCWD, c->args[0], getuid(), getgid(), 0));
}
static long run_flock(struct probe_ctx *c) { return ret(syscall(SYS_flock, c->fd, LOCK_EX)); }
static long run_fcntl_lock(struct probe_ctx *c)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	return ret(syscall(SYS_fcntl, c->fd, F_SETLK, &fl));
}
static long run_fcntl(struct probe_ctx *c)
{
	return ret(syscall(SYS_fcntl, c->fd, num(c->args[0]), c->nargs > 1 ? num(c->args[1]) : 0));
}

static long run_socket(struct probe_ctx *c)
{
	return ret(syscall(SYS_socket, num(c->args[0]), num(c->args[1]),
			   c->nargs > 2 ? num(c->args[2]) : 0));
}
static long run_socketpair(struct probe_ctx *c)
{
	int sv[2];
	return ret(syscall(SYS_socketpair, num(c->args[0]), SOCK_STREAM, 0, sv));
}
static long run_connect(struct probe_ctx *c)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)c->value),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return ret(syscall(SYS_connect, c->fd, &a, sizeof(a)));
}
static long run_bind(struct probe_ctx *c)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return ret(syscall(SYS_bind, c->fd, &a, sizeof(a)));
}
static long run_listen(struct probe_ctx *c) { return ret(syscall(SYS_listen, c->fd, 1)); }
static long run_setsockopt(struct probe_ctx *c)
{
	int one = 1;
	return ret(syscall(SYS_setsockopt, c->fd, num(c->args[0]), num(c->args[1]), &one, sizeof(one)));
}
static long run_getsockopt(struct probe_ctx *c)
{
	int v = 0;
	socklen_t l = sizeof(v);
	return ret(syscall(SYS_getsockopt, c->fd, num(c->args[0]), num(c->args[1]), &v, &l));
}
static long run_sendto_addr(struct probe_ctx *c)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return ret(syscall(SYS_sendto, c->fd, "x", 1, 0, &a, sizeof(a)));
}
static long run_sendto_null(struct probe_ctx *c)
{
	return ret(syscall(SYS_sendto, c->fd2, "x", 1, 0, NULL, 0));
}
static int setup_sockpair(struct probe_ctx *c)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return -1;
	c->fd = sv[0];
	c->fd2 = sv[1];
	return 0;
}
static long run_sendmsg(struct probe_ctx *c)
{
	char b = 'x';
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	return ret(syscall(SYS_sendmsg, c->fd2, &m, 0));
}
static long run_recvmsg(struct probe_ctx *c)
{
	char b;
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (write(c->fd2, "x", 1) != 1)
		return -EIO;
	return ret(syscall(SYS_recvmsg, c->fd, &m, 0));
}

static long run_fork(struct probe_ctx *c)
{
	(void)c;
	long p = syscall(SYS_fork);
	if (p == 0)
		_exit(0);
	if (p > 0)
		waitpid((pid_t)p, NULL, 0);
	return ret(p) > 0 ? 0 : ret(p);
}
static long run_clone_ns(struct probe_ctx *c)
{
	(void)c;
	long p = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	if (p == 0)
		_exit(0);
	if (p > 0)
		waitpid((pid_t)p, NULL, 0);
	return ret(p) > 0 ? 0 : ret(p);
}
static void *thread_main(void *a)
{
	return a;
}
static long run_thread(struct probe_ctx *c)
{
	pthread_t t;
	(void)c;
	int e = pthread_create(&t, NULL, thread_main, NULL);
	if (e)
		return -e;
	pthread_join(t, NULL);
	return 0;
}
static long run_exec(struct probe_ctx *c)
{
	char *argv[] = { c->args[0], NULL };
	char *envp[] = { NULL };
	return ret(syscall(SYS_execve, c->args[0], argv, envp));
}
static long run_mmap_exec(struct probe_ctx *c)
{
	(void)c;
	long r = syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return r < 0 && r > -4096 ? -errno : (r == -1 ? -errno : 0);
}
static long run_mmap_rw(struct probe_ctx *c)
{
	(void)c;
	long r = syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return r == -1 ? -errno : 0;
}
static long run_mprotect_exec(struct probe_ctx *c)
{
	return ret(syscall(SYS_mprotect, c->ptr, 4096, PROT_READ | PROT_EXEC));
}
static long run_mprotect_ro(struct probe_ctx *c)
{
	return ret(syscall(SYS_mprotect, c->ptr, 4096, PROT_READ));
}
static long run_ioctl(struct probe_ctx *c)
{
	int v = 0;
	return ret(syscall(SYS_ioctl, c->fd, num(c->args[0]), &v));
}
static long run_ioctl_tty(struct probe_ctx *c)
{
	char buf[256];
	memset(buf, 0, sizeof(buf));
	return ret(syscall(SYS_ioctl, c->fd, num(c->args[0]), buf));
}
static long run_kill_self(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_kill, getpid(), 0));
}
static long run_kill_other(struct probe_ctx *c)
{
	long r = ret(syscall(SYS_kill, (pid_t)c->value, SIGKILL));
	if (r == 0)
		waitpid((pid_t)c->value, NULL, 0);
	return r;
}
static long run_kill_parent(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_kill, getppid(), 0));
}
static long run_raise(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), 0));
}
static long run_setuid(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_setuid, getuid()));
}
static long run_settimeofday(struct probe_ctx *c)
{
	(void)c;
	/* an invalid time: allowed calls fail EINVAL, never change the clock */
	struct timeval tv = { .tv_sec = -1, .tv_usec = 0 };
	return ret(syscall(SYS_settimeofday, &tv, NULL));
}
static long run_getrandom(struct probe_ctx *c)
{
	char b[8];
	(void)c;
	return ret(syscall(SYS_getrandom, b, sizeof(b), 0));
}
static long run_getpid(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_getpid)) > 0 ? 0 : -errno;
}
static long run_prctl(struct probe_ctx *c)
{
	return ret(syscall(SYS_prctl, num(c->args[0]), c->nargs > 1 ? num(c->args[1]) : 0, 0, 0, 0));
}
static long run_raw(struct probe_ctx *c)
{
	long a[6] = { 0 };
	for (int i = 0; i < 6 && i + 1 < c->nargs; i++)
		a[i] = num(c->args[i + 1]);
	return ret(syscall(num(c->args[0]), a[0], a[1], a[2], a[3], a[4], a[5]));
}
static long run_printf(struct probe_ctx *c)
{
	(void)c;
	int n = printf("hello from a pledged printf\n");
	fflush(stdout);
	return n < 0 ? -EIO : 0;
}
static long run_malloc_big(struct probe_ctx *c)
{
	(void)c;
	char *p = malloc(64 << 20);
	if (!p)
		return -ENOMEM;
	p[0] = 1;
	p[(64 << 20) - 1] = 1;
	free(p);
	char *q = malloc(100);
	free(q);
	return 0;
}
static long run_clock(struct probe_ctx *c)
{
	struct timespec ts;
	(void)c;
	return clock_gettime(CLOCK_MONOTONIC, &ts) == 0 ? 0 : -errno;
}
static long run_fopen_r(struct probe_ctx *c)
{
	FILE *f = fopen(c->args[0], "r");
	if (!f)
		return -errno;
	char b[16];
	size_t n = fread(b, 1, sizeof(b), f);
	fclose(f);
	return (long)n;
}
static long run_fopen_w(struct probe_ctx *c)
{
	FILE *f = fopen(c->args[0], "w");
	if (!f)
		return -errno;
	int r = fputs("written\n", f);
	return fclose(f) == 0 && r >= 0 ? 0 : -errno;
}


/* --------------------------------------- the scope matrix's operations */

static long run_mknod_mode(struct probe_ctx *c)
{
	return ret(syscall(SYS_mknodat, AT_FDCWD, c->args[0], num(c->args[1]), 0));
}

static long run_mknod_legacy(struct probe_ctx *c)
{
#ifdef SYS_mknod
	return ret(syscall(SYS_mknod, c->args[0], num(c->args[1]), 0));
#else
	(void)c;
	return -ENOSYS;
#endif
}

/* the file named by args[0], opened before the pledge (created if need be) */
static int setup_open_arg(struct probe_ctx *c)
{
	c->fd = open(c->args[0], O_RDWR | O_CREAT, 0644);
	return c->fd < 0 ? -1 : 0;
}

static long run_fchmod(struct probe_ctx *c) { return ret(syscall(SYS_fchmod, c->fd, num(c->args[1]))); }

static long run_execveat(struct probe_ctx *c)
{
	char *argv[] = { c->args[0], NULL };
	char *envp[] = { NULL };
	return ret(syscall(SYS_execveat, AT_FDCWD, c->args[0], argv, envp, 0));
}

static long run_mmap_exec_file(struct probe_ctx *c)
{
	long r = syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, c->fd, 0);
	return r == -1 ? -errno : 0;
}

static int setup_open_ro_arg(struct probe_ctx *c)
{
	c->fd = open(c->args[0], O_RDONLY);
	return c->fd < 0 ? -1 : 0;
}

static long run_sendmmsg(struct probe_ctx *c)
{
	char b = 'x';
	struct iovec iov = { &b, 1 };
	struct mmsghdr m = { .msg_hdr = { .msg_iov = &iov, .msg_iovlen = 1 } };
	return ret(syscall(SYS_sendmmsg, c->fd2, &m, 1, 0));
}

/* a socketpair with one byte already waiting on fd: receiving it after the
 * pledge is then one call (no write of stdio's before it) */
static int setup_sockpair_ready(struct probe_ctx *c)
{
	if (setup_sockpair(c) != 0)
		return -1;
	return write(c->fd2, "x", 1) == 1 ? 0 : -1;
}

static long run_recvmmsg(struct probe_ctx *c)
{
	char b;
	struct iovec iov = { &b, 1 };
	struct mmsghdr m = { .msg_hdr = { .msg_iov = &iov, .msg_iovlen = 1 } };
	return ret(syscall(SYS_recvmmsg, c->fd, &m, 1, 0, NULL));
}

static long run_recvmsg_ready(struct probe_ctx *c)
{
	char b;
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	return ret(syscall(SYS_recvmsg, c->fd, &m, 0));
}

/* Ids and pids looked up before the pledge, so that the operation after it
 * is the one call it is named after (getuid/getpid need stdio). */
static struct {
	uid_t uid;
	gid_t gid;
	pid_t pid, tid, ppid;
} pre;

static int setup_ids(struct probe_ctx *c)
{
	(void)c;
	pre.uid = getuid();
	pre.gid = getgid();
	pre.pid = getpid();
	pre.tid = (pid_t)syscall(SYS_gettid);
	pre.ppid = getppid();
	return 0;
}

static int setup_ids_file(struct probe_ctx *c)
{
	setup_ids(c);
	return setup_file_arg(c);
}

static int setup_ids_open(struct probe_ctx *c)
{
	setup_ids(c);
	return setup_open_arg(c);
}

static long run_fchown(struct probe_ctx *c) { return ret(syscall(SYS_fchown, c->fd, pre.uid, pre.gid)); }
static long run_lchown(struct probe_ctx *c)
{
	return ret(syscall(SYS_fchownat, AT_FDCWD, c->args[0], pre.uid, pre.gid,
			   AT_SYMLINK_NOFOLLOW));
}

static long run_setgid(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_setgid, pre.gid));
}

static long run_setuid_same(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_setuid, pre.uid));
}

static long run_kill_self0(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_kill, pre.pid, 0));
}

static long run_tgkill_self0(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_tgkill, pre.pid, pre.tid, 0));
}

static long run_kill_ppid0(struct probe_ctx *c)
{
	(void)c;
	return ret(syscall(SYS_kill, pre.ppid, 0));
}

static long run_chown_same(struct probe_ctx *c)
{
	return ret(syscall(SYS_fchownat, AT_FDCWD, c->args[0], pre.uid, pre.gid, 0));
}

/* kill the child forked before the pledge; it is reaped after the probe ends */
static long run_kill_child(struct probe_ctx *c)
{
	return ret(syscall(SYS_kill, (pid_t)c->value, SIGKILL));
}

static long run_fork_nowait(struct probe_ctx *c)
{
	(void)c;
	long p = syscall(SYS_fork);
	if (p == 0)
		syscall(SYS_exit_group, 0);
	return p > 0 ? 0 : ret(p);
}

/* one byte with a descriptor attached (SCM_RIGHTS) */
static long send_fd(int sock, int fd)
{
	char b = 'x';
	struct iovec iov = { &b, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return ret(syscall(SYS_sendmsg, sock, &m, 0));
}

static long run_send_fd(struct probe_ctx *c) { return send_fd(c->fd2, 0); }

static int setup_fd_in_flight(struct probe_ctx *c)
{
	if (setup_sockpair(c) != 0)
		return -1;
	return send_fd(c->fd2, 0) == 1 ? 0 : -1;
}

/* receive the descriptor sent before the pledge; returns 1 if one came */
static long run_recv_fd(struct probe_ctx *c)
{
	char b;
	struct iovec iov = { &b, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	long r = ret(syscall(SYS_recvmsg, c->fd, &m, 0));
	if (r < 0)
		return r;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	return cm && cm->cmsg_type == SCM_RIGHTS ? 1 : 0;
}

/* The i386 entry point (int $0x80) of a 64-bit process: a foreign ABI that
 * every filter must kill, whatever its penalty. */
static long run_int80(struct probe_ctx *c)
{
#if defined(__x86_64__)
	long r, nr = num(c->args[0]);
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr) : "memory", "r8", "r9", "r10", "r11");
	return r;
#else
	(void)c;
	return -ENOSYS;
#endif
}

static long run_unveil(struct probe_ctx *c)
{
	return scopes_unveil(c->args[0], c->args[1]) == 0 ? 0 : -errno;
}

/*
 * "status OP [ARG...]": perform OP and report through the exit status
 * instead of stdout, so that promise sets without stdio (write) can be
 * observed too: 10 for success, 100 + errno for a failure. exit_group is
 * allowed under every pledge.
 */
static const struct probe_op *status_inner;

static int setup_status(struct probe_ctx *c)
{
	status_inner = ops_find(c->args[0]);
	if (!status_inner || c->nargs - 1 < status_inner->min_args) {
		errno = EINVAL;
		return -1;
	}
	c->args++;
	c->nargs--;
	return status_inner->setup ? status_inner->setup(c) : 0;
}

static long run_status(struct probe_ctx *c)
{
	long r = status_inner->run(c);
	syscall(SYS_exit_group, r < 0 && r > -4096 ? 100 + (int)-r : 10);
	return -EIO; /* not reached */
}

#define OP(n, min, use, s, r, d) { n, min, use, s, r, d }
static const struct probe_op ops[] = {
	OP("read", 0, "", setup_devzero, run_read, "read one byte from an open fd"),
	OP("pipe-io", 0, "", setup_pipe, run_splice_pipe, "write and read a pipe made before the pledge"),
	OP("write-stdout", 0, "", NULL, run_write_stdout, "write 0 bytes to stdout"),
	OP("fstat", 0, "", setup_devzero, run_fstat, "fstat an open fd (glibc: newfstatat AT_EMPTY_PATH)"),
	OP("ftruncate", 0, "", setup_tmpfile, run_ftruncate, "ftruncate an open file"),
	OP("printf", 0, "", NULL, run_printf, "printf to stdout (isatty, write)"),
	OP("malloc-big", 0, "", NULL, run_malloc_big, "malloc 64 MiB and a small block"),
	OP("clock", 0, "", NULL, run_clock, "clock_gettime (vDSO)"),
	OP("getrandom", 0, "", NULL, run_getrandom, "getrandom 8 bytes"),
	OP("getpid", 0, "", NULL, run_getpid, "getpid"),
	OP("thread", 0, "", NULL, run_thread, "pthread_create and join"),
	OP("open-r", 1, "PATH", NULL, run_open_r, "openat O_RDONLY"),
	OP("open-w", 1, "PATH", NULL, run_open_w, "openat O_WRONLY of an existing file"),
	OP("open-rw", 1, "PATH", NULL, run_open_rw, "openat O_RDWR"),
	OP("open-trunc", 1, "PATH", NULL, run_open_trunc, "openat O_WRONLY|O_TRUNC"),
	OP("open-rdtrunc", 1, "PATH", NULL, run_open_rdtrunc, "openat O_RDONLY|O_TRUNC"),
	OP("open-flags", 2, "PATH FLAGS [MODE]", NULL, run_open_flags, "openat with raw flags"),
	OP("create", 1, "PATH", NULL, run_create, "openat O_WRONLY|O_CREAT|O_TRUNC"),
	OP("create-rw", 1, "PATH", NULL, run_create_rw, "openat O_RDWR|O_CREAT|O_EXCL"),
	OP("create-suid", 1, "PATH", NULL, run_create_suid, "openat O_CREAT with mode 04755"),
	OP("tmpfile", 1, "DIR", NULL, run_tmpfile, "openat O_TMPFILE|O_RDWR"),
	OP("fopen-r", 1, "PATH", NULL, run_fopen_r, "fopen(PATH, \"r\") and fread"),
	OP("fopen-w", 1, "PATH", NULL, run_fopen_w, "fopen(PATH, \"w\") and fputs"),
	OP("stat", 1, "PATH", NULL, run_stat, "newfstatat of a path"),
	OP("access", 1, "PATH", NULL, run_access, "faccessat R_OK"),
	OP("readlink", 1, "PATH", NULL, run_readlink, "readlinkat"),
	OP("getdents", 1, "DIR", setup_opendir, run_getdents, "getdents64 on an open directory"),
	OP("getcwd", 0, "", NULL, run_getcwd, "getcwd"),
	OP("chdir", 1, "DIR", NULL, run_chdir, "chdir"),
	OP("truncate", 1, "PATH", setup_file_arg, run_truncate, "truncate a path"),
	OP("unlink", 1, "PATH", setup_file_arg, run_unlink, "unlinkat a file"),
	OP("mkdir", 1, "PATH", NULL, run_mkdir, "mkdirat 0755"),
	OP("rmdir", 1, "PATH", setup_dir_arg, run_rmdir, "unlinkat AT_REMOVEDIR"),
	OP("rename", 2, "FROM TO", setup_file_arg, run_rename, "renameat"),
	OP("symlink", 2, "LINK TARGET", NULL, run_symlink, "symlinkat"),
	OP("link", 2, "FROM TO", setup_file_arg, run_link, "linkat"),
	OP("mkfifo", 1, "PATH", NULL, run_mkfifo, "mknodat S_IFIFO"),
	OP("mknod-chr", 1, "PATH", NULL, run_mknod_chr, "mknodat S_IFCHR (a device node)"),
	OP("mknod-reg", 1, "PATH", NULL, run_mknod_reg, "mknodat S_IFREG"),
	OP("chmod", 2, "PATH MODE", setup_file_arg, run_chmod, "fchmodat"),
	OP("utimens", 1, "PATH", setup_file_arg, run_utimens, "utimensat"),
	OP("chown", 1, "PATH", setup_file_arg, run_chown, "fchownat to the same owner"),
	OP("flock", 0, "", setup_tmpfile, run_flock, "flock LOCK_EX"),
	OP("fcntl-lock", 0, "", setup_tmpfile, run_fcntl_lock, "fcntl F_SETLK"),
	OP("fcntl", 1, "CMD [ARG]", setup_devzero, run_fcntl, "fcntl with a raw command"),
	OP("socket", 2, "DOMAIN TYPE [PROTO]", NULL, run_socket, "socket"),
	OP("socketpair", 1, "DOMAIN", NULL, run_socketpair, "socketpair STREAM"),
	OP("connect", 0, "", setup_listener, run_connect, "connect to a loopback listener"),
	OP("bind", 0, "", setup_socket_inet, run_bind, "bind a TCP socket on loopback"),
	OP("listen", 0, "", setup_socket_inet, run_listen, "listen on a TCP socket"),
	OP("setsockopt", 2, "LEVEL OPT", setup_socket_udp, run_setsockopt, "setsockopt int 1 on a UDP socket"),
	OP("getsockopt", 2, "LEVEL OPT", setup_socket_udp, run_getsockopt, "getsockopt on a UDP socket"),
	OP("sendto-addr", 0, "", setup_socket_udp, run_sendto_addr, "sendto with a destination"),
	OP("sendto-null", 0, "", setup_sockpair, run_sendto_null, "sendto on a connected socket, no address"),
	OP("sendmsg", 0, "", setup_sockpair, run_sendmsg, "sendmsg on a socketpair"),
	OP("recvmsg", 0, "", setup_sockpair, run_recvmsg, "recvmsg on a socketpair"),
	OP("fork", 0, "", NULL, run_fork, "fork (raw)"),
	OP("clone-newuser", 0, "", NULL, run_clone_ns, "clone CLONE_NEWUSER"),
	OP("exec", 1, "PATH", NULL, run_exec, "execve PATH"),
	OP("mmap-exec", 0, "", NULL, run_mmap_exec, "mmap PROT_EXEC anonymous"),
	OP("mmap-rw", 0, "", NULL, run_mmap_rw, "mmap PROT_READ|PROT_WRITE anonymous"),
	OP("mprotect-exec", 0, "", setup_map, run_mprotect_exec, "mprotect add PROT_EXEC"),
	OP("mprotect-ro", 0, "", setup_map, run_mprotect_ro, "mprotect PROT_READ"),
	OP("ioctl", 1, "REQUEST", setup_socket_udp, run_ioctl, "ioctl REQUEST on a UDP socket"),
	OP("ioctl-tty", 1, "REQUEST", setup_ttyfd, run_ioctl_tty, "ioctl REQUEST on a pty master"),
	OP("kill-self", 0, "", NULL, run_kill_self, "kill(getpid(), 0)"),
	OP("raise", 0, "", NULL, run_raise, "tgkill(getpid(), gettid(), 0)"),
	OP("kill-other", 0, "", setup_child, run_kill_other, "kill a child forked before the pledge"),
	OP("kill-parent", 0, "", NULL, run_kill_parent, "kill(getppid(), 0)"),
	OP("setuid", 0, "", NULL, run_setuid, "setuid to the current uid"),
	OP("settimeofday", 0, "", NULL, run_settimeofday, "settimeofday with an invalid time"),
	OP("prctl", 1, "OPTION [ARG]", NULL, run_prctl, "prctl with a raw option"),
	OP("raw", 1, "NR [A0..A5]", NULL, run_raw, "any syscall with raw arguments"),
	OP("mknod", 2, "PATH MODE", NULL, run_mknod_mode, "mknodat with a raw mode (type and bits), dev 0"),
	OP("mknod-legacy", 2, "PATH MODE", NULL, run_mknod_legacy, "mknod (the old call) with a raw mode"),
	OP("fchmod", 2, "PATH MODE", setup_open_arg, run_fchmod, "fchmod a file opened before the pledge"),
	OP("fchown", 1, "PATH", setup_ids_open, run_fchown, "fchown a file opened before the pledge"),
	OP("lchown", 1, "PATH", setup_ids_file, run_lchown, "fchownat AT_SYMLINK_NOFOLLOW, same owner"),
	OP("setgid", 0, "", setup_ids, run_setgid, "setgid to the current gid"),
	OP("execveat", 1, "PATH", NULL, run_execveat, "execveat PATH"),
	OP("mmap-exec-file", 1, "PATH", setup_open_ro_arg, run_mmap_exec_file,
	   "mmap a file opened before the pledge PROT_READ|PROT_EXEC"),
	OP("sendmmsg", 0, "", setup_sockpair, run_sendmmsg, "sendmmsg one message on a socketpair"),
	OP("recvmmsg", 0, "", setup_sockpair_ready, run_recvmmsg,
	   "recvmmsg a byte written before the pledge"),
	OP("recvmsg-ready", 0, "", setup_sockpair_ready, run_recvmsg_ready,
	   "recvmsg a byte written before the pledge"),
	OP("setuid-same", 0, "", setup_ids, run_setuid_same, "setuid to the uid read before the pledge"),
	OP("chown-same", 1, "PATH", setup_ids_file, run_chown_same,
	   "fchownat to the owner read before the pledge"),
	OP("kill-self0", 0, "", setup_ids, run_kill_self0, "kill(own pid read before the pledge, 0)"),
	OP("tgkill-self0", 0, "", setup_ids, run_tgkill_self0, "tgkill(own pid, own tid, 0)"),
	OP("kill-ppid0", 0, "", setup_ids, run_kill_ppid0, "kill(parent pid read before the pledge, 0)"),
	OP("kill-child", 0, "", setup_child, run_kill_child, "SIGKILL a child forked before the pledge, no wait"),
	OP("fork-nowait", 0, "", NULL, run_fork_nowait, "fork; the child exits at once; no wait"),
	OP("send-fd", 0, "", setup_sockpair, run_send_fd, "sendmsg with SCM_RIGHTS on a socketpair"),
	OP("recv-fd", 0, "", setup_fd_in_flight, run_recv_fd,
	   "recvmsg a descriptor sent before the pledge (1: it came)"),
	OP("int80", 1, "NR", NULL, run_int80, "a syscall through the i386 entry (int $0x80)"),
	OP("unveil", 2, "PATH PERMS", NULL, run_unveil, "scopes_unveil(PATH, PERMS)"),
	OP("status", 1, "OP [ARG...]", setup_status, run_status,
	   "OP, reported by exit status (10 ok, 100+errno) for sets without stdio"),
};

const struct probe_op *ops_find(const char *name)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, name) == 0)
			return &ops[i];
	return NULL;
}

void ops_list(FILE *out)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		fprintf(out, "%-14s %-20s %s\n", ops[i].name, ops[i].usage, ops[i].doc);
}
