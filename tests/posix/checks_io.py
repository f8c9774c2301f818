"""Advisory locks and reads/writes (POSIX XSH fcntl, read, write, lseek, fsync; Linux
flock(2))."""

from __future__ import annotations

import fcntl
import os
import struct
from pathlib import Path

from tests.posix.framework import Check
from tests.posix.helpers import mkfile, read


def _f(d: Path, name: str = "f", data: bytes = b"data") -> Path:
    return mkfile(d / name, data, 0o644)


_LK = "hhqql"  # struct flock on x86_64: type, whence, start, len, pid


def _child_getlk(path: Path, typ: int, start: int, length: int) -> tuple[int, int, int]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        fd = os.open(path, os.O_RDWR)
        arg = struct.pack(_LK, typ, 0, start, length, 0)
        out = fcntl.fcntl(fd, fcntl.F_GETLK, arg)
        t, _, s, n, _ = struct.unpack(_LK, out)
        os.write(w, struct.pack("qqq", t, s, n))
        os._exit(0)
    os.close(w)
    data = os.read(r, 24)
    os.waitpid(pid, 0)
    os.close(r)
    return struct.unpack("qqq", data)  # type: ignore[return-value]


def _child_try(path: Path, op: str, a: int = 0, b: int = 0) -> str:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        fd = os.open(path, os.O_RDWR)
        try:
            if op == "flock-ex":
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            elif op == "flock-sh":
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            elif op == "lockf-ex":
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, b, a)
            else:
                fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB, b, a)
            res = "got"
        except OSError as exc:
            res = "busy" if exc.errno in (11, 13) else str(exc.errno)
        os.write(w, res.encode())
        os._exit(0)
    os.close(w)
    data = os.read(r, 16).decode()
    os.waitpid(pid, 0)
    os.close(r)
    return data


def _holding(d: Path, how: str, probe: str, a: int = 0, b: int = 0) -> object:
    _f(d, "f", b"x" * 100)
    fd = os.open(d / "f", os.O_RDWR)
    if how == "flock-ex":
        fcntl.flock(fd, fcntl.LOCK_EX)
    elif how == "flock-sh":
        fcntl.flock(fd, fcntl.LOCK_SH)
    elif how == "lockf-ex-0-10":
        fcntl.lockf(fd, fcntl.LOCK_EX, 10, 0)
    elif how == "lockf-sh-0-10":
        fcntl.lockf(fd, fcntl.LOCK_SH, 10, 0)
    result = _child_try(d / "f", probe, a, b)
    os.close(fd)
    after = _child_try(d / "f", probe, a, b)
    return result, after


def _getlk(d: Path) -> object:
    _f(d, "f", b"x" * 100)
    fd = os.open(d / "f", os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX, 10, 5)
    out = _child_getlk(d / "f", fcntl.F_WRLCK, 0, 0)
    free = _child_getlk(d / "f", fcntl.F_WRLCK, 20, 5)
    os.close(fd)
    return out, free[0] == fcntl.F_UNLCK


def _unlock_split(d: Path) -> object:
    _f(d, "f", b"x" * 100)
    fd = os.open(d / "f", os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX, 30, 0)
    fcntl.lockf(fd, fcntl.LOCK_UN, 10, 10)
    res = [_child_try(d / "f", "lockf-ex", s, 5) for s in (0, 12, 25)]
    os.close(fd)
    return res


def _close_other_fd_releases(d: Path) -> object:
    _f(d, "f", b"x" * 100)
    fd = os.open(d / "f", os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX, 10, 0)
    other = os.open(d / "f", os.O_RDONLY)
    os.close(other)  # POSIX: closing any descriptor of the file drops the process's locks
    res = _child_try(d / "f", "lockf-ex", 0, 10)
    os.close(fd)
    return res


def _flock_same_process(d: Path) -> object:
    _f(d, "f")
    a = os.open(d / "f", os.O_RDWR)
    b = os.open(d / "f", os.O_RDWR)
    fcntl.flock(a, fcntl.LOCK_EX)
    try:
        fcntl.flock(b, fcntl.LOCK_EX | fcntl.LOCK_NB)
        res = "got"
    except OSError:
        res = "busy"
    os.close(a)
    os.close(b)
    return res


LOCKS = [
    Check("flock-ex-blocks-ex", "an exclusive flock excludes others until closed",
          lambda d: _holding(d, "flock-ex", "flock-ex"), ("busy", "got")),
    Check("flock-ex-blocks-sh", "an exclusive flock excludes shared ones",
          lambda d: _holding(d, "flock-ex", "flock-sh"), ("busy", "got")),
    Check("flock-sh-shares", "shared flocks coexist", lambda d: _holding(d, "flock-sh", "flock-sh"),
          ("got", "got")),
    Check("flock-sh-blocks-ex", "a shared flock excludes an exclusive one",
          lambda d: _holding(d, "flock-sh", "flock-ex"), ("busy", "got")),
    Check("flock-open-file-descriptions", "flock belongs to the open file description",
          _flock_same_process, "busy"),
    Check("fcntl-ex-overlap", "a write lock excludes overlapping write locks",
          lambda d: _holding(d, "lockf-ex-0-10", "lockf-ex", 5, 10), ("busy", "got")),
    Check("fcntl-ex-disjoint", "disjoint ranges do not conflict",
          lambda d: _holding(d, "lockf-ex-0-10", "lockf-ex", 10, 10), ("got", "got")),
    Check("fcntl-sh-shares", "read locks coexist",
          lambda d: _holding(d, "lockf-sh-0-10", "lockf-sh", 0, 10), ("got", "got")),
    Check("fcntl-sh-blocks-ex", "a read lock excludes a write lock",
          lambda d: _holding(d, "lockf-sh-0-10", "lockf-ex", 0, 10), ("busy", "got")),
    Check("fcntl-flock-independent", "fcntl and flock locks do not interact (Linux)",
          lambda d: _holding(d, "flock-ex", "lockf-ex", 0, 10), ("got", "got")),
    Check("fcntl-getlk", "F_GETLK reports the conflicting lock", _getlk,
          ((fcntl.F_WRLCK, 5, 10), True)),
    Check("fcntl-unlock-split", "unlocking the middle splits a lock", _unlock_split,
          ["busy", "got", "busy"]),
    Check("fcntl-close-releases", "closing any descriptor releases the process's locks",
          _close_other_fd_releases, "got"),
]  # fmt: skip


