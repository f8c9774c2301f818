"""Packing replies for the kernel: attributes, entries, directory listings."""

from __future__ import annotations

import stat

from fogbank.mount import kernel as k
from fogbank.services.efs.fs.model import Attr, StatFs

BLKSIZE = 1 << 20  # advertise the block size, so that stdio and cp write in large pieces


def _split(ns: int) -> tuple[int, int]:
    return ns // 1_000_000_000, ns % 1_000_000_000


def pack_attr(attr: Attr, nodeid: int, size: int | None = None) -> bytes:
    a_s, a_n = _split(attr.atime_ns)
    m_s, m_n = _split(attr.mtime_ns)
    c_s, c_n = _split(attr.ctime_ns)
    size = attr.size if size is None else size
    blocks = (size + 4095) // 4096 * 8
    return k.ATTR.pack(
        nodeid, size, blocks, a_s, m_s, c_s, a_n, m_n, c_n,
        attr.mode, attr.nlink, attr.uid, attr.gid, attr.rdev & 0xFFFFFFFF, BLKSIZE, 0,
    )  # fmt: skip


def _valid(seconds: float) -> tuple[int, int]:
    whole = int(seconds)
    return whole, int((seconds - whole) * 1e9)


def entry(attr: Attr, nodeid: int, timeout: float, size: int | None = None) -> bytes:
    s, ns = _valid(timeout)
    return k.ENTRY_OUT_HEAD.pack(nodeid, attr.generation, s, s, ns, ns) + pack_attr(
        attr, nodeid, size
    )


def attr_out(attr: Attr, nodeid: int, timeout: float, size: int | None = None) -> bytes:
    s, ns = _valid(timeout)
    return k.ATTR_OUT_HEAD.pack(s, ns, 0) + pack_attr(attr, nodeid, size)


def statfs(s: StatFs) -> bytes:
    return k.KSTATFS.pack(
        s.blocks, s.bfree, s.bavail, s.files, s.ffree, s.bsize, s.namelen, s.frsize, 0
    )


def dirents(entries: list[tuple[bytes, int, int]], offset: int, size: int) -> bytes:
    """fuse_dirent records from index ``offset`` that fit in ``size`` bytes.

    ``entries`` holds ``(name, nodeid, mode)``; an entry's ``off`` is its index + 1.
    """
    out = bytearray()
    for index in range(offset, len(entries)):
        name, nodeid, mode = entries[index]
        rec = k.DIRENT.pack(nodeid, index + 1, len(name), stat.S_IFMT(mode) >> 12) + name
        rec += b"\0" * (-len(rec) % 8)
        if len(out) + len(rec) > size:
            break
        out += rec
    return bytes(out)
