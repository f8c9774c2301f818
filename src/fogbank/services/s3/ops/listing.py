"""ListObjects (v1) and ListObjectsV2: one metadata read per page (see ``listing.walk``)."""

from __future__ import annotations

from collections.abc import Callable

from fogbank.core.context import RequestContext
from fogbank.services.s3 import errors, listing
from fogbank.services.s3.acl import ownership
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import Bucket
from fogbank.services.s3.ops.common import Output, Params, as_int, owner, text, touch_bucket, when
from fogbank.services.s3.store import objects as object_store
from fogbank.services.s3.store.rows import row_float, row_int
from fogbank.storage.db import Conn, Row


def max_keys(params: Params, name: str = "MaxKeys", limit: int = 1000) -> int:
    value = params.get(name)
    if value is None:
        return limit
    n = as_int(value)
    if n < 0:
        raise errors.invalid_argument("max-keys must be non-negative", "max-keys", n)
    return min(n, limit)


def encoding(params: Params) -> bool:
    value = text(params, "EncodingType")
    if value is None:
        return False
    if value != "url":
        raise errors.invalid_argument(
            "Invalid Encoding Method specified in Request", "encoding-type", value
        )
    return True


def _walk(
    engine: S3Engine, bucket: str, prefix: str, delimiter: str | None, after: str | None, limit: int
) -> Callable[[Conn], listing.Listing[Row]]:
    def read(conn: Conn) -> listing.Listing[Row]:
        def fetch(pos: str, inclusive: bool, before: str | None, n: int) -> list[Row]:
            return object_store.page(conn, bucket, pos, inclusive, before, n)

        return listing.walk(
            fetch, _key, prefix=prefix, delimiter=delimiter, after=after, max_keys=limit,
            batch=min(limit + 1, 1001) if not delimiter else 1000,
        )  # fmt: skip

    return read


def _key(row: Row) -> str:
    return str(row["key"])


def _entries(
    rows: list[Row], url: bool, with_owner: bool, enforced_owner: str | None = None
) -> list[dict[str, object]]:
    """Listing entries; with ``enforced_owner`` (BucketOwnerEnforced) every object is the
    bucket owner's, whoever wrote it."""
    out = []
    owners: dict[str, dict[str, str]] = {}
    algorithms: dict[str, list[str]] = {}
    for row in rows:
        key = str(row["key"])
        entry: dict[str, object] = {
            "Key": listing.url_encode(key) if url else key,
            "LastModified": when(row_float(row, "last_modified")),
            "ETag": f'"{row["etag"]}"',
            "Size": row_int(row, "size"),
            "StorageClass": row["storage_class"],
        }
        algorithm = row["checksum_algorithm"]
        if algorithm is not None:
            name = str(algorithm)
            entry["ChecksumAlgorithm"] = algorithms.setdefault(name, [name])
            entry["ChecksumType"] = row["checksum_type"]
        if with_owner:
            account = enforced_owner or str(row["owner_account"])
            entry["Owner"] = owners.get(account) or owners.setdefault(account, owner(account))
        out.append(entry)
    return out


async def enforced_owner(engine: S3Engine, bucket: Bucket) -> str | None:
    if await ownership.mode(engine, bucket.name) == ownership.ENFORCED:
        return bucket.owner_account
    return None


def _enc(value: str | None, url: bool) -> str | None:
    if value is None:
        return None
    return listing.url_encode(value) if url else value


async def list_objects(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    prefix = text(params, "Prefix") or ""
    delimiter = text(params, "Delimiter") or None
    marker = text(params, "Marker") or None
    limit = max_keys(params)
    url = encoding(params)
    found = await engine.db.read(_walk(engine, bucket.name, prefix, delimiter, marker, limit))
    forced = await enforced_owner(engine, bucket)
    out: Output = {
        "Name": bucket.name,
        "Prefix": _enc(prefix, url),
        "Marker": _enc(marker or "", url),
        "MaxKeys": limit,
        "IsTruncated": found.truncated,
        "Contents": _entries(found.contents, url, with_owner=True, enforced_owner=forced),
        "CommonPrefixes": [{"Prefix": _enc(p, url)} for p in found.prefixes],
    }
    if delimiter:
        out["Delimiter"] = _enc(delimiter, url)
        if found.truncated and found.last is not None:
            out["NextMarker"] = _enc(found.last, url)
    if url:
        out["EncodingType"] = "url"
    return out


async def list_objects_v2(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    prefix = text(params, "Prefix") or ""
    delimiter = text(params, "Delimiter") or None
    token = text(params, "ContinuationToken")
    start_after = text(params, "StartAfter") or None
    limit = max_keys(params)
    url = encoding(params)
    after = listing.read_token(token) if token else start_after
    if token is not None and token == "":
        raise errors.invalid_argument(
            "The continuation token provided is incorrect", "continuation-token", token
        )
    found = await engine.db.read(_walk(engine, bucket.name, prefix, delimiter, after, limit))
    fetch = bool(params.get("FetchOwner"))
    enforced = await enforced_owner(engine, bucket) if fetch else None
    contents = _entries(found.contents, url, with_owner=fetch, enforced_owner=enforced)
    out: Output = {
        "Name": bucket.name,
        "Prefix": _enc(prefix, url),
        "MaxKeys": limit,
        "KeyCount": len(contents) + len(found.prefixes),
        "IsTruncated": found.truncated,
        "Contents": contents,
        "CommonPrefixes": [{"Prefix": _enc(p, url)} for p in found.prefixes],
    }
    if delimiter:
        out["Delimiter"] = _enc(delimiter, url)
    if token is not None:
        out["ContinuationToken"] = token
    if start_after is not None:
        out["StartAfter"] = _enc(start_after, url)
    if found.truncated and found.last is not None:
        out["NextContinuationToken"] = listing.make_token(found.last, found.last_is_prefix)
    if url:
        out["EncodingType"] = "url"
    return out


HANDLERS = {"ListObjects": list_objects, "ListObjectsV2": list_objects_v2}
