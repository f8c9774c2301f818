"""``BlobStore.write_committed``: a blob written and the row pointing at it committed in one
call (a small blob's commit goes from the appender's thread to the metadata writer's)."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from fogbank.storage.blobs import BlobStore, DataKey, WrittenBlob
from fogbank.storage.db import Conn, Database
from tests.support.blobs import chunked

KIB = 1024
PACKED_MAX = 128 * KIB


class Refused(Exception):
    pass


def _on_disk(store: BlobStore, written: WrittenBlob) -> bytes:
    """The blob's stored bytes as the file system holds them now (from another fd)."""
    path = (
        store.disk.segment_path("hot", written.location)
        if written.layout == "packed"
        else store.disk.blob_path("hot", written.location)
    )
    with open(path, "rb") as f:
        f.seek(written.location_offset)
        return f.read(written.stored_size)


@pytest.mark.parametrize("size", [0, 4 * KIB, PACKED_MAX, PACKED_MAX + 1, 300 * KIB])
def test_committed_blob_is_registered_and_readable(
    blob_store: BlobStore, blob_db: Database, size: int
) -> None:
    data = os.urandom(size)
    seen: list[WrittenBlob] = []
    at_commit: list[bytes] = []

    def prepare(unplaced: WrittenBlob) -> Callable[[Conn, WrittenBlob], str]:
        seen.append(unplaced)

        def commit(conn: Conn, durable: WrittenBlob) -> str:
            at_commit.append(_on_disk(blob_store, durable))  # written before the commit
            blob_store.register(conn, durable)
            return "committed " + durable.blob_id

        return commit

    async def main() -> tuple[WrittenBlob, str, bytes]:
        written, result = await blob_store.write_committed(
            chunked(data, seed=size), prepare, checksums=["CRC32"], size_hint=len(data)
        )
        return written, result, await blob_store.read_bytes(written.blob_id)

    written, result, read = asyncio.run(main())
    assert read == data
    assert result == "committed " + written.blob_id
    assert written.layout == ("packed" if size <= PACKED_MAX else "file")
    assert written.md5 == hashlib.md5(data, usedforsecurity=False).digest()
    assert at_commit == [data]
    (unplaced,) = seen
    assert (unplaced.blob_id, unplaced.size, unplaced.md5, unplaced.checksums) == (
        written.blob_id, written.size, written.md5, written.checksums,
    )  # fmt: skip
    info = blob_db.read_sync(lambda c: blob_store.info(c, written.blob_id))
    assert info is not None and info.refcount == 1
    assert (info.location, info.location_offset) == (written.location, written.location_offset)


def test_encrypted_small_blob(blob_store: BlobStore) -> None:
    data = os.urandom(4 * KIB)
    key = DataKey(os.urandom(32), "k1")

    def prepare(_: WrittenBlob) -> Callable[[Conn, WrittenBlob], object]:
        return blob_store.register

    async def main() -> tuple[WrittenBlob, bytes]:
        written, _ = await blob_store.write_committed(
            chunked(data), prepare, encryption=key, size_hint=len(data)
        )
        return written, await blob_store.read_bytes(written.blob_id, keys=[key])

    written, read = asyncio.run(main())
    assert read == data
    assert written.cipher is not None and written.stored_size == len(data) + 16
    assert _on_disk(blob_store, written) != data


@pytest.mark.parametrize("size", [4 * KIB, 300 * KIB])
def test_refused_by_prepare_commits_nothing(
    blob_store: BlobStore, blob_db: Database, size: int
) -> None:
    ids: list[str] = []
    committed: list[str] = []

    def prepare(unplaced: WrittenBlob) -> Callable[[Conn, WrittenBlob], None]:
        ids.append(unplaced.blob_id)
        if ids:
            raise Refused("bad digest")
        return lambda c, w: committed.append(w.blob_id)

    async def main() -> None:
        await blob_store.write_committed(chunked(os.urandom(size)), prepare)

    with pytest.raises(Refused):
        asyncio.run(main())
    assert committed == []
    assert blob_db.read_sync(lambda c: blob_store.info(c, ids[0])) is None


def test_failing_commit_reaches_the_caller_and_rolls_back(
    blob_store: BlobStore, blob_db: Database
) -> None:
    ids: list[str] = []

    def prepare(unplaced: WrittenBlob) -> Callable[[Conn, WrittenBlob], None]:
        ids.append(unplaced.blob_id)

        def commit(conn: Conn, durable: WrittenBlob) -> None:
            blob_store.register(conn, durable)
            raise Refused("precondition failed")

        return commit

    async def main() -> None:
        await blob_store.write_committed(chunked(os.urandom(100)), prepare)

    with pytest.raises(Refused):
        asyncio.run(main())
    assert blob_db.read_sync(lambda c: blob_store.info(c, ids[0])) is None


def test_concurrent_small_writes_share_commits(blob_store: BlobStore, blob_db: Database) -> None:
    def prepare(_: WrittenBlob) -> Callable[[Conn, WrittenBlob], str]:
        def commit(conn: Conn, durable: WrittenBlob) -> str:
            blob_store.register(conn, durable)
            return durable.blob_id

        return commit

    bodies = [os.urandom(1000 + i) for i in range(40)]

    async def one(data: bytes) -> bytes:
        written, blob_id = await blob_store.write_committed(chunked(data), prepare)
        assert blob_id == written.blob_id
        return await blob_store.read_bytes(blob_id)

    async def main() -> list[bytes]:
        return list(await asyncio.gather(*(one(b) for b in bodies)))

    assert asyncio.run(main()) == bodies
    assert blob_store.appender.batches < len(bodies)


def test_closed_metadata_store_fails_the_write(tmp_path: Path, blob_db: Database) -> None:
    store = BlobStore(tmp_path / "data", blob_db)
    try:

        async def main() -> None:
            blob_db.close()
            await store.write_committed(chunked(b"x" * 100), lambda w: lambda c, d: None)

        with pytest.raises(Exception, match="closed"):
            asyncio.run(main())
    finally:
        store.close()
