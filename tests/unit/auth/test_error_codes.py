"""The error table: every entry formats, and each family answers as AWS does."""

from __future__ import annotations

import pytest

from fogbank.auth.error_codes import DETAIL_NAMES, Failure, Family, auth_error, family_of, spec_for
from fogbank.protocol.catalog import SERVICES

from .support import SECRET, TOKEN


@pytest.mark.parametrize("family", list(Family))
@pytest.mark.parametrize("failure", list(Failure))
def test_every_entry_formats(family: Family, failure: Failure) -> None:
    details: dict[str, str] = dict.fromkeys(DETAIL_NAMES, "X")
    error = auth_error(family, failure, fields=None, **details)
    assert error.code and 400 <= error.status < 500
    assert "{" not in error.message
    assert SECRET not in error.message and TOKEN not in error.message


def test_families() -> None:
    families = {s.name: family_of(s) for s in SERVICES}
    assert families == {
        "s3": Family.S3,
        "s3control": Family.S3,
        "iam": Family.QUERY,
        "sts": Family.QUERY,
        "rds": Family.QUERY,
        "ec2": Family.EC2,
        "kms": Family.JSON,
        "cloudtrail": Family.JSON,
        "efs": Family.REST_JSON,
    }


@pytest.mark.parametrize(
    ("family", "failure", "code", "status"),
    [
        (Family.S3, Failure.UNKNOWN_KEY, "InvalidAccessKeyId", 403),
        (Family.S3, Failure.MISSING_TOKEN, "InvalidAccessKeyId", 403),
        (Family.S3, Failure.SKEWED_FUTURE, "RequestTimeTooSkewed", 403),
        (Family.S3, Failure.CONTENT_SHA256_MISMATCH, "XAmzContentSHA256Mismatch", 400),
        (Family.S3, Failure.BAD_DIGEST, "BadDigest", 400),
        (Family.S3, Failure.INCOMPLETE_BODY, "IncompleteBody", 400),
        (Family.S3_PRESIGN, Failure.WRONG_SERVICE, "AuthorizationQueryParametersError", 400),
        (Family.S3_PRESIGN, Failure.UNKNOWN_KEY, "InvalidAccessKeyId", 403),
        (Family.S3_PRESIGN, Failure.PRESIGN_EXPIRED, "AccessDenied", 403),
        (Family.QUERY, Failure.UNKNOWN_KEY, "InvalidClientTokenId", 403),
        (Family.QUERY, Failure.EXPIRED_TOKEN, "ExpiredToken", 403),
        (Family.QUERY, Failure.SKEWED_PAST, "SignatureDoesNotMatch", 403),
        (Family.JSON, Failure.UNKNOWN_KEY, "UnrecognizedClientException", 400),
        (Family.JSON, Failure.BAD_SIGNATURE, "InvalidSignatureException", 400),
        (Family.JSON, Failure.EXPIRED_TOKEN, "ExpiredTokenException", 400),
        (Family.EC2, Failure.UNKNOWN_KEY, "AuthFailure", 401),
        (Family.EC2, Failure.SKEWED_PAST, "RequestExpired", 400),
        (Family.REST_JSON, Failure.BAD_SIGNATURE, "InvalidSignatureException", 403),
    ],
)
def test_selected_entries(family: Family, failure: Failure, code: str, status: int) -> None:
    spec = spec_for(family, failure)
    assert spec is not None and (spec.code, spec.status) == (code, status)


def test_s3_only_failures_fall_back_for_other_services() -> None:
    assert spec_for(Family.QUERY, Failure.BAD_DIGEST) is None
    assert auth_error(Family.QUERY, Failure.BAD_DIGEST).code == "SignatureDoesNotMatch"
