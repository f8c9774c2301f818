"""Storage of all EFS file systems in one process: what the EFS API layer calls."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from pathlib import Path

from fogbank.core.clock import Clock
from fogbank.services.efs.fs.blocks import BlockCodec, BlockStore
from fogbank.services.efs.fs.filesystem import FileSystem
from fogbank.services.efs.fs.lifecycle import LifecycleJob
from fogbank.services.efs.fs.model import (
    INFREQUENT_ACCESS,
    ROOT_INO,
    FsError,
    LifecyclePolicy,
    MeteredSize,
)
from fogbank.services.efs.fs.segments import SegmentBlockStore
from fogbank.services.efs.fs.tables import as_int
from fogbank.storage.db import Conn, Database, DbSettings

DataKey = bytes  # 32-byte AES-256 data key, unwrapped by the caller (KMS envelope)
FAST_WAL_PAGES = 8192  # SQLite: checkpoint the log at 32 MiB (4 KiB pages), not 4 MiB


def fast_handle(url: str) -> Database:
    """The handle file-system operations run on: each commit at once (no group-commit
    window), not individually durable (fsync and close make them so), and, on SQLite,
    a write-ahead log checkpointed less often (many small commits rewrite the same pages)."""
    return Database(
        DbSettings(
            url, batch_window_s=0.0, durable_commits=False, wal_autocheckpoint=FAST_WAL_PAGES
        )
    )


class FsStore:
    def __init__(
        self,
        db: Database,
        data_dir: Path,
        clock: Clock,
        io: Executor,
        blocks: BlockStore | None = None,
        fast_db: Database | None = None,
    ) -> None:
        """``db`` is the metadata store. ``fast_db``, if given, is a second handle on the
        same store whose commits are not individually durable
        (``DbSettings(durable_commits=False)``): file-system operations run on it and
        become durable at fsync and close, as on a local file system."""
        self._db = db
        self._fast = fast_db
        self._clock = clock
        self._io = io
        self.blocks: BlockStore = blocks or SegmentBlockStore(data_dir / "efs")

    async def create_file_system(
        self, fs_id: str, *, encrypted: bool, uid: int = 0, gid: int = 0, mode: int = 0o755
    ) -> None:
        """Create the storage and its root directory (owned by uid/gid, like EFS's root)."""
        now_s = self._clock.time()
        now_ns = int(now_s * 1e9)

        def create(conn: Conn) -> None:
            conn.execute(
                "INSERT INTO efs_fs_filesystems (fs_id, encrypted, next_ino, ia_after_s,"
                " back_on_access, created_at) VALUES (?, ?, ?, NULL, ?, ?)",
                (fs_id, encrypted, ROOT_INO + 1, True, now_s),
            )
            conn.execute(
                "INSERT INTO efs_fs_inodes (fs_id, ino, parent, mode, uid, gid, nlink, size,"
                " atime_ns, mtime_ns, ctime_ns, rdev, generation, target, accessed_at,"
                " storage_class) VALUES (?, ?, ?, ?, ?, ?, 2, 0, ?, ?, ?, 0, 1, NULL, ?, ?)",
                (
                    fs_id,
                    ROOT_INO,
                    ROOT_INO,
                    0o040000 | mode,
                    uid,
                    gid,
                    now_ns,
                    now_ns,
                    now_ns,
                    now_s,
                    "STANDARD",
                ),
            )

        await self._db.write(create)

    async def delete_file_system(self, fs_id: str) -> None:
        def delete(conn: Conn) -> None:
            for table in (
                "efs_fs_blocks",
                "efs_fs_xattrs",
                "efs_fs_entries",
                "efs_fs_inodes",
                "efs_fs_filesystems",
            ):
                conn.execute(f"DELETE FROM {table} WHERE fs_id = ?", (fs_id,))  # noqa: S608

        await self._db.write(delete)
        blocks = self.blocks
        await asyncio.get_running_loop().run_in_executor(self._io, lambda: blocks.drop(fs_id))

    async def exists(self, fs_id: str) -> bool:
        value = await self._db.read(
            lambda c: c.scalar("SELECT 1 FROM efs_fs_filesystems WHERE fs_id = ?", (fs_id,))
        )
        return value is not None

    async def set_lifecycle(self, fs_id: str, policy: LifecyclePolicy) -> None:
        await self._db.write(
            lambda c: c.execute(
                "UPDATE efs_fs_filesystems SET ia_after_s = ?, back_on_access = ? WHERE fs_id = ?",
                (policy.ia_after_s, policy.back_on_access, fs_id),
            )
        )

    async def sizes(self, fs_id: str) -> MeteredSize:
        """Metered bytes per storage class (stored, i.e. after encryption overhead)."""

        def total(conn: Conn) -> tuple[int, int]:
            rows = conn.all(
                "SELECT storage_class, COALESCE(SUM(stored), 0) AS n FROM efs_fs_blocks"
                " WHERE fs_id = ? GROUP BY storage_class",
                (fs_id,),
            )
            by = {str(r["storage_class"]): as_int(r["n"]) for r in rows}
            ia = by.pop(INFREQUENT_ACCESS, 0)
            return sum(by.values()), ia

        standard, ia = await self._db.read(total)
        return MeteredSize(standard + ia, standard, ia, self._clock.time())

    def open(self, fs_id: str, data_key: DataKey | None) -> FileSystem:
        """The operations of one file system (``data_key`` set when it is Encrypted)."""
        if self._fast is None:
            return FileSystem(
                fs_id, self._db, self.blocks, BlockCodec(data_key), self._clock, self._io
            )
        return FileSystem(
            fs_id,
            self._fast,
            self.blocks,
            BlockCodec(data_key),
            self._clock,
            self._io,
            durable=self._db,
        )

    async def reclaim_space(self, fs_id: str) -> int:
        """Delete segments no block of the file system uses any more; returns how many.
        Call it in the process that serves the file system (see ``SegmentBlockStore``)."""
        rows = await self._db.read(
            lambda c: c.all(
                "SELECT DISTINCT substr(blob_key, 1, 16) AS seg FROM efs_fs_blocks"
                " WHERE fs_id = ? AND blob_key IS NOT NULL",
                (fs_id,),
            )
        )
        live = {str(r["seg"]) for r in rows}
        blocks = self.blocks
        return await asyncio.get_running_loop().run_in_executor(
            self._io, lambda: blocks.reclaim(fs_id, live)
        )

    def lifecycle_job(self) -> LifecycleJob:
        return LifecycleJob(self._db, self.blocks, self._io)


__all__ = ["DataKey", "FsError", "FsStore"]
