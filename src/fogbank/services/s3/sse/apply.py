"""What the object operations call: the data key of a write, the data keys of a read,
and an object's plaintext as a stream (for copies, which re-encrypt)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping

from fogbank.core.context import RequestContext
from fogbank.core.streams import FileSlice
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import Bucket, ObjectVersion
from fogbank.services.s3.sse import defaults
from fogbank.services.s3.sse.keys import not_applicable
from fogbank.services.s3.sse.record import SSE_C, SseRecord
from fogbank.services.s3.sse.request import SseRequest, customer_key, parse
from fogbank.storage.blobs import DataKey, ReadPlan

Params = Mapping[str, object]
_READ = 1024 * 1024
SOURCE_PREFIX = "CopySourceSSECustomer"


async def for_write(
    engine: S3Engine, ctx: RequestContext, params: Params, bucket: Bucket, key: str,
    request: SseRequest | None = None,
) -> tuple[DataKey, SseRecord]:  # fmt: skip
    """A fresh data key for a new object or upload, as the request (or, failing that,
    the bucket's default encryption) asks."""
    resolved = await defaults.resolve(engine, bucket.name, request or parse(params))
    return await engine.sse.create(
        resolved, account_id=ctx.account_id, region=bucket.region, bucket=bucket.name, key=key
    )


async def record_key(
    engine: S3Engine, record: SseRecord | None, params: Params, prefix: str = "SSECustomer"
) -> DataKey | None:
    """The data key of a stored object or upload (None: stored unencrypted); an SSE-C
    record needs the request's customer key, which must be the right one."""
    customer = customer_key(params, prefix)
    if record is None:
        if customer is not None:
            raise not_applicable()
        return None
    return await engine.sse.open(record, customer)


async def read_keys(
    engine: S3Engine, obj: ObjectVersion, params: Params, prefix: str = "SSECustomer"
) -> list[DataKey]:
    key = await record_key(engine, obj.sse, params, prefix)
    return [] if key is None else [key]


def check_customer(record: SseRecord | None, params: Params) -> None:
    """HeadObject: an SSE-C object needs its key (checked by ``read_keys``); other
    objects refuse SSE-C parameters."""
    if (record is None or record.mode != SSE_C) and customer_key(params) is not None:
        raise not_applicable()


def _read_slice(piece: FileSlice, offset: int, length: int) -> bytes:
    fd = os.open(piece.path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return os.pread(fd, length, piece.offset + offset)
    finally:
        os.close(fd)


async def plaintext(
    engine: S3Engine, plan: ReadPlan | None, keys: list[DataKey]
) -> AsyncIterator[bytes]:
    """The plaintext a read plan covers, a chunk at a time (nothing for ``None``)."""
    if plan is None:
        return
    body = engine.blobs.open(plan, keys)
    if not isinstance(body, FileSlice):
        async for chunk in body:
            yield chunk
        return
    loop = asyncio.get_running_loop()
    done = 0
    while done < body.length:
        want = min(_READ, body.length - done)
        data = await loop.run_in_executor(None, _read_slice, body, done, want)
        if not data:
            raise OSError(f"{body.path} ends early")
        done += len(data)
        yield data
