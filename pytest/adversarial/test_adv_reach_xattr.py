"""Reach through extended attributes: fattr making a file-capability binary.

The method (issue 13, an outside review): for every grant, ask what Linux
lets that call reach. `fattr` granted the setxattr family along with chmod
and utimes; for root (CAP_SETFCAP) setxattr(file, "security.capability")
with a vfs_cap_data granting cap_setuid=ep turns any file into a program
that makes whoever runs it root, and security.* labels feed LSMs. A filter
cannot read the attribute's name. docs/promises.md (the promises, fattr): `fattr` does not
include extended attributes (OpenBSD's has none): under fattr every xattr
write or removal is answered EOPNOTSUPP (as a file system without them),
without fattr it is the penalty. Unveiling the file changes nothing. The
driver side checks the attribute with os.getxattr afterwards.
"""
import errno
import os

import pytest

import scopes_probes

from .adversary import assert_err, assert_killed, assert_ok, attack

CAP_NAME, USER_NAME = "security.capability", "user.test"
# struct vfs_cap_data, revision 2, effective, permitted = cap_setuid (as reach.c writes it)
CAP_SETUID_V2 = (0x02000001).to_bytes(4, "little") + (1 << 7).to_bytes(4, "little") + bytes(12)


def make_target(wdir, user):
    path = os.path.join(wdir, "prog")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n")
    os.chmod(path, 0o755)
    if user == "nobody":
        os.chown(path, 65534, 65534)
    return path


@pytest.fixture
def target(wdir, user):
    """A file of the attacker's user (nobody: owned by 65534), mode 0755, no attributes."""
    return make_target(wdir, user)


@pytest.fixture
def root_target(wdir):
    """The same, for the root-only attempts."""
    return make_target(wdir, "root")


def takes_user_xattrs(d):
    """Control: can a file under d carry a user.* attribute? tmpfs (the kernel
    matrix guest's /tmp) takes them from Linux 6.6 only: EOPNOTSUPP before."""
    probe = os.path.join(d, ".user-xattr-control")
    with open(probe, "w"):
        pass
    try:
        os.setxattr(probe, "user.control", b"1")
        return True
    except OSError as e:
        if e.errno != errno.EOPNOTSUPP:
            raise
        return False
    finally:
        os.unlink(probe)


def need_user_xattrs(d):
    """Skip, saying why, where the file system cannot hold user.test: there
    a refused write and a missing attribute would prove nothing."""
    if not takes_user_xattrs(d):
        pytest.skip(f"{d}: this file system takes no user.* attributes (EOPNOTSUPP unpledged; "
                    "tmpfs does from Linux 6.6)")


def xattr_of(path, name):
    try:
        return os.getxattr(path, name, follow_symlinks=False)
    except OSError as e:
        assert e.errno == errno.ENODATA, e
        return None


SETS = {"set": "setxattr", "lset": "lsetxattr", "fset": "fsetxattr"}
REMOVES = {"remove": "removexattr", "lremove": "lremovexattr", "fremove": "fremovexattr"}
NAMES = {"cap": (CAP_NAME, "cap"), "user": (USER_NAME, "text")}


@pytest.mark.parametrize("name", sorted(NAMES))
@pytest.mark.parametrize("how", sorted(SETS))
def test_fattr_sets_no_xattr(how, name, target, user):
    """Gain: under "stdio fattr", write security.capability (cap_setuid=ep: a setuid-root program)
    or user.test with SETS[how]; expected: EOPNOTSUPP, the file has no such attribute."""
    xname, value = NAMES[name]
    if name == "user":
        need_user_xattrs(os.path.dirname(target))
    rep = attack("xattr", how, target, xname, value, promises="stdio fattr", user=user)
    assert_err(rep, "EOPNOTSUPP")
    assert xattr_of(target, xname) is None, rep.describe()


@pytest.mark.parametrize("how", sorted(REMOVES))
def test_fattr_removes_no_xattr(how, target, user):
    """Gain: under "stdio fattr", remove user.test with REMOVES[how]; expected: EOPNOTSUPP, still there."""
    need_user_xattrs(os.path.dirname(target))
    os.setxattr(target, USER_NAME, b"keep")
    rep = attack("xattr", how, target, USER_NAME, promises="stdio fattr", user=user)
    assert_err(rep, "EOPNOTSUPP")
    assert xattr_of(target, USER_NAME) == b"keep", rep.describe()


