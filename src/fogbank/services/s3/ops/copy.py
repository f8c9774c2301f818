"""CopyObject: a new object that references the source's blob (no bytes are copied),
with the source's metadata (``COPY``) or the request's (``REPLACE``)."""

from __future__ import annotations

from dataclasses import dataclass

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.s3 import archive, checksums, conditions, copy_source, errors, names
from fogbank.services.s3.acl import ownership
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.etags import quote
from fogbank.services.s3.models import ObjectVersion
from fogbank.services.s3.ops.common import Output, Params, text, touch_object, when
from fogbank.services.s3.ops.read import find_object, note_access
from fogbank.services.s3.ops.writing import (
    WriteConditions,
    commit_object,
    meta_of,
    object_tags,
    storage_class,
)
from fogbank.services.s3.sse import apply as sse_apply
from fogbank.services.s3.sse.request import parse as sse_parse
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.storage.blobs import DataKey, WrittenBlob
from fogbank.storage.db import Conn

MAX_COPY = 5 * 1024**3


@dataclass(frozen=True)
class Source:
    obj: ObjectVersion


async def load_source(
    engine: S3Engine, ctx: RequestContext, params: Params
) -> tuple[copy_source.CopySource, ObjectVersion]:
    src = copy_source.parse_copy_source(str(params["CopySource"]))
    await engine.bucket(src.bucket)
    cond = conditions.Conditions.of_copy_source(params)
    now = engine.now()

    def read(conn: Conn) -> ObjectVersion:
        if bucket_store.get(conn, src.bucket) is None:
            raise errors.no_such_bucket(src.bucket)
        obj = find_object(conn, src.bucket, src.key, src.version_id)
        archive.check_readable(obj, now)
        if cond.any:
            conditions.check_read(cond, obj.etag, obj.last_modified, copy=True)
        return obj

    obj = await engine.db.read(read)
    touch_object(ctx, src.bucket, src.key)
    await note_access(engine, obj)
    return src, obj


def _directive(params: Params, name: str) -> str:
    value = text(params, name) or "COPY"
    if value not in ("COPY", "REPLACE"):
        header = (
            "x-amz-metadata-directive" if name == "MetadataDirective" else "x-amz-tagging-directive"
        )
        raise errors.invalid_argument(f"Unknown {name.lower()}.", header, value)
    return value


async def copy_object(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = str(params["Bucket"])
    key = names.check_key(str(params["Key"]))
    target_bucket = await engine.bucket(bucket)
    sse_request = sse_parse(params)
    meta_directive = _directive(params, "MetadataDirective")
    tag_directive = _directive(params, "TaggingDirective")
    src, source = await load_source(engine, ctx, params)
    if source.size > MAX_COPY:
        raise errors.invalid_request(
            "The specified copy source is larger than the maximum allowable size for a copy "
            f"source: {MAX_COPY}"
        )
    # Without x-amz-storage-class a copy is STANDARD, whatever the source's class (as S3).
    storage = storage_class(params) if params.get("StorageClass") else "STANDARD"
    algorithm = checksums.normalize_algorithm(
        params.get("ChecksumAlgorithm"), "x-amz-checksum-algorithm"
    )
    same = src.bucket == bucket and src.key == key and src.version_id is None
    unchanged = (
        meta_directive == "COPY"
        and not params.get("StorageClass")
        and algorithm is None
        and params.get("WebsiteRedirectLocation") is None
        and not sse_request.given
    )
    if same and unchanged:
        raise errors.invalid_request(
            "This copy request is illegal because it is trying to copy an object to itself "
            "without changing the object's metadata, storage class, website redirect "
            "location or encryption attributes."
        )
    meta = meta_of(params) if meta_directive == "REPLACE" else source.meta
    tags = tuple(object_tags(params)) if tag_directive == "REPLACE" else source.tags
    source_keys = await sse_apply.read_keys(engine, source, params, sse_apply.SOURCE_PREFIX)
    owner, acl = await ownership.for_object_write(engine, ctx, params, target_bucket)
    data_key, sse = await sse_apply.for_write(
        engine, ctx, params, target_bucket, key, request=sse_request
    )
    checksum = source.checksum
    keep = checksum is not None and (algorithm is None or (
        checksum.algorithm == algorithm and checksum.type == checksums.FULL_OBJECT
    ))  # fmt: skip
    alg = algorithm or (checksum.algorithm if keep and checksum else checksums.DEFAULT)
    written = await _reencrypt(engine, source, source_keys, data_key, alg)
    if not keep:
        checksum = checksums.Stored(alg, checksums.FULL_OBJECT, written.checksums[alg])
    obj = ObjectVersion(
        bucket=bucket, key=key, version_id="", is_latest=True, delete_marker=False,
        blob_id=written.blob_id, size=source.size, etag=source.etag,
        last_modified=engine.now(), storage_class=storage, owner_account=owner,
        meta=meta, checksum=checksum, parts=source.parts, tags=tags, sse=sse, acl=acl,
    )  # fmt: skip
    cond = WriteConditions.of(params)
    stored = await engine.db.write(
        lambda c: commit_object(engine, c, obj, written=written, cond=cond)
    )
    touch_object(ctx, bucket, key)
    await archive.place(engine, stored)
    result: dict[str, object] = {
        "ETag": quote(stored.etag),
        "LastModified": when(stored.last_modified),
    }
    if checksum is not None:
        result.update(checksum.output())
    out: Output = {"CopyObjectResult": result, **sse.output(context=True)}
    if source.wire_version_id is not None:
        out["CopySourceVersionId"] = source.wire_version_id
    if stored.wire_version_id is not None:
        out["VersionId"] = stored.wire_version_id
    return out


async def _reencrypt(
    engine: S3Engine, source: ObjectVersion, source_keys: list[DataKey], data_key: DataKey,
    algorithm: str,
) -> WrittenBlob:  # fmt: skip
    """The source's plaintext written again under the target's data key: a copy is
    encrypted as its target says (S3 re-encrypts on copy)."""
    blob_id = source.blob_id
    plan = None
    if blob_id is not None and source.size:
        plan = await engine.db.read(lambda c: engine.blobs.locate(c, blob_id))
    written = await engine.blobs.write(
        sse_apply.plaintext(engine, plan, source_keys), checksums=(algorithm,),
        encryption=data_key, size_hint=source.size,
    )  # fmt: skip
    if written.size != source.size:
        raise AwsError(
            "InternalError", "We encountered an internal error. Please try again.",
            status=500, sender_fault=False,
        )  # fmt: skip
    return written


HANDLERS = {"CopyObject": copy_object}
