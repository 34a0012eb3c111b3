/* SPDX-License-Identifier: MIT */
/*
 * Every name the decoder knows (decode_names_entry), against the value the
 * system's headers give it: each name must be listed here, and each listed
 * value must decode to its name. The decoder writes its constants as
 * numbers (it names aarch64 calls on x86_64), so a number typed wrong
 * (IP_RECVOPTS as 8, which is IP_PKTINFO) shows here and nowhere else.
 * Checked on the arch the test runs on.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* TCGETS2 and TCSETS2 take the size of struct termios2, which glibc does
 * not declare (<asm/termbits.h> would clash with <termios.h>): the
 * kernel's, for x86_64 and aarch64 alike */
struct termios2 {
	unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line, c_cc[19];
	unsigned int c_ispeed, c_ospeed;
};
#include <sys/ioctl.h>

#include <scopes/table.h>

#include "decode.h"
#include "harness.h"

struct hname {
	const char *name;
	uint64_t value;
};
#define H(x) { #x, (uint64_t)(x) }
/* A name glibc's headers lack or define otherwise, with the kernel's UAPI
 * value (each says where from). */
#define K(x, v) { #x, (v) }
#define END { NULL, 0 }

static const struct hname h_accmode[] = {
	H(O_RDONLY), H(O_WRONLY), H(O_RDWR), H(O_ACCMODE), END
};
static const struct hname h_oflags[] = {
	H(O_CREAT), H(O_EXCL), H(O_NOCTTY), H(O_TRUNC), H(O_APPEND), H(O_NONBLOCK),
	H(O_ASYNC), H(O_NOATIME), H(O_CLOEXEC), H(O_PATH),
	H(O_DSYNC), H(O_DIRECT), H(O_DIRECTORY), H(O_NOFOLLOW), H(O_TMPFILE), H(O_SYNC),
	/* glibc's O_LARGEFILE is 0 on 64-bit arches, where the kernel sets it
	 * itself: its bit from <asm/fcntl.h> */
#if defined(__aarch64__)
	K(O_LARGEFILE, 0400000),
#else
	K(O_LARGEFILE, 0100000),
#endif
	/* the bit alone, by <asm-generic/fcntl.h> (glibc's __O_TMPFILE
	 * includes O_DIRECTORY) */
	K(__O_TMPFILE, 020000000), END
};
static const struct hname h_mode_type[] = {
	H(S_IFIFO), H(S_IFCHR), H(S_IFDIR), H(S_IFBLK), H(S_IFREG), H(S_IFLNK),
	H(S_IFSOCK), END
};
static const struct hname h_mode_bits[] = {
	H(S_ISVTX), H(S_ISGID), H(S_ISUID), END
};
static const struct hname h_prot[] = {
	H(PROT_READ), H(PROT_WRITE), H(PROT_EXEC),
	K(PROT_SEM, 0x8), /* <asm-generic/mman-common.h> */
	H(PROT_GROWSDOWN),
	H(PROT_GROWSUP),
#if defined(__aarch64__)
	H(PROT_BTI), H(PROT_MTE),
#endif
	END
};
static const struct hname h_map[] = {
	H(MAP_FIXED), H(MAP_ANONYMOUS), H(MAP_GROWSDOWN), H(MAP_DENYWRITE),
	H(MAP_EXECUTABLE), H(MAP_LOCKED), H(MAP_NORESERVE), H(MAP_POPULATE),
	H(MAP_NONBLOCK), H(MAP_STACK), H(MAP_HUGETLB), H(MAP_SYNC), H(MAP_FIXED_NOREPLACE),
	K(MAP_UNINITIALIZED, 0x4000000), /* <asm-generic/mman-common.h> */
#if defined(__x86_64__)
	H(MAP_32BIT),
#endif
	END
};
static const struct hname h_clone_[] = {
	H(CLONE_VM), H(CLONE_FS), H(CLONE_FILES), H(CLONE_SIGHAND), H(CLONE_PIDFD),
	H(CLONE_PTRACE), H(CLONE_VFORK), H(CLONE_PARENT), H(CLONE_THREAD), H(CLONE_NEWNS),
	H(CLONE_SYSVSEM), H(CLONE_SETTLS), H(CLONE_PARENT_SETTID), H(CLONE_CHILD_CLEARTID),
	H(CLONE_DETACHED), H(CLONE_UNTRACED), H(CLONE_CHILD_SETTID), H(CLONE_NEWCGROUP),
	H(CLONE_NEWUTS), H(CLONE_NEWIPC), H(CLONE_NEWUSER), H(CLONE_NEWPID),
	H(CLONE_NEWNET), H(CLONE_IO), END
};
static const struct hname h_at[] = {
	H(AT_SYMLINK_NOFOLLOW), H(AT_SYMLINK_FOLLOW), H(AT_NO_AUTOMOUNT), H(AT_EMPTY_PATH),
	H(AT_STATX_FORCE_SYNC), H(AT_STATX_DONT_SYNC), H(AT_RECURSIVE), END
};
static const struct hname h_sockflags[] = {
	H(SOCK_NONBLOCK), H(SOCK_CLOEXEC), END
};
static const struct hname h_fcntls[] = {
	H(F_DUPFD), H(F_GETFD), H(F_SETFD), H(F_GETFL), H(F_SETFL), H(F_GETLK), H(F_SETLK),
	H(F_SETLKW), H(F_SETOWN), H(F_GETOWN), H(F_SETSIG), H(F_GETSIG), H(F_SETOWN_EX),
	H(F_GETOWN_EX),
	K(F_GETOWNER_UIDS, 17), /* <asm-generic/fcntl.h> */
	H(F_OFD_GETLK), H(F_OFD_SETLK),
	H(F_OFD_SETLKW), H(F_SETLEASE), H(F_GETLEASE), H(F_NOTIFY), H(F_DUPFD_CLOEXEC),
	H(F_SETPIPE_SZ), H(F_GETPIPE_SZ), H(F_ADD_SEALS), H(F_GET_SEALS), H(F_GET_RW_HINT),
	H(F_SET_RW_HINT), H(F_GET_FILE_RW_HINT), H(F_SET_FILE_RW_HINT), END
};
static const struct hname h_ioctls[] = {
	H(TCGETS), H(TCSETS), H(TCSETSW), H(TCSETSF), H(TCGETA), H(TCSETA), H(TCSBRK),
	H(TCXONC), H(TCFLSH), H(TIOCEXCL), H(TIOCNXCL), H(TIOCSCTTY), H(TIOCGPGRP),
	H(TIOCSPGRP), H(TIOCOUTQ), H(TIOCSTI), H(TIOCGWINSZ), H(TIOCSWINSZ), H(TIOCMGET),
	H(FIONREAD), H(TIOCLINUX), H(TIOCCONS), H(FIONBIO), H(TIOCNOTTY), H(TIOCSETD),
	H(TIOCGETD), H(TIOCGSID), H(TCGETS2), H(TCSETS2), H(TIOCGPTN), H(TIOCSPTLCK),
	H(TIOCGPTPEER), H(FIONCLEX), H(FIOCLEX), H(FIOASYNC), H(FIOSETOWN), H(FIOGETOWN),
	H(SIOCGPGRP), H(SIOCATMARK), H(SIOCGIFCONF), H(SIOCGIFFLAGS), H(SIOCSIFFLAGS),
	H(SIOCGIFADDR), H(SIOCGIFHWADDR), H(SIOCGIFINDEX), END
};
static const struct hname h_prctls[] = {
	H(PR_SET_PDEATHSIG), H(PR_GET_PDEATHSIG), H(PR_GET_DUMPABLE), H(PR_SET_DUMPABLE),
	H(PR_GET_UNALIGN), H(PR_SET_UNALIGN), H(PR_GET_KEEPCAPS), H(PR_SET_KEEPCAPS),
	H(PR_GET_FPEMU), H(PR_SET_FPEMU), H(PR_GET_FPEXC), H(PR_SET_FPEXC),
	H(PR_GET_TIMING), H(PR_SET_TIMING), H(PR_SET_NAME), H(PR_GET_NAME),
	H(PR_GET_ENDIAN), H(PR_SET_ENDIAN), H(PR_GET_SECCOMP), H(PR_SET_SECCOMP),
	H(PR_CAPBSET_READ), H(PR_CAPBSET_DROP), H(PR_GET_TSC), H(PR_SET_TSC),
	H(PR_GET_SECUREBITS), H(PR_SET_SECUREBITS), H(PR_SET_TIMERSLACK),
	H(PR_GET_TIMERSLACK), H(PR_TASK_PERF_EVENTS_DISABLE),
	H(PR_TASK_PERF_EVENTS_ENABLE), H(PR_MCE_KILL), H(PR_MCE_KILL_GET), H(PR_SET_MM),
	H(PR_SET_CHILD_SUBREAPER), H(PR_GET_CHILD_SUBREAPER), H(PR_SET_NO_NEW_PRIVS),
	H(PR_GET_NO_NEW_PRIVS), H(PR_GET_TID_ADDRESS), H(PR_SET_THP_DISABLE),
	H(PR_GET_THP_DISABLE), H(PR_SET_FP_MODE), H(PR_GET_FP_MODE), H(PR_CAP_AMBIENT),
	H(PR_SVE_SET_VL), H(PR_SVE_GET_VL), H(PR_GET_SPECULATION_CTRL),
	H(PR_SET_SPECULATION_CTRL), H(PR_PAC_RESET_KEYS), H(PR_SET_TAGGED_ADDR_CTRL),
	H(PR_GET_TAGGED_ADDR_CTRL), H(PR_SET_IO_FLUSHER), H(PR_GET_IO_FLUSHER),
	H(PR_SET_SYSCALL_USER_DISPATCH), H(PR_PAC_SET_ENABLED_KEYS),
	H(PR_PAC_GET_ENABLED_KEYS), H(PR_SCHED_CORE), H(PR_SME_SET_VL), H(PR_SME_GET_VL),
	/* <linux/prctl.h> of Linux 6.3 and 6.4, newer than some glibc's */
#ifdef PR_SET_MDWE
	H(PR_SET_MDWE), H(PR_GET_MDWE),
#else
	K(PR_SET_MDWE, 65), K(PR_GET_MDWE, 66),
#endif
#ifdef PR_SET_MEMORY_MERGE
	H(PR_SET_MEMORY_MERGE), H(PR_GET_MEMORY_MERGE),
#else
	K(PR_SET_MEMORY_MERGE, 67), K(PR_GET_MEMORY_MERGE, 68),
#endif
	
	H(PR_SET_VMA), H(PR_SET_PTRACER), END
};
static const struct hname h_afs[] = {
	H(AF_UNSPEC), H(AF_UNIX), H(AF_INET), H(AF_AX25), H(AF_IPX), H(AF_APPLETALK),
	H(AF_NETROM), H(AF_BRIDGE), H(AF_ATMPVC), H(AF_X25), H(AF_INET6), H(AF_ROSE),
	H(AF_DECnet), H(AF_NETBEUI), H(AF_SECURITY), H(AF_KEY), H(AF_NETLINK),
	H(AF_PACKET), H(AF_ASH), H(AF_ECONET), H(AF_ATMSVC), H(AF_RDS), H(AF_SNA),
	H(AF_IRDA), H(AF_PPPOX), H(AF_WANPIPE), H(AF_LLC), H(AF_IB), H(AF_MPLS), H(AF_CAN),
	H(AF_TIPC), H(AF_BLUETOOTH), H(AF_IUCV), H(AF_RXRPC), H(AF_ISDN), H(AF_PHONET),
	H(AF_IEEE802154), H(AF_CAIF), H(AF_ALG), H(AF_NFC), H(AF_VSOCK), H(AF_KCM),
	H(AF_QIPCRTR), H(AF_SMC), H(AF_XDP), H(AF_MCTP), END
};
static const struct hname h_socktypes[] = {
	H(SOCK_STREAM), H(SOCK_DGRAM), H(SOCK_RAW), H(SOCK_RDM), H(SOCK_SEQPACKET),
	H(SOCK_DCCP), H(SOCK_PACKET), END
};
static const struct hname h_ipprotos[] = {
	H(IPPROTO_IP), H(IPPROTO_ICMP), H(IPPROTO_IGMP), H(IPPROTO_TCP), H(IPPROTO_UDP),
	H(IPPROTO_IPV6), H(IPPROTO_GRE), H(IPPROTO_ESP), H(IPPROTO_ICMPV6),
	H(IPPROTO_SCTP), H(IPPROTO_UDPLITE), H(IPPROTO_RAW), H(IPPROTO_MPTCP), END
};
static const struct hname h_levels[] = {
	H(IPPROTO_IP), H(SOL_SOCKET), H(IPPROTO_TCP), H(IPPROTO_UDP), H(IPPROTO_IPV6),
	H(IPPROTO_ICMPV6), H(IPPROTO_RAW), H(SOL_PACKET), H(SOL_NETLINK), H(SOL_ALG), END
};
static const struct hname h_so[] = {
	H(SO_DEBUG), H(SO_REUSEADDR), H(SO_TYPE), H(SO_ERROR), H(SO_DONTROUTE),
	H(SO_BROADCAST), H(SO_SNDBUF), H(SO_RCVBUF), H(SO_KEEPALIVE), H(SO_OOBINLINE),
	H(SO_NO_CHECK), H(SO_PRIORITY), H(SO_LINGER), H(SO_BSDCOMPAT), H(SO_REUSEPORT),
	H(SO_PASSCRED), H(SO_PEERCRED), H(SO_RCVLOWAT), H(SO_SNDLOWAT), H(SO_RCVTIMEO_OLD),
	H(SO_SNDTIMEO_OLD), H(SO_BINDTODEVICE), H(SO_ATTACH_FILTER), H(SO_DETACH_FILTER),
	H(SO_PEERNAME), H(SO_TIMESTAMP_OLD), H(SO_ACCEPTCONN), H(SO_PEERSEC),
	H(SO_SNDBUFFORCE), H(SO_RCVBUFFORCE), H(SO_PASSSEC), H(SO_TIMESTAMPNS_OLD),
	H(SO_MARK), H(SO_TIMESTAMPING_OLD), H(SO_PROTOCOL),
	H(SO_DOMAIN), H(SO_RXQ_OVFL), H(SO_INCOMING_CPU), H(SO_ATTACH_BPF), H(SO_ZEROCOPY),
	H(SO_BINDTOIFINDEX), H(SO_TIMESTAMP_NEW), H(SO_TIMESTAMPNS_NEW), H(SO_TIMESTAMPING_NEW),
	H(SO_RCVTIMEO_NEW), H(SO_SNDTIMEO_NEW), END
};
static const struct hname h_ip[] = {
	H(IP_TOS), H(IP_TTL), H(IP_HDRINCL), H(IP_OPTIONS), H(IP_ROUTER_ALERT),
	H(IP_RECVOPTS), H(IP_RETOPTS), H(IP_PKTINFO), H(IP_PKTOPTIONS), H(IP_MTU_DISCOVER),
	H(IP_RECVERR), H(IP_RECVTTL), H(IP_RECVTOS), H(IP_MTU), H(IP_FREEBIND),
	H(IP_TRANSPARENT), H(IP_BIND_ADDRESS_NO_PORT), H(IP_MULTICAST_IF),
	H(IP_MULTICAST_TTL), H(IP_MULTICAST_LOOP), H(IP_ADD_MEMBERSHIP),
	H(IP_DROP_MEMBERSHIP), H(IP_MULTICAST_ALL), END
};
static const struct hname h_ipv6[] = {
	H(IPV6_ADDRFORM), H(IPV6_CHECKSUM), H(IPV6_UNICAST_HOPS), H(IPV6_MULTICAST_IF),
	H(IPV6_MULTICAST_HOPS), H(IPV6_MULTICAST_LOOP), H(IPV6_ADD_MEMBERSHIP),
	H(IPV6_DROP_MEMBERSHIP), H(IPV6_MTU_DISCOVER), H(IPV6_MTU), H(IPV6_RECVERR),
	H(IPV6_V6ONLY), H(IPV6_RECVPKTINFO), H(IPV6_PKTINFO), H(IPV6_RECVHOPLIMIT),
	H(IPV6_HOPLIMIT), H(IPV6_RECVTCLASS), H(IPV6_TCLASS), END
};
static const struct hname h_tcp[] = {
	H(TCP_NODELAY), H(TCP_MAXSEG), H(TCP_CORK), H(TCP_KEEPIDLE), H(TCP_KEEPINTVL),
	H(TCP_KEEPCNT), H(TCP_DEFER_ACCEPT), H(TCP_INFO), H(TCP_QUICKACK),
	H(TCP_CONGESTION), H(TCP_USER_TIMEOUT), H(TCP_FASTOPEN), END
};

