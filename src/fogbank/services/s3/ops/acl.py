"""Put/GetBucketAcl and Put/GetObjectAcl (a version's own ACL with ``versionId``).

With ``BucketOwnerEnforced`` ACLs are disabled: reads answer the bucket owner's full
control, writes are refused (AccessControlListNotSupported) unless they ask for just that.
"""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.s3 import errors, names
from fogbank.services.s3.acl import errors as acl_errors
from fogbank.services.s3.acl import grants, ownership, requests
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import ObjectVersion
from fogbank.services.s3.ops.common import Output, Params, text, touch_bucket, touch_object
from fogbank.services.s3.ops.read import find_object
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import objects as object_store
from fogbank.storage.db import Conn

KIND = "acl"  # the bucket configuration document holding a bucket's ACL


async def get_bucket_acl(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    owner = bucket.owner_account
    if await ownership.mode(engine, bucket.name) == ownership.ENFORCED:
        return grants.output(grants.private(owner), owner)
    acl = grants.from_doc(await engine.bucket_config(bucket.name, KIND), owner)
    return grants.output(acl, owner)


async def put_bucket_acl(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    owner = bucket.owner_account
    acl = await requests.requested(params, engine.accounts, owner)
    if acl is None:
        raise acl_errors.malformed()
    if await ownership.mode(engine, bucket.name) == ownership.ENFORCED:
        if not grants.owner_only(acl, owner):
            raise acl_errors.not_supported()
        touch_bucket(ctx, bucket.name)
        return {}
    await ownership.check_not_public(engine, bucket, acl)
    now = engine.now()
    doc = [g.to_doc() for g in acl]

    def put(conn: Conn) -> None:
        if bucket_store.get(conn, bucket.name) is None:
            raise errors.no_such_bucket(bucket.name)
        if ownership.mode_of(bucket_store.get_config(conn, bucket.name, "ownership")) == (
            ownership.ENFORCED
        ):
            raise acl_errors.not_supported()  # changed meanwhile
        bucket_store.put_config(conn, bucket.name, KIND, doc, now)

    await engine.db.write(put)
    engine.buckets_changed()
    touch_bucket(ctx, bucket.name)
    return {}


async def get_object_acl(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    key = names.check_key(str(params["Key"]))
    version_id = text(params, "VersionId")
    obj = await engine.db.read(lambda c: find_object(c, bucket.name, key, version_id))
    touch_object(ctx, bucket.name, key)
    if await ownership.mode(engine, bucket.name) == ownership.ENFORCED:
        owner = bucket.owner_account
        return grants.output(grants.private(owner), owner)
    acl = grants.from_json(obj.acl, obj.owner_account)
    return grants.output(acl, obj.owner_account)


async def put_object_acl(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    key = names.check_key(str(params["Key"]))
    version_id = text(params, "VersionId")
    obj = await engine.db.read(lambda c: find_object(c, bucket.name, key, version_id))
    enforced = await ownership.mode(engine, bucket.name) == ownership.ENFORCED
    owner = bucket.owner_account if enforced else obj.owner_account
    acl = await requests.requested(params, engine.accounts, owner, bucket.owner_account)
    if acl is None:
        raise acl_errors.malformed()
    if enforced:
        if not grants.owner_only(acl, owner):
            raise acl_errors.not_supported()
        touch_object(ctx, bucket.name, key)
        return {}
    await ownership.check_not_public(engine, bucket, acl)
    stored = grants.to_json(acl)

    def put(conn: Conn) -> ObjectVersion:
        found = find_object(conn, bucket.name, key, obj.version_id)
        object_store.set_acl(conn, found, stored)
        return found

    await engine.db.write(put)
    touch_object(ctx, bucket.name, key)
    return {}


HANDLERS = {
    "GetBucketAcl": get_bucket_acl,
    "PutBucketAcl": put_bucket_acl,
    "GetObjectAcl": get_object_acl,
    "PutObjectAcl": put_object_acl,
}
