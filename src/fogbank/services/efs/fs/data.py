"""File contents: the block map rows, and assembling reads and writes from blocks.

The functions here are the SQL halves; ``FileSystem`` moves the bytes (in threads) and
wraps each half in its transaction.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass

from fogbank.services.efs.fs import perms
from fogbank.services.efs.fs.blocks import INLINE_MAX, BlockCodec, BlockStore
from fogbank.services.efs.fs.checksum import block_checksum
from fogbank.services.efs.fs.model import BLOCK_SIZE, STANDARD, Attr, FsError
from fogbank.services.efs.fs.tables import Tx, as_bytes, as_int


@dataclass(frozen=True)
class BlockRef:
    idx: int
    length: int
    checksum: int
    blob_key: str | None
    inline_data: bytes | None
    storage_class: str


@dataclass(frozen=True)
class NewBlock:
    idx: int
    length: int
    stored: int
    checksum: int  # crc32 of the stored (sealed) bytes: catches blocks lost in a crash
    blob_key: str | None
    inline_data: bytes | None


def block_refs(tx: Tx, ino: int, first: int, last: int) -> list[BlockRef]:
    rows = tx.conn.all(
        "SELECT idx, length, checksum, blob_key, inline_data, storage_class FROM efs_fs_blocks"
        " WHERE fs_id = ? AND ino = ? AND idx >= ? AND idx <= ? ORDER BY idx",
        (tx.fs_id, ino, first, last),
    )
    return [
        BlockRef(
            idx=as_int(r["idx"]),
            length=as_int(r["length"]),
            checksum=as_int(r["checksum"]),
            blob_key=None if r["blob_key"] is None else str(r["blob_key"]),
            inline_data=None if r["inline_data"] is None else as_bytes(r["inline_data"]),
            storage_class=str(r["storage_class"]),
        )
        for r in rows
    ]


def read_plan(tx: Tx, ino: int, offset: int, size: int) -> tuple[Attr, list[BlockRef], float]:
    """The inode, the blocks covering [offset, offset+size) within EOF, last access."""
    attr = tx.get(ino)
    if attr.is_dir:
        raise FsError(errno.EISDIR)
    end = min(attr.size, offset + size)
    if end <= offset:
        return attr, [], 0.0
    accessed = tx.conn.scalar(
        "SELECT accessed_at FROM efs_fs_inodes WHERE fs_id = ? AND ino = ?", (tx.fs_id, ino)
    )
    refs = block_refs(tx, ino, offset // BLOCK_SIZE, (end - 1) // BLOCK_SIZE)
    return attr, refs, float(as_int(accessed))


def commit_write(
    tx: Tx, ino: int, end: int, blocks: list[NewBlock], kill_suidgid: bool
) -> tuple[Attr, list[str]]:
    """Point the block map at new blocks, grow the size, stamp mtime/ctime."""
    attr = tx.get(ino)
    old = block_refs(tx, ino, blocks[0].idx, blocks[-1].idx) if blocks else []
    freed = [b.blob_key for b in old if b.blob_key is not None]
    for b in blocks:
        tx.conn.execute(
            "DELETE FROM efs_fs_blocks WHERE fs_id = ? AND ino = ? AND idx = ?",
            (tx.fs_id, ino, b.idx),
        )
        tx.conn.execute(
            "INSERT INTO efs_fs_blocks (fs_id, ino, idx, length, stored, checksum, blob_key,"
            " inline_data, storage_class) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tx.fs_id,
                ino,
                b.idx,
                b.length,
                b.stored,
                b.checksum,
                b.blob_key,
                b.inline_data,
                STANDARD,
            ),
        )
    mode = perms.killed_mode(attr.mode) if kill_suidgid else attr.mode
    new = Attr(
        **{
            **attr.__dict__,
            "size": max(attr.size, end),
            "mtime_ns": tx.now_ns,
            "ctime_ns": tx.now_ns,
            "mode": mode,
        }
    )
    tx.put(new)
    tx.conn.execute(
        "UPDATE efs_fs_inodes SET accessed_at = ?, storage_class = ?, has_extras = 1"
        " WHERE fs_id = ? AND ino = ?",
        (tx.now_s, STANDARD, tx.fs_id, ino),
    )
    return new, freed


def assemble(offset: int, size: int, file_size: int, contents: dict[int, bytes]) -> bytes:
    """The bytes of [offset, offset+size) clipped at EOF; holes read as zeros."""
    end = min(file_size, offset + size)
    if end <= offset:
        return b""
    first = offset // BLOCK_SIZE
    data = contents.get(first)
    if (
        data is not None
        and first == (end - 1) // BLOCK_SIZE
        and end - first * BLOCK_SIZE <= len(data)
    ):  # one stored block covers it all: no zero-filled buffer to assemble
        lo = offset - first * BLOCK_SIZE
        return data if lo == 0 and end - offset == len(data) else data[lo : lo + end - offset]
    out = bytearray(end - offset)
    for idx in range(offset // BLOCK_SIZE, (end - 1) // BLOCK_SIZE + 1):
        data = contents.get(idx)
        if not data:
            continue
        base = idx * BLOCK_SIZE
        lo = max(offset, base)
        hi = min(end, base + len(data))
        if hi > lo:
            out[lo - offset : hi - offset] = data[lo - base : hi - base]
    return bytes(out)


def is_partial(idx: int, offset: int, end: int) -> bool:
    base = idx * BLOCK_SIZE
    return offset > base or end < base + BLOCK_SIZE


def store_blocks(
    codec: BlockCodec,
    blocks: BlockStore,
    aad: Callable[[int, int], bytes],
    fs_id: str,
    ino: int,
    offset: int,
    payload: bytes | memoryview,
    old: dict[int, bytes],
) -> list[NewBlock]:
    """Seal and store the blocks a write touches (merged with ``old`` partial blocks)."""
    view = memoryview(payload)
    end = offset + len(payload)
    out: list[NewBlock] = []
    for idx in range(offset // BLOCK_SIZE, (end - 1) // BLOCK_SIZE + 1):
        base = idx * BLOCK_SIZE
        lo, hi = max(offset, base), min(end, base + BLOCK_SIZE)
        piece = view[lo - offset : hi - offset]
        prior = old.get(idx)
        content: bytes | memoryview
        if lo == base and prior is None:
            content = piece  # a whole new block: stored from the request's buffer
        else:
            buf = bytearray(max(len(prior or b""), hi - base))
            if prior:
                buf[: len(prior)] = prior
            buf[lo - base : hi - base] = piece
            content = bytes(buf)
        sealed = codec.seal(aad(ino, idx), content)
        crc = block_checksum(sealed)
        if len(sealed) <= INLINE_MAX:
            out.append(NewBlock(idx, len(content), len(sealed), crc, None, bytes(sealed)))
        else:
            key = blocks.put(fs_id, sealed, sync=False)
            out.append(NewBlock(idx, len(content), len(sealed), crc, key, None))
    return out
