"""scopes: OpenBSD-style pledge() and unveil() for Python programs on Linux.

A binding (ctypes) of libscopes, the seccomp-scopes C library:

    import scopes
    data = open(path, "rb").read()     # open, import, resolve what you need first
    scopes.pledge("stdio")             # from here: computation and I/O on open files
    parse(data)                        # an exploit here cannot open, exec, connect

Every failure raises OSError with the errno the C function set (errno,
strerror, and for a bad promise string the reason: the bad word and the
closest promise). What each promise grants: scopes-promises(7); the C
functions behind each call: scopes_pledge(3), scopes_unveil(3),
scopes_compile(3) and <scopes/table.h>.

A violation kills the process with SIGSYS by default (set_penalty() chooses
otherwise; install_reporter() makes it print which call and which promise).
Python itself needs "stdio" to go on running; importing a module not yet
imported needs "rpath" (import it before the pledge).

The library is found by scopes._find: SCOPES_LIB, a build tree in
SCOPES_BUILD_DIR, the install this package came with, the loader's path.
"""
import ctypes
import errno as _errno
import os
from typing import FrozenSet, Iterable, List, NamedTuple, Optional, Tuple, Union

from . import _find

__all__ = ["version", "pledge", "unveil", "set_penalty", "refuse_env_penalty", "explain",
           "closest", "parse", "format_set", "promises", "Promise", "held", "execpromises_held",
           "pathscoped_enforced", "native_arch", "syscall_name", "syscall_number", "query",
           "Verdict", "Alternative", "set_allows", "fail_row", "rows", "Row",
           "promise_covers_path", "path_beneath", "landlock_checks_path", "penalty_names",
           "compile", "Filter", "install_reporter", "ARCH_X86_64", "ARCH_AARCH64",
           "ARCH_I386", "NotFound"]

NotFound = _find.NotFound

ARCH_X86_64 = 0xc000003e
ARCH_AARCH64 = 0xc00000b7
ARCH_I386 = 0x40000003
_ARCH_WORDS = {"x86_64": ARCH_X86_64, "aarch64": ARCH_AARCH64, "i386": ARCH_I386}

# <scopes/table.h> flags and classes
PROMISE_PATHSCOPED, PROMISE_COMPAT, PROMISE_MODIFIER = 0x1, 0x2, 0x4
ALT_PATHSCOPED, ALT_INCIDENTAL, ALT_ARGS_UNKNOWN = 0x1, 0x2, 0x4
CLASSES = ("always", "promise", "enosys", "never", "foreign_abi", "unknown")
ROW_KINDS = ("always", "grant", "enosys", "never", "fail")
_SET_ALL = (1 << 64) - 1
_QUERY_MAX_ALTS = 16
_COND_MAX = 3

_u64 = ctypes.c_uint64
_char_p = ctypes.c_char_p


class _Alt(ctypes.Structure):
    _fields_ = [("set", _u64), ("flags", ctypes.c_uint), ("note", _char_p)]


class _Verdict(ctypes.Structure):
    _fields_ = [("cls", ctypes.c_int), ("name", _char_p), ("reason", _char_p),
                ("n", ctypes.c_int), ("alt", _Alt * _QUERY_MAX_ALTS)]


class _Cond(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("mask", _u64), ("value", _u64)]


class _Row(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_int), ("syscall", _char_p), ("any", _u64), ("all", _u64),
                ("unless", _u64), ("errnum", ctypes.c_int), ("flags", ctypes.c_uint),
                ("ncond", ctypes.c_uint), ("cond", _Cond * _COND_MAX), ("note", _char_p)]


class _SigsysOptions(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint), ("report_fd", ctypes.c_int), ("json_fd", ctypes.c_int)]


_Args6 = _u64 * 6

