"""Bucket versioning: Put/GetBucketVersioning and ListObjectVersions.

A bucket is unversioned until versioning is first enabled; after that it is ``Enabled``
or ``Suspended``, never unversioned again. The MFA-delete setting is stored (as the
``versioning-mfa`` configuration) and, once enabled, deletes of a version require the
``x-amz-mfa`` header; fogbank has no MFA devices, so the header's token is checked for
form only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.s3 import errors, listing
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.etags import quote
from fogbank.services.s3.models import NULL_VERSION, ObjectVersion
from fogbank.services.s3.ops.common import Output, Params, owner, text, touch_bucket, when
from fogbank.services.s3.ops.listing import encoding, enforced_owner, max_keys
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import objects as object_store
from fogbank.services.s3.store import versions as version_store
from fogbank.storage.db import Conn

MFA_CONFIG = "versioning-mfa"
_MFA = re.compile(r"\S+ \d{6}\Z")
STATUSES = ("Enabled", "Suspended")


def check_mfa_header(headers: Mapping[str, str]) -> None:
    """The ``x-amz-mfa`` header must be present and well-formed."""
    value = headers.get("x-amz-mfa")
    if value is None:
        raise AwsError(
            "AccessDenied", "Mfa Authentication must be used for this request", status=403
        )
    if not _MFA.match(value.strip()):
        raise errors.invalid_argument(
            "Mfa header is invalid -- the header should be formatted as "
            "{serialNumber}(space){tokenCode}",
            "x-amz-mfa",
            value,
        )


async def mfa_delete_enabled(engine: S3Engine, bucket: str) -> bool:
    doc = await engine.bucket_config(bucket, MFA_CONFIG)
    return doc == "Enabled"


async def put_bucket_versioning(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    config = params.get("VersioningConfiguration")
    if not isinstance(config, Mapping):
        raise errors.malformed_xml()
    status = config.get("Status")
    mfa = config.get("MFADelete")
    if status not in STATUSES or mfa not in (None, "Enabled", "Disabled"):
        raise errors.malformed_xml()
    current_mfa = await engine.bucket_config(bucket.name, MFA_CONFIG)
    if mfa is not None or current_mfa == "Enabled":
        check_mfa_header(ctx.headers)
    if bucket.object_lock and status == "Suspended":
        raise AwsError(
            "InvalidBucketState",
            "An Object Lock configuration is present on this bucket, so the versioning "
            "state cannot be changed.",
            status=409,
        )
    now = engine.now()

    def put(conn: Conn) -> None:
        if bucket_store.get(conn, bucket.name) is None:
            raise errors.no_such_bucket(bucket.name)
        bucket_store.set_versioning(conn, bucket.name, str(status))
        if mfa is not None:
            bucket_store.put_config(conn, bucket.name, MFA_CONFIG, str(mfa), now)

    await engine.db.write(put)
    engine.buckets_changed()
    touch_bucket(ctx, bucket.name)
    return {}


async def get_bucket_versioning(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    out: Output = {}
    if bucket.versioning:
        out["Status"] = bucket.versioning
    mfa = await engine.bucket_config(bucket.name, MFA_CONFIG)
    if mfa is not None:
        out["MFADelete"] = mfa
    return out


# -- ListObjectVersions ------------------------------------------------------------------


def _start(
    conn: Conn, bucket: str, prefix: str, key_marker: str | None, version_marker: str | None
) -> tuple[str, int | None, bool]:
    """The listing's starting position (key, versions below this seq, inclusive)."""
    if key_marker is None or key_marker < prefix:
        return prefix, None, True
    if version_marker is None:
        return key_marker, None, False
    found = object_store.version(conn, bucket, key_marker, version_marker)
    if found is None:
        if version_marker != NULL_VERSION and not _plausible(version_marker):
            raise errors.invalid_argument(
                "Invalid version id specified", "version-id-marker", version_marker
            )
        return key_marker, None, False
    return key_marker, found.seq, False


def _plausible(version_id: str) -> bool:
    return 0 < len(version_id) <= 1024


class _Page:
    def __init__(self) -> None:
        self.items: list[ObjectVersion] = []
        self.prefixes: list[str] = []
        self.truncated = False
        self.last_key: str | None = None
        self.last_version: str | None = None


