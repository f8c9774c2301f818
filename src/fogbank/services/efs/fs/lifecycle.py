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
MIN_SIZE = 128 * 1024  # smaller files are not eligible for lifecycle management


def _keys(conn: Conn, fs_id: str, ino: int) -> list[tuple[int, str]]:
    rows = conn.all(
        "SELECT idx, blob_key FROM efs_fs_blocks WHERE fs_id = ? AND ino = ?"
        " AND blob_key IS NOT NULL",
        (fs_id, ino),
    )
    return [(as_int(r["idx"]), str(r["blob_key"])) for r in rows]


def _repoint(
    conn: Conn, fs_id: str, ino: int, cls: str, copies: dict[int, tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """Point each block at its copy in ``cls`` unless a write replaced it meanwhile.

    Returns (old keys now unused, copies not used): both are freed after the commit.
    """
    moved: list[str] = []
    unused: list[str] = []
    for idx, (old, new) in copies.items():
        cur = conn.execute(
            "UPDATE efs_fs_blocks SET blob_key = ?, storage_class = ?"
            " WHERE fs_id = ? AND ino = ? AND idx = ? AND blob_key = ?",
            (new, cls, fs_id, ino, idx, old),
        )
        if cur.rowcount:
            moved.append(old)
        else:
            unused.append(new)
    conn.execute(
        "UPDATE efs_fs_blocks SET storage_class = ?"
        " WHERE fs_id = ? AND ino = ? AND blob_key IS NULL",
        (cls, fs_id, ino),
    )
    conn.execute(
        "UPDATE efs_fs_inodes SET storage_class = ? WHERE fs_id = ? AND ino = ?",
        (cls, fs_id, ino),
    )
    return moved, unused


async def _move(
    db: Database, blocks: BlockStore, io: Executor, fs_id: str, ino: int, src: str, dst: str
) -> None:
    """Copy the inode's blocks into ``dst``, repoint the rows, then free what is unused.

    A write racing with the move wins: its block is kept and the copy dropped."""
    keys = await db.read(lambda conn: _keys(conn, fs_id, ino))
    loop = asyncio.get_running_loop()

    def copy_all() -> dict[int, tuple[str, str]]:
        return {
            idx: (key, blocks.put(fs_id, blocks.get(fs_id, key, src), dst, sync=True))
            for idx, key in keys
        }

    copies = await loop.run_in_executor(io, copy_all)
    moved, unused = await db.write(lambda conn: _repoint(conn, fs_id, ino, dst, copies))
    if moved or unused:
        await loop.run_in_executor(io, lambda: blocks.delete(fs_id, moved + unused))


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
    await db.write(
        lambda conn: conn.execute(
            "UPDATE efs_fs_inodes SET accessed_at = ? WHERE fs_id = ? AND ino = ?",
            (now, fs_id, ino),
        )
    )


class LifecycleJob:
    """Moves files idle longer than each file system's ``ia_after_s`` to IA.

    Files smaller than 128 KiB stay in Standard, as EFS keeps them ("Files smaller than
    128 KiB are not eligible for lifecycle management")."""

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
                " AND i.accessed_at <= ? - f.ia_after_s AND i.size >= ? LIMIT ?",
                (STANDARD, now, MIN_SIZE, _BATCH),
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