# name: (restype, argtypes)
_PROTOTYPES = {
    "scopes_version": (_char_p, []),
    "scopes_pledge": (ctypes.c_int, [_char_p, _char_p]),
    "scopes_unveil": (ctypes.c_int, [_char_p, _char_p]),
    "scopes_set_penalty": (ctypes.c_int, [ctypes.c_int]),
    "scopes_refuse_env_penalty": (ctypes.c_int, []),
    "scopes_compile": (ctypes.c_void_p, [_char_p, ctypes.c_int]),
    "scopes_apply": (ctypes.c_int, [ctypes.c_void_p]),
    "scopes_filter_free": (None, [ctypes.c_void_p]),
    "scopes_filter_promises": (_u64, [ctypes.c_void_p]),
    "scopes_filter_landlock": (ctypes.c_int, [ctypes.c_void_p]),
    "scopes_filter_program": (ctypes.c_int, [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p),
                                             ctypes.POINTER(ctypes.c_size_t)]),
    "scopes_table_init": (ctypes.c_int, []),
    "scopes_promise_count": (ctypes.c_int, []),
    "scopes_promise_name": (_char_p, [ctypes.c_int]),
    "scopes_promise_index": (ctypes.c_int, [_char_p, ctypes.c_size_t]),
    "scopes_promise_summary": (_char_p, [ctypes.c_int]),
    "scopes_promise_flags": (ctypes.c_uint, [ctypes.c_int]),
    "scopes_promise_paths": (ctypes.POINTER(_char_p), [ctypes.c_int]),
    "scopes_promise_caps": (_u64, [ctypes.c_int]),
    "scopes_capability_name": (_char_p, [ctypes.c_int]),
    "scopes_pathscoped_enforced": (ctypes.c_int, [ctypes.POINTER(_char_p)]),
    "scopes_promises_parse": (ctypes.c_int, [_char_p, ctypes.POINTER(_u64)]),
    "scopes_promises_explain": (ctypes.c_int, [_char_p, ctypes.c_char_p, ctypes.c_size_t]),
    "scopes_promise_closest": (_char_p, [_char_p, ctypes.c_size_t]),
    "scopes_promises_format": (ctypes.c_size_t, [_u64, ctypes.c_char_p, ctypes.c_size_t]),
    "scopes_promises_held": (_u64, []),
    "scopes_execpromises_held": (_u64, []),
    "scopes_native_arch": (ctypes.c_uint32, []),
    "scopes_syscall_name": (_char_p, [ctypes.c_uint32, ctypes.c_long]),
    "scopes_syscall_number": (ctypes.c_long, [ctypes.c_uint32, _char_p]),
    "scopes_query": (ctypes.c_int, [ctypes.c_uint32, ctypes.c_long, ctypes.POINTER(_Args6),
                                    ctypes.POINTER(_Verdict)]),
    "scopes_query_set_pid": (None, [ctypes.c_long]),
    "scopes_row_count": (ctypes.c_size_t, []),
    "scopes_row_get": (ctypes.POINTER(_Row), [ctypes.c_size_t]),
    "scopes_set_allows": (ctypes.c_int, [_u64, ctypes.c_uint32, ctypes.c_long,
                                         ctypes.POINTER(_Args6), ctypes.c_int,
                                         ctypes.POINTER(ctypes.c_int)]),
    "scopes_fail_row": (ctypes.POINTER(_Row), [ctypes.c_uint32, ctypes.c_long,
                                               ctypes.POINTER(_Args6)]),
    "scopes_path_beneath": (ctypes.c_int, [_char_p, _char_p]),
    "scopes_promise_covers_path": (ctypes.c_int, [ctypes.c_int, _char_p]),
    "scopes_landlock_checks_path": (ctypes.c_int, [ctypes.c_uint32, ctypes.c_long]),
    "scopes_penalty_name": (_char_p, [ctypes.c_int]),
    "scopes_penalty_parse": (ctypes.c_int, [_char_p]),
}

_lib = None
_sigsys = None


