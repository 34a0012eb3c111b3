/* SPDX-License-Identifier: MIT */
/*
 * The system call decoder (see decode.h).
 *
 * Constants are the kernel's UAPI values written as numbers, because the
 * decoder names aarch64 calls on an x86_64 host (and the reverse); the
 * static assertions at the end check them against the host's headers.
 * Only open(2)'s flags differ between the two arches.
 */
#define _GNU_SOURCE
#include <string.h>

#include <scopes/table.h>

#include "decode.h"
#include "memprobe.h"
#include "out.h"

/* ------------------------------------------------------------- name tables */

struct named {
	uint64_t value;
	const char *name;
};

#define N(v, n) { (v), (n) }
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* open flags common to x86_64 and aarch64, bit order */
static const struct named oflags_common[] = {
	N(0100, "O_CREAT"),	      N(0200, "O_EXCL"),	N(0400, "O_NOCTTY"),
	N(01000, "O_TRUNC"),	      N(02000, "O_APPEND"),	N(04000, "O_NONBLOCK"),
	N(020000, "O_ASYNC"),	      N(01000000, "O_NOATIME"), N(02000000, "O_CLOEXEC"),
	N(010000000, "O_PATH"),
};
#define O_ACCMODE_K   03u
#define O_CREAT_K     0100u
#define O_DSYNC_K     010000u
#define O_SYNC_BIT_K  04000000u  /* __O_SYNC: O_SYNC is it plus O_DSYNC */
#define O_TMPFILE_BIT 020000000u /* __O_TMPFILE: O_TMPFILE is it plus O_DIRECTORY */

struct arch_oflags {
	uint64_t directory, nofollow, direct, largefile;
};
static const struct arch_oflags oflags_x86_64 = { 0200000, 0400000, 040000, 0100000 };
static const struct arch_oflags oflags_aarch64 = { 040000, 0100000, 0200000, 0400000 };

static const struct named at_flags[] = {
	N(0x100, "AT_SYMLINK_NOFOLLOW"), N(0x400, "AT_SYMLINK_FOLLOW"),
	N(0x800, "AT_NO_AUTOMOUNT"),	 N(0x1000, "AT_EMPTY_PATH"),
	N(0x2000, "AT_STATX_FORCE_SYNC"), N(0x4000, "AT_STATX_DONT_SYNC"),
	N(0x8000, "AT_RECURSIVE"),
};
static const struct named unlink_flags[] = { N(0x200, "AT_REMOVEDIR") };
static const struct named access_flags[] = {
	N(0x200, "AT_EACCESS"), N(0x100, "AT_SYMLINK_NOFOLLOW"), N(0x1000, "AT_EMPTY_PATH"),
};
static const struct named access_mode[] = { N(4, "R_OK"), N(2, "W_OK"), N(1, "X_OK") };

static const struct named prot_flags[] = {
	N(0x1, "PROT_READ"),	      N(0x2, "PROT_WRITE"),	     N(0x4, "PROT_EXEC"),
	N(0x8, "PROT_SEM"),	      N(0x01000000, "PROT_GROWSDOWN"), N(0x02000000, "PROT_GROWSUP"),
};
static const struct named prot_aarch64[] = { N(0x10, "PROT_BTI"), N(0x20, "PROT_MTE") };

static const struct named map_type[] = {
	N(1, "MAP_SHARED"), N(2, "MAP_PRIVATE"), N(3, "MAP_SHARED_VALIDATE"),
};
static const struct named map_flags[] = {
	N(0x10, "MAP_FIXED"),	       N(0x20, "MAP_ANONYMOUS"),   N(0x100, "MAP_GROWSDOWN"),
	N(0x800, "MAP_DENYWRITE"),     N(0x1000, "MAP_EXECUTABLE"), N(0x2000, "MAP_LOCKED"),
	N(0x4000, "MAP_NORESERVE"),    N(0x8000, "MAP_POPULATE"),  N(0x10000, "MAP_NONBLOCK"),
	N(0x20000, "MAP_STACK"),       N(0x40000, "MAP_HUGETLB"),  N(0x80000, "MAP_SYNC"),
	N(0x100000, "MAP_FIXED_NOREPLACE"), N(0x4000000, "MAP_UNINITIALIZED"),
};
static const struct named map_x86_64[] = { N(0x40, "MAP_32BIT") };

static const struct named af_names[] = {
	N(0, "AF_UNSPEC"),     N(1, "AF_UNIX"),	       N(2, "AF_INET"),	     N(3, "AF_AX25"),
	N(4, "AF_IPX"),	       N(5, "AF_APPLETALK"),   N(6, "AF_NETROM"),    N(7, "AF_BRIDGE"),
	N(8, "AF_ATMPVC"),     N(9, "AF_X25"),	       N(10, "AF_INET6"),    N(11, "AF_ROSE"),
	N(12, "AF_DECnet"),    N(13, "AF_NETBEUI"),    N(14, "AF_SECURITY"), N(15, "AF_KEY"),
	N(16, "AF_NETLINK"),   N(17, "AF_PACKET"),     N(18, "AF_ASH"),	     N(19, "AF_ECONET"),
	N(20, "AF_ATMSVC"),    N(21, "AF_RDS"),	       N(22, "AF_SNA"),	     N(23, "AF_IRDA"),
	N(24, "AF_PPPOX"),     N(25, "AF_WANPIPE"),    N(26, "AF_LLC"),	     N(27, "AF_IB"),
	N(28, "AF_MPLS"),      N(29, "AF_CAN"),	       N(30, "AF_TIPC"),     N(31, "AF_BLUETOOTH"),
	N(32, "AF_IUCV"),      N(33, "AF_RXRPC"),      N(34, "AF_ISDN"),     N(35, "AF_PHONET"),
	N(36, "AF_IEEE802154"), N(37, "AF_CAIF"),      N(38, "AF_ALG"),	     N(39, "AF_NFC"),
	N(40, "AF_VSOCK"),     N(41, "AF_KCM"),	       N(42, "AF_QIPCRTR"),  N(43, "AF_SMC"),
	N(44, "AF_XDP"),       N(45, "AF_MCTP"),
};
static const struct named sock_types[] = {
	N(1, "SOCK_STREAM"), N(2, "SOCK_DGRAM"),     N(3, "SOCK_RAW"),	  N(4, "SOCK_RDM"),
	N(5, "SOCK_SEQPACKET"), N(6, "SOCK_DCCP"),   N(10, "SOCK_PACKET"),
};
static const struct named sock_flags[] = { N(04000, "SOCK_NONBLOCK"), N(02000000, "SOCK_CLOEXEC") };
static const struct named ip_protos[] = {
	N(0, "IPPROTO_IP"),	 N(1, "IPPROTO_ICMP"),	 N(2, "IPPROTO_IGMP"),
	N(6, "IPPROTO_TCP"),	 N(17, "IPPROTO_UDP"),	 N(41, "IPPROTO_IPV6"),
	N(47, "IPPROTO_GRE"),	 N(50, "IPPROTO_ESP"),	 N(58, "IPPROTO_ICMPV6"),
	N(132, "IPPROTO_SCTP"),	 N(136, "IPPROTO_UDPLITE"), N(255, "IPPROTO_RAW"),
	N(262, "IPPROTO_MPTCP"),
};
static const struct named netlink_protos[] = {
	N(0, "NETLINK_ROUTE"),	     N(2, "NETLINK_USERSOCK"),	 N(4, "NETLINK_SOCK_DIAG"),
	N(5, "NETLINK_NFLOG"),	     N(6, "NETLINK_XFRM"),	 N(7, "NETLINK_SELINUX"),
	N(8, "NETLINK_ISCSI"),	     N(9, "NETLINK_AUDIT"),	 N(10, "NETLINK_FIB_LOOKUP"),
	N(11, "NETLINK_CONNECTOR"),  N(12, "NETLINK_NETFILTER"), N(13, "NETLINK_IP6_FW"),
	N(14, "NETLINK_DNRTMSG"),    N(15, "NETLINK_KOBJECT_UEVENT"), N(16, "NETLINK_GENERIC"),
	N(18, "NETLINK_SCSITRANSPORT"), N(19, "NETLINK_ECRYPTFS"), N(20, "NETLINK_RDMA"),
	N(21, "NETLINK_CRYPTO"),
};

