"""Where seccomp-scopes' libraries and tools are, without being told.

In order: an environment variable naming the file (SCOPES_LIB, SCOPES_RUN,
...), a build tree named by SCOPES_BUILD_DIR, the install this package
belongs to (`cmake --install` writes _install.py next to this file: the
library and program directories relative to it, so DESTDIR, another
--prefix and a moved tree keep working), then what the system has (the
loader's search path, PATH). The first two are for the project's own tests
and for trying a build; an installed package needs neither.
"""
import os
import pathlib
import shutil
from typing import Optional

_HERE = pathlib.Path(__file__).resolve().parent


class NotFound(RuntimeError):
    """A library or tool of seccomp-scopes is neither built nor installed."""


def _installed_dir(key: str) -> Optional[pathlib.Path]:
    try:
        from . import _install  # written by cmake --install
    except ImportError:
        return None
    rel = getattr(_install, key, None)
    if not rel:
        return None
    return (_HERE / rel).resolve()


def build_dir() -> Optional[pathlib.Path]:
    d = os.environ.get("SCOPES_BUILD_DIR")
    return pathlib.Path(d) if d else None


def _explicit(env_var: str) -> Optional[str]:
    return os.environ.get(env_var) or None


def _located(name: str, env_var: str, build_rel: str, installed: str):
    """name as the environment, a build tree or this package's install names
    it (installed: "LIBDIR" or "BINDIR"), or None."""
    found = _explicit(env_var)
    if found:
        return found
    b = build_dir()
    if b is not None and (b / build_rel).exists():
        return str(b / build_rel)
    d = _installed_dir(installed)
    if d is not None and (d / name).exists():
        return str(d / name)
    return None


def library(soname: str, env_var: str, build_rel: str) -> str:
    """A path (or a bare SONAME for the loader to search) of a shared library."""
    # else the loader's own search: ld.so.cache, LD_LIBRARY_PATH
    return _located(soname, env_var, build_rel, "LIBDIR") or soname


def tool(name: str, env_var: str, build_rel: str) -> str:
    """The path of a program of seccomp-scopes, or NotFound saying where it looked."""
    found = _located(name, env_var, build_rel, "BINDIR")
    if found:
        return found
    found = shutil.which(name)
    if found:
        return found
    raise NotFound(f"{name} not found: not installed next to this Python package, not on "
                   f"PATH; set {env_var}, or SCOPES_BUILD_DIR to a build with {build_rel}")
