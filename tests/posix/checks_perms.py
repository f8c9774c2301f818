"""Permission checks as other users (POSIX XBD 4.5 File Access Permissions): owner,
group (through a supplementary group) and other classes, for files and directories."""

from __future__ import annotations

import os
from pathlib import Path

from tests.posix.framework import ALICE, BOB, CAROL, ROOT, Check, User
from tests.posix.helpers import mkdir, mkfile, open_ok

FILE_MODES = (
    0o000, 0o400, 0o200, 0o100, 0o040, 0o020, 0o010, 0o004, 0o002, 0o001,
    0o444, 0o222, 0o111, 0o644, 0o755, 0o700, 0o070, 0o007, 0o640, 0o604,
    0o460, 0o046,
)  # fmt: skip
WHO = {"owner": ALICE, "group": BOB, "other": CAROL}
SHIFT = {"owner": 6, "group": 3, "other": 0}


def _class_bits(bits: int, who: str) -> int:
    return (bits >> SHIFT[who]) & 7


def _file_check(bits: int, who: str, want: str) -> Check:
    flags = {"read": os.O_RDONLY, "write": os.O_WRONLY}[want]
    allowed = _class_bits(bits, who) & (4 if want == "read" else 2)

    def setup(d: Path) -> None:
        mkfile(d / "f", b"data", bits)

    return Check(
        f"perm-file-{bits:03o}-{who}-{want}",
        "XBD 4.5: the class of the caller alone decides (owner, else group, else other)",
        lambda d: open_ok(d / "f", flags),
        "ok" if allowed else "EACCES",
        user=WHO[who],
        setup=setup,
    )


def _access_check(bits: int, who: str, mask: int) -> Check:
    name = {os.R_OK: "r", os.W_OK: "w", os.X_OK: "x"}[mask]
    allowed = _class_bits(bits, who) & {os.R_OK: 4, os.W_OK: 2, os.X_OK: 1}[mask]
    return Check(
        f"access-{bits:03o}-{who}-{name}",
        "access(2) answers with the real uid and the permission classes",
        lambda d: os.access(d / "f", mask),
        bool(allowed),
        user=WHO[who],
        setup=lambda d: (mkfile(d / "f", b"", bits), None)[1],
    )


DIR_MODES = (0o000, 0o700, 0o500, 0o300, 0o100, 0o400, 0o070, 0o050, 0o030, 0o007, 0o005, 0o003)


def _dir_check(bits: int, who: str, op: str) -> Check:
    cls = _class_bits(bits, who)

    def setup(d: Path) -> None:
        mkdir(d / "dir", 0o755)
        mkfile(d / "dir" / "child", b"x", 0o644)
        os.chmod(d / "dir", bits)

    if op == "list":
        run, ok = (lambda d: sorted(os.listdir(d / "dir"))), cls & 4
        expect: object = ["child"] if ok else "EACCES"
    elif op == "search":
        run, ok = (lambda d: os.stat(d / "dir" / "child").st_size), cls & 1
        expect = 1 if ok else "EACCES"
    else:  # create: write and search on the directory
        run, ok = (lambda d: open_ok(d / "dir" / "new", os.O_CREAT | os.O_WRONLY)), (cls & 3) == 3
        expect = "ok" if ok else "EACCES"
    return Check(
        f"perm-dir-{bits:03o}-{who}-{op}",
        "XBD 4.5: read lists a directory, search (x) resolves names, write+search creates",
        run,
        expect,
        user=WHO[who],
        setup=setup,
    )


def _root_check(bits: int, want: str) -> Check:
    if want == "exec":
        expect: object = bool(bits & 0o111)
        run = lambda d: os.access(d / "f", os.X_OK)
    else:
        expect = "ok"
        run = lambda d: open_ok(d / "f", os.O_RDONLY if want == "read" else os.O_WRONLY)
    return Check(
        f"perm-root-{bits:03o}-{want}",
        "appropriate privileges: root reads and writes anything, executes if any x bit",
        run,
        expect,
        user=ROOT,
        setup=lambda d: (mkfile(d / "f", b"x", bits), None)[1],
    )


def _unlink_needs(dir_bits: int, user: User) -> Check:
    cls = dir_bits & 7 if user is CAROL else (dir_bits >> 6) & 7
    return Check(
        f"unlink-dir-{dir_bits:03o}-{'owner' if user is ALICE else 'other'}",
        "unlink(2) needs write and search permission on the directory",
        lambda d: os.unlink(d / "dir" / "f"),
        None if (cls & 3) == 3 else "EACCES",
        user=user,
        setup=lambda d: (
            mkdir(d / "dir", 0o777),
            mkfile(d / "dir" / "f"),
            os.chmod(d / "dir", dir_bits),
        )[-1],
    )


CHECKS = (
    [_file_check(b, w, op) for b in FILE_MODES for w in WHO for op in ("read", "write")]
    + [_dir_check(b, w, op) for b in DIR_MODES for w in WHO for op in ("list", "search", "create")]
    + [
        _access_check(b, w, m)
        for b in (0o000, 0o754, 0o407, 0o070, 0o111)
        for w in WHO
        for m in (os.R_OK, os.W_OK, os.X_OK)
    ]
    + [
        _root_check(b, w)
        for b in (0o000, 0o100, 0o010, 0o001, 0o600)
        for w in ("read", "write", "exec")
    ]
    + [
        _unlink_needs(b, u)
        for b in (0o777, 0o755, 0o733, 0o766, 0o500, 0o300)
        for u in (ALICE, CAROL)
    ]
)
