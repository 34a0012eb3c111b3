"""The scope matrix's specification, written by hand from docs/promises.md.

Nothing here is read from libscopes' promise table (<scopes/table.h>,
libscopes/src/promise_table.c): a test that asks the code what the code should
do proves nothing. Each operation says which promise sets docs/promises.md lets
perform it; `expect()` turns that into the outcome of one (promise set,
operation) cell. When the library disagrees, the failure message quotes the
operation's `why` (the line of docs/promises.md it rests on) so the reader can tell
whether the table or this reading of the page is wrong.

Vocabulary of an operation:
  needs   alternatives, '|'-separated; each is a set of promises that must all
          be held ("stdio proc | stdio exec"). Most operations are one system
          call made with nothing else after the pledge (see tests/probe/ops.c),
          so they need only their own promise; a few need stdio as well.
  verb    what a path-scoped promise's seccomp layer lets through for this
          operation (read, write, create, remove, mkdir, meta): the place is
          then Landlock's to decide, by the operation's path.
  path    the path the operation acts on (placeholders are filled per run).
"""
import dataclasses
import enum
import os
from typing import Optional

# Every promise of docs/promises.md, in its order.
PROMISES = (
    "stdio rpath wpath cpath dpath tmppath fattr chown flock inet mcast unix sendfd recvfd "
    "dns getpw tty proc exec prot_exec settime id ps vminfo route unveil error "
    "audio video drm bpf pf tape disklabel vmm wroute").split()

# "accepted for OpenBSD source compatibility; grant nothing" — and audio, video,
# drm: "device access where Landlock can scope ioctls ...; otherwise nothing"
# (the library does not scope device ioctls yet: nothing).
GRANTS_NOTHING = set("audio video drm bpf pf tape disklabel vmm wroute".split())

# Paths: seccomp decides the verb, Landlock decides the place.
# promise -> (verbs its seccomp layer allows, places Landlock allows them under)
RESOLVER_FILES = ("/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/services",
                  "/etc/host.conf", "/etc/gai.conf")
PATH_SCOPED = {
    "tmppath": ({"read", "write", "truncate", "create", "remove", "mkdir", "meta", "getdents",
                 "opath"}, ("/tmp",)),
    "dns": ({"read", "meta", "opath"}, RESOLVER_FILES),
    "getpw": ({"read", "meta", "opath"}, ("/etc/passwd", "/etc/group", "/etc/nsswitch.conf")),
    "tty": ({"read", "write", "opath"}, ("/dev/tty",)),
    "ps": ({"read", "meta", "readlink", "getdents", "opath"}, ("/proc",)),
    "vminfo": ({"read", "meta", "getdents", "opath"},
               ("/proc/meminfo", "/proc/stat", "/proc/loadavg", "/sys/devices/system/cpu")),
}
# Landlock restricts opens, creation and removal, never metadata: stat, access
# and readlink of a path, getdents on a directory opened before the pledge, and
# O_PATH opens (no access right is checked for them) are not scoped by it. A
# path-scoped promise whose seccomp layer lets such a call through therefore
# allows it anywhere: the documented residual (metadata, never contents).
UNSCOPED_VERBS = {"meta", "readlink", "getdents", "opath"}


class Verdict(enum.Enum):
    ALLOW = "allowed"        # the call does what it does unpledged
    DENY = "denied"          # the penalty: SIGSYS / EPERM / logged / ENOSYS with `error`
    EACCES = "denied-landlock"  # Landlock refuses the place: EACCES whatever the penalty
    FAIL = "denied-errno"    # a fixed errno whatever the penalty (fail_errno)
    KERNEL = "refused-by-kernel"  # the filter allows it, the kernel refuses (not in log mode)
    ENOSYS = "enosys"        # clone3/openat2: ENOSYS under every pledge
    KILLED = "killed"        # a foreign ABI: SIGSYS whatever the penalty


@dataclasses.dataclass(frozen=True)
class Op:
    name: str
    probe: tuple                # probe operation and arguments (placeholders: see below)
    syscall: str                # the call that a denial stops (what LOG records)
    needs: str = ""             # "" = no promise grants it
    group: str = "misc"
    why: str = ""               # the docs/promises.md line this rests on
    always: bool = False        # allowed under every pledge, even ""
    never: bool = False         # no promise grants it
    enosys: bool = False
    foreign: bool = False
    verb: Optional[str] = None  # see PATH_SCOPED
    path: Optional[str] = None  # the path the verb acts on
    fail: Optional[tuple] = None  # (promises or "*", unless, errname): a fixed errno instead
    # (unless, errname, kernel feature): allowed by the filter, then refused
    # by the kernel with errname where it has the feature, unless the
    # promise is held (the pledge set it up; log mode sets up nothing)
    kernel_refusal: Optional[tuple] = None
    tcp_connect: bool = False   # a TCP connect to a port other than 53 (dns's Landlock rule)

    def alternatives(self):
        return [frozenset(a.split()) for a in self.needs.split("|") if a.strip()]


# Placeholders in probe arguments, filled per run with fresh objects:
#   {file} an existing regular file, {dir} an existing directory, {new} a
#   path that does not exist, {link} a symlink — all outside /tmp; {tfile},
#   {tdir}, {tnew} the same under /tmp (tmppath's place).
FILE = "{file}"
S = "stdio"

