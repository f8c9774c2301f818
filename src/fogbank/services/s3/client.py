"""The in-process S3 client for other services (CloudTrail's log delivery, and later EFS
backups, RDS snapshot exports ...).

It acts as the service itself: no IAM check is made here (the caller decides what it may
do, as CloudTrail checks the bucket policy). Objects are written exactly as PutObject
writes them: bytes durable first, then one transaction; the object belongs to the bucket
owner (S3's ``BucketOwnerEnforced``, and what ``bucket-owner-full-control`` gives).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Mapping
from dataclasses import dataclass

from fogbank.core.streams import Body, BytesBody
from fogbank.services.s3 import checksums, names
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.lifecycle import schedule
from fogbank.services.s3.models import STANDARD, ObjectMeta, ObjectVersion
from fogbank.services.s3.ops.put import write_body
from fogbank.services.s3.ops.read import find_object
from fogbank.services.s3.ops.writing import commit_object
from fogbank.services.s3.sse import defaults
from fogbank.services.s3.sse.record import SSE_KMS
from fogbank.services.s3.sse.request import SseRequest
from fogbank.services.s3.store import objects as object_store
from fogbank.storage.db import Conn


@dataclass(frozen=True)
class BucketSummary:
    name: str
    owner_account: str
    region: str
    policy: str | None  # the bucket policy's JSON text, if it has one


@dataclass(frozen=True)
class ObjectSummary:
    bucket: str
    key: str
    size: int
    etag: str  # unquoted
    last_modified: float
    content_type: str
    metadata: Mapping[str, str]
    version_id: str | None


class _StreamBody(Body):
    def __init__(self, chunks: AsyncIterable[bytes], length: int | None) -> None:
        super().__init__()
        self._source = chunks
        self.length = length

    async def chunks(self) -> AsyncIterator[bytes]:
        async for chunk in self._source:
            yield chunk


class S3Client:
    def __init__(self, engine: S3Engine) -> None:
        self._engine = engine

    async def bucket(self, name: str) -> BucketSummary | None:
        found = await self._engine.find_bucket(name)
        if found is None:
            return None
        policy = await self._engine.bucket_config(name, "policy")
        return BucketSummary(
            found.name, found.owner_account, found.region,
            policy if isinstance(policy, str) else None,
        )  # fmt: skip

    async def bucket_exists(self, name: str) -> bool:
        return await self._engine.find_bucket(name) is not None

    async def put_object(
        self,
        bucket: str,
        key: str,
        body: bytes | AsyncIterable[bytes],
        *,
        length: int | None = None,
        metadata: Mapping[str, str] | None = None,
        content_type: str | None = None,
        content_encoding: str | None = None,
        sse_kms_key: str | None = None,
    ) -> ObjectSummary:
        """Store an object (replacing the key's); NoSuchBucket if there is no bucket.
        Encrypted with SSE-KMS under ``sse_kms_key`` if given, else as the bucket's
        default encryption says (the service acts as itself: no caller to authorize)."""
        engine = self._engine
        found = await engine.bucket(bucket)
        names.check_key(key)
        asked = SseRequest(SSE_KMS, sse_kms_key) if sse_kms_key is not None else SseRequest()
        request = await defaults.resolve(engine, bucket, asked)
        data_key, sse = await engine.sse.create(
            request, account_id=found.owner_account, region=found.region, bucket=bucket, key=key
        )
        stream: Body = BytesBody(body) if isinstance(body, bytes) else _StreamBody(body, length)
        claim = checksums.Claim(None, None, None, None)
        written = await write_body(engine, stream, claim, (checksums.DEFAULT,), data_key)
        headers: dict[str, str] = {}
        if content_type:
            headers["ContentType"] = content_type
        if content_encoding:
            headers["ContentEncoding"] = content_encoding
        obj = ObjectVersion(
            bucket=bucket, key=key, version_id="", is_latest=True, delete_marker=False,
            blob_id=written.blob_id, size=written.size, etag=written.etag,
            last_modified=engine.now(), storage_class=STANDARD,
            owner_account=found.owner_account,
            meta=ObjectMeta(headers, {k.lower(): v for k, v in (metadata or {}).items()}),
            checksum=checksums.Stored(
                checksums.DEFAULT, checksums.FULL_OBJECT, written.checksums[checksums.DEFAULT]
            ),
            sse=sse,
        )  # fmt: skip
        stored = await engine.db.write(lambda c: commit_object(engine, c, obj, written=written))
        return _summary(stored)

    async def head_object(self, bucket: str, key: str) -> ObjectSummary | None:
        def read(conn: Conn) -> ObjectVersion | None:
            return object_store.current(conn, bucket, key)

        found = await self._engine.db.read(read)
        return None if found is None else _summary(found)

    async def get_object(self, bucket: str, key: str) -> bytes:
        """The object's bytes (NoSuchBucket / NoSuchKey); for objects that fit in memory."""
        engine = self._engine
        await engine.bucket(bucket)

        def read(conn: Conn) -> ObjectVersion:
            return find_object(conn, bucket, key, None)

        obj = await engine.db.read(read)
        if obj.blob_id is None or obj.size == 0:
            return b""
        keys = [] if obj.sse is None else [await engine.sse.open(obj.sse, None)]
        return await engine.blobs.read_bytes(obj.blob_id, keys=keys)

    async def delete_object(self, bucket: str, key: str) -> None:
        engine = self._engine
        await engine.bucket(bucket)

        def delete(conn: Conn) -> None:
            obj = object_store.latest(conn, bucket, key)
            if obj is not None and not obj.delete_marker:
                object_store.remove(conn, obj)
                if obj.blob_id is not None:
                    engine.blobs.release(conn, obj.blob_id)
                schedule.reschedule(conn, bucket, key)

        await engine.db.write(delete)


def _summary(obj: ObjectVersion) -> ObjectSummary:
    return ObjectSummary(
        obj.bucket, obj.key, obj.size, obj.etag, obj.last_modified, obj.meta.content_type,
        dict(obj.meta.user), obj.wire_version_id,
    )  # fmt: skip
