"""Directory operations: lookup, create, link, unlink, rmdir, rename, readdir.

Each function runs inside one transaction (``Tx``) and raises ``FsError`` with the errno
POSIX specifies. Functions that may free an inode return the block keys to delete once
the transaction has committed.
"""

from __future__ import annotations

import errno
import stat
from collections.abc import Callable
from dataclasses import dataclass

from fogbank.services.efs.fs import perms
from fogbank.services.efs.fs.model import (
    PATH_MAX,
    Attr,
    Change,
    DirEntry,
    FsError,
    Identity,
    check_name,
)
from fogbank.services.efs.fs.perms import W, X
from fogbank.services.efs.fs.tables import Tx, as_bytes, to_attr

IsOpen = Callable[[int], bool]


@dataclass(frozen=True)
class Removed:
    """What removing a name did: the inode it named, the directory's attributes after,
    and the block keys to delete once committed."""

    ino: int
    dir_after: Attr
    freed: list[str]


Remove = Callable[["Tx", Identity, int, bytes, IsOpen], Removed]


def lookup(tx: Tx, ident: Identity, parent: int, name: bytes) -> Attr:
    dir_attr = tx.get(parent)
    perms.require_dir(dir_attr)
    perms.require(ident, dir_attr, X)
    if name == b".":
        return dir_attr
    if name == b"..":
        return tx.get(tx.parent_of(parent))
    if len(name) > 255:
        raise FsError(errno.ENAMETOOLONG)
    ino = tx.find(parent, name)
    if ino is None:
        raise FsError(errno.ENOENT)
    return tx.get(ino)


def _prepare_create(tx: Tx, ident: Identity, parent: int, name: bytes) -> Attr:
    check_name(name)
    dir_attr = tx.get(parent)
    perms.require_dir(dir_attr)
    if dir_attr.nlink == 0:
        raise FsError(errno.ENOENT, "directory was removed")
    perms.require(ident, dir_attr, W | X)
    if tx.find(parent, name) is not None:
        raise FsError(errno.EEXIST)
    return dir_attr


def create(
    tx: Tx,
    ident: Identity,
    parent: int,
    name: bytes,
    mode: int,
    rdev: int = 0,
    target: bytes | None = None,
    ino: int | None = None,
) -> Change:
    """mknod/mkdir/symlink/creat: a new inode and its entry in ``parent`` (numbered
    ``ino`` when the caller reserved one), and the directory's attributes after."""
    dir_attr = _prepare_create(tx, ident, parent, name)
    kind = stat.S_IFMT(mode)
    if kind in (stat.S_IFCHR, stat.S_IFBLK) and not ident.is_root:
        raise FsError(errno.EPERM, "device nodes need root")
    if kind == stat.S_IFLNK:
        if target is None or not target:
            raise FsError(errno.ENOENT)
        if len(target) >= PATH_MAX:
            raise FsError(errno.ENAMETOOLONG)
        mode = stat.S_IFLNK | 0o777
    uid, gid, mode = perms.new_owner(ident, dir_attr, mode)
    is_dir = kind == stat.S_IFDIR
    attr = Attr(
        ino=tx.allocate_ino() if ino is None else ino,
        mode=mode,
        nlink=2 if is_dir else 1,
        uid=uid,
        gid=gid,
        size=len(target) if target is not None else 0,
        atime_ns=tx.now_ns,
        mtime_ns=tx.now_ns,
        ctime_ns=tx.now_ns,
        rdev=rdev if kind in (stat.S_IFCHR, stat.S_IFBLK) else 0,
    )
    tx.insert(attr, parent, target)
    tx.add_entry(parent, name, attr.ino)
    tx.touch_dir(parent, 1 if is_dir else 0)
    return Change(attr, (dir_attr.touched(tx.now_ns, 1 if is_dir else 0),))


def link(tx: Tx, ident: Identity, ino: int, parent: int, name: bytes) -> Attr:
    attr = tx.get(ino)
    if attr.is_dir:
        raise FsError(errno.EPERM, "hard link to a directory")
    _prepare_create(tx, ident, parent, name)
    if attr.nlink == 0:
        raise FsError(errno.ENOENT, "inode was removed")
    attr = Attr(**{**attr.__dict__, "nlink": attr.nlink + 1, "ctime_ns": tx.now_ns})
    tx.put(attr)
    tx.add_entry(parent, name, ino)
    tx.touch_dir(parent)
    return attr


def _drop_link(tx: Tx, victim: Attr, is_open: IsOpen) -> list[str]:
    nlink = 0 if victim.is_dir else victim.nlink - 1
    if nlink == 0 and not is_open(victim.ino):
        return tx.purge(victim.ino)
    tx.put(Attr(**{**victim.__dict__, "nlink": nlink, "ctime_ns": tx.now_ns}))
    return []


def unlink(
    tx: Tx,
    ident: Identity,
    parent: int,
    name: bytes,
    is_open: IsOpen,
    dir_attr: Attr | None = None,
    touch: bool = True,
) -> Removed:
    """Every ``FsError`` is raised before a row changes (``FileSystem.unlink_many``
    relies on it: several unlinks share one write without a savepoint each).

    ``dir_attr``: the directory's attributes, if the caller has them from an earlier
    unlink in this transaction; ``touch=False`` leaves the directory's times to the
    caller (one update after several unlinks)."""
    dir_attr = tx.get(parent) if dir_attr is None else dir_attr
    perms.require_dir(dir_attr)
    victim = tx.find_attr(parent, name)
    if victim is None:
        perms.require(ident, dir_attr, X)
        raise FsError(errno.ENOENT)
    ino = victim.ino
    perms.may_delete(ident, dir_attr, victim)
    if victim.is_dir:
        raise FsError(errno.EISDIR)
    tx.drop_entry(parent, name)
    if touch:
        tx.touch_dir(parent)
    return Removed(ino, dir_attr.touched(tx.now_ns), _drop_link(tx, victim, is_open))