OPS = [
    # ------------------------------------------------------- descriptors (stdio)
    Op("read", ("read",), "read", S, "stdio", "stdio: I/O on descriptors already open"),
    Op("write", ("write-stdout",), "write", S, "stdio", "stdio: read/write on open descriptors"),
    Op("fstat", ("fstat",), "newfstatat", "stdio | rpath | wpath", "stdio",
       "stdio: fstat; newfstatat only with AT_EMPTY_PATH (rpath/wpath: the stat family)",
       verb="meta"),
    Op("ftruncate", ("ftruncate",), "ftruncate", "stdio | wpath", "stdio",
       "stdio: ftruncate; wpath: truncate"),
    Op("dup", ("raw", "32", "0"), "dup", S, "stdio", "stdio: close/close_range/dup*"),
    Op("fcntl-getfl", ("fcntl", "3"), "fcntl", S, "stdio", "stdio fcntl: GETFL"),
    Op("fcntl-setfd", ("fcntl", "2", "1"), "fcntl", S, "stdio", "stdio fcntl: SETFD"),
    Op("ioctl-fionread", ("ioctl", "0x541B"), "ioctl", S, "stdio", "stdio ioctl: FIONREAD"),
    Op("ioctl-fionbio", ("ioctl", "0x5421"), "ioctl", S, "stdio", "stdio ioctl: FIONBIO"),
    Op("socketpair-unix", ("socketpair", "1"), "socketpair", S, "stdio",
       "stdio: socketpair (AF_UNIX)"),
    Op("sendto-null", ("sendto-null",), "sendto", "stdio | inet | unix | dns | route", "stdio",
       "stdio sendto: NULL address only; the network promises: sendto"),
    Op("getrandom", ("getrandom",), "getrandom", S, "stdio", "stdio: getrandom"),
    Op("getpid", ("getpid",), "getpid", S, "stdio", "stdio: id getters (getpid ...)"),
    Op("umask", ("raw", "95", "022"), "umask", S, "stdio", "stdio: umask"),
    Op("wait4", ("raw", "61", "-1", "0", "0", "0"), "wait4", S, "stdio", "stdio: wait4/waitid"),
    Op("kill-self", ("kill-self0",), "kill", "stdio | proc", "stdio",
       "stdio kill/tgkill: own process only; proc: kill of others"),
    Op("tgkill-self", ("tgkill-self0",), "tgkill", "stdio | proc", "stdio",
       "stdio kill/tgkill: own process only"),
    Op("prctl-get-seccomp", ("prctl", "21"), "prctl", S, "stdio", "stdio prctl: PR_GET_SECCOMP"),
    Op("prctl-set-name", ("prctl", "15"), "prctl", S, "stdio", "stdio prctl: PR_SET_NAME"),
    Op("prctl-get-securebits", ("prctl", "27"), "prctl", S, "stdio",
       "stdio prctl: capability queries (PR_GET_SECUREBITS)"),
    Op("prctl-set-securebits", ("prctl", "28", "0"), "prctl", group="stdio",
       why="stdio prctl: queries only; setting securebits never", never=True),
    Op("prlimit-read", ("raw", "302", "0", "7", "0", "0"), "prlimit64", "stdio | proc | id",
       "stdio", "stdio prlimit64: read only (new limit NULL); proc: prlimit64"),
    Op("personality-query", ("raw", "135", "0xffffffff"), "personality", S, "stdio",
       "never granted: personality (but the query personality(0xffffffff))"),
    Op("thread", ("thread",), "mmap", S, "stdio",
       "stdio: threads (clone with thread flags, futex, ...)"),
    # --------------------------------------------------------------- memory
    Op("mmap-rw", ("mmap-rw",), "mmap", "stdio | prot_exec | exec", "memory",
       "stdio mmap: no PROT_EXEC"),
    Op("mprotect-ro", ("mprotect-ro",), "mprotect", "stdio | prot_exec | exec", "memory",
       "stdio mprotect: no PROT_EXEC"),
    Op("mmap-exec", ("mmap-exec",), "mmap", "prot_exec", "memory",
       "prot_exec: PROT_EXEC in mmap/mprotect; Revision 2: exec's loader grant is file-backed, "
       "non-writable mappings only, never anonymous executable memory"),
    Op("mprotect-exec", ("mprotect-exec",), "mprotect", "prot_exec", "memory",
       "prot_exec: PROT_EXEC in mmap/mprotect"),
    Op("mmap-exec-file", ("mmap-exec-file", FILE), "mmap", "prot_exec | exec", "memory",
       "prot_exec: PROT_EXEC in mmap (a file mapping)"),
    # ---------------------------------------------------------------- files
    Op("open-r", ("open-r", FILE), "openat", "rpath | exec", "files",
       "rpath: O_RDONLY opens; exec: the loader reads its libraries", verb="read", path=FILE),
    Op("open-r-hosts", ("open-r", "/etc/hosts"), "openat", "rpath | exec", "files",
       "dns: read-only opens of the resolver files (Landlock)", verb="read", path="/etc/hosts"),
    Op("open-r-nsswitch", ("open-r", "/etc/nsswitch.conf"), "openat", "rpath | exec", "files",
       "dns and getpw: /etc/nsswitch.conf (Landlock)", verb="read", path="/etc/nsswitch.conf"),
    Op("open-r-passwd", ("open-r", "/etc/passwd"), "openat", "rpath | exec", "files",
       "getpw: read-only opens of /etc/passwd (Landlock)", verb="read", path="/etc/passwd"),
    Op("open-r-group", ("open-r", "/etc/group"), "openat", "rpath | exec", "files",
       "getpw: read-only opens of /etc/group (Landlock)", verb="read", path="/etc/group"),
    Op("open-r-meminfo", ("open-r", "/proc/meminfo"), "openat", "rpath | exec", "files",
       "vminfo: read-only /proc/meminfo (Landlock); ps: read-only /proc", verb="read",
       path="/proc/meminfo"),
    Op("open-r-loadavg", ("open-r", "/proc/loadavg"), "openat", "rpath | exec", "files",
       "vminfo: read-only /proc/loadavg (Landlock)", verb="read", path="/proc/loadavg"),
    Op("open-r-proc1", ("open-r", "/proc/1/stat"), "openat", "rpath | exec", "files",
       "ps: reading other processes' state, read-only /proc (Landlock)", verb="read",
       path="/proc/1/stat"),
    Op("open-r-tmp", ("open-r", "{tfile}"), "openat", "rpath | exec", "files",
       "tmppath: read files under /tmp (Landlock)", verb="read", path="{tfile}"),
    Op("open-path", ("open-flags", "{dir}", "0x200000"), "openat", "rpath | exec | unveil",
       "files", "unveil: later calls to scopes_unveil (it opens its path O_PATH); "
       "rpath: read-only opens", verb="opath", path="{dir}"),
    Op("unveil-call", ("unveil", "{dir}", "r"), "landlock_add_rule", "stdio unveil", "files",
       "unveil: later calls to scopes_unveil (without it the library refuses: EPERM, "
       "as OpenBSD's unveil(2) after a pledge without \"unveil\")",
       fail=("*", "unveil", "EPERM")),
    Op("open-w", ("open-w", FILE), "openat", "wpath", "files",
       "wpath: open for writing existing files (O_WRONLY)", verb="write", path=FILE),
    Op("open-w-tmp", ("open-w", "{tfile}"), "openat", "wpath", "files",
       "tmppath: write files under /tmp (Landlock)", verb="write", path="{tfile}"),
    Op("open-trunc", ("open-trunc", FILE), "openat", "wpath", "files",
       "wpath: opens for writing, truncate", verb="truncate", path=FILE),
    Op("open-rw", ("open-rw", FILE), "openat", "rpath wpath", "files",
       "wpath: O_RDWR needs rpath too (OpenBSD)", verb="write", path=FILE),
    Op("open-rdtrunc", ("open-rdtrunc", FILE), "openat", "rpath wpath", "files",
       "rpath: none of O_TRUNC; wpath: truncate; tmppath: never O_RDONLY|O_TRUNC (Landlock "
       "checks a read open's truncation only from ABI 3)", path=FILE),
    Op("create", ("create", "{new}"), "openat", "wpath cpath", "files",
       "cpath: O_WRONLY|O_CREAT needs wpath cpath", verb="create", path="{new}"),
    Op("create-tmp", ("create", "{tnew}"), "openat", "wpath cpath", "files",
       "tmppath: create files under /tmp (Landlock)", verb="create", path="{tnew}"),
    Op("create-ro", ("open-flags", "{new}", "0100"), "openat", "rpath cpath", "files",
       "cpath: O_CREAT only with the access mode's own promise (O_RDONLY: rpath)",
       verb="create", path="{new}"),
    Op("create-rw", ("create-rw", "{new}"), "openat", "rpath wpath cpath", "files",
       "cpath with O_RDWR: rpath wpath cpath", verb="create", path="{new}"),
    Op("create-suid", ("create-suid", "{new}"), "openat", "", "files",
       "cpath: no setuid/setgid/sticky bits in the mode", never=True),
    Op("tmpfile", ("tmpfile", "{dir}"), "openat", "rpath wpath cpath", "files",
       "cpath: O_TMPFILE with the access mode's promises (O_RDWR: rpath wpath)",
       verb="create", path="{dir}"),
    Op("stat", ("stat", FILE), "newfstatat", "rpath | wpath | exec", "files",
       "rpath: stat family on paths; wpath: stat family; exec: what the loader needs "
       "(ld.so stats its RUNPATH directories)", verb="meta", path=FILE),
    Op("access", ("access", FILE), "faccessat", "rpath | wpath | exec", "files",
       "rpath: access/faccessat*; exec: the loader checks /etc/ld.so.preload",
       verb="meta", path=FILE),
    Op("readlink", ("readlink", "{link}"), "readlinkat", "rpath", "files", "rpath: readlink*",
       verb="readlink", path="{link}"),
    Op("readlink-proc", ("readlink", "/proc/self/exe"), "readlinkat", "rpath", "files",
       "ps: reading processes' state under /proc (Landlock)", verb="readlink",
       path="/proc/self/exe"),
    Op("getdents", ("getdents", "{dir}"), "getdents64", "rpath", "files", "rpath: getdents64",
       verb="getdents", path="{dir}"),
    Op("getcwd", ("getcwd",), "getcwd", "rpath | wpath", "files",
       "rpath: getcwd; wpath: getcwd"),
    Op("chdir", ("chdir", "{dir}"), "chdir", "rpath", "files", "rpath: chdir/fchdir"),
    Op("truncate", ("truncate", FILE), "truncate", "wpath", "files", "wpath: truncate"),
    Op("unlink", ("unlink", FILE), "unlinkat", "cpath", "files", "cpath: unlink*",
       verb="remove", path=FILE),
    Op("unlink-tmp", ("unlink", "{tfile}"), "unlinkat", "cpath", "files",
       "tmppath: remove files under /tmp (Landlock)", verb="remove", path="{tfile}"),
    Op("rmdir", ("rmdir", "{dir}"), "unlinkat", "cpath", "files", "cpath: rmdir",
       verb="remove", path="{dir}"),
    Op("mkdir", ("mkdir", "{new}"), "mkdirat", "cpath", "files", "cpath: mkdir*",
       verb="mkdir", path="{new}"),
    Op("mkdir-tmp", ("mkdir", "{tnew}"), "mkdirat", "cpath", "files",
       "tmppath: create under /tmp (Landlock)", verb="mkdir", path="{tnew}"),
    Op("rename", ("rename", FILE, "{new}"), "renameat", "cpath", "files", "cpath: rename*"),
    Op("link", ("link", FILE, "{new}"), "linkat", "cpath", "files", "cpath: link*"),
    Op("symlink", ("symlink", "{new}", "target"), "symlinkat", "cpath", "files",
       "cpath: symlink*"),
    Op("mkfifo", ("mkfifo", "{new}"), "mknodat", "dpath", "files",
       "dpath: mknod/mknodat for FIFOs (mkfifo)"),
    Op("mknod-fifo0", ("mknod", "{new}", "010000"), "mknodat", "dpath", "files",
       "dpath: mode type S_IFIFO (any permission bits)"),
    Op("mknod-legacy-fifo", ("mknod-legacy", "{new}", "010644"), "mknod", "dpath", "files",
       "dpath: mknod (the old call) for FIFOs"),
    Op("mknod-chr", ("mknod-chr", "{new}"), "mknodat", "", "files",
       "dpath: device nodes never", never=True),
    Op("mknod-reg", ("mknod-reg", "{new}"), "mknodat", "", "files",
       "dpath: mode type S_IFIFO only", never=True),
    Op("mknod-sock", ("mknod", "{new}", "0140600"), "mknodat", "", "files",
       "dpath: mode type S_IFIFO only", never=True),
    Op("chmod", ("chmod", FILE, "0644"), "fchmodat", "fattr", "files", "fattr: chmod family"),
    Op("chmod-0600", ("chmod", FILE, "0600"), "fchmodat", "fattr", "files",
       "fattr: chmod family"),
    Op("fchmod", ("fchmod", FILE, "0640"), "fchmod", "fattr", "files", "fattr: chmod family"),
    Op("chmod-suid", ("chmod", FILE, "04755"), "fchmodat", "", "files",
       "fattr: no setuid/setgid/sticky bits", never=True),
    Op("chmod-sgid", ("chmod", FILE, "02755"), "fchmodat", "", "files",
       "fattr: no setuid/setgid/sticky bits", never=True),
    Op("chmod-sticky", ("chmod", FILE, "01777"), "fchmodat", "", "files",
       "fattr: no setuid/setgid/sticky bits", never=True),
    Op("utimens", ("utimens", FILE), "utimensat", "fattr", "files", "fattr: utimensat"),
    Op("chown", ("chown-same", FILE), "fchownat", "chown", "files", "chown: fchownat"),
    Op("fchown", ("fchown", FILE), "fchown", "chown", "files", "chown: fchown"),
    Op("lchown", ("lchown", FILE), "fchownat", "chown", "files", "chown: lchown"),
    Op("flock", ("flock",), "flock", "flock", "files", "flock: flock"),
    Op("fcntl-setlk", ("fcntl-lock",), "fcntl", "flock", "files", "flock fcntl: SETLK"),
    Op("fcntl-getlk", ("fcntl", "5"), "fcntl", "flock", "files", "flock fcntl: GETLK"),
    Op("fcntl-ofd-getlk", ("fcntl", "36"), "fcntl", "flock", "files", "flock fcntl: OFD_GETLK"),
    Op("fcntl-setown", ("fcntl", "8", "0"), "fcntl", "", "files",
       "stdio fcntl: DUPFD ... SETFL only; flock: the lock commands only", never=True),
    Op("fcntl-setpipe-sz", ("fcntl", "1031", "4096"), "fcntl", "", "files",
       "stdio fcntl: DUPFD ... SETFL only", never=True),
    # -------------------------------------------------------------- sockets
    Op("socket-inet-stream", ("socket", "2", "1"), "socket", "inet | dns", "sockets",
       "inet socket: AF_INET STREAM; dns: socket INET DGRAM/STREAM"),
    Op("socket-inet-tcp", ("socket", "2", "1", "6"), "socket", "inet | dns", "sockets",
       "inet socket: protocol TCP"),
    Op("socket-inet6-dgram", ("socket", "10", "2"), "socket", "inet | dns", "sockets",
       "inet socket: AF_INET6 DGRAM"),
    Op("socket-inet-udp-cloexec", ("socket", "2", str(2 | 0o2000000), "17"), "socket",
       "inet | dns", "sockets", "inet socket: DGRAM with CLOEXEC, protocol UDP"),
    Op("socket-inet-raw", ("socket", "2", "3", "1"), "socket", "", "sockets",
       "inet socket: type STREAM or DGRAM only", never=True),
    Op("socket-packet", ("socket", "17", "3", "0"), "socket", "", "sockets",
       "inet: IPv4/IPv6 only; AF_PACKET in no promise", never=True),
    Op("socketpair-inet", ("socketpair", "2"), "socketpair", "", "sockets",
       "stdio: socketpair (AF_UNIX) only", never=True),
    Op("socket-unix-stream", ("socket", "1", "1"), "socket", "unix", "sockets",
       "unix: AF_UNIX STREAM; under getpw or dns the library answers EACCES (glibc's nscd "
       "probe fails and libc falls back to the files)", fail=("getpw dns", "unix", "EACCES")),
    Op("socket-unix-dgram", ("socket", "1", "2"), "socket", "unix", "sockets",
       "unix: AF_UNIX DGRAM", fail=("getpw dns", "unix", "EACCES")),
    Op("socket-unix-seqpacket", ("socket", "1", "5"), "socket", "unix", "sockets",
       "unix: AF_UNIX SEQPACKET", fail=("getpw dns", "unix", "EACCES")),
    Op("socket-netlink-route", ("socket", "16", "3", "0"), "socket", "route | inet", "sockets",
       "route, inet: AF_NETLINK NETLINK_ROUTE (inet: getifaddrs, as OpenBSD's inet allows); "
       "Revision 2: dns gets no netlink socket, answered with an errno so glibc's "
       "AI_ADDRCONFIG probe falls back", fail=("dns", "route inet", "EACCES")),
    Op("socket-netlink-route-dgram", ("socket", "16", "2", "0"), "socket", "route | inet",
       "sockets", "route, inet: AF_NETLINK NETLINK_ROUTE; Revision 2: dns answers "
       "socket(AF_NETLINK) with an errno", fail=("dns", "route inet", "EACCES")),
    Op("socket-netlink-audit", ("socket", "16", "3", "9"), "socket", "", "sockets",
       "route: NETLINK_ROUTE only; Revision 2: dns answers socket(AF_NETLINK) with an errno",
       never=True, fail=("dns", "route inet", "EACCES")),
    Op("connect", ("connect",), "connect", "inet | unix | dns", "sockets", tcp_connect=True,
       why=
       "inet/unix/dns: connect (the socket's domain was checked when it was made)"),
    Op("bind", ("bind",), "bind", "inet | unix | route", "sockets",
       "inet: bind; Revision 2: dns binds nothing (it is no general UDP client)"),
    Op("listen", ("listen",), "listen", "inet | unix", "sockets", "inet/unix: listen"),
    Op("sendto-addr", ("sendto-addr",), "sendto", "inet | unix | route", "sockets",
       "inet: sendto; Revision 2: dns sends on connected sockets only"),
    Op("sockopt-reuseaddr", ("setsockopt", "1", "2"), "setsockopt", "inet | unix", "sockets",
       "inet: setsockopt, a short allow list (SO_REUSEADDR)"),
    Op("sockopt-rcvbuf", ("setsockopt", "1", "8"), "setsockopt", "inet | unix", "sockets",
       "inet: setsockopt, a short allow list (SO_RCVBUF)"),
    Op("sockopt-ip-tos", ("setsockopt", "0", "1"), "setsockopt", "inet", "sockets",
       "inet: setsockopt, a short allow list (IP_TOS)"),
    Op("sockopt-tcp-nodelay", ("setsockopt", "6", "1"), "setsockopt", "inet", "sockets",
       "inet: setsockopt, a short allow list (TCP_NODELAY)"),
    Op("getsockopt-error", ("getsockopt", "1", "4"), "getsockopt", "inet | unix | dns",
       "sockets", "inet: getsockopt SO_ERROR"),
    Op("getsockopt-type", ("getsockopt", "1", "3"), "getsockopt", "inet | unix", "sockets",
       "inet: getsockopt SO_TYPE"),
    Op("sockopt-bindtodevice", ("setsockopt", "1", "25"), "setsockopt", "", "sockets",
       "inet: level and option paired in a short allow list", never=True),
    Op("sockopt-attach-filter", ("setsockopt", "1", "26"), "setsockopt", "", "sockets",
       "inet: level and option paired in a short allow list", never=True),
    Op("sockopt-mcast-ttl", ("setsockopt", "0", "33"), "setsockopt", "inet mcast", "sockets",
       "mcast: IP_MULTICAST_* (with inet)"),
    Op("sockopt-mcast-loop", ("setsockopt", "0", "34"), "setsockopt", "inet mcast", "sockets",
       "mcast: IP_MULTICAST_* (with inet)"),
    Op("sockopt-mcast-if", ("setsockopt", "0", "32"), "setsockopt", "inet mcast", "sockets",
       "mcast: IP_MULTICAST_* (with inet)"),
    Op("sockopt-add-membership", ("setsockopt", "0", "35"), "setsockopt", "inet mcast",
       "sockets", "mcast: IP_ADD_MEMBERSHIP (with inet)"),
    Op("ioctl-siocatmark", ("ioctl", "0x8905"), "ioctl", "inet", "sockets",
       "inet ioctl: FIONREAD, SIOCATMARK"),
    Op("ioctl-siocgifconf", ("ioctl", "0x8912"), "ioctl", "", "sockets",
       "inet ioctl: FIONREAD, SIOCATMARK only", never=True),
    Op("sendmsg", ("sendmsg",), "sendmsg", "stdio | inet | unix | sendfd", "sockets",
       "Revision 2: stdio includes sendmsg/recvmsg (and the mmsg forms) on descriptors "
       "already open, as OpenBSD's does (imsg)"),
    Op("send-fd", ("send-fd",), "sendmsg", "stdio | inet | unix | sendfd", "sockets",
       "sendfd; Linux cannot see SCM_RIGHTS inside sendmsg; Revision 2: enforce what the kernel "
       "allows (SO_PASSRIGHTS on the process's AF_UNIX sockets without recvfd)",
       kernel_refusal=("recvfd", "EPERM", "so_passrights")),
    Op("sendmmsg", ("sendmmsg",), "sendmmsg", "stdio | inet | unix | dns | sendfd", "sockets",
       "sendfd: sendmmsg; dns: sendmmsg"),
    Op("recvmsg", ("recvmsg-ready",), "recvmsg", "stdio | inet | unix | route | recvfd",
       "sockets", "recvfd: recvmsg on any socket; route reads netlink replies; Revision 2: "
       "not dns"),
    Op("recv-fd", ("recv-fd",), "recvmsg", "stdio | inet | unix | route | recvfd", "sockets",
       "recvfd: recvmsg (a descriptor arrives)"),
    Op("recvmmsg", ("recvmmsg",), "recvmmsg", "stdio | inet | unix | recvfd", "sockets",
       "recvfd: recvmmsg"),
    # ------------------------------------------------------------- terminal
    Op("open-dev-tty", ("open-flags", "/dev/tty", "2"), "openat", "rpath wpath", "terminal",
       "tty: opening /dev/tty (Landlock)", verb="write", path="/dev/tty"),
    Op("ioctl-tcgets", ("ioctl-tty", "0x5401"), "ioctl", "stdio | tty", "terminal",
       "stdio ioctl: TCGETS (isatty); tty: TCGETS"),
    Op("ioctl-tiocgwinsz", ("ioctl-tty", "0x5413"), "ioctl", "tty", "terminal",
       "tty ioctl: TIOCGWINSZ"),
    Op("ioctl-tiocswinsz", ("ioctl-tty", "0x5414"), "ioctl", "tty", "terminal",
       "tty ioctl: TIOCSWINSZ"),
    Op("ioctl-tcsets", ("ioctl-tty", "0x5402"), "ioctl", "tty", "terminal", "tty ioctl: TCSETS*"),
    Op("ioctl-tiocgpgrp", ("ioctl-tty", "0x540F"), "ioctl", "tty", "terminal",
       "tty ioctl: TIOCGPGRP"),
    Op("ioctl-tcflsh", ("ioctl-tty", "0x540B"), "ioctl", "tty", "terminal", "tty ioctl: TCFLSH"),
    Op("ioctl-tiocsti", ("ioctl-tty", "0x5412"), "ioctl", "", "terminal",
       "never: ioctl(TIOCSTI)", never=True),
    Op("ioctl-tioclinux", ("ioctl-tty", "0x541C"), "ioctl", "", "terminal",
       "never: ioctl(TIOCLINUX)", never=True),
    Op("ioctl-tiocexcl", ("ioctl-tty", "0x540C"), "ioctl", "", "terminal",
       "tty: the listed terminal ioctls only", never=True),
    # ------------------------------------------------------------ processes
    Op("fork", ("fork-nowait",), "fork", "proc", "processes", "proc: fork/vfork"),
    Op("kill-child", ("kill-child",), "kill", "proc", "processes", "proc: kill of others"),
    Op("kill-parent", ("kill-ppid0",), "kill", "proc", "processes", "proc: kill of others"),
    Op("setpgid", ("raw", "109", "0", "0"), "setpgid", "proc", "processes", "proc: setpgid"),
    Op("getpriority", ("raw", "140", "0", "0"), "getpriority", "proc | id", "processes",
       "proc: get/setpriority; id: setpriority (OpenBSD: getpriority with proc or id)"),
    Op("setpriority", ("raw", "141", "0", "0", "0"), "setpriority", "proc | id", "processes",
       "proc: setpriority; id: setpriority"),
    Op("sched-getscheduler", ("raw", "145", "0"), "sched_getscheduler", "proc", "processes",
       "proc: sched_set* (and their getters)"),
    Op("setrlimit", ("raw", "160", "4", "0"), "setrlimit", "proc | id", "processes",
       "proc: prlimit64/setrlimit; id: setrlimit"),
    Op("prlimit-set", ("raw", "302", "0", "4", "1", "0"), "prlimit64", "proc | id",
       "processes", "stdio prlimit64: read only; proc: prlimit64"),
    Op("clone-newuser", ("clone-newuser",), "clone", "", "processes",
       "proc clone: no namespace flags; never: unshare/setns", never=True),
    Op("unshare", ("raw", "272", "0"), "unshare", "", "processes", "never: unshare/setns",
       never=True),
    Op("exec", ("exec", "/bin/true"), "execve", "stdio exec", "processes",
       "exec: execve (with what a dynamically linked program needs to start; its libc "
       "start needs stdio)"),
    Op("execveat", ("execveat", "/bin/true"), "execveat", "stdio exec", "processes",
       "exec: execveat"),
    # ------------------------------------------------------ time, identity
    Op("settimeofday", ("settimeofday",), "settimeofday", "settime", "privileges",
       "settime: settimeofday"),
    Op("clock-settime", ("raw", "227", "0", "0"), "clock_settime", "settime", "privileges",
       "settime: clock_settime"),
    Op("adjtimex", ("raw", "159", "0"), "adjtimex", "stdio | settime", "privileges",
       "settime: adjtimex; reading the adjustment (adjtime(NULL, &old)) is allowed under any "
       "pledge on OpenBSD, and a change needs CAP_SYS_TIME, which only settime keeps"),
    Op("clock-adjtime", ("raw", "305", "0", "0"), "clock_adjtime", "stdio | settime",
       "privileges", "settime: clock_adjtime; reading is stdio's as adjtimex"),
    Op("setuid", ("setuid-same",), "setuid", "id", "privileges", "id: setuid"),
    Op("setgid", ("setgid",), "setgid", "id", "privileges", "id: setgid"),
    Op("setresuid-keep", ("raw", "117", "-1", "-1", "-1"), "setresuid", "id", "privileges",
       "id: setres*"),
    Op("setgroups", ("raw", "116", "0", "0"), "setgroups", "id", "privileges",
       "id: setgroups"),
    # --------------------------------------------- always, never, ENOSYS, ABI
    Op("clock-vdso", ("clock",), "clock_gettime", always=True, group="always",
       why="vDSO calls (clock_gettime) never reach seccomp"),
    Op("prctl-no-new-privs", ("prctl", "38", "1"), "prctl", always=True, group="always",
       why="always: prctl(PR_SET_NO_NEW_PRIVS)"),
    Op("seccomp-query", ("raw", "317", "3", "0", "0"), "seccomp", always=True, group="always",
       why="always: every seccomp() operation"),
    Op("landlock-abi", ("raw", "444", "0", "0", "1"), "landlock_create_ruleset", always=True,
       group="always", why="always: what a later, narrower pledge needs (Landlock for the "
       "path-scoped promises); unveil: landlock_* syscalls"),
    Op("clone3", ("raw", "435", "0", "0"), "clone3", enosys=True, group="always",
       why="clone3 and openat2 answer ENOSYS"),
    Op("openat2", ("raw", "437", "-100", "0", "0", "0"), "openat2", enosys=True,
       group="always", why="clone3 and openat2 answer ENOSYS"),
    Op("x32-getpid", ("raw", hex(0x40000000 + 39)), "getpid", foreign=True, group="always",
       why="foreign ABIs are killed whatever the penalty: x32 (nr | 0x40000000)"),
    Op("i386-getpid", ("int80", "20"), "getpid", foreign=True, group="always",
       why="foreign ABIs are killed whatever the penalty: i386 (int 0x80)"),
    Op("ptrace", ("raw", "101", "2", "1", "0", "0"), "ptrace", never=True, group="never",
       why="never: ptrace"),
    Op("io-uring-setup", ("raw", "425", "0", "0"), "io_uring_setup", never=True,
       group="never", why="never: io_uring_* (bypasses seccomp)"),
    Op("bpf", ("raw", "321", "0", "0", "0"), "bpf", never=True, group="never",
       why="never: bpf"),
    Op("perf-event-open", ("raw", "298", "0", "0", "-1", "-1", "0"), "perf_event_open",
       never=True, group="never", why="never: perf_event_open"),
    Op("mount", ("raw", "165", "0", "0", "0", "0", "0"), "mount", never=True, group="never",
       why="never: mount/umount2/pivot_root/chroot"),
    Op("keyctl", ("raw", "250", "0", "0", "0"), "keyctl", never=True, group="never",
       why="never: keyctl/add_key/request_key"),
    Op("personality-set", ("raw", "135", "0"), "personality", never=True, group="never",
       why="never: personality (but the query)"),
]

