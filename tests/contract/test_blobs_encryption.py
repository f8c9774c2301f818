"""Encrypted blobs: no plaintext on disk, exact ranged reads, tampering detected."""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
from pathlib import Path

import pytest

from fogbank.core.streams import FileSlice
from fogbank.storage.blobs import BlobCorrupt, BlobStore, DataKey, Extent, KeyRequired
from fogbank.storage.blobs.crypto import CHUNK, CIPHER, stored_size
from fogbank.storage.db import Database
from tests.support.blobs import chunked, commit, files_under

MIB = 1024 * 1024
MARKER = hashlib.sha512(b"fogbank plaintext marker").digest()  # 64 bytes
KEY = DataKey(os.urandom(32), "arn:aws:kms:us-east-1:000000000000:key/test#1")


def _with_markers(size: int, seed: int) -> bytes:
    """Random bytes with the marker at the start, across chunk boundaries and at the end."""
    data = bytearray(random.Random(seed).randbytes(size))
    for pos in (0, CHUNK - 32, 3 * CHUNK - 1, size - len(MARKER)):
        if 0 <= pos <= size - len(MARKER):
            data[pos : pos + len(MARKER)] = MARKER
    return bytes(data)


@pytest.mark.parametrize("size", [64, 4096, 100 * 1024, 5 * MIB + 3])
def test_no_plaintext_reaches_the_disk(
    blob_store: BlobStore, blob_db: Database, tmp_path: Path, size: int
) -> None:
    data = _with_markers(size, size)

    async def main() -> None:
        w = await blob_store.write(chunked(data, seed=size), encryption=KEY, checksums=["SHA256"])
        assert (w.size, w.cipher, w.key_ref) == (size, CIPHER, KEY.key_ref)
        assert w.stored_size == stored_size(size)
        assert (
            w.md5 == hashlib.md5(data, usedforsecurity=False).digest()
        )  # digests are of the plaintext
        assert w.checksums["SHA256"] == hashlib.sha256(data).digest()
        await commit(blob_db, blob_store, w)
        assert await blob_store.read_bytes(w.blob_id, keys=[KEY]) == data

    asyncio.run(main())
    blob_store.close()
    scanned = 0
    for path in files_under(tmp_path):
        content = path.read_bytes()
        scanned += len(content)
        assert MARKER not in content, f"plaintext found in {path}"
        assert MARKER[:16] not in content
    assert scanned > size


def test_ranged_reads_across_chunk_boundaries(blob_store: BlobStore, blob_db: Database) -> None:
    size = 20 * CHUNK + 77
    data = random.Random(5).randbytes(size)
    rng = random.Random(6)

    async def main() -> None:
        small = await blob_store.write_bytes(data[: CHUNK + 1000], encryption=KEY)  # packed
        big = await blob_store.write(chunked(data), encryption=KEY)  # own file
        assert (small.layout, big.layout) == ("packed", "file")
        for w in (small, big):
            await commit(blob_db, blob_store, w)
            n = w.size
            edges = sorted({0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, n - 1, n})
            edges = [e for e in edges if e <= n]
            for a in edges:
                for b in edges:
                    if a <= b:
                        got = await blob_store.read_bytes(w.blob_id, a, b, keys=[KEY])
                        assert got == data[a:b], (w.layout, a, b)
            for _ in range(30):
                a, b = sorted(rng.randrange(n + 1) for _ in range(2))
                assert await blob_store.read_bytes(w.blob_id, a, b, keys=[KEY]) == data[a:b]
        stream = await blob_store.read(big.blob_id, CHUNK - 1, size, keys=[KEY])
        assert not isinstance(stream, FileSlice)  # encrypted: never a raw file slice
        chunks = [c async for c in stream]
        assert max(len(c) for c in chunks) <= MIB
        assert b"".join(chunks) == data[CHUNK - 1 :]

    asyncio.run(main())


def test_composites_of_encrypted_parts(blob_store: BlobStore, blob_db: Database) -> None:
    other = DataKey(os.urandom(32), "other")

    async def main() -> None:
        a = await blob_store.write_bytes(os.urandom(3 * CHUNK + 5), encryption=KEY)
        b = await blob_store.write_bytes(os.urandom(2 * MIB), encryption=other)
        c = await blob_store.write_bytes(b"plain part")
        for w in (a, b, c):
            await commit(blob_db, blob_store, w)
        plain = {
            a.blob_id: await blob_store.read_bytes(a.blob_id, keys=[KEY]),
            b.blob_id: await blob_store.read_bytes(b.blob_id, keys=[other]),
            c.blob_id: b"plain part",
        }
        whole = await blob_db.write(
            lambda conn: blob_store.compose(conn, [Extent(w.blob_id, 0, w.size) for w in (a, b, c)])
        )
        refs = await blob_db.read(lambda conn: blob_store.key_refs(conn, whole.blob_id))
        assert refs == {KEY.key_ref, other.key_ref}
        expected = plain[a.blob_id] + plain[b.blob_id] + plain[c.blob_id]
        got = await blob_store.read_bytes(whole.blob_id, 7, len(expected) - 3, keys=[KEY, other])
        assert got == expected[7:-3]
        with pytest.raises(KeyRequired) as missing:
            await blob_store.read(whole.blob_id, keys=[KEY])
        assert missing.value.key_ref == other.key_ref

    asyncio.run(main())


def _flip(path: Path, at: int) -> None:
    with open(path, "r+b") as f:
        f.seek(at)
        byte = f.read(1)
        f.seek(at)
        f.write(bytes([byte[0] ^ 0x80]))


@pytest.mark.parametrize("size", [1000, 3 * MIB])
def test_a_flipped_ciphertext_byte_fails_authentication(
    blob_store: BlobStore, blob_db: Database, size: int
) -> None:
    data = os.urandom(size)

    async def main() -> None:
        w = await blob_store.write_bytes(data, encryption=KEY)
        await commit(blob_db, blob_store, w)
        path = (
            blob_store.disk.blob_path(w.tier, w.location)
            if w.layout == "file"
            else blob_store.disk.segment_path(w.tier, w.location)
        )
        _flip(path, w.location_offset + min(CHUNK + 100, size // 2))
        if size > CHUNK + 100:  # chunks before the damage still read
            assert await blob_store.read_bytes(w.blob_id, 0, CHUNK, keys=[KEY]) == data[:CHUNK]
        with pytest.raises(BlobCorrupt):
            await blob_store.read_bytes(w.blob_id, keys=[KEY])
        wrong = DataKey(os.urandom(32), KEY.key_ref)
        with pytest.raises(BlobCorrupt):
            await blob_store.read_bytes(w.blob_id, 0, 10, keys=[wrong])
        with pytest.raises(KeyRequired):
            await blob_store.read(w.blob_id)

    asyncio.run(main())
