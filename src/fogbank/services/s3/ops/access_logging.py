"""PutBucketLogging / GetBucketLogging: a bucket's server access logging configuration.

Only the bucket owner's account may read or change it (another account that a policy
lets through gets ``405 MethodNotAllowed``, as for the bucket policy)."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.s3 import errors
from fogbank.services.s3.access_logs import config
from fogbank.services.s3.acl import grants, ownership
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import Bucket
from fogbank.services.s3.ops.bucket_config import _delete, _get, _put
from fogbank.services.s3.ops.common import Output, Params, owned_bucket

OWNER_ENFORCED = "BucketOwnerEnforced"
CROSS_REGION = "Cross S3 location logging not allowed. "
NOT_FOUND = "The target bucket for logging does not exist"
OTHER_OWNER = "The owner for the bucket to be logged and the target bucket must be the same."
NO_PERMISSION = (
    "You must either provide the necessary permissions to the logging service using a bucket "
    "policy or give the log-delivery group WRITE and READ_ACP permissions to the target bucket"
)


async def _owned(engine: S3Engine, ctx: RequestContext, params: Params, method: str) -> Bucket:
    return await owned_bucket(engine, ctx, params, method, "BUCKETLOGGING")


async def put_bucket_logging(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await _owned(engine, ctx, params, "PUT")
    doc = config.parse(params.get("BucketLoggingStatus"))
    if doc is None:
        await _delete(engine, ctx, bucket.name, config.KIND)
        return {}
    target_name = str(doc["TargetBucket"])
    target = await engine.find_bucket(target_name)
    if target is None:
        raise config.invalid_target(target_name, NOT_FOUND)
    if target.owner_account != bucket.owner_account:
        raise config.invalid_target(target_name, OTHER_OWNER)
    if target.region != bucket.region:
        raise config.invalid_target(target_name, CROSS_REGION)
    if doc.get("TargetGrants"):
        ownership = await engine.bucket_config(target.name, "ownership")
        value = OWNER_ENFORCED
        if isinstance(ownership, list) and ownership and isinstance(ownership[0], dict):
            value = str(ownership[0].get("ObjectOwnership") or OWNER_ENFORCED)
        if value == OWNER_ENFORCED:
            raise errors.invalid_argument(
                "Target grants are not supported for buckets with bucket owner enforced "
                "Object Ownership",
                "TargetGrants",
            )
    policy = await engine.bucket_config(target.name, "policy")
    allowed = config.policy_allows_logging(
        policy if isinstance(policy, str) else None,
        target.name, str(doc["TargetPrefix"]), bucket.name, bucket.owner_account,
    )  # fmt: skip
    if not allowed and not await _log_delivery_granted(engine, target):
        raise config.invalid_target(target_name, NO_PERMISSION)
    await _put(engine, ctx, bucket.name, config.KIND, doc)
    return {}


async def get_bucket_logging(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await _owned(engine, ctx, params, "GET")
    doc = await _get(engine, ctx, bucket.name, config.KIND)
    if not isinstance(doc, dict):
        return {}
    return {"LoggingEnabled": doc}


async def _log_delivery_granted(engine: S3Engine, target: Bucket) -> bool:
    """The target bucket's ACL lets the log delivery group write (ACLs enabled)."""
    if await ownership.mode(engine, target.name) == ownership.ENFORCED:
        return False
    acl = grants.from_doc(await engine.bucket_config(target.name, "acl"), target.owner_account)
    return any(
        g.uri == grants.LOG_DELIVERY and g.permission in (grants.WRITE, grants.FULL_CONTROL)
        for g in acl
    )


HANDLERS = {
    "PutBucketLogging": put_bucket_logging,
    "GetBucketLogging": get_bucket_logging,
}
