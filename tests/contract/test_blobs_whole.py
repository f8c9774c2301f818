"""Whole reads (``read_whole``: one local piece of at most a megabyte, read and decrypted
in one thread hop into pooled buffers): the same bytes as a streamed read, authenticated,
and a body kept by its holder is never overwritten by a later read."""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

import pytest

from fogbank.storage.blobs import BlobCorrupt, BlobStore, DataKey, Extent, KeyRequired, ReadPlan
from fogbank.storage.blobs.crypto import CHUNK
from fogbank.storage.blobs.reader import READ_CHUNK, stored_location
from fogbank.storage.db import Database
from tests.support.blobs import commit

KEY = DataKey(os.urandom(32), "s3-whole-test")
MIB = 1024 * 1024


async def _stored(store: BlobStore, db: Database, data: bytes, key: DataKey | None) -> str:
    w = await store.write_bytes(data, encryption=key)
    await commit(db, store, w)
    return w.blob_id


def _plan(store: BlobStore, db: Database, blob_id: str, a: int, b: int) -> ReadPlan:
    return db.read_sync(lambda c: store.locate(c, blob_id, a, b))


def _flip(path: Path, offset: int) -> None:
    with path.open("r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 1]))


@pytest.mark.parametrize("encrypted", [True, False])
def test_whole_reads_match_the_data(
    blob_store: BlobStore, blob_db: Database, encrypted: bool
) -> None:
    data = random.Random(5).randbytes(MIB + 3 * CHUNK + 7)
    key = KEY if encrypted else None
    keys = [KEY] if encrypted else []
    n = len(data)
    spans = [(0, 1), (0, MIB), (1, MIB + 1), (CHUNK - 1, CHUNK - 1 + MIB), (n - MIB, n),
             (n - 10, n), (CHUNK, 2 * CHUNK), (5, 5 + 3 * CHUNK)]  # fmt: skip

    async def main() -> None:
        blob_id = await _stored(blob_store, blob_db, data, key)
        for a, b in spans:
            got = await blob_store.read_whole(_plan(blob_store, blob_db, blob_id, a, b), keys)
            assert got is not None, (a, b)
            assert bytes(got) == data[a:b], (a, b)
        too_big = await blob_store.read_whole(_plan(blob_store, blob_db, blob_id, 0, MIB + 1))
        assert too_big is None

    asyncio.run(main())


def test_kept_bodies_are_not_overwritten(blob_store: BlobStore, blob_db: Database) -> None:
    rnd = random.Random(7)
    blobs = [rnd.randbytes(READ_CHUNK) for _ in range(40)]

    async def main() -> None:
        ids = [await _stored(blob_store, blob_db, d, KEY) for d in blobs]
        kept = []
        for blob_id in ids:  # more than a pool holds, every body still referenced
            got = await blob_store.read_whole(
                _plan(blob_store, blob_db, blob_id, 0, READ_CHUNK), [KEY]
            )
            assert got is not None
            kept.append(got)
        for i, got in enumerate(kept):
            assert bytes(got) == blobs[i], i
        kept.clear()
        for blob_id, data in zip(ids, blobs, strict=True):  # buffers lent again once free
            got = await blob_store.read_whole(
                _plan(blob_store, blob_db, blob_id, 0, READ_CHUNK), [KEY]
            )
            assert got is not None and bytes(got) == data

    asyncio.run(main())


def test_whole_reads_are_authenticated(blob_store: BlobStore, blob_db: Database) -> None:
    data = os.urandom(3 * CHUNK)

    async def main() -> None:
        blob_id = await _stored(blob_store, blob_db, data, KEY)
        plan = _plan(blob_store, blob_db, blob_id, 0, len(data))
        with pytest.raises(KeyRequired):
            await blob_store.read_whole(plan, [])
        with pytest.raises(BlobCorrupt):
            await blob_store.read_whole(plan, [DataKey(os.urandom(32), KEY.key_ref)])
        path, base = stored_location(blob_store.disk, plan.pieces[0].blob)
        _flip(path, base + CHUNK + 16 + 100)  # one bit of the second chunk's ciphertext
        with pytest.raises(BlobCorrupt):
            await blob_store.read_whole(plan, [KEY])
        first = _plan(blob_store, blob_db, blob_id, 0, CHUNK)  # the first chunk is intact
        got = await blob_store.read_whole(first, [KEY])
        assert got is not None and bytes(got) == data[:CHUNK]

    asyncio.run(main())


def test_composites_are_not_read_whole(blob_store: BlobStore, blob_db: Database) -> None:
    async def main() -> None:
        one = await blob_store.write_bytes(b"a" * 100, encryption=KEY)
        two = await blob_store.write_bytes(b"b" * 100, encryption=KEY)
        await commit(blob_db, blob_store, one)
        await commit(blob_db, blob_store, two)
        both = await blob_db.write(
            lambda c: blob_store.compose(
                c, [Extent(one.blob_id, 0, 100), Extent(two.blob_id, 0, 100)]
            )
        )
        plan = _plan(blob_store, blob_db, both.blob_id, 50, 150)
        assert len(plan.pieces) == 2
        assert await blob_store.read_whole(plan, [KEY]) is None
        part = await blob_store.read_whole(_plan(blob_store, blob_db, both.blob_id, 0, 100), [KEY])
        assert part is not None and bytes(part) == b"a" * 100

    asyncio.run(main())


@pytest.mark.parametrize("encrypted", [True, False])
def test_whole_reads_in_the_callers_thread(
    blob_store: BlobStore, blob_db: Database, encrypted: bool
) -> None:
    """``read_whole_sync`` (in a thread already off the loop, such as the metadata
    read's): the bytes ``read_whole`` gives, for the reads ``whole_readable`` accepts."""
    data = random.Random(9).randbytes(MIB + CHUNK + 3)
    key = KEY if encrypted else None
    keys = [KEY] if encrypted else []

    async def stored() -> str:
        return await _stored(blob_store, blob_db, data, key)

    blob_id = asyncio.run(stored())
    for a, b in [(0, MIB), (7, 7 + MIB), (CHUNK + 1, 3 * CHUNK), (len(data) - 5, len(data))]:
        plan = _plan(blob_store, blob_db, blob_id, a, b)
        assert blob_store.whole_readable(plan)
        got = blob_store.read_whole_sync(plan, keys)
        assert got is not None and bytes(got) == data[a:b], (a, b)
    too_big = _plan(blob_store, blob_db, blob_id, 0, MIB + 1)
    assert not blob_store.whole_readable(too_big)
    assert blob_store.read_whole_sync(too_big, keys) is None
    if encrypted:
        with pytest.raises(KeyRequired):
            blob_store.read_whole_sync(_plan(blob_store, blob_db, blob_id, 0, 10), [])
