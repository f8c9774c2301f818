"""Symlinks and ELOOP, FIFOs, sockets and device nodes, sticky directories, advisory
locks, and reads/writes (POSIX XSH symlink, mkfifo, mknod, unlink, fcntl, flock(2),
read, write, lseek; XBD 4.13 Pathname Resolution)."""

from __future__ import annotations

import fcntl
import os
import socket
import stat
import struct
from pathlib import Path

from tests.posix.framework import ALICE, BOB, CAROL, Check
from tests.posix.helpers import kind, mkdir, mkfile, mode, names, read


def _f(d: Path, name: str = "f", data: bytes = b"data") -> Path:
    return mkfile(d / name, data, 0o644)


def _chain(d: Path, n: int) -> object:
    _f(d, "t0")
    for i in range(1, n + 1):
        os.symlink(f"t{i - 1}", d / f"t{i}")
    return read(d / f"t{n}")


SYMLINKS = [
    Check("symlink-loop-open", "a loop of symlinks: ELOOP",
          lambda d: (os.symlink("b", d / "a"), os.symlink("a", d / "b"), read(d / "a"))[2], "ELOOP"),
    Check("symlink-loop-stat", "stat through a loop: ELOOP",
          lambda d: (os.symlink("b", d / "a"), os.symlink("a", d / "b"), os.stat(d / "a"))[2], "ELOOP"),
    Check("symlink-loop-lstat", "lstat of a looping link succeeds",
          lambda d: (os.symlink("b", d / "a"), os.symlink("a", d / "b"), kind(d / "a"))[2], "LNK"),
    Check("symlink-self-loop", "a link to itself: ELOOP",
          lambda d: (os.symlink("s", d / "s"), os.stat(d / "s"))[1], "ELOOP"),
    Check("symlink-loop-dir-component", "a loop in a directory component: ELOOP",
          lambda d: (os.symlink("b", d / "a"), os.symlink("a", d / "b"), os.stat(d / "a" / "x"))[2],
          "ELOOP"),
    Check("symlink-loop-mkdir", "mkdir through a looping component: ELOOP",
          lambda d: (os.symlink("b", d / "a"), os.symlink("a", d / "b"), os.mkdir(d / "a" / "x"))[2],
          "ELOOP"),
    Check("symlink-chain-40", "40 links are followed (Linux MAXSYMLINKS)", lambda d: _chain(d, 40),
          b"data"),
    Check("symlink-chain-41", "41 links: ELOOP", lambda d: _chain(d, 41), "ELOOP"),
    Check("symlink-readlink", "readlink returns the target as stored",
          lambda d: (os.symlink("../x/./y", d / "l"), os.readlink(d / "l"))[1], "../x/./y"),
    Check("symlink-dangling-stat", "stat of a dangling link: ENOENT",
          lambda d: (os.symlink("none", d / "l"), os.stat(d / "l"))[1], "ENOENT"),
    Check("symlink-mode", "a symlink's mode is 0777",
          lambda d: (os.symlink("x", d / "l"), mode(d / "l"))[1], "0o777"),
    Check("symlink-size", "a symlink's size is its target's length",
          lambda d: (os.symlink("abcdef", d / "l"), os.lstat(d / "l").st_size)[1], 6),
    Check("symlink-empty-target", "an empty target: ENOENT",
          lambda d: os.symlink("", d / "l"), "ENOENT"),
    Check("symlink-existing", "symlink over an existing name: EEXIST",
          lambda d: (_f(d), os.symlink("x", d / "f"))[1], "EEXIST"),
    Check("readlink-not-link", "readlink of a file: EINVAL",
          lambda d: (_f(d), os.readlink(d / "f"))[1], "EINVAL"),
    Check("symlink-relative-resolution", "relative targets resolve from the link's directory",
          lambda d: (os.mkdir(d / "s"), _f(d / "s", "f", b"in s"), os.symlink("s/f", d / "l"),
                     read(d / "l"))[3], b"in s"),
    Check("symlink-dir-traversal", "a link to a directory is traversed",
          lambda d: (os.mkdir(d / "s"), _f(d / "s", "f"), os.symlink("s", d / "l"),
                     names(d / "l"))[3], ["f"]),
    Check("symlink-trailing-slash", "a trailing slash on a link to a file: ENOTDIR",
          lambda d: (_f(d), os.symlink("f", d / "l"), os.stat(str(d / "l") + "/"))[2], "ENOTDIR"),
    Check("symlink-owner", "a new symlink is owned by its creator",
          lambda d: (os.symlink("x", d / "l"), os.lstat(d / "l").st_uid)[1], 1001, user=ALICE),
]  # fmt: skip


def _socket_file(d: Path) -> object:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    os.chdir(d)
    s.bind("sock")
    s.listen(1)
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect("sock")
    conn, _ = s.accept()
    c.sendall(b"ping")
    got = conn.recv(4)
    for x in (c, conn, s):
        x.close()
    return kind(d / "sock"), got


def _fifo_roundtrip(d: Path) -> object:
    os.mkfifo(d / "p", 0o644)
    r = os.open(d / "p", os.O_RDONLY | os.O_NONBLOCK)
    w = os.open(d / "p", os.O_WRONLY | os.O_NONBLOCK)
    os.write(w, b"through the pipe")
    data = os.read(r, 100)
    os.close(w)
    os.close(r)
    return kind(d / "p"), mode(d / "p"), data


