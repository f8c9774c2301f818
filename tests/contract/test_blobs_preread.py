"""Small reads read ahead (``preread`` in the metadata read's thread, ``open_preread``
where the body is used): the same bytes as a streamed read, authenticated, and only for
small reads of one local piece."""

from __future__ import annotations

import asyncio
import os
import random

import pytest

from fogbank.storage.blobs import BlobCorrupt, BlobStore, DataKey, Extent, KeyRequired, ReadPlan
from fogbank.storage.blobs.crypto import CHUNK
from fogbank.storage.blobs.reader import SMALL_READ, Preread
from fogbank.storage.db import Database
from tests.support.blobs import commit

KEY = DataKey(os.urandom(32), "s3-preread-test")


def _plan_and_pre(
    store: BlobStore, db: Database, blob_id: str, a: int, b: int
) -> tuple[ReadPlan, Preread | None]:
    plan = db.read_sync(lambda c: store.locate(c, blob_id, a, b))
    return plan, store.preread(plan)


@pytest.mark.parametrize("encrypted", [True, False])
def test_small_ranges_read_ahead_match_the_data(
    blob_store: BlobStore, blob_db: Database, encrypted: bool
) -> None:
    data = random.Random(3).randbytes(3 * CHUNK + 5)
    key = KEY if encrypted else None
    keys = [KEY] if encrypted else []

    async def main() -> str:
        w = await blob_store.write_bytes(data, encryption=key)
        await commit(blob_db, blob_store, w)
        return w.blob_id

    blob_id = asyncio.run(main())
    n = len(data)
    spans = [(0, 1), (0, 4096), (CHUNK - 100, CHUNK + 100), (CHUNK, CHUNK + SMALL_READ),
             (n - 10, n), (2 * CHUNK - 1, 2 * CHUNK + 1), (n - SMALL_READ, n)]  # fmt: skip
    for a, b in spans:
        _, pre = _plan_and_pre(blob_store, blob_db, blob_id, a, b)
        assert pre is not None, (a, b)
        assert blob_store.open_preread(pre, keys) == data[a:b], (a, b)
    _, too_big = _plan_and_pre(blob_store, blob_db, blob_id, 0, SMALL_READ + 1)
    assert too_big is None


def test_read_ahead_bytes_are_authenticated(blob_store: BlobStore, blob_db: Database) -> None:
    data = os.urandom(5000)

    async def main() -> str:
        w = await blob_store.write_bytes(data, encryption=KEY)
        await commit(blob_db, blob_store, w)
        return w.blob_id

    blob_id = asyncio.run(main())
    _, pre = _plan_and_pre(blob_store, blob_db, blob_id, 0, 5000)
    assert pre is not None
    with pytest.raises(KeyRequired):
        blob_store.open_preread(pre, [])
    with pytest.raises(BlobCorrupt):
        blob_store.open_preread(pre, [DataKey(os.urandom(32), KEY.key_ref)])
    damaged = bytearray(pre.stored)
    damaged[10] ^= 1
    with pytest.raises(BlobCorrupt):
        blob_store.open_preread(Preread(pre.plan, bytes(damaged)), [KEY])


def test_composites_are_not_read_ahead(blob_store: BlobStore, blob_db: Database) -> None:
    async def main() -> str:
        one = await blob_store.write_bytes(b"a" * 100, encryption=KEY)
        two = await blob_store.write_bytes(b"b" * 100, encryption=KEY)
        await commit(blob_db, blob_store, one)
        await commit(blob_db, blob_store, two)
        both = await blob_db.write(
            lambda c: blob_store.compose(
                c, [Extent(one.blob_id, 0, 100), Extent(two.blob_id, 0, 100)]
            )
        )
        return both.blob_id

    blob_id = asyncio.run(main())
    plan, pre = _plan_and_pre(blob_store, blob_db, blob_id, 50, 150)
    assert len(plan.pieces) == 2 and pre is None
    _, pre_one = _plan_and_pre(blob_store, blob_db, blob_id, 0, 100)  # within one part
    assert pre_one is not None
    assert blob_store.open_preread(pre_one, [KEY]) == b"a" * 100
