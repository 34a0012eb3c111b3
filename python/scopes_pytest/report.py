"""The sigsys reporter's output, parsed: one Violation per JSON line
(schema version 1 of <scopes/sigsys.h>), or from the text report's first
lines when no JSON came."""
import dataclasses
import json
import re
from typing import List, Optional


@dataclasses.dataclass(frozen=True)
class Frame:
    index: int
    ip: int
    module: Optional[str]
    offset: Optional[int]
    symbol: Optional[str]
    symbol_offset: Optional[int]

    def __str__(self):
        where = self.symbol or "??"
        if self.symbol and self.symbol_offset is not None:
            where += f"+{self.symbol_offset:#x}"
        mod = f"{self.module}+{self.offset:#x}" if self.module and self.offset is not None \
            else (self.module or "??")
        return f"#{self.index} {self.ip:#x} in {where} ({mod})"


@dataclasses.dataclass(frozen=True)
class Violation:
    """One pledge violation, as the sigsys reporter saw it."""
    syscall: Optional[str]        # "openat" (None when the table names none)
    nr: Optional[int]
    arch: Optional[str]
    args: tuple                   # the six raw arguments, as ints
    call: str                     # decoded: openat(AT_FDCWD, "in.png", O_RDONLY)
    cls: str                      # promise | never | enosys | foreign_abi | always | unknown
    needs: tuple                  # alternatives, best first: tuple of frozensets of promise names
    needs_paths: tuple            # per alternative: the paths a path-scoped one is limited to
    reason: Optional[str]
    held: Optional[frozenset]     # the promises held when it happened
    action: Optional[str]         # core | exit | continue
    message: str                  # line 1 of the text report
    frames: tuple = ()

    @property
    def promise(self) -> Optional[str]:
        """The best promise set that would have allowed the call ("rpath"), or None."""
        return " ".join(sorted(self.needs[0])) if self.needs else None

    @property
    def promises_needed(self) -> List[str]:
        return [" ".join(sorted(a)) for a in self.needs]

    def allowed_by(self, promises: str) -> bool:
        """Would holding `promises` (besides what was held) have allowed the call?"""
        have = set(promises.split()) | set(self.held or ())
        return any(a <= have for a in self.needs)

    def __str__(self):
        lines = [self.message]
        if self.held is not None:
            lines.append(f'promises held: "{" ".join(sorted(self.held))}"')
        lines += [str(f) for f in self.frames[:12]]
        if len(self.frames) > 12:
            lines.append(f"... {len(self.frames) - 12} more frames")
        return "\n".join(lines)


def _int(v):
    if v is None:
        return None
    return int(v, 0) if isinstance(v, str) else int(v)


def from_json(obj: dict) -> Violation:
    if obj.get("type") != "scopes-violation":
        raise ValueError(f"not a scopes-violation record: {obj!r:.200}")
    needs = tuple(frozenset(n.get("promises", ())) for n in obj.get("needs") or ())
    paths = tuple(tuple(n.get("paths") or ()) for n in obj.get("needs") or ())
    frames = tuple(Frame(int(f.get("index", i)), _int(f.get("ip")) or 0, f.get("module"),
                         _int(f.get("offset")), f.get("symbol"), _int(f.get("symbol_offset")))
                   for i, f in enumerate(obj.get("frames") or ()))
    held = obj.get("held")
    return Violation(
        syscall=obj.get("syscall"), nr=obj.get("nr"), arch=obj.get("arch"),
        args=tuple(_int(a) for a in obj.get("args") or ()), call=obj.get("call", ""),
        cls=obj.get("class", ""), needs=needs, needs_paths=paths, reason=obj.get("reason"),
        held=None if held is None else frozenset(held), action=obj.get("action"),
        message=obj.get("message", ""), frames=frames)


def parse_json_lines(text: str) -> List[Violation]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if obj.get("type") == "scopes-violation":
            out.append(from_json(obj))
    return out


_LINE1 = re.compile(r"^scopes: violation: (?P<call>.*?) (?P<rest>needs promise .*|is never allowed"
                    r" under pledge: .*|is answered ENOSYS under pledge: .*|uses a foreign ABI:"
                    r" .*|is allowed by every pledge: .*)$")
_NEEDS = re.compile(r'"([^"]*)"')
_FRAME = re.compile(r"^\s*#(\d+) (0x[0-9a-f]+) in (\S+?)(?:\+(0x[0-9a-f]+))? \(([^)]*)\)")


def parse_text(text: str) -> List[Violation]:
    """The text report (when the program could not write JSON): line 1, held, frames."""
    out = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _LINE1.match(line.strip())
        if not m:
            continue
        call, rest = m.group("call"), m.group("rest")
        name = call.split("(", 1)[0] if "(" in call else None
        cls = ("promise" if rest.startswith("needs") else "never" if "never" in rest else
               "enosys" if "ENOSYS" in rest else "foreign_abi" if "foreign" in rest else "always")
        needs = tuple(frozenset(s.split()) for s in _NEEDS.findall(rest)) \
            if cls == "promise" else ()
        held, frames = None, []
        for nxt in lines[i + 1:]:
            s = nxt.strip()
            if s.startswith("scopes: promises held:"):
                q = _NEEDS.findall(s)
                held = frozenset(q[0].split()) if q else frozenset()
            elif _FRAME.match(s):
                f = _FRAME.match(s)
                mod, off = f.group(5), None
                if "+0x" in mod:
                    mod, o = mod.rsplit("+", 1)
                    off = int(o, 16)
                sym = None if f.group(3) == "??" else f.group(3)
                frames.append(Frame(int(f.group(1)), int(f.group(2), 16),
                                    None if mod == "??" else mod, off, sym,
                                    int(f.group(4), 16) if f.group(4) else None))
            elif s.startswith("scopes: violation:"):
                break
        reason = rest.split(": ", 1)[1] if ": " in rest and cls != "promise" else None
        out.append(Violation(syscall=name, nr=None, arch=None, args=(), call=call, cls=cls,
                             needs=needs, needs_paths=tuple(() for _ in needs), reason=reason,
                             held=held, action=None, message=line.strip(), frames=tuple(frames)))
    return out
