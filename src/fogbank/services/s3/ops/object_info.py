"""Object tagging (Put/Get/DeleteObjectTagging) and GetObjectAttributes."""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.services.s3 import checksums, errors, names, tags
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.lifecycle import schedule
from fogbank.services.s3.models import ObjectVersion
from fogbank.services.s3.ops.common import Output, Params, integer, text, touch_object, when
from fogbank.services.s3.ops.read import find_object
from fogbank.services.s3.store import objects as object_store
from fogbank.storage.db import Conn

ATTRIBUTES = ("ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize")


def _version_out(obj: ObjectVersion) -> Output:
    return {"VersionId": obj.wire_version_id} if obj.wire_version_id is not None else {}


async def _find(engine: S3Engine, params: Params) -> ObjectVersion:
    bucket, key = str(params["Bucket"]), names.check_key(str(params["Key"]))
    await engine.bucket(bucket)
    version_id = text(params, "VersionId")
    return await engine.db.read(lambda c: find_object(c, bucket, key, version_id))


async def put_object_tagging(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket, key = str(params["Bucket"]), names.check_key(str(params["Key"]))
    await engine.bucket(bucket)
    tagging = params.get("Tagging")
    pairs = tags.pairs(tagging.get("TagSet") if isinstance(tagging, Mapping) else None)
    tags.check(pairs, limit=tags.OBJECT_LIMIT)
    version_id = text(params, "VersionId")

    def put(conn: Conn) -> ObjectVersion:
        obj = find_object(conn, bucket, key, version_id)
        object_store.set_tags(conn, obj, pairs)
        schedule.reschedule(conn, bucket, key)
        return obj

    obj = await engine.db.write(put)
    touch_object(ctx, bucket, key)
    return _version_out(obj)


async def get_object_tagging(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    obj = await _find(engine, params)
    touch_object(ctx, obj.bucket, obj.key)
    return {"TagSet": tags.tag_set(obj.tags), **_version_out(obj)}


async def delete_object_tagging(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket, key = str(params["Bucket"]), names.check_key(str(params["Key"]))
    await engine.bucket(bucket)
    version_id = text(params, "VersionId")

    def delete(conn: Conn) -> ObjectVersion:
        obj = find_object(conn, bucket, key, version_id)
        object_store.set_tags(conn, obj, [])
        schedule.reschedule(conn, bucket, key)
        return obj

    obj = await engine.db.write(delete)
    touch_object(ctx, bucket, key)
    return _version_out(obj)


async def get_object_attributes(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    wanted = params.get("ObjectAttributes")
    names_wanted = [str(a) for a in wanted] if isinstance(wanted, list) else []
    if not names_wanted:
        raise errors.invalid_argument(
            "Invalid attribute name specified.", "x-amz-object-attributes", ""
        )
    for name in names_wanted:
        if name not in ATTRIBUTES:
            raise errors.invalid_argument(
                "Invalid attribute name specified.", "x-amz-object-attributes", name
            )
    obj = await _find(engine, params)
    touch_object(ctx, obj.bucket, obj.key)
    out: Output = {"LastModified": when(obj.last_modified), **_version_out(obj)}
    if "ETag" in names_wanted:
        out["ETag"] = obj.etag
    if "ObjectSize" in names_wanted:
        out["ObjectSize"] = obj.size
    if "StorageClass" in names_wanted:
        out["StorageClass"] = obj.storage_class
    if "Checksum" in names_wanted and obj.checksum is not None:
        out["Checksum"] = {
            checksums.member(obj.checksum.algorithm): checksums.b64(obj.checksum.value),
            "ChecksumType": obj.checksum.type,
        }
    if "ObjectParts" in names_wanted and obj.parts:
        out["ObjectParts"] = _parts(obj, params)
    return out


def _parts(obj: ObjectVersion, params: Params) -> dict[str, object]:
    limit = integer(params, "MaxParts")
    limit = 1000 if limit is None else max(0, min(limit, 1000))
    marker = integer(params, "PartNumberMarker") or 0
    chosen = [p for p in obj.parts if p.number > marker]
    page, truncated = chosen[:limit], len(chosen) > limit
    alg = obj.checksum.algorithm if obj.checksum is not None else None
    entries = []
    for p in page:
        entry: dict[str, object] = {"PartNumber": p.number, "Size": p.size}
        if alg is not None and alg in p.checksums:
            entry[checksums.member(alg)] = checksums.b64(p.checksums[alg])
        entries.append(entry)
    out: dict[str, object] = {
        "TotalPartsCount": len(obj.parts),
        "PartNumberMarker": marker,
        "MaxParts": limit,
        "IsTruncated": truncated,
        "Parts": entries,
    }
    if page:
        out["NextPartNumberMarker"] = page[-1].number
    return out


HANDLERS = {
    "PutObjectTagging": put_object_tagging,
    "GetObjectTagging": get_object_tagging,
    "DeleteObjectTagging": delete_object_tagging,
    "GetObjectAttributes": get_object_attributes,
}