/* setsockopt's level by the names its man pages use: SOL_SOCKET in
 * socket(7), the protocol number where ip(7), ipv6(7), tcp(7), udp(7) and
 * raw(7) document IPPROTO_* (the kernel accepts both, the values are one) */
static const struct named sol_levels[] = {
	N(0, "IPPROTO_IP"),	N(1, "SOL_SOCKET"),	  N(6, "IPPROTO_TCP"),
	N(17, "IPPROTO_UDP"),	N(41, "IPPROTO_IPV6"),	  N(58, "IPPROTO_ICMPV6"),
	N(255, "IPPROTO_RAW"),	N(263, "SOL_PACKET"),	  N(270, "SOL_NETLINK"),
	N(279, "SOL_ALG"),
};
static const struct named so_names[] = {
	N(1, "SO_DEBUG"),	N(2, "SO_REUSEADDR"),	 N(3, "SO_TYPE"),	 N(4, "SO_ERROR"),
	N(5, "SO_DONTROUTE"),	N(6, "SO_BROADCAST"),	 N(7, "SO_SNDBUF"),	 N(8, "SO_RCVBUF"),
	N(9, "SO_KEEPALIVE"),	N(10, "SO_OOBINLINE"),	 N(11, "SO_NO_CHECK"),	 N(12, "SO_PRIORITY"),
	N(13, "SO_LINGER"),	N(14, "SO_BSDCOMPAT"),	 N(15, "SO_REUSEPORT"),	 N(16, "SO_PASSCRED"),
	N(17, "SO_PEERCRED"),	N(18, "SO_RCVLOWAT"),	 N(19, "SO_SNDLOWAT"),	 N(20, "SO_RCVTIMEO_OLD"),
	N(21, "SO_SNDTIMEO_OLD"), N(25, "SO_BINDTODEVICE"), N(26, "SO_ATTACH_FILTER"),
	N(27, "SO_DETACH_FILTER"), N(28, "SO_PEERNAME"),  N(29, "SO_TIMESTAMP_OLD"),
	N(30, "SO_ACCEPTCONN"),	N(31, "SO_PEERSEC"),	 N(32, "SO_SNDBUFFORCE"),
	N(33, "SO_RCVBUFFORCE"), N(34, "SO_PASSSEC"),	 N(35, "SO_TIMESTAMPNS_OLD"),
	N(36, "SO_MARK"),	N(37, "SO_TIMESTAMPING_OLD"), N(38, "SO_PROTOCOL"),
	N(39, "SO_DOMAIN"),	N(40, "SO_RXQ_OVFL"),	 N(49, "SO_INCOMING_CPU"), N(50, "SO_ATTACH_BPF"),
	N(60, "SO_ZEROCOPY"),	N(62, "SO_BINDTOIFINDEX"), N(63, "SO_TIMESTAMP_NEW"),
	N(64, "SO_TIMESTAMPNS_NEW"), N(65, "SO_TIMESTAMPING_NEW"), N(66, "SO_RCVTIMEO_NEW"),
	N(67, "SO_SNDTIMEO_NEW"),
};
static const struct named ip_opts[] = {
	N(1, "IP_TOS"),		     N(2, "IP_TTL"),		  N(3, "IP_HDRINCL"),
	N(4, "IP_OPTIONS"),	     N(5, "IP_ROUTER_ALERT"),	  N(6, "IP_RECVOPTS"),
	N(7, "IP_RETOPTS"),	     N(8, "IP_PKTINFO"),	  N(9, "IP_PKTOPTIONS"),
	N(10, "IP_MTU_DISCOVER"),    N(11, "IP_RECVERR"),	  N(12, "IP_RECVTTL"),
	N(13, "IP_RECVTOS"),	     N(14, "IP_MTU"),		  N(15, "IP_FREEBIND"),
	N(19, "IP_TRANSPARENT"),     N(24, "IP_BIND_ADDRESS_NO_PORT"),
	N(32, "IP_MULTICAST_IF"),    N(33, "IP_MULTICAST_TTL"),	  N(34, "IP_MULTICAST_LOOP"),
	N(35, "IP_ADD_MEMBERSHIP"),  N(36, "IP_DROP_MEMBERSHIP"), N(49, "IP_MULTICAST_ALL"),
};
/* 20 and 21 by glibc's names (the kernel's are IPV6_JOIN_GROUP and
 * IPV6_LEAVE_GROUP, the same numbers) */
static const struct named ipv6_opts[] = {
	N(1, "IPV6_ADDRFORM"),	      N(7, "IPV6_CHECKSUM"),	    N(16, "IPV6_UNICAST_HOPS"),
	N(17, "IPV6_MULTICAST_IF"),   N(18, "IPV6_MULTICAST_HOPS"), N(19, "IPV6_MULTICAST_LOOP"),
	N(20, "IPV6_ADD_MEMBERSHIP"), N(21, "IPV6_DROP_MEMBERSHIP"), N(23, "IPV6_MTU_DISCOVER"),
	N(24, "IPV6_MTU"),	      N(25, "IPV6_RECVERR"),	    N(26, "IPV6_V6ONLY"),
	N(49, "IPV6_RECVPKTINFO"),    N(50, "IPV6_PKTINFO"),	    N(51, "IPV6_RECVHOPLIMIT"),
	N(52, "IPV6_HOPLIMIT"),	      N(66, "IPV6_RECVTCLASS"),	    N(67, "IPV6_TCLASS"),
};
static const struct named tcp_opts[] = {
	N(1, "TCP_NODELAY"),	 N(2, "TCP_MAXSEG"),	   N(3, "TCP_CORK"),
	N(4, "TCP_KEEPIDLE"),	 N(5, "TCP_KEEPINTVL"),	   N(6, "TCP_KEEPCNT"),
	N(9, "TCP_DEFER_ACCEPT"), N(11, "TCP_INFO"),	   N(12, "TCP_QUICKACK"),
	N(13, "TCP_CONGESTION"), N(18, "TCP_USER_TIMEOUT"), N(23, "TCP_FASTOPEN"),
};

static const struct named fcntl_cmds[] = {
	N(0, "F_DUPFD"),	N(1, "F_GETFD"),	 N(2, "F_SETFD"),	  N(3, "F_GETFL"),
	N(4, "F_SETFL"),	N(5, "F_GETLK"),	 N(6, "F_SETLK"),	  N(7, "F_SETLKW"),
	N(8, "F_SETOWN"),	N(9, "F_GETOWN"),	 N(10, "F_SETSIG"),	  N(11, "F_GETSIG"),
	N(15, "F_SETOWN_EX"),	N(16, "F_GETOWN_EX"),	 N(17, "F_GETOWNER_UIDS"),
	N(36, "F_OFD_GETLK"),	N(37, "F_OFD_SETLK"),	 N(38, "F_OFD_SETLKW"),
	N(1024, "F_SETLEASE"),	N(1025, "F_GETLEASE"),	 N(1026, "F_NOTIFY"),
	N(1030, "F_DUPFD_CLOEXEC"), N(1031, "F_SETPIPE_SZ"), N(1032, "F_GETPIPE_SZ"),
	N(1033, "F_ADD_SEALS"),	N(1034, "F_GET_SEALS"),	 N(1035, "F_GET_RW_HINT"),
	N(1036, "F_SET_RW_HINT"), N(1037, "F_GET_FILE_RW_HINT"), N(1038, "F_SET_FILE_RW_HINT"),
};
static const struct named fd_flags[] = { N(1, "FD_CLOEXEC") };

