"""One file system's POSIX operations: each one transaction, bytes moved in threads."""

from __future__ import annotations

import asyncio
import errno
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TypeVar

from fogbank.core.clock import Clock
from fogbank.services.efs.fs import attrs, data, namespace, perms
from fogbank.services.efs.fs.blocks import BlockCodec, BlockStore
from fogbank.services.efs.fs.checksum import block_checksum
from fogbank.services.efs.fs.data import BlockRef
from fogbank.services.efs.fs.keyed_lock import KeyedLocks
from fogbank.services.efs.fs.model import (
    BLOCK_SIZE,
    INFREQUENT_ACCESS,
    Attr,
    Change,
    DirEntry,
    FsError,
    Identity,
    SetAttr,
    StatFs,
)
from fogbank.services.efs.fs.tables import Tx, as_int
from fogbank.storage.db import Conn, Database

T = TypeVar("T")
# How far a client's proposed time for a change may be from the server's clock to be
# used (a pipelined unlink: the client has already answered with it).
STAMP_TOLERANCE_NS = 1_000_000_000
_TOUCH_EVERY_S = 60.0  # how stale ``accessed_at`` may get before a read refreshes it


class FileSystem:
    def __init__(
        self,
        fs_id: str,
        db: Database,
        blocks: BlockStore,
        codec: BlockCodec,
        clock: Clock,
        io: Executor,
        durable: Database | None = None,
    ) -> None:
        """``db`` carries every operation; if its commits are not durable by themselves
        (``DbSettings.durable_commits=False``), ``durable`` is the store's durable handle,
        used for the barrier that fsync and close wait for."""
        self.fs_id = fs_id
        self._db = db
        self._durable = durable
        self._blocks = blocks
        self._codec = codec
        self._clock = clock
        self._io = io
        self._opens: Counter[int] = Counter()
        self._orphans: set[int] = set()  # unlinked while open: reaped at the last close
        # Block files written but not yet fsynced, per inode: made durable by ``commit``
        # (fsync, close), like NFS's unstable writes and COMMIT.
        self._unsynced: dict[int, list[str]] = {}
        self._block_locks = KeyedLocks()

    # -- plumbing -----------------------------------------------------------------

    def _tx(self, conn: Conn, stamp_ns: int | None = None) -> Tx:
        sim = self._clock.time()
        offset_ns = int((sim - self._clock.real_time()) * 1e9)
        now_ns = time.time_ns() + offset_ns
        if stamp_ns is not None and abs(stamp_ns - now_ns) <= STAMP_TOLERANCE_NS:
            now_ns = stamp_ns  # the time the client told its caller (pipelined changes)
        return Tx(conn, self.fs_id, now_ns, sim)

    async def _write(self, fn: Callable[[Tx], T], stamp_ns: int | None = None) -> T:
        return await self._db.write(lambda conn: fn(self._tx(conn, stamp_ns)))

    async def _read(self, fn: Callable[[Tx], T]) -> T:
        return await self._db.read(lambda conn: fn(self._tx(conn)))

    async def _thread(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._io, fn)

    async def _free(self, keys: list[str]) -> None:
        if keys:
            await self._thread(lambda: self._blocks.delete(self.fs_id, keys))

    def is_open(self, ino: int) -> bool:
        return self._opens[ino] > 0

    # -- namespace ----------------------------------------------------------------

    async def lookup(self, ident: Identity, parent: int, name: bytes) -> Attr:
        return await self._read(lambda tx: namespace.lookup(tx, ident, parent, name))

    async def getattr(self, ino: int) -> Attr:
        return await self._read(lambda tx: tx.get(ino))

    async def parent_of(self, ino: int) -> int:
        return await self._read(lambda tx: tx.parent_of(ino))

    async def create(
        self,
        ident: Identity,
        parent: int,
        name: bytes,
        mode: int,
        rdev: int = 0,
        target: bytes | None = None,
        open_after: bool = False,
        ino: int | None = None,
        stamp_ns: int | None = None,
    ) -> Change:
        """``ino``: a number from ``reserve_inos``; ``stamp_ns`` as for ``unlink``."""
        change = await self._write(
            lambda tx: namespace.create(tx, ident, parent, name, mode, rdev, target, ino),
            stamp_ns,
        )
        if open_after and change.attr is not None:
            self._opens[change.attr.ino] += 1
        return change

    async def reserve_inos(self, count: int) -> int:
        """The first of ``count`` inode numbers no create will take unless given them."""
        return await self._write(lambda tx: tx.allocate_ino(count))

    async def link(self, ident: Identity, ino: int, parent: int, name: bytes) -> Change:
        return await self._write(
            lambda tx: Change(namespace.link(tx, ident, ino, parent, name), (tx.get(parent),))
        )

    def _keep_if_open(self, ino: int) -> bool:
        """Asked when an inode loses its last name: kept (an orphan) while open."""
        if kept := self.is_open(ino):
            self._orphans.add(ino)
        return kept

    def _remove(
        self, tx: Tx, remove: namespace.Remove, ident: Identity, parent: int, name: bytes
    ) -> tuple[list[str], Change]:
        """Remove a name; the change carries the victim's new attributes if it lives on."""
        done = remove(tx, ident, parent, name, self._keep_if_open)
        # The victim lives on if it has other names or is still open (None once purged).
        after = tx.current(done.ino) if done.ino != parent else None
        return done.freed, Change(after, (done.dir_after,))

    async def unlink(
        self, ident: Identity, parent: int, name: bytes, stamp_ns: int | None = None
    ) -> Change:
        """``stamp_ns``: a time the client proposes, used if within STAMP_TOLERANCE_NS."""
        (change,) = await self.unlink_many([(ident, parent, name, stamp_ns)])
        if isinstance(change, FsError):
            raise change
        return change

    async def unlink_many(
        self, requests: list[tuple[Identity, int, bytes, int | None]]
    ) -> list[Change | FsError]:
        """Unlinks in one write, each succeeding or failing alone (see namespace.unlink).
        A directory is read once and its times updated once, to those of its last
        unlink here, as they would be after the unlinks one by one."""

        def run(conn: Conn) -> list[tuple[list[str], Change] | FsError]:
            out: list[tuple[list[str], Change] | FsError] = []
            dirs: dict[int, Attr] = {}  # directory -> its attributes after the last unlink
            last: dict[int, Tx] = {}  # directory -> the transaction of its last unlink
            for ident, parent, name, stamp_ns in requests:
                try:
                    tx = self._tx(conn, stamp_ns)
                    done = namespace.unlink(
                        tx, ident, parent, name, self._keep_if_open, dirs.get(parent), False
                    )
                except FsError as exc:
                    out.append(exc)
                    continue
                dirs[parent], last[parent] = done.dir_after, tx
                out.append((done.freed, Change(tx.current(done.ino), (done.dir_after,))))
            for parent, tx in last.items():
                tx.touch_dir(parent)
            return out

        done = await self._db.write(run)
        await self._free([key for d in done if not isinstance(d, FsError) for key in d[0]])
        return [d if isinstance(d, FsError) else d[1] for d in done]

    async def rmdir(self, ident: Identity, parent: int, name: bytes) -> Change:
        freed, change = await self._write(
            lambda tx: self._remove(tx, namespace.rmdir, ident, parent, name)
        )
        await self._free(freed)
        return change

    async def rename(
        self,
        ident: Identity,
        old_parent: int,
        old_name: bytes,
        new_parent: int,
        new_name: bytes,
        noreplace: bool = False,
    ) -> Change:
        def run(tx: Tx) -> tuple[list[str], Change]:
            freed = namespace.rename(
                tx, ident, old_parent, old_name, new_parent, new_name, self._keep_if_open, noreplace
            )
            dirs = {old_parent, new_parent}
            return freed, Change(None, tuple(tx.get(d) for d in sorted(dirs)))

        freed, change = await self._write(run)
        await self._free(freed)
        return change

    async def readdir(
        self, ident: Identity, ino: int, after: bytes | None, limit: int = 1000
    ) -> list[DirEntry]:
        return await self._read(lambda tx: namespace.readdir(tx, ident, ino, after, limit))

    async def readlink(self, ino: int) -> bytes:
        return await self._read(lambda tx: attrs.readlink(tx, ino))

    # -- attributes ---------------------------------------------------------------

    async def setattr(self, ident: Identity, ino: int, change: SetAttr) -> Attr:
        if change.size is not None:
            last = change.size // BLOCK_SIZE
            async with self._block_locks.hold([(ino, last)]):
                attr, freed = await self._write(lambda tx: attrs.setattr(tx, ident, ino, change))
        else:
            attr, freed = await self._write(lambda tx: attrs.setattr(tx, ident, ino, change))
        await self._free(freed)
        return attr

    async def access(self, ident: Identity, ino: int, mask: int) -> None:
        attr = await self.getattr(ino)
        perms.require(ident, attr, mask & 7)

    async def getxattr(self, ident: Identity, ino: int, name: bytes) -> bytes:
        return await self._read(lambda tx: attrs.getxattr(tx, ident, ino, name))

    async def setxattr(
        self, ident: Identity, ino: int, name: bytes, value: bytes, flags: int
    ) -> None:
        await self._write(lambda tx: attrs.setxattr(tx, ident, ino, name, value, flags))

    async def listxattr(self, ident: Identity, ino: int) -> list[bytes]:
        return await self._read(lambda tx: attrs.listxattr(tx, ident, ino))

    async def removexattr(self, ident: Identity, ino: int, name: bytes) -> None:
        await self._write(lambda tx: attrs.removexattr(tx, ident, ino, name))

    async def statfs(self) -> StatFs:
        def count(tx: Tx) -> tuple[int, int]:
            files = tx.conn.scalar(
                "SELECT COUNT(*) FROM efs_fs_inodes WHERE fs_id = ?", (self.fs_id,)
            )
            used = tx.conn.scalar(
                "SELECT COALESCE(SUM(stored), 0) FROM efs_fs_blocks WHERE fs_id = ?",
                (self.fs_id,),
            )
            return as_int(files), as_int(used)

        files, used = await self._read(count)
        total = 1 << 40  # EFS is elastic; report a large, fixed capacity
        free = (total - used) // 4096
        return StatFs(total // 4096, free, free, 1 << 32, (1 << 32) - files)

    # -- open files ---------------------------------------------------------------

    async def open(self, ident: Identity, ino: int, flags: int) -> Attr:
        attr = await self.getattr(ino)
        if attr.is_dir and flags & 3:
            raise FsError(errno.EISDIR)
        perms.require(ident, attr, perms.open_want(flags))
        self._opens[ino] += 1
        return attr

    async def release(self, ino: int) -> None:
        if ino in self._unsynced:  # the client went away without flushing
            await self.commit(ino)
        self._opens[ino] -= 1
        if self._opens[ino] > 0:
            return
        del self._opens[ino]
        if ino not in self._orphans:
            return
        self._orphans.discard(ino)

        def reap(tx: Tx) -> list[str]:
            row = tx.conn.one(
                "SELECT nlink FROM efs_fs_inodes WHERE fs_id = ? AND ino = ?", (self.fs_id, ino)
            )
            if row is None or as_int(row["nlink"]) > 0 or self.is_open(ino):
                return []
            return tx.purge(ino)

        await self._free(await self._write(reap))

    async def recover(self) -> None:
        """At start (no client has anything open): reap inodes unlinked while open."""

        def orphans(tx: Tx) -> list[str]:
            rows = tx.conn.all(
                "SELECT ino FROM efs_fs_inodes WHERE fs_id = ? AND nlink = 0", (self.fs_id,)
            )
            keys: list[str] = []
            for row in rows:
                keys += tx.purge(as_int(row["ino"]))
            return keys

        await self._free(await self._write(orphans))

    # -- contents -----------------------------------------------------------------

    def _aad(self, ino: int, idx: int) -> bytes:
        return f"{self.fs_id}/{ino}/{idx}".encode()

    def _load(self, ino: int, refs: list[BlockRef]) -> dict[int, bytes]:
        out: dict[int, bytes] = {}
        for ref in refs:
            if ref.inline_data is not None:
                sealed = ref.inline_data
            elif ref.blob_key is not None:
                sealed = self._blocks.get(self.fs_id, ref.blob_key, ref.storage_class)
            else:
                continue
            if block_checksum(sealed) != ref.checksum:
                raise FsError(errno.EIO, f"block {ref.idx} of inode {ino} is damaged")
            out[ref.idx] = self._codec.open(self._aad(ino, ref.idx), sealed)[: ref.length]
        return out

    async def read(self, ino: int, offset: int, size: int) -> bytes:
        attr, refs, accessed = await self._read(lambda tx: data.read_plan(tx, ino, offset, size))
        contents = await self._thread(lambda: self._load(ino, refs)) if refs else {}
        now = self._clock.time()
        if refs and (
            now - accessed > _TOUCH_EVERY_S
            or any(r.storage_class == INFREQUENT_ACCESS for r in refs)
        ):
            await self._accessed(ino)
        return data.assemble(offset, size, attr.size, contents)

    async def _accessed(self, ino: int) -> None:
        from fogbank.services.efs.fs.lifecycle import touch

        await touch(self._db, self._blocks, self._io, self.fs_id, ino, self._clock.time())

    async def write(
        self, ino: int, offset: int, payload: bytes, kill_suidgid: bool = False
    ) -> Attr:
        if not payload:
            return await self.getattr(ino)
        end = offset + len(payload)
        first, last = offset // BLOCK_SIZE, (end - 1) // BLOCK_SIZE
        async with self._block_locks.hold([(ino, i) for i in range(first, last + 1)]):
            partial = [i for i in {first, last} if data.is_partial(i, offset, end)]
            old: dict[int, bytes] = {}
            if partial:
                refs = await self._read(
                    lambda tx: [r for i in partial for r in data.block_refs(tx, ino, i, i)]
                )
                old = await self._thread(lambda: self._load(ino, refs)) if refs else {}
            new = await self._thread(
                lambda: data.store_blocks(
                    self._codec, self._blocks, self._aad, self.fs_id, ino, offset, payload, old
                )
            )
            try:
                attr, freed = await self._write(
                    lambda tx: data.commit_write(tx, ino, end, new, kill_suidgid)
                )
            except BaseException:
                await self._free([b.blob_key for b in new if b.blob_key is not None])
                raise
            keys = [b.blob_key for b in new if b.blob_key is not None]
            if keys:
                self._unsynced.setdefault(ino, []).extend(keys)
        await self._free(freed)
        return attr

    async def barrier(self) -> None:
        """Make every metadata change so far durable (one durable commit)."""
        if self._durable is None:
            return
        await self._durable.write(
            lambda conn: conn.execute(
                "UPDATE efs_fs_filesystems SET next_ino = next_ino WHERE fs_id = ?", (self.fs_id,)
            )
        )

    async def commit(self, ino: int) -> None:
        """Make this inode's blocks and all metadata so far durable (fsync, close)."""
        keys = self._unsynced.pop(ino, [])
        if keys:
            await self._sync_keys(keys)
        await self.barrier()

    async def _sync_keys(self, keys: list[str]) -> None:
        loop = asyncio.get_running_loop()
        step = max(1, len(keys) // 8 + 1)
        await asyncio.gather(
            *(
                loop.run_in_executor(
                    self._io, self._blocks.sync_keys, self.fs_id, keys[i : i + step]
                )
                for i in range(0, len(keys), step)
            )
        )
