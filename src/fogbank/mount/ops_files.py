"""FUSE handlers for open files and directories, and advisory locks."""

from __future__ import annotations

import errno
import os
import stat

from fogbank.mount import kernel as k
from fogbank.mount import replies
from fogbank.mount.files import OpenFile
from fogbank.mount.ops_base import DirHandle, OpsBase, Request, _name
from fogbank.services.efs.fs.model import FsError
from fogbank.services.efs.rpc import codec
from fogbank.services.efs.rpc.wire import Op, Value, as_bytes, as_int, as_list


class FileOps(OpsBase):
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
        self.rpc.call(Op.FSYNC, d.server_fh)  # after every pipelined unlink is answered
        late = self._late_error(d.ino)
        if late is not None:
            raise late
        return b""

    def _late_error(self, ino: int) -> FsError | None:
        """An error the server returned for a change already answered (pipelined)."""
        return None

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
                self._send_release(f.server_fh)
        return b""

    def _send_release(self, server_fh: int) -> None:
        self.rpc.submit(Op.RELEASE, server_fh)  # answered in the background

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