/* the requests the promise table rules on, and their neighbours */
static const struct named ioctl_reqs[] = {
	N(0x5401, "TCGETS"),	  N(0x5402, "TCSETS"),	    N(0x5403, "TCSETSW"),
	N(0x5404, "TCSETSF"),	  N(0x5405, "TCGETA"),	    N(0x5406, "TCSETA"),
	N(0x5409, "TCSBRK"),	  N(0x540a, "TCXONC"),	    N(0x540b, "TCFLSH"),
	N(0x540c, "TIOCEXCL"),	  N(0x540d, "TIOCNXCL"),    N(0x540e, "TIOCSCTTY"),
	N(0x540f, "TIOCGPGRP"),	  N(0x5410, "TIOCSPGRP"),   N(0x5411, "TIOCOUTQ"),
	N(0x5412, "TIOCSTI"),	  N(0x5413, "TIOCGWINSZ"),  N(0x5414, "TIOCSWINSZ"),
	N(0x5415, "TIOCMGET"),	  N(0x541b, "FIONREAD"),    N(0x541c, "TIOCLINUX"),
	N(0x541d, "TIOCCONS"),	  N(0x5421, "FIONBIO"),	    N(0x5422, "TIOCNOTTY"),
	N(0x5423, "TIOCSETD"),	  N(0x5424, "TIOCGETD"),    N(0x5429, "TIOCGSID"),
	N(0x802c542a, "TCGETS2"), N(0x402c542b, "TCSETS2"), N(0x80045430, "TIOCGPTN"),
	N(0x40045431, "TIOCSPTLCK"), N(0x5441, "TIOCGPTPEER"), N(0x5450, "FIONCLEX"),
	N(0x5451, "FIOCLEX"),	  N(0x5452, "FIOASYNC"),    N(0x8901, "FIOSETOWN"),
	N(0x8903, "FIOGETOWN"),	  N(0x8904, "SIOCGPGRP"),   N(0x8905, "SIOCATMARK"),
	N(0x8912, "SIOCGIFCONF"), N(0x8913, "SIOCGIFFLAGS"), N(0x8914, "SIOCSIFFLAGS"),
	N(0x8915, "SIOCGIFADDR"), N(0x8927, "SIOCGIFHWADDR"), N(0x8933, "SIOCGIFINDEX"),
};

static const struct named clone_flags[] = {
	N(0x100, "CLONE_VM"),		 N(0x200, "CLONE_FS"),
	N(0x400, "CLONE_FILES"),	 N(0x800, "CLONE_SIGHAND"),
	N(0x1000, "CLONE_PIDFD"),	 N(0x2000, "CLONE_PTRACE"),
	N(0x4000, "CLONE_VFORK"),	 N(0x8000, "CLONE_PARENT"),
	N(0x10000, "CLONE_THREAD"),	 N(0x20000, "CLONE_NEWNS"),
	N(0x40000, "CLONE_SYSVSEM"),	 N(0x80000, "CLONE_SETTLS"),
	N(0x100000, "CLONE_PARENT_SETTID"), N(0x200000, "CLONE_CHILD_CLEARTID"),
	N(0x400000, "CLONE_DETACHED"),	 N(0x800000, "CLONE_UNTRACED"),
	N(0x1000000, "CLONE_CHILD_SETTID"), N(0x2000000, "CLONE_NEWCGROUP"),
	N(0x4000000, "CLONE_NEWUTS"),	 N(0x8000000, "CLONE_NEWIPC"),
	N(0x10000000, "CLONE_NEWUSER"),	 N(0x20000000, "CLONE_NEWPID"),
	N(0x40000000, "CLONE_NEWNET"),	 N(0x80000000, "CLONE_IO"),
};
/* unshare(2) and setns(2) take CLONE_NEWTIME too, where clone has CSIGNAL */
static const struct named newtime_flag[] = { N(0x80, "CLONE_NEWTIME") };

