"""GetObject and HeadObject: one metadata read finds the object, checks the conditions and
the range, and locates its bytes; the body is then a file slice (sent with ``sendfile``)
or a stream of chunks (composite, encrypted)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.s3 import archive, conditions, errors, names, tiering
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.etags import quote
from fogbank.services.s3.http_dates import http_date
from fogbank.services.s3.lifecycle import plan, rules, schedule
from fogbank.services.s3.lifecycle.rules import Config
from fogbank.services.s3.models import STANDARD, ObjectVersion
from fogbank.services.s3.ops.common import STATUS, Output, Params, text, touch_object, when
from fogbank.services.s3.ops.writing import meta_output
from fogbank.services.s3.ranges import ByteRange, parse_range
from fogbank.services.s3.sse import apply as sse_apply
from fogbank.services.s3.sse.record import SSE_C, SSE_S3
from fogbank.services.s3.store import objects as object_store
from fogbank.storage.blobs import BlobError, DataKey, ReadPlan
from fogbank.storage.blobs.reader import Preread
from fogbank.storage.db import Conn


async def lifecycle_config(engine: S3Engine, bucket: str) -> Config | None:
    return rules.load(await engine.bucket_config(bucket, schedule.CONFIG_KIND))


def expiration_header(due: float, rule_id: str) -> str:
    return f'expiry-date="{http_date(due)}", rule-id="{rule_id}"'


_OVERRIDES = (
    "ResponseContentType",
    "ResponseContentEncoding",
    "ResponseContentDisposition",
    "ResponseContentLanguage",
    "ResponseCacheControl",
    "ResponseExpires",
)


@dataclass(frozen=True)
class Found:
    obj: ObjectVersion
    window: ByteRange | None  # the bytes to return, None: all of them
    part_number: int | None
    plan: ReadPlan | None
    pre: Preread | None = None  # a small body's stored bytes, read with the metadata
    body: bytes | memoryview | None = None  # the plaintext, read with the metadata


def find_object(conn: Conn, bucket: str, key: str, version_id: str | None) -> ObjectVersion:
    if version_id is not None:
        obj = object_store.version(conn, bucket, key, version_id)
        if obj is None:
            raise errors.no_such_version(version_id)
        if obj.delete_marker:
            raise errors.method_not_allowed_delete_marker()
        return obj
    obj = object_store.latest(conn, bucket, key)
    if obj is None:
        raise errors.no_such_key(key)
    if obj.delete_marker:
        raise AwsError(
            "NoSuchKey", "The specified key does not exist.", status=404,
            fields={"Key": key}, headers={"x-amz-delete-marker": "true"},
        )  # fmt: skip
    return obj


def _part_window(obj: ObjectVersion, number: int) -> ByteRange:
    if number < 1 or number > 10_000:
        raise errors.invalid_argument(
            "Part number must be an integer between 1 and 10000, inclusive", "partNumber", number
        )
    if not obj.parts:
        if number != 1:
            raise errors.invalid_part_number()
        return ByteRange(0, obj.size)
    if number > len(obj.parts):
        raise errors.invalid_part_number()
    start = sum(p.size for p in obj.parts[: number - 1])
    return ByteRange(start, start + obj.parts[number - 1].size)


def _lookup(engine: S3Engine, params: Params, *, with_plan: bool) -> Callable[[Conn], Found]:
    now = engine.now()
    bucket, key = str(params["Bucket"]), names.check_key(str(params["Key"]))
    version_id = text(params, "VersionId")
    range_header = text(params, "Range")
    part = params.get("PartNumber")
    cond = conditions.Conditions.of_read(params)
    if part is not None and range_header is not None:
        raise errors.invalid_request(
            "Cannot specify both Range header and partNumber query parameter"
        )

    def read(conn: Conn) -> Found:
        obj = find_object(conn, bucket, key, version_id)
        if with_plan:
            archive.check_readable(obj, now)
        if cond.any:
            conditions.check_read(cond, obj.etag, obj.last_modified)
        number = None if part is None else int(part)  # type: ignore[call-overload]
        window = (
            _part_window(obj, number) if number is not None else parse_range(range_header, obj.size)
        )
        plan = None
        if with_plan and obj.blob_id is not None and obj.size:
            start, end = (window.start, window.end) if window else (0, obj.size)
            plan = engine.blobs.locate(conn, obj.blob_id, start, end)
        return Found(obj, window, number, plan)

    return read


def _own_keys(engine: S3Engine, obj: ObjectVersion) -> list[DataKey] | None:
    """The data keys of ``obj`` if opening them needs nothing from the caller (plain,
    SSE-S3); None for SSE-KMS (the caller's ``kms:Decrypt`` is decided by the authorizer)
    and SSE-C (the caller's key)."""
    if obj.sse is None:
        return []
    if obj.sse.mode != SSE_S3:
        return None
    return [engine.sse.open_own(obj.sse)]


def _with_body(engine: S3Engine, ahead: bool, found: Found) -> Found:
    """Blocking (the metadata read's thread): a small body's stored bytes read at once;
    with ``ahead``, the plaintext of a body that needs no key from the caller (plain,
    SSE-S3) read and decrypted at once too, small or of one local piece of at most a
    megabyte. If that fails, the body is read as any other (and fails in its turn).

    The bytes only go to the client from ``get_object``, which runs once the request is
    authorized; until then they are held in ``Found`` (a whole read's in a pooled
    buffer, lent again only once nothing refers to it)."""
    plan = found.plan
    if plan is None:
        return found
    try:
        pre = engine.blobs.preread(plan)
        if pre is None and not engine.blobs.whole_readable(plan):
            return found
        keys = _own_keys(engine, found.obj) if ahead else None
        if pre is not None:
            if keys is None:
                return replace(found, pre=pre)
            return replace(found, body=engine.blobs.open_preread(pre, keys))
        if keys is None:
            return found
        body = engine.blobs.read_whole_sync(plan, keys)
    except (BlobError, OSError, AwsError):
        return found
    return found if body is None else replace(found, body=body)


async def _find(engine: S3Engine, params: Params, *, ahead: bool = True) -> Found:
    """GetObject's lookup, with the body read in the same thread hop when it can be
    (see ``_with_body``)."""
    return await engine.db.read_then(
        _lookup(engine, params, with_plan=True), partial(_with_body, engine, ahead)
    )


def _output(found: Found, params: Params, rules: Config | None = None) -> Output:
    obj = found.obj
    out: Output = {
        "ETag": quote(obj.etag),
        "LastModified": when(obj.last_modified),
        "AcceptRanges": "bytes",
        **meta_output(obj.meta, params),
    }
    if obj.wire_version_id is not None:
        out["VersionId"] = obj.wire_version_id
    if obj.sse is not None:
        out.update(obj.sse.output())
    if obj.storage_class != STANDARD:
        out["StorageClass"] = obj.storage_class
    restore = archive.restore_header(obj)
    if restore is not None:
        out["Restore"] = restore
    if obj.archive_tier is not None:
        out["ArchiveStatus"] = obj.archive_tier  # HeadObject's x-amz-archive-status
    if obj.is_latest:
        expiry = plan.expiration_of(obj, rules)
        if expiry is not None:
            out["Expiration"] = expiration_header(*expiry)
    if obj.tags:
        out["TagCount"] = len(obj.tags)
    if obj.parts and found.part_number is not None:
        out["PartsCount"] = len(obj.parts)
    window = found.window
    if window is not None and (found.part_number is None or obj.parts):
        out["ContentLength"] = window.length
        out["ContentRange"] = window.content_range(obj.size)
        out[STATUS] = 206
    else:
        out["ContentLength"] = obj.size
    whole = window is None or (window.start == 0 and window.end == obj.size and not obj.parts)
    if params.get("ChecksumMode") == "ENABLED" and obj.checksum is not None and whole:
        out.update(obj.checksum.output())
    return out


async def note_access(engine: S3Engine, obj: ObjectVersion) -> None:
    """A read of an INTELLIGENT_TIERING version counts as access (no write otherwise)."""
    if tiering.tiered(obj):
        await engine.db.write(partial(schedule.record_access, bucket=obj.bucket, key=obj.key,
                                      version_id=obj.version_id, now=engine.now()))  # fmt: skip


def _check_overrides(ctx: RequestContext, params: Params) -> None:
    if ctx.principal.is_anonymous and any(params.get(n) is not None for n in _OVERRIDES):
        raise errors.invalid_request(
            "Request specific response headers cannot be used for anonymous GET requests."
        )


_FOUND = "s3.GetObject.found"


async def prefetch(
    engine: S3Engine, ctx: RequestContext, params: Mapping[str, object]
) -> Found | None:
    """GetObject's lookup, made while authorizing (which needs the object's encryption)
    and kept for the operation, which then reads nothing again. None when the lookup
    fails: the operation makes it again and answers the error in its turn.

    A signed request's lookup reads (and decrypts) the body too when it can, which is
    sent only if the request is then authorized; an anonymous one's reads no more than
    a small body's stored bytes (an unauthorized anonymous caller should cost a lookup,
    not a megabyte read and decrypted)."""
    try:
        found = await _find(engine, dict(params), ahead=not ctx.principal.is_anonymous)
    except AwsError:
        return None
    ctx.memo[_FOUND] = found
    return found


async def get_object(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    _check_overrides(ctx, params)
    kept = ctx.memo.pop(_FOUND, None)
    found = kept if isinstance(kept, Found) else await _find(engine, params)
    touch_object(ctx, bucket.name, found.obj.key)
    keys: list[DataKey] = []
    if found.body is not None:  # plain or SSE-S3, read and decrypted with the lookup
        sse_apply.check_customer(found.obj.sse, params)  # all read_keys would check
    else:
        keys = await sse_apply.read_keys(engine, found.obj, params)
    await note_access(engine, found.obj)
    out = _output(found, params, await lifecycle_config(engine, bucket.name))
    if found.plan is None:
        out["Body"] = b""
    elif found.body is not None:
        out["Body"] = found.body
    elif found.pre is not None:
        out["Body"] = engine.blobs.open_preread(found.pre, keys)
    else:
        whole = await engine.blobs.read_whole(found.plan, keys)
        out["Body"] = engine.blobs.open(found.plan, keys) if whole is None else whole
    return out


async def head_object(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    _check_overrides(ctx, params)
    found = await engine.db.read(_lookup(engine, params, with_plan=False))
    touch_object(ctx, bucket.name, found.obj.key)
    if found.obj.sse is not None and found.obj.sse.mode == SSE_C:
        await sse_apply.read_keys(engine, found.obj, params)  # the right key, or 403
    else:
        sse_apply.check_customer(found.obj.sse, params)
    return _output(found, params, await lifecycle_config(engine, bucket.name))


HANDLERS = {"GetObject": get_object, "HeadObject": head_object}
