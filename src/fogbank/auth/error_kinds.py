"""The vocabulary of authentication failures: which service family, what went wrong."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Family(StrEnum):
    S3 = "s3"  # rest-xml S3 (and s3control): header auth, or S3_PRESIGN for query auth
    S3_PRESIGN = "s3-presign"  # S3 query-string auth: only overrides, falls back to S3
    QUERY = "query"  # IAM, STS, RDS (and non-S3 rest-xml: CloudFront)
    EC2 = "ec2"
    JSON = "json"  # KMS, CloudTrail
    REST_JSON = "rest-json"  # EFS


class Failure(StrEnum):
    UNKNOWN_KEY = "unknown-key"
    MISSING_TOKEN = "missing-token"  # noqa: S105 - temporary key without its session token
    INVALID_TOKEN = "invalid-token"  # noqa: S105
    EXPIRED_TOKEN = "expired-token"  # noqa: S105
    BAD_SIGNATURE = "bad-signature"
    SKEWED_PAST = "skewed-past"
    SKEWED_FUTURE = "skewed-future"
    MISSING_DATE = "missing-date"
    MALFORMED_AUTH = "malformed-auth"
    UNSUPPORTED_AUTH = "unsupported-auth"  # not an AWS scheme at all
    UNSUPPORTED_ALGORITHM = "unsupported-algorithm"  # AWS4-* other than HMAC-SHA256
    WRONG_SERVICE = "wrong-service"
    WRONG_TERMINATOR = "wrong-terminator"
    DATE_MISMATCH = "date-mismatch"
    MALFORMED_CREDENTIAL = "malformed-credential"
    QUERY_PARAMS = "query-params"  # malformed presign parameters
    PRESIGN_EXPIRED = "presign-expired"
    PRESIGN_NOT_YET_VALID = "presign-not-yet-valid"
    MISSING_CONTENT_SHA256 = "missing-content-sha256"
    INVALID_CONTENT_SHA256 = "invalid-content-sha256"
    CONTENT_SHA256_USAGE = "content-sha256-usage"
    CONTENT_SHA256_MISMATCH = "content-sha256-mismatch"
    MISSING_DECODED_LENGTH = "missing-decoded-length"
    INVALID_DECODED_LENGTH = "invalid-decoded-length"
    DECODED_LENGTH_MISMATCH = "decoded-length-mismatch"
    INCOMPLETE_BODY = "incomplete-body"
    MALFORMED_CHUNK = "malformed-chunk"
    CHUNK_TOO_SMALL = "chunk-too-small"
    MALFORMED_TRAILER = "malformed-trailer"
    UNSUPPORTED_TRAILER = "unsupported-trailer"
    INVALID_CHECKSUM_VALUE = "invalid-checksum-value"
    BAD_DIGEST = "bad-digest"


# The only names templates may use; callers pass any subset (missing ones become "").
DETAIL_NAMES = (
    "detail",  # free text
    "date",  # the request's timestamp (yyyymmddThhmmssZ)
    "limit",  # now -/+ skew
    "now",  # server time (yyyymmddThhmmssZ)
    "minutes",  # allowed skew in minutes
    "expected",
    "got",
    "algorithm",  # CRC32, SHA256 ...
    "header",
)


@dataclass(frozen=True)
class ErrorSpec:
    code: str
    status: int
    message: str
