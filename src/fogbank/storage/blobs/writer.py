"""The streaming write path: chunks in, durable blob out, digests computed on the way.

Chunks are gathered until the blob is known to be small (at most ``packed_max`` bytes:
it goes to this process's segment, sharing an fsync with concurrent writes) or large (it
goes to its own file). A large blob's bytes are handed to threads in batches of about
``batch_size``: one thread hashes a batch while another encrypts and writes it, and the
event loop meanwhile gathers the next batch, so memory holds about two batches whatever
the blob's size. Small blobs are hashed and encrypted on the event loop when tiny,
in a thread otherwise.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterable, Callable, Sequence
from concurrent.futures import Executor, Future

from fogbank.storage.blobs import crypto
from fogbank.storage.blobs.checksums import Digester
from fogbank.storage.blobs.direct import StagePool
from fogbank.storage.blobs.disk import Disk, new_id, new_ordered_id
from fogbank.storage.blobs.files import BlobFile
from fogbank.storage.blobs.model import BlobSettings, DataKey, WrittenBlob
from fogbank.storage.blobs.segments import SegmentAppender

_INLINE_MAX = 64 * 1024  # hash/encrypt on the event loop up to this size (~0.1 ms of MD5)
SEAL_GROUP = 1024 * 1024
"""Plaintext bytes sealed in one call: their stored bytes fit a staging buffer (2 MiB)."""


def _retrieve(task: asyncio.Task[None]) -> None:
    """Mark a lane step's outcome as seen (its error surfaces through the steps after it)."""
    if not task.cancelled():
        task.exception()


def _abort_opened(opening: Future[BlobFile]) -> None:
    if not opening.cancelled() and opening.exception() is None:
        opening.result().abort()


