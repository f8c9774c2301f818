"""Symlinks and ELOOP, FIFOs, sockets and device nodes, sticky directories (POSIX XSH
symlink, mkfifo, mknod, unlink; XBD 4.13 Pathname Resolution)."""

from __future__ import annotations

import os
import socket
import stat
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

CHECKS = SYMLINKS + SPECIAL + STICKY
__all__ = ["BOB", "CHECKS"]
