"""Creates and unlinks answered before the server has (see ``mount/pipelined``)."""

from __future__ import annotations

import errno
import logging
import os
import stat
import time

from fogbank.mount import kernel as k
from fogbank.mount.files import OpenFile
from fogbank.mount.ops_base import Request, _name
from fogbank.mount.ops_files import FileOps
from fogbank.mount.pipelined import Pipelined
from fogbank.services.efs.fs.model import Attr, FsError, Identity
from fogbank.services.efs.fs.perms import new_owner
from fogbank.services.efs.rpc import codec
from fogbank.services.efs.rpc.client import RpcClient
from fogbank.services.efs.rpc.wire import Op, Value, as_int, as_list

log = logging.getLogger(__name__)
RESERVE = 1024  # inode numbers asked for at a time


class PipelinedOps(FileOps):
    def __init__(self, rpc: RpcClient, root_ino: int, timeout: float = 1.0) -> None:
        super().__init__(rpc, root_ino, timeout)
        # The runner turns pipelining on when the kernel's permission checks match the
        # server's (no access point identity), root is not squashed or the caller is not
        # root, and the mount is writable.
        self.pipelining = False
        self.root_access = True  # False: the server squashes root to nobody
        self.pending = Pipelined()

    def _stamped_dir(self, r: Request, parent: int) -> tuple[Attr, Attr, int] | None:
        """The directory's cached attributes, as they are after a change now, and the
        change's time; None if this change cannot be answered here."""
        if not self.pipelining or (r.uid == 0 and not self.root_access):
            return None
        with self._lock:
            cached = self._dirs.get(parent)
            if cached is None or cached[1] <= time.monotonic():
                return None
            stamp = self.pending.stamp(cached[0])
            if stamp is None:
                return None
            after = cached[0].touched(stamp)
            self._dirs[parent] = (after, cached[1])
        return cached[0], after, stamp

    # -- unlink -------------------------------------------------------------------

    def unlink(self, r: Request) -> bytes:
        parent, name = self.sino(r.nodeid), _name(r.body)
        if self.listings.present(parent, name):
            stamped = self._stamped_dir(r, parent)
            if stamped is not None:
                self.listings.remove(parent, name)
                self.pending.begin(parent)
                self.rpc.pipeline(
                    Op.UNLINK,
                    (self.ctx(r), parent, name, stamped[2]),
                    lambda err, out: self._answered(err, out, parent, name, None, stamped[2]),
                )
                return b""
        with self._lock:
            cached = self._dirs.get(parent)
        stamp = None if cached is None else self.pending.stamp(cached[0])
        sent = time.time_ns()
        change = self._change(self.rpc.call(Op.UNLINK, self.ctx(r), parent, name, stamp))
        if change.dirs and change.dirs[0].mtime_ns != stamp:
            self.pending.learn(sent, change.dirs[0])
        self.listings.remove(parent, name)
        return b""

    # -- create (a regular file, opened) ------------------------------------------

    def create(self, r: Request) -> bytes:
        flags, mode, _umask, _ = k.CREATE_IN.unpack_from(r.body)
        name = _name(r.body[k.CREATE_IN.size :])
        parent = self.sino(r.nodeid)
        if not (self.pipelining and stat.S_ISREG(mode) and self.listings.absent(parent, name)):
            return self._create_now(r, parent)
        ino = self.pending.take_ino()
        if ino is None:
            first = as_int(self.rpc.call(Op.RESERVE, RESERVE))
            self.pending.add_inos(first, RESERVE)
            ino = self.pending.take_ino()
        stamped = None if ino is None else self._stamped_dir(r, parent)
        if ino is None or stamped is None:
            if ino is not None:
                self.pending.add_inos(ino, 1)
            return self._create_now(r, parent)
        before, _after, stamp = stamped
        groups = self.groups(r.pid)
        uid, gid, new_mode = new_owner(Identity(r.uid, r.gid, tuple(groups)), before, mode)
        attr = Attr(ino, new_mode, 1, uid, gid, 0, stamp, stamp, stamp)
        fh = self.pending.next_fh()
        self.listings.add(parent, name)
        self.pending.begin(parent)
        self.rpc.pipeline(
            Op.CREATE,
            ([r.uid, r.gid, list(groups)], parent, name, mode, 0, None, flags, [ino, fh, stamp]),
            lambda err, out: self._answered(err, out, parent, name, attr, stamp),
        )
        self._seen[ino] = (stamp, 0)
        local = next(self._fh)
        with self._lock:
            self.files[local] = OpenFile(self.rpc, fh, ino, flags)
        entry = self._entry(codec.attr_out(attr))
        direct = k.FOPEN_DIRECT_IO if flags & os.O_DIRECT else 0
        return entry + k.OPEN_OUT.pack(local, direct, 0)

    def _create_now(self, r: Request, parent: int) -> bytes:
        """A create the server answers first; the first one tells this client the
        server's clock."""
        sent = time.time_ns()
        out = super().create(r)
        if self.pending.offset_ns is None:
            with self._lock:
                cached = self._dirs.get(parent)
            if cached is not None:
                self.pending.learn(sent, cached[0])
        return out

    def _send_release(self, server_fh: int) -> None:
        if not self.pipelining:
            super()._send_release(server_fh)
            return
        # answered in the background, not held behind pipelined creates
        self.rpc.pipeline(Op.RELEASE, (server_fh,), _ignore)

    # -- answers --------------------------------------------------------------------

    def _late_error(self, ino: int) -> FsError | None:
        return self.pending.take_error(ino)

    def _answered(
        self,
        err: FsError | None,
        out: Value,
        parent: int,
        name: bytes,
        made: Attr | None,
        stamp: int,
    ) -> None:
        """The server's answer to a pipelined unlink (``made`` None) or create (on the RPC
        reader thread)."""
        if err is not None:
            self.pending.end(parent, None)
            # An unlink's ENOENT: the name is gone anyway (another client removed it).
            if made is not None or err.errno != errno.ENOENT:
                what = "unlink" if made is None else "create"
                log.warning(
                    "%s of %r in %d failed after it was answered: %s", what, name, parent, err
                )
                self.pending.fail(parent, err)
            with self._lock:
                self._dirs.pop(parent, None)
            self.listings.drop(parent)
            self.invalidate("e", parent, name)
            self.invalidate("i", parent, b"")
            return
        if made is None:  # an unlink: only the directory's attributes matter
            dirs = codec.change_dirs_in(out)
        else:
            change = codec.change_in(as_list(out)[0])
            dirs = change.dirs
            if change.attr is not None and change.attr != made:
                self.invalidate("i", made.ino, b"")  # the kernel holds what this client made
        if dirs and dirs[0].mtime_ns != stamp:  # the server's clock moved
            self.pending.learn(time.time_ns(), dirs[0])
        newest = self.pending.end(parent, dirs[0] if dirs else None)
        if newest is None:
            return
        with self._lock:  # the last one in flight here: the server's word stands
            current = self._dirs.get(parent)
            if current is None or current[0] == newest:
                return
            self._dirs[parent] = (newest, time.monotonic() + self.timeout)
        self.invalidate("i", parent, b"")


def _ignore(_err: FsError | None, _out: Value) -> None:
    """A RELEASE's answer: nothing to do (the server keeps the file while it is open)."""