def test_fattr_removes_no_file_capability(root_target):
    """Gain: as root under "stdio fattr", remove a file's security.capability; expected: EOPNOTSUPP."""
    os.setxattr(root_target, CAP_NAME, CAP_SETUID_V2)
    rep = attack("xattr", "remove", root_target, CAP_NAME, promises="stdio fattr")
    assert_err(rep, "EOPNOTSUPP")
    assert xattr_of(root_target, CAP_NAME) == CAP_SETUID_V2, rep.describe()


@pytest.mark.parametrize("how", sorted(SETS) + sorted(REMOVES))
def test_xattr_without_fattr_is_the_penalty(how, target, user):
    """Gain: an xattr write without fattr (stdio rpath wpath cpath); expected: SIGSYS."""
    need_user_xattrs(os.path.dirname(target))
    rep = attack("xattr", how, target, USER_NAME, "text", promises="stdio rpath wpath cpath", user=user)
    assert_killed(rep)
    assert xattr_of(target, USER_NAME) is None, rep.describe()


# an unveil needs Landlock (ENOSYS without it)
@scopes_probes.needs("landlock")
@pytest.mark.parametrize("how", sorted(SETS))
def test_fattr_unveiled_file_sets_no_capability(how, root_target):
    """Gain: the same security.capability write on a file unveiled "r"; expected: EOPNOTSUPP, absent."""
    rep = attack("xattr", how, root_target, CAP_NAME, "cap", promises="stdio fattr",
                 unveil=[root_target + "=r"])
    assert_err(rep, "EOPNOTSUPP")
    assert xattr_of(root_target, CAP_NAME) is None, rep.describe()


def test_file_capability_control(root_target):
    """Control: unpledged root writes the cap_setuid=ep attribute (the attempt is real)."""
    assert_ok(attack("xattr", "set", root_target, CAP_NAME, "cap", no_pledge=True), 0)
    assert xattr_of(root_target, CAP_NAME) == CAP_SETUID_V2


def test_user_xattr_control(target, user):
    """Control: unpledged, the user writes user.test (this file system takes user attributes)."""
    need_user_xattrs(os.path.dirname(target))
    assert_ok(attack("xattr", "fset", target, USER_NAME, "text", no_pledge=True, user=user), 0)
    assert xattr_of(target, USER_NAME) == b"x"


# ---- unveil and attribute changes: Landlock has no right for chmod, chown, utimes, xattrs

UNVEIL_PROMISES = "stdio rpath wpath cpath fattr chown unveil"
AT_FDCWD = -100

# id -> the raw call on {path} (zeroed times from @buf: the epoch)
PATH_CHANGES = {
    "chmod": ["@nr:chmod", "@str:{path}", 0o600],
    "fchmodat": ["@nr:fchmodat", AT_FDCWD, "@str:{path}", 0o600, 0],
    "chown": ["@nr:chown", "@str:{path}", 65534, 65534],
    "lchown": ["@nr:lchown", "@str:{path}", 65534, 65534],
    "fchownat": ["@nr:fchownat", AT_FDCWD, "@str:{path}", 65534, 65534, 0],
    "utimensat": ["@nr:utimensat", AT_FDCWD, "@str:{path}", "@buf", 0],
    "utimes": ["@nr:utimes", "@str:{path}", "@buf"],
    "setxattr": ["@nr:setxattr", "@str:{path}", "@str:user.test", "@str:x", 1, 0],
    "removexattr": ["@nr:removexattr", "@str:{path}", "@str:user.test"],
}


@pytest.fixture
def unveil_tree(wdir, user):
    """wdir/inside (unveiled rwc) with a file of the user; wdir/outside for the -C witness."""
    inside, outside = os.path.join(wdir, "inside"), os.path.join(wdir, "outside")
    for d in (inside, outside):
        os.mkdir(d)
        os.chmod(d, 0o777)
    mine = os.path.join(inside, "mine")
    with open(mine, "w") as f:
        f.write("original\n")
    os.chmod(mine, 0o644)
    if user == "nobody":
        os.chown(mine, 65534, 65534)
    return {"inside": inside, "outside": outside, "mine": mine,
            "witness": os.path.join(outside, "witness")}


