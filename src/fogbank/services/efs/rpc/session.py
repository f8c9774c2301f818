"""One mounted client's session: identity mapping, the inodes it may name, its open
files and locks, and the dispatch of its requests to the file system."""

from __future__ import annotations

import asyncio
import errno
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fogbank.services.efs.fs.filesystem import FileSystem
from fogbank.services.efs.fs.model import Attr, Change, FsError, Identity
from fogbank.services.efs.fs.perms import squash
from fogbank.services.efs.rpc import codec
from fogbank.services.efs.rpc.auth import PosixUser
from fogbank.services.efs.rpc.batch import Outcome, run_batch, status_of
from fogbank.services.efs.rpc.locks import F_UNLCK, LockTable
from fogbank.services.efs.rpc.wire import Op, Value, as_bytes, as_int, as_list

_WRITE_OPS = frozenset(
    {Op.SETATTR, Op.CREATE, Op.LINK, Op.UNLINK, Op.RMDIR, Op.RENAME, Op.WRITE}
    | {Op.SETXATTR, Op.REMOVEXATTR}
)


Broadcast = Callable[[str, list[Value]], None]  # (origin session, events)
RESERVE_MAX = 4096  # inode numbers one RESERVE hands out at most
CLIENT_FH = 1 << 48  # handle numbers from here on are proposed by the client
_NO_CALLER = object()


@dataclass
class Handle:
    ino: int
    flags: int