def _load():
    """libscopes.so.0, loaded once, with every prototype set and the table initialised."""
    global _lib
    if _lib is None:
        path = _find.library("libscopes.so.0", "SCOPES_LIB", "libscopes/libscopes.so.0")
        try:
            lib = ctypes.CDLL(path, use_errno=True)
        except OSError as e:
            raise NotFound(f"libscopes could not be loaded ({path}): {e}") from e
        for name, (restype, argtypes) in _PROTOTYPES.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
        if lib.scopes_table_init() != 0:
            _raise("scopes_table_init")
        _lib = lib
    return _lib


def _raise(what: str, detail: Optional[str] = None, filename=None):
    e = ctypes.get_errno() or _errno.EIO
    msg = os.strerror(e)
    if detail:
        msg = f"{msg}: {detail}"
    raise OSError(e, f"{what}: {msg}", filename)


def _b(s: Optional[Union[str, bytes, os.PathLike]]) -> Optional[bytes]:
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    return os.fsencode(s)


def _s(b: Optional[bytes]) -> Optional[str]:
    return None if b is None else b.decode("utf-8", "surrogateescape")


def _promise_string(p: Union[str, Iterable[str], None]) -> Optional[str]:
    if p is None or isinstance(p, (str, bytes)):
        return p.decode() if isinstance(p, bytes) else p
    return " ".join(p)


# ------------------------------------------------------------------ the core

def version() -> str:
    """The version of the libscopes loaded ("0.1.0"), scopes_version()."""
    return _s(_load().scopes_version())


def pledge(promises: Union[str, Iterable[str], None],
           execpromises: Union[str, Iterable[str], None] = None) -> None:
    """Restrict this process (every thread) to `promises`, scopes_pledge(3).

    promises, execpromises: "stdio rpath" or an iterable of names; None
    leaves that set unchanged. Raises OSError: EINVAL (an unknown name, a
    malformed string: the message says which word and suggests the closest
    promise), EPERM (a promise not held now), ESRCH, E2BIG, ENOSYS, EBUSY,
    ENOTSUP, ENOENT, ENOMEM, as scopes_pledge(3) lists.
    """
    lib = _load()
    p, e = _promise_string(promises), _promise_string(execpromises)
    ctypes.set_errno(0)
    if lib.scopes_pledge(_b(p), _b(e)) == 0:
        return
    err = ctypes.get_errno()
    detail = None
    if err == _errno.EINVAL:
        detail = explain(p) if p is not None else None
        if detail is None and e is not None:
            why = explain(e)
            detail = f"execpromises: {why}" if why else None
    ctypes.set_errno(err)
    _raise("pledge", detail)


def unveil(path: Union[str, bytes, os.PathLike, None] = None,
           permissions: Optional[str] = None) -> None:
    """Limit the file system view (Landlock), scopes_unveil(3).

    unveil(path, "rwxc") adds a path; unveil() (both None) locks: no more
    unveils, and the view takes effect (also at the next pledge). Raises
    OSError with the errno of scopes_unveil(3) (EINVAL for bad permissions,
    ENOENT for a missing path, EPERM after the lock, ...).
    """
    lib = _load()
    ctypes.set_errno(0)
    if lib.scopes_unveil(_b(path), _b(permissions)) != 0:
        _raise("unveil", None, None if path is None else os.fspath(path))


def penalty_names() -> List[str]:
    """The penalties, in the library's order: ["kill", "trap", "errno", "log"]."""
    lib = _load()
    out = []
    for i in range(16):
        n = lib.scopes_penalty_name(i)
        if n is None:
            break
        out.append(_s(n))
    return out


def _penalty(penalty: Union[str, int]) -> int:
    if isinstance(penalty, int):
        return penalty
    lib = _load()
    ctypes.set_errno(0)
    v = lib.scopes_penalty_parse(_b(penalty))
    if v < 0:
        _raise("penalty", f"{penalty!r} is not one of {', '.join(penalty_names())}")
    return v