def unchanged(path, uid):
    st = os.stat(path)
    xattrs = takes_user_xattrs(os.path.dirname(path))
    return (st.st_mode & 0o7777 == 0o644 and st.st_uid == uid and st.st_mtime > 0
            and (not xattrs or xattr_of(path, USER_NAME) is None))


# an unveil needs Landlock (ENOSYS without it)
@scopes_probes.needs("landlock")
@pytest.mark.parametrize("call", sorted(PATH_CHANGES))
def test_unveil_attribute_change_outside(call, unveil_tree, user):
    """Gain: with an unveil of another directory in force, change a file outside it by path
    (PATH_CHANGES[call]); expected: EACCES, the file unchanged (mode, owner, times, xattrs).
    The xattr calls: EOPNOTSUPP, fattr's answer for every xattr write (above), which the
    filter gives before the unveil is consulted."""
    witness = unveil_tree["witness"]
    if call.endswith("xattr"):
        need_user_xattrs(unveil_tree["outside"])
    args = [a.format(path=witness) if isinstance(a, str) else a for a in PATH_CHANGES[call]]
    rep = attack("raw", *args, promises=UNVEIL_PROMISES, unveil=[unveil_tree["inside"] + "=rwc"],
                 create=witness, user=user)
    assert_err(rep, "EOPNOTSUPP" if call.endswith("xattr") else "EACCES")
    assert rep.files[witness].endswith("mode 0644 original"), rep.describe()
    assert unchanged(witness, 0 if user == "root" else 65534), rep.describe()


@pytest.mark.parametrize("call", sorted(PATH_CHANGES))
def test_unveil_attribute_change_outside_control(call, unveil_tree, user):
    """Control: without the unveil, the same pledge changes the outside file - the refusal above
    is the unveil's. (xattrs: EOPNOTSUPP under fattr, see above; ENODATA for a removal where
    they are allowed, the witness has none - anything but EACCES.)"""
    witness = unveil_tree["witness"]
    args = [a.format(path=witness) if isinstance(a, str) else a for a in PATH_CHANGES[call]]
    rep = attack("raw", *args, promises=UNVEIL_PROMISES, create=witness, user=user)
    if call.endswith("xattr"):
        assert rep.kind == "ok" or rep.errname in ("EOPNOTSUPP", "ENODATA"), rep.describe()
    else:
        assert_ok(rep, 0)


# an unveil needs Landlock (ENOSYS without it)
@scopes_probes.needs("landlock")
@pytest.mark.parametrize("call", ["chmod", "fchmodat", "chown", "utimensat", "setxattr"])
def test_unveil_attribute_change_inside_by_path(call, unveil_tree, user):
    """Documented difference: while an unveil is in force, path-based attribute changes are
    refused inside the unveiled tree too; expected: EACCES (setxattr: EOPNOTSUPP, as above)."""
    mine = unveil_tree["mine"]
    if call.endswith("xattr"):
        need_user_xattrs(unveil_tree["inside"])
    args = [a.format(path=mine) if isinstance(a, str) else a for a in PATH_CHANGES[call]]
    rep = attack("raw", *args, promises=UNVEIL_PROMISES, unveil=[unveil_tree["inside"] + "=rwc"],
                 user=user)
    assert_err(rep, "EOPNOTSUPP" if call.endswith("xattr") else "EACCES")
    assert unchanged(mine, 0 if user == "root" else 65534), rep.describe()


# an unveil needs Landlock (ENOSYS without it)
@scopes_probes.needs("landlock")
@pytest.mark.parametrize("call", ["fchmod", "fchown"])
def test_unveil_attribute_change_by_fd(call, unveil_tree, user):
    """Expected behaviour: the fd forms stay with their promises: fchmod/fchown on a descriptor
    opened before the pledge (inside the tree) succeed."""
    mine = unveil_tree["mine"]
    args = ["@nr:fchmod", "@wfd:" + mine, 0o600] if call == "fchmod" else \
        ["@nr:fchown", "@wfd:" + mine, 65534, 65534]
    rep = attack("raw", *args, promises=UNVEIL_PROMISES, unveil=[unveil_tree["inside"] + "=rwc"],
                 user=user)
    assert_ok(rep, 0)