class Session:
    def __init__(
        self,
        session_id: str,
        fs: FileSystem,
        locks: LockTable,
        root_ino: int,
        posix_user: PosixUser | None,
        root_access: bool,
        read_only: bool,
        broadcast: Broadcast | None = None,
    ) -> None:
        self.id = session_id
        # Tells the file system's other clients which cached entries and inodes to drop.
        self.broadcast: Broadcast = broadcast or (lambda origin, events: None)
        self.fs = fs
        self.locks = locks
        self.root_ino = root_ino
        self.posix_user = posix_user
        self.root_access = root_access
        self.read_only = read_only
        self._known: set[int] = {root_ino}
        # The last caller's identity as sent (nothing a client sends equals the marker
        # it starts as), and as taken.
        self._last_ctx: object = _NO_CALLER
        self._last_ident = Identity(65534, 65534, ())
        self._handles: dict[int, Handle] = {}
        self._fh = itertools.count(1)
        self._reserved: set[int] = set()  # inode numbers reserved for this client's creates
        # Handles of creates the client answered before the server (pipelined): a RELEASE
        # sent right after waits for the create.
        self._creating: dict[int, asyncio.Future[None]] = {}
        self._ops: dict[int, Callable[[list[Value]], Awaitable[Value]]] = {
            Op.LOOKUP: self._lookup,
            Op.GETATTR: self._getattr,
            Op.SETATTR: self._setattr,
            Op.CREATE: self._create,
            Op.LINK: self._link,
            Op.UNLINK: self._unlink,
            Op.RMDIR: self._rmdir,
            Op.RENAME: self._rename,
            Op.READDIR: self._readdir,
            Op.READLINK: self._readlink,
            Op.OPEN: self._open,
            Op.RELEASE: self._release,
            Op.READ: self._read,
            Op.WRITE: self._write,
            Op.FSYNC: self._fsync,
            Op.STATFS: self._statfs,
            Op.GETXATTR: self._getxattr,
            Op.SETXATTR: self._setxattr,
            Op.LISTXATTR: self._listxattr,
            Op.REMOVEXATTR: self._removexattr,
            Op.ACCESS: self._access,
            Op.GETLK: self._getlk,
            Op.SETLK: self._setlk,
            Op.RELEASE_LOCKS: self._release_locks,
            Op.RESERVE: self._reserve,
            Op.BATCH: lambda a: run_batch(self.dispatch, as_list(a[0]), {Op.UNLINK: self._unlinks}),
        }

    async def dispatch(self, op: int, args: list[Value]) -> Value:
        handler = self._ops.get(op)
        if handler is None:
            raise FsError(errno.ENOSYS)
        if self.read_only and op in _WRITE_OPS:
            raise FsError(errno.EROFS)
        return await handler(args)

    async def close(self) -> None:
        """The client went away: drop its locks and close what it had open."""
        self.locks.drop_session(self.id)
        handles, self._handles = self._handles, {}
        for handle in handles.values():
            await self.fs.release(handle.ino)

    # -- helpers ------------------------------------------------------------------

    def _ident(self, v: Value) -> Identity:
        if self.posix_user is not None:  # an access point forces its POSIX identity
            pu = self.posix_user
            return Identity(pu.uid, pu.gid, pu.secondary_gids)
        if v == self._last_ctx:  # a burst of requests comes from one caller
            return self._last_ident
        ident = codec.ident_in(v)
        ident = ident if self.root_access else squash(ident)
        self._last_ctx, self._last_ident = v, ident
        return ident

    def _ino(self, v: Value) -> int:
        ino = as_int(v)
        if ino not in self._known:
            raise FsError(errno.ESTALE, "inode not handed to this client")
        return ino

    def _hand_out(self, attr: Attr) -> list[Value]:
        self._known.add(attr.ino)
        return codec.attr_out(attr)

    def _handle(self, v: Value) -> Handle:
        handle = self._handles.get(as_int(v))
        if handle is None:
            raise FsError(errno.EBADF)
        return handle

    def _new_handle(self, ino: int, flags: int) -> int:
        fh = next(self._fh)
        self._handles[fh] = Handle(ino, flags)
        return fh

    # -- namespace ----------------------------------------------------------------

    async def _lookup(self, a: list[Value]) -> Value:
        parent, name = self._ino(a[1]), as_bytes(a[2])
        if parent == self.root_ino and name == b"..":
            name = b"."  # nothing above the mount's root is reachable
        return self._hand_out(await self.fs.lookup(self._ident(a[0]), parent, name))

    async def _getattr(self, a: list[Value]) -> Value:
        return codec.attr_out(await self.fs.getattr(self._ino(a[0])))

    async def _setattr(self, a: list[Value]) -> Value:
        change, ino = codec.setattr_in(a[2]), self._ino(a[1])
        attr = await self.fs.setattr(self._ident(a[0]), ino, change)
        self.broadcast(self.id, [["i", ino]])
        return codec.attr_out(attr)

    def _changed(self, change: Change) -> list[Value]:
        return codec.change_out(change)

    async def _reserve(self, a: list[Value]) -> Value:
        count = as_int(a[0])
        if not 0 < count <= RESERVE_MAX:
            raise FsError(errno.EINVAL, "reserve 1 to 4096 inode numbers")
        first = await self.fs.reserve_inos(count)
        self._reserved.update(range(first, first + count))
        return first

    async def _create(self, a: list[Value]) -> Value:
        ident, parent, name = self._ident(a[0]), self._ino(a[1]), as_bytes(a[2])
        target = None if a[5] is None else as_bytes(a[5])
        flags = None if a[6] is None else as_int(a[6])
        # A pipelined create: [reserved inode number, handle number, proposed time].
        plan = as_list(a[7]) if len(a) > 7 and a[7] is not None else None
        if plan is None:
            return await self._create_now(ident, parent, name, a, target, flags)
        ino, fh, stamp = as_int(plan[0]), as_int(plan[1]), as_int(plan[2])
        if ino not in self._reserved or flags is None:
            raise FsError(errno.EINVAL, "inode number not reserved by this client")
        if fh < CLIENT_FH or fh in self._handles or fh in self._creating:
            raise FsError(errno.EINVAL, "handle number taken")
        self._reserved.discard(ino)
        self._handles[fh] = Handle(ino, flags)  # before any wait: a RELEASE may follow
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._creating[fh] = done
        try:
            change = await self.fs.create(
                ident, parent, name, as_int(a[3]), as_int(a[4]), None, True, ino, stamp
            )
        except BaseException:
            self._handles.pop(fh, None)
            raise
        finally:
            del self._creating[fh]
            done.set_result(None)
        self._known.add(ino)
        self.broadcast(self.id, [["e", parent, name], ["i", parent]])
        return [self._changed(change), fh]

    async def _create_now(
        self,
        ident: Identity,
        parent: int,
        name: bytes,
        a: list[Value],
        target: bytes | None,
        flags: int | None,
    ) -> Value:
        change = await self.fs.create(
            ident, parent, name, as_int(a[3]), as_int(a[4]), target, flags is not None
        )
        assert change.attr is not None
        self._known.add(change.attr.ino)
        fh = None if flags is None else self._new_handle(change.attr.ino, flags)
        self.broadcast(self.id, [["e", parent, name], ["i", parent]])
        return [self._changed(change), fh]

    async def _link(self, a: list[Value]) -> Value:
        ino, parent, name = self._ino(a[1]), self._ino(a[2]), as_bytes(a[3])
        change = await self.fs.link(self._ident(a[0]), ino, parent, name)
        assert change.attr is not None
        self._known.add(change.attr.ino)
        self.broadcast(self.id, [["e", parent, name], ["i", parent], ["i", ino]])
        return self._changed(change)

    def _unlink_args(self, a: list[Value]) -> tuple[Identity, int, bytes, int | None]:
        stamp = as_int(a[3]) if len(a) > 3 and a[3] is not None else None
        return self._ident(a[0]), self._ino(a[1]), as_bytes(a[2]), stamp

    def _unlinked(self, parent: int, name: bytes, change: Change) -> list[Value]:
        """What other clients must drop after an unlink (see ``broadcast``)."""
        gone: list[Value] = [["i", change.attr.ino]] if change.attr is not None else []
        return [["e", parent, name], ["i", parent], *gone]

    async def _unlink(self, a: list[Value]) -> Value:
        ident, parent, name, stamp = self._unlink_args(a)
        change = await self.fs.unlink(ident, parent, name, stamp)
        self.broadcast(self.id, self._unlinked(parent, name, change))
        return self._changed(change)

    async def _unlinks(self, requests: list[list[Value]]) -> list[Outcome]:
        """Consecutive pipelined unlinks of a batch, in one write."""
        if self.read_only:
            raise FsError(errno.EROFS)
        valid, refused = [], {}
        for i, a in enumerate(requests):
            try:
                valid.append(self._unlink_args(a))
            except (FsError, ValueError, IndexError, TypeError) as exc:
                refused[i] = (status_of(exc, Op.UNLINK), None)
        done = await self.fs.unlink_many(valid)
        # Each directory's attributes go back once, with its last unlink here that was
        # made: the client keeps the newest the server reported and compares them with
        # its own when its last change in the directory is answered.
        last = {
            a[1]: i
            for i, (a, c) in enumerate(zip(valid, done, strict=True))
            if not isinstance(c, FsError)
        }
        changes, args = iter(enumerate(done)), iter(valid)
        out: list[Outcome] = []
        events: list[Value] = []
        for i in range(len(requests)):
            if i in refused:
                out.append(refused[i])
                continue
            (_, parent, name, _), (n, change) = next(args), next(changes)
            if isinstance(change, FsError):
                out.append((change.errno, None))
                continue
            events += self._unlinked(parent, name, change)
            # The removed inode's attributes stay here: the client that pipelined the
            # unlink has no use for them (11 integers less to encode and decode).
            out.append((0, self._changed(Change(None, change.dirs if last[parent] == n else ()))))
        if events:
            self.broadcast(self.id, events)
        return out

    async def _rmdir(self, a: list[Value]) -> Value:
        parent, name = self._ino(a[1]), as_bytes(a[2])
        change = await self.fs.rmdir(self._ident(a[0]), parent, name)
        gone: list[Value] = [["i", change.attr.ino]] if change.attr is not None else []
        self.broadcast(self.id, [["e", parent, name], ["i", parent], *gone])
        return self._changed(change)

    async def _rename(self, a: list[Value]) -> Value:
        op, on, np, nn = self._ino(a[1]), as_bytes(a[2]), self._ino(a[3]), as_bytes(a[4])
        change = await self.fs.rename(
            self._ident(a[0]), op, on, np, nn, noreplace=bool(as_int(a[5]) & 1)
        )
        self.broadcast(self.id, [["e", op, on], ["e", np, nn], ["i", op], ["i", np]])
        return self._changed(change)

    async def _readdir(self, a: list[Value]) -> Value:
        after = None if a[2] is None else as_bytes(a[2])
        entries = await self.fs.readdir(self._ident(a[0]), self._ino(a[1]), after, as_int(a[3]))
        return [[e.name, self._hand_out(e.attr)] for e in entries]

    async def _readlink(self, a: list[Value]) -> Value:
        return await self.fs.readlink(self._ino(a[0]))

    # -- files --------------------------------------------------------------------

    async def _open(self, a: list[Value]) -> Value:
        ino, flags = self._ino(a[1]), as_int(a[2])
        if self.read_only and flags & 3:
            raise FsError(errno.EROFS)
        attr = await self.fs.open(self._ident(a[0]), ino, flags)
        return [codec.attr_out(attr), self._new_handle(ino, flags)]

    async def _release(self, a: list[Value]) -> Value:
        creating = self._creating.get(as_int(a[0]))
        if creating is not None:
            await creating
        handle = self._handles.pop(as_int(a[0]), None)
        if handle is not None:
            self.locks.release_owner(handle.ino, (self.id, as_int(a[0])), flock=True)
            await self.fs.release(handle.ino)
        return None

    async def _read(self, a: list[Value]) -> Value:
        handle = self._handle(a[0])
        return await self.fs.read(handle.ino, as_int(a[1]), as_int(a[2]))

    async def _write(self, a: list[Value]) -> Value:
        handle = self._handle(a[0])
        if handle.flags & 3 == 0:
            raise FsError(errno.EBADF)
        attr = await self.fs.write(handle.ino, as_int(a[1]), as_bytes(a[2]), bool(a[3]))
        self.broadcast(self.id, [["i", handle.ino]])
        return codec.attr_out(attr)

    async def _fsync(self, a: list[Value]) -> Value:
        await self.fs.commit(self._handle(a[0]).ino)
        return None

    async def _statfs(self, a: list[Value]) -> Value:
        return codec.statfs_out(await self.fs.statfs())

    async def _access(self, a: list[Value]) -> Value:
        mask = as_int(a[2])
        if self.read_only and mask & 2:
            raise FsError(errno.EROFS)
        await self.fs.access(self._ident(a[0]), self._ino(a[1]), mask)
        return None

    # -- xattrs -------------------------------------------------------------------

    async def _getxattr(self, a: list[Value]) -> Value:
        return await self.fs.getxattr(self._ident(a[0]), self._ino(a[1]), as_bytes(a[2]))

    async def _setxattr(self, a: list[Value]) -> Value:
        ino = self._ino(a[1])
        await self.fs.setxattr(self._ident(a[0]), ino, as_bytes(a[2]), as_bytes(a[3]), as_int(a[4]))
        self.broadcast(self.id, [["i", ino]])
        return None

    async def _listxattr(self, a: list[Value]) -> Value:
        return list(await self.fs.listxattr(self._ident(a[0]), self._ino(a[1])))

    async def _removexattr(self, a: list[Value]) -> Value:
        ino = self._ino(a[1])
        await self.fs.removexattr(self._ident(a[0]), ino, as_bytes(a[2]))
        self.broadcast(self.id, [["i", ino]])
        return None

    # -- locks: [fh, owner, start, end, type, pid, flock(, wait)] -----------------

    async def _getlk(self, a: list[Value]) -> Value:
        handle = self._handle(a[0])
        flock = bool(a[6])
        owner = (self.id, as_int(a[0]) if flock else as_int(a[1]))
        found = self.locks.test(handle.ino, owner, as_int(a[2]), as_int(a[3]), as_int(a[4]), flock)
        if found is None:
            return [F_UNLCK, 0, 0, 0]
        return [found.type, found.start, found.end, found.pid]

    async def _setlk(self, a: list[Value]) -> Value:
        handle = self._handle(a[0])
        flock = bool(a[6])
        owner = (self.id, as_int(a[0]) if flock else as_int(a[1]))
        await self.locks.acquire(
            handle.ino, owner, as_int(a[2]), as_int(a[3]), as_int(a[4]), as_int(a[5]), flock,
            wait=bool(a[7]),
        )  # fmt: skip
        return None

    async def _release_locks(self, a: list[Value]) -> Value:
        handle = self._handle(a[0])
        flock = bool(a[2])
        owner = (self.id, as_int(a[0]) if flock else as_int(a[1]))
        self.locks.release_owner(handle.ino, owner, flock)
        return None


def args_of(value: Value) -> list[Value]:
    return as_list(value)
