"""Chunked AES-256-GCM: the format of encrypted blobs (server-side encryption's body).

A blob's plaintext is cut into chunks of ``CHUNK`` (64 KiB) bytes, the last one shorter
(an empty blob is one empty chunk). Chunk *i* is stored as ``AES-GCM(ciphertext ‖ tag)``:
``CHUNK + 16`` bytes, so chunk *i* starts at ``i * (CHUNK + 16)`` of the stored bytes and a
ranged read decrypts just the chunks it overlaps.

- **Key**: a per-blob subkey, ``HKDF-SHA256(data key, salt=SALT, info=blob id)``. The same
  data key may encrypt many blobs (all parts of one upload); subkeys keep their nonce
  spaces apart.
- **Nonce**: the chunk index (11 bytes, big-endian) and a last-chunk flag byte. Unique per
  subkey, derived, never stored.
- **AAD**: ``"fbc1" ‖ blob id ‖ chunk index ‖ last flag``. A chunk moved to another index
  or to another blob fails authentication; so does a stream cut after any chunk but the
  real last one (the reader expects the flag on the chunk the plaintext size makes last).

Why 64 KiB: a ranged read decrypts at most two partial chunks more than it returns (small
ranged GETs, such as a Parquet footer, stay cheap), the tag costs 0.02 %, and AES-GCM runs
near its peak speed on buffers this size. Writers hand about 16 chunks at a time to a thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fogbank.storage.blobs.checksums import Buffer
from fogbank.storage.blobs.model import BlobCorrupt, DataKey

CIPHER = "aes256gcm-64k-v1"
CHUNK = 64 * 1024
TAG = 16
STORED_CHUNK = CHUNK + TAG
SALT = b"fogbank blob chunk key v1"
_MAGIC = b"fbc1"

StoredReader = Callable[[int, int], bytes]
"""Reads ``length`` stored bytes at ``offset``."""


def chunk_count(size: int) -> int:
    return max(1, -(-size // CHUNK))


def stored_size(size: int) -> int:
    return size + TAG * chunk_count(size)


def chunks_span(size: int, first: int, last: int) -> tuple[int, int]:
    """(offset, length) of chunks ``first..last`` in the stored bytes of a ``size``-byte
    blob."""
    stop = min((last + 1) * STORED_CHUNK, stored_size(size))
    return first * STORED_CHUNK, stop - first * STORED_CHUNK


def span_of(size: int, start: int, end: int) -> tuple[int, int]:
    """(offset, length) in the stored bytes of a ``size``-byte blob of the chunks that
    plaintext ``[start, end)`` overlaps (``end > start``)."""
    return chunks_span(size, start // CHUNK, (end - 1) // CHUNK)


def _subkey(key: DataKey, blob_id: str) -> AESGCM:
    hkdf = HKDF(algorithm=SHA256(), length=32, salt=SALT, info=bytes.fromhex(blob_id))
    return AESGCM(hkdf.derive(key.key))


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class _Chunked:
    def __init__(self, key: DataKey, blob_id: str) -> None:
        self._aead = _subkey(key, blob_id)
        self._aad_prefix = _MAGIC + bytes.fromhex(blob_id)

    def _aad(self, index: int, last: bool) -> bytes:
        return self._aad_prefix + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")

    def seal_whole(self, data: Buffer) -> bytes:
        """The stored form of a plaintext of at most one chunk: chunk 0, the last."""
        return self._aead.encrypt(_nonce(0, True), data, self._aad(0, True))


class Encryptor(_Chunked):
    """Encrypts a stream batch by batch: ``seal`` returns the stored bytes of the chunks a
    batch completes, sealed straight into one reused buffer (``encrypt_into``: no bytes
    object per chunk, one write per batch)."""

    def __init__(self, key: DataKey, blob_id: str) -> None:
        super().__init__(key, blob_id)
        self._pending = memoryview(bytearray(CHUNK))  # a chunk cut by a batch's end
        self._filled = 0
        self._index = 0
        self._out = memoryview(bytearray())

    def seal(self, parts: Sequence[Buffer], last: bool = False) -> memoryview:
        """The stored bytes of the chunks ``parts`` complete (all of them, the last one
        flagged, when ``last``); valid until the next call.

        A full chunk is only known not to be the last once a byte after it arrives, so
        up to one chunk is held back between calls. Chunks that lie within one part are
        sealed from it in place; only a chunk cut across parts is copied (into ``_pending``).
        """
        size = self.sealed_size(parts, last)
        if len(self._out) < size:
            self._out = memoryview(bytearray(size))
        return self._out[: self.seal_into(parts, self._out, last)]

    def _counts(self, parts: Sequence[Buffer], last: bool) -> tuple[int, int, int]:
        """(plaintext bytes held and given, chunks to seal, their stored size)."""
        total = self._filled + sum(len(p) for p in parts)
        count = max(1, -(-total // CHUNK)) if last else max(0, (total - 1) // CHUNK)
        return total, count, min(total, count * CHUNK) + TAG * count

    def sealed_size(self, parts: Sequence[Buffer], last: bool = False) -> int:
        """How many stored bytes ``seal(parts, last)`` makes."""
        return self._counts(parts, last)[2]

    def seal_into(self, parts: Sequence[Buffer], out: memoryview, last: bool = False) -> int:
        """``seal``, the stored bytes written to the start of ``out`` (at least
        ``sealed_size`` long) rather than to a buffer of the encryptor's; how many."""
        views = [memoryview(p) for p in parts if len(p)]
        total, count, size = self._counts(views, last)
        if len(out) < size:
            raise ValueError(f"{size} stored bytes do not fit in {len(out)}")
        part, pos, at = 0, 0, 0
        for i in range(count):
            n = min(CHUNK, total - i * CHUNK)
            if self._filled == 0 and part < len(views) and len(views[part]) - pos >= n:
                src = views[part][pos : pos + n]
                pos += n
                if pos == len(views[part]):
                    part, pos = part + 1, 0
            else:
                while self._filled < n:
                    take = min(n - self._filled, len(views[part]) - pos)
                    self._pending[self._filled : self._filled + take] = views[part][
                        pos : pos + take
                    ]
                    self._filled += take
                    pos += take
                    if pos == len(views[part]):
                        part, pos = part + 1, 0
                src = self._pending[:n]
                self._filled = 0
            final = last and i == count - 1
            nonce, aad = _nonce(self._index, final), self._aad(self._index, final)
            self._aead.encrypt_into(nonce, src, aad, out[at : at + n + TAG])
            self._index += 1
            at += n + TAG
        for view in views[part:]:  # the rest (at most one chunk) waits for more
            rest = view[pos:]
            self._pending[self._filled : self._filled + len(rest)] = rest
            self._filled += len(rest)
            pos = 0
        return at


