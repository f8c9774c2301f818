"""Buckets: create, head, list, delete, location."""

from __future__ import annotations

import json
from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.services.s3 import errors, names, public_access
from fogbank.services.s3.acl import ownership as acl_ownership
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.lifecycle import schedule
from fogbank.services.s3.models import Bucket
from fogbank.services.s3.ops import bucket_config
from fogbank.services.s3.ops.common import Output, Params, owner, text, touch_bucket, when
from fogbank.services.s3.regions import LOCATION_CONSTRAINTS, US_EAST_1, region_of_constraint
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import uploads as upload_store
from fogbank.storage.db import Conn

OWNERSHIP_DEFAULT = "BucketOwnerEnforced"


def _region(ctx: RequestContext, params: Params) -> str:
    config = params.get("CreateBucketConfiguration")
    constraint = None
    if isinstance(config, Mapping):
        value = config.get("LocationConstraint")
        constraint = None if value in (None, "") else str(value)
    if constraint is None:
        if ctx.region != US_EAST_1:
            raise errors.invalid_request_illegal_location("unspecified")
        return US_EAST_1
    if constraint == US_EAST_1 or constraint not in LOCATION_CONSTRAINTS:
        raise errors.invalid_location_constraint(constraint)
    region = region_of_constraint(constraint)
    if ctx.region not in (US_EAST_1, region):
        raise errors.invalid_request_illegal_location(constraint)
    return region


async def create_bucket(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    name = str(params["Bucket"])
    names.check_new_bucket_name(name)
    region = _region(ctx, params)
    lock = bool(params.get("ObjectLockEnabledForBucket"))
    ownership = text(params, "ObjectOwnership") or OWNERSHIP_DEFAULT
    if ownership not in bucket_config.OWNERSHIP_VALUES:
        raise errors.invalid_argument(
            "Invalid x-amz-object-ownership header", "x-amz-object-ownership", ownership
        )
    config = params.get("CreateBucketConfiguration")
    tags = bucket_config.tag_pairs(config.get("Tags")) if isinstance(config, Mapping) else []
    if tags:
        bucket_config.check_tags(tags, limit=50)
    acl = await acl_ownership.for_new_bucket(engine, params, ctx.account_id, ownership)
    now = engine.now()
    bucket = Bucket(name, ctx.account_id, region, now, "Enabled" if lock else None, lock)

    def create(conn: Conn) -> bool:
        existing = bucket_store.get(conn, name)
        if existing is not None:
            if existing.owner_account != ctx.account_id:
                raise errors.bucket_exists(name)
            if existing.region == US_EAST_1 and region == US_EAST_1:
                return False  # legacy us-east-1: 200 OK for the owner
            raise errors.bucket_owned(name)
        if bucket_store.count_owned(conn, ctx.account_id) >= engine.limits.max_buckets:
            raise errors.too_many_buckets()
        bucket_store.insert(conn, bucket)
        bucket_store.put_config(conn, name, "ownership", [{"ObjectOwnership": ownership}], now)
        bucket_store.put_config(conn, name, public_access.KIND, public_access.ALL_ON, now)
        if tags:
            bucket_store.put_config(conn, name, "tagging", tags, now)
        if acl is not None:
            bucket_store.put_config(conn, name, "acl", json.loads(acl), now)
        return True

    created = await engine.db.write(create)
    if created:
        engine.buckets_changed()
    touch_bucket(ctx, name)
    location = f"/{name}" if region == US_EAST_1 else f"http://{name}.s3.{region}.amazonaws.com/"
    return {"Location": location, "BucketArn": bucket.arn}


async def head_bucket(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    return {"BucketRegion": bucket.region, "AccessPointAlias": False, "BucketArn": bucket.arn}


async def get_bucket_location(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    return {"LocationConstraint": None if bucket.region == US_EAST_1 else bucket.region}


async def delete_bucket(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    name = str(params["Bucket"])
    await engine.bucket(name)

    def delete(conn: Conn) -> None:
        if bucket_store.get(conn, name) is None:
            raise errors.no_such_bucket(name)
        if bucket_store.has_objects(conn, name):
            raise errors.bucket_not_empty(name)
        for upload_id in upload_store.of_bucket(conn, name):  # in-progress uploads go too
            for blob_id in upload_store.delete(conn, upload_id):
                engine.blobs.release(conn, blob_id)
        bucket_store.delete(conn, name)
        schedule.forget_bucket(conn, name)

    await engine.db.write(delete)
    engine.buckets_changed()
    touch_bucket(ctx, name)
    return {}


async def list_buckets(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    max_buckets = params.get("MaxBuckets")
    if max_buckets is not None:
        limit = int(max_buckets)  # type: ignore[call-overload]
        if not 1 <= limit <= 10_000:
            raise errors.invalid_argument(
                "Argument value of max-buckets is invalid", "max-buckets", limit
            )
    else:
        limit = None
    token = text(params, "ContinuationToken")
    prefix = text(params, "Prefix")
    region = text(params, "BucketRegion")
    found = await engine.db.read(
        lambda c: bucket_store.owned_by(
            c, ctx.account_id, after=token or None, prefix=prefix, region=region,
            limit=None if limit is None else limit + 1,
        )
    )  # fmt: skip
    out: Output = {"Owner": owner(ctx.account_id)}
    if limit is not None and len(found) > limit:
        found = found[:limit]
        out["ContinuationToken"] = found[-1].name
    out["Buckets"] = [
        {"Name": b.name, "CreationDate": when(b.created_at), "BucketRegion": b.region,
         "BucketArn": b.arn}
        for b in found
    ]  # fmt: skip
    if prefix is not None:
        out["Prefix"] = prefix
    return out


HANDLERS = {
    "CreateBucket": create_bucket,
    "HeadBucket": head_bucket,
    "GetBucketLocation": get_bucket_location,
    "DeleteBucket": delete_bucket,
    "ListBuckets": list_buckets,
}
