"""What object writes share: metadata from headers, the body's limits, and the commit that
makes a durable blob the key's object."""

from __future__ import annotations

import email.utils
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from fogbank.core.context import RequestContext
from fogbank.core.streams import Body
from fogbank.services.s3 import conditions, errors, tags
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.http_dates import http_date
from fogbank.services.s3.lifecycle import schedule
from fogbank.services.s3.models import CONTENT_MEMBERS, STANDARD, ObjectMeta, ObjectVersion
from fogbank.services.s3.ops.common import Params, text
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import objects as object_store
from fogbank.storage.blobs import WrittenBlob
from fogbank.storage.db import Conn

STORAGE_CLASSES = frozenset(
    (
        "STANDARD",
        "REDUCED_REDUNDANCY",
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "GLACIER",
        "DEEP_ARCHIVE",
        "OUTPOSTS",
        "GLACIER_IR",
        "SNOW",
        "EXPRESS_ONEZONE",
        "FSX_OPENZFS",
        "FSX_ONTAP",
    )
)
MAX_USER_METADATA = 2048


def storage_class(params: Params) -> str:
    value = text(params, "StorageClass") or STANDARD
    if value not in STORAGE_CLASSES:
        raise errors.invalid_storage_class()
    return value


def strip_aws_chunked(value: str) -> str | None:
    kept = [e.strip() for e in value.split(",") if e.strip() and e.strip().lower() != "aws-chunked"]
    return ", ".join(kept) or None


def meta_of(params: Params) -> ObjectMeta:
    """Content headers and user metadata of a write (PutObject, CreateMultipartUpload,
    CopyObject with REPLACE)."""
    headers: dict[str, str] = {}
    for name in CONTENT_MEMBERS:
        value = params.get(name)
        if value is None:
            continue
        if name == "Expires" and isinstance(value, datetime):
            headers[name] = http_date(value.timestamp())
        elif name == "ContentEncoding":
            kept = strip_aws_chunked(str(value))
            if kept:
                headers[name] = kept
        else:
            headers[name] = str(value)
    user = params.get("Metadata")
    user_meta: dict[str, str] = {}
    if isinstance(user, Mapping):
        user_meta = {str(k).lower(): str(v) for k, v in user.items()}
    size = sum(len(k.encode()) + len(v.encode()) for k, v in user_meta.items())
    if size > MAX_USER_METADATA:
        raise errors.metadata_too_large(size)
    return ObjectMeta(headers, user_meta)


def meta_output(meta: ObjectMeta, params: Params | None = None) -> dict[str, object]:
    """GetObject/HeadObject members for stored metadata (with response-* overrides)."""
    out: dict[str, object] = {}
    for name, value in meta.headers.items():
        if name == "Expires":
            try:
                out[name] = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                continue
        else:
            out[name] = value
    out["ContentType"] = meta.content_type
    if meta.user:
        out["Metadata"] = dict(meta.user)
    if params:
        for member in ("ContentType", "ContentEncoding", "ContentDisposition", "ContentLanguage",
                       "CacheControl", "Expires"):  # fmt: skip
            override = params.get("Response" + member)
            if override is not None:
                out[member] = override
    return out


def body_length(body: Body, limit: int) -> int:
    """The body's length as announced (decoded length for aws-chunked); errors as S3's."""
    if body.length is None:
        raise errors.missing_content_length()
    if body.length > limit:
        raise errors.entity_too_large(body.length, limit)
    return body.length


def object_tags(params: Params) -> list[tuple[str, str]]:
    found = tags.from_header(text(params, "Tagging"))
    tags.check(found, limit=tags.OBJECT_LIMIT)
    return found


@dataclass(frozen=True)
class WriteConditions:
    if_match: str | None = None
    if_none_match: str | None = None

    @classmethod
    def of(cls, params: Params) -> WriteConditions:
        return cls(text(params, "IfMatch"), text(params, "IfNoneMatch"))


def commit_object(
    engine: S3Engine,
    conn: Conn,
    obj: ObjectVersion,
    *,
    written: WrittenBlob | None = None,
    referenced: Sequence[str] = (),
    cond: WriteConditions = WriteConditions(),
) -> ObjectVersion:
    """Inside a transaction: make ``obj`` the key's latest version, registering the
    freshly ``written`` blob or adding a reference to ``referenced`` blobs, and releasing
    the blob of the version it replaces."""
    bucket = bucket_store.get(conn, obj.bucket)
    if bucket is None:
        raise errors.no_such_bucket(obj.bucket)
    previous = object_store.latest(conn, obj.bucket, obj.key)
    if cond.if_match is not None or cond.if_none_match is not None:
        live = previous if previous is not None and not previous.delete_marker else None
        conditions.check_write(cond.if_match, cond.if_none_match, live.etag if live else None)
    stored, released = object_store.write(conn, obj, bucket.versioning, previous=previous)
    if written is not None:
        engine.blobs.register(conn, written)
    for blob_id in sorted(referenced):
        engine.blobs.add_reference(conn, blob_id)
    for blob_id in released:
        engine.blobs.release(conn, blob_id)
    schedule.reschedule_written(conn, stored)
    return stored


def new_object(
    ctx: RequestContext,
    engine: S3Engine,
    bucket: str,
    key: str,
    *,
    blob_id: str | None,
    size: int,
    etag: str,
    meta: ObjectMeta,
    storage: str,
    **extra: object,
) -> ObjectVersion:
    return ObjectVersion(
        bucket=bucket,
        key=key,
        version_id="",
        is_latest=True,
        delete_marker=False,
        blob_id=blob_id,
        size=size,
        etag=etag,
        last_modified=engine.now(),
        storage_class=storage,
        meta=meta,
        **{"owner_account": ctx.account_id, **extra},  # type: ignore[arg-type]
    )