def set_penalty(penalty: Union[str, int]) -> None:
    """What a violation does in later pledges: "kill" (default, SIGSYS), "trap"
    (SIGSYS delivered: the reporter), "errno" (the call fails with EPERM),
    "log" (allowed and logged). Raises OSError EINVAL for another value."""
    lib = _load()
    v = _penalty(penalty)
    ctypes.set_errno(0)
    if lib.scopes_set_penalty(v) != 0:
        _raise("set_penalty")


def refuse_env_penalty() -> None:
    """Ignore SCOPES_PENALTY from now on (a program that must never run unenforced)."""
    _load().scopes_refuse_env_penalty()


# ----------------------------------------------------------- promise strings

def explain(promises: str) -> Optional[str]:
    """Why pledge() would refuse this string ('"rpth" is not a promise; did you
    mean "rpath"?'), or None when it parses."""
    lib = _load()
    buf = ctypes.create_string_buffer(512)
    if lib.scopes_promises_explain(_b(promises), buf, len(buf)) == 0:
        return None
    return _s(buf.value)


def closest(word: str) -> Optional[str]:
    """The promise `word` is plausibly a misspelling of, or None."""
    b = _b(word)
    return _s(_load().scopes_promise_closest(b, len(b)))


def _set_names(bits: int) -> FrozenSet[str]:
    lib = _load()
    return frozenset(_s(lib.scopes_promise_name(i)) for i in range(lib.scopes_promise_count())
                     if bits & (1 << i))


def _set_bits(promises: Union[str, Iterable[str]]) -> int:
    lib = _load()
    s = _u64()
    ctypes.set_errno(0)
    p = _promise_string(promises)
    if lib.scopes_promises_parse(_b(p), ctypes.byref(s)) != 0:
        _raise("parse", explain(p) if p is not None else None)
    return s.value


def parse(promises: Union[str, Iterable[str]]) -> FrozenSet[str]:
    """The set a promise string names, scopes_promises_parse(); OSError EINVAL if bad."""
    return _set_names(_set_bits(promises))


def format_set(promises: Union[str, Iterable[str]]) -> str:
    """The canonical spelling of a set: table order, one space ("stdio rpath")."""
    lib = _load()
    bits = _set_bits(promises)
    n = lib.scopes_promises_format(bits, None, 0)
    buf = ctypes.create_string_buffer(n + 1)
    lib.scopes_promises_format(bits, buf, len(buf))
    return _s(buf.value)


class Promise(NamedTuple):
    name: str
    summary: str
    pathscoped: bool          # grants only under `paths` (Landlock)
    compat: bool              # parses for OpenBSD source compatibility, grants nothing
    modifier: bool            # changes behaviour rather than granting calls (error)
    paths: Tuple[str, ...]
    capabilities: Tuple[str, ...]  # what a pledge keeps for it ("CAP_DAC_OVERRIDE", ...)


def promises() -> List[Promise]:
    """Every promise, in the table's (the specification's) order."""
    lib = _load()
    out = []
    for i in range(lib.scopes_promise_count()):
        flags = lib.scopes_promise_flags(i)
        paths = []
        pp = lib.scopes_promise_paths(i)
        k = 0
        while pp and pp[k] is not None:
            paths.append(_s(pp[k]))
            k += 1
        caps = lib.scopes_promise_caps(i)
        capnames = tuple(_s(lib.scopes_capability_name(c)) or f"CAP_{c}"
                         for c in range(64) if caps & (1 << c))
        out.append(Promise(_s(lib.scopes_promise_name(i)), _s(lib.scopes_promise_summary(i)),
                           bool(flags & PROMISE_PATHSCOPED), bool(flags & PROMISE_COMPAT),
                           bool(flags & PROMISE_MODIFIER), tuple(paths), capnames))
    return out