static const char *const signal_names[32] = {
	NULL,	   "SIGHUP",  "SIGINT",	   "SIGQUIT", "SIGILL",	 "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE",  "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
	"SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
	"SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};
static const char *const rt_names[33] = {
	"SIGRT_0",  "SIGRT_1",	"SIGRT_2",  "SIGRT_3",	"SIGRT_4",  "SIGRT_5",	"SIGRT_6",
	"SIGRT_7",  "SIGRT_8",	"SIGRT_9",  "SIGRT_10", "SIGRT_11", "SIGRT_12", "SIGRT_13",
	"SIGRT_14", "SIGRT_15", "SIGRT_16", "SIGRT_17", "SIGRT_18", "SIGRT_19", "SIGRT_20",
	"SIGRT_21", "SIGRT_22", "SIGRT_23", "SIGRT_24", "SIGRT_25", "SIGRT_26", "SIGRT_27",
	"SIGRT_28", "SIGRT_29", "SIGRT_30", "SIGRT_31", "SIGRT_32",
};

static const struct named prctl_opts[] = {
	N(1, "PR_SET_PDEATHSIG"),     N(2, "PR_GET_PDEATHSIG"),	   N(3, "PR_GET_DUMPABLE"),
	N(4, "PR_SET_DUMPABLE"),      N(5, "PR_GET_UNALIGN"),	   N(6, "PR_SET_UNALIGN"),
	N(7, "PR_GET_KEEPCAPS"),      N(8, "PR_SET_KEEPCAPS"),	   N(9, "PR_GET_FPEMU"),
	N(10, "PR_SET_FPEMU"),	      N(11, "PR_GET_FPEXC"),	   N(12, "PR_SET_FPEXC"),
	N(13, "PR_GET_TIMING"),	      N(14, "PR_SET_TIMING"),	   N(15, "PR_SET_NAME"),
	N(16, "PR_GET_NAME"),	      N(19, "PR_GET_ENDIAN"),	   N(20, "PR_SET_ENDIAN"),
	N(21, "PR_GET_SECCOMP"),      N(22, "PR_SET_SECCOMP"),	   N(23, "PR_CAPBSET_READ"),
	N(24, "PR_CAPBSET_DROP"),     N(25, "PR_GET_TSC"),	   N(26, "PR_SET_TSC"),
	N(27, "PR_GET_SECUREBITS"),   N(28, "PR_SET_SECUREBITS"),  N(29, "PR_SET_TIMERSLACK"),
	N(30, "PR_GET_TIMERSLACK"),   N(31, "PR_TASK_PERF_EVENTS_DISABLE"),
	N(32, "PR_TASK_PERF_EVENTS_ENABLE"), N(33, "PR_MCE_KILL"), N(34, "PR_MCE_KILL_GET"),
	N(35, "PR_SET_MM"),	      N(36, "PR_SET_CHILD_SUBREAPER"), N(37, "PR_GET_CHILD_SUBREAPER"),
	N(38, "PR_SET_NO_NEW_PRIVS"), N(39, "PR_GET_NO_NEW_PRIVS"), N(40, "PR_GET_TID_ADDRESS"),
	N(41, "PR_SET_THP_DISABLE"),  N(42, "PR_GET_THP_DISABLE"), N(45, "PR_SET_FP_MODE"),
	N(46, "PR_GET_FP_MODE"),      N(47, "PR_CAP_AMBIENT"),	   N(50, "PR_SVE_SET_VL"),
	N(51, "PR_SVE_GET_VL"),	      N(52, "PR_GET_SPECULATION_CTRL"),
	N(53, "PR_SET_SPECULATION_CTRL"), N(54, "PR_PAC_RESET_KEYS"),
	N(55, "PR_SET_TAGGED_ADDR_CTRL"), N(56, "PR_GET_TAGGED_ADDR_CTRL"),
	N(57, "PR_SET_IO_FLUSHER"),   N(58, "PR_GET_IO_FLUSHER"),
	N(59, "PR_SET_SYSCALL_USER_DISPATCH"), N(60, "PR_PAC_SET_ENABLED_KEYS"),
	N(61, "PR_PAC_GET_ENABLED_KEYS"), N(62, "PR_SCHED_CORE"), N(63, "PR_SME_SET_VL"),
	N(64, "PR_SME_GET_VL"),	      N(65, "PR_SET_MDWE"),	   N(66, "PR_GET_MDWE"),
	N(67, "PR_SET_MEMORY_MERGE"), N(68, "PR_GET_MEMORY_MERGE"),
	N(0x53564d41, "PR_SET_VMA"),  N(0x59616d61, "PR_SET_PTRACER"),
};
#define PR_SET_NAME_K 15
#define PR_SET_PDEATHSIG_K 1

static const struct named sig_how[] = {
	N(0, "SIG_BLOCK"), N(1, "SIG_UNBLOCK"), N(2, "SIG_SETMASK"),
};
static const struct named whence_names[] = {
	N(0, "SEEK_SET"), N(1, "SEEK_CUR"), N(2, "SEEK_END"), N(3, "SEEK_DATA"), N(4, "SEEK_HOLE"),
};
static const struct named rlimit_names[] = {
	N(0, "RLIMIT_CPU"),	    N(1, "RLIMIT_FSIZE"),   N(2, "RLIMIT_DATA"),
	N(3, "RLIMIT_STACK"),	    N(4, "RLIMIT_CORE"),    N(5, "RLIMIT_RSS"),
	N(6, "RLIMIT_NPROC"),	    N(7, "RLIMIT_NOFILE"),  N(8, "RLIMIT_MEMLOCK"),
	N(9, "RLIMIT_AS"),	    N(10, "RLIMIT_LOCKS"),  N(11, "RLIMIT_SIGPENDING"),
	N(12, "RLIMIT_MSGQUEUE"),   N(13, "RLIMIT_NICE"),   N(14, "RLIMIT_RTPRIO"),
	N(15, "RLIMIT_RTTIME"),
};
static const struct named ptrace_reqs[] = {
	N(0, "PTRACE_TRACEME"),	    N(1, "PTRACE_PEEKTEXT"),   N(2, "PTRACE_PEEKDATA"),
	N(3, "PTRACE_PEEKUSER"),    N(4, "PTRACE_POKETEXT"),   N(5, "PTRACE_POKEDATA"),
	N(6, "PTRACE_POKEUSER"),    N(7, "PTRACE_CONT"),       N(8, "PTRACE_KILL"),
	N(9, "PTRACE_SINGLESTEP"),  N(12, "PTRACE_GETREGS"),   N(13, "PTRACE_SETREGS"),
	N(16, "PTRACE_ATTACH"),	    N(17, "PTRACE_DETACH"),    N(24, "PTRACE_SYSCALL"),
	N(0x4200, "PTRACE_SETOPTIONS"), N(0x4201, "PTRACE_GETEVENTMSG"),
	N(0x4202, "PTRACE_GETSIGINFO"), N(0x4203, "PTRACE_SETSIGINFO"),
	N(0x4204, "PTRACE_GETREGSET"), N(0x4205, "PTRACE_SETREGSET"),
	N(0x4206, "PTRACE_SEIZE"),  N(0x4207, "PTRACE_INTERRUPT"), N(0x4208, "PTRACE_LISTEN"),
};
static const struct named seccomp_ops[] = {
	N(0, "SECCOMP_SET_MODE_STRICT"), N(1, "SECCOMP_SET_MODE_FILTER"),
	N(2, "SECCOMP_GET_ACTION_AVAIL"), N(3, "SECCOMP_GET_NOTIF_SIZES"),
};
/* the mode's special bits, lowest first (a mode argument is shown in octal;
 * these name the bits a condition on it tests) */
static const struct named open_accmode[] = {
	N(0, "O_RDONLY"), N(1, "O_WRONLY"), N(2, "O_RDWR"), N(3, "O_ACCMODE"),
};
static const struct named mode_bits[] = {
	N(01000, "S_ISVTX"), N(02000, "S_ISGID"), N(04000, "S_ISUID"),
};
static const struct named mode_type[] = {
	N(0010000, "S_IFIFO"), N(0020000, "S_IFCHR"), N(0040000, "S_IFDIR"),
	N(0060000, "S_IFBLK"), N(0100000, "S_IFREG"), N(0120000, "S_IFLNK"),
	N(0140000, "S_IFSOCK"),
};
static const struct named msg_flags[] = {
	N(0x1, "MSG_OOB"),	 N(0x2, "MSG_PEEK"),	   N(0x4, "MSG_DONTROUTE"),
	N(0x8, "MSG_CTRUNC"),	 N(0x20, "MSG_TRUNC"),	   N(0x40, "MSG_DONTWAIT"),
	N(0x80, "MSG_EOR"),	 N(0x100, "MSG_WAITALL"),  N(0x2000, "MSG_ERRQUEUE"),
	N(0x4000, "MSG_NOSIGNAL"), N(0x8000, "MSG_MORE"),  N(0x10000, "MSG_WAITFORONE"),
	N(0x40000000, "MSG_CMSG_CLOEXEC"),
};

/* ----------------------------------------------------------- signatures */

enum kind {
	K_END = 0,
	K_INT,	     /* 32-bit signed decimal (int arguments) */
	K_LONG,	     /* 64-bit signed decimal (offsets) */
	K_SIZE,	     /* unsigned decimal */
	K_HEX,
	K_PTR,	     /* NULL or hex */
	K_FD,
	K_DIRFD,     /* AT_FDCWD or a descriptor */
	K_PATH,	     /* string */
	K_OFLAGS,
	K_OMODE,     /* the mode of open/openat: shown only with O_CREAT or O_TMPFILE */
	K_MODE,	     /* octal */
	K_MKNOD,     /* S_IF* | octal */
	K_ATFLAGS,
	K_UNLINKAT,
	K_ACCESSAT,
	K_AMODE,     /* R_OK|W_OK|X_OK */
	K_PROT,
	K_MAPFLAGS,
	K_AF,
	K_SOCKTYPE,
	K_SOCKPROTO, /* named after the domain in argument 0 */
	K_SOCKFLAGS, /* accept4 */
	K_LEVEL,
	K_SOCKOPT,   /* named after the level in the argument before */
	K_MSGFLAGS,
	K_FCNTL,
	K_FCNTLARG,  /* decoded after the command in the argument before */
	K_IOCTL,
	K_CLONE,     /* clone flags with the exit signal in the low byte */
	K_NSFLAGS,   /* unshare/setns flags */
	K_SIGNAL,
	K_SIGHOW,
	K_PRCTL,
	K_PRCTLARG,  /* arg 1 of prctl: a string for PR_SET_NAME, a signal for PR_SET_PDEATHSIG */
	K_WHENCE,
	K_RLIMIT,
	K_PTRACE,
	K_SECCOMP,
};

struct signature {
	const char *name;
	unsigned char arg[6];
};

/* Sorted by name (binary search; test_decode checks the order). Arguments
 * past the last listed kind are not shown. */
static const struct signature signatures[] = {
	{ "accept", { K_FD, K_PTR, K_PTR } },
	{ "accept4", { K_FD, K_PTR, K_PTR, K_SOCKFLAGS } },
	{ "access", { K_PATH, K_AMODE } },
	{ "acct", { K_PATH } },
	{ "add_key", { K_PATH, K_PATH, K_PTR, K_SIZE, K_INT } },
	{ "bind", { K_FD, K_PTR, K_SIZE } },
	{ "bpf", { K_INT, K_PTR, K_SIZE } },
	{ "chdir", { K_PATH } },
	{ "chmod", { K_PATH, K_MODE } },
	{ "chown", { K_PATH, K_INT, K_INT } },
	{ "chroot", { K_PATH } },
	{ "clone", { K_CLONE, K_PTR, K_PTR, K_PTR, K_PTR } },
	{ "close", { K_FD } },
	{ "connect", { K_FD, K_PTR, K_SIZE } },
	{ "creat", { K_PATH, K_MODE } },
	{ "delete_module", { K_PATH, K_HEX } },
	{ "dup", { K_FD } },
	{ "dup2", { K_FD, K_FD } },
	{ "dup3", { K_FD, K_FD, K_OFLAGS } },
	{ "execve", { K_PATH, K_PTR, K_PTR } },
	{ "execveat", { K_DIRFD, K_PATH, K_PTR, K_PTR, K_ATFLAGS } },
	{ "exit", { K_INT } },
	{ "exit_group", { K_INT } },
	{ "faccessat", { K_DIRFD, K_PATH, K_AMODE } },
	{ "faccessat2", { K_DIRFD, K_PATH, K_AMODE, K_ACCESSAT } },
	{ "fchdir", { K_FD } },
	{ "fchmod", { K_FD, K_MODE } },
	{ "fchmodat", { K_DIRFD, K_PATH, K_MODE } },
	{ "fchmodat2", { K_DIRFD, K_PATH, K_MODE, K_ATFLAGS } },
	{ "fchown", { K_FD, K_INT, K_INT } },
	{ "fchownat", { K_DIRFD, K_PATH, K_INT, K_INT, K_ATFLAGS } },
	{ "fcntl", { K_FD, K_FCNTL, K_FCNTLARG } },
	{ "finit_module", { K_FD, K_PATH, K_HEX } },
	{ "flock", { K_FD, K_HEX } },
	{ "fstat", { K_FD, K_PTR } },
	{ "fstatfs", { K_FD, K_PTR } },
	{ "ftruncate", { K_FD, K_LONG } },
	{ "getdents64", { K_FD, K_PTR, K_SIZE } },
	{ "getsockopt", { K_FD, K_LEVEL, K_SOCKOPT, K_PTR, K_PTR } },
	{ "getxattr", { K_PATH, K_PATH, K_PTR, K_SIZE } },
	{ "init_module", { K_PTR, K_SIZE, K_PATH } },
	{ "inotify_add_watch", { K_FD, K_PATH, K_HEX } },
	{ "ioctl", { K_FD, K_IOCTL, K_HEX } },
	{ "kill", { K_INT, K_SIGNAL } },
	{ "lchown", { K_PATH, K_INT, K_INT } },
	{ "lgetxattr", { K_PATH, K_PATH, K_PTR, K_SIZE } },
	{ "link", { K_PATH, K_PATH } },
	{ "linkat", { K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_ATFLAGS } },
	{ "listen", { K_FD, K_INT } },
	{ "lseek", { K_FD, K_LONG, K_WHENCE } },
	{ "lstat", { K_PATH, K_PTR } },
	{ "memfd_create", { K_PATH, K_HEX } },
	{ "mkdir", { K_PATH, K_MODE } },
	{ "mkdirat", { K_DIRFD, K_PATH, K_MODE } },
	{ "mknod", { K_PATH, K_MKNOD, K_HEX } },
	{ "mknodat", { K_DIRFD, K_PATH, K_MKNOD, K_HEX } },
	{ "mmap", { K_PTR, K_SIZE, K_PROT, K_MAPFLAGS, K_FD, K_HEX } },
	{ "mount", { K_PATH, K_PATH, K_PATH, K_HEX, K_PTR } },
	{ "mprotect", { K_PTR, K_SIZE, K_PROT } },
	{ "munmap", { K_PTR, K_SIZE } },
	{ "newfstatat", { K_DIRFD, K_PATH, K_PTR, K_ATFLAGS } },
	{ "open", { K_PATH, K_OFLAGS, K_OMODE } },
	{ "openat", { K_DIRFD, K_PATH, K_OFLAGS, K_OMODE } },
	{ "pipe2", { K_PTR, K_OFLAGS } },
	{ "pivot_root", { K_PATH, K_PATH } },
	{ "pkey_mprotect", { K_PTR, K_SIZE, K_PROT, K_INT } },
	{ "prctl", { K_PRCTL, K_PRCTLARG, K_HEX, K_HEX, K_HEX } },
	{ "pread64", { K_FD, K_PTR, K_SIZE, K_LONG } },
	{ "prlimit64", { K_INT, K_RLIMIT, K_PTR, K_PTR } },
	{ "ptrace", { K_PTRACE, K_INT, K_PTR, K_PTR } },
	{ "pwrite64", { K_FD, K_PTR, K_SIZE, K_LONG } },
	{ "read", { K_FD, K_PTR, K_SIZE } },
	{ "readlink", { K_PATH, K_PTR, K_SIZE } },
	{ "readlinkat", { K_DIRFD, K_PATH, K_PTR, K_SIZE } },
	{ "reboot", { K_HEX, K_HEX, K_HEX, K_PTR } },
	{ "recvfrom", { K_FD, K_PTR, K_SIZE, K_MSGFLAGS, K_PTR, K_PTR } },
	{ "recvmsg", { K_FD, K_PTR, K_MSGFLAGS } },
	{ "removexattr", { K_PATH, K_PATH } },
	{ "rename", { K_PATH, K_PATH } },
	{ "renameat", { K_DIRFD, K_PATH, K_DIRFD, K_PATH } },
	{ "renameat2", { K_DIRFD, K_PATH, K_DIRFD, K_PATH, K_HEX } },
	{ "rmdir", { K_PATH } },
	{ "rt_sigaction", { K_SIGNAL, K_PTR, K_PTR, K_SIZE } },
	{ "rt_sigprocmask", { K_SIGHOW, K_PTR, K_PTR, K_SIZE } },
	{ "seccomp", { K_SECCOMP, K_HEX, K_PTR } },
	{ "sendmsg", { K_FD, K_PTR, K_MSGFLAGS } },
	{ "sendto", { K_FD, K_PTR, K_SIZE, K_MSGFLAGS, K_PTR, K_SIZE } },
	{ "setgid", { K_INT } },
	{ "setns", { K_FD, K_NSFLAGS } },
	{ "setregid", { K_INT, K_INT } },
	{ "setresgid", { K_INT, K_INT, K_INT } },
	{ "setresuid", { K_INT, K_INT, K_INT } },
	{ "setreuid", { K_INT, K_INT } },
	{ "setrlimit", { K_RLIMIT, K_PTR } },
	{ "setsockopt", { K_FD, K_LEVEL, K_SOCKOPT, K_PTR, K_SIZE } },
	{ "setuid", { K_INT } },
	{ "setxattr", { K_PATH, K_PATH, K_PTR, K_SIZE, K_HEX } },
	{ "socket", { K_AF, K_SOCKTYPE, K_SOCKPROTO } },
	{ "socketpair", { K_AF, K_SOCKTYPE, K_SOCKPROTO, K_PTR } },
	{ "stat", { K_PATH, K_PTR } },
	{ "statfs", { K_PATH, K_PTR } },
	{ "statx", { K_DIRFD, K_PATH, K_ATFLAGS, K_HEX, K_PTR } },
	{ "swapoff", { K_PATH } },
	{ "swapon", { K_PATH, K_HEX } },
	{ "symlink", { K_PATH, K_PATH } },
	{ "symlinkat", { K_PATH, K_DIRFD, K_PATH } },
	{ "tgkill", { K_INT, K_INT, K_SIGNAL } },
	{ "tkill", { K_INT, K_SIGNAL } },
	{ "truncate", { K_PATH, K_LONG } },
	{ "umount2", { K_PATH, K_HEX } },
	{ "unlink", { K_PATH } },
	{ "unlinkat", { K_DIRFD, K_PATH, K_UNLINKAT } },
	{ "unshare", { K_NSFLAGS } },
	{ "utimensat", { K_DIRFD, K_PATH, K_PTR, K_ATFLAGS } },
	{ "write", { K_FD, K_PTR, K_SIZE } },
};

static const struct signature *find_signature(const char *name)
{
	size_t lo = 0, hi = COUNT(signatures);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, signatures[mid].name);
		if (c == 0)
			return &signatures[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* ------------------------------------------------------------ formatters */

static const char *lookup(const struct named *t, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

static void put_named(struct obuf *ob, const struct named *t, size_t n, uint64_t v, int as_hex)
{
	const char *s = lookup(t, n, v);
	if (s)
		ob_puts(ob, s);
	else if (as_hex)
		ob_hex(ob, v);
	else
		ob_sdec(ob, (int64_t)v);
}

/* Name the bits of *v found in t (clearing them), joined by '|'. */
static void put_bits(struct obuf *ob, const struct named *t, size_t n, uint64_t *v, int *first)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].value && (*v & t[i].value) == t[i].value) {
			if (!*first)
				ob_putc(ob, '|');
			ob_puts(ob, t[i].name);
			*first = 0;
			*v &= ~t[i].value;
		}
	}
}

