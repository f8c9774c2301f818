"""Bucket policies (Put/Get/Delete ``BucketPolicy``, ``GetBucketPolicyStatus``) and the
bucket's Block Public Access settings (Put/Get/Delete ``PublicAccessBlock``).

Only the bucket owner's account may read or change them: another account that a policy
lets through gets S3's ``405 MethodNotAllowed``. A public policy is refused with
``AccessDenied`` while ``BlockPublicPolicy`` is on for the bucket or its account.
"""

from __future__ import annotations

import json

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.s3 import bucket_policy, errors, public_access
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import Bucket, bucket_arn
from fogbank.services.s3.ops.bucket_config import _delete, _get, _put
from fogbank.services.s3.ops.common import STATUS, Output, Params, owned_bucket, required

POLICY = "policy"


def no_such_bucket_policy(bucket: str) -> AwsError:
    return AwsError(
        "NoSuchBucketPolicy",
        "The bucket policy does not exist",
        status=404,
        fields={"BucketName": bucket},
    )


def no_such_public_access_block(bucket: str) -> AwsError:
    return AwsError(
        "NoSuchPublicAccessBlockConfiguration",
        "The public access block configuration was not found",
        status=404,
        fields={"BucketName": bucket},
    )


def blocked_public_policy(ctx: RequestContext, bucket: str) -> AwsError:
    return errors.access_denied(
        f"User: {ctx.principal.arn} is not authorized to perform: s3:PutBucketPolicy on "
        f'resource: "{bucket_arn(bucket)}" because public policies are blocked by the '
        "BlockPublicPolicy block public access setting."
    )


async def _owned(engine: S3Engine, ctx: RequestContext, params: Params, method: str) -> Bucket:
    return await owned_bucket(engine, ctx, params, method, "BUCKETPOLICY")


# -- bucket policy -----------------------------------------------------------------------


async def put_bucket_policy(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await _owned(engine, ctx, params, "PUT")
    text = required(params, "Policy")
    doc = bucket_policy.validate(text, bucket.name)
    if bucket_policy.is_public(doc):
        settings = await public_access.effective(engine, bucket.name, bucket.owner_account)
        if settings.block_public_policy:
            raise blocked_public_policy(ctx, bucket.name)
    await _put(engine, ctx, bucket.name, POLICY, text)
    return {STATUS: 204}


async def get_bucket_policy(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await _owned(engine, ctx, params, "GET")
    text = await _get(engine, ctx, bucket.name, POLICY)
    if not isinstance(text, str):
        raise no_such_bucket_policy(bucket.name)
    return {"Policy": text}


async def delete_bucket_policy(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await _owned(engine, ctx, params, "DELETE")
    await _delete(engine, ctx, bucket.name, POLICY)
    return {}


async def get_bucket_policy_status(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await _owned(engine, ctx, params, "GET")
    text = await _get(engine, ctx, bucket.name, POLICY)
    if not isinstance(text, str):
        raise no_such_bucket_policy(bucket.name)
    doc = json_doc(text)
    return {"PolicyStatus": {"IsPublic": bucket_policy.is_public(doc)}}


def json_doc(text: str) -> dict[str, object]:
    doc = json.loads(text)
    return doc if isinstance(doc, dict) else {}


# -- Block Public Access (bucket level) ----------------------------------------------------


async def put_public_access_block(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await _owned(engine, ctx, params, "PUT")
    doc = public_access.document(params.get("PublicAccessBlockConfiguration"))
    await _put(engine, ctx, bucket.name, public_access.KIND, doc)
    return {}


async def get_public_access_block(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket = await _owned(engine, ctx, params, "GET")
    doc = await _get(engine, ctx, bucket.name, public_access.KIND)
    if not isinstance(doc, dict):
        raise no_such_public_access_block(bucket.name)
    return {"PublicAccessBlockConfiguration": public_access.document(doc)}


async def delete_public_access_block(
    engine: S3Engine, ctx: RequestContext, params: Params
) -> Output:
    bucket = await _owned(engine, ctx, params, "DELETE")
    await _delete(engine, ctx, bucket.name, public_access.KIND)
    return {}


HANDLERS = {
    "PutBucketPolicy": put_bucket_policy,
    "GetBucketPolicy": get_bucket_policy,
    "DeleteBucketPolicy": delete_bucket_policy,
    "GetBucketPolicyStatus": get_bucket_policy_status,
    "PutPublicAccessBlock": put_public_access_block,
    "GetPublicAccessBlock": get_public_access_block,
    "DeletePublicAccessBlock": delete_public_access_block,
}