OPS_BY_NAME = {op.name: op for op in OPS}
assert len(OPS_BY_NAME) == len(OPS), "duplicate operation names"

# ------------------------------------------------------------ the rows

def _sets():
    rows = ["", "stdio"] + [f"stdio {p}" for p in PROMISES if p != "stdio"]
    # combinations that matter
    rows += ["stdio rpath wpath", "stdio wpath cpath", "stdio rpath cpath",
             "stdio rpath wpath cpath", "stdio inet mcast", "stdio inet dns",
             "stdio unix sendfd recvfd", "stdio proc exec", "stdio rpath tmppath"]
    # without stdio: the one-call operations need only their own promise
    rows += ["rpath", "wpath cpath", "inet", "prot_exec", "settime id"]
    return rows


SETS = _sets()


def parse(promises: str) -> frozenset:
    return frozenset(promises.split())


# ------------------------------------------------------- the expectation

@dataclasses.dataclass(frozen=True)
class Expect:
    verdict: Verdict
    errname: Optional[str] = None   # FAIL: the errno
    landlock: bool = False          # the answer depends on Landlock enforcement
    reason: str = ""


def _under(path: str, places) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in places)


def _landlock_abi() -> int:
    import scopes_probes
    p = scopes_probes.probe("landlock")
    return p.value if p.present else 0


