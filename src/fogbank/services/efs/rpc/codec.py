"""Domain values <-> wire values, shared by the server and the client."""

from __future__ import annotations

from fogbank.services.efs.fs.model import Attr, Change, Identity, SetAttr, StatFs
from fogbank.services.efs.rpc.wire import Value, as_dict, as_int, as_list


def attr_out(a: Attr) -> list[Value]:
    return [
        a.ino, a.mode, a.nlink, a.uid, a.gid, a.size,
        a.atime_ns, a.mtime_ns, a.ctime_ns, a.rdev, a.generation,
    ]  # fmt: skip


def attr_in(v: Value) -> Attr:
    f = [as_int(x) for x in as_list(v)]
    return Attr(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10])


def change_out(change: Change) -> list[Value]:
    return [
        None if change.attr is None else attr_out(change.attr),
        [attr_out(d) for d in change.dirs],
    ]


def change_in(v: Value) -> Change:
    f = as_list(v)
    return Change(None if f[0] is None else attr_in(f[0]), tuple(attr_in(d) for d in as_list(f[1])))


def change_dirs_in(v: Value) -> tuple[Attr, ...]:
    """Only the directories' attributes of a ``change_out`` value."""
    dirs = as_list(as_list(v)[1])
    return tuple(attr_in(d) for d in dirs) if dirs else ()


def ident_out(ident: Identity) -> list[Value]:
    return [ident.uid, ident.gid, list(ident.groups)]


def ident_in(v: Value) -> Identity:
    f = as_list(v)
    return Identity(as_int(f[0]), as_int(f[1]), tuple(as_int(g) for g in as_list(f[2])))


_SETATTR_FIELDS = ("mode", "uid", "gid", "size", "atime_ns", "mtime_ns", "ctime_ns")


def setattr_out(change: SetAttr) -> dict[str, Value]:
    out: dict[str, Value] = {
        k: getattr(change, k) for k in _SETATTR_FIELDS if getattr(change, k) is not None
    }
    out["atime_now"] = change.atime_now
    out["mtime_now"] = change.mtime_now
    out["kill_suidgid"] = change.kill_suidgid
    return out


def setattr_in(v: Value) -> SetAttr:
    d = as_dict(v)
    ints = {k: as_int(d[k]) for k in _SETATTR_FIELDS if d.get(k) is not None}
    return SetAttr(
        **ints,
        atime_now=bool(d.get("atime_now")),
        mtime_now=bool(d.get("mtime_now")),
        kill_suidgid=bool(d.get("kill_suidgid")),
    )


def statfs_out(s: StatFs) -> list[Value]:
    return [s.blocks, s.bfree, s.bavail, s.files, s.ffree, s.bsize, s.namelen, s.frsize]


def statfs_in(v: Value) -> StatFs:
    f = [as_int(x) for x in as_list(v)]
    return StatFs(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7])