def _rw(d: Path, size: int) -> object:
    data = bytes((i * 7 + 3) % 251 for i in range(size))
    (d / "f").write_bytes(data)
    back = read(d / "f")
    return len(back), back == data


def _pwrite_hole(d: Path) -> object:
    fd = os.open(d / "f", os.O_RDWR | os.O_CREAT, 0o644)
    os.pwrite(fd, b"end", 3 << 20)
    os.pwrite(fd, b"mid", 1 << 20)
    st = os.fstat(fd)
    head = os.pread(fd, 8, 0)
    mid = os.pread(fd, 5, (1 << 20) - 1)
    os.close(fd)
    return st.st_size, head, mid


def _append(d: Path) -> object:
    _f(d, "f", b"abc")
    fd = os.open(d / "f", os.O_WRONLY | os.O_APPEND)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, b"def")
    pos = os.lseek(fd, 0, os.SEEK_CUR)
    os.close(fd)
    return read(d / "f"), pos


def _overwrite_middle(d: Path) -> object:
    big = bytes(range(256)) * 8192  # 2 MiB
    (d / "f").write_bytes(big)
    fd = os.open(d / "f", os.O_WRONLY)
    os.pwrite(fd, b"XYZ" * 1000, (1 << 20) - 1500)
    os.close(fd)
    back = read(d / "f")
    want = bytearray(big)
    want[(1 << 20) - 1500 : (1 << 20) + 1500] = b"XYZ" * 1000
    return back == bytes(want)


def _read_eof(d: Path) -> object:
    _f(d, "f", b"12345")
    fd = os.open(d / "f", os.O_RDONLY)
    a = os.pread(fd, 10, 3)
    b = os.pread(fd, 10, 5)
    c = os.pread(fd, 10, 100)
    os.close(fd)
    return a, b, c


def _seek_end(d: Path) -> object:
    _f(d, "f", b"12345")
    fd = os.open(d / "f", os.O_RDONLY)
    pos = os.lseek(fd, -2, os.SEEK_END)
    data = os.read(fd, 10)
    os.close(fd)
    return pos, data


def _small_appends(d: Path) -> object:
    fd = os.open(d / "f", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    for i in range(300):
        os.write(fd, b"%05d\n" % i)
    os.close(fd)
    data = read(d / "f")
    return len(data), data[-6:]


def _fsync(d: Path) -> object:
    fd = os.open(d / "f", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"durable")
    os.fsync(fd)
    os.fdatasync(fd)
    os.close(fd)
    return read(d / "f")


def _write_read_same_fd(d: Path) -> object:
    fd = os.open(d / "f", os.O_RDWR | os.O_CREAT, 0o644)
    os.write(fd, b"hello world")
    os.lseek(fd, 6, os.SEEK_SET)
    data = os.read(fd, 5)
    os.close(fd)
    return data


def _stat_after_write(d: Path) -> object:
    fd = os.open(d / "f", os.O_RDWR | os.O_CREAT, 0o644)
    os.write(fd, b"x" * 5000)
    size = os.fstat(fd).st_size
    path_size = os.stat(d / "f").st_size
    os.close(fd)
    return size, path_size


IO = [
    Check(f"rw-size-{n}", "what is written is read back", lambda d, n=n: _rw(d, n), (n, True))
    for n in (0, 1, 4095, 4096, 65537, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, (3 << 20) + 5)
] + [
    Check("pwrite-hole", "writing past the end leaves a hole of zeros", _pwrite_hole,
          ((3 << 20) + 3, b"\0" * 8, b"\0mid\0")),
    Check("append-ignores-seek", "O_APPEND writes at the end regardless of the offset", _append,
          (b"abcdef", 6)),
    Check("overwrite-middle", "overwriting across a block boundary", _overwrite_middle, True),
    Check("read-at-eof", "reads stop at end of file", _read_eof, (b"45", b"", b"")),
    Check("seek-end", "lseek SEEK_END", _seek_end, (3, b"45")),
    Check("small-appends", "many small appends", _small_appends, (1800, b"00299\n")),
    Check("fsync", "fsync and fdatasync", _fsync, b"durable"),
    Check("write-then-read-fd", "a read after a write on one descriptor sees it",
          _write_read_same_fd, b"world"),
    Check("fstat-after-write", "st_size reflects a write at once", _stat_after_write, (5000, 5000)),
    Check("statvfs-namemax", "f_namemax is NAME_MAX", lambda d: os.statvfs(d).f_namemax, 255),
    Check("write-dir-fd", "write to a directory descriptor: EBADF",
          lambda d: os.write(os.open(d, os.O_RDONLY), b"x"), "EBADF"),
    Check("read-dir-fd", "read from a directory descriptor: EISDIR",
          lambda d: os.read(os.open(d, os.O_RDONLY), 10), "EISDIR"),
]  # fmt: skip

CHECKS = LOCKS + IO
