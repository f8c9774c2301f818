"""The KMS permissions an S3 call needs on the caller's behalf (``kms:ViaService``
``s3.<region>.amazonaws.com``), added to the call's own requirements so that the
gateway's authorizer decides them with the caller's identity, the key policy and grants:

- writes that encrypt with SSE-KMS (PutObject, CreateMultipartUpload, CopyObject's
  target, PostObject): ``kms:GenerateDataKey`` on the key, with the encryption context;
- reads of an SSE-KMS object (GetObject, the source of CopyObject/UploadPartCopy):
  ``kms:Decrypt`` on the object's key (HeadObject decrypts nothing and needs none);
  GetObject's whole lookup is made here and kept for the operation (``read.prefetch``);
- UploadPart and UploadPartCopy into an SSE-KMS upload: ``kms:Decrypt`` (the upload's
  data key is opened for each part).

A request that names no usable key yields no requirement here: the operation then
answers the proper error (``KMS.NotFoundException`` ...).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from fogbank.authz.requirements import Requirement
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.s3 import copy_source
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import bucket_arn, object_arn
from fogbank.services.s3.ops import read
from fogbank.services.s3.sse import defaults
from fogbank.services.s3.sse.keys import ARN_CONTEXT, SseKeys
from fogbank.services.s3.sse.record import KMS_MODES, SseRecord
from fogbank.services.s3.sse.request import SseRequest, parse
from fogbank.services.s3.store import objects as object_store
from fogbank.services.s3.store import uploads as upload_store
from fogbank.storage.db import Conn

log = logging.getLogger("fogbank.s3")
Params = Mapping[str, object]

_WRITES = ("PutObject", "CreateMultipartUpload", "CopyObject")
_POST_FIELDS = {
    "x-amz-server-side-encryption": "ServerSideEncryption",
    "x-amz-server-side-encryption-aws-kms-key-id": "SSEKMSKeyId",
    "x-amz-server-side-encryption-context": "SSEKMSEncryptionContext",
    "x-amz-server-side-encryption-bucket-key-enabled": "BucketKeyEnabled",
    "x-amz-server-side-encryption-customer-algorithm": "SSECustomerAlgorithm",
    "x-amz-server-side-encryption-customer-key": "SSECustomerKey",
    "x-amz-server-side-encryption-customer-key-md5": "SSECustomerKeyMD5",
}


def post_params(form: Mapping[str, str]) -> dict[str, object]:
    """A POST form's encryption fields as PutObject members."""
    fields = {k.lower(): v for k, v in form.items()}
    return {m: fields[f] for f, m in _POST_FIELDS.items() if f in fields}


def via(region: str) -> str:
    return f"s3.{region}.amazonaws.com"


async def kms_requirements(
    engine: S3Engine, keys: SseKeys, ctx: RequestContext, params: Params
) -> Sequence[Requirement]:
    """What the call needs from KMS (none for calls that use no KMS key)."""
    op = ctx.operation
    bucket_name = params.get("Bucket")
    if bucket_name is None:
        return ()
    bucket = await engine.find_bucket(str(bucket_name))
    if bucket is None:
        return ()
    try:
        found: list[Requirement] = []
        if op in ("CopyObject", "UploadPartCopy"):
            found.extend(await _copy_source(engine, keys, ctx, params))
        if op in _WRITES or op == "PostObject":
            found.extend(await _write(engine, keys, ctx, params, bucket.name, bucket.region))
        elif op == "GetObject":
            got = await read.prefetch(engine, ctx, params)
            found.extend(await _decrypt(keys, ctx, got.obj.sse if got else None))
        elif op in ("UploadPart", "UploadPartCopy"):
            upload_id = str(params.get("UploadId") or "")
            record = await engine.db.read(lambda c: _upload_record(c, upload_id))
            found.extend(await _decrypt(keys, ctx, record))
        return found
    except AwsError as exc:  # the operation answers the error itself
        log.debug("no KMS requirement for %s: %s", op, exc.code)
        return ()


async def _write(
    engine: S3Engine, keys: SseKeys, ctx: RequestContext, params: Params, bucket: str,
    region: str,
) -> list[Requirement]:  # fmt: skip
    if ctx.operation == "PostObject":
        form = params.get("Form")
        request_params: Params = post_params(form) if isinstance(form, Mapping) else {}
        key = str((form or {}).get("key", "") if isinstance(form, Mapping) else "")
        key = key.replace("${filename}", str(params.get("FileName") or ""))
    else:
        request_params, key = params, str(params.get("Key") or "")
    request: SseRequest = await defaults.resolve(engine, bucket, parse(request_params))
    if request.mode not in KMS_MODES:
        return []
    key_id = request.kms_key_id or await keys.kms.managed_key(ctx.account_id, region, "s3")
    arn = bucket_arn(bucket) if request.bucket_key else object_arn(bucket, key)
    context = {**(request.context or {}), ARN_CONTEXT: arn}
    return await keys.kms.requirements(
        ctx.account_id, region, "GenerateDataKey",
        {"KeyId": key_id, "EncryptionContext": context}, via(region),
    )  # fmt: skip


async def _decrypt(
    keys: SseKeys, ctx: RequestContext, record: SseRecord | None
) -> list[Requirement]:
    if record is None or not record.is_kms or record.kms_key is None:
        return []
    region = record.kms_key.split(":")[3]
    return await keys.kms.requirements(
        ctx.account_id, region, "Decrypt",
        {"CiphertextBlob": record.wrapped, "EncryptionContext": dict(record.context),
         "KeyId": record.kms_key},
        via(region),
    )  # fmt: skip


async def _object_record(
    engine: S3Engine, bucket: str, params: Params, key_member: str = "Key"
) -> SseRecord | None:
    key = str(params.get(key_member) or "")
    version_id = params.get("VersionId")

    def read(conn: Conn) -> SseRecord | None:
        if version_id is not None:
            obj = object_store.version(conn, bucket, key, str(version_id))
        else:
            obj = object_store.latest(conn, bucket, key)
        return obj.sse if obj is not None else None

    return await engine.db.read(read)


def _upload_record(conn: Conn, upload_id: str) -> SseRecord | None:
    upload = upload_store.get(conn, upload_id)
    return upload.sse if upload is not None else None


async def _copy_source(
    engine: S3Engine, keys: SseKeys, ctx: RequestContext, params: Params
) -> list[Requirement]:
    src = copy_source.parse_copy_source(str(params.get("CopySource") or ""))
    source = {"Key": src.key, "VersionId": src.version_id}
    record = await _object_record(engine, src.bucket, source)
    return await _decrypt(keys, ctx, record)