# exec's loader reads (docs/promises.md, "exec and execpromises"): the
# opens, stat and access the loader of an exec'd image makes. Under the exec
# supervisor (exec and stdio held, NULL execpromises, not log mode) only
# exec'd images get them; the image that pledged keeps the executable file
# mapping alone.
LOADER_READ_CALLS = {"openat", "open", "newfstatat", "stat", "faccessat", "faccessat2", "access",
                     "readlink", "readlinkat"}


def supervised(held, penalty: Optional[str] = None) -> bool:
    """Is a pledge of `held` (NULL execpromises) made with the exec supervisor?"""
    return {"exec", "stdio"} <= held and penalty != "log"


def expect(promises: str, op: Op, landlock: bool, paths: Optional[dict] = None,
           penalty: Optional[str] = None) -> Expect:
    """What docs/promises.md says happens when `op` runs under `promises`.

    landlock: whether the library enforces path-scoped promises with Landlock
    (without it they grant nothing: fail closed). paths: the placeholder
    values, to place the operation's path inside or outside a promise's places.
    penalty: the cell's (log mode starts no exec supervisor).
    """
    held = parse(promises)
    if op.foreign:
        return Expect(Verdict.KILLED, reason=op.why)
    if op.enosys:
        return Expect(Verdict.ENOSYS, reason=op.why)
    if op.always:
        return Expect(Verdict.ALLOW, reason=op.why)
    if not op.never:
        for alt in op.alternatives():
            if alt == {"exec"} and op.syscall in LOADER_READ_CALLS and supervised(held, penalty):
                continue  # the supervisor serves exec'd loaders; the pledger reads nothing
            if alt <= held:
                if op.kernel_refusal and op.kernel_refusal[0] not in held:
                    import scopes_probes
                    if scopes_probes.have(op.kernel_refusal[2]):
                        return Expect(Verdict.KERNEL, errname=op.kernel_refusal[1],
                                      reason=f"without {op.kernel_refusal[0]} the pledge sets "
                                             f"SO_PASSRIGHTS=0 on the process's AF_UNIX "
                                             f"sockets — {op.why}")
                if op.tcp_connect and "dns" in held and "inet" not in held and landlock \
                        and _landlock_abi() >= 4:
                    # the filter grants connect (so log mode logs nothing);
                    # Landlock refuses the port
                    return Expect(Verdict.KERNEL, errname="EACCES", landlock=True,
                                  reason="Revision 2: dns without inet connects over TCP to "
                                         "port 53 only (Landlock network rules, ABI 4)")
                return Expect(Verdict.ALLOW, reason=f"{' '.join(sorted(alt))} — {op.why}")
    # path-scoped promises: the verb from seccomp, the place from Landlock
    if op.verb and not op.never:
        scoped = [p for p in sorted(held) if p in PATH_SCOPED and op.verb in PATH_SCOPED[p][0]]
        if scoped:
            if not landlock:
                return Expect(Verdict.DENY, landlock=True,
                              reason=f"{'/'.join(scoped)} grant nothing without Landlock "
                                     "(fail closed)")
            paths = paths or scratch_paths("/var/tmp/scratch", "/tmp/scratch", "x")
            path = (op.path or "").format(**paths)
            for p in scoped:
                if op.verb in UNSCOPED_VERBS or _under(path, PATH_SCOPED[p][1]):
                    return Expect(Verdict.ALLOW, landlock=True,
                                  reason=f"{p}: {op.verb} under its places (Landlock)")
            return Expect(Verdict.EACCES, landlock=True,
                          reason=f"{'/'.join(scoped)}: {path} is outside their places")
    if op.fail:
        any_of, unless, errname = op.fail
        if (any_of == "*" or held & set(any_of.split())) and not held & set(unless.split()):
            return Expect(Verdict.FAIL, errname=errname, reason=op.why)
    why = op.why if op.never else f"needs {op.needs or 'a promise none grants'} — {op.why}"
    return Expect(Verdict.DENY, reason=why)


