"""Small building blocks for checks."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.posix.framework import ALICE, User


def mkfile(path: Path, data: bytes = b"", mode: int = 0o644, owner: User | None = ALICE) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, data)
    os.close(fd)
    if owner is not None:
        os.chown(path, owner.uid, owner.gid)
    os.chmod(path, mode)
    return path


def mkdir(path: Path, mode: int = 0o755, owner: User | None = ALICE) -> Path:
    os.mkdir(path)
    if owner is not None:
        os.chown(path, owner.uid, owner.gid)
    os.chmod(path, mode)
    return path


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(os.lstat(path).st_mode))


def kind(path: Path) -> str:
    m = os.lstat(path).st_mode
    for name in ("S_ISREG", "S_ISDIR", "S_ISLNK", "S_ISFIFO", "S_ISSOCK", "S_ISCHR", "S_ISBLK"):
        if getattr(stat, name)(m):
            return name[4:]
    return "?"


def read(path: Path, size: int = -1, offset: int = 0) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.lseek(fd, offset, os.SEEK_SET)
        out = bytearray()
        while size < 0 or len(out) < size:
            chunk = os.read(fd, 1 << 20 if size < 0 else size - len(out))
            if not chunk:
                break
            out += chunk
        return bytes(out)
    finally:
        os.close(fd)


def open_ok(path: Path, flags: int, mode_bits: int = 0o644) -> str:
    fd = os.open(path, flags, mode_bits)
    os.close(fd)
    return "ok"


def names(path: Path) -> list[str]:
    return sorted(os.listdir(path))


def nlink(path: Path) -> int:
    return os.lstat(path).st_nlink


def owner(path: Path) -> tuple[int, int]:
    st = os.lstat(path)
    return st.st_uid, st.st_gid
