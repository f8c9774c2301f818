"""S3 Signature Version 2: header (``Authorization: AWS AK:sig``) and query string.

The string to sign (docs.aws.amazon.com/AmazonS3/latest/userguide/RestAuthentication.html;
reference/aws-protocol-notes.md §1.5)::

    METHOD \\n Content-MD5 \\n Content-Type \\n Date-or-Expires \\n
    [x-amz-name:value \\n ...]            lower-cased, sorted, repeated values joined by ","
    /bucket/key[?subresource[=value]&...]

The signature is base64(HMAC-SHA1(secret, string to sign)). The resource is always
``/bucket/key`` as sent (still percent-encoded), even for virtual-hosted requests; the
sub-resources are the query parameters in :data:`SUBRESOURCES` (botocore's list, which is
what boto3 signs), values decoded, sorted by name.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import unquote

SUBRESOURCES = frozenset(
    {
        "accelerate",
        "acl",
        "analytics",
        "cors",
        "defaultObjectAcl",
        "delete",
        "inventory",
        "lifecycle",
        "location",
        "logging",
        "metrics",
        "notification",
        "object-lock",
        "partNumber",
        "policy",
        "replication",
        "requestPayment",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "response-content-language",
        "response-content-type",
        "response-expires",
        "restore",
        "select",
        "select-type",
        "storageClass",
        "tagging",
        "torrent",
        "uploadId",
        "uploads",
        "versionId",
        "versioning",
        "versions",
        "website",
    }
)


def sigv2_signature(secret: str, string_to_sign: str) -> str:
    mac = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def canonical_resources(path: str, raw_query: str, bucket: str | None = None) -> list[str]:
    """``/bucket/key?sub`` from the raw path (and the virtual-host bucket, if any).

    A request on the bucket itself signs ``/bucket/`` (botocore's auth_path and AWS's rule);
    the form without the slash, as sent path-style, is the second candidate.
    """
    base = f"/{bucket}{path or '/'}" if bucket else (path or "/")
    bases = [base]
    if base.count("/") == 1 and len(base) > 1:  # "/bucket"
        bases = [base + "/", base]
    subs: list[tuple[str, str | None]] = []
    for part in raw_query.split("&") if raw_query else ():
        name, sep, value = part.partition("=")
        if name in SUBRESOURCES:
            subs.append((name, unquote(value) if sep else None))
    suffix = ""
    if subs:
        subs.sort(key=lambda nv: nv[0])
        suffix = "?" + "&".join(n if v is None else f"{n}={v}" for n, v in subs)
    return [b + suffix for b in bases]


def canonical_amz_headers(items: Iterable[tuple[str, str]]) -> str:
    """``x-amz-*`` pairs -> ``name:v1,v2\\n`` lines, names lower-cased and sorted."""
    grouped: dict[str, list[str]] = {}
    for name, value in items:
        lname = name.lower()
        if lname.startswith("x-amz-"):
            grouped.setdefault(lname, []).append(value.strip())
    return "".join(f"{n}:{','.join(grouped[n])}\n" for n in sorted(grouped))


def string_to_sign_v2(
    method: str,
    content_md5: str,
    content_type: str,
    date: str,
    amz_headers: str,
    resource: str,
) -> str:
    return (
        f"{method.upper()}\n{content_md5.strip()}\n{content_type.strip()}\n{date.strip()}\n"
        f"{amz_headers}{resource}"
    )
