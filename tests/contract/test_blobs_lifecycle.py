"""References, grace periods, sweeps, compaction and tier moves (both metadata backends).

Time never passes by sleeping: sweeps are given an explicit ``now``.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fogbank.storage.blobs import (
    BlobExpired,
    BlobNotFound,
    BlobSettings,
    BlobStore,
    Extent,
    WrittenBlob,
)
from fogbank.storage.blobs.disk import TEMP_SUFFIX, is_locked, new_id
from fogbank.storage.blobs.job import BlobSweepJob
from fogbank.storage.db import Database
from tests.support.blobs import commit, files_under

MIB = 1024 * 1024
GRACE = 900.0


def _file_of(store: BlobStore, w: WrittenBlob) -> Path:
    return store.disk.blob_path(w.tier, w.location)


def _refcount(db: Database, store: BlobStore, blob_id: str) -> int | None:
    info = db.read_sync(lambda c: store.info(c, blob_id))
    return None if info is None else info.refcount


def test_references_count_up_and_down(blob_store: BlobStore, blob_db: Database) -> None:
    async def main() -> None:
        w = await blob_store.write_bytes(os.urandom(2 * MIB))
        info = await blob_db.write(lambda c: blob_store.register(c, w))
        assert (info.refcount, info.released_at) == (1, None)
        await blob_db.write(lambda c: blob_store.add_reference(c, w.blob_id))
        assert _refcount(blob_db, blob_store, w.blob_id) == 2
        assert await blob_db.write(lambda c: blob_store.release(c, w.blob_id)) == 1
        assert await blob_db.write(lambda c: blob_store.release(c, w.blob_id)) == 0
        with pytest.raises(ValueError):
            await blob_db.write(lambda c: blob_store.release(c, w.blob_id))
        with pytest.raises(BlobNotFound):
            await blob_db.write(lambda c: blob_store.add_reference(c, "e" * 32))
        released = blob_db.read_sync(lambda c: blob_store.info(c, w.blob_id))
        assert released is not None and released.released_at is not None

        # Within the grace period nothing goes; a reference added meanwhile revives it.
        report = await blob_store.sweep(released.released_at + GRACE / 2)
        assert report.blobs_reclaimed == 0 and _file_of(blob_store, w).exists()
        await blob_db.write(lambda c: blob_store.add_reference(c, w.blob_id))
        await blob_store.sweep(released.released_at + 2 * GRACE)
        assert (
            await blob_store.read_bytes(w.blob_id, 0, 3)
            == (await blob_store.read_bytes(w.blob_id))[:3]
        )

        # Released for good: the row and the file go after the grace period.
        await blob_db.write(lambda c: blob_store.release(c, w.blob_id))
        gone_at = blob_db.read_sync(lambda c: blob_store.info(c, w.blob_id)).released_at  # type: ignore[union-attr]
        assert gone_at is not None
        report = await blob_store.sweep(gone_at + GRACE + 1)
        assert (report.blobs_reclaimed, report.files_deleted) == (1, 1)
        assert not _file_of(blob_store, w).exists()
        with pytest.raises(BlobNotFound):
            await blob_store.read(w.blob_id)

    asyncio.run(main())


def test_the_object_row_and_the_reference_commit_together(
    blob_store: BlobStore, blob_db: Database
) -> None:
    blob_db.write_sync(lambda c: c.ddl("CREATE TABLE objs (k {text} PRIMARY KEY, blob {text})"))

    async def main() -> None:
        w = await blob_store.write_bytes(b"v1")

        def put(c: object) -> None:
            blob_store.register(c, w)  # type: ignore[arg-type]
            c.execute("INSERT INTO objs VALUES (?, ?)", ("k", w.blob_id))  # type: ignore[attr-defined]
            raise RuntimeError("the request fails after all")

        with pytest.raises(RuntimeError):
            await blob_db.write(put)
        assert _refcount(blob_db, blob_store, w.blob_id) is None  # rolled back together

    asyncio.run(main())


def test_unregistered_blobs_survive_the_grace_period_then_go(
    blob_store: BlobStore, blob_db: Database
) -> None:
    async def main() -> None:
        w = await blob_store.write_bytes(os.urandom(MIB))  # own file, never registered
        report = await blob_store.sweep(w.written_at + GRACE * 0.9)
        assert report.orphans_deleted == 0 and _file_of(blob_store, w).exists()
        report = await blob_store.sweep(w.written_at + GRACE + 1)
        assert report.orphans_deleted == 1 and not _file_of(blob_store, w).exists()

    asyncio.run(main())


def test_registering_too_late_is_refused(blob_db: Database, tmp_path: Path) -> None:
    now = [time.time()]
    store = BlobStore(tmp_path / "data", blob_db, clock=lambda: now[0])

    async def main() -> None:
        w = await store.write_bytes(b"slow")
        now[0] = w.written_at + GRACE / 2
        with pytest.raises(BlobExpired):
            await commit(blob_db, store, w)

    try:
        asyncio.run(main())
    finally:
        store.close()


def test_temp_files_of_dead_writers_are_removed(blob_store: BlobStore, tmp_path: Path) -> None:
    tmp = tmp_path / "data" / "tmp"
    dead = tmp / (new_id() + TEMP_SUFFIX)
    dead.write_bytes(b"half an upload")
    live = tmp / (new_id() + TEMP_SUFFIX)
    live.write_bytes(b"being written")
    import fcntl

    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        report = blob_store.sweep_sync(time.time() + 10 * GRACE)
        assert report.temp_files_deleted == 1
        assert not dead.exists() and live.exists()
        young = tmp / (new_id() + TEMP_SUFFIX)
        young.write_bytes(b"just created, not locked yet")
        assert blob_store.sweep_sync().temp_files_deleted == 0
    finally:
        os.close(fd)


def test_composites_hold_their_parts_and_release_them(
    blob_store: BlobStore, blob_db: Database
) -> None:
    async def main() -> None:
        parts = [await blob_store.write_bytes(os.urandom(n)) for n in (MIB + 1, 100)]
        for p in parts:
            await commit(blob_db, blob_store, p)
        whole = await blob_db.write(
            lambda c: blob_store.compose(c, [Extent(p.blob_id, 0, p.size) for p in parts])
        )
        data = await blob_store.read_bytes(whole.blob_id)
        for p in parts:  # CompleteMultipartUpload drops the part rows
            await blob_db.write(lambda c, p=p: blob_store.release(c, p.blob_id))
        t0 = time.time()
        await blob_store.sweep(t0 + 2 * GRACE)
        assert await blob_store.read_bytes(whole.blob_id) == data
        await blob_db.write(lambda c: blob_store.release(c, whole.blob_id))
        report = await blob_store.sweep(t0 + 4 * GRACE)
        assert report.blobs_reclaimed == 1  # the composite; its parts' grace starts now
        assert [_refcount(blob_db, blob_store, p.blob_id) for p in parts] == [0, 0]
        report = await blob_store.sweep(t0 + 6 * GRACE)
        assert report.blobs_reclaimed == 2 and report.files_deleted == 1
        assert [_refcount(blob_db, blob_store, p.blob_id) for p in parts] == [None, None]

    asyncio.run(main())


def _sealed_store(blob_db: Database, root: Path) -> BlobStore:
    return BlobStore(root, blob_db, settings=BlobSettings(compact_min_dead=0))


def test_segments_are_compacted_then_deleted(blob_db: Database, tmp_path: Path) -> None:
    root = tmp_path / "data"
    writer = _sealed_store(blob_db, root)

    async def write_all() -> list[tuple[WrittenBlob, bytes]]:
        payloads = [os.urandom(4096 + i) for i in range(200)]
        written = await asyncio.gather(*(writer.write_bytes(p) for p in payloads))
        for w in written:
            await commit(blob_db, writer, w)
        return list(zip(written, payloads, strict=True))

    pairs = asyncio.run(write_all())
    segment = writer.disk.segment_path("hot", pairs[0][0].location)
    assert is_locked(segment)
    writer.close()  # the segment is final now
    store = _sealed_store(blob_db, root)
    try:
        keep = pairs[::10]
        for w, _ in pairs:
            if (w, _) not in keep:
                blob_db.write_sync(lambda c, w=w: store.release(c, w.blob_id))
        t0 = time.time()
        # Not yet: the segment was appended to less than a grace period ago.
        assert store.sweep_sync(t0 + 10).segments_compacted == 0
        report = store.sweep_sync(t0 + 2 * GRACE)
        assert report.blobs_reclaimed == len(pairs) - len(keep)
        assert report.segments_compacted == 1
        assert segment.exists()  # in the trash: readers may still have its path

        async def check() -> None:
            for w, p in keep:
                assert await store.read_bytes(w.blob_id) == p
                got = await store.read(w.blob_id)
                assert got.path != str(segment)  # type: ignore[union-attr]

        asyncio.run(check())
        report = store.sweep_sync(t0 + 4 * GRACE)
        assert report.segments_deleted == 1 and not segment.exists()
        # Everything released: the compacted segment goes too, once out of its grace.
        for w, _ in keep:
            blob_db.write_sync(lambda c, w=w: store.release(c, w.blob_id))
        store.sweep_sync(time.time() + 2 * GRACE)
        report = store.sweep_sync(time.time() + 4 * GRACE)
        assert list(store.disk.segment_files("hot")) == []
    finally:
        store.close()


def test_moves_between_tiers(blob_store: BlobStore, blob_db: Database, tmp_path: Path) -> None:
    async def main() -> None:
        small = await blob_store.write_bytes(b"glacier me")
        big = await blob_store.write_bytes(os.urandom(2 * MIB))
        for w in (small, big):
            await commit(blob_db, blob_store, w)
        data = {w.blob_id: await blob_store.read_bytes(w.blob_id) for w in (small, big)}
        whole = await blob_db.write(
            lambda c: blob_store.compose(
                c, [Extent(big.blob_id, 0, 10), Extent(small.blob_id, 0, 3)]
            )
        )
        await blob_store.move(whole.blob_id, "cold")
        for w in (small, big):
            info = blob_db.read_sync(lambda c, w=w: blob_store.info(c, w.blob_id))
            assert info is not None and (info.tier, info.layout) == ("cold", "file")
            assert await blob_store.read_bytes(w.blob_id) == data[w.blob_id]
            got = await blob_store.read(w.blob_id)
            assert Path(got.path).is_relative_to(tmp_path / "cold")  # type: ignore[union-attr]
        old_big = _file_of(blob_store, big)
        assert old_big.exists()  # readers may still hold the old path
        blob_store.sweep_sync(time.time() + 2 * GRACE)
        assert not old_big.exists()
        await blob_store.move(big.blob_id, "hot")  # and back
        assert await blob_store.read_bytes(big.blob_id) == data[big.blob_id]
        blob_store.sweep_sync(time.time() + 4 * GRACE)
        assert await blob_store.read_bytes(big.blob_id) == data[big.blob_id]
        cold_files = [p for p in files_under(tmp_path / "cold") if p.parent.name != "tmp"]
        assert len(cold_files) == 1  # only the small blob is still cold
        with pytest.raises(ValueError):
            await blob_store.move(big.blob_id, "tape")

    asyncio.run(main())


def test_a_cancelled_write_leaves_nothing(blob_db: Database, tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "data", blob_db)
    started = asyncio.Event()

    async def slow() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield os.urandom(2 * MIB)
        started.set()
        await asyncio.sleep(3600)
        yield b"never"

    async def main() -> None:
        task = asyncio.create_task(store.write(slow()))
        await started.wait()
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    store.close()  # waits for the threads: the abort has run
    assert list((tmp_path / "data" / "tmp").iterdir()) == []
    assert list(files_under(tmp_path / "data" / "blobs")) == []


def test_recover_and_the_periodic_job(blob_db: Database, tmp_path: Path) -> None:
    now = [1_000_000.0]
    store = BlobStore(tmp_path / "data", blob_db, clock=lambda: now[0])
    job = BlobSweepJob(store, interval_s=60, clock=lambda: now[0])
    dead = tmp_path / "data" / "tmp" / (new_id() + TEMP_SUFFIX)
    dead.write_bytes(b"debris")
    os.utime(dead, (now[0] - 3600, now[0] - 3600))
    try:
        assert store.recover().temp_files_deleted == 1
        dead.write_bytes(b"more debris")
        os.utime(dead, (now[0] - 3600, now[0] - 3600))
        asyncio.run(job.run_due(0.0))  # the simulated time it is given does not matter
        assert not dead.exists()
        dead.write_bytes(b"and more")
        os.utime(dead, (now[0] - 3600, now[0] - 3600))
        now[0] += 30
        asyncio.run(job.run_due(0.0))  # too soon: nothing
        assert dead.exists()
        now[0] += 31
        asyncio.run(job.run_due(0.0))
        assert not dead.exists()
    finally:
        store.close()