/* What is left after the named bits: "|0x..." or, if nothing was named, the
 * whole value ("0" for none). */
static void put_rest(struct obuf *ob, uint64_t rest, int first)
{
	if (rest) {
		if (!first)
			ob_putc(ob, '|');
		ob_hex(ob, rest);
	} else if (first) {
		ob_putc(ob, '0');
	}
}

static void put_flags(struct obuf *ob, const struct named *t, size_t n, uint64_t v)
{
	int first = 1;
	put_bits(ob, t, n, &v, &first);
	put_rest(ob, v, first);
}

/* --------------------------------------------------- names by meaning */

/* open(2)'s flags on arch, entry i: the bits both arches share, the five
 * that differ, then the two-bit flags and the lone __O_TMPFILE bit. */
static int oflag_entry(uint32_t arch, size_t i, struct named *out)
{
	const struct arch_oflags *a =
		arch == SCOPES_ARCH_AARCH64 ? &oflags_aarch64 : &oflags_x86_64;
	const struct named rest[] = {
		N(O_DSYNC_K, "O_DSYNC"),
		N(a->direct, "O_DIRECT"),
		N(a->largefile, "O_LARGEFILE"),
		N(a->directory, "O_DIRECTORY"),
		N(a->nofollow, "O_NOFOLLOW"),
		N(O_TMPFILE_BIT | a->directory, "O_TMPFILE"),
		N(O_SYNC_BIT_K | O_DSYNC_K, "O_SYNC"),
		/* without O_DIRECTORY the kernel refuses it; a mask that
		 * tests it catches every O_TMPFILE */
		N(O_TMPFILE_BIT, "__O_TMPFILE"),
	};

	if (i < COUNT(oflags_common)) {
		*out = oflags_common[i];
		return 1;
	}
	i -= COUNT(oflags_common);
	if (i < COUNT(rest)) {
		*out = rest[i];
		return 1;
	}
	return 0;
}

