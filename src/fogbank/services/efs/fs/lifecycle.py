"""Lifecycle management: files not accessed for a while move to the IA class (a cold
directory of the block store) on the fogbank clock, and come back when read.

``touch`` records an access (and brings IA blocks back when the policy says so);
``LifecycleJob`` is the clock-driven job (``core/jobs.Job``) that moves cold files.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor

from fogbank.services.efs.fs.blocks import BlockStore
from fogbank.services.efs.fs.model import INFREQUENT_ACCESS, STANDARD
from fogbank.services.efs.fs.tables import as_int
from fogbank.storage.db import Conn, Database

log = logging.getLogger(__name__)
_BATCH = 200


def _keys(conn: Conn, fs_id: str, ino: int) -> list[tuple[int, str]]:
    rows = conn.all(
        "SELECT idx, blob_key FROM efs_fs_blocks WHERE fs_id = ? AND ino = ?"
        " AND blob_key IS NOT NULL",
        (fs_id, ino),
    )
    return [(as_int(r["idx"]), str(r["blob_key"])) for r in rows]


def _set_class(
    conn: Conn, fs_id: str, ino: int, cls: str, now: float | None, moved: dict[int, str]
) -> None:
    for idx, key in moved.items():
        conn.execute(
            "UPDATE efs_fs_blocks SET blob_key = ? WHERE fs_id = ? AND ino = ? AND idx = ?",
            (key, fs_id, ino, idx),
        )
    conn.execute(
        "UPDATE efs_fs_blocks SET storage_class = ? WHERE fs_id = ? AND ino = ?", (cls, fs_id, ino)
    )
    if now is None:
        conn.execute(
            "UPDATE efs_fs_inodes SET storage_class = ? WHERE fs_id = ? AND ino = ?",
            (cls, fs_id, ino),
        )
    else:
        conn.execute(
            "UPDATE efs_fs_inodes SET storage_class = ?, accessed_at = ?"
            " WHERE fs_id = ? AND ino = ?",
            (cls, now, fs_id, ino),
        )


async def _move(
    db: Database, blocks: BlockStore, io: Executor, fs_id: str, ino: int, src: str, dst: str
) -> None:
    """Copy the inode's blocks into ``dst``, repoint the rows, then free the old copies."""
    keys = await db.read(lambda conn: _keys(conn, fs_id, ino))
    loop = asyncio.get_running_loop()

    def copy_all() -> dict[int, str]:
        return {idx: blocks.move(fs_id, key, src, dst) for idx, key in keys}

    moved = await loop.run_in_executor(io, copy_all)
    await db.write(lambda conn: _set_class(conn, fs_id, ino, dst, None, moved))


async def touch(
    db: Database, blocks: BlockStore, io: Executor, fs_id: str, ino: int, now: float
) -> None:
    """A read: refresh the access time; bring IA blocks back if the policy says so."""

    def state(conn: Conn) -> tuple[str, bool]:
        row = conn.one(
            "SELECT i.storage_class AS cls, f.back_on_access AS back FROM efs_fs_inodes i"
            " JOIN efs_fs_filesystems f ON f.fs_id = i.fs_id WHERE i.fs_id = ? AND i.ino = ?",
            (fs_id, ino),
        )
        if row is None:
            return STANDARD, False
        return str(row["cls"]), bool(row["back"])

    cls, back = await db.read(state)
    if cls == INFREQUENT_ACCESS and back:
        await _move(db, blocks, io, fs_id, ino, INFREQUENT_ACCESS, STANDARD)
        await db.write(lambda conn: _set_class(conn, fs_id, ino, STANDARD, now, {}))
        return
    await db.write(
        lambda conn: conn.execute(
            "UPDATE efs_fs_inodes SET accessed_at = ? WHERE fs_id = ? AND ino = ?",
            (now, fs_id, ino),
        )
    )


class LifecycleJob:
    """Moves files idle longer than each file system's ``ia_after_s`` to IA."""

    name = "efs-lifecycle"

    def __init__(self, db: Database, blocks: BlockStore, io: Executor) -> None:
        self._db = db
        self._blocks = blocks
        self._io = io

    async def run_due(self, now: float) -> None:
        def due(conn: Conn) -> list[tuple[str, int]]:
            rows = conn.all(
                "SELECT i.fs_id AS fs_id, i.ino AS ino FROM efs_fs_inodes i"
                " JOIN efs_fs_filesystems f ON f.fs_id = i.fs_id"
                " WHERE f.ia_after_s IS NOT NULL AND i.storage_class = ?"
                " AND i.accessed_at <= ? - f.ia_after_s AND i.size > 0 LIMIT ?",
                (STANDARD, now, _BATCH),
            )
            return [(str(r["fs_id"]), as_int(r["ino"])) for r in rows]

        while True:
            batch = await self._db.read(due)
            if not batch:
                return
            for fs_id, ino in batch:
                await _move(
                    self._db, self._blocks, self._io, fs_id, ino, STANDARD, INFREQUENT_ACCESS
                )
            log.info("efs lifecycle moved %d files to IA", len(batch))
