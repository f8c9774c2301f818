"""A bucket's configuration documents: tagging, CORS, ownership controls (versioning is
in ``versioning.py``)."""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.services.s3 import cors, errors, tags
from fogbank.services.s3.acl import errors as acl_errors
from fogbank.services.s3.acl import grants as acl_grants
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.ops.common import Output, Params, touch_bucket
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.storage.db import Conn

OWNERSHIP_VALUES = ("BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced")

tag_pairs = tags.pairs
check_tags = tags.check


async def _put(engine: S3Engine, ctx: RequestContext, name: str, kind: str, doc: object) -> None:
    now = engine.now()

    def put(conn: Conn) -> None:
        if bucket_store.get(conn, name) is None:
            raise errors.no_such_bucket(name)
        bucket_store.put_config(conn, name, kind, doc, now)

    await engine.db.write(put)
    engine.buckets_changed()
    touch_bucket(ctx, name)


async def _delete(engine: S3Engine, ctx: RequestContext, name: str, kind: str) -> None:
    def delete(conn: Conn) -> None:
        if bucket_store.get(conn, name) is None:
            raise errors.no_such_bucket(name)
        bucket_store.delete_config(conn, name, kind)

    await engine.db.write(delete)
    engine.buckets_changed()
    touch_bucket(ctx, name)


async def _get(engine: S3Engine, ctx: RequestContext, name: str, kind: str) -> object | None:
    bucket = await engine.bucket(name)
    touch_bucket(ctx, bucket.name)
    return await engine.bucket_config(bucket.name, kind)


# -- tagging -----------------------------------------------------------------------------


async def put_bucket_tagging(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    name = str(params["Bucket"])
    await engine.bucket(name)
    tagging = params.get("Tagging")
    tag_set = tagging.get("TagSet") if isinstance(tagging, Mapping) else None
    pairs = tags.pairs(tag_set)
    tags.check(pairs, limit=tags.BUCKET_LIMIT)
    await _put(engine, ctx, name, "tagging", pairs)
    return {}


async def get_bucket_tagging(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    doc = await _get(engine, ctx, str(params["Bucket"]), "tagging")
    if not doc:
        raise errors.no_such_tag_set()
    assert isinstance(doc, list)
    return {"TagSet": tags.tag_set([(str(k), str(v)) for k, v in doc])}


async def delete_bucket_tagging(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    await _delete(engine, ctx, str(params["Bucket"]), "tagging")
    return {}


# -- CORS --------------------------------------------------------------------------------


async def put_bucket_cors(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    name = str(params["Bucket"])
    await engine.bucket(name)
    config = params.get("CORSConfiguration")
    rules = config.get("CORSRules") if isinstance(config, Mapping) else None
    checked = cors.validate_rules(rules)
    await _put(engine, ctx, name, "cors", checked)
    return {}


async def get_bucket_cors(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    doc = await _get(engine, ctx, str(params["Bucket"]), "cors")
    if not doc:
        raise errors.no_such_cors()
    return {"CORSRules": doc}


async def delete_bucket_cors(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    await _delete(engine, ctx, str(params["Bucket"]), "cors")
    return {}


# -- ownership controls ------------------------------------------------------------------


async def put_bucket_ownership_controls(
    engine: S3Engine, ctx: RequestContext, params: Params
) -> Output:
    name = str(params["Bucket"])
    await engine.bucket(name)
    controls = params.get("OwnershipControls")
    rules = controls.get("Rules") if isinstance(controls, Mapping) else None
    if not isinstance(rules, list) or len(rules) != 1 or not isinstance(rules[0], Mapping):
        raise errors.malformed_xml()
    value = rules[0].get("ObjectOwnership")
    if value not in OWNERSHIP_VALUES:
        raise errors.malformed_xml()
    if value == "BucketOwnerEnforced":
        await engine.bucket(name)
        stored = await engine.bucket_config(name, "acl")
        if stored is not None:
            bucket = await engine.bucket(name)
            acl = acl_grants.from_doc(stored, bucket.owner_account)
            if not acl_grants.owner_only(acl, bucket.owner_account):
                raise acl_errors.invalid_with_ownership()
    await _put(engine, ctx, name, "ownership", [{"ObjectOwnership": value}])
    return {}


async def get_bucket_ownership_controls(
    engine: S3Engine, ctx: RequestContext, params: Params
) -> Output:
    doc = await _get(engine, ctx, str(params["Bucket"]), "ownership")
    if not doc:
        raise errors.no_such_ownership_controls()
    return {"OwnershipControls": {"Rules": doc}}


async def delete_bucket_ownership_controls(
    engine: S3Engine, ctx: RequestContext, params: Params
) -> Output:
    await _delete(engine, ctx, str(params["Bucket"]), "ownership")
    return {}


HANDLERS = {
    "PutBucketTagging": put_bucket_tagging,
    "GetBucketTagging": get_bucket_tagging,
    "DeleteBucketTagging": delete_bucket_tagging,
    "PutBucketCors": put_bucket_cors,
    "GetBucketCors": get_bucket_cors,
    "DeleteBucketCors": delete_bucket_cors,
    "PutBucketOwnershipControls": put_bucket_ownership_controls,
    "GetBucketOwnershipControls": get_bucket_ownership_controls,
    "DeleteBucketOwnershipControls": delete_bucket_ownership_controls,
}
