"""Bucket default encryption: Put/Get/DeleteBucketEncryption, and the encryption a write
gets when it asks for none.

Since January 2023 S3 encrypts every new object, SSE-S3 unless the bucket says otherwise:
GetBucketEncryption of a bucket never configured (or whose configuration was deleted)
answers that default rule, ``AES256`` without a bucket key, and never
``ServerSideEncryptionConfigurationNotFoundError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from fogbank.core.context import RequestContext
from fogbank.services.s3 import errors
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.ops.bucket_config import _delete, _put
from fogbank.services.s3.ops.common import Output, Params, touch_bucket
from fogbank.services.s3.sse.record import ALGORITHMS, KMS_MODES, SSE_S3
from fogbank.services.s3.sse.request import SseRequest

KIND = "encryption"
DEFAULT_RULE: Mapping[str, object] = {
    "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": SSE_S3},
    "BucketKeyEnabled": False,
}


def _rule(doc: object) -> Mapping[str, object]:
    if isinstance(doc, list) and doc and isinstance(doc[0], Mapping):
        return doc[0]
    return DEFAULT_RULE


async def bucket_default(engine: S3Engine, bucket: str) -> SseRequest:
    """The bucket's default encryption, as if a write had asked for it."""
    return await engine.bucket_derived(bucket, KIND, _default_of)


def _default_of(doc: object) -> SseRequest:
    rule = _rule(doc)
    by_default = rule.get("ApplyServerSideEncryptionByDefault")
    spec = by_default if isinstance(by_default, Mapping) else {}
    mode = str(spec.get("SSEAlgorithm") or SSE_S3)
    key = spec.get("KMSMasterKeyID")
    return SseRequest(
        mode=mode,
        kms_key_id=str(key) if key and mode in KMS_MODES else None,
        bucket_key=bool(rule.get("BucketKeyEnabled", False)) and mode in KMS_MODES,
    )


async def resolve(engine: S3Engine, bucket: str, request: SseRequest) -> SseRequest:
    """What a write gets: what it asked for, else the bucket's default. A KMS request
    without a key id uses ``aws/s3`` (not the bucket's key); the bucket-key flag, when
    the request leaves it out, is the bucket's."""
    if request.customer is not None:
        return request
    default = await bucket_default(engine, bucket)
    if request.mode is None:
        return default
    if request.mode in KMS_MODES and request.bucket_key is None:
        return replace(request, bucket_key=bool(default.bucket_key))
    return request


def _checked_rule(params: Params) -> dict[str, object]:
    config = params.get("ServerSideEncryptionConfiguration")
    rules = config.get("Rules") if isinstance(config, Mapping) else None
    if not isinstance(rules, list) or len(rules) != 1 or not isinstance(rules[0], Mapping):
        raise errors.malformed_xml()
    rule = rules[0]
    by_default = rule.get("ApplyServerSideEncryptionByDefault")
    if not isinstance(by_default, Mapping):
        raise errors.malformed_xml()
    algorithm = by_default.get("SSEAlgorithm")
    if algorithm not in ALGORITHMS:
        raise errors.malformed_xml()
    key = by_default.get("KMSMasterKeyID")
    if key is not None and algorithm not in KMS_MODES:
        raise errors.invalid_argument(
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms "
            "or aws:kms:dsse", "ApplyServerSideEncryptionByDefault", None,
        )  # fmt: skip
    spec: dict[str, object] = {"SSEAlgorithm": algorithm}
    if key:
        spec["KMSMasterKeyID"] = str(key)
    return {
        "ApplyServerSideEncryptionByDefault": spec,
        "BucketKeyEnabled": bool(rule.get("BucketKeyEnabled", False)),
    }


async def put_bucket_encryption(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    name = str(params["Bucket"])
    await engine.bucket(name)
    await _put(engine, ctx, name, KIND, [_checked_rule(params)])
    return {}


async def get_bucket_encryption(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    name = str(params["Bucket"])
    await engine.bucket(name)
    rule = _rule(await engine.bucket_config(name, KIND))
    touch_bucket(ctx, name)
    return {"ServerSideEncryptionConfiguration": {"Rules": [dict(rule)]}}


async def delete_bucket_encryption(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    await _delete(engine, ctx, str(params["Bucket"]), KIND)
    return {}


HANDLERS = {
    "PutBucketEncryption": put_bucket_encryption,
    "GetBucketEncryption": get_bucket_encryption,
    "DeleteBucketEncryption": delete_bucket_encryption,
}
