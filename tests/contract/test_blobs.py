"""The blob store's write and read paths, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import zlib
from pathlib import Path

import pytest
from awscrt import checksums as crt

from fogbank.core.streams import FileSlice
from fogbank.storage.blobs import BlobNotFound, BlobStore, Extent
from fogbank.storage.blobs.crypto import CHUNK
from fogbank.storage.db import Database
from tests.support.blobs import chunked, commit, disk_bytes

KIB, MIB = 1024, 1024 * 1024
PACKED_MAX = 128 * KIB
SIZES = [
    0,
    1,
    4 * KIB,
    CHUNK - 1,
    CHUNK,
    CHUNK + 1,
    PACKED_MAX - 1,
    PACKED_MAX,
    PACKED_MAX + 1,
    MIB - 1,
    MIB,
    MIB + 1,
    3 * MIB + 7,
]


@pytest.mark.parametrize("size", SIZES)
def test_round_trip(blob_store: BlobStore, blob_db: Database, size: int) -> None:
    data = random.Random(size).randbytes(size)

    async def main() -> bytes:
        w = await blob_store.write(chunked(data, seed=size), checksums=["CRC32"])
        assert w.size == size and w.md5 == hashlib.md5(data, usedforsecurity=False).digest()
        assert w.layout == ("packed" if size <= PACKED_MAX else "file")
        await commit(blob_db, blob_store, w)
        return await blob_store.read_bytes(w.blob_id)

    assert asyncio.run(main()) == data


def test_round_trip_64_mib(blob_store: BlobStore, blob_db: Database) -> None:
    data = os.urandom(64 * MIB)

    async def main() -> None:
        w = await blob_store.write(chunked(data, sizes=[65536, MIB]), size_hint=len(data))
        assert (w.size, w.layout, w.etag) == (
            len(data),
            "file",
            hashlib.md5(data, usedforsecurity=False).hexdigest(),
        )
        await commit(blob_db, blob_store, w)
        got = await blob_store.read(w.blob_id)
        assert isinstance(got, FileSlice) and (got.offset, got.length) == (0, len(data))
        assert await blob_store.read_bytes(w.blob_id) == data
        mid = len(data) // 2
        assert await blob_store.read_bytes(w.blob_id, mid - 5, mid + 5) == data[mid - 5 : mid + 5]

    asyncio.run(main())


def test_checksums_match_independent_implementations(blob_store: BlobStore) -> None:
    async def main() -> None:
        algos = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]
        for size in (0, 9, 200 * KIB, 2 * MIB + 3):
            data = b"123456789" if size == 9 else os.urandom(size)
            w = await blob_store.write(chunked(data, seed=size), checksums=algos)
            assert w.checksums == {
                "CRC32": zlib.crc32(data).to_bytes(4, "big"),
                "CRC32C": crt.crc32c(data).to_bytes(4, "big"),
                "CRC64NVME": crt.crc64nvme(data).to_bytes(8, "big"),
                "SHA1": hashlib.sha1(data, usedforsecurity=False).digest(),
                "SHA256": hashlib.sha256(data).digest(),
            }
            if size == 9:
                assert w.checksums["CRC64NVME"] == bytes.fromhex("ae8b14860a799888")

    asyncio.run(main())


def test_size_hint_only_guides(blob_store: BlobStore) -> None:
    async def main() -> None:
        w = await blob_store.write(chunked(b"tiny"), size_hint=10 * MIB)
        assert (w.layout, w.size) == ("file", 4)
        big = os.urandom(PACKED_MAX * 2)
        w = await blob_store.write(chunked(big), size_hint=10)
        assert (w.layout, w.size) == ("file", len(big))

    asyncio.run(main())


def _slice_bytes(s: FileSlice) -> bytes:
    with open(s.path, "rb") as f:
        f.seek(s.offset)
        return f.read(s.length)


def test_small_reads_are_file_slices_of_segments(
    blob_store: BlobStore, blob_db: Database, tmp_path: Path
) -> None:
    async def main() -> None:
        w = await blob_store.write_bytes(b"0123456789")
        await commit(blob_db, blob_store, w)
        got = await blob_store.read(w.blob_id, 2, 5)
        assert isinstance(got, FileSlice)
        assert Path(got.path).parent == tmp_path / "data" / "segments"
        assert _slice_bytes(got) == b"234"
        assert await blob_store.read_bytes(w.blob_id, 8, 100) == b"89"  # end is clipped
        with pytest.raises(ValueError):
            await blob_store.read(w.blob_id, 11)
        with pytest.raises(BlobNotFound):
            await blob_store.read("0" * 32)

    asyncio.run(main())


def test_random_ranges(blob_store: BlobStore, blob_db: Database) -> None:
    rng = random.Random(3)

    async def main() -> None:
        for size in (1000, PACKED_MAX + 1000, 2 * MIB + 1):
            data = rng.randbytes(size)
            w = await blob_store.write(chunked(data))
            await commit(blob_db, blob_store, w)
            for _ in range(20):
                a, b = sorted(rng.randrange(size + 1) for _ in range(2))
                assert await blob_store.read_bytes(w.blob_id, a, b) == data[a:b]

    asyncio.run(main())


def test_concurrent_small_writes_share_fsyncs(blob_store: BlobStore, blob_db: Database) -> None:
    payloads = [os.urandom(4 * KIB) for _ in range(300)]

    async def main() -> None:
        before = blob_store.appender.batches
        written = await asyncio.gather(*(blob_store.write_bytes(p) for p in payloads))
        fsyncs = blob_store.appender.batches - before
        assert fsyncs < len(payloads) / 4, fsyncs
        assert len({w.location for w in written}) == 1  # one segment for this process
        for w in written:
            await commit(blob_db, blob_store, w)
        for w, p in zip(written, payloads, strict=True):
            assert await blob_store.read_bytes(w.blob_id) == p

    asyncio.run(main())


def test_stores_in_two_processes_append_to_their_own_segments(
    blob_db: Database, tmp_path: Path
) -> None:
    a = BlobStore(tmp_path / "data", blob_db)
    b = BlobStore(tmp_path / "data", blob_db)

    async def main() -> None:
        wa, wb = await asyncio.gather(a.write_bytes(b"a"), b.write_bytes(b"b"))
        assert wa.location != wb.location
        await commit(blob_db, a, wa)
        await commit(blob_db, b, wb)
        # Each holds its segment locked: the other's sweep leaves it alone.
        report = await a.sweep(wa.written_at + 10 * a.settings.grace_s)
        assert report.segments_deleted == 0
        assert await a.read_bytes(wb.blob_id) == b"b"

    try:
        asyncio.run(main())
    finally:
        a.close()
        b.close()


def test_composites_concatenate_without_copying(
    blob_store: BlobStore, blob_db: Database, tmp_path: Path
) -> None:
    parts = [os.urandom(n) for n in (5 * MIB + 1, 7, 3 * MIB, PACKED_MAX + 5)]

    async def main() -> None:
        written = [await blob_store.write(chunked(p)) for p in parts]
        for w in written:
            await commit(blob_db, blob_store, w)
        before = disk_bytes(tmp_path / "data")
        extents = [Extent(w.blob_id, 0, w.size) for w in written]
        whole = await blob_db.write(lambda c: blob_store.compose(c, extents))
        assert disk_bytes(tmp_path / "data") == before  # not one byte written
        data = b"".join(parts)
        assert whole.size == len(data)
        assert await blob_store.read_bytes(whole.blob_id) == data
        rng = random.Random(1)
        edges = [0, 5 * MIB, 5 * MIB + 1, 5 * MIB + 8, 8 * MIB + 8, len(data)]
        for a in edges:
            for b in edges:
                if a <= b:
                    assert await blob_store.read_bytes(whole.blob_id, a, b) == data[a:b]
        for _ in range(20):
            a, b = sorted(rng.randrange(len(data) + 1) for _ in range(2))
            assert await blob_store.read_bytes(whole.blob_id, a, b) == data[a:b]
        plan = await blob_db.read(
            lambda c: blob_store.locate(c, whole.blob_id, 5 * MIB, 5 * MIB + 8)
        )
        assert [(p.blob.blob_id, p.offset, p.length) for p in plan.pieces] == [
            (written[0].blob_id, 5 * MIB, 1),
            (written[1].blob_id, 0, 7),
        ]
        slices = blob_store.file_slices(plan)
        assert slices is not None and len(slices) == 2
        # A copy of a range (UploadPartCopy) of a composite is a composite too, still flat.
        sub = await blob_db.write(
            lambda c: blob_store.compose(c, blob_store.extents(c, whole.blob_id, 100, 9 * MIB))
        )
        again = await blob_db.write(
            lambda c: blob_store.compose(
                c, [Extent(sub.blob_id, 10, 1000), Extent(sub.blob_id, 0, 5)]
            )
        )
        assert await blob_store.read_bytes(sub.blob_id) == data[100 : 9 * MIB]
        assert await blob_store.read_bytes(again.blob_id) == data[110:1110] + data[100:105]
        assert disk_bytes(tmp_path / "data") == before
        counts = await blob_db.read(
            lambda c: [blob_store.info(c, w.blob_id).refcount for w in written]  # type: ignore[union-attr]
        )
        # own + whole + sub (all four) + again (two extents, both in the first part)
        assert counts == [5, 3, 3, 3]

    asyncio.run(main())


def test_compose_checks_its_extents(blob_store: BlobStore, blob_db: Database) -> None:
    async def main() -> None:
        w = await blob_store.write_bytes(b"abc")
        await commit(blob_db, blob_store, w)
        with pytest.raises(ValueError):
            await blob_db.write(lambda c: blob_store.compose(c, [Extent(w.blob_id, 2, 2)]))
        with pytest.raises(BlobNotFound):
            await blob_db.write(lambda c: blob_store.compose(c, [Extent("f" * 32, 0, 1)]))
        empty = await blob_db.write(lambda c: blob_store.compose(c, []))
        assert await blob_store.read_bytes(empty.blob_id) == b""

    asyncio.run(main())


def test_a_failed_write_leaves_no_temp_file(blob_store: BlobStore, tmp_path: Path) -> None:
    async def broken() -> object:
        yield os.urandom(3 * MIB)
        raise ConnectionResetError("client went away")

    async def main() -> None:
        with pytest.raises(ConnectionResetError):
            await blob_store.write(broken())  # type: ignore[arg-type]
        await asyncio.sleep(0.05)

    asyncio.run(main())
    blob_store.close()  # waits for the executor: the abort has run
    assert list((tmp_path / "data" / "tmp").iterdir()) == []
    assert list((tmp_path / "data" / "blobs").iterdir()) == []
