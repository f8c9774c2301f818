"""POSIX permission rules, pure functions over an identity and inode attributes."""

from __future__ import annotations

import errno
import stat

from fogbank.services.efs.fs.model import NOBODY, Attr, FsError, Identity, SetAttr

R, W, X = 4, 2, 1


def squash(ident: Identity) -> Identity:
    """Root squashing: without ClientRootAccess, uid/gid 0 become 65534 (nfsnobody)."""
    uid = NOBODY if ident.uid == 0 else ident.uid
    gid = NOBODY if ident.gid == 0 else ident.gid
    groups = tuple(NOBODY if g == 0 else g for g in ident.groups)
    return Identity(uid, gid, groups)


def allowed(ident: Identity, attr: Attr, want: int) -> bool:
    """Whether ``ident`` may read (4) / write (2) / execute-search (1) the inode."""
    if ident.is_root:
        if want & X and not attr.is_dir:
            return bool(attr.mode & 0o111)
        return True
    if ident.uid == attr.uid:
        bits = (attr.mode >> 6) & 7
    elif ident.in_group(attr.gid):
        bits = (attr.mode >> 3) & 7
    else:
        bits = attr.mode & 7
    return bits & want == want


def require(ident: Identity, attr: Attr, want: int) -> None:
    if not allowed(ident, attr, want):
        raise FsError(errno.EACCES)


def require_dir(attr: Attr) -> None:
    if not attr.is_dir:
        raise FsError(errno.ENOTDIR)


def may_delete(ident: Identity, parent: Attr, victim: Attr) -> None:
    """Write+search on the directory, and the sticky-bit rule (owner of file or dir)."""
    require(ident, parent, W | X)
    if (
        parent.mode & stat.S_ISVTX
        and not ident.is_root
        and ident.uid != victim.uid
        and ident.uid != parent.uid
    ):
        raise FsError(errno.EPERM, "sticky directory")


def is_owner(ident: Identity, attr: Attr) -> bool:
    return ident.is_root or ident.uid == attr.uid


def new_owner(ident: Identity, parent: Attr, mode: int) -> tuple[int, int, int]:
    """uid, gid and mode of a new inode: setgid directories pass their group down."""
    if parent.mode & stat.S_ISGID:
        gid = parent.gid
        if stat.S_ISDIR(mode):
            mode |= stat.S_ISGID
        elif (
            mode & stat.S_ISGID
            and mode & stat.S_IXGRP
            and not ident.is_root
            and not ident.in_group(gid)
        ):
            mode &= ~stat.S_ISGID
    else:
        gid = ident.gid
    return ident.uid, gid, mode


def check_setattr(ident: Identity, attr: Attr, change: SetAttr) -> None:
    """EPERM/EACCES per chmod(2), chown(2), utimensat(2), truncate(2)."""
    if change.mode is not None and not is_owner(ident, attr):
        raise FsError(errno.EPERM, "chmod: not owner")
    if change.uid is not None and change.uid != attr.uid and not ident.is_root:
        raise FsError(errno.EPERM, "chown: not root")
    if (
        change.gid is not None
        and change.gid != attr.gid
        and not ident.is_root
        and (ident.uid != attr.uid or not ident.in_group(change.gid))
    ):
        raise FsError(errno.EPERM, "chgrp: not owner or not a member")
    chown = change.uid is not None or change.gid is not None
    if chown and not ident.is_root and ident.uid != attr.uid:
        raise FsError(errno.EPERM, "chown: not owner")
    explicit = change.atime_ns is not None or change.mtime_ns is not None
    if explicit and not is_owner(ident, attr):
        raise FsError(errno.EPERM, "utimes: not owner")
    if (change.atime_now or change.mtime_now) and not explicit and not is_owner(ident, attr):
        require(ident, attr, W)
    if change.size is not None:
        if attr.is_dir:
            raise FsError(errno.EISDIR)
        if not attr.is_reg:
            raise FsError(errno.EINVAL)


def chmod_mode(ident: Identity, attr: Attr, mode: int) -> int:
    """The mode chmod stores: setgid dropped for a non-member non-root caller."""
    new = (attr.mode & ~0o7777) | (mode & 0o7777)
    if not ident.is_root and new & stat.S_ISGID and not ident.in_group(attr.gid):
        new &= ~stat.S_ISGID
    return new


def killed_mode(mode: int) -> int:
    """setuid always cleared, setgid cleared when group-executable (Linux rules)."""
    if stat.S_ISDIR(mode):
        return mode
    mode &= ~stat.S_ISUID
    if mode & stat.S_IXGRP:
        mode &= ~stat.S_ISGID
    return mode


def open_want(flags: int) -> int:
    acc = flags & 3
    want = R if acc == 0 else W if acc == 1 else R | W
    if flags & 0o1000:  # O_TRUNC
        want |= W
    return want
