"""``BlobStore``: the one object the rest of fogbank holds (see the package docstring)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path

from fogbank.core.streams import FileSlice
from fogbank.core.threads import yield_to_the_loop
from fogbank.storage.blobs import refs
from fogbank.storage.blobs.disk import Disk
from fogbank.storage.blobs.model import (
    HOT,
    BlobInfo,
    BlobSettings,
    DataKey,
    Extent,
    ReadPlan,
    SweepReport,
    WrittenBlob,
)
from fogbank.storage.blobs.reader import BlobReader, Preread
from fogbank.storage.blobs.remote import S3RemoteTier
from fogbank.storage.blobs.segments import SegmentAppender
from fogbank.storage.blobs.sweep import Sweeper
from fogbank.storage.blobs.tiers import TierMover
from fogbank.storage.blobs.writer import BlobWriter
from fogbank.storage.db import Conn, Database


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data


class BlobStore:
    """Blobs under ``root`` (tier ``"hot"``) and any extra ``tiers``, indexed in ``db``.

    An extra tier is a local root directory or a remote bucket (``S3RemoteTier``); bytes
    in a remote tier are moved back to a local one (``move``) before they are read.

    ``clock`` is wall-clock time (``time.time``), not fogbank's simulated clock: grace
    periods protect writers and readers working in real time, and are compared with file
    modification times. Tests pass explicit ``now`` values to ``sweep`` instead.
    """

    def __init__(
        self,
        root: Path,
        db: Database,
        *,
        clock: Callable[[], float] = time.time,
        settings: BlobSettings | None = None,
        tiers: Mapping[str, Path | S3RemoteTier] | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.settings = settings or BlobSettings()
        extra = dict(tiers or {})
        remotes = {n: t for n, t in extra.items() if isinstance(t, S3RemoteTier)}
        local = {n: Path(t) for n, t in extra.items() if not isinstance(t, S3RemoteTier)}
        self.disk = Disk({HOT: Path(root), **local})
        self._db = db
        self._clock = clock
        self._owned_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(
            self.settings.threads, thread_name_prefix="blob-io", initializer=yield_to_the_loop
        )
        self.disk.ensure()
        self.appender = SegmentAppender(self.disk, HOT, self.settings.segment_max)
        self._writer = BlobWriter(self.disk, HOT, self.settings, self.appender, self._executor)
        self._reader = BlobReader(self.disk, self._executor)
        self._sweeper = Sweeper(db, self.disk, self.settings, remotes)
        self._mover = TierMover(db, self.disk, self.settings.grace_s, clock, remotes)

    # -- writing ------------------------------------------------------------------------

    async def write(
        self,
        chunks: AsyncIterable[bytes],
        *,
        checksums: Sequence[str] = (),
        encryption: DataKey | None = None,
        size_hint: int | None = None,
    ) -> WrittenBlob:
        """Store a stream durably; then ``register`` it with the row that points at it."""
        return await self._writer.write(
            chunks, checksums=checksums, encryption=encryption, size_hint=size_hint
        )

    async def write_bytes(
        self, data: bytes, *, checksums: Sequence[str] = (), encryption: DataKey | None = None
    ) -> WrittenBlob:
        return await self.write(
            _one(data), checksums=checksums, encryption=encryption, size_hint=len(data)
        )

    # -- references: call inside the caller's own transaction ---------------------------

    def register(self, conn: Conn, written: WrittenBlob) -> BlobInfo:
        return refs.register(conn, written, now=self._clock(), grace_s=self.settings.grace_s)

    def add_reference(self, conn: Conn, blob_id: str, count: int = 1) -> None:
        refs.add_reference(conn, blob_id, count)

    def release(self, conn: Conn, blob_id: str, count: int = 1) -> int:
        return refs.release(conn, blob_id, now=self._clock(), count=count)

    def compose(self, conn: Conn, extents: Sequence[Extent]) -> BlobInfo:
        return refs.compose(conn, extents, now=self._clock(), tier=HOT)

    def info(self, conn: Conn, blob_id: str) -> BlobInfo | None:
        return refs.get(conn, blob_id)

    def locate(self, conn: Conn, blob_id: str, start: int = 0, end: int | None = None) -> ReadPlan:
        return refs.locate(conn, blob_id, start, end)

    def extents(
        self, conn: Conn, blob_id: str, start: int = 0, end: int | None = None
    ) -> list[Extent]:
        """The blob's bytes ``[start, end)`` as extents of data blobs (for ``compose``)."""
        plan = refs.locate(conn, blob_id, start, end)
        return [Extent(p.blob.blob_id, p.offset, p.length) for p in plan.pieces]

    def key_refs(self, conn: Conn, blob_id: str) -> set[str]:
        return refs.key_refs(conn, blob_id)

    # -- reading ------------------------------------------------------------------------

    def open(
        self, plan: ReadPlan, keys: Sequence[DataKey] = ()
    ) -> FileSlice | AsyncIterator[bytes]:
        return self._reader.open(plan, keys)

    def file_slices(self, plan: ReadPlan) -> tuple[FileSlice, ...] | None:
        return self._reader.file_slices(plan)

    async def read_whole(self, plan: ReadPlan, keys: Sequence[DataKey] = ()) -> memoryview | None:
        """A read of one local piece of at most a megabyte, read (and decrypted) in one
        thread hop into a pooled buffer; None for other reads (``open`` them)."""
        return await self._reader.read_whole(plan, keys)

    def whole_readable(self, plan: ReadPlan) -> bool:
        """Whether ``read_whole`` reads ``plan`` (one local piece of at most a megabyte)."""
        return self._reader.whole_readable(plan)

    def read_whole_sync(self, plan: ReadPlan, keys: Sequence[DataKey] = ()) -> memoryview | None:
        """Blocking ``read_whole``: for a thread already off the event loop (the one that
        located the bytes), so that the read costs no thread hop of its own."""
        return self._reader.read_whole_sync(plan, keys)

    def preread(self, plan: ReadPlan) -> Preread | None:
        """Blocking: a small read's stored bytes, read now (in the thread that located
        them, to save a thread hop); None when the read is not small (``open`` it)."""
        return self._reader.preread(plan)

    def open_preread(self, pre: Preread, keys: Sequence[DataKey] = ()) -> bytes:
        """A ``preread``'s plaintext (authenticated, if encrypted)."""
        return self._reader.open_preread(pre, keys)

    async def read(
        self,
        blob_id: str,
        start: int = 0,
        end: int | None = None,
        keys: Sequence[DataKey] = (),
    ) -> FileSlice | AsyncIterator[bytes]:
        plan = await self._db.read(lambda c: refs.locate(c, blob_id, start, end))
        return self._reader.open(plan, keys)

    async def read_bytes(
        self,
        blob_id: str,
        start: int = 0,
        end: int | None = None,
        keys: Sequence[DataKey] = (),
    ) -> bytes:
        """The bytes in memory: for small blobs and tests."""
        got = await self.read(blob_id, start, end, keys)
        if isinstance(got, FileSlice):
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, _read_slice, got)
        return b"".join([chunk async for chunk in got])

    # -- maintenance --------------------------------------------------------------------

    def recover(self) -> SweepReport:
        """At start-up: make the directories, then sweep (temp files, orphans, segments)."""
        self.disk.ensure()
        return self.sweep_sync()

    def sweep_sync(self, now: float | None = None) -> SweepReport:
        return self._sweeper.sweep(self._clock() if now is None else now)

    async def sweep(self, now: float | None = None) -> SweepReport:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.sweep_sync, now)

    async def move(self, blob_id: str, tier: str) -> None:
        """Move a blob's bytes to another tier (a composite's: all of its parts')."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._mover.move, blob_id, tier)

    def close(self) -> None:
        """Finish queued appends and close this process's segment; stop owned threads."""
        self.appender.close()
        if self._owned_executor and isinstance(self._executor, ThreadPoolExecutor):
            self._executor.shutdown(wait=True)


def _read_slice(s: FileSlice) -> bytes:
    fd = os.open(s.path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return os.pread(fd, s.length, s.offset)
    finally:
        os.close(fd)