def list_versions(
    conn: Conn,
    bucket: str,
    prefix: str,
    delimiter: str | None,
    key_marker: str | None,
    version_marker: str | None,
    limit: int,
    batch: int = 1000,
) -> _Page:
    out = _Page()
    if limit <= 0:
        return out
    upper = listing.successor(prefix) if prefix else None
    key, below, inclusive = _start(conn, bucket, prefix, key_marker, version_marker)
    count = 0
    while True:
        rows = version_store.page(conn, bucket, key, below, inclusive, upper, batch)
        if not rows:
            return out
        jumped = False
        for row in rows:
            cp = _common_prefix(row.key, prefix, delimiter)
            if cp is not None:
                if (key_marker is not None and cp <= key_marker) or (
                    out.prefixes and out.prefixes[-1] == cp
                ):
                    pass
                else:
                    if count == limit:
                        out.truncated = True
                        return out
                    out.prefixes.append(cp)
                    out.last_key, out.last_version = cp, None
                    count += 1
                nxt = listing.successor(cp)
                if nxt is None:
                    return out
                key, below, inclusive, jumped = nxt, None, True, True
                break
            if count == limit:
                out.truncated = True
                return out
            out.items.append(row)
            out.last_key, out.last_version = row.key, row.version_id
            count += 1
        if not jumped:
            if len(rows) < batch:
                return out
            key, below = rows[-1].key, rows[-1].seq


def _common_prefix(key: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter:
        return None
    i = key.find(delimiter, len(prefix))
    return None if i < 0 else key[: i + len(delimiter)]


def _entry(obj: ObjectVersion, url: bool, enforced_owner: str | None = None) -> dict[str, object]:
    entry: dict[str, object] = {
        "Key": listing.url_encode(obj.key) if url else obj.key,
        "VersionId": obj.version_id,
        "IsLatest": obj.is_latest,
        "LastModified": when(obj.last_modified),
        "Owner": owner(enforced_owner or obj.owner_account),
    }
    if obj.delete_marker:
        return entry
    entry.update({"ETag": quote(obj.etag), "Size": obj.size, "StorageClass": obj.storage_class})
    if obj.checksum is not None:
        entry["ChecksumAlgorithm"] = [obj.checksum.algorithm]
        entry["ChecksumType"] = obj.checksum.type
    if obj.restore_ready is not None or obj.restore_expiry is not None:
        entry["RestoreStatus"] = {
            "IsRestoreInProgress": obj.restore_ready is not None,
            **(
                {"RestoreExpiryDate": when(obj.restore_expiry)}
                if obj.restore_expiry is not None
                else {}
            ),
        }
    return entry


async def list_object_versions(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    prefix = text(params, "Prefix") or ""
    delimiter = text(params, "Delimiter") or None
    key_marker = text(params, "KeyMarker") or None
    version_marker = text(params, "VersionIdMarker") or None
    if version_marker is not None and key_marker is None:
        raise errors.invalid_argument(
            "A version-id marker cannot be specified without a key marker.",
            "version-id-marker",
            version_marker,
        )
    limit = max_keys(params)
    url = encoding(params)
    found = await engine.db.read(
        lambda c: list_versions(
            c, bucket.name, prefix, delimiter, key_marker, version_marker, limit
        )
    )
    enc = listing.url_encode if url else (lambda v: v)
    forced = await enforced_owner(engine, bucket)
    out: Output = {
        "Name": bucket.name,
        "Prefix": enc(prefix),
        "KeyMarker": enc(key_marker or ""),
        "VersionIdMarker": version_marker or "",
        "MaxKeys": limit,
        "IsTruncated": found.truncated,
        "Versions": [_entry(o, url, forced) for o in found.items if not o.delete_marker],
        "DeleteMarkers": [_entry(o, url, forced) for o in found.items if o.delete_marker],
        "CommonPrefixes": [{"Prefix": enc(p)} for p in found.prefixes],
    }
    if delimiter:
        out["Delimiter"] = enc(delimiter)
    if found.truncated and found.last_key is not None:
        out["NextKeyMarker"] = enc(found.last_key)
        if found.last_version is not None:
            out["NextVersionIdMarker"] = found.last_version
    if url:
        out["EncodingType"] = "url"
    return out


HANDLERS = {
    "PutBucketVersioning": put_bucket_versioning,
    "GetBucketVersioning": get_bucket_versioning,
    "ListObjectVersions": list_object_versions,
}