static const struct {
	enum decode_names set;
	const char *what;
	const struct hname *names;
} sets[] = {
	{ DECODE_OPEN_ACCMODE, "open access mode", h_accmode },
	{ DECODE_OPEN_FLAGS, "open flags", h_oflags },
	{ DECODE_MODE_TYPE, "file type", h_mode_type },
	{ DECODE_MODE_BITS, "mode bits", h_mode_bits },
	{ DECODE_PROT, "PROT_*", h_prot },
	{ DECODE_MAP_FLAGS, "MAP_*", h_map },
	{ DECODE_CLONE, "CLONE_*", h_clone_ },
	{ DECODE_AT_FLAGS, "AT_*", h_at },
	{ DECODE_SOCK_FLAGS, "SOCK_ flags", h_sockflags },
	{ DECODE_FCNTL, "fcntl", h_fcntls },
	{ DECODE_IOCTL, "ioctl", h_ioctls },
	{ DECODE_PRCTL, "prctl", h_prctls },
	{ DECODE_AF, "AF_*", h_afs },
	{ DECODE_SOCK_TYPE, "SOCK_ types", h_socktypes },
	{ DECODE_IPPROTO, "IPPROTO_*", h_ipprotos },
	{ DECODE_SOCKOPT_LEVEL, "sockopt level", h_levels },
	{ DECODE_SO, "SO_*", h_so },
	{ DECODE_IP, "IP_*", h_ip },
	{ DECODE_IPV6, "IPV6_*", h_ipv6 },
	{ DECODE_TCP, "TCP_*", h_tcp },
};