/* The table of a set on arch; extra: a second table the arch adds. */
static const struct named *set_table(uint32_t arch, enum decode_names set, size_t *n,
				     const struct named **extra, size_t *nextra)
{
	*extra = NULL;
	*nextra = 0;
	switch (set) {
#define T(t)            \
	*n = COUNT(t);  \
	return t
	case DECODE_OPEN_ACCMODE:
		T(open_accmode);
	case DECODE_OPEN_FLAGS:
		break; /* oflag_entry */
	case DECODE_MODE_TYPE:
		T(mode_type);
	case DECODE_MODE_BITS:
		T(mode_bits);
	case DECODE_PROT:
		if (arch == SCOPES_ARCH_AARCH64) {
			*extra = prot_aarch64;
			*nextra = COUNT(prot_aarch64);
		}
		T(prot_flags);
	case DECODE_MAP_FLAGS:
		if (arch == SCOPES_ARCH_X86_64) {
			*extra = map_x86_64;
			*nextra = COUNT(map_x86_64);
		}
		T(map_flags);
	case DECODE_CLONE:
		T(clone_flags);
	case DECODE_AT_FLAGS:
		T(at_flags);
	case DECODE_SOCK_FLAGS:
		T(sock_flags);
	case DECODE_FCNTL:
		T(fcntl_cmds);
	case DECODE_IOCTL:
		T(ioctl_reqs);
	case DECODE_PRCTL:
		T(prctl_opts);
	case DECODE_AF:
		T(af_names);
	case DECODE_SOCK_TYPE:
		T(sock_types);
	case DECODE_IPPROTO:
		T(ip_protos);
	case DECODE_SOCKOPT_LEVEL:
		T(sol_levels);
	case DECODE_SO:
		T(so_names);
	case DECODE_IP:
		T(ip_opts);
	case DECODE_IPV6:
		T(ipv6_opts);
	case DECODE_TCP:
		T(tcp_opts);
#undef T
	}
	*n = 0;
	return NULL;
}

int decode_names_entry(uint32_t arch, enum decode_names set, size_t i, uint64_t *value,
		       const char **name)
{
	const struct named *extra, *t;
	struct named e;
	size_t n, nextra;

	if (set == DECODE_OPEN_FLAGS) {
		if (!oflag_entry(arch, i, &e))
			return 0;
	} else {
		t = set_table(arch, set, &n, &extra, &nextra);
		if (i < n)
			e = t[i];
		else if (i - n < nextra)
			e = extra[i - n];
		else
			return 0;
	}
	*value = e.value;
	*name = e.name;
	return 1;
}

const char *decode_name(uint32_t arch, enum decode_names set, uint64_t value)
{
	uint64_t v;
	const char *name;

	for (size_t i = 0; decode_names_entry(arch, set, i, &v, &name); i++)
		if (v == value)
			return name;
	return NULL;
}

const char *decode_flag_next(uint32_t arch, enum decode_names set, uint64_t *v)
{
	const char *best = NULL, *name;
	uint64_t best_bits = 0, bits;
	int best_wide = 0;

	/* the entry whose lowest bit is lowest; of those, the one of more
	 * bits (O_TMPFILE before O_DIRECTORY, O_SYNC before O_DSYNC) */
	for (size_t i = 0; decode_names_entry(arch, set, i, &bits, &name); i++) {
		if (!bits || (*v & bits) != bits)
			continue;
		int wide = (bits & (bits - 1)) != 0;
		uint64_t low = bits & -bits;
		if (!best || low < (best_bits & -best_bits) ||
		    (low == (best_bits & -best_bits) && wide && !best_wide)) {
			best = name;
			best_bits = bits;
			best_wide = wide;
		}
	}
	if (best)
		*v &= ~best_bits;
	return best;
}

