"""FUSE requests translated to data-plane calls. Runs on several threads at once."""

from __future__ import annotations

import errno
import itertools
import os
import stat
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from fogbank.mount import kernel as k
from fogbank.mount import replies
from fogbank.mount.files import OpenFile
from fogbank.mount.identity import supplementary_groups
from fogbank.mount.listings import Listings
from fogbank.services.efs.fs.model import Attr, Change, FsError, SetAttr
from fogbank.services.efs.rpc import codec
from fogbank.services.efs.rpc.client import RpcClient
from fogbank.services.efs.rpc.wire import Op, Value, as_bytes, as_int, as_list


@dataclass(frozen=True)
class Request:
    opcode: int
    unique: int
    nodeid: int
    uid: int
    gid: int
    pid: int
    body: bytes  # a memoryview into the read buffer for WRITE


@dataclass
class DirHandle:
    server_fh: int
    ino: int
    entries: list[tuple[bytes, int, int]] | None = None


def _name(body: bytes) -> bytes:
    return body.split(b"\0", 1)[0]


class FuseOps:
    def __init__(self, rpc: RpcClient, root_ino: int, timeout: float = 1.0) -> None:
        self.rpc = rpc
        self.root_ino = root_ino
        self.timeout = timeout
        self._lock = threading.Lock()
        self._fh = itertools.count(1)
        self.files: dict[int, OpenFile] = {}
        self.dirs: dict[int, DirHandle] = {}
        self._waits: dict[int, Future[Value]] = {}
        self._seen: dict[int, tuple[int, int]] = {}  # ino -> (mtime, size) at last open
        # Directories' attributes as the server last reported them (after our own
        # changes too), so the kernel's re-reads after each create/unlink need no trip.
        self._dirs: dict[int, tuple[Attr, float]] = {}
        self.invalidate: Callable[[str, int, bytes], None] = lambda kind, ino, name: None
        self.listings = Listings(timeout)
        self._locked: set[int] = set()  # inodes this client has taken POSIX locks on
        self.handlers: dict[int, Callable[[Request], bytes | None]] = {
            k.Opcode.LOOKUP: self.lookup,
            k.Opcode.GETATTR: self.getattr,
            k.Opcode.SETATTR: self.setattr,
            k.Opcode.READLINK: self.readlink,
            k.Opcode.SYMLINK: self.symlink,
            k.Opcode.MKNOD: self.mknod,
            k.Opcode.MKDIR: self.mkdir,
            k.Opcode.UNLINK: self.unlink,
            k.Opcode.RMDIR: self.rmdir,
            k.Opcode.RENAME: self.rename,
            k.Opcode.RENAME2: self.rename,
            k.Opcode.LINK: self.link,
            k.Opcode.OPEN: self.open,
            k.Opcode.READ: self.read,
            k.Opcode.WRITE: self.write,
            k.Opcode.STATFS: self.statfs,
            k.Opcode.RELEASE: self.release,
            k.Opcode.FSYNC: self.fsync,
            k.Opcode.SETXATTR: self.setxattr,
            k.Opcode.GETXATTR: self.getxattr,
            k.Opcode.LISTXATTR: self.listxattr,
            k.Opcode.REMOVEXATTR: self.removexattr,
            k.Opcode.FLUSH: self.flush,
            k.Opcode.OPENDIR: self.opendir,
            k.Opcode.READDIR: self.readdir,
            k.Opcode.RELEASEDIR: self.releasedir,
            k.Opcode.FSYNCDIR: self.fsyncdir,
            k.Opcode.GETLK: self.getlk,
            k.Opcode.SETLK: self.setlk,
            k.Opcode.SETLKW: self.setlk,
            k.Opcode.ACCESS: self.access,
            k.Opcode.CREATE: self.create,
        }

    # -- helpers ------------------------------------------------------------------

    def sino(self, nodeid: int) -> int:
        return self.root_ino if nodeid == 1 else nodeid

    def kid(self, ino: int) -> int:
        return 1 if ino == self.root_ino else ino

    def ctx(self, r: Request) -> list[Value]:
        return [r.uid, r.gid, list(supplementary_groups(r.pid))]

    def _open_files(self, ino: int) -> list[OpenFile]:
        with self._lock:
            return [f for f in self.files.values() if f.ino == ino]

    def _pending_size(self, ino: int) -> int | None:
        ends = [f.written_end for f in self._open_files(ino) if f.dirty]
        return max(ends) if ends else None

    def _size(self, attr: Attr) -> int:
        pending = self._pending_size(attr.ino)
        return attr.size if pending is None else max(attr.size, pending)

    def _flush_ino(self, ino: int) -> None:
        for f in self._open_files(ino):
            if f.dirty:
                f.flush()

    def _remember(self, attr: Attr) -> None:
        if stat.S_ISDIR(attr.mode):
            with self._lock:
                self._dirs[attr.ino] = (attr, time.monotonic() + self.timeout)

    def _entry(self, v: Value) -> bytes:
        attr = codec.attr_in(v)
        self._remember(attr)
        return replies.entry(attr, self.kid(attr.ino), self.timeout, self._size(attr))

    def _attr(self, v: Value) -> bytes:
        attr = codec.attr_in(v)
        self._remember(attr)
        return replies.attr_out(attr, self.kid(attr.ino), self.timeout, self._size(attr))

    def _change(self, v: Value) -> Change:
        change = codec.change_in(v)
        for d in change.dirs:
            self._remember(d)
        if change.attr is not None:
            self._remember(change.attr)  # e.g. a removed directory now has no links
        return change

    def on_notify(self, value: Value) -> None:
        """The server says another client changed these: drop them here and in the kernel."""
        for item in as_list(value):
            kind, ino, *rest = as_list(item)
            ino = as_int(ino)
            with self._lock:
                self._dirs.pop(ino, None)
                self._seen.pop(ino, None)
            self.listings.drop(ino)
            if kind == "i":
                for f in self._open_files(ino):
                    f.drop_cache()
                self.invalidate("i", ino, b"")
            else:
                self.invalidate("e", ino, as_bytes(rest[0]))

    def _file(self, fh: int) -> OpenFile:
        with self._lock:
            f = self.files.get(fh)
        if f is None:
            raise FsError(errno.EBADF)
        return f

    # -- namespace ----------------------------------------------------------------

    def lookup(self, r: Request) -> bytes:
        parent, name = self.sino(r.nodeid), _name(r.body)
        if self.listings.absent(parent, name):
            raise FsError(errno.ENOENT)  # the whole directory is known here: no trip
        return self._entry(self.rpc.call(Op.LOOKUP, self.ctx(r), parent, name))

    def getattr(self, r: Request) -> bytes:
        ino = self.sino(r.nodeid)
        with self._lock:
            cached = self._dirs.get(ino)
        if cached is not None and cached[1] > time.monotonic():
            return replies.attr_out(cached[0], r.nodeid, self.timeout)
        return self._attr(self.rpc.call(Op.GETATTR, ino))

    def setattr(self, r: Request) -> bytes:
        f = k.SETATTR_IN.unpack_from(r.body)
        valid, size, atime, mtime, atime_ns, mtime_ns, mode, uid, gid = (
            f[0], f[3], f[5], f[6], f[8], f[9], f[11], f[13], f[14]
        )  # fmt: skip
        ino = self.sino(r.nodeid)
        if valid & k.FATTR_SIZE:
            self._flush_ino(ino)
        change = SetAttr(
            mode=mode & 0o7777 if valid & k.FATTR_MODE else None,
            uid=uid if valid & k.FATTR_UID else None,
            gid=gid if valid & k.FATTR_GID else None,
            size=size if valid & k.FATTR_SIZE else None,
            atime_ns=atime * 1_000_000_000 + atime_ns
            if valid & k.FATTR_ATIME and not valid & k.FATTR_ATIME_NOW
            else None,
            mtime_ns=mtime * 1_000_000_000 + mtime_ns
            if valid & k.FATTR_MTIME and not valid & k.FATTR_MTIME_NOW
            else None,
            atime_now=bool(valid & k.FATTR_ATIME_NOW),
            mtime_now=bool(valid & k.FATTR_MTIME_NOW),
            kill_suidgid=bool(valid & k.FATTR_KILL_SUIDGID),
        )
        result = self.rpc.call(Op.SETATTR, self.ctx(r), ino, codec.setattr_out(change))
        if change.size is not None:
            for of in self._open_files(ino):
                of.drop_cache()
        return self._attr(result)

    def readlink(self, r: Request) -> bytes:
        return as_bytes(self.rpc.call(Op.READLINK, self.sino(r.nodeid)))

    def _create(self, r: Request, name: bytes, mode: int, rdev: int, target: bytes | None) -> bytes:
        parent = self.sino(r.nodeid)
        try:
            out = as_list(
                self.rpc.call(Op.CREATE, self.ctx(r), parent, name, mode, rdev, target, None)
            )
        except FsError:
            self.listings.drop(parent)
            raise
        change = self._change(out[0])
        self.listings.add(parent, name)
        if change.attr is not None and stat.S_ISDIR(change.attr.mode):
            self.listings.fresh(change.attr.ino)  # a new directory: known to be empty
        return self._entry(as_list(out[0])[0])

    def symlink(self, r: Request) -> bytes:
        name, target = k.cstrings(r.body, 2)
        return self._create(r, name, stat.S_IFLNK | 0o777, 0, target)

    def mknod(self, r: Request) -> bytes:
        mode, rdev, _umask, _ = k.MKNOD_IN.unpack_from(r.body)
        return self._create(r, _name(r.body[k.MKNOD_IN.size :]), mode, rdev, None)

    def mkdir(self, r: Request) -> bytes:
        mode, _umask = k.MKDIR_IN.unpack_from(r.body)
        name = _name(r.body[k.MKDIR_IN.size :])
        return self._create(r, name, stat.S_IFDIR | (mode & 0o7777), 0, None)

    def unlink(self, r: Request) -> bytes:
        parent, name = self.sino(r.nodeid), _name(r.body)
        self._change(self.rpc.call(Op.UNLINK, self.ctx(r), parent, name))
        self.listings.remove(parent, name)
        return b""

    def rmdir(self, r: Request) -> bytes:
        parent, name = self.sino(r.nodeid), _name(r.body)
        self._change(self.rpc.call(Op.RMDIR, self.ctx(r), parent, name))
        self.listings.remove(parent, name)
        return b""

    def rename(self, r: Request) -> bytes:
        if r.opcode == k.Opcode.RENAME2:
            newdir, flags, _ = k.RENAME2_IN.unpack_from(r.body)
            rest = r.body[k.RENAME2_IN.size :]
        else:
            (newdir,), flags = k.RENAME_IN.unpack_from(r.body), 0
            rest = r.body[k.RENAME_IN.size :]
        if flags & ~k.RENAME_NOREPLACE:
            raise FsError(errno.EINVAL, "only RENAME_NOREPLACE is supported")
        old, new = k.cstrings(rest, 2)
        src, dst = self.sino(r.nodeid), self.sino(newdir)
        try:
            self._change(self.rpc.call(Op.RENAME, self.ctx(r), src, old, dst, new, flags))
        except FsError:
            self.listings.drop(src)
            self.listings.drop(dst)
            raise
        self.listings.remove(src, old)
        self.listings.add(dst, new)
        return b""

    def link(self, r: Request) -> bytes:
        (old,) = k.LINK_IN.unpack_from(r.body)
        name = _name(r.body[k.LINK_IN.size :])
        out = self.rpc.call(Op.LINK, self.ctx(r), self.sino(old), self.sino(r.nodeid), name)
        self._change(out)
        self.listings.add(self.sino(r.nodeid), name)
        return self._entry(as_list(out)[0])

    def access(self, r: Request) -> bytes:
        mask, _ = k.ACCESS_IN.unpack_from(r.body)
        self.rpc.call(Op.ACCESS, self.ctx(r), self.sino(r.nodeid), mask)
        return b""

    def statfs(self, r: Request) -> bytes:
        return replies.statfs(codec.statfs_in(self.rpc.call(Op.STATFS)))

    # -- xattrs -------------------------------------------------------------------

    def setxattr(self, r: Request) -> bytes:
        size, flags = k.SETXATTR_IN.unpack_from(r.body)
        rest = r.body[k.SETXATTR_IN.size :]
        name = _name(rest)
        value = rest[len(name) + 1 : len(name) + 1 + size]
        self.rpc.call(Op.SETXATTR, self.ctx(r), self.sino(r.nodeid), name, value, flags)
        return b""

    def _sized(self, r: Request, value: bytes) -> bytes:
        size, _ = k.GETXATTR_IN.unpack_from(r.body)
        if size == 0:
            return k.GETXATTR_OUT.pack(len(value), 0)
        if len(value) > size:
            raise FsError(errno.ERANGE)
        return value

    def getxattr(self, r: Request) -> bytes:
        name = _name(r.body[k.GETXATTR_IN.size :])
        value = as_bytes(self.rpc.call(Op.GETXATTR, self.ctx(r), self.sino(r.nodeid), name))
        return self._sized(r, value)

    def listxattr(self, r: Request) -> bytes:
        names = as_list(self.rpc.call(Op.LISTXATTR, self.ctx(r), self.sino(r.nodeid)))
        return self._sized(r, b"".join(as_bytes(n) + b"\0" for n in names))

    def removexattr(self, r: Request) -> bytes:
        self.rpc.call(Op.REMOVEXATTR, self.ctx(r), self.sino(r.nodeid), _name(r.body))
        return b""

    # -- files and directories ----------------------------------------------------

    def _opened(self, attr_v: Value, server_fh: int, flags: int) -> bytes:
        attr = codec.attr_in(attr_v)
        seen = (attr.mtime_ns, attr.size)
        keep = self._seen.get(attr.ino) == seen
        self._seen[attr.ino] = seen
        fh = next(self._fh)
        with self._lock:
            self.files[fh] = OpenFile(self.rpc, server_fh, attr.ino, flags)
        open_flags = (k.FOPEN_KEEP_CACHE if keep else 0) | (
            k.FOPEN_DIRECT_IO if flags & os.O_DIRECT else 0
        )
        return k.OPEN_OUT.pack(fh, open_flags, 0)

    def open(self, r: Request) -> bytes:
        flags, _ = k.OPEN_IN.unpack_from(r.body)
        ino = self.sino(r.nodeid)
        attr_v, sfh = as_list(self.rpc.call(Op.OPEN, self.ctx(r), ino, flags))
        return self._opened(attr_v, as_int(sfh), flags)

    def create(self, r: Request) -> bytes:
        flags, mode, _umask, _ = k.CREATE_IN.unpack_from(r.body)
        name = _name(r.body[k.CREATE_IN.size :])
        try:
            out = as_list(
                self.rpc.call(
                    Op.CREATE, self.ctx(r), self.sino(r.nodeid), name, mode, 0, None, flags
                )
            )
        except FsError:
            self.listings.drop(self.sino(r.nodeid))
            raise
        made = as_list(out[0])
        self._change(out[0])
        self.listings.add(self.sino(r.nodeid), name)
        return self._entry(made[0]) + self._opened(made[0], as_int(out[1]), flags)

    def read(self, r: Request) -> bytes:
        fh, offset, size, *_ = k.READ_IN.unpack_from(r.body)
        f = self._file(fh)
        self._flush_ino(f.ino)
        return f.read(offset, size)

    def write(self, r: Request) -> bytes:
        fh, offset, size, write_flags, *_ = k.WRITE_IN.unpack_from(r.body)
        data = r.body[k.WRITE_IN.size : k.WRITE_IN.size + size]
        f = self._file(fh)
        f.write(offset, data, bool(write_flags & k.WRITE_KILL_SUIDGID))
        for other in self._open_files(f.ino):
            if other is not f:
                other.drop_cache()
        return k.WRITE_OUT.pack(size, 0)

    def flush(self, r: Request) -> bytes:
        fh, _, _, lock_owner = k.FLUSH_IN.unpack_from(r.body)
        f = self._file(fh)
        f.flush()
        if f.uncommitted:  # close-to-open: what was written is durable once close returns
            f.uncommitted = False
            self.rpc.call(Op.FSYNC, f.server_fh)
        if f.ino in self._locked:  # POSIX: any close drops the process's locks on the file
            self.rpc.submit(Op.RELEASE_LOCKS, f.server_fh, lock_owner, False)
        return b""

    def fsyncdir(self, r: Request) -> bytes:
        fh, _, _ = k.FSYNC_IN.unpack_from(r.body)
        with self._lock:
            d = self.dirs.get(fh)
        if d is None:
            raise FsError(errno.EBADF)
        self.rpc.call(Op.FSYNC, d.server_fh)
        return b""

    def fsync(self, r: Request) -> bytes:
        fh, _, _ = k.FSYNC_IN.unpack_from(r.body)
        f = self._file(fh)
        f.flush()
        f.uncommitted = False
        self.rpc.call(Op.FSYNC, f.server_fh)
        return b""

    def release(self, r: Request) -> bytes:
        fh, *_ = k.RELEASE_IN.unpack_from(r.body)
        with self._lock:
            f = self.files.pop(fh, None)
        if f is not None:
            try:
                f.flush()
            finally:
                self.rpc.submit(Op.RELEASE, f.server_fh)  # answered in the background
        return b""

    def opendir(self, r: Request) -> bytes:
        ino = self.sino(r.nodeid)
        _, sfh = as_list(self.rpc.call(Op.OPEN, self.ctx(r), ino, os.O_RDONLY | os.O_DIRECTORY))
        fh = next(self._fh)
        with self._lock:
            self.dirs[fh] = DirHandle(as_int(sfh), ino)
        return k.OPEN_OUT.pack(fh, 0, 0)

    def readdir(self, r: Request) -> bytes:
        fh, offset, size, *_ = k.READ_IN.unpack_from(r.body)
        with self._lock:
            d = self.dirs.get(fh)
        if d is None:
            raise FsError(errno.EBADF)
        if d.entries is None or offset == 0:
            generation = self.listings.generation(d.ino)
            me = self.kid(d.ino)
            entries = [(b".", me, stat.S_IFDIR), (b"..", me, stat.S_IFDIR)]
            after: bytes | None = None
            while True:
                page = as_list(self.rpc.call(Op.READDIR, self.ctx(r), d.ino, after, 1000))
                for item in page:
                    name_v, attr_v = as_list(item)
                    attr = codec.attr_in(attr_v)
                    entries.append((as_bytes(name_v), self.kid(attr.ino), attr.mode))
                if len(page) < 1000:
                    break
                after = entries[-1][0]
            d.entries = entries
            self.listings.store(d.ino, [e[0] for e in entries[2:]], generation)
        return replies.dirents(d.entries, offset, size)

    def releasedir(self, r: Request) -> bytes:
        fh, *_ = k.RELEASE_IN.unpack_from(r.body)
        with self._lock:
            d = self.dirs.pop(fh, None)
        if d is not None:
            self.rpc.submit(Op.RELEASE, d.server_fh)
        return b""

    # -- locks --------------------------------------------------------------------

    def getlk(self, r: Request) -> bytes:
        fh, owner, start, end, type_, pid, lk_flags, _ = k.LK_IN.unpack_from(r.body)
        f = self._file(fh)
        out = as_list(
            self.rpc.call(
                Op.GETLK, f.server_fh, owner, start, end, type_, pid, bool(lk_flags & k.LK_FLOCK)
            )
        )
        t, s, e, p = (as_int(v) for v in out)
        return k.LK_OUT.pack(s, e, t, p)

    def setlk(self, r: Request) -> bytes:
        fh, owner, start, end, type_, pid, lk_flags, _ = k.LK_IN.unpack_from(r.body)
        f = self._file(fh)
        wait = r.opcode == k.Opcode.SETLKW
        flock = bool(lk_flags & k.LK_FLOCK)
        if not flock:
            self._locked.add(f.ino)
        fut = self.rpc.submit(Op.SETLK, f.server_fh, owner, start, end, type_, pid, flock, wait)
        if wait:
            with self._lock:
                self._waits[r.unique] = fut
        try:
            fut.result()
        finally:
            if wait:
                with self._lock:
                    self._waits.pop(r.unique, None)
        return b""

    def interrupt(self, unique: int) -> None:
        with self._lock:
            fut = self._waits.get(unique)
        if fut is not None:
            self.rpc.cancel(fut)