def held() -> Optional[FrozenSet[str]]:
    """The promises this process holds, or None before its first pledge."""
    bits = _load().scopes_promises_held()
    return None if bits == _SET_ALL else _set_names(bits)


def execpromises_held() -> Optional[FrozenSet[str]]:
    """The execpromises in force, or None when none were set."""
    bits = _load().scopes_execpromises_held()
    return None if bits == _SET_ALL else _set_names(bits)


def pathscoped_enforced() -> Tuple[bool, Optional[str]]:
    """(True, None) when Landlock enforces the path-scoped promises here, else
    (False, the reason they grant nothing)."""
    why = _char_p()
    ok = _load().scopes_pathscoped_enforced(ctypes.byref(why))
    return bool(ok), _s(why.value)


# ------------------------------------------------------------------- syscalls

def _arch(arch) -> int:
    if arch is None:
        return _load().scopes_native_arch()
    if isinstance(arch, str):
        try:
            return _ARCH_WORDS[arch]
        except KeyError:
            raise OSError(_errno.EINVAL, f"{os.strerror(_errno.EINVAL)}: no arch {arch!r} "
                          f"(one of {', '.join(_ARCH_WORDS)})") from None
    return int(arch)


def native_arch() -> str:
    a = _load().scopes_native_arch()
    return next((w for w, v in _ARCH_WORDS.items() if v == a), hex(a))


def syscall_name(nr: int, arch=None) -> Optional[str]:
    return _s(_load().scopes_syscall_name(_arch(arch), nr))


def syscall_number(name: str, arch=None) -> int:
    """The number of a system call; OSError EINVAL when the arch has none of that name."""
    n = _load().scopes_syscall_number(_arch(arch), _b(name))
    if n < 0:
        raise OSError(_errno.EINVAL, f"{os.strerror(_errno.EINVAL)}: no system call {name!r}")
    return n


def _nr(syscall: Union[str, int], arch: int) -> int:
    return syscall if isinstance(syscall, int) else syscall_number(syscall, arch)


def _args(args) -> Optional[_Args6]:
    if args is None:
        return None
    vals = [int(a) & _SET_ALL for a in args]
    if len(vals) > 6:
        raise OSError(_errno.EINVAL, f"{os.strerror(_errno.EINVAL)}: more than six arguments")
    return _Args6(*(vals + [0] * (6 - len(vals))))


class Alternative(NamedTuple):
    promises: FrozenSet[str]
    pathscoped: bool       # only under the promise's paths (Landlock)
    incidental: bool       # a side grant (exec's loader reads)
    args_unknown: bool     # args not given; grants only some argument values
    note: Optional[str]


class Verdict(NamedTuple):
    cls: str                        # always | promise | enosys | never | foreign_abi | unknown
    syscall: Optional[str]
    reason: Optional[str]
    alternatives: Tuple[Alternative, ...]  # best first

    @property
    def promise(self) -> Optional[str]:
        """The best set that allows the call ("rpath"), or None."""
        if not self.alternatives:
            return None
        return " ".join(sorted(self.alternatives[0].promises))


def query(syscall: Union[str, int], args: Optional[Iterable[int]] = None, arch=None) -> Verdict:
    """Which promise sets would allow this call, scopes_query(): the reverse
    question the reporter and scopes-trace ask. args None: every set that
    grants the call for some arguments."""
    lib = _load()
    a = _arch(arch)
    v = _Verdict()
    a6 = _args(args)
    ctypes.set_errno(0)
    if lib.scopes_query(a, _nr(syscall, a), None if a6 is None else ctypes.byref(a6),
                        ctypes.byref(v)) != 0:
        _raise("query")
    alts = tuple(Alternative(_set_names(x.set), bool(x.flags & ALT_PATHSCOPED),
                             bool(x.flags & ALT_INCIDENTAL), bool(x.flags & ALT_ARGS_UNKNOWN),
                             _s(x.note)) for x in v.alt[:v.n])
    return Verdict(CLASSES[v.cls] if 0 <= v.cls < len(CLASSES) else str(v.cls), _s(v.name),
                   _s(v.reason), alts)