const char *decode_sockproto_name(uint64_t domain, uint64_t protocol)
{
	switch ((uint32_t)domain) {
	case 2:	 /* AF_INET */
	case 10: /* AF_INET6 */
		return lookup(ip_protos, COUNT(ip_protos), protocol);
	case 16: /* AF_NETLINK */
		return lookup(netlink_protos, COUNT(netlink_protos), protocol);
	default:
		return NULL;
	}
}

const char *decode_sockopt_name(uint64_t level, uint64_t optname)
{
	enum decode_names set;

	switch (level) {
	case 1:
		set = DECODE_SO;
		break;
	case 0:
		set = DECODE_IP;
		break;
	case 6:
		set = DECODE_TCP;
		break;
	case 41:
		set = DECODE_IPV6;
		break;
	default:
		return NULL;
	}
	return decode_name(0, set, optname);
}

static void put_oflags(struct obuf *ob, uint32_t arch, uint64_t v)
{
	const char *s;

	ob_puts(ob, decode_name(arch, DECODE_OPEN_ACCMODE, v & O_ACCMODE_K));
	v &= ~(uint64_t)O_ACCMODE_K;
	while ((s = decode_flag_next(arch, DECODE_OPEN_FLAGS, &v))) {
		ob_putc(ob, '|');
		ob_puts(ob, s);
	}
	if (v) {
		ob_putc(ob, '|');
		ob_hex(ob, v);
	}
}

static void put_signal(struct obuf *ob, uint64_t v)
{
	const char *s = decode_signal_name(v);
	if (s)
		ob_puts(ob, s);
	else
		ob_sdec(ob, (int32_t)(uint32_t)v);
}

static void put_clone(struct obuf *ob, uint64_t v)
{
	int first = 1;
	uint64_t sig = v & 0xff;
	v &= ~(uint64_t)0xff;
	put_bits(ob, clone_flags, COUNT(clone_flags), &v, &first);
	if (sig) {
		if (!first)
			ob_putc(ob, '|');
		put_signal(ob, sig);
		first = 0;
	}
	put_rest(ob, v, first);
}

static size_t probe_read(void *ctx, uint64_t addr, char *dst, size_t len)
{
	(void)ctx;
	return memprobe_read(addr, dst, len, 1);
}

static const struct decode_reader memprobe_reader = { probe_read, NULL };

/* Read a NUL-terminated string of at most len bytes (NUL included) through
 * rd; returns the bytes read, the NUL counted when it was reached. */
static size_t read_string(const struct decode_reader *rd, uint64_t addr, char *dst, size_t len)
{
	if (!rd || !rd->read || addr == 0)
		return 0;
	size_t n = rd->read(rd->ctx, addr, dst, len);
	if (n > len)
		n = len; /* a reader that claims more than it was given */
	for (size_t i = 0; i < n; i++)
		if (dst[i] == '\0')
			return i + 1;
	return n;
}

static void put_string(struct obuf *ob, uint64_t addr, const struct decode_reader *rd)
{
	char s[DECODE_STR_MAX + 1];

	if (addr == 0) {
		ob_puts(ob, "NULL");
		return;
	}
	size_t n = read_string(rd, addr, s, sizeof(s));
	if (n == 0) {
		ob_hex(ob, addr);
		return;
	}
	int complete = s[n - 1] == '\0';
	if (complete)
		n--;
	else if (n > DECODE_STR_MAX)
		n = DECODE_STR_MAX;
	ob_putc(ob, '"');
	ob_cesc(ob, s, n);
	ob_putc(ob, '"');
	if (!complete)
		ob_puts(ob, "...");
}

static void put_mode(struct obuf *ob, uint64_t v)
{
	ob_oct(ob, v);
}

static void put_mknod(struct obuf *ob, uint64_t v)
{
	const char *t = lookup(mode_type, COUNT(mode_type), v & 0170000);
	if (t) {
		ob_puts(ob, t);
		ob_putc(ob, '|');
		v &= ~(uint64_t)0170000;
	}
	ob_oct(ob, v);
}

static void put_sockopt(struct obuf *ob, uint64_t level, uint64_t v)
{
	const char *s = decode_sockopt_name(level, v);
	if (s)
		ob_puts(ob, s);
	else
		ob_sdec(ob, (int32_t)(uint32_t)v);
}

static void put_sockproto(struct obuf *ob, uint64_t domain, uint64_t v)
{
	const char *s = decode_sockproto_name(domain, v);
	if (s)
		ob_puts(ob, s);
	else
		ob_sdec(ob, (int32_t)(uint32_t)v);
}

static void put_fcntlarg(struct obuf *ob, uint32_t arch, uint64_t cmd, uint64_t v)
{
	switch (cmd) {
	case 4: /* F_SETFL */
		put_oflags(ob, arch, v);
		break;
	case 2: /* F_SETFD */
		put_flags(ob, fd_flags, COUNT(fd_flags), v);
		break;
	case 0:	   /* F_DUPFD */
	case 1030: /* F_DUPFD_CLOEXEC */
	case 8:	   /* F_SETOWN */
	case 1031: /* F_SETPIPE_SZ */
		ob_sdec(ob, (int32_t)(uint32_t)v);
		break;
	case 10: /* F_SETSIG */
		put_signal(ob, v);
		break;
	default:
		ob_hex(ob, v);
	}
}