def encrypt(key: DataKey, blob_id: str, data: Buffer) -> bytes:
    """The stored form of a whole (small) plaintext.

    A plaintext of at most one chunk (most small objects) is that chunk, index 0 and
    last: sealed in one call, without a streaming ``Encryptor`` and its buffers."""
    if len(data) <= CHUNK:
        return _Chunked(key, blob_id).seal_whole(data)
    return Encryptor(key, blob_id).seal([data], last=True).tobytes()


class Decryptor(_Chunked):
    """Decrypts chunks of a blob of ``size`` plaintext bytes."""

    def __init__(self, key: DataKey, blob_id: str, size: int) -> None:
        super().__init__(key, blob_id)
        self.size = size
        self.last_index = chunk_count(size) - 1

    def stored_span(self, first: int, last: int) -> tuple[int, int]:
        """(offset, length) of chunks ``first..last`` in the stored bytes."""
        return chunks_span(self.size, first, last)

    def open_chunks(self, first: int, stored: Buffer) -> bytearray:
        """Plaintext of the consecutive chunks starting at ``first`` held in ``stored``,
        decrypted in place into one buffer (no per-chunk copies to join)."""
        with memoryview(stored) as view:
            size = len(view)
            out = bytearray(size - TAG * -(-size // STORED_CHUNK))
            with memoryview(out) as target:
                self.open_chunks_into(first, view, target)
        return out

    def open_chunks_into(self, first: int, stored: Buffer, target: memoryview) -> int:
        """``open_chunks`` into the start of ``target`` (a writable buffer at least as
        long as the plaintext); the number of plaintext bytes."""
        view = memoryview(stored)
        size = len(view)
        index, pos, at = first, 0, 0
        try:
            while pos < size:
                piece = view[pos : pos + STORED_CHUNK]
                last = index == self.last_index
                if index > self.last_index or (len(piece) < STORED_CHUNK and not last):
                    raise BlobCorrupt("encrypted blob is truncated or has extra bytes")
                if len(piece) < TAG:
                    raise BlobCorrupt("encrypted blob is truncated")
                n = len(piece) - TAG
                try:
                    self._aead.decrypt_into(
                        _nonce(index, last), piece, self._aad(index, last), target[at : at + n]
                    )
                except Exception as exc:  # cryptography's InvalidTag
                    raise BlobCorrupt(f"chunk {index} failed authentication") from exc
                index += 1
                pos += len(piece)
                at += n
        finally:
            view.release()
        return at

    def read_range(self, start: int, end: int, stored_at: StoredReader) -> bytearray:
        """Plaintext ``[start, end)``, reading only the chunks it overlaps."""
        if start >= end:
            return bytearray()
        first, last = start // CHUNK, (end - 1) // CHUNK
        offset, length = self.stored_span(first, last)
        stored = stored_at(offset, length)
        if len(stored) != length:
            raise BlobCorrupt("encrypted blob is truncated")
        plain = self.open_chunks(first, stored)
        base = first * CHUNK
        if start == base and end - base == len(plain):
            return plain
        return plain[start - base : end - base]
