"""The read path: a plan's pieces as a file slice (plain bytes) or a stream of chunks.

A single plain piece becomes a ``FileSlice`` so that the edge can ``sendfile`` it. Anything
else (encrypted bytes, several pieces) is an async iterator of chunks of at most
``READ_CHUNK`` bytes, each read (and decrypted) in a thread. Encrypted pieces read and
authenticate only the 64 KiB chunks their range overlaps.

A read of one local piece of at most ``READ_CHUNK`` bytes can instead be read whole
(``read_whole``): one thread reads the stored bytes into a pooled buffer and decrypts them
into another, and the body is a view of that one (no stream to iterate, no allocation or
zero-filling of a megabyte per read; see ``buffers``). ``read_whole_sync`` does the same
in the calling thread (S3's GetObject: the one that read the metadata, when the data
key needs nothing from the caller).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from fogbank.core.lru import Lru
from fogbank.core.streams import FileSlice
from fogbank.storage.blobs import crypto
from fogbank.storage.blobs.buffers import BufferPool
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
WHOLE_BUFFERS = 8
"""Buffers kept per pool for whole reads, a megabyte each, made as reads first need them:
plaintext (a body holds its buffer until the socket has taken it) and stored bytes (held
only by a reading thread, so no more than the threads that read whole: the executor's,
and the metadata readers' that call ``read_whole_sync``). A read that finds every kept
buffer in use gets a fresh one, as before pooling."""
SMALL_READ = 16 * 1024
"""Reads of at most this many bytes can be read whole ahead (``preread``) and decrypted
where they are used: less work than a thread hop."""


@dataclass(frozen=True)
class Preread:
    """The stored bytes of a small single-piece read (encrypted or not), read ahead."""

    plan: ReadPlan
    stored: bytes


def stored_file(disk: Disk, blob: BlobInfo) -> tuple[str, int]:
    """The file (its path as text) holding a data blob's stored bytes and where in it
    they start."""
    if blob.tier not in disk.roots:
        raise BlobError(f"blob {blob.blob_id} is in remote tier {blob.tier!r}: move it first")
    if blob.location is not None and blob.location_offset is not None:
        if blob.layout == "file":
            return disk.blob_file(blob.tier, blob.location), blob.location_offset
        if blob.layout == "packed":
            return disk.segment_file(blob.tier, blob.location), blob.location_offset
    raise ValueError(f"blob {blob.blob_id} ({blob.layout}) has no stored bytes of its own")


def stored_location(disk: Disk, blob: BlobInfo) -> tuple[Path, int]:
    """``stored_file`` as a ``Path``."""
    path, base = stored_file(disk, blob)
    return Path(path), base


def _pread_exact(fd: int, length: int, offset: int) -> bytes:
    data = os.pread(fd, length, offset)
    if len(data) != length:
        raise BlobCorrupt(f"stored bytes end early ({len(data)} of {length} at {offset})")
    return data


class _File:
    """A stored file, opened by its first read: in the reading thread, so that a small
    read costs one thread hop, not two."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._fd: int | None = None

    def pread_exact(self, length: int, offset: int) -> bytes:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDONLY | os.O_CLOEXEC)
        return _pread_exact(self._fd, length, offset)

    def preadv_exact(self, into: memoryview, offset: int) -> None:
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDONLY | os.O_CLOEXEC)
        done = os.preadv(self._fd, [into], offset)
        if done != len(into):
            raise BlobCorrupt(f"stored bytes end early ({done} of {len(into)} at {offset})")

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class BlobReader:
    def __init__(self, disk: Disk, executor: Executor, decryptors: int = 4096) -> None:
        self._disk = disk
        self._executor = executor
        # A blob's decryptor holds its subkey (an HKDF derivation): kept for blobs read
        # recently, by data key and blob (blobs never change once written).
        self._decryptors: Lru[tuple[bytes, str, int], crypto.Decryptor] = Lru(decryptors)
        # An unaligned read of READ_CHUNK bytes overlaps one chunk more than it holds.
        chunks = _CHUNKS_PER_READ + 1
        self._stored_buffers = BufferPool(chunks * crypto.STORED_CHUNK, WHOLE_BUFFERS)
        self._plain_buffers = BufferPool(chunks * crypto.CHUNK, WHOLE_BUFFERS)

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
            path, base = stored_file(self._disk, piece.blob)
            return FileSlice(path, base + piece.offset, piece.length)
        return self._stream(plan.pieces, keyring)

    def preread(self, plan: ReadPlan) -> Preread | None:
        """Blocking (call it in a thread): the stored bytes of a small read of one local
        piece, for ``open_preread``; None for any other read (``open`` it)."""
        if len(plan.pieces) != 1 or plan.length > SMALL_READ:
            return None
        piece = plan.pieces[0]
        blob = piece.blob
        if blob.tier not in self._disk.roots:
            return None
        if blob.cipher is None:
            offset, length = piece.offset, piece.length
        elif blob.cipher == crypto.CIPHER:
            offset, length = crypto.span_of(blob.size, piece.offset, piece.offset + piece.length)
        else:
            return None
        path, base = stored_file(self._disk, blob)
        file = _File(path)
        try:
            return Preread(plan, file.pread_exact(length, base + offset))
        finally:
            file.close()

    def open_preread(self, pre: Preread, keys: Sequence[DataKey] = ()) -> bytes:
        """The plaintext of a ``preread`` (decrypted and authenticated here: small)."""
        piece = pre.plan.pieces[0]
        blob = piece.blob
        dec = self._decryptor_for(blob, keys)
        if dec is None:
            return pre.stored
        first = piece.offset // crypto.CHUNK
        plain = dec.open_chunks(first, pre.stored)
        at = piece.offset - first * crypto.CHUNK
        return bytes(memoryview(plain)[at : at + piece.length])

    async def read_whole(self, plan: ReadPlan, keys: Sequence[DataKey] = ()) -> memoryview | None:
        """The bytes of a read of one local piece of at most ``READ_CHUNK`` bytes, read
        (and decrypted, authenticated) in one thread hop; None for any other read
        (``open`` it). The bytes are a view of a pooled buffer, never changed while the
        view is held: keep the view (not a copy of its address) as long as they are
        needed."""
        if not self.whole_readable(plan):
            return None
        piece = plan.pieces[0]
        dec = self._decryptor_for(piece.blob, keys)
        path, base = stored_file(self._disk, piece.blob)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._whole, path, base, piece, dec)

    def whole_readable(self, plan: ReadPlan) -> bool:
        """Whether ``read_whole`` (``read_whole_sync``) reads ``plan``: one local piece of
        at most ``READ_CHUNK`` bytes."""
        return (
            len(plan.pieces) == 1
            and plan.length <= READ_CHUNK
            and plan.pieces[0].blob.tier in self._disk.roots
        )

    def read_whole_sync(self, plan: ReadPlan, keys: Sequence[DataKey] = ()) -> memoryview | None:
        """Blocking ``read_whole`` (call it in a thread that is already off the event
        loop, such as the one that located the bytes: no thread hop of its own)."""
        if not self.whole_readable(plan):
            return None
        piece = plan.pieces[0]
        dec = self._decryptor_for(piece.blob, keys)
        path, base = stored_file(self._disk, piece.blob)
        return self._whole(path, base, piece, dec)

    def _whole(
        self, path: str, base: int, piece: Piece, dec: crypto.Decryptor | None
    ) -> memoryview:
        file = _File(path)
        try:
            if dec is None:
                buf = self._plain_buffers.take()
                out = memoryview(buf)[: piece.length]
                file.preadv_exact(out, base + piece.offset)
                return out
            offset, length = crypto.span_of(dec.size, piece.offset, piece.offset + piece.length)
            stored = self._stored_buffers.take()
            plain = self._plain_buffers.take()
            with memoryview(stored) as sview, sview[:length] as span:
                file.preadv_exact(span, base + offset)
                at = piece.offset % crypto.CHUNK
                dec.open_chunks_into(piece.offset // crypto.CHUNK, span, memoryview(plain))
            return memoryview(plain)[at : at + piece.length]
        finally:
            file.close()

    def _decryptor_for(self, blob: BlobInfo, keys: Sequence[DataKey]) -> crypto.Decryptor | None:
        """The decryptor of an encrypted blob (None: a plain one); KeyRequired when
        ``keys`` lack its data key."""
        if blob.cipher is None:
            return None
        key = next((k for k in keys if k.key_ref == blob.key_ref), None)
        if blob.key_ref is None or key is None:
            raise KeyRequired(blob.key_ref or "")
        if blob.cipher != crypto.CIPHER:
            raise BlobCorrupt(f"blob {blob.blob_id} uses unknown cipher {blob.cipher!r}")
        return self._decryptor(key, blob)

    def _decryptor(self, key: DataKey, blob: BlobInfo) -> crypto.Decryptor:
        return self._decryptors.get_or_make(
            (key.key, blob.blob_id, blob.size),
            lambda: crypto.Decryptor(key, blob.blob_id, blob.size),
        )

    def file_slices(self, plan: ReadPlan) -> tuple[FileSlice, ...] | None:
        """The plan as slices of files, if no piece is encrypted (for ``sendfile``)."""
        if any(p.blob.cipher is not None for p in plan.pieces):
            return None
        out = []
        for piece in plan.pieces:
            path, base = stored_file(self._disk, piece.blob)
            out.append(FileSlice(path, base + piece.offset, piece.length))
        return tuple(out)

    async def _stream(
        self, pieces: Sequence[Piece], keyring: dict[str, DataKey]
    ) -> AsyncIterator[bytes]:
        for piece in pieces:
            path, base = stored_file(self._disk, piece.blob)
            file = _File(path)
            try:
                if piece.blob.cipher is None:
                    parts = self._plain(file, base, piece)
                else:
                    parts = self._encrypted(file, base, piece, keyring)
                async for chunk in parts:
                    yield chunk
            finally:
                file.close()

    async def _plain(self, file: _File, base: int, piece: Piece) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        pos, end = piece.offset, piece.offset + piece.length
        while pos < end:
            n = min(READ_CHUNK, end - pos)
            yield await loop.run_in_executor(self._executor, file.pread_exact, n, base + pos)
            pos += n

    async def _encrypted(
        self, file: _File, base: int, piece: Piece, keyring: dict[str, DataKey]
    ) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        blob = piece.blob
        if blob.cipher != crypto.CIPHER or blob.key_ref is None:
            raise BlobCorrupt(f"blob {blob.blob_id} uses unknown cipher {blob.cipher!r}")
        dec = self._decryptor(keyring[blob.key_ref], blob)

        def stored_at(offset: int, length: int) -> bytes:
            return file.pread_exact(length, base + offset)

        pos, end = piece.offset, piece.offset + piece.length
        while pos < end:
            # Up to 16 chunks per thread hop, aligned to chunk boundaries after the first.
            stop = min(end, (pos // crypto.CHUNK + _CHUNKS_PER_READ) * crypto.CHUNK)
            plain = await loop.run_in_executor(self._executor, dec.read_range, pos, stop, stored_at)
            # A bytearray, decrypted in place and never changed after: it goes wherever
            # the stream's bytes go (socket writes, digests, re-encryption) without the
            # copy that making it ``bytes`` would cost on every megabyte.
            yield cast(bytes, plain)
            pos = stop