static void put_arg(struct obuf *ob, uint32_t arch, enum kind k, const uint64_t a[6], int i,
		    const struct decode_reader *rd)
{
	uint64_t v = a[i];

	switch (k) {
	case K_END:
		break;
	case K_INT:
	case K_FD:
		ob_sdec(ob, (int32_t)(uint32_t)v);
		break;
	case K_DIRFD:
		if ((int32_t)(uint32_t)v == -100)
			ob_puts(ob, "AT_FDCWD");
		else
			ob_sdec(ob, (int32_t)(uint32_t)v);
		break;
	case K_LONG:
		ob_sdec(ob, (int64_t)v);
		break;
	case K_SIZE:
		ob_udec(ob, v);
		break;
	case K_HEX:
		ob_hex(ob, v);
		break;
	case K_PTR:
		if (v)
			ob_hex(ob, v);
		else
			ob_puts(ob, "NULL");
		break;
	case K_PATH:
		put_string(ob, v, rd);
		break;
	case K_OFLAGS:
		put_oflags(ob, arch, v);
		break;
	case K_OMODE:
	case K_MODE:
		put_mode(ob, v);
		break;
	case K_MKNOD:
		put_mknod(ob, v);
		break;
	case K_ATFLAGS:
		put_flags(ob, at_flags, COUNT(at_flags), v);
		break;
	case K_UNLINKAT:
		put_flags(ob, unlink_flags, COUNT(unlink_flags), v);
		break;
	case K_ACCESSAT:
		put_flags(ob, access_flags, COUNT(access_flags), v);
		break;
	case K_AMODE:
		if (v == 0)
			ob_puts(ob, "F_OK");
		else
			put_flags(ob, access_mode, COUNT(access_mode), v);
		break;
	case K_PROT: {
		int first = 1;
		if (v == 0) {
			ob_puts(ob, "PROT_NONE");
			break;
		}
		put_bits(ob, prot_flags, COUNT(prot_flags), &v, &first);
		if (arch == SCOPES_ARCH_AARCH64)
			put_bits(ob, prot_aarch64, COUNT(prot_aarch64), &v, &first);
		put_rest(ob, v, first);
		break;
	}
	case K_MAPFLAGS: {
		int first = 1;
		const char *t = lookup(map_type, COUNT(map_type), v & 0xf);
		if (t) {
			ob_puts(ob, t);
			first = 0;
			v &= ~(uint64_t)0xf;
		}
		put_bits(ob, map_flags, COUNT(map_flags), &v, &first);
		if (arch == SCOPES_ARCH_X86_64)
			put_bits(ob, map_x86_64, COUNT(map_x86_64), &v, &first);
		put_rest(ob, v, first);
		break;
	}
	case K_AF:
		put_named(ob, af_names, COUNT(af_names), (uint32_t)v, 0);
		break;
	case K_SOCKTYPE: {
		int first = 1;
		const char *t = lookup(sock_types, COUNT(sock_types), v & 0xf);
		if (t) {
			ob_puts(ob, t);
			first = 0;
			v &= ~(uint64_t)0xf;
		}
		put_bits(ob, sock_flags, COUNT(sock_flags), &v, &first);
		put_rest(ob, v, first);
		break;
	}
	case K_SOCKFLAGS:
		put_flags(ob, sock_flags, COUNT(sock_flags), v);
		break;
	case K_SOCKPROTO:
		put_sockproto(ob, a[0], v);
		break;
	case K_LEVEL:
		put_named(ob, sol_levels, COUNT(sol_levels), (uint32_t)v, 0);
		break;
	case K_SOCKOPT:
		put_sockopt(ob, (uint32_t)a[i - 1], (uint32_t)v);
		break;
	case K_MSGFLAGS:
		put_flags(ob, msg_flags, COUNT(msg_flags), v);
		break;
	case K_FCNTL:
		put_named(ob, fcntl_cmds, COUNT(fcntl_cmds), (uint32_t)v, 0);
		break;
	case K_FCNTLARG:
		put_fcntlarg(ob, arch, (uint32_t)a[i - 1], v);
		break;
	case K_IOCTL:
		/* the kernel compares the request as an unsigned int */
		put_named(ob, ioctl_reqs, COUNT(ioctl_reqs), (uint32_t)v, 1);
		break;
	case K_CLONE:
		put_clone(ob, v);
		break;
	case K_NSFLAGS: {
		int first = 1;
		put_bits(ob, clone_flags, COUNT(clone_flags), &v, &first);
		put_bits(ob, newtime_flag, COUNT(newtime_flag), &v, &first);
		put_rest(ob, v, first);
		break;
	}
	case K_SIGNAL:
		put_signal(ob, v);
		break;
	case K_SIGHOW:
		put_named(ob, sig_how, COUNT(sig_how), v, 0);
		break;
	case K_PRCTL:
		put_named(ob, prctl_opts, COUNT(prctl_opts), (uint32_t)v, 0);
		break;
	case K_PRCTLARG:
		if ((uint32_t)a[0] == PR_SET_NAME_K)
			put_string(ob, v, rd);
		else if ((uint32_t)a[0] == PR_SET_PDEATHSIG_K)
			put_signal(ob, v);
		else
			ob_hex(ob, v);
		break;
	case K_WHENCE:
		put_named(ob, whence_names, COUNT(whence_names), (uint32_t)v, 0);
		break;
	case K_RLIMIT:
		put_named(ob, rlimit_names, COUNT(rlimit_names), (uint32_t)v, 0);
		break;
	case K_PTRACE:
		put_named(ob, ptrace_reqs, COUNT(ptrace_reqs), v, 1);
		break;
	case K_SECCOMP:
		put_named(ob, seccomp_ops, COUNT(seccomp_ops), v, 0);
		break;
	}
}

const char *decode_signal_name(uint64_t sig)
{
	if (sig >= 1 && sig < 32)
		return signal_names[sig];
	if (sig >= 32 && sig <= 64)
		return rt_names[sig - 32];
	return NULL;
}

size_t decode_syscall_read(uint32_t arch, long nr, const uint64_t args[6],
			   const struct decode_reader *rd, char *buf, size_t size)
{
	struct obuf ob;
	char dummy[1];

	if (!buf || size == 0) {
		buf = dummy;
		size = sizeof(dummy);
	}
	ob_init(&ob, buf, size);
	const char *name = scopes_syscall_name(arch, nr);
	const struct signature *sig = name ? find_signature(name) : NULL;

	if (name) {
		ob_puts(&ob, name);
	} else {
		ob_puts(&ob, "syscall_");
		ob_sdec(&ob, nr);
	}
	ob_putc(&ob, '(');
	if (!sig || (arch != SCOPES_ARCH_X86_64 && arch != SCOPES_ARCH_AARCH64)) {
		/* not known here: all six, raw */
		for (int i = 0; i < 6; i++) {
			if (i)
				ob_puts(&ob, ", ");
			ob_hex(&ob, args[i]);
		}
	} else {
		for (int i = 0; i < 6 && sig->arg[i] != K_END; i++) {
			enum kind k = (enum kind)sig->arg[i];
			/* open's mode is meaningful only when a file may be created */
			if (k == K_OMODE && i > 0 &&
			    !(args[i - 1] & (O_CREAT_K | O_TMPFILE_BIT)))
				break;
			if (i)
				ob_puts(&ob, ", ");
			put_arg(&ob, arch, k, args, i, rd);
		}
	}
	ob_putc(&ob, ')');
	return ob.len;
}

size_t decode_syscall(uint32_t arch, long nr, const uint64_t args[6], unsigned flags,
		      char *buf, size_t size)
{
	return decode_syscall_read(arch, nr, args,
				   (flags & DECODE_READ_STRINGS) ? &memprobe_reader : NULL, buf, size);
}

size_t decode_path_read(uint32_t arch, long nr, const uint64_t args[6],
			const struct decode_reader *rd, char *out, size_t size)
{
	const char *name = scopes_syscall_name(arch, nr);
	const struct signature *sig = name ? find_signature(name) : NULL;

	if (!sig || !out || size < 2 || (arch != SCOPES_ARCH_X86_64 && arch != SCOPES_ARCH_AARCH64))
		return 0;
	out[0] = '\0';
	for (int i = 0; i < 6 && sig->arg[i] != K_END; i++) {
		if (sig->arg[i] != K_PATH)
			continue;
		size_t n = read_string(rd, args[i], out, size);
		if (n == 0 || out[n - 1] != '\0') {
			out[0] = '\0';
			return 0;
		}
		return n - 1;
	}
	return 0;
}

size_t decode_path(uint32_t arch, long nr, const uint64_t args[6], char *out, size_t size)
{
	return decode_path_read(arch, nr, args, &memprobe_reader, out, size);
}

/* ------------------------------------------------- checks against the host */

#if defined(__x86_64__) || defined(__aarch64__)
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
_Static_assert(O_CREAT == 0100 && O_TRUNC == 01000 && O_CLOEXEC == 02000000, "open flags");
_Static_assert(O_PATH == 010000000 && O_NOATIME == 01000000, "open flags");
#if defined(__x86_64__)
_Static_assert(O_DIRECTORY == 0200000 && O_NOFOLLOW == 0400000 && O_DIRECT == 040000,
	       "x86_64 open flags");
#else
_Static_assert(O_DIRECTORY == 040000 && O_NOFOLLOW == 0100000 && O_DIRECT == 0200000,
	       "aarch64 open flags");
#endif
_Static_assert(MAP_ANONYMOUS == 0x20 && MAP_FIXED_NOREPLACE == 0x100000 && MAP_STACK == 0x20000,
	       "mmap flags");
_Static_assert(SOCK_CLOEXEC == 02000000 && SOCK_NONBLOCK == 04000 && AF_NETLINK == 16,
	       "socket constants");
_Static_assert(PR_SET_NAME == 15 && PR_SET_NO_NEW_PRIVS == 38 && PR_SET_PTRACER == 0x59616d61,
	       "prctl options");
_Static_assert(SIGSYS == 31 && SIGCHLD == 17 && SIGUSR1 == 10, "signal numbers");
_Static_assert(F_DUPFD_CLOEXEC == 1030 && F_OFD_SETLKW == 38, "fcntl commands");
#endif
