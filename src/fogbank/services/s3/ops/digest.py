"""Digests of stored bytes, for the copies whose result needs them (a part copied from a
range of an object: S3 gives it the MD5 of its bytes as ETag; a copy that asks for a new
checksum algorithm). The bytes are read and hashed in a thread, a chunk at a time."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence

from fogbank.core.streams import FileSlice
from fogbank.services.s3.engine import S3Engine
from fogbank.storage.blobs import ReadPlan
from fogbank.storage.blobs.checksums import Digester

CHUNK = 1024 * 1024


def _hash_slices(slices: Sequence[FileSlice], digester: Digester) -> None:
    for part in slices:
        fd = os.open(part.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            offset, remaining = part.offset, part.length
            while remaining > 0:
                data = os.pread(fd, min(CHUNK, remaining), offset)
                if not data:
                    raise OSError(f"{part.path} ends early")
                digester.update(data)
                offset += len(data)
                remaining -= len(data)
        finally:
            os.close(fd)


async def digest(
    engine: S3Engine, plan: ReadPlan, algorithms: Sequence[str]
) -> tuple[bytes, dict[str, bytes]]:
    """(MD5, {algorithm: digest}) of the bytes a read plan covers."""
    digester = Digester(algorithms)
    loop = asyncio.get_running_loop()
    slices = engine.blobs.file_slices(plan)
    if slices is not None:
        await loop.run_in_executor(None, _hash_slices, slices, digester)
    else:
        body = engine.blobs.open(plan)
        if isinstance(body, FileSlice):
            await loop.run_in_executor(None, _hash_slices, (body,), digester)
        else:
            async for chunk in body:
                await loop.run_in_executor(None, digester.update, chunk)
    return digester.md5(), digester.results()
