"""Put/Get/Delete/ListBucketIntelligentTieringConfiguration(s): the opt-in archive tiers
of S3 Intelligent-Tiering (services/s3/tiering_config.py). A change queues the bucket
for a rescan, as a lifecycle change does, so that existing objects are re-planned."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.services.s3 import errors, tiering_config
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.lifecycle import schedule
from fogbank.services.s3.ops.common import Output, Params, text, touch_bucket
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.storage.db import Conn

PAGE = 100
KIND = tiering_config.CONFIG_KIND


async def _stored(engine: S3Engine, bucket: str) -> Mapping[str, object]:
    doc = await engine.bucket_config(bucket, KIND)
    return doc if isinstance(doc, Mapping) else {}


async def put_configuration(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    name = str(params["Bucket"])
    await engine.bucket(name)
    doc = tiering_config.parse(
        text(params, "Id") or "", params.get("IntelligentTieringConfiguration")
    )
    now = engine.now()

    def put(conn: Conn) -> None:
        if bucket_store.get(conn, name) is None:
            raise errors.no_such_bucket(name)
        stored = bucket_store.get_config(conn, name, KIND)
        bucket_store.put_config(conn, name, KIND, tiering_config.put(stored, doc), now)
        schedule.start_scan(conn, name, now)

    await engine.db.write(put)
    engine.buckets_changed()
    touch_bucket(ctx, name)
    return {}


async def get_configuration(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    found = (await _stored(engine, bucket.name)).get(text(params, "Id") or "")
    if not isinstance(found, Mapping):
        raise errors.no_such_configuration()
    return {"IntelligentTieringConfiguration": dict(found)}


async def delete_configuration(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    name = str(params["Bucket"])
    await engine.bucket(name)
    config_id = text(params, "Id") or ""
    now = engine.now()

    def delete(conn: Conn) -> None:
        if bucket_store.get(conn, name) is None:
            raise errors.no_such_bucket(name)
        stored = bucket_store.get_config(conn, name, KIND)
        if not isinstance(stored, Mapping) or config_id not in stored:
            raise errors.no_such_configuration()
        left = {k: v for k, v in stored.items() if k != config_id}
        if left:
            bucket_store.put_config(conn, name, KIND, left, now)
        else:
            bucket_store.delete_config(conn, name, KIND)
        schedule.start_scan(conn, name, now)

    await engine.db.write(delete)
    engine.buckets_changed()
    touch_bucket(ctx, name)
    return {}


def _after(token: str | None) -> str:
    if token is None:
        return ""
    try:
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (ValueError, binascii.Error, UnicodeError):
        raise errors.invalid_argument(
            "The continuation token provided is incorrect", "continuation-token", token
        ) from None


async def list_configurations(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    token = text(params, "ContinuationToken")
    after = _after(token)
    stored = await _stored(engine, bucket.name)
    ids = [i for i in sorted(stored) if i > after]
    page = ids[:PAGE]
    out: Output = {
        "IsTruncated": len(ids) > PAGE,
        "IntelligentTieringConfigurationList": [dict(stored[i]) for i in page],  # type: ignore[call-overload]
    }
    if token is not None:
        out["ContinuationToken"] = token
    if len(ids) > PAGE:
        out["NextContinuationToken"] = base64.urlsafe_b64encode(page[-1].encode()).decode()
    return out


HANDLERS = {
    "PutBucketIntelligentTieringConfiguration": put_configuration,
    "GetBucketIntelligentTieringConfiguration": get_configuration,
    "DeleteBucketIntelligentTieringConfiguration": delete_configuration,
    "ListBucketIntelligentTieringConfigurations": list_configurations,
}
