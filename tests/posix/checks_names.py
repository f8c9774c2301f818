"""Names: link counts, rename, unlink (also of open files), rmdir, readdir, long names
(POSIX XSH link, rename, unlink, rmdir, readdir; limits NAME_MAX and PATH_MAX)."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

from tests.posix.framework import ALICE, BOB, CAROL, Check
from tests.posix.helpers import mkdir, mkfile, names, nlink, read

NAME_MAX = 255


def _renameat2(old: Path, new: Path, flags: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    rc = libc.renameat2(-100, str(old).encode(), -100, str(new).encode(), flags)
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def _f(d: Path, name: str = "f", data: bytes = b"data") -> Path:
    return mkfile(d / name, data, 0o644)


def _link_counts(d: Path) -> list[int]:
    _f(d)
    out = [nlink(d / "f")]
    os.link(d / "f", d / "g")
    out += [nlink(d / "f"), nlink(d / "g")]
    os.unlink(d / "f")
    out.append(nlink(d / "g"))
    return out


def _dir_links(d: Path) -> list[int]:
    os.mkdir(d / "p")
    out = [nlink(d / "p")]
    os.mkdir(d / "p" / "a")
    os.mkdir(d / "p" / "b")
    out.append(nlink(d / "p"))
    os.rmdir(d / "p" / "a")
    out.append(nlink(d / "p"))
    os.mkdir(d / "q")
    os.rename(d / "p" / "b", d / "q" / "b")
    out += [nlink(d / "p"), nlink(d / "q")]
    return out


LINKS = [
    Check("link-counts", "link/unlink adjust st_nlink", _link_counts, [1, 2, 2, 1]),
    Check("dir-link-counts", "a directory has 2 links plus one per subdirectory", _dir_links,
          [2, 4, 3, 2, 3]),
    Check("link-same-inode", "a hard link names the same file",
          lambda d: (_f(d), os.link(d / "f", d / "g"),
                     os.stat(d / "f").st_ino == os.stat(d / "g").st_ino)[2], True),
    Check("link-shares-data", "writes through one link are read through the other",
          lambda d: (_f(d), os.link(d / "f", d / "g"), (d / "f").write_bytes(b"new"),
                     read(d / "g"))[3], b"new"),
    Check("link-to-dir", "link to a directory: EPERM", lambda d: os.link(d, d / "x"), "EPERM"),
    Check("link-existing", "link to an existing name: EEXIST",
          lambda d: (_f(d), _f(d, "g"), os.link(d / "f", d / "g"))[2], "EEXIST"),
    Check("link-missing", "link of a missing file: ENOENT",
          lambda d: os.link(d / "nope", d / "g"), "ENOENT"),
    Check("link-ctime", "link updates the file's ctime",
          lambda d: (_f(d), os.utime(d / "f", (1, 1)), os.stat(d / "f").st_ctime_ns,
                     os.link(d / "f", d / "g"))[2] <= os.stat(d / "f").st_ctime_ns, True),
    Check("link-symlink-itself", "link(2) does not follow a symlink (Linux)",
          lambda d: (_f(d), os.symlink("f", d / "l"), os.link(d / "l", d / "h", follow_symlinks=False),
                     os.path.islink(d / "h"))[3], True),
    Check("unlink-missing", "unlink of a missing name: ENOENT", lambda d: os.unlink(d / "x"), "ENOENT"),
    Check("unlink-dir", "unlink of a directory: EISDIR (Linux)",
          lambda d: (os.mkdir(d / "s"), os.unlink(d / "s"))[1], "EISDIR"),
    Check("unlink-symlink-only", "unlink removes the symlink, not its target",
          lambda d: (_f(d), os.symlink("f", d / "l"), os.unlink(d / "l"), names(d))[3], ["f"]),
]  # fmt: skip


def _rename_over_file(d: Path) -> object:
    _f(d, "a", b"A")
    _f(d, "b", b"B")
    ino = os.stat(d / "a").st_ino
    os.rename(d / "a", d / "b")
    return names(d), read(d / "b"), os.stat(d / "b").st_ino == ino


def _rename_open_target(d: Path) -> object:
    _f(d, "a", b"A")
    _f(d, "b", b"B")
    fd = os.open(d / "b", os.O_RDONLY)
    os.rename(d / "a", d / "b")
    old = os.read(fd, 10)
    os.close(fd)
    return old, read(d / "b")


def _rename_into_sub(d: Path) -> None:
    os.makedirs(d / "a" / "b")
    os.rename(d / "a", d / "a" / "b" / "c")


def _rename_hardlinks(d: Path) -> object:
    _f(d, "a")
    os.link(d / "a", d / "b")
    os.rename(d / "a", d / "b")
    return names(d)


def _rename_dir_parent(d: Path) -> object:
    os.makedirs(d / "x" / "sub")
    os.mkdir(d / "y")
    os.rename(d / "x" / "sub", d / "y" / "sub")
    return os.stat(d / "y" / "sub" / "..").st_ino == os.stat(d / "y").st_ino, names(d / "x")


def _rename_ctime(d: Path) -> object:
    _f(d, "a")
    os.utime(d / "a", ns=(10**9, 10**9))
    before = os.stat(d / "a").st_ctime_ns
    os.rename(d / "a", d / "b")
    return os.stat(d / "b").st_ctime_ns >= before


def _rename_dir_mtime(d: Path) -> object:
    os.mkdir(d / "s")
    os.mkdir(d / "t")
    _f(d / "s", "a")
    os.utime(d / "s", ns=(10**9, 10**9))
    os.utime(d / "t", ns=(10**9, 10**9))
    os.rename(d / "s" / "a", d / "t" / "a")
    return os.stat(d / "s").st_mtime_ns > 10**9, os.stat(d / "t").st_mtime_ns > 10**9


RENAMES = [
    Check("rename-file-over-file", "rename replaces an existing file atomically",
          _rename_over_file, (["b"], b"A", True)),
    Check("rename-open-target", "the replaced file stays readable through open descriptors",
          _rename_open_target, (b"B", b"A")),
    Check("rename-dir-over-empty-dir", "a directory may replace an empty directory",
          lambda d: (os.mkdir(d / "a"), os.mkdir(d / "b"), os.rename(d / "a", d / "b"), names(d))[3],
          ["b"]),
    Check("rename-dir-over-nonempty", "replacing a non-empty directory: ENOTEMPTY",
          lambda d: (os.mkdir(d / "a"), os.makedirs(d / "b" / "c"), os.rename(d / "a", d / "b"))[2],
          "ENOTEMPTY"),
    Check("rename-dir-over-file", "a directory over a file: ENOTDIR",
          lambda d: (os.mkdir(d / "a"), _f(d, "b"), os.rename(d / "a", d / "b"))[2], "ENOTDIR"),
    Check("rename-file-over-dir", "a file over a directory: EISDIR",
          lambda d: (_f(d, "a"), os.mkdir(d / "b"), os.rename(d / "a", d / "b"))[2], "EISDIR"),
    Check("rename-into-own-subdir", "a directory into its own subtree: EINVAL", _rename_into_sub,
          "EINVAL"),
    Check("rename-same-name", "rename to itself succeeds and changes nothing",
          lambda d: (_f(d, "a"), os.rename(d / "a", d / "a"), names(d))[2], ["a"]),
    Check("rename-hardlinks", "links to the same file: rename does nothing", _rename_hardlinks,
          ["a", "b"]),
    Check("rename-missing", "rename of a missing name: ENOENT",
          lambda d: os.rename(d / "a", d / "b"), "ENOENT"),
    Check("rename-to-missing-dir", "rename into a missing directory: ENOENT",
          lambda d: (_f(d, "a"), os.rename(d / "a", d / "no" / "b"))[1], "ENOENT"),
    Check("rename-across-dirs", "rename across directories moves the entry",
          lambda d: (os.mkdir(d / "x"), _f(d, "a"), os.rename(d / "a", d / "x" / "b"),
                     names(d), names(d / "x"))[3:], (["x"], ["b"])),
    Check("rename-dir-updates-dotdot", "a moved directory's .. is its new parent",
          _rename_dir_parent, (True, [])),
    Check("rename-keeps-inode", "rename keeps the inode",
          lambda d: (_f(d, "a"), os.stat(d / "a").st_ino, os.rename(d / "a", d / "b"))[1]
          == os.stat(d / "b").st_ino, True),
    Check("rename-ctime", "rename updates ctime (Linux)", _rename_ctime, True),
    Check("rename-parent-mtimes", "rename updates both directories' mtime", _rename_dir_mtime,
          (True, True)),
    Check("rename-dot", "renaming '.': EBUSY or EINVAL",
          lambda d: (os.mkdir(d / "s"), os.rename(str(d / "s") + "/.", d / "t"))[1]),
    Check("rename-dotdot-target", "renaming onto '..': unspecified",
          lambda d: (os.mkdir(d / "s"), _f(d, "a"), os.rename(d / "a", str(d / "s") + "/.."))[2]),
    Check("rename-noreplace", "renameat2 RENAME_NOREPLACE on an existing target: EEXIST",
          lambda d: (_f(d, "a"), _f(d, "b"), _renameat2(d / "a", d / "b", 1))[2], "EEXIST"),
    Check("rename-noreplace-ok", "renameat2 RENAME_NOREPLACE to a free name",
          lambda d: (_f(d, "a"), _renameat2(d / "a", d / "b", 1), names(d))[2], ["b"]),
    Check("rename-symlink", "rename moves a symlink, not its target",
          lambda d: (_f(d, "a"), os.symlink("a", d / "l"), os.rename(d / "l", d / "m"),
                     os.readlink(d / "m"))[3], "a"),
    Check("rename-nonempty-dir-across", "a non-empty directory moves with its contents",
          lambda d: (os.makedirs(d / "a" / "k"), os.mkdir(d / "z"), os.rename(d / "a", d / "z" / "a"),
                     names(d / "z" / "a"))[3], ["k"]),
    Check("rename-needs-dir-write", "rename needs write permission on the source directory",
          lambda d: os.rename(d / "ro" / "f", d / "f2"), "EACCES", user=CAROL,
          setup=lambda d: (mkdir(d / "ro", 0o755), mkfile(d / "ro" / "f"), None)[2]),
    Check("rename-dir-needs-own-write", "moving a directory to a new parent needs write on it",
          lambda d: os.rename(d / "src" / "sub", d / "dst" / "sub"), "EACCES", user=CAROL,
          setup=lambda d: (mkdir(d / "src", 0o777), mkdir(d / "dst", 0o777),
                           mkdir(d / "src" / "sub", 0o555), None)[3]),
]  # fmt: skip


def _unlink_open(d: Path) -> object:
    _f(d, "f", b"still here")
    fd = os.open(d / "f", os.O_RDWR)
    os.unlink(d / "f")
    st = os.fstat(fd)
    os.lseek(fd, 0, os.SEEK_SET)
    data = os.read(fd, 100)
    os.write(fd, b"+more")
    os.lseek(fd, 0, os.SEEK_SET)
    data2 = os.read(fd, 100)
    os.close(fd)
    return st.st_nlink, data, data2, names(d)


def _unlink_open_recreate(d: Path) -> object:
    _f(d, "f", b"old")
    fd = os.open(d / "f", os.O_RDONLY)
    ino = os.fstat(fd).st_ino
    os.unlink(d / "f")
    _f(d, "f", b"new")
    same = os.stat(d / "f").st_ino == ino
    old = os.read(fd, 10)
    os.close(fd)
    return same, old, read(d / "f")


def _unlink_open_ftruncate(d: Path) -> object:
    _f(d, "f", b"0123456789")
    fd = os.open(d / "f", os.O_RDWR)
    os.unlink(d / "f")
    os.ftruncate(fd, 4)
    os.fchmod(fd, 0o600)
    st = os.fstat(fd)
    os.close(fd)
    return st.st_size, oct(st.st_mode & 0o777)


def _unlink_two_fds(d: Path) -> object:
    _f(d, "f", b"xyz")
    a = os.open(d / "f", os.O_RDONLY)
    b = os.open(d / "f", os.O_RDONLY)
    os.unlink(d / "f")
    os.close(a)
    out = os.read(b, 10)
    os.close(b)
    return out


def _rename_open_dir(d: Path) -> object:
    os.mkdir(d / "s")
    fd = os.open(d / "s", os.O_RDONLY)
    os.rmdir(d / "s")
    st = os.fstat(fd)
    os.close(fd)
    return st.st_nlink


OPEN_FILES = [
    Check("unlink-open-file", "an unlinked open file stays usable until closed", _unlink_open,
          (0, b"still here", b"still here+more", [])),
    Check("unlink-open-recreate", "a new file under the old name is a different file",
          _unlink_open_recreate, (False, b"old", b"new")),
    Check("unlink-open-ftruncate", "ftruncate/fchmod work on an unlinked open file",
          _unlink_open_ftruncate, (4, "0o600")),
    Check("unlink-open-two-fds", "the last close frees the file", _unlink_two_fds, b"xyz"),
    Check("rmdir-open-dir", "a removed open directory has no links", _rename_open_dir, 0),
]  # fmt: skip


def _long(n: int, ch: str = "a") -> str:
    return ch * n


NAMES = [
    Check("name-max-file", "a name of NAME_MAX bytes is allowed",
          lambda d: (_f(d, _long(NAME_MAX)), names(d) == [_long(NAME_MAX)])[1], True),
    Check("name-too-long-file", "a name longer than NAME_MAX: ENAMETOOLONG",
          lambda d: _f(d, _long(NAME_MAX + 1)), "ENAMETOOLONG"),
    Check("name-max-dir", "mkdir with a NAME_MAX name", lambda d: os.mkdir(d / _long(NAME_MAX)), None),
    Check("name-too-long-dir", "mkdir with a longer name: ENAMETOOLONG",
          lambda d: os.mkdir(d / _long(NAME_MAX + 1)), "ENAMETOOLONG"),
    Check("name-too-long-lookup", "stat of a too-long name: ENAMETOOLONG",
          lambda d: os.stat(d / _long(NAME_MAX + 1)), "ENAMETOOLONG"),
    Check("name-too-long-rename", "rename to a too-long name: ENAMETOOLONG",
          lambda d: (_f(d, "a"), os.rename(d / "a", d / _long(NAME_MAX + 1)))[1], "ENAMETOOLONG"),
    Check("name-too-long-link", "link to a too-long name: ENAMETOOLONG",
          lambda d: (_f(d, "a"), os.link(d / "a", d / _long(NAME_MAX + 1)))[1], "ENAMETOOLONG"),
    Check("name-too-long-symlink", "symlink at a too-long name: ENAMETOOLONG",
          lambda d: os.symlink("x", d / _long(NAME_MAX + 1)), "ENAMETOOLONG"),
    Check("name-max-utf8", "NAME_MAX counts bytes: 127 two-byte characters fit",
          lambda d: (_f(d, _long(127, "é")), len(os.listdir(d)[0].encode()))[1], 254),
    Check("name-utf8-too-long", "128 two-byte characters do not",
          lambda d: _f(d, _long(128, "é")), "ENAMETOOLONG"),
    Check("name-bytes", "names are bytes: any byte but / and NUL",
          lambda d: (_f(d, "a\x01b\xffc".encode("latin-1").decode("utf-8", "surrogateescape")),
                     [n.encode("utf-8", "surrogateescape") for n in os.listdir(d)])[1],
          [b"a\x01b\xffc"]),
    Check("name-spaces-newlines", "names may hold spaces and newlines",
          lambda d: (_f(d, " a\nb "), names(d))[1], [" a\nb "]),
    Check("path-near-max", "a path a little under PATH_MAX resolves",
          lambda d: _deep(d, 3900), True),
    Check("path-over-max", "a path over PATH_MAX: ENAMETOOLONG",
          lambda d: os.stat(str(d) + "/" + "/".join(["x" * 200] * 21)), "ENAMETOOLONG"),
    Check("symlink-target-max", "a symlink target of 4095 bytes",
          lambda d: (os.symlink(_long(4095, "t"), d / "l"), len(os.readlink(d / "l")))[1], 4095),
    Check("symlink-target-too-long", "a symlink target of PATH_MAX bytes: ENAMETOOLONG",
          lambda d: os.symlink(_long(4096, "t"), d / "l"), "ENAMETOOLONG"),
]  # fmt: skip


def _deep(d: Path, total: int) -> bool:
    os.chdir(d)
    depth = 0
    path = str(d)
    while len(path) + 101 < total:
        os.mkdir("y" * 100)
        os.chdir("y" * 100)
        path += "/" + "y" * 100
        depth += 1
    os.close(os.open(path + "/end", os.O_CREAT | os.O_WRONLY, 0o644))
    return os.path.exists(path + "/end")


def _readdir_many(d: Path) -> object:
    want = sorted(f"n{i:04d}" for i in range(1500))
    for name in want:
        os.close(os.open(d / name, os.O_CREAT | os.O_WRONLY, 0o644))
    return names(d) == want


def _readdir_while_removing(d: Path) -> object:
    for i in range(50):
        _f(d, f"e{i:02d}")
    seen = []
    with os.scandir(d) as it:
        for entry in it:
            seen.append(entry.name)
            if entry.name == "e10":
                os.unlink(d / "e40")
    return "e10" in seen and "e00" in seen


def _dotdot_of_root(d: Path) -> object:
    return os.stat(d / "..").st_ino == os.stat(d.parent).st_ino


DIRS = [
    Check("rmdir-nonempty", "rmdir of a non-empty directory: ENOTEMPTY or EEXIST",
          lambda d: (os.makedirs(d / "a" / "b"), os.rmdir(d / "a"))[1], "ENOTEMPTY"),
    Check("rmdir-file", "rmdir of a file: ENOTDIR", lambda d: (_f(d), os.rmdir(d / "f"))[1], "ENOTDIR"),
    Check("rmdir-dot", "rmdir of '.': EINVAL",
          lambda d: (os.mkdir(d / "a"), os.rmdir(str(d / "a") + "/."))[1], "EINVAL"),
    Check("rmdir-missing", "rmdir of a missing name: ENOENT", lambda d: os.rmdir(d / "x"), "ENOENT"),
    Check("rmdir-symlink-to-dir", "rmdir of a symlink to a directory: ENOTDIR",
          lambda d: (os.mkdir(d / "a"), os.symlink("a", d / "l"), os.rmdir(d / "l"))[2], "ENOTDIR"),
    Check("rmdir-ok", "rmdir of an empty directory",
          lambda d: (os.mkdir(d / "a"), os.rmdir(d / "a"), names(d))[2], []),
    Check("readdir-names", "readdir returns every name once",
          lambda d: ([_f(d, n) for n in "cab"], os.mkdir(d / "z"), names(d))[2], ["a", "b", "c", "z"]),
    Check("readdir-dots", "readdir includes '.' and '..'",
          lambda d: sorted(n for n in _raw_names(d) if n in (".", "..")), [".", ".."]),
    Check("readdir-many", "readdir of 1,500 entries", _readdir_many, True),
    Check("readdir-unlink-during", "entries not removed during readdir are returned",
          _readdir_while_removing, True),
    Check("readdir-types", "d_type of entries",
          lambda d: (_f(d, "f"), os.mkdir(d / "s"), os.symlink("f", d / "l"),
                     sorted((e.name, e.is_dir(follow_symlinks=False), e.is_symlink())
                            for e in os.scandir(d)))[3],
          [("f", False, False), ("l", False, True), ("s", True, False)]),
    Check("dotdot-of-dir", "'..' of a directory is its parent", _dotdot_of_root, True),
    Check("mkdir-parent-mtime", "creating an entry updates the directory's mtime",
          lambda d: (os.mkdir(d / "p"), os.utime(d / "p", ns=(10**9, 10**9)), _f(d / "p", "x"),
                     os.stat(d / "p").st_mtime_ns > 10**9)[3], True),
    Check("unlink-parent-mtime", "removing an entry updates the directory's mtime",
          lambda d: (os.mkdir(d / "p"), _f(d / "p", "x"), os.utime(d / "p", ns=(10**9, 10**9)),
                     os.unlink(d / "p" / "x"), os.stat(d / "p").st_mtime_ns > 10**9)[4], True),
    Check("rmdir-by-other-in-own-dir", "rmdir needs write on the parent",
          lambda d: os.rmdir(d / "p" / "c"), "EACCES", user=BOB,
          setup=lambda d: (mkdir(d / "p", 0o755), mkdir(d / "p" / "c"), None)[2]),
    Check("create-as-alice-owner", "files created by alice are hers",
          lambda d: (_f(d, "a", b""), os.stat(d / "a").st_uid)[1], 1001, user=ALICE),
]  # fmt: skip


def _raw_names(d: Path) -> list[str]:
    libc_names = [".", ".."]  # os.listdir hides these; check through the descriptor
    fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    try:
        buf = ctypes.create_string_buffer(65536)
        libc = ctypes.CDLL(None, use_errno=True)
        n = libc.syscall(217, fd, buf, 65536)  # getdents64
        found = []
        pos = 0
        while pos < n:
            reclen = int.from_bytes(buf.raw[pos + 16 : pos + 18], "little")
            name = buf.raw[pos + 19 : pos + reclen].split(b"\0", 1)[0].decode()
            found.append(name)
            pos += reclen
        return found or libc_names
    finally:
        os.close(fd)


CHECKS = LINKS + RENAMES + OPEN_FILES + NAMES + DIRS
__all__ = ["ALICE", "CHECKS"]