def set_allows(promises: Union[str, Iterable[str]], syscall: Union[str, int],
               args: Optional[Iterable[int]] = None, *, arch=None,
               landlock: Optional[bool] = None) -> Tuple[bool, int]:
    """Would a pledge of `promises` allow this call? (allowed, errno): errno is
    what the call fails with instead of the penalty (a FAIL row's, ENOSYS), or
    0 when the penalty applies. landlock None: as this kernel enforces."""
    lib = _load()
    a = _arch(arch)
    if landlock is None:
        landlock = pathscoped_enforced()[0]
    err = ctypes.c_int(0)
    a6 = _args(args)
    ok = lib.scopes_set_allows(_set_bits(promises), a, _nr(syscall, a),
                               None if a6 is None else ctypes.byref(a6), int(bool(landlock)),
                               ctypes.byref(err))
    return bool(ok), err.value


class Row(NamedTuple):
    kind: str                       # always | grant | enosys | never | fail
    syscall: str
    any: FrozenSet[str]
    all: FrozenSet[str]
    unless: FrozenSet[str]
    errnum: int
    pathscoped: bool
    incidental: bool
    conditions: Tuple[Tuple[int, int, int], ...]  # (arg, mask, value): (arg & mask) == value
    note: Optional[str]


def _row(r) -> Row:
    return Row(ROW_KINDS[r.kind] if 0 <= r.kind < len(ROW_KINDS) else str(r.kind),
               _s(r.syscall), _set_names(r.any), _set_names(r.all), _set_names(r.unless),
               r.errnum, bool(r.flags & ALT_PATHSCOPED), bool(r.flags & ALT_INCIDENTAL),
               tuple((c.arg, c.mask, c.value) for c in r.cond[:r.ncond]), _s(r.note))


def rows() -> List[Row]:
    """The promise table's rows, as the filter builder reads them."""
    lib = _load()
    return [_row(lib.scopes_row_get(i).contents) for i in range(lib.scopes_row_count())]


def fail_row(syscall: Union[str, int], args: Optional[Iterable[int]] = None,
             arch=None) -> Optional[Row]:
    """The FAIL row this call meets (answered with row.errnum, not the penalty), or None."""
    lib = _load()
    a = _arch(arch)
    a6 = _args(args)
    p = lib.scopes_fail_row(a, _nr(syscall, a), None if a6 is None else ctypes.byref(a6))
    return _row(p.contents) if p else None


def path_beneath(path: str, root: str) -> bool:
    return bool(_load().scopes_path_beneath(_b(path), _b(root)))


def promise_covers_path(promise: str, path: str) -> bool:
    """Does the path-scoped `promise` grant its operations on `path`?"""
    lib = _load()
    b = _b(promise)
    return bool(lib.scopes_promise_covers_path(lib.scopes_promise_index(b, len(b)), _b(path)))


def landlock_checks_path(syscall: Union[str, int], arch=None) -> bool:
    """Does Landlock decide this call by the path it names (open: yes; stat: no)?"""
    a = _arch(arch)
    return bool(_load().scopes_landlock_checks_path(a, _nr(syscall, a)))


# ------------------------------------------------------ compile once, apply