class BlobWriter:
    def __init__(
        self,
        disk: Disk,
        tier: str,
        settings: BlobSettings,
        appender: SegmentAppender,
        executor: Executor,
    ) -> None:
        self._disk = disk
        self._tier = tier
        self._settings = settings
        self._appender = appender
        self._executor = executor
        self._stages = StagePool(keep=settings.threads * 2) if settings.direct_io else None

    async def write(
        self,
        chunks: AsyncIterable[bytes],
        *,
        checksums: Sequence[str] = (),
        encryption: DataKey | None = None,
        size_hint: int | None = None,
    ) -> WrittenBlob:
        digester = Digester(checksums)
        limit = self._settings.packed_max
        parts: list[bytes] = []
        size = 0
        it = aiter(chunks)
        if size_hint is None or size_hint <= limit:
            async for chunk in it:
                if chunk:
                    parts.append(chunk)
                    size += len(chunk)
                    if size > limit:
                        break
            else:
                data = parts[0] if len(parts) == 1 else b"".join(parts)
                return await self._write_packed(data, digester, encryption)
        return await self._write_file(parts, size, it, digester, encryption)

    async def _run(self, fn: Callable[[], object]) -> object:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def _write_packed(
        self, data: bytes, digester: Digester, encryption: DataKey | None
    ) -> WrittenBlob:
        blob_id = new_ordered_id()  # no file of its own: ordered, for the index's sake

        def prepare() -> bytes:
            digester.update(data)
            return data if encryption is None else crypto.encrypt(encryption, blob_id, data)

        if len(data) <= _INLINE_MAX:  # on the loop: hashed holding the GIL
            digester.update_holding_gil(data)
            stored = data if encryption is None else crypto.encrypt(encryption, blob_id, data)
        else:
            stored = await self._run(prepare)  # type: ignore[assignment]
        appended = await self._appender.append(blob_id, stored)
        return self._result(
            blob_id,
            len(data),
            len(stored),
            digester,
            encryption,
            appended.written_at,
            segment=(appended.segment_id, appended.offset),
        )

    async def _write_file(
        self,
        parts: list[bytes],
        size: int,
        it: AsyncIterable[bytes],
        digester: Digester,
        encryption: DataKey | None,
    ) -> WrittenBlob:
        loop = asyncio.get_running_loop()
        blob_id = new_id()
        settings = self._settings
        opening = self._executor.submit(
            BlobFile, self._disk, self._tier, settings.sync_every, self._stages
        )
        try:
            file = await asyncio.wrap_future(opening)
        except asyncio.CancelledError:  # the file may still appear: remove it then
            opening.add_done_callback(_abort_opened)
            raise
        encryptor = crypto.Encryptor(encryption, blob_id) if encryption is not None else None

        def hash_batch(batch: list[bytes]) -> None:
            if len(batch) > 1 and len(batch) * 64 * 1024 > settings.batch_size:
                digester.update(b"".join(batch))  # many small chunks: one call per batch
            else:
                for part in batch:
                    digester.update(part)

        def seal(group: list[memoryview], last: bool) -> None:
            assert encryptor is not None
            if file.direct:  # sealed straight into the file's staging buffer
                size = encryptor.sealed_size(group, last)
                file.write_made(size, lambda out: encryptor.seal_into(group, out, last))
            else:
                file.write([encryptor.seal(group, last)])

        def store_batch(batch: list[bytes], last: bool) -> None:
            if encryptor is None:
                file.write(batch)
                return
            # Sealed about ``SEAL_GROUP`` at a time, one write each (a huge part, from an
            # in-process caller, is cut: memory stays bounded).
            group: list[memoryview] = []
            grouped = 0
            for part in batch:
                view = memoryview(part)
                for at in range(0, len(view), SEAL_GROUP):
                    piece = view[at : at + SEAL_GROUP]
                    group.append(piece)
                    grouped += len(piece)
                    if grouped >= SEAL_GROUP:
                        seal(group, False)
                        group, grouped = [], 0
            if group or last:
                seal(group, last)

        async def step(
            prev: asyncio.Task[None] | None, fn: Callable[..., None], *args: object
        ) -> None:
            if prev is not None:
                await prev  # in order; and a failure upstream fails everything after it
            await loop.run_in_executor(self._executor, fn, *args)

        # Two lanes, each a chain of steps: hashing, and encrypting+writing. They run side
        # by side at their own pace (the writer may be in an fdatasync while the hasher
        # goes on), with at most ``pipeline_bytes`` handed over and not yet done by both.
        hashing: asyncio.Task[None] | None = None
        storing: asyncio.Task[None] | None = None
        window: deque[tuple[asyncio.Task[None], asyncio.Task[None], int]] = deque()
        in_flight = 0

        async def hand_over(batch: list[bytes], batch_size: int, last: bool) -> None:
            nonlocal hashing, storing, in_flight
            hashing = loop.create_task(step(hashing, hash_batch, batch))
            storing = loop.create_task(step(storing, store_batch, batch, last))
            for task in (hashing, storing):
                task.add_done_callback(_retrieve)
            window.append((hashing, storing, batch_size))
            in_flight += batch_size
            while window and (in_flight > settings.pipeline_bytes or last):
                h, s, n = window.popleft()
                await h
                await s
                in_flight -= n

        try:
            batch, batch_size = parts, size
            async for chunk in it:
                if not chunk:
                    continue
                batch.append(chunk)
                batch_size += len(chunk)
                size += len(chunk)
                if batch_size >= settings.batch_size:
                    await hand_over(batch, batch_size, last=False)
                    batch, batch_size = [], 0
            await hand_over(batch, batch_size, last=True)
            written_at: float = await loop.run_in_executor(self._executor, file.commit, blob_id)
        except BaseException:
            for h, s, _ in window:
                h.cancel()
                s.cancel()
            # abort waits for a write in flight (it takes the file's lock) and makes later
            # ones fail, so it is safe to hand to a thread without waiting, even when we
            # are being cancelled.
            self._executor.submit(file.abort)
            raise
        return self._result(blob_id, size, file.size, digester, encryption, written_at)

    def _result(
        self,
        blob_id: str,
        size: int,
        stored_size: int,
        digester: Digester,
        encryption: DataKey | None,
        written_at: float,
        segment: tuple[str, int] | None = None,
    ) -> WrittenBlob:
        return WrittenBlob(
            blob_id=blob_id,
            size=size,
            md5=digester.md5(),
            checksums=digester.results(),
            layout="file" if segment is None else "packed",
            tier=self._tier,
            stored_size=stored_size,
            location=blob_id if segment is None else segment[0],
            location_offset=0 if segment is None else segment[1],
            cipher=None if encryption is None else crypto.CIPHER,
            key_ref=None if encryption is None else encryption.key_ref,
            written_at=written_at,
        )
