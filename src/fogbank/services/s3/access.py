"""What each S3 call needs from IAM: action(s), resource ARN(s), the bucket owner's
account, and S3's condition keys (S3 user guide, "Actions, resources, and condition keys
for Amazon S3").

Listings (ListObjectVersions: ``s3:ListBucketVersions``) add ``s3:prefix``, ``s3:delimiter``
and ``s3:max-keys``; calls on one version add ``s3:versionid``; writes add ``s3:x-amz-acl``,
``s3:x-amz-storage-class``, ``s3:x-amz-server-side-encryption`` and the request's tags
(``s3:RequestObjectTag/<key>``, ``s3:RequestObjectTagKeys``); reads and tag changes of an
existing object add its tags (``s3:ExistingObjectTag/<key>``): that costs a lookup, made
only when something could deny (a caller other than the owner's root, or a bucket with
a policy). Copies need ``s3:GetObject`` on the source and ``s3:PutObject`` on the target.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence

from fogbank.authz.requirements import ContextValue, Requirement
from fogbank.core.context import RequestContext
from fogbank.services.s3 import copy_source, tags
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import bucket_arn, object_arn
from fogbank.services.s3.ops.common import Params, text
from fogbank.services.s3.store import objects as object_store
from fogbank.storage.db import Conn

# operation -> (action, action with a VersionId, object-level?)
_SIMPLE: dict[str, tuple[str, str | None, bool]] = {
    "CreateBucket": ("s3:CreateBucket", None, False),
    "DeleteBucket": ("s3:DeleteBucket", None, False),
    "HeadBucket": ("s3:ListBucket", None, False),
    "GetBucketLocation": ("s3:GetBucketLocation", None, False),
    "PutBucketTagging": ("s3:PutBucketTagging", None, False),
    "GetBucketTagging": ("s3:GetBucketTagging", None, False),
    "DeleteBucketTagging": ("s3:PutBucketTagging", None, False),
    "PutBucketCors": ("s3:PutBucketCORS", None, False),
    "GetBucketCors": ("s3:GetBucketCORS", None, False),
    "DeleteBucketCors": ("s3:PutBucketCORS", None, False),
    "PutBucketOwnershipControls": ("s3:PutBucketOwnershipControls", None, False),
    "GetBucketOwnershipControls": ("s3:GetBucketOwnershipControls", None, False),
    "DeleteBucketOwnershipControls": ("s3:PutBucketOwnershipControls", None, False),
    "GetBucketVersioning": ("s3:GetBucketVersioning", None, False),
    "PutBucketVersioning": ("s3:PutBucketVersioning", None, False),
    "PutBucketLifecycleConfiguration": ("s3:PutLifecycleConfiguration", None, False),
    "GetBucketLifecycleConfiguration": ("s3:GetLifecycleConfiguration", None, False),
    "DeleteBucketLifecycle": ("s3:PutLifecycleConfiguration", None, False),
    "PutBucketIntelligentTieringConfiguration": (
        "s3:PutIntelligentTieringConfiguration",
        None,
        False,
    ),
    "GetBucketIntelligentTieringConfiguration": (
        "s3:GetIntelligentTieringConfiguration",
        None,
        False,
    ),
    "DeleteBucketIntelligentTieringConfiguration": (
        "s3:PutIntelligentTieringConfiguration",
        None,
        False,
    ),
    "ListBucketIntelligentTieringConfigurations": (
        "s3:GetIntelligentTieringConfiguration",
        None,
        False,
    ),
    "PutBucketPolicy": ("s3:PutBucketPolicy", None, False),
    "GetBucketPolicy": ("s3:GetBucketPolicy", None, False),
    "DeleteBucketPolicy": ("s3:DeleteBucketPolicy", None, False),
    "GetBucketPolicyStatus": ("s3:GetBucketPolicyStatus", None, False),
    "PutPublicAccessBlock": ("s3:PutBucketPublicAccessBlock", None, False),
    "GetPublicAccessBlock": ("s3:GetBucketPublicAccessBlock", None, False),
    "DeletePublicAccessBlock": ("s3:PutBucketPublicAccessBlock", None, False),
    "PutBucketEncryption": ("s3:PutEncryptionConfiguration", None, False),
    "GetBucketEncryption": ("s3:GetEncryptionConfiguration", None, False),
    "DeleteBucketEncryption": ("s3:PutEncryptionConfiguration", None, False),
    "ListMultipartUploads": ("s3:ListBucketMultipartUploads", None, False),
    "GetBucketAcl": ("s3:GetBucketAcl", None, False),
    "PutBucketAcl": ("s3:PutBucketAcl", None, False),
    "GetObjectAcl": ("s3:GetObjectAcl", "s3:GetObjectVersionAcl", True),
    "PutObjectAcl": ("s3:PutObjectAcl", "s3:PutObjectVersionAcl", True),
    "GetObject": ("s3:GetObject", "s3:GetObjectVersion", True),
    "HeadObject": ("s3:GetObject", "s3:GetObjectVersion", True),
    "DeleteObject": ("s3:DeleteObject", "s3:DeleteObjectVersion", True),
    "GetObjectTagging": ("s3:GetObjectTagging", "s3:GetObjectVersionTagging", True),
    "PutObjectTagging": ("s3:PutObjectTagging", "s3:PutObjectVersionTagging", True),
    "DeleteObjectTagging": ("s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", True),
    "PutObject": ("s3:PutObject", None, True),
    "CreateMultipartUpload": ("s3:PutObject", None, True),
    "UploadPart": ("s3:PutObject", None, True),
    "CompleteMultipartUpload": ("s3:PutObject", None, True),
    "AbortMultipartUpload": ("s3:AbortMultipartUpload", None, True),
    "ListParts": ("s3:ListMultipartUploadParts", None, True),
    "RestoreObject": ("s3:RestoreObject", None, True),
}
# operation -> action; each on the bucket, with the listing's condition keys
_LISTINGS = {
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
}
_EXISTING_TAGS = ("GetObject", "HeadObject", "GetObjectTagging", "PutObjectTagging",
                  "DeleteObjectTagging", "GetObjectAttributes")  # fmt: skip
_REQUEST_TAGS = ("PutObject", "CreateMultipartUpload")


def _write_keys(params: Params) -> dict[str, ContextValue]:
    keys: dict[str, ContextValue] = {}
    for member, key in (("ACL", "s3:x-amz-acl"), ("StorageClass", "s3:x-amz-storage-class"),
                        ("ServerSideEncryption", "s3:x-amz-server-side-encryption"),
                        ("SSEKMSKeyId", "s3:x-amz-server-side-encryption-aws-kms-key-id"),
                        ("ContentType", "s3:x-amz-content-type"),
                        ("GrantFullControl", "s3:x-amz-grant-full-control"),
                        ("GrantRead", "s3:x-amz-grant-read"),
                        ("GrantReadACP", "s3:x-amz-grant-read-acp"),
                        ("GrantWrite", "s3:x-amz-grant-write"),
                        ("GrantWriteACP", "s3:x-amz-grant-write-acp")):  # fmt: skip
        value = params.get(member)
        if value is not None:
            keys[key] = str(value)
    return keys


def _request_tag_keys(pairs: Sequence[tuple[str, str]]) -> dict[str, ContextValue]:
    keys: dict[str, ContextValue] = {f"s3:RequestObjectTag/{k}": v for k, v in pairs}
    keys["s3:RequestObjectTagKeys"] = [k for k, _ in pairs]
    return keys


def request_keys(ctx: RequestContext) -> dict[str, ContextValue]:
    """S3's keys about the request itself: how it was signed, and over which TLS."""
    keys: dict[str, ContextValue] = {}
    if ctx.auth_type is not None:
        keys["s3:authType"] = ctx.auth_type
    if ctx.signature_age_ms is not None:
        keys["s3:signatureAge"] = ctx.signature_age_ms
    if ctx.auth_method.startswith("sigv4"):
        keys["s3:signatureversion"] = "AWS4-HMAC-SHA256"
    elif ctx.auth_method.startswith("sigv2"):
        keys["s3:signatureversion"] = "AWS"
    if ctx.tls_version and ctx.tls_version.startswith("TLSv"):
        with contextlib.suppress(ValueError):
            keys["s3:TlsVersion"] = float(ctx.tls_version[4:])
    return keys


