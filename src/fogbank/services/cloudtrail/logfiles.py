"""Where CloudTrail puts its files in S3, and how a log file's bytes are made.

Log file: ``[prefix/]AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/
ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz`` (the delivery time, to the minute;
UNIQUE is 16 random characters). Digest file: ``[prefix/]AWSLogs/ACCOUNT/CloudTrail-Digest/
REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAILNAME_HOMEREGION_YYYYMMDDTHHMMSSZ.json.gz``
(the digest end time, to the second). Sources: CloudTrail user guide, "CloudTrail log file
examples" and "CloudTrail digest file structure"; the AWS CLI's ``validate-logs``.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import time
from collections.abc import Sequence

from isal import igzip

_UNIQUE_ALPHABET = string.ascii_letters + string.digits


def _prefixed(prefix: str | None, key: str) -> str:
    return f"{prefix}/{key}" if prefix else key


def unique_suffix() -> str:
    return "".join(secrets.choice(_UNIQUE_ALPHABET) for _ in range(16))


def log_key(prefix: str | None, account: str, region: str, at: float, unique: str) -> str:
    t = time.gmtime(at)
    day = time.strftime("%Y/%m/%d", t)
    stamp = time.strftime("%Y%m%dT%H%MZ", t)
    return _prefixed(
        prefix,
        f"AWSLogs/{account}/CloudTrail/{region}/{day}/"
        f"{account}_CloudTrail_{region}_{stamp}_{unique}.json.gz",
    )


def digest_key(
    prefix: str | None, account: str, region: str, trail_name: str, home_region: str, end: float
) -> str:
    t = time.gmtime(end)
    day = time.strftime("%Y/%m/%d", t)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", t)
    return _prefixed(
        prefix,
        f"AWSLogs/{account}/CloudTrail-Digest/{region}/{day}/"
        f"{account}_CloudTrail-Digest_{region}_{trail_name}_{home_region}_{stamp}.json.gz",
    )


def iso(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))


def log_document(records: Sequence[str]) -> bytes:
    """The uncompressed log file: ``{"Records":[...]}`` from records already in JSON."""
    return b'{"Records":[' + ",".join(records).encode("utf-8") + b"]}"


def compress(document: bytes) -> bytes:
    """Gzip with a fixed header time, so that the same document gives the same bytes.

    ISA-L's deflate: about 10x faster than zlib's level 6 on log files (1.2 ms against
    14 ms for 2,000 records here), 1 % larger; any gzip reader reads it."""
    return igzip.compress(document, compresslevel=2, mtime=0)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
