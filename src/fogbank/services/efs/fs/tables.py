"""SQL for inodes and directory entries; every function runs inside the caller's transaction."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from fogbank.services.efs.fs.model import STANDARD, Attr, FsError
from fogbank.storage.db import Conn, Row

_COLS = "ino, mode, nlink, uid, gid, size, atime_ns, mtime_ns, ctime_ns, rdev, generation"


def as_int(value: object) -> int:
    """An integer column; PostgreSQL answers ``SUM`` over integers as ``numeric``."""
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float | str):
        return int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    raise TypeError(f"expected an integer column, got {type(value).__name__}")


def as_bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise TypeError(f"expected a blob column, got {type(value).__name__}")


_ATTR_KEYS = (
    "ino", "mode", "nlink", "uid", "gid", "size",
    "atime_ns", "mtime_ns", "ctime_ns", "rdev", "generation",
)  # fmt: skip


def to_attr(row: Row) -> Attr:
    values = [row[key] for key in _ATTR_KEYS]
    if all(type(v) is int for v in values):  # the usual case, without 11 conversions
        return Attr(*cast(list[int], values))
    return Attr(*(as_int(v) for v in values))


@dataclass(frozen=True)
class Tx:
    """One operation's transaction: the connection, the file system and the time."""

    conn: Conn
    fs_id: str
    now_ns: int
    now_s: float  # fogbank clock, simulated epoch seconds (lifecycle)
    purged: set[int] = field(default_factory=set, compare=False)  # inodes deleted here

    def get(self, ino: int) -> Attr:
        row = self.conn.one(
            f"SELECT {_COLS} FROM efs_fs_inodes WHERE fs_id = ? AND ino = ?",  # noqa: S608
            (self.fs_id, ino),
        )
        if row is None:
            raise FsError(errno.ENOENT, f"inode {ino}")
        return to_attr(row)

    def current(self, ino: int) -> Attr | None:
        """An inode's attributes now, or None if this transaction deleted it."""
        return None if ino in self.purged else self.get(ino)

    def find(self, parent: int, name: bytes) -> int | None:
        value = self.conn.scalar(
            "SELECT ino FROM efs_fs_entries WHERE fs_id = ? AND parent = ? AND name = ?",
            (self.fs_id, parent, name),
        )
        return None if value is None else as_int(value)

    def find_attr(self, parent: int, name: bytes) -> Attr | None:
        """The attributes of the inode ``name`` names in ``parent`` (one statement)."""
        row = self.conn.one(
            "SELECT i.ino AS ino, i.mode AS mode, i.nlink AS nlink, i.uid AS uid,"
            " i.gid AS gid, i.size AS size, i.atime_ns AS atime_ns, i.mtime_ns AS mtime_ns,"
            " i.ctime_ns AS ctime_ns, i.rdev AS rdev, i.generation AS generation"
            " FROM efs_fs_entries e JOIN efs_fs_inodes i ON i.fs_id = e.fs_id AND i.ino = e.ino"
            " WHERE e.fs_id = ? AND e.parent = ? AND e.name = ?",
            (self.fs_id, parent, name),
        )
        return None if row is None else to_attr(row)

    def parent_of(self, ino: int) -> int:
        value = self.conn.scalar(
            "SELECT parent FROM efs_fs_inodes WHERE fs_id = ? AND ino = ?", (self.fs_id, ino)
        )
        if value is None:
            raise FsError(errno.ENOENT)
        return as_int(value)

    def allocate_ino(self, count: int = 1) -> int:
        """The first of ``count`` new inode numbers."""
        self.conn.execute(
            "UPDATE efs_fs_filesystems SET next_ino = next_ino + ? WHERE fs_id = ?",
            (count, self.fs_id),
        )
        value = self.conn.scalar(
            "SELECT next_ino FROM efs_fs_filesystems WHERE fs_id = ?", (self.fs_id,)
        )
        if value is None:
            raise FsError(errno.ESTALE, "no such file system")
        return as_int(value) - count

    def insert(self, attr: Attr, parent: int, target: bytes | None = None) -> None:
        self.conn.execute(
            "INSERT INTO efs_fs_inodes (fs_id, ino, parent, mode, uid, gid, nlink, size,"
            " atime_ns, mtime_ns, ctime_ns, rdev, generation, target, accessed_at,"
            " storage_class, has_extras)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            (
                self.fs_id,
                attr.ino,
                parent,
                attr.mode,
                attr.uid,
                attr.gid,
                attr.nlink,
                attr.size,
                attr.atime_ns,
                attr.mtime_ns,
                attr.ctime_ns,
                attr.rdev,
                attr.generation,
                target,
                self.now_s,
                STANDARD,
            ),
        )

    def put(self, attr: Attr) -> None:
        self.conn.execute(
            "UPDATE efs_fs_inodes SET mode = ?, uid = ?, gid = ?, nlink = ?, size = ?,"
            " atime_ns = ?, mtime_ns = ?, ctime_ns = ? WHERE fs_id = ? AND ino = ?",
            (
                attr.mode,
                attr.uid,
                attr.gid,
                attr.nlink,
                attr.size,
                attr.atime_ns,
                attr.mtime_ns,
                attr.ctime_ns,
                self.fs_id,
                attr.ino,
            ),
        )

    def touch_dir(self, ino: int, nlink_delta: int = 0) -> None:
        self.conn.execute(
            "UPDATE efs_fs_inodes SET mtime_ns = ?, ctime_ns = ?, nlink = nlink + ?"
            " WHERE fs_id = ? AND ino = ?",
            (self.now_ns, self.now_ns, nlink_delta, self.fs_id, ino),
        )

    def add_entry(self, parent: int, name: bytes, ino: int) -> None:
        self.conn.execute(
            "INSERT INTO efs_fs_entries (fs_id, parent, name, ino) VALUES (?, ?, ?, ?)",
            (self.fs_id, parent, name, ino),
        )

    def drop_entry(self, parent: int, name: bytes) -> None:
        self.conn.execute(
            "DELETE FROM efs_fs_entries WHERE fs_id = ? AND parent = ? AND name = ?",
            (self.fs_id, parent, name),
        )

    def has_children(self, ino: int) -> bool:
        row = self.conn.one(
            "SELECT 1 AS x FROM efs_fs_entries WHERE fs_id = ? AND parent = ? LIMIT 1",
            (self.fs_id, ino),
        )
        return row is not None

    def target(self, ino: int) -> bytes:
        value = self.conn.scalar(
            "SELECT target FROM efs_fs_inodes WHERE fs_id = ? AND ino = ?", (self.fs_id, ino)
        )
        if value is None:
            raise FsError(errno.EINVAL, "not a symlink")
        return as_bytes(value)

    def mark_extras(self, ino: int) -> None:
        """The inode now has (or may have) blocks or extended attributes."""
        self.conn.execute(
            "UPDATE efs_fs_inodes SET has_extras = 1 WHERE fs_id = ? AND ino = ?",
            (self.fs_id, ino),
        )

    def purge(self, ino: int) -> list[str]:
        """Delete an inode and its rows; returns the block keys to delete after commit.
        An inode that never had blocks or extended attributes costs one statement."""
        self.purged.add(ino)
        extras = self.conn.scalar(
            "DELETE FROM efs_fs_inodes WHERE fs_id = ? AND ino = ? RETURNING has_extras",
            (self.fs_id, ino),
        )
        if extras is not None and not as_int(extras):
            return []
        rows = self.conn.all(
            "DELETE FROM efs_fs_blocks WHERE fs_id = ? AND ino = ? RETURNING blob_key",
            (self.fs_id, ino),
        )
        self.conn.execute(
            "DELETE FROM efs_fs_xattrs WHERE fs_id = ? AND ino = ?", (self.fs_id, ino)
        )
        return [str(r["blob_key"]) for r in rows if r["blob_key"] is not None]