static const struct hname *listed(const struct hname *h, const char *name)
{
	for (; h->name; h++)
		if (strcmp(h->name, name) == 0)
			return h;
	return NULL;
}

static void test_set(uint32_t arch, enum decode_names set, const char *what,
		     const struct hname *h)
{
	uint64_t value;
	const char *name;
	size_t n = 0;

	/* the headers' value of each name decodes to that name */
	for (const struct hname *e = h; e->name; e++) {
		const char *got = decode_name(arch, set, e->value);
		CHECK(got && strcmp(got, e->name) == 0, "%s: %s (%#llx) decodes as %s", what,
		      e->name, (unsigned long long)e->value, got ? got : "nothing");
	}
	/* and the decoder has no name this test does not check */
	for (size_t i = 0; decode_names_entry(arch, set, i, &value, &name); i++, n++) {
		const struct hname *e = listed(h, name);
		CHECK(e, "%s: the decoder's %s is not checked against the headers", what, name);
		CHECK(!e || e->value == value, "%s: the decoder has %s = %#llx, the headers %#llx",
		      what, name, (unsigned long long)value,
		      (unsigned long long)(e ? e->value : 0));
	}
	CHECK(n > 0, "%s: the decoder names nothing", what);
}

/* setsockopt's option names by level, as a decoded call shows them */
static void test_sockopt(void)
{
	static const struct {
		int level, opt;
		const char *want;
	} cases[] = {
		{ SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR" },
		{ IPPROTO_IP, IP_PKTINFO, "IP_PKTINFO" },
		{ IPPROTO_IP, IP_RECVOPTS, "IP_RECVOPTS" },
		{ IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, "IPV6_ADD_MEMBERSHIP" },
		{ IPPROTO_IPV6, IPV6_TCLASS, "IPV6_TCLASS" },
		{ IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY" },
		{ IPPROTO_UDP, 1, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = decode_sockopt_name((uint64_t)cases[i].level,
						      (uint64_t)cases[i].opt);
		int same = got && cases[i].want ? strcmp(got, cases[i].want) == 0
						: got == cases[i].want;
		CHECK(same, "level %d option %d: got %s, want %s", cases[i].level, cases[i].opt,
		      got ? got : "nothing", cases[i].want ? cases[i].want : "nothing");
	}
}

/* flags lowest bit first, a two-bit flag before the one-bit flag it holds */
static void test_flag_order(uint32_t arch)
{
	uint64_t v = O_EXCL | O_CREAT | O_TMPFILE | O_NOFOLLOW | 0x80000000u;
	/* O_TMPFILE's lowest bit is O_DIRECTORY's, below O_NOFOLLOW on both arches */
	const char *want[] = { "O_CREAT", "O_EXCL", "O_TMPFILE", "O_NOFOLLOW" };
	for (size_t i = 0; i < 4; i++) {
		const char *got = decode_flag_next(arch, DECODE_OPEN_FLAGS, &v);
		CHECK(got && strcmp(got, want[i]) == 0, "open flag %zu: got %s, want %s", i,
		      got ? got : "nothing", want[i]);
	}
	CHECK(!decode_flag_next(arch, DECODE_OPEN_FLAGS, &v) && v == 0x80000000u,
	      "an unnamed bit is left: %#llx", (unsigned long long)v);
	v = S_ISUID | S_ISGID | S_ISVTX;
	CHECK(strcmp(decode_flag_next(arch, DECODE_MODE_BITS, &v), "S_ISVTX") == 0,
	      "mode bits: S_ISVTX first");
}

int main(void)
{
	uint32_t arch = scopes_native_arch();

	CHECK(scopes_table_init() == 0, "table init");
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		test_set(arch, sets[i].set, sets[i].what, sets[i].names);
	test_sockopt();
	test_flag_order(arch);
	return harness_finish("test_decode_names");
}
