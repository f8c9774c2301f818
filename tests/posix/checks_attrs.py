"""Attributes: chmod, chown, setuid/setgid clearing, timestamps with nanoseconds,
truncate/ftruncate, and extended attributes (POSIX XSH chmod, chown, utimensat,
truncate, write; Linux xattr(7))."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.posix.framework import ALICE, BOB, CAROL, ROOT, Check
from tests.posix.helpers import mkdir, mkfile, mode, owner, read


def _f(d: Path, bits: int = 0o644, data: bytes = b"data") -> Path:
    return mkfile(d / "f", data, bits)


def _setup(bits: int, data: bytes = b"data"):  # type: ignore[no-untyped-def]
    return lambda d: (_f(d, bits, data), None)[1]


def _write_as(d: Path) -> str:
    fd = os.open(d / "f", os.O_WRONLY)
    os.write(fd, b"x")
    os.close(fd)
    return mode(d / "f")


def _truncate_as(d: Path) -> str:
    os.truncate(d / "f", 1)
    return mode(d / "f")


CHMOD = [
    Check("chmod-owner", "the owner may chmod",
          lambda d: (os.chmod(d / "f", 0o600), mode(d / "f"))[1], "0o600", user=ALICE, setup=_setup(0o644)),
    Check("chmod-non-owner", "a non-owner may not chmod: EPERM",
          lambda d: os.chmod(d / "f", 0o777), "EPERM", user=BOB, setup=_setup(0o666)),
    Check("chmod-root", "root may chmod anything",
          lambda d: (os.chmod(d / "f", 0o1755), mode(d / "f"))[1], "0o1755", setup=_setup(0o644)),
    Check("chmod-setgid-nonmember", "chmod g+s by an owner outside the group drops S_ISGID",
          lambda d: (os.chmod(d / "f", 0o2755), mode(d / "f"))[1], "0o755", user=ALICE,
          setup=lambda d: (_f(d), os.chown(d / "f", 1001, 3000), None)[2]),
    Check("chmod-setgid-member", "chmod g+s by an owner in the group keeps it",
          lambda d: (os.chmod(d / "f", 0o2755), mode(d / "f"))[1], "0o2755", user=ALICE,
          setup=_setup(0o644)),
    Check("chmod-setuid-owner", "the owner may set S_ISUID",
          lambda d: (os.chmod(d / "f", 0o4755), mode(d / "f"))[1], "0o4755", user=ALICE,
          setup=_setup(0o644)),
    Check("chmod-sticky-file", "S_ISVTX on a file by its owner (Linux keeps it)",
          lambda d: (os.chmod(d / "f", 0o1644), mode(d / "f"))[1], user=ALICE, setup=_setup(0o644)),
    Check("chmod-ctime", "chmod updates ctime",
          lambda d: (os.utime(d / "f", ns=(10**9, 10**9)), os.chmod(d / "f", 0o600),
                     os.stat(d / "f").st_ctime_ns > 10**9, os.stat(d / "f").st_mtime_ns)[2:],
          (True, 10**9), setup=_setup(0o644)),
    Check("chmod-symlink-follows", "chmod follows symlinks",
          lambda d: (os.symlink("f", d / "l"), os.chmod(d / "l", 0o600), mode(d / "f"))[2], "0o600",
          setup=_setup(0o644)),
    Check("fchmod", "fchmod on a descriptor",
          lambda d: (_fchmod(d / "f", 0o640), mode(d / "f"))[1], "0o640", user=ALICE, setup=_setup(0o644)),
    Check("chmod-missing", "chmod of a missing file: ENOENT", lambda d: os.chmod(d / "x", 0o644), "ENOENT"),
]  # fmt: skip


def _fchmod(path: Path, bits: int) -> None:
    fd = os.open(path, os.O_RDONLY)
    os.fchmod(fd, bits)
    os.close(fd)


CHOWN = [
    Check("chown-root", "root may give a file away",
          lambda d: (os.chown(d / "f", 1002, 1002), owner(d / "f"))[1], (1002, 1002), setup=_setup(0o644)),
    Check("chown-non-root-uid", "a non-root owner may not change the uid: EPERM",
          lambda d: os.chown(d / "f", 1002, -1), "EPERM", user=ALICE, setup=_setup(0o644)),
    Check("chown-owner-own-group", "the owner may change the group to one of theirs",
          lambda d: (os.chown(d / "f", -1, 1001), owner(d / "f"))[1], (1001, 1001), user=ALICE,
          setup=_setup(0o644)),
    Check("chown-owner-supplementary", "... including a supplementary group",
          lambda d: (os.chown(d / "f", -1, 3000), owner(d / "f"))[1], (1002, 3000), user=BOB,
          setup=lambda d: (_f(d), os.chown(d / "f", 1002, 1002), None)[2]),
    Check("chown-owner-foreign-group", "... but not to a group they are not in: EPERM",
          lambda d: os.chown(d / "f", -1, 1003), "EPERM", user=ALICE, setup=_setup(0o644)),
    Check("chown-non-owner-group", "a non-owner may not chgrp: EPERM",
          lambda d: os.chown(d / "f", -1, 3000), "EPERM", user=BOB, setup=_setup(0o666)),
    Check("chown-same-uid-ok", "chown to the current uid by the owner is allowed",
          lambda d: (os.chown(d / "f", 1001, -1), owner(d / "f"))[1], (1001, 1001), user=ALICE,
          setup=_setup(0o644)),
    Check("chown-clears-setuid", "chown clears S_ISUID (Linux, even for root)",
          lambda d: (os.chown(d / "f", 1002, 1002), mode(d / "f"))[1], "0o755", setup=_setup(0o4755)),
    Check("chown-clears-setgid-gx", "chown clears S_ISGID when group-executable",
          lambda d: (os.chown(d / "f", 1002, 1002), mode(d / "f"))[1], "0o755", setup=_setup(0o2755)),
    Check("chown-keeps-setgid-no-gx", "S_ISGID without group execute (mandatory locking) stays",
          lambda d: (os.chown(d / "f", 1002, 1002), mode(d / "f"))[1], "0o2745", setup=_setup(0o2745)),
    Check("chown-dir-keeps-setgid", "chown of a directory keeps S_ISGID",
          lambda d: (os.chown(d / "s", 1002, 1002), mode(d / "s"))[1], "0o2755",
          setup=lambda d: (mkdir(d / "s", 0o2755), None)[1]),
    Check("lchown-symlink", "lchown changes the symlink itself",
          lambda d: (os.symlink("f", d / "l"), os.lchown(d / "l", 1003, 1003), owner(d / "l"),
                     owner(d / "f"))[2:], ((1003, 1003), (1001, 1001)), setup=_setup(0o644)),
    Check("chown-ctime", "chown updates ctime",
          lambda d: (os.utime(d / "f", ns=(10**9, 10**9)), os.chown(d / "f", 1002, -1),
                     os.stat(d / "f").st_ctime_ns > 10**9)[2], True, setup=_setup(0o644)),
]  # fmt: skip

SUID = [
    Check("write-clears-setuid", "a write by a non-owner clears S_ISUID",
          _write_as, "0o777", user=BOB, setup=lambda d: (_f(d, 0o4777), None)[1]),
    Check("write-clears-setuid-owner", "a write by the (unprivileged) owner clears S_ISUID",
          _write_as, "0o755", user=ALICE, setup=_setup(0o4755)),
    Check("write-clears-setgid-gx", "a write clears S_ISGID when group-executable",
          _write_as, "0o775", user=BOB, setup=_setup(0o2775)),
    Check("write-keeps-setgid-no-gx", "S_ISGID without group execute survives a write",
          _write_as, "0o2765", user=BOB, setup=_setup(0o2765)),
    Check("write-root-keeps-setuid", "root (CAP_FSETID) keeps S_ISUID on write",
          _write_as, "0o4755", user=ROOT, setup=_setup(0o4755)),
    Check("truncate-clears-setuid", "truncate by a non-root writer clears S_ISUID",
          _truncate_as, "0o777", user=BOB, setup=lambda d: (_f(d, 0o4777), None)[1]),
    Check("setgid-dir-inherits-group", "a file created in a setgid directory gets its group",
          lambda d: (mkfile(d / "s" / "n", b"", 0o644, owner=None), owner(d / "s" / "n"))[1],
          (1002, 3000), user=BOB,
          setup=lambda d: (mkdir(d / "s", 0o2777), os.chown(d / "s", 1001, 3000),
                           os.chmod(d / "s", 0o2777), None)[3]),
    Check("setgid-dir-subdir-inherits", "a subdirectory of a setgid directory is setgid",
          lambda d: (os.mkdir(d / "s" / "sub"), mode(d / "s" / "sub"), owner(d / "s" / "sub"))[1:],
          ("0o2755", (1002, 3000)), user=BOB,
          setup=lambda d: (mkdir(d / "s", 0o2777), os.chown(d / "s", 1001, 3000),
                           os.chmod(d / "s", 0o2777), None)[3]),
    Check("plain-dir-no-inherit", "without setgid the caller's group is used",
          lambda d: (os.mkdir(d / "s" / "sub"), owner(d / "s" / "sub"))[1], (1002, 1002), user=BOB,
          setup=lambda d: (mkdir(d / "s", 0o777), None)[1]),
]  # fmt: skip

NS = 10**9


def _utime_ns(d: Path, atime: int, mtime: int) -> tuple[int, int]:
    os.utime(d / "f", ns=(atime, mtime))
    st = os.stat(d / "f")
    return st.st_atime_ns, st.st_mtime_ns


def _later(d: Path, action) -> bool:  # type: ignore[no-untyped-def]
    os.utime(d / "f", ns=(NS, NS))
    action(d)
    st = os.stat(d / "f")
    return st.st_mtime_ns > NS


def _ctime_unchanged_by_read(d: Path) -> bool:
    before = os.stat(d / "f").st_ctime_ns
    read(d / "f")
    return os.stat(d / "f").st_ctime_ns == before


TIMES = [
    Check(f"utimens-{a}-{m}", "utimensat stores nanoseconds exactly",
          lambda d, a=a, m=m: _utime_ns(d, a, m), (a, m), setup=_setup(0o644))
    for a, m in [
        (1, 2), (123456789, 987654321), (1_700_000_000_123_456_789, 1_700_000_000_000_000_001),
        (NS * 2**32, NS * 2**33 + 5), (-NS, -1), (0, 0), (1_600_000_000_999_999_999, 1),
    ]
] + [
    Check("utime-now-writer", "times set to now need only write permission",
          lambda d: (os.utime(d / "f"), "ok")[1], "ok", user=BOB, setup=_setup(0o666)),
    Check("utime-now-no-write", "times set to now without write permission: EACCES",
          lambda d: os.utime(d / "f"), "EACCES", user=BOB, setup=_setup(0o644)),
    Check("utime-explicit-non-owner", "explicit times by a non-owner: EPERM",
          lambda d: os.utime(d / "f", ns=(1, 1)), "EPERM", user=BOB, setup=_setup(0o666)),
    Check("utime-explicit-owner", "explicit times by the owner",
          lambda d: _utime_ns(d, 5, 6), (5, 6), user=ALICE, setup=_setup(0o444)),
    Check("write-updates-mtime", "write marks mtime for update",
          lambda d: _later(d, lambda d: (d / "f").write_bytes(b"zz")), True, setup=_setup(0o644)),
    Check("truncate-updates-mtime", "truncate marks mtime for update",
          lambda d: _later(d, lambda d: os.truncate(d / "f", 1)), True, setup=_setup(0o644)),
    Check("otrunc-updates-mtime", "open with O_TRUNC marks mtime for update",
          lambda d: _later(d, lambda d: os.close(os.open(d / "f", os.O_WRONLY | os.O_TRUNC))), True,
          setup=_setup(0o644)),
    Check("read-keeps-ctime", "read does not change ctime", _ctime_unchanged_by_read, True,
          setup=_setup(0o644)),
    Check("utime-symlink-nofollow", "utimensat AT_SYMLINK_NOFOLLOW sets the link's times",
          lambda d: (os.symlink("f", d / "l"), os.utime(d / "l", ns=(7, 8), follow_symlinks=False),
                     os.lstat(d / "l").st_mtime_ns, os.stat(d / "f").st_mtime_ns != 8)[2:],
          (8, True), setup=_setup(0o644)),
    Check("create-times-equal", "a new file's atime, mtime and ctime are equal",
          lambda d: (os.close(os.open(d / "n", os.O_CREAT | os.O_WRONLY, 0o644)),
                     len({getattr(os.stat(d / "n"), a) for a in ("st_atime_ns", "st_mtime_ns",
                                                                 "st_ctime_ns")}))[1], 1),
    Check("times-recent", "new files get the current time",
          lambda d: (_f(d), abs(os.stat(d / "f").st_mtime - time.time()) < 60)[1], True),
]  # fmt: skip


def _ftruncate(path: Path, size: int, flags: int = os.O_RDWR) -> object:
    fd = os.open(path, flags)
    try:
        os.ftruncate(fd, size)
    finally:
        os.close(fd)
    return os.stat(path).st_size


def _truncated(n: int, offset: int, size: int) -> bytes:
    """Bytes ``offset``..``offset+size`` of "0123456789" truncated or zero-extended to ``n``."""
    end = min(n, offset + size)
    return bytes(b"0123456789"[i] if i < 10 else 0 for i in range(offset, end))


TRUNCATE = [
    Check(f"truncate-to-{n}", "truncate sets the size; new bytes read as zeros (head, tail)",
          lambda d, n=n: (
              os.truncate(d / "f", n),
              os.stat(d / "f").st_size,
              read(d / "f", 12),
              read(d / "f", 12, max(0, n - 12)),
          )[1:],
          (n, _truncated(n, 0, 12), _truncated(n, max(0, n - 12), 12)),
          setup=_setup(0o644, b"0123456789"))
    for n in (0, 1, 9, 10, 11, 4096, 1 << 20, (1 << 20) + 3, 3 << 30)
] + [
    Check("truncate-shrink-grow", "shrinking then growing exposes zeros, not old bytes",
          lambda d: (os.truncate(d / "f", 2), os.truncate(d / "f", 8), read(d / "f"))[2],
          b"01\0\0\0\0\0\0", setup=_setup(0o644, b"0123456789")),
    Check("ftruncate", "ftruncate on a writable descriptor",
          lambda d: _ftruncate(d / "f", 3), 3, setup=_setup(0o644, b"0123456789")),
    Check("ftruncate-rdonly", "ftruncate on a read-only descriptor: EINVAL (Linux) or EBADF",
          lambda d: _ftruncate(d / "f", 3, os.O_RDONLY), setup=_setup(0o644)),
    Check("truncate-dir", "truncate of a directory: EISDIR", lambda d: os.truncate(d, 0), "EISDIR"),
    Check("truncate-missing", "truncate of a missing file: ENOENT",
          lambda d: os.truncate(d / "x", 0), "ENOENT"),
    Check("truncate-no-write", "truncate without write permission: EACCES",
          lambda d: os.truncate(d / "f", 0), "EACCES", user=BOB, setup=_setup(0o644)),
    Check("truncate-negative", "a negative length: EINVAL",
          lambda d: os.truncate(d / "f", -1), "EINVAL", setup=_setup(0o644)),
    Check("truncate-fifo", "truncate of a FIFO: EINVAL (Linux)",
          lambda d: (os.mkfifo(d / "p"), os.truncate(d / "p", 0))[1]),
    Check("truncate-writer", "truncate with write permission by a non-owner",
          lambda d: (os.truncate(d / "f", 1), os.stat(d / "f").st_size)[1], 1, user=CAROL,
          setup=_setup(0o666)),
    Check("truncate-sparse-read", "a sparse tail reads as zeros",
          lambda d: (os.truncate(d / "f", 5 << 20), read(d / "f", 16, 3 << 20))[1], b"\0" * 16,
          setup=_setup(0o644)),
]  # fmt: skip


def _xset(d: Path, name: str, value: bytes, flags: int = 0, follow: bool = True) -> object:
    os.setxattr(d / "f", name, value, flags, follow_symlinks=follow)
    return os.getxattr(d / "f", name, follow_symlinks=follow)


XATTRS = [
    Check("xattr-set-get", "user.* set and get", lambda d: _xset(d, "user.a", b"va"), b"va",
          setup=_setup(0o644)),
    Check("xattr-list", "listxattr names every attribute",
          lambda d: (_xset(d, "user.a", b"1"), _xset(d, "user.b", b"2"),
                     sorted(os.listxattr(d / "f")))[2], ["user.a", "user.b"], setup=_setup(0o644)),
    Check("xattr-remove", "removexattr",
          lambda d: (_xset(d, "user.a", b"1"), os.removexattr(d / "f", "user.a"),
                     os.listxattr(d / "f"))[2], [], setup=_setup(0o644)),
    Check("xattr-missing", "getxattr of a missing name: ENODATA",
          lambda d: os.getxattr(d / "f", "user.nope"), "ENODATA", setup=_setup(0o644)),
    Check("xattr-remove-missing", "removexattr of a missing name: ENODATA",
          lambda d: os.removexattr(d / "f", "user.nope"), "ENODATA", setup=_setup(0o644)),
    Check("xattr-create-exists", "XATTR_CREATE on an existing name: EEXIST",
          lambda d: (_xset(d, "user.a", b"1"), _xset(d, "user.a", b"2", os.XATTR_CREATE))[1], "EEXIST",
          setup=_setup(0o644)),
    Check("xattr-replace-missing", "XATTR_REPLACE on a missing name: ENODATA",
          lambda d: _xset(d, "user.a", b"2", os.XATTR_REPLACE), "ENODATA", setup=_setup(0o644)),
    Check("xattr-replace", "XATTR_REPLACE replaces",
          lambda d: (_xset(d, "user.a", b"1"), _xset(d, "user.a", b"22", os.XATTR_REPLACE))[1], b"22",
          setup=_setup(0o644)),
    Check("xattr-empty-value", "an empty value", lambda d: _xset(d, "user.e", b""), b"",
          setup=_setup(0o644)),
    Check("xattr-binary-value", "binary values round-trip",
          lambda d: _xset(d, "user.b", bytes(range(256)) * 3), bytes(range(256)) * 3, setup=_setup(0o644)),
    Check("xattr-name-max", "a 255-byte name", lambda d: _xset(d, "user." + "n" * 250, b"v"), b"v",
          setup=_setup(0o644)),
    Check("xattr-name-too-long", "a 256-byte name: ERANGE",
          lambda d: _xset(d, "user." + "n" * 251, b"v"), "ERANGE", setup=_setup(0o644)),
    Check("xattr-symlink-user", "user.* on a symlink: EPERM",
          lambda d: (os.symlink("f", d / "l"),
                     os.setxattr(d / "l", "user.a", b"1", follow_symlinks=False))[1], "EPERM",
          setup=_setup(0o644)),
    Check("xattr-no-write-perm", "setting user.* needs write permission: EACCES",
          lambda d: os.setxattr(d / "f", "user.a", b"1"), "EACCES", user=BOB, setup=_setup(0o644)),
    Check("xattr-read-perm", "reading user.* needs read permission: EACCES",
          lambda d: os.getxattr(d / "f", "user.a"), "EACCES", user=CAROL,
          setup=lambda d: (_f(d, 0o600), os.setxattr(d / "f", "user.a", b"1"), None)[2]),
    Check("xattr-trusted-non-root", "trusted.* as non-root: EPERM",
          lambda d: os.setxattr(d / "f", "trusted.a", b"1"), "EPERM", user=ALICE, setup=_setup(0o644)),
    Check("xattr-trusted-root", "trusted.* as root", lambda d: _xset(d, "trusted.a", b"t"), b"t",
          setup=_setup(0o644)),
    Check("xattr-dir", "user.* on a directory",
          lambda d: (os.setxattr(d, "user.d", b"1"), os.getxattr(d, "user.d"))[1], b"1"),
    Check("xattr-ctime", "setxattr updates ctime",
          lambda d: (os.utime(d / "f", ns=(NS, NS)), _xset(d, "user.a", b"1"),
                     os.stat(d / "f").st_ctime_ns > NS)[2], True, setup=_setup(0o644)),
]  # fmt: skip

CHECKS = CHMOD + CHOWN + SUID + TIMES + TRUNCATE + XATTRS
