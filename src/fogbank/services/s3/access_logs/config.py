"""A bucket's logging configuration: checked as PutBucketLogging checks it, stored as the
bucket's ``logging`` configuration document (absent when logging is off).

The target bucket must exist, belong to the source bucket's owner, be in the same Region,
and let the logging service write: a bucket policy that allows the service principal
``logging.s3.amazonaws.com`` ``s3:PutObject`` on the target prefix (ACL grants to the
log-delivery group are not modelled: fogbank buckets use ``BucketOwnerEnforced``).
``TargetGrants`` are refused when the target bucket has ACLs disabled (its Object
Ownership is ``BucketOwnerEnforced``, the default), as S3 does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fogbank.authz.policy import ContextValue
from fogbank.authz.policy.service_access import service_allowed
from fogbank.core.errors import AwsError
from fogbank.services.s3 import errors
from fogbank.services.s3.models import bucket_arn

KIND = "logging"
SERVICE_PRINCIPAL = "logging.s3.amazonaws.com"
PERMISSIONS = ("FULL_CONTROL", "READ", "WRITE")
DATE_SOURCES = ("EventTime", "DeliveryTime")


@dataclass(frozen=True)
class LoggingTarget:
    bucket: str
    prefix: str
    partitioned: bool = False
    date_source: str = "EventTime"  # PartitionedPrefix only


def invalid_target(bucket: str, message: str) -> AwsError:
    return AwsError(
        "InvalidTargetBucketForLogging", message, status=400, fields={"TargetBucket": bucket}
    )


def parse(status: object) -> dict[str, object] | None:
    """The ``LoggingEnabled`` document to store, or None when logging is turned off;
    MalformedXML / InvalidArgument for a document S3 would not accept."""
    if not isinstance(status, Mapping):
        raise errors.malformed_xml()
    enabled = status.get("LoggingEnabled")
    if enabled is None:
        return None
    if not isinstance(enabled, Mapping):
        raise errors.malformed_xml()
    bucket = enabled.get("TargetBucket")
    prefix = enabled.get("TargetPrefix")
    if not isinstance(bucket, str) or not bucket or prefix is None:
        raise errors.malformed_xml()
    doc: dict[str, object] = {"TargetBucket": bucket, "TargetPrefix": str(prefix)}
    grants = enabled.get("TargetGrants")
    if grants:
        doc["TargetGrants"] = _grants(grants)
    key_format = enabled.get("TargetObjectKeyFormat")
    if key_format is not None:
        doc["TargetObjectKeyFormat"] = _key_format(key_format)
    return doc


def _grants(grants: object) -> list[dict[str, object]]:
    if not isinstance(grants, list):
        raise errors.malformed_xml()
    out: list[dict[str, object]] = []
    for grant in grants:
        if not isinstance(grant, Mapping) or not isinstance(grant.get("Grantee"), Mapping):
            raise errors.malformed_xml()
        permission = grant.get("Permission")
        if permission not in PERMISSIONS:
            raise errors.malformed_xml()
        grantee = {k: v for k, v in dict(grant["Grantee"]).items() if v is not None}
        out.append({"Grantee": grantee, "Permission": permission})
    return out


def _key_format(value: object) -> dict[str, object]:
    if not isinstance(value, Mapping):
        raise errors.malformed_xml()
    simple = value.get("SimplePrefix")
    partitioned = value.get("PartitionedPrefix")
    if (simple is None) == (partitioned is None):
        raise errors.malformed_xml()  # exactly one of the two
    if simple is not None:
        return {"SimplePrefix": {}}
    source = partitioned.get("PartitionDateSource") if isinstance(partitioned, Mapping) else None
    if source is None:
        source = "DeliveryTime"
    if source not in DATE_SOURCES:
        raise errors.malformed_xml()
    return {"PartitionedPrefix": {"PartitionDateSource": source}}


def target_of(doc: object) -> LoggingTarget | None:
    """The stored document as a target, or None when logging is off."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("TargetBucket"), str):
        return None
    key_format = doc.get("TargetObjectKeyFormat")
    partitioned = isinstance(key_format, Mapping) and "PartitionedPrefix" in key_format
    source = "EventTime"
    if partitioned:
        assert isinstance(key_format, Mapping)
        inner = key_format["PartitionedPrefix"]
        if isinstance(inner, Mapping):
            source = str(inner.get("PartitionDateSource") or "DeliveryTime")
    return LoggingTarget(
        str(doc["TargetBucket"]), str(doc.get("TargetPrefix") or ""), partitioned, source
    )


def policy_allows_logging(
    policy_text: str | None, target: str, prefix: str, source_bucket: str, source_account: str
) -> bool:
    """Whether the target bucket's policy lets the logging service put log objects for
    the source bucket (the policy of the S3 user guide, "Permissions for log delivery")."""
    context: dict[str, ContextValue] = {
        "aws:sourcearn": bucket_arn(source_bucket),
        "aws:sourceaccount": source_account,
    }
    return service_allowed(
        policy_text,
        service=SERVICE_PRINCIPAL,
        action="s3:PutObject",
        resource=f"{bucket_arn(target)}/{prefix}2006-01-02-15-04-05-0123456789ABCDEF",
        context=context,
        resource_account=source_account,
    )