# ----------------------------------------------- each promise, at a glance
# At least three operations each promise allows (beyond what "stdio" alone
# does) and three it does not, for the penalty columns. For the promises that
# grant nothing (error is a modifier, the compatibility names grant nothing)
# "allows" lists stdio operations they must leave working.
KEY_CELLS = {
    "stdio": (["read", "getpid", "mmap-rw", "thread", "kill-self"],
              ["open-r", "mmap-exec", "fork", "kill-parent", "socket-inet-stream"]),
    "rpath": (["open-r", "stat", "readlink", "getdents", "chdir"],
              ["open-w", "open-rw", "create", "unlink"]),
    "wpath": (["open-w", "open-trunc", "truncate", "stat"],
              ["open-r", "open-rw", "create", "mkdir"]),
    "cpath": (["mkdir", "unlink", "rmdir", "rename", "symlink", "link"],
              ["create", "open-w", "open-r", "create-suid", "mkfifo"]),
    "dpath": (["mkfifo", "mknod-fifo0", "mknod-legacy-fifo"],
              ["mknod-chr", "mknod-reg", "mknod-sock", "mkdir"]),
    "tmppath": (["create-tmp", "open-r-tmp", "open-w-tmp", "unlink-tmp", "mkdir-tmp"],
                ["create", "open-r", "unlink", "mkdir"]),
    "fattr": (["chmod", "chmod-0600", "fchmod", "utimens"],
              ["chmod-suid", "chmod-sgid", "chmod-sticky", "chown"]),
    "chown": (["chown", "fchown", "lchown"], ["chmod", "utimens", "setuid"]),
    "flock": (["flock", "fcntl-setlk", "fcntl-getlk", "fcntl-ofd-getlk"],
              ["fcntl-setown", "fcntl-setpipe-sz", "mkfifo"]),
    "inet": (["socket-inet-stream", "socket-inet6-dgram", "connect", "bind", "listen",
              "sockopt-ip-tos", "ioctl-siocatmark"],
             ["socket-inet-raw", "socket-packet", "socket-unix-stream", "sockopt-bindtodevice",
              "sockopt-mcast-ttl"]),
    "mcast": (["read", "getpid", "mmap-rw"],
              ["sockopt-mcast-ttl", "sockopt-add-membership", "socket-inet-stream"]),
    "unix": (["socket-unix-stream", "socket-unix-dgram", "socket-unix-seqpacket", "listen",
              "connect"],
             ["socket-inet-stream", "socket-netlink-route", "socketpair-inet"]),
    "sendfd": (["sendmsg", "sendmmsg", "recvmsg"],
               ["socket-unix-stream", "listen", "socket-inet-stream"]),
    "recvfd": (["recvmsg", "recv-fd", "recvmmsg", "send-fd"],
               ["socket-unix-stream", "listen", "socket-inet-stream"]),
    "dns": (["socket-inet-stream", "socket-inet6-dgram", "getsockopt-error", "sendmmsg",
             "open-r-hosts", "open-r-nsswitch"],
            ["listen", "open-r", "open-r-passwd", "socket-unix-stream", "sockopt-ip-tos",
             "sendto-addr", "bind", "socket-netlink-audit", "connect"]),
    "getpw": (["open-r-passwd", "open-r-group", "open-r-nsswitch"],
              ["open-r", "open-r-hosts", "socket-inet-stream", "socket-unix-stream"]),
    "tty": (["ioctl-tiocgwinsz", "ioctl-tiocswinsz", "ioctl-tcsets", "ioctl-tiocgpgrp",
             "open-dev-tty"],
            ["ioctl-tiocsti", "ioctl-tioclinux", "ioctl-tiocexcl", "open-r"]),
    "proc": (["fork", "kill-child", "kill-parent", "setpgid", "getpriority"],
             ["clone-newuser", "unshare", "exec", "setuid"]),
    "exec": (["exec", "execveat", "mmap-exec-file"],
             ["fork", "open-w", "setuid", "mmap-exec", "mprotect-exec", "open-r"]),
    "prot_exec": (["mmap-exec", "mprotect-exec", "mmap-exec-file"],
                  ["exec", "fork", "open-r"]),
    "settime": (["settimeofday", "clock-settime", "adjtimex", "clock-adjtime"],
                ["setuid", "fork", "open-r"]),
    "id": (["setuid", "setgid", "setresuid-keep", "setgroups"],
           ["settimeofday", "fork", "chown"]),
    "ps": (["open-r-proc1", "open-r-meminfo", "readlink-proc"],
           ["open-r", "open-r-hosts", "open-w", "fork"]),
    "vminfo": (["open-r-meminfo", "open-r-loadavg"] + ["getdents"],
               ["open-r-proc1", "open-r", "open-r-hosts"]),
    "route": (["socket-netlink-route", "socket-netlink-route-dgram", "bind", "sendto-addr"],
              ["socket-netlink-audit", "socket-inet-stream", "listen", "connect"]),
    "unveil": (["unveil-call", "open-path", "landlock-abi"], ["open-r", "open-w", "mkdir"]),
    "error": (["read", "getpid", "thread"], ["open-r", "fork", "socket-inet-stream"]),
}
for _p in sorted(GRANTS_NOTHING):  # sorted: xdist workers must collect alike
    KEY_CELLS[_p] = (["read", "getpid", "mmap-rw"], ["open-r", "socket-inet-stream", "fork"])


def key_set(promise: str) -> str:
    return promise if promise == "stdio" else f"stdio {promise}"


def scratch_paths(root_outside: str, root_tmp: str, tag: str) -> dict:
    """Placeholder values for one run (names only; make_objects creates them)."""
    return {
        "file": os.path.join(root_outside, f"{tag}.file"),
        "dir": os.path.join(root_outside, f"{tag}.dir"),
        "new": os.path.join(root_outside, f"{tag}.new"),
        "link": os.path.join(root_outside, f"{tag}.link"),
        "tfile": os.path.join(root_tmp, f"{tag}.file"),
        "tdir": os.path.join(root_tmp, f"{tag}.dir"),
        "tnew": os.path.join(root_tmp, f"{tag}.new"),
    }