def with_request_keys(ctx: RequestContext, found: Sequence[Requirement]) -> Sequence[Requirement]:
    keys = request_keys(ctx)
    if not keys:
        return found
    return [
        Requirement(r.action, r.resource, r.resource_account, {**keys, **r.context}) for r in found
    ]


def _listing_keys(params: Params, max_member: str = "MaxKeys") -> dict[str, ContextValue]:
    keys: dict[str, ContextValue] = {"s3:prefix": text(params, "Prefix") or ""}
    if params.get("Delimiter") is not None:
        keys["s3:delimiter"] = str(params["Delimiter"])
    if params.get(max_member) is not None:
        keys["s3:max-keys"] = int(params[max_member])  # type: ignore[call-overload]
    return keys


async def requirements_for(
    engine: S3Engine, ctx: RequestContext, params: Params
) -> Sequence[Requirement]:
    op = ctx.operation
    if op == "OptionsObject":  # CORS preflight: answered to anyone, from the CORS rules
        return ()
    if op == "ListBuckets":
        return (Requirement("s3:ListAllMyBuckets", "*"),)
    bucket_name = text(params, "Bucket")
    if bucket_name is None:
        return (Requirement(f"s3:{op}", "*"),)
    bucket = await engine.find_bucket(bucket_name)
    owner = bucket.owner_account if bucket is not None else None
    key = text(params, "Key")
    if op == "PostObject":
        return _post(params, bucket_name, owner)
    resource = object_arn(bucket_name, key) if key is not None else bucket_arn(bucket_name)
    if op in _LISTINGS:
        return (Requirement(_LISTINGS[op], bucket_arn(bucket_name), owner, _listing_keys(params)),)
    if op == "DeleteObjects":
        spec = params.get("Delete")
        items = spec.get("Objects") if isinstance(spec, Mapping) else None
        out = []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping) and item.get("Key"):
                version = item.get("VersionId")
                action = "s3:DeleteObjectVersion" if version else "s3:DeleteObject"
                keys: dict[str, ContextValue] = {"s3:versionid": str(version)} if version else {}
                out.append(
                    Requirement(action, object_arn(bucket_name, str(item["Key"])), owner, keys)
                )
        return out or (Requirement("s3:DeleteObject", object_arn(bucket_name, "*"), owner),)
    if op in ("CopyObject", "UploadPartCopy"):
        return await _copy(engine, params, resource, owner)
    if op == "GetObjectAttributes":
        versioned = params.get("VersionId") is not None
        existing = await _existing_tags(engine, ctx, bucket_name, params, owner)
        if versioned:
            existing["s3:versionid"] = str(params["VersionId"])
        return (
            Requirement(
                "s3:GetObjectVersion" if versioned else "s3:GetObject", resource, owner, existing
            ),
            Requirement(
                "s3:GetObjectVersionAttributes" if versioned else "s3:GetObjectAttributes",
                resource, owner, existing,
            ),
        )  # fmt: skip
    simple = _SIMPLE.get(op)
    if simple is None:
        return (Requirement(f"s3:{op}", resource, owner),)
    action, versioned_action, _ = simple
    context: dict[str, ContextValue] = {}
    if versioned_action is not None and params.get("VersionId") is not None:
        action = versioned_action
        context["s3:versionid"] = str(params["VersionId"])
    if op == "CreateBucket":
        context.update(_write_keys(params))
        config = params.get("CreateBucketConfiguration")
        if isinstance(config, Mapping) and config.get("LocationConstraint"):
            context["s3:LocationConstraint"] = str(config["LocationConstraint"])
        if params.get("ObjectOwnership") is not None:
            context["s3:x-amz-object-ownership"] = str(params["ObjectOwnership"])
        return (Requirement(action, resource, None, context),)
    if op in ("PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload",
              "PutObjectAcl", "PutBucketAcl"):  # fmt: skip
        context.update(_write_keys(params))
    found: list[Requirement] = []
    if op in _REQUEST_TAGS and params.get("Tagging"):
        pairs = _safe_tags(text(params, "Tagging"))
        context.update(_request_tag_keys(pairs))
        found.append(Requirement("s3:PutObjectTagging", resource, owner, dict(context)))
    if op == "PutObjectTagging":
        tagging = params.get("Tagging")
        pairs = tags.pairs(tagging.get("TagSet") if isinstance(tagging, Mapping) else None)
        context.update(_request_tag_keys(pairs))
    if op in _EXISTING_TAGS:
        context.update(await _existing_tags(engine, ctx, bucket_name, params, owner))
    return (Requirement(action, resource, owner, context), *found)


