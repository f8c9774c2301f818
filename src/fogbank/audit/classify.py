"""What kind of event a call is: read-only or not, management or data, and where it lands.

Sources: CloudTrail user guide, "Logging management events" (read and write events),
"Logging data events" (the S3 object-level API list), the S3 user guide "Amazon S3
CloudTrail events" (object-level actions, and the bucket-level calls logged as data
events), and the KMS developer guide's CloudTrail examples (``Encrypt``, ``Decrypt``,
``GenerateDataKey`` ... are management events with ``readOnly: true``).
"""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    MANAGEMENT = "Management"
    DATA = "Data"


# Operation-name prefixes of calls that change nothing.
_READ_PREFIXES = (
    "Get",
    "List",
    "Describe",
    "Head",
    "Lookup",
    "Search",
    "Select",
    "Check",
    "Simulate",
    "Estimate",
    "Download",
    "Preview",
    "Validate",
    "Verify",
)

# Calls that change no resource although their names do not say so.
_READ_ONLY: dict[str, frozenset[str]] = {
    "kms": frozenset(
        {
            "Encrypt",
            "Decrypt",
            "ReEncrypt",
            "GenerateDataKey",
            "GenerateDataKeyPair",
            "GenerateDataKeyPairWithoutPlaintext",
            "GenerateDataKeyWithoutPlaintext",
            "GenerateMac",
            "GenerateRandom",
            "Sign",
            "DeriveSharedSecret",
        }
    ),
    "sts": frozenset(
        {
            "AssumeRole",
            "AssumeRoleWithSAML",
            "AssumeRoleWithWebIdentity",
            "AssumeRoot",
            "DecodeAuthorizationMessage",
        }
    ),
    "rds": frozenset({"DownloadDBLogFilePortion"}),
}

# Calls whose names look read-only but change state.
_NOT_READ_ONLY: dict[str, frozenset[str]] = {
    "iam": frozenset({"GenerateCredentialReport", "GenerateServiceLastAccessedDetails"}),
}

# S3 object-level API calls: CloudTrail data events (type AWS::S3::Object).
S3_OBJECT_OPERATIONS = frozenset(
    {
        "AbortMultipartUpload",
        "CompleteMultipartUpload",
        "CopyObject",
        "CreateMultipartUpload",
        "DeleteObject",
        "DeleteObjectTagging",
        "DeleteObjects",
        "GetObject",
        "GetObjectAcl",
        "GetObjectAttributes",
        "GetObjectLegalHold",
        "GetObjectRetention",
        "GetObjectTagging",
        "GetObjectTorrent",
        "HeadObject",
        "ListParts",
        "PostObject",
        "PutObject",
        "PutObjectAcl",
        "PutObjectLegalHold",
        "PutObjectRetention",
        "PutObjectTagging",
        "RestoreObject",
        "SelectObjectContent",
        "UploadPart",
        "UploadPartCopy",
    }
)
# Bucket-level calls that CloudTrail logs as data events too (S3 user guide).
S3_BUCKET_DATA_OPERATIONS = frozenset(
    {"ListObjects", "ListObjectsV2", "ListObjectVersions", "HeadBucket", "ListMultipartUploads"}
)

# Services whose events are recorded in us-east-1 whatever endpoint region was used.
GLOBAL_SERVICE_REGION: dict[str, str] = {"iam": "us-east-1", "cloudfront": "us-east-1"}


def is_read_only(service: str, operation: str) -> bool:
    if operation in _NOT_READ_ONLY.get(service, frozenset()):
        return False
    if operation in _READ_ONLY.get(service, frozenset()):
        return True
    return operation.startswith(_READ_PREFIXES)


def category(service: str, operation: str) -> Category:
    if service == "s3" and (
        operation in S3_OBJECT_OPERATIONS or operation in S3_BUCKET_DATA_OPERATIONS
    ):
        return Category.DATA
    return Category.MANAGEMENT


def event_region(service: str, request_region: str) -> str:
    """``awsRegion`` of an event: the request's region, except for global services."""
    return GLOBAL_SERVICE_REGION.get(service, request_region)


def is_global_service(service: str) -> bool:
    return service in GLOBAL_SERVICE_REGION