def rmdir(tx: Tx, ident: Identity, parent: int, name: bytes, is_open: IsOpen) -> Removed:
    if name == b".":
        raise FsError(errno.EINVAL)
    if name == b"..":
        raise FsError(errno.ENOTEMPTY)
    dir_attr = tx.get(parent)
    perms.require_dir(dir_attr)
    ino = tx.find(parent, name)
    if ino is None:
        perms.require(ident, dir_attr, X)
        raise FsError(errno.ENOENT)
    victim = tx.get(ino)
    perms.may_delete(ident, dir_attr, victim)
    if not victim.is_dir:
        raise FsError(errno.ENOTDIR)
    if tx.has_children(ino):
        raise FsError(errno.ENOTEMPTY)
    tx.drop_entry(parent, name)
    tx.touch_dir(parent, -1)
    return Removed(ino, dir_attr.touched(tx.now_ns, -1), _drop_link(tx, victim, is_open))


def _is_ancestor(tx: Tx, ancestor: int, ino: int) -> bool:
    seen = 0
    while True:
        if ino == ancestor:
            return True
        up = tx.parent_of(ino)
        if up == ino or seen > 4096:
            return False
        ino, seen = up, seen + 1


def rename(
    tx: Tx,
    ident: Identity,
    old_parent: int,
    old_name: bytes,
    new_parent: int,
    new_name: bytes,
    is_open: IsOpen,
    noreplace: bool = False,
) -> list[str]:
    check_name(new_name)
    src_dir = tx.get(old_parent)
    dst_dir = tx.get(new_parent)
    perms.require_dir(src_dir)
    perms.require_dir(dst_dir)
    ino = tx.find(old_parent, old_name)
    if ino is None:
        perms.require(ident, src_dir, X)
        raise FsError(errno.ENOENT)
    moved = tx.get(ino)
    perms.may_delete(ident, src_dir, moved)
    perms.require(ident, dst_dir, W | X)
    target_ino = tx.find(new_parent, new_name)
    if target_ino == ino:
        return []  # both names are links to the same inode: nothing to do
    if target_ino is not None and noreplace:
        raise FsError(errno.EEXIST)
    if moved.is_dir and old_parent != new_parent:
        if _is_ancestor(tx, ino, new_parent):
            raise FsError(errno.EINVAL, "into its own subdirectory")
        perms.require(ident, moved, W)  # its ".." entry changes
    freed: list[str] = []
    dir_delta = 0
    if target_ino is not None:
        target = tx.get(target_ino)
        perms.may_delete(ident, dst_dir, target)
        if moved.is_dir and not target.is_dir:
            raise FsError(errno.ENOTDIR)
        if not moved.is_dir and target.is_dir:
            raise FsError(errno.EISDIR)
        if target.is_dir:
            if tx.has_children(target_ino):
                raise FsError(errno.ENOTEMPTY)
            dir_delta = -1
        tx.drop_entry(new_parent, new_name)
        freed = _drop_link(tx, target, is_open)
    tx.drop_entry(old_parent, old_name)
    tx.add_entry(new_parent, new_name, ino)
    tx.put(Attr(**{**moved.__dict__, "ctime_ns": tx.now_ns}))
    if moved.is_dir and old_parent != new_parent:
        tx.conn.execute(
            "UPDATE efs_fs_inodes SET parent = ? WHERE fs_id = ? AND ino = ?",
            (new_parent, tx.fs_id, ino),
        )
        tx.touch_dir(old_parent, -1)
        tx.touch_dir(new_parent, 1 + dir_delta)
    else:
        tx.touch_dir(old_parent)
        if new_parent != old_parent or dir_delta:
            tx.touch_dir(new_parent, dir_delta)
    return freed


def readdir(tx: Tx, ident: Identity, ino: int, after: bytes | None, limit: int) -> list[DirEntry]:
    """Entries named after ``after`` (bytewise order), without "." and ".."."""
    dir_attr = tx.get(ino)
    perms.require_dir(dir_attr)
    perms.require(ident, dir_attr, perms.R)
    rows = tx.conn.all(
        "SELECT e.name AS name, i.ino AS ino, i.mode AS mode, i.nlink AS nlink, i.uid AS uid,"
        " i.gid AS gid, i.size AS size, i.atime_ns AS atime_ns, i.mtime_ns AS mtime_ns,"
        " i.ctime_ns AS ctime_ns, i.rdev AS rdev, i.generation AS generation"
        " FROM efs_fs_entries e JOIN efs_fs_inodes i ON i.fs_id = e.fs_id AND i.ino = e.ino"
        " WHERE e.fs_id = ? AND e.parent = ? AND e.name > ? ORDER BY e.name LIMIT ?",
        (tx.fs_id, ino, after or b"", limit),
    )
    return [DirEntry(as_bytes(row["name"]), to_attr(row), n) for n, row in enumerate(rows)]
