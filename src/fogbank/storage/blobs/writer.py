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
from collections.abc import AsyncIterable, Callable, Sequence
from concurrent.futures import Executor

from fogbank.storage.blobs import crypto
from fogbank.storage.blobs.checksums import Digester
from fogbank.storage.blobs.disk import Disk, new_id
from fogbank.storage.blobs.files import BlobFile
from fogbank.storage.blobs.model import BlobSettings, DataKey, WrittenBlob
from fogbank.storage.blobs.segments import SegmentAppender

_INLINE_MAX = 64 * 1024  # hash/encrypt on the event loop up to this size (~0.1 ms of MD5)


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
        blob_id = new_id()

        def prepare() -> bytes:
            digester.update(data)
            return data if encryption is None else crypto.encrypt(encryption, blob_id, data)

        if len(data) <= _INLINE_MAX:
            stored = prepare()
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
        file: BlobFile = await loop.run_in_executor(
            self._executor, BlobFile, self._disk, self._tier, settings.writeback_every
        )
        encryptor = crypto.Encryptor(encryption, blob_id) if encryption is not None else None

        def hash_batch(batch: list[bytes]) -> None:
            if len(batch) > 1 and len(batch) * 64 * 1024 > settings.batch_size:
                digester.update(b"".join(batch))  # many small chunks: one call per batch
            else:
                for part in batch:
                    digester.update(part)

        def store_batch(batch: list[bytes], last: bool) -> None:
            if encryptor is None:
                file.write(batch)
                return
            for part in batch:  # part by part: at most one part's ciphertext in memory
                file.write(encryptor.feed(part))
            if last:
                file.write([encryptor.finish()])

        def submit(batch: list[bytes], last: bool) -> asyncio.Future[tuple[None, None]]:
            return asyncio.gather(
                loop.run_in_executor(self._executor, hash_batch, batch),
                loop.run_in_executor(self._executor, store_batch, batch, last),
            )

        in_flight: asyncio.Future[tuple[None, None]] | None = None
        try:
            batch, batch_size = parts, size
            async for chunk in it:
                if not chunk:
                    continue
                batch.append(chunk)
                batch_size += len(chunk)
                size += len(chunk)
                if batch_size >= settings.batch_size:
                    if in_flight is not None:
                        await in_flight
                    in_flight = submit(batch, last=False)
                    batch, batch_size = [], 0
            if in_flight is not None:
                await in_flight
                in_flight = None
            if batch or encryptor is not None:
                await submit(batch or [b""], last=True)
            written_at: float = await loop.run_in_executor(self._executor, file.commit, blob_id)
        except BaseException:
            # abort waits for a write in flight (it takes the file's lock), so it is safe
            # to hand to a thread without waiting here, even when we are being cancelled.
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
