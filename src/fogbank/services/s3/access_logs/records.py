"""One server access log record per S3 request, in S3's documented format: space-separated
fields, "-" for a field that does not apply, the time in brackets, the request line,
referer and user agent in quotes.

``AccessRecordBuilder`` makes the record from what the gateway tells its audit sinks
(every answered request: authenticated, anonymous and denied ones); the bucket owner is
filled in when the record is stored (``outbox.py``), where the bucket is looked up.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote

from fogbank.audit.events import AuditEvent
from fogbank.core.principal import PrincipalKind

# Operations whose S3 log name is not REST.<METHOD>.<sub-resource or OBJECT/BUCKET>.
_NAMES = {
    "ListObjects": "REST.GET.BUCKET",
    "ListObjectsV2": "REST.GET.BUCKET",
    "ListObjectVersions": "REST.GET.BUCKETVERSIONS",
    "GetBucketLogging": "REST.GET.LOGGING_STATUS",
    "PutBucketLogging": "REST.PUT.LOGGING_STATUS",
    "GetBucketPolicy": "REST.GET.BUCKETPOLICY",
    "PutBucketPolicy": "REST.PUT.BUCKETPOLICY",
    "DeleteBucketPolicy": "REST.DELETE.BUCKETPOLICY",
    "GetBucketPolicyStatus": "REST.GET.BUCKETPOLICYSTATUS",
    "GetPublicAccessBlock": "REST.GET.PUBLIC_ACCESS_BLOCK",
    "PutPublicAccessBlock": "REST.PUT.PUBLIC_ACCESS_BLOCK",
    "DeletePublicAccessBlock": "REST.DELETE.PUBLIC_ACCESS_BLOCK",
    "GetBucketOwnershipControls": "REST.GET.OWNERSHIP_CONTROLS",
    "PutBucketOwnershipControls": "REST.PUT.OWNERSHIP_CONTROLS",
    "DeleteBucketOwnershipControls": "REST.DELETE.OWNERSHIP_CONTROLS",
    "GetObjectTagging": "REST.GET.OBJECT_TAGGING",
    "PutObjectTagging": "REST.PUT.OBJECT_TAGGING",
    "DeleteObjectTagging": "REST.DELETE.OBJECT_TAGGING",
    "CopyObject": "REST.COPY.OBJECT",
    "UploadPartCopy": "REST.COPY.PART",
    "UploadPart": "REST.PUT.PART",
    "CreateMultipartUpload": "REST.POST.UPLOADS",
    "CompleteMultipartUpload": "REST.POST.UPLOAD",
    "AbortMultipartUpload": "REST.DELETE.UPLOAD",
    "ListParts": "REST.GET.UPLOAD",
    "ListMultipartUploads": "REST.GET.UPLOADS",
    "DeleteObjects": "REST.POST.MULTI_OBJECT_DELETE",
    "OptionsObject": "REST.OPTIONS.PREFLIGHT",
    "PostObject": "REST.POST.OBJECT",
    "RestoreObject": "REST.POST.RESTORE",
}
_SUBRESOURCES = frozenset(
    ("acl", "cors", "encryption", "lifecycle", "location", "logging", "notification",
     "policy", "replication", "requestPayment", "tagging", "uploads", "versioning",
     "versions", "website", "accelerate", "analytics", "inventory", "metrics",
     "object-lock", "legal-hold", "retention", "restore", "attributes")
)  # fmt: skip
_AUTH_TYPES = {"REST-HEADER": "AuthHeader", "REST-QUERY-STRING": "QueryString"}


@dataclass(frozen=True)
class AccessRecord:
    bucket: str
    event_time: float
    fields: tuple[str, ...]  # every field after the bucket name, already formatted

    def line(self, owner_account: str) -> str:
        from fogbank.services.s3.models import canonical_user_id  # not at start-up

        return " ".join((canonical_user_id(owner_account), self.bucket, *self.fields))


class AccessRecordBuilder:
    """Makes the record of one S3 request (None for requests not about a bucket)."""

    def build(self, event: AuditEvent) -> AccessRecord | None:
        http = event.http
        if event.service != "s3" or http is None:
            return None
        params = event.params or {}
        bucket, key = _bucket_and_key(params, http.target, http.virtual_bucket)
        if not bucket:
            return None
        output = event.output or {}
        ctx = event.context
        headers = ctx.headers if ctx is not None else {}
        fields = (
            time.strftime("[%d/%b/%Y:%H:%M:%S +0000]", time.gmtime(event.event_time)),
            event.source_ip or "-",
            _requester(event),
            event.request_id,
            _operation(event.operation, http.method, http.target, key),
            quote(key, safe="/") if key else "-",
            f'"{http.method} {http.target} HTTP/1.1"',
            str(event.status),
            event.error_code or "-",
            _number(http.bytes_sent if http.bytes_sent else None),
            _number(_object_size(event.operation, params, output, headers)),
            str(http.total_ms),
            str(http.total_ms),
            _quoted(http.referer),
            _quoted(event.user_agent),
            str(output.get("VersionId") or params.get("VersionId") or "-"),
            _host_id(event.request_id),
            _signature_version(ctx.auth_method if ctx is not None else "anonymous"),
            "TLS_AES_128_GCM_SHA256" if event.secure_transport else "-",
            _AUTH_TYPES.get(ctx.auth_type or "", "-") if ctx is not None else "-",
            http.host or "-",
            (ctx.tls_version if ctx is not None else None) or "-",
            "-",  # access point ARN: fogbank has no access points
            "-",  # aclRequired: ACLs were not needed to authorize the request
        )
        return AccessRecord(bucket, event.event_time, fields)


def bucket_of(event: AuditEvent) -> str | None:
    """The bucket an S3 request was about (None: none)."""
    if event.http is None:
        return None
    return _bucket_and_key(event.params or {}, event.http.target, event.http.virtual_bucket)[0]


def _bucket_and_key(
    params: Mapping[str, object], target: str, virtual_bucket: str | None
) -> tuple[str | None, str | None]:
    if isinstance(params.get("Bucket"), str):
        key = params.get("Key")
        return str(params["Bucket"]), str(key) if isinstance(key, str) and key else None
    path = unquote(target.split("?", 1)[0])
    if virtual_bucket:
        return virtual_bucket, path[1:] or None
    parts = path[1:].split("/", 1)
    return parts[0] or None, (parts[1] or None) if len(parts) == 2 else None


def _requester(event: AuditEvent) -> str:
    principal = event.principal
    if principal is None or principal.kind is PrincipalKind.ANONYMOUS:
        return "-"
    if principal.is_root:
        from fogbank.services.s3.models import canonical_user_id  # not at start-up

        return canonical_user_id(principal.account_id)
    return principal.arn


def _operation(operation: str | None, method: str, target: str, key: str | None) -> str:
    if operation in _NAMES:
        return _NAMES[operation]
    query = target.split("?", 1)[1] if "?" in target else ""
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    sub = next((n for n in names if n in _SUBRESOURCES), None)
    resource = sub.upper().replace("-", "_") if sub else ("OBJECT" if key else "BUCKET")
    return f"REST.{method}.{resource}"


def _object_size(
    operation: str | None,
    params: Mapping[str, object],
    output: Mapping[str, object],
    headers: Mapping[str, str],
) -> int | None:
    if operation in ("GetObject", "HeadObject"):
        content_range = output.get("ContentRange")
        if isinstance(content_range, str) and "/" in content_range:
            total = content_range.rsplit("/", 1)[1]
            return int(total) if total.isdigit() else None
        length = output.get("ContentLength")
        return length if isinstance(length, int) else None
    if operation in ("PutObject", "UploadPart"):
        raw = headers.get("x-amz-decoded-content-length") or headers.get("content-length")
        return int(raw) if raw and raw.isdigit() else None
    return None


def _number(value: int | None) -> str:
    return "-" if value is None else str(value)


def _quoted(value: str) -> str:
    return '"' + (value.replace('"', "%22") if value else "-") + '"'


def _signature_version(auth_method: str) -> str:
    if auth_method.startswith("sigv4"):
        return "SigV4"
    if auth_method.startswith("sigv2"):
        return "SigV2"
    return "-"


def _host_id(request_id: str) -> str:
    return base64.b64encode(hashlib.sha256(request_id.encode()).digest() * 2)[:76].decode()
