"""DeleteObject and DeleteObjects.

In a bucket without versioning a delete removes the key's null version (and releases its
blob); with versioning enabled it adds a delete marker; with a version id it removes that
version. Deleting a key that does not exist succeeds (204), as in S3.
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.s3 import errors, names
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.lifecycle import schedule
from fogbank.services.s3.models import NULL_VERSION, STANDARD, ObjectMeta, ObjectVersion
from fogbank.services.s3.ops.common import Output, Params, text, touch_bucket, touch_object
from fogbank.services.s3.ops.versioning import check_mfa_header, mfa_delete_enabled
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import objects as object_store
from fogbank.storage.db import Conn

MAX_DELETE_KEYS = 1000


def _delete_one(
    engine: S3Engine, conn: Conn, bucket: str, key: str, version_id: str | None, account: str
) -> dict[str, object]:
    """Delete in the caller's transaction; the DeleteObject output members."""
    out = _delete_version(engine, conn, bucket, key, version_id, account)
    schedule.reschedule(conn, bucket, key)
    return out


def _delete_version(
    engine: S3Engine, conn: Conn, bucket: str, key: str, version_id: str | None, account: str
) -> dict[str, object]:
    found = bucket_store.get(conn, bucket)
    if found is None:
        raise errors.no_such_bucket(bucket)
    if version_id is not None:
        obj = object_store.version(conn, bucket, key, version_id)
        if obj is None:
            if version_id != NULL_VERSION and not _plausible_version(version_id):
                raise errors.invalid_argument(
                    "Invalid version id specified", "versionId", version_id
                )
            return {"VersionId": version_id}
        object_store.remove(conn, obj)
        if obj.blob_id is not None:
            engine.blobs.release(conn, obj.blob_id)
        out: dict[str, object] = {"VersionId": version_id}
        if obj.delete_marker:
            out["DeleteMarker"] = True
        return out
    latest = object_store.latest(conn, bucket, key)
    if found.versioning is None:
        if latest is not None:
            object_store.remove(conn, latest)
            if latest.blob_id is not None:
                engine.blobs.release(conn, latest.blob_id)
        return {}
    marker = ObjectVersion(
        bucket=bucket, key=key, version_id="", is_latest=True, delete_marker=True,
        blob_id=None, size=0, etag="", last_modified=engine.now(), storage_class=STANDARD,
        owner_account=account, meta=ObjectMeta(),
    )  # fmt: skip
    stored, released = object_store.write(conn, marker, found.versioning, previous=latest)
    for blob_id in released:
        engine.blobs.release(conn, blob_id)
    out = {"DeleteMarker": True, "VersionId": stored.version_id}
    return out


def _plausible_version(version_id: str) -> bool:
    return 0 < len(version_id) <= 1024


async def delete_object(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = str(params["Bucket"])
    key = names.check_key(str(params["Key"]))
    await engine.bucket(bucket)
    version_id = text(params, "VersionId")
    if version_id is not None and await mfa_delete_enabled(engine, bucket):
        check_mfa_header(ctx.headers)
    out = await engine.db.write(
        lambda c: _delete_one(engine, c, bucket, key, version_id, ctx.account_id)
    )
    touch_object(ctx, bucket, key)
    return out


def _has_integrity_header(headers: Mapping[str, str]) -> bool:
    return "content-md5" in headers or any(h.startswith("x-amz-checksum-") for h in headers)


async def delete_objects(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = str(params["Bucket"])
    await engine.bucket(bucket)
    if not _has_integrity_header(ctx.headers):
        raise errors.invalid_request("Missing required header for this request: Content-MD5")
    spec = params.get("Delete")
    items = spec.get("Objects") if isinstance(spec, Mapping) else None
    if not isinstance(items, list) or not items or len(items) > MAX_DELETE_KEYS:
        raise errors.malformed_xml()
    quiet = bool(spec.get("Quiet")) if isinstance(spec, Mapping) else False
    wanted: list[tuple[str, str | None]] = []
    for item in items:
        if not isinstance(item, Mapping) or not item.get("Key"):
            raise errors.malformed_xml()
        version = item.get("VersionId")
        if version is not None and await mfa_delete_enabled(engine, bucket):
            check_mfa_header(ctx.headers)
        wanted.append((str(item["Key"]), None if version is None else str(version)))

    def delete_all(conn: Conn) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        deleted: list[dict[str, object]] = []
        failed: list[dict[str, object]] = []
        for key, version_id in wanted:
            entry: dict[str, object] = {"Key": key}
            if version_id is not None:
                entry["VersionId"] = version_id
            try:
                names.check_key(key)
                result = _delete_one(engine, conn, bucket, key, version_id, ctx.account_id)
            except AwsError as err:
                failed.append({**entry, "Code": err.code, "Message": err.message})
                continue
            if result.get("DeleteMarker"):
                entry["DeleteMarker"] = True
                if version_id is None and "VersionId" in result:
                    entry["DeleteMarkerVersionId"] = result["VersionId"]
            deleted.append(entry)
        return deleted, failed

    deleted, failed = await engine.db.write(delete_all)
    touch_bucket(ctx, bucket)
    out: Output = {}
    if deleted and not quiet:
        out["Deleted"] = deleted
    if failed:
        out["Errors"] = failed
    return out


HANDLERS = {"DeleteObject": delete_object, "DeleteObjects": delete_objects}