SPECIAL = [
    Check("fifo", "mkfifo makes a FIFO that carries data", _fifo_roundtrip,
          ("FIFO", "0o644", b"through the pipe")),
    Check("fifo-existing", "mkfifo over an existing name: EEXIST",
          lambda d: (_f(d), os.mkfifo(d / "f"))[1], "EEXIST"),
    Check("fifo-open-nonblock-writer", "O_WRONLY|O_NONBLOCK with no reader: ENXIO",
          lambda d: (os.mkfifo(d / "p"), os.open(d / "p", os.O_WRONLY | os.O_NONBLOCK))[1], "ENXIO"),
    Check("mknod-fifo", "mknod S_IFIFO",
          lambda d: (os.mknod(d / "p", stat.S_IFIFO | 0o600), kind(d / "p"), mode(d / "p"))[1:],
          ("FIFO", "0o600")),
    Check("mknod-socket", "mknod S_IFSOCK",
          lambda d: (os.mknod(d / "s", stat.S_IFSOCK | 0o600), kind(d / "s"))[1], "SOCK"),
    Check("socket-bind", "binding a Unix socket creates a socket file", _socket_file,
          ("SOCK", b"ping")),
    Check("mknod-chr-root", "root may create a character device node",
          lambda d: (os.mknod(d / "c", stat.S_IFCHR | 0o600, os.makedev(1, 3)), kind(d / "c"),
                     os.stat(d / "c").st_rdev == os.makedev(1, 3))[1:], ("CHR", True)),
    Check("mknod-blk-root", "root may create a block device node",
          lambda d: (os.mknod(d / "b", stat.S_IFBLK | 0o600, os.makedev(7, 0)), kind(d / "b"))[1],
          "BLK"),
    Check("mknod-chr-user", "an unprivileged user may not: EPERM",
          lambda d: os.mknod(d / "c", stat.S_IFCHR | 0o600, os.makedev(1, 3)), "EPERM", user=ALICE),
    Check("mknod-reg", "mknod S_IFREG makes an empty file",
          lambda d: (os.mknod(d / "r", stat.S_IFREG | 0o640), kind(d / "r"), os.stat(d / "r").st_size)[1:],
          ("REG", 0)),
    Check("unlink-fifo", "unlink removes a FIFO",
          lambda d: (os.mkfifo(d / "p"), os.unlink(d / "p"), names(d))[2], []),
]  # fmt: skip


def _sticky_setup(d: Path) -> None:
    os.chmod(d, 0o777)
    mkdir(d / "t", 0o1777, owner=None)
    mkfile(d / "t" / "alice", b"a", 0o666, owner=ALICE)


STICKY = [
    Check("sticky-other-unlink", "in a sticky directory others may not unlink: EPERM",
          lambda d: os.unlink(d / "t" / "alice"), "EPERM", user=BOB, setup=_sticky_setup),
    Check("sticky-other-rename", "... nor rename away: EPERM",
          lambda d: os.rename(d / "t" / "alice", d / "t" / "x"), "EPERM", user=BOB, setup=_sticky_setup),
    Check("sticky-other-replace", "... nor replace it by rename: EPERM",
          lambda d: (mkfile(d / "t" / "bob", b"b", 0o644, owner=None),
                     os.rename(d / "t" / "bob", d / "t" / "alice"))[1], "EPERM", user=BOB,
          setup=_sticky_setup),
    Check("sticky-owner-unlink", "the file's owner may",
          lambda d: (os.unlink(d / "t" / "alice"), names(d / "t"))[1], [], user=ALICE, setup=_sticky_setup),
    Check("sticky-dir-owner-unlink", "the directory's owner may",
          lambda d: (os.unlink(d / "t" / "alice"), names(d / "t"))[1], [], user=CAROL,
          setup=lambda d: (_sticky_setup(d), os.chown(d / "t", 1003, 1003), None)[2]),
    Check("sticky-root-unlink", "root may",
          lambda d: (os.unlink(d / "t" / "alice"), names(d / "t"))[1], [], setup=_sticky_setup),
    Check("sticky-other-create", "others may still create their own files",
          lambda d: (mkfile(d / "t" / "bob", b"b", 0o644, owner=None), sorted(names(d / "t")))[1],
          ["alice", "bob"], user=BOB, setup=_sticky_setup),
    Check("sticky-other-own-unlink", "and remove their own",
          lambda d: (mkfile(d / "t" / "bob", b"b", 0o644, owner=None), os.unlink(d / "t" / "bob"),
                     names(d / "t"))[2], ["alice"], user=BOB, setup=_sticky_setup),
    Check("sticky-other-write", "writing a world-writable file in it is allowed",
          lambda d: ((d / "t" / "alice").open("ab").write(b"x"), read(d / "t" / "alice"))[1], b"ax",
          user=BOB, setup=_sticky_setup),
    Check("sticky-other-rmdir", "others may not remove someone's directory: EPERM",
          lambda d: os.rmdir(d / "t" / "ad"), "EPERM", user=BOB,
          setup=lambda d: (_sticky_setup(d), mkdir(d / "t" / "ad", 0o777), None)[2]),
    Check("sticky-mode", "mkdir keeps S_ISVTX", lambda d: (os.mkdir(d / "s", 0o1777), mode(d / "s"))[1],
          "0o1755"),
]  # fmt: skip

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

CHECKS = SYMLINKS + SPECIAL + STICKY + LOCKS + IO
__all__ = ["BOB", "CHECKS"]
