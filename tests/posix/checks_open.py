"""open(2)/creat(2)/mkdir(2) flags, creation modes and the umask (POSIX XSH open, mkdir, umask)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.posix.framework import ALICE, Check
from tests.posix.helpers import mkdir, mkfile, mode, open_ok, read

O = os  # noqa: E741 - the flags read like the man page: O.O_CREAT


def _create_with(umask: int, bits: int, directory: bool) -> Check:
    def run(d: Path) -> str:
        os.umask(umask)
        target = d / "x"
        if directory:
            os.mkdir(target, bits)
        else:
            os.close(os.open(target, os.O_CREAT | os.O_WRONLY, bits))
        return mode(target)

    what = "mkdir" if directory else "open"
    return Check(
        f"{what}-mode-{bits:o}-umask-{umask:03o}",
        f"{what}(2): the new mode is mode & ~umask",
        run,
        expect=oct(bits & ~umask & 0o7777),
    )


CREATE_MODES = [
    _create_with(u, b, directory)
    for directory in (False, True)
    for u in (0o000, 0o022, 0o027, 0o077)
    for b in (0o777, 0o666, 0o640, 0o700, 0o1777 if directory else 0o600)
]


def _existing(d: Path) -> Path:
    return mkfile(d / "f", b"hello", 0o644)


FLAG_CHECKS = [
    Check("open-excl-existing", "O_CREAT|O_EXCL fails on an existing file",
          lambda d: open_ok(_existing(d), O.O_CREAT | O.O_EXCL | O.O_WRONLY), "EEXIST"),
    Check("open-excl-new", "O_CREAT|O_EXCL creates a new file",
          lambda d: open_ok(d / "new", O.O_CREAT | O.O_EXCL | O.O_WRONLY), "ok"),
    Check("open-excl-symlink", "O_CREAT|O_EXCL fails on a symlink, even a dangling one",
          lambda d: (os.symlink("nowhere", d / "l"), open_ok(d / "l", O.O_CREAT | O.O_EXCL | O.O_WRONLY))[1],
          "EEXIST"),
    Check("open-creat-through-dangling", "O_CREAT through a dangling symlink creates the target",
          lambda d: (os.symlink("made", d / "l"), open_ok(d / "l", O.O_CREAT | O.O_WRONLY),
                     os.path.exists(d / "made"))[2], True),
    Check("open-missing", "open without O_CREAT of a missing file: ENOENT",
          lambda d: open_ok(d / "nope", O.O_RDONLY), "ENOENT"),
    Check("open-missing-dir", "O_CREAT in a missing directory: ENOENT",
          lambda d: open_ok(d / "nodir" / "f", O.O_CREAT | O.O_WRONLY), "ENOENT"),
    Check("open-through-file", "a path through a regular file: ENOTDIR",
          lambda d: open_ok(_existing(d) / "x", O.O_RDONLY), "ENOTDIR"),
    Check("open-dir-rdonly", "a directory opens O_RDONLY",
          lambda d: open_ok(d, O.O_RDONLY), "ok"),
    Check("open-dir-wronly", "a directory cannot be opened for writing: EISDIR",
          lambda d: open_ok(d, O.O_WRONLY), "EISDIR"),
    Check("open-dir-rdwr", "a directory cannot be opened for writing: EISDIR",
          lambda d: open_ok(d, O.O_RDWR), "EISDIR"),
    Check("open-dir-creat", "O_CREAT on an existing directory: EISDIR",
          lambda d: open_ok(d, O.O_CREAT | O.O_WRONLY), "EISDIR"),
    Check("open-directory-flag-file", "O_DIRECTORY on a file: ENOTDIR",
          lambda d: open_ok(_existing(d), O.O_RDONLY | O.O_DIRECTORY), "ENOTDIR"),
    Check("open-directory-flag-dir", "O_DIRECTORY on a directory",
          lambda d: open_ok(d, O.O_RDONLY | O.O_DIRECTORY), "ok"),
    Check("open-nofollow-symlink", "O_NOFOLLOW on a symlink: ELOOP",
          lambda d: (os.symlink("f", d / "l"), _existing(d), open_ok(d / "l", O.O_RDONLY | O.O_NOFOLLOW))[2],
          "ELOOP"),
    Check("open-nofollow-file", "O_NOFOLLOW on a regular file opens it",
          lambda d: open_ok(_existing(d), O.O_RDONLY | O.O_NOFOLLOW), "ok"),
    Check("open-trunc", "O_TRUNC empties a regular file",
          lambda d: (open_ok(_existing(d), O.O_WRONLY | O.O_TRUNC), os.stat(d / "f").st_size)[1], 0),
    Check("open-trunc-rdonly-keeps", "O_RDONLY|O_TRUNC: unspecified; compare",
          lambda d: (open_ok(_existing(d), O.O_RDONLY | O.O_TRUNC), os.stat(d / "f").st_size)[1]),
    Check("open-excl-no-creat", "O_EXCL without O_CREAT on an existing file: unspecified",
          lambda d: open_ok(_existing(d), O.O_RDONLY | O.O_EXCL)),
    Check("open-creat-existing-keeps", "O_CREAT without O_EXCL opens an existing file unchanged",
          lambda d: (open_ok(_existing(d), O.O_CREAT | O.O_WRONLY), read(d / "f"))[1], b"hello"),
    Check("open-creat-existing-mode", "O_CREAT of an existing file leaves its mode",
          lambda d: (open_ok(_existing(d), O.O_CREAT | O.O_WRONLY, 0o600), mode(d / "f"))[1], "0o644"),
    Check("open-empty-path", "an empty path: ENOENT",
          lambda d: open_ok("", O.O_RDONLY), "ENOENT"),  # type: ignore[arg-type]
    Check("open-creat-owner", "a new file is owned by the caller's uid and gid",
          lambda d: (open_ok(d / "n", O.O_CREAT | O.O_WRONLY), os.stat(d / "n").st_uid,
                     os.stat(d / "n").st_gid)[1:], (1001, 1001), user=ALICE),
    Check("mkdir-existing", "mkdir of an existing name: EEXIST",
          lambda d: os.mkdir(_existing(d)), "EEXIST"),
    Check("mkdir-missing-parent", "mkdir under a missing directory: ENOENT",
          lambda d: os.mkdir(d / "a" / "b"), "ENOENT"),
    Check("mkdir-under-file", "mkdir under a regular file: ENOTDIR",
          lambda d: os.mkdir(_existing(d) / "b"), "ENOTDIR"),
    Check("mkdir-owner", "a new directory is owned by the caller",
          lambda d: (os.mkdir(d / "n"), os.stat(d / "n").st_uid)[1], 1001, user=ALICE),
    Check("mkdir-over-symlink", "mkdir where a symlink is: EEXIST",
          lambda d: (os.symlink("x", d / "l"), os.mkdir(d / "l"))[1], "EEXIST"),
]  # fmt: skip


def _rw(flags: int, op: str) -> object:
    def run(d: Path) -> object:
        mkfile(d / "f", b"abc", 0o666)
        fd = os.open(d / "f", flags)
        try:
            return os.read(fd, 3) if op == "read" else os.write(fd, b"xy")
        finally:
            os.close(fd)

    return run


ACCESS_MODE_CHECKS = [
    Check("fd-read-on-wronly", "read on a descriptor not open for reading: EBADF",
          _rw(O.O_WRONLY, "read"), "EBADF"),
    Check("fd-write-on-rdonly", "write on a descriptor not open for writing: EBADF",
          _rw(O.O_RDONLY, "write"), "EBADF"),
    Check("fd-read-on-rdwr", "read on O_RDWR", _rw(O.O_RDWR, "read"), b"abc"),
    Check("fd-write-on-rdwr", "write on O_RDWR returns the count", _rw(O.O_RDWR, "write"), 2),
    Check("fd-write-on-wronly", "write on O_WRONLY returns the count", _rw(O.O_WRONLY, "write"), 2),
    Check("fd-read-on-rdonly", "read on O_RDONLY", _rw(O.O_RDONLY, "read"), b"abc"),
]  # fmt: skip

CHECKS = CREATE_MODES + FLAG_CHECKS + ACCESS_MODE_CHECKS
__all__ = ["CHECKS", "mkdir"]
