"""PutObject: the body streams into the blob store (durable before anything points at it),
its digests are checked against the request's claims, then one transaction makes it the
key's object."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.core.streams import Body, BytesBody
from fogbank.services.s3 import archive, checksums, errors, names
from fogbank.services.s3.acl import ownership
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.etags import quote
from fogbank.services.s3.ops.common import Output, Params, touch_object
from fogbank.services.s3.ops.writing import (
    WriteConditions,
    body_length,
    commit_object,
    meta_of,
    new_object,
    object_tags,
    storage_class,
)
from fogbank.services.s3.sse import apply as sse_apply
from fogbank.storage.blobs import DataKey, WrittenBlob


async def write_body(
    engine: S3Engine,
    body: Body,
    claim: checksums.Claim,
    extra: tuple[str, ...] = (),
    encryption: DataKey | None = None,
) -> WrittenBlob:
    """Stream ``body`` into a durable blob (encrypted with ``encryption``) and check it
    against ``claim``."""
    algorithms = tuple(dict.fromkeys((*claim.algorithms, *extra)))
    written = await engine.blobs.write(
        body, checksums=algorithms, size_hint=body.length, encryption=encryption
    )
    if body.length is not None and written.size != body.length:
        raise errors.incomplete_body()
    checksums.verify(claim, written.md5, written.checksums, body.trailers)
    return written


def stored_checksum(claim: checksums.Claim, written: WrittenBlob) -> checksums.Stored:
    algorithm = claim.algorithm or checksums.DEFAULT
    return checksums.Stored(algorithm, checksums.FULL_OBJECT, written.checksums[algorithm])


async def put_object(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket_name = str(params["Bucket"])
    key = names.check_key(str(params["Key"]))
    bucket = await engine.bucket(bucket_name)
    owner, acl = await ownership.for_object_write(engine, ctx, params, bucket)
    data_key, sse = await sse_apply.for_write(engine, ctx, params, bucket, key)
    body = params.get("Body")
    if not isinstance(body, Body):
        body = BytesBody(b"")
    body_length(body, engine.limits.max_object)
    meta = meta_of(params)
    storage = storage_class(params)
    object_tag_list = object_tags(params)
    claim = checksums.claim_of(params, ctx.headers)
    cond = WriteConditions.of(params)
    extra = () if claim.algorithm else (checksums.DEFAULT,)
    written = await write_body(engine, body, claim, extra, data_key)
    checksum = stored_checksum(claim, written)
    obj = new_object(
        ctx, engine, bucket_name, key,
        blob_id=written.blob_id, size=written.size, etag=written.etag, meta=meta,
        storage=storage, checksum=checksum, tags=tuple(object_tag_list), sse=sse,
        owner_account=owner, acl=acl,
    )  # fmt: skip
    stored = await engine.db.write(
        lambda c: commit_object(engine, c, obj, written=written, cond=cond)
    )
    touch_object(ctx, bucket_name, key)
    await archive.place(engine, stored)
    out: Output = {"ETag": quote(stored.etag), **checksum.output(), **sse.output(context=True)}
    if stored.wire_version_id is not None:
        out["VersionId"] = stored.wire_version_id
    return out
