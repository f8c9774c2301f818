"""Where a trail's files go: the small interface CloudTrail needs from S3 (and from KMS for
encrypted trails), and the checks CloudTrail makes against the bucket policy and key policy.

An S3 adapter implements ``LogDestination`` with the in-process S3 client: ``bucket`` says
whether the bucket exists, who owns it, in which region, and returns its policy;
``put_object`` writes an object as the service principal ``cloudtrail.amazonaws.com``
(with ``x-amz-acl: bucket-owner-full-control``, user metadata, and SSE-KMS when a key is
given). Whether the policy lets CloudTrail write is decided here, with the IAM policy
evaluator, as AWS does at CreateTrail/UpdateTrail and again at each delivery.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from fogbank.authz.policy import ContextValue
from fogbank.authz.policy.service_access import service_allowed

SERVICE_PRINCIPAL = "cloudtrail.amazonaws.com"


@dataclass(frozen=True)
class BucketInfo:
    name: str
    owner_account: str
    region: str
    policy: str | None  # the bucket policy's JSON text, if it has one


class DeliveryError(Exception):
    """A write to the bucket failed; ``code`` is what GetTrailStatus shows."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code


class LogDestination(Protocol):
    async def bucket(self, name: str) -> BucketInfo | None:
        """The bucket, or None when there is no such bucket."""

    async def put_object(
        self,
        *,
        account_id: str,
        bucket: str,
        key: str,
        body: bytes,
        metadata: Mapping[str, str],
        sse_kms_key: str | None,
    ) -> None:
        """Write ``body`` at ``bucket/key`` for the trail of ``account_id``; raise
        ``DeliveryError`` when it cannot be written."""


@dataclass(frozen=True)
class KeyInfo:
    arn: str
    account_id: str
    region: str
    enabled: bool
    symmetric: bool
    policy: str


class KeyResolver(Protocol):
    async def resolve(self, account_id: str, region: str, key_id: str) -> KeyInfo | None:
        """The KMS key ``key_id`` (id, ARN, alias name or alias ARN) names, or None."""


def _allows(
    policy_text: str | None,
    action: str,
    resource: str,
    context: dict[str, ContextValue],
    owner: str,
) -> bool:
    return service_allowed(
        policy_text,
        service=SERVICE_PRINCIPAL,
        action=action,
        resource=resource,
        context=context,
        resource_account=owner,
    )


def bucket_allows_delivery(
    bucket: BucketInfo,
    *,
    account_id: str,
    key_prefix: str | None,
    trail_arn: str,
    region: str,
    partition: str = "aws",
) -> bool:
    """Whether the bucket policy lets CloudTrail check the bucket ACL and write the trail's
    log and digest files (CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail")."""
    context: dict[str, ContextValue] = {
        "aws:SourceArn": trail_arn,
        "aws:SourceAccount": account_id,
        "s3:x-amz-acl": "bucket-owner-full-control",
    }
    bucket_arn = f"arn:{partition}:s3:::{bucket.name}"
    if not _allows(bucket.policy, "s3:GetBucketAcl", bucket_arn, context, bucket.owner_account):
        return False
    base = f"{key_prefix}/" if key_prefix else ""
    for folder in ("CloudTrail", "CloudTrail-Digest"):
        key = f"{base}AWSLogs/{account_id}/{folder}/{region}/object.json.gz"
        if not _allows(
            bucket.policy, "s3:PutObject", f"{bucket_arn}/{key}", context, bucket.owner_account
        ):
            return False
    return True


def key_allows_encryption(key: KeyInfo, *, account_id: str, trail_arn: str) -> bool:
    """Whether the key policy lets CloudTrail make data keys for the trail's log files."""
    context: dict[str, ContextValue] = {
        "aws:SourceArn": trail_arn,
        "aws:SourceAccount": account_id,
        "kms:EncryptionContext:aws:cloudtrail:arn": trail_arn,
    }
    return _allows(key.policy, "kms:GenerateDataKey", key.arn, context, key.account_id)
