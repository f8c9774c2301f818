"""The read path: a plan's pieces as a file slice (plain bytes) or a stream of chunks.

A single plain piece becomes a ``FileSlice`` so that the edge can ``sendfile`` it. Anything
else (encrypted bytes, several pieces) is an async iterator of chunks of at most
``READ_CHUNK`` bytes, each read (and decrypted) in a thread. Encrypted pieces read and
authenticate only the 64 KiB chunks their range overlaps.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Executor
from pathlib import Path

from fogbank.core.streams import FileSlice
from fogbank.storage.blobs import crypto
from fogbank.storage.blobs.disk import Disk
from fogbank.storage.blobs.model import (
    BlobCorrupt,
    BlobError,
    BlobInfo,
    DataKey,
    KeyRequired,
    Piece,
    ReadPlan,
)

READ_CHUNK = 1024 * 1024
_CHUNKS_PER_READ = READ_CHUNK // crypto.CHUNK


def stored_location(disk: Disk, blob: BlobInfo) -> tuple[Path, int]:
    """The file holding a data blob's stored bytes and where in it they start."""
    if blob.tier not in disk.roots:
        raise BlobError(f"blob {blob.blob_id} is in remote tier {blob.tier!r}: move it first")
    if blob.location is not None and blob.location_offset is not None:
        if blob.layout == "file":
            return disk.blob_path(blob.tier, blob.location), blob.location_offset
        if blob.layout == "packed":
            return disk.segment_path(blob.tier, blob.location), blob.location_offset
    raise ValueError(f"blob {blob.blob_id} ({blob.layout}) has no stored bytes of its own")


def _pread_exact(fd: int, length: int, offset: int) -> bytes:
    data = os.pread(fd, length, offset)
    if len(data) != length:
        raise BlobCorrupt(f"stored bytes end early ({len(data)} of {length} at {offset})")
    return data


class BlobReader:
    def __init__(self, disk: Disk, executor: Executor) -> None:
        self._disk = disk
        self._executor = executor

    def open(
        self, plan: ReadPlan, keys: Sequence[DataKey] = ()
    ) -> FileSlice | AsyncIterator[bytes]:
        keyring = {k.key_ref: k for k in keys}
        for piece in plan.pieces:
            ref = piece.blob.key_ref
            if piece.blob.cipher is not None and (ref is None or ref not in keyring):
                raise KeyRequired(ref or "")
        if len(plan.pieces) == 1 and plan.pieces[0].blob.cipher is None:
            piece = plan.pieces[0]
            path, base = stored_location(self._disk, piece.blob)
            return FileSlice(str(path), base + piece.offset, piece.length)
        return self._stream(plan.pieces, keyring)

    def file_slices(self, plan: ReadPlan) -> tuple[FileSlice, ...] | None:
        """The plan as slices of files, if no piece is encrypted (for ``sendfile``)."""
        if any(p.blob.cipher is not None for p in plan.pieces):
            return None
        out = []
        for piece in plan.pieces:
            path, base = stored_location(self._disk, piece.blob)
            out.append(FileSlice(str(path), base + piece.offset, piece.length))
        return tuple(out)

    async def _stream(
        self, pieces: Sequence[Piece], keyring: dict[str, DataKey]
    ) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        for piece in pieces:
            path, base = stored_location(self._disk, piece.blob)
            fd = await loop.run_in_executor(self._executor, os.open, path, os.O_RDONLY)
            try:
                if piece.blob.cipher is None:
                    parts = self._plain(fd, base, piece)
                else:
                    parts = self._encrypted(fd, base, piece, keyring)
                async for chunk in parts:
                    yield chunk
            finally:
                os.close(fd)

    async def _plain(self, fd: int, base: int, piece: Piece) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        pos, end = piece.offset, piece.offset + piece.length
        while pos < end:
            n = min(READ_CHUNK, end - pos)
            yield await loop.run_in_executor(self._executor, _pread_exact, fd, n, base + pos)
            pos += n

    async def _encrypted(
        self, fd: int, base: int, piece: Piece, keyring: dict[str, DataKey]
    ) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        blob = piece.blob
        if blob.cipher != crypto.CIPHER or blob.key_ref is None:
            raise BlobCorrupt(f"blob {blob.blob_id} uses unknown cipher {blob.cipher!r}")
        dec = crypto.Decryptor(keyring[blob.key_ref], blob.blob_id, blob.size)

        def stored_at(offset: int, length: int) -> bytes:
            return _pread_exact(fd, length, base + offset)

        pos, end = piece.offset, piece.offset + piece.length
        while pos < end:
            # Up to 16 chunks per thread hop, aligned to chunk boundaries after the first.
            stop = min(end, (pos // crypto.CHUNK + _CHUNKS_PER_READ) * crypto.CHUNK)
            yield await loop.run_in_executor(self._executor, dec.read_range, pos, stop, stored_at)
            pos = stop