def _post(params: Params, bucket: str, owner: str | None) -> Sequence[Requirement]:
    form = params.get("Form")
    fields = {k.lower(): v for k, v in form.items()} if isinstance(form, Mapping) else {}
    key = str(fields.get("key", "")).replace("${filename}", str(params.get("FileName") or ""))
    resource = object_arn(bucket, key)
    context: dict[str, ContextValue] = {}
    for name, ckey in (
        ("acl", "s3:x-amz-acl"),
        ("x-amz-storage-class", "s3:x-amz-storage-class"),
        ("x-amz-server-side-encryption", "s3:x-amz-server-side-encryption"),
    ):
        if name in fields:
            context[ckey] = str(fields[name])
    found = [Requirement("s3:PutObject", resource, owner, context)]
    if fields.get("tagging"):
        try:
            pairs = tags.from_tagging_xml(str(fields["tagging"]))
        except Exception:  # malformed: the handler answers the proper error
            pairs = []
        found.append(Requirement("s3:PutObjectTagging", resource, owner, _request_tag_keys(pairs)))
    return found


def _safe_tags(value: str | None) -> list[tuple[str, str]]:
    try:
        return tags.from_header(value)
    except Exception:  # malformed: the handler answers the proper error
        return []


async def _copy(
    engine: S3Engine, params: Params, target: str, target_owner: str | None
) -> Sequence[Requirement]:
    raw = text(params, "CopySource") or ""
    try:
        src = copy_source.parse_copy_source(raw)
    except Exception:
        return (Requirement("s3:PutObject", target, target_owner),)
    source_bucket = await engine.find_bucket(src.bucket)
    source_owner = source_bucket.owner_account if source_bucket is not None else None
    read = "s3:GetObjectVersion" if src.version_id else "s3:GetObject"
    write_keys = _write_keys(params)
    write_keys["s3:x-amz-copy-source"] = raw
    if params.get("MetadataDirective") is not None:
        write_keys["s3:x-amz-metadata-directive"] = str(params["MetadataDirective"])
    found = [
        Requirement(read, object_arn(src.bucket, src.key), source_owner),
        Requirement("s3:PutObject", target, target_owner, write_keys),
    ]
    if params.get("TaggingDirective") == "REPLACE" and params.get("Tagging"):
        pairs = _safe_tags(text(params, "Tagging"))
        found.append(
            Requirement("s3:PutObjectTagging", target, target_owner, _request_tag_keys(pairs))
        )
    return found


async def _existing_tags(
    engine: S3Engine, ctx: RequestContext, bucket: str, params: Params, owner: str | None
) -> dict[str, ContextValue]:
    principal = ctx.principal
    owner_root = principal.is_root and principal.account_id == (owner or principal.account_id)
    if owner_root and await engine.bucket_config(bucket, "policy") is None:
        return {}
    key = text(params, "Key")
    if key is None:
        return {}
    version_id = text(params, "VersionId")

    def read(conn: Conn) -> tuple[tuple[str, str], ...]:
        if version_id:
            obj = object_store.version(conn, bucket, key, version_id)
        else:
            obj = object_store.latest(conn, bucket, key)
        return obj.tags if obj is not None else ()

    found = await engine.db.read(read)
    return {f"s3:ExistingObjectTag/{k}": v for k, v in found}
