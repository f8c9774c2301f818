"""Attribute operations: setattr (chmod, chown, utimes, truncate), xattrs, readlink."""

from __future__ import annotations

import errno
import stat

from fogbank.services.efs.fs import perms
from fogbank.services.efs.fs.model import (
    BLOCK_SIZE,
    XATTR_NAME_MAX,
    XATTR_SIZE_MAX,
    Attr,
    FsError,
    Identity,
    SetAttr,
)
from fogbank.services.efs.fs.tables import Tx, as_bytes

XATTR_CREATE = 1
XATTR_REPLACE = 2


def setattr(tx: Tx, ident: Identity, ino: int, change: SetAttr) -> tuple[Attr, list[str]]:
    attr = tx.get(ino)
    perms.check_setattr(ident, attr, change)
    fields = dict(attr.__dict__)
    freed: list[str] = []
    if change.mode is not None:
        fields["mode"] = perms.chmod_mode(ident, attr, change.mode)
    if change.uid is not None or change.gid is not None:
        if change.uid is not None:
            fields["uid"] = change.uid
        if change.gid is not None:
            fields["gid"] = change.gid
        fields["mode"] = perms.killed_mode(int(fields["mode"]))
    if change.size is not None:
        if change.kill_suidgid:
            fields["mode"] = perms.killed_mode(int(fields["mode"]))
        freed = truncate_blocks(tx, ino, change.size)
        fields["size"] = change.size
        fields["mtime_ns"] = tx.now_ns
    if change.atime_now:
        fields["atime_ns"] = tx.now_ns
    elif change.atime_ns is not None:
        fields["atime_ns"] = change.atime_ns
    if change.mtime_now:
        fields["mtime_ns"] = tx.now_ns
    elif change.mtime_ns is not None:
        fields["mtime_ns"] = change.mtime_ns
    fields["ctime_ns"] = change.ctime_ns if change.ctime_ns is not None else tx.now_ns
    new = Attr(**fields)
    tx.put(new)
    return new, freed


def truncate_blocks(tx: Tx, ino: int, size: int) -> list[str]:
    """Drop blocks past ``size``; shorten the last one (the rest reads as zeros)."""
    first_gone = (size + BLOCK_SIZE - 1) // BLOCK_SIZE
    rows = tx.conn.all(
        "SELECT blob_key FROM efs_fs_blocks WHERE fs_id = ? AND ino = ? AND idx >= ?"
        " AND blob_key IS NOT NULL",
        (tx.fs_id, ino, first_gone),
    )
    tx.conn.execute(
        "DELETE FROM efs_fs_blocks WHERE fs_id = ? AND ino = ? AND idx >= ?",
        (tx.fs_id, ino, first_gone),
    )
    if size % BLOCK_SIZE:
        last = size // BLOCK_SIZE
        tx.conn.execute(
            "UPDATE efs_fs_blocks SET length = ? WHERE fs_id = ? AND ino = ? AND idx = ?"
            " AND length > ?",
            (size % BLOCK_SIZE, tx.fs_id, ino, last, size % BLOCK_SIZE),
        )
    return [str(r["blob_key"]) for r in rows]


def readlink(tx: Tx, ino: int) -> bytes:
    attr = tx.get(ino)
    if not attr.is_lnk:
        raise FsError(errno.EINVAL)
    return tx.target(ino)


def _xattr_access(ident: Identity, attr: Attr, name: bytes, write: bool) -> None:
    if len(name) > XATTR_NAME_MAX or not name:
        raise FsError(errno.ERANGE)
    if name.startswith(b"user."):
        if not (attr.is_reg or attr.is_dir):
            raise FsError(errno.EPERM if write else errno.ENODATA)
        if attr.is_dir and attr.mode & stat.S_ISVTX and write and not perms.is_owner(ident, attr):
            raise FsError(errno.EPERM)
        perms.require(ident, attr, perms.W if write else perms.R)
    elif name.startswith(b"trusted."):
        if not ident.is_root:
            raise FsError(errno.EPERM if write else errno.ENODATA)
    elif name.startswith(b"security."):
        if write and not ident.is_root:
            raise FsError(errno.EPERM)
    else:  # system.* (POSIX ACLs) and unknown namespaces
        raise FsError(errno.EOPNOTSUPP)


def getxattr(tx: Tx, ident: Identity, ino: int, name: bytes) -> bytes:
    attr = tx.get(ino)
    _xattr_access(ident, attr, name, write=False)
    value = tx.conn.scalar(
        "SELECT value FROM efs_fs_xattrs WHERE fs_id = ? AND ino = ? AND name = ?",
        (tx.fs_id, ino, name),
    )
    if value is None:
        raise FsError(errno.ENODATA)
    return as_bytes(value)


def setxattr(tx: Tx, ident: Identity, ino: int, name: bytes, value: bytes, flags: int) -> None:
    attr = tx.get(ino)
    _xattr_access(ident, attr, name, write=True)
    if len(value) > XATTR_SIZE_MAX:
        raise FsError(errno.E2BIG)
    exists = (
        tx.conn.one(
            "SELECT 1 AS x FROM efs_fs_xattrs WHERE fs_id = ? AND ino = ? AND name = ?",
            (tx.fs_id, ino, name),
        )
        is not None
    )
    if flags & XATTR_CREATE and exists:
        raise FsError(errno.EEXIST)
    if flags & XATTR_REPLACE and not exists:
        raise FsError(errno.ENODATA)
    if exists:
        tx.conn.execute(
            "UPDATE efs_fs_xattrs SET value = ? WHERE fs_id = ? AND ino = ? AND name = ?",
            (value, tx.fs_id, ino, name),
        )
    else:
        tx.conn.execute(
            "INSERT INTO efs_fs_xattrs (fs_id, ino, name, value) VALUES (?, ?, ?, ?)",
            (tx.fs_id, ino, name, value),
        )
        tx.mark_extras(ino)
    tx.put(Attr(**{**attr.__dict__, "ctime_ns": tx.now_ns}))


def listxattr(tx: Tx, ident: Identity, ino: int) -> list[bytes]:
    tx.get(ino)
    rows = tx.conn.all(
        "SELECT name FROM efs_fs_xattrs WHERE fs_id = ? AND ino = ? ORDER BY name",
        (tx.fs_id, ino),
    )
    names = [as_bytes(r["name"]) for r in rows]
    if not ident.is_root:
        names = [n for n in names if not n.startswith(b"trusted.")]
    return names


def removexattr(tx: Tx, ident: Identity, ino: int, name: bytes) -> None:
    attr = tx.get(ino)
    _xattr_access(ident, attr, name, write=True)
    cur = tx.conn.execute(
        "DELETE FROM efs_fs_xattrs WHERE fs_id = ? AND ino = ? AND name = ?",
        (tx.fs_id, ino, name),
    )
    if cur.rowcount == 0:
        raise FsError(errno.ENODATA)
    tx.put(Attr(**{**attr.__dict__, "ctime_ns": tx.now_ns}))
