"""FUSE requests translated to data-plane calls. Runs on several threads at once."""

from __future__ import annotations

import errno
import stat
import time
from collections.abc import Callable

from fogbank.mount import kernel as k
from fogbank.mount import replies
from fogbank.mount.ops_base import Request, _name
from fogbank.mount.ops_pipelined import PipelinedOps
from fogbank.services.efs.fs.model import NAME_MAX, FsError, SetAttr
from fogbank.services.efs.rpc import codec
from fogbank.services.efs.rpc.client import RpcClient
from fogbank.services.efs.rpc.wire import Op, as_bytes, as_list

__all__ = ["FuseOps", "Request"]
CATCH_UP_S = 0.005  # how long a lookup waits for frames in hand before asking the server


class FuseOps(PipelinedOps):
    def __init__(self, rpc: RpcClient, root_ino: int, timeout: float = 1.0) -> None:
        super().__init__(rpc, root_ino, timeout)
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

    # -- namespace ----------------------------------------------------------------

    def lookup(self, r: Request) -> bytes:
        parent, name = self.sino(r.nodeid), _name(r.body)
        if len(name) > NAME_MAX:
            raise FsError(errno.ENAMETOOLONG)
        # The whole directory is known here: no trip, once every notice of other clients'
        # changes that has reached this client is applied (close-to-open across mounts).
        if (
            self.listings.absent(parent, name)
            and self.rpc.catch_up(CATCH_UP_S)
            and self.listings.absent(parent, name)
        ):
            raise FsError(errno.ENOENT)
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