class Filter:
    """A compiled filter (scopes_compile(3)): build once, apply() in each
    forked worker. Frees itself; close() frees it now."""

    def __init__(self, promises: Union[str, Iterable[str]], penalty: Union[str, int] = "kill"):
        lib = _load()
        p = _promise_string(promises)
        ctypes.set_errno(0)
        h = lib.scopes_compile(_b(p), _penalty(penalty))
        if not h:
            err = ctypes.get_errno()
            detail = explain(p) if err == _errno.EINVAL else None
            ctypes.set_errno(err)
            _raise("compile", detail)
        self._h = h
        self._lib = lib

    def apply(self) -> None:
        """Install it on every thread, as pledge() would; OSError as scopes_apply(3)."""
        ctypes.set_errno(0)
        if self._lib.scopes_apply(self._handle()) != 0:
            _raise("apply")

    def _handle(self):
        if not self._h:
            raise OSError(_errno.EINVAL, f"{os.strerror(_errno.EINVAL)}: the filter is closed")
        return self._h

    @property
    def promises(self) -> FrozenSet[str]:
        return _set_names(self._lib.scopes_filter_promises(self._handle()))

    @property
    def landlock(self) -> bool:
        """Whether the path-scoped grants are compiled in."""
        return bool(self._lib.scopes_filter_landlock(self._handle()))

    @property
    def instructions(self) -> int:
        """Length of the BPF program."""
        p, n = ctypes.c_void_p(), ctypes.c_size_t()
        if self._lib.scopes_filter_program(self._handle(), ctypes.byref(p), ctypes.byref(n)):
            _raise("filter_program")
        return n.value

    def close(self) -> None:
        if self._h:
            self._lib.scopes_filter_free(self._h)
            self._h = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def compile(promises: Union[str, Iterable[str]], penalty: Union[str, int] = "kill") -> Filter:  # noqa: A001
    """scopes_compile(3): a Filter to apply later."""
    return Filter(promises, penalty)


# ------------------------------------------------------------- the reporter

REPORT_CORE, REPORT_EXIT, REPORT_CONTINUE = 0x0, 0x1, 0x2
REPORT_NO_STRINGS, REPORT_NO_BACKTRACE = 0x8, 0x10


def install_reporter(action: str = "core", *, exit_status: int = 0, report_fd: int = 2,
                     json_fd: int = -1, strings: bool = True, backtrace: bool = True) -> None:
    """Install the SIGSYS reporter (libscopes-sigsys, scopes_sigsys_install(3))
    before the first pledge: violations then print which call, which promise
    would have allowed it, and the backtrace, on report_fd (and one JSON line
    on json_fd), and the penalty becomes "trap". action: "core" (die by
    SIGSYS), "exit" (exit with exit_status, 0 meaning 159), "continue" (the
    call fails with EPERM). Raises OSError (ENOENT when libscopes-sigsys is
    not installed, EINVAL, EBADF, ...)."""
    global _sigsys
    _load()
    if _sigsys is None:
        path = _find.library("libscopes-sigsys.so.0", "SCOPES_SIGSYS_LIB",
                             "sigsys-handler/libscopes-sigsys.so.0")
        try:
            lib = ctypes.CDLL(path, use_errno=True)
        except OSError as e:
            raise OSError(_errno.ENOENT, f"install_reporter: libscopes-sigsys could not be "
                          f"loaded ({path}): {e}") from e
        lib.scopes_sigsys_install_options.restype = ctypes.c_int
        lib.scopes_sigsys_install_options.argtypes = [ctypes.POINTER(_SigsysOptions)]
        _sigsys = lib
    actions = {"core": REPORT_CORE, "exit": REPORT_EXIT, "continue": REPORT_CONTINUE}
    if action not in actions:
        raise OSError(_errno.EINVAL, f"install_reporter: {os.strerror(_errno.EINVAL)}: action "
                      f"{action!r} is not one of {', '.join(actions)}")
    flags = actions[action] | ((exit_status & 0xff) << 24)
    if not strings:
        flags |= REPORT_NO_STRINGS
    if not backtrace:
        flags |= REPORT_NO_BACKTRACE
    opts = _SigsysOptions(flags, report_fd, json_fd)
    ctypes.set_errno(0)
    if _sigsys.scopes_sigsys_install_options(ctypes.byref(opts)) != 0:
        _raise("install_reporter")


def __getattr__(name):
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'scopes' has no attribute {name!r}")
