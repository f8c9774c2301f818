"""SigV4 header requests that are malformed, mis-scoped or tampered with."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from fogbank.auth.authenticator import Authenticator
from fogbank.core.errors import AwsError
from fogbank.protocol.http import BytesBody, Headers, HttpRequest

from .support import (
    AK,
    SECRET,
    TMP_AK,
    TOKEN,
    MemoryCredentials,
    MovableClock,
    PiecesBody,
    capture,
    long_term,
    run,
    service,
    temporary,
    to_request,
)


def _auth(clock: MovableClock) -> Authenticator:
    return Authenticator(MemoryCredentials(long_term(), temporary()), clock.clock)


CALLS: dict[str, Callable[[Any], object]] = {
    "s3": lambda c: c.list_objects_v2(Bucket="bucket", Prefix="a b/c"),
    "iam": lambda c: c.list_users(PathPrefix="/division_abc/"),
    "sts": lambda c: c.get_caller_identity(),
    "rds": lambda c: c.describe_db_instances(DBInstanceIdentifier="db-1"),
    "ec2": lambda c: c.describe_instances(InstanceIds=["i-1234567890abcdef0"]),
    "kms": lambda c: c.list_keys(Limit=10),
    "cloudtrail": lambda c: c.describe_trails(trailNameList=["t"]),
    "efs": lambda c: c.describe_file_systems(FileSystemId="fs-12345678"),
}

# (code, status) AWS answers, per service: see error_codes.py for the sources.
EXPECTED = {
    "s3": {
        "unknown": ("InvalidAccessKeyId", 403),
        "signature": ("SignatureDoesNotMatch", 403),
        "skew": ("RequestTimeTooSkewed", 403),
        "expired_token": ("ExpiredToken", 400),
        "invalid_token": ("InvalidToken", 400),
        "missing_token": ("InvalidAccessKeyId", 403),
    },
    "iam": {
        "unknown": ("InvalidClientTokenId", 403),
        "signature": ("SignatureDoesNotMatch", 403),
        "skew": ("SignatureDoesNotMatch", 403),
        "expired_token": ("ExpiredToken", 403),
        "invalid_token": ("InvalidClientTokenId", 403),
        "missing_token": ("InvalidClientTokenId", 403),
    },
    "kms": {
        "unknown": ("UnrecognizedClientException", 400),
        "signature": ("InvalidSignatureException", 400),
        "skew": ("InvalidSignatureException", 400),
        "expired_token": ("ExpiredTokenException", 400),
        "invalid_token": ("UnrecognizedClientException", 400),
        "missing_token": ("UnrecognizedClientException", 400),
    },
    "ec2": {
        "unknown": ("AuthFailure", 401),
        "signature": ("SignatureDoesNotMatch", 403),
        "skew": ("RequestExpired", 400),
        "expired_token": ("RequestExpired", 400),
        "invalid_token": ("AuthFailure", 401),
        "missing_token": ("AuthFailure", 401),
    },
    "efs": {
        "unknown": ("UnrecognizedClientException", 403),
        "signature": ("InvalidSignatureException", 403),
        "skew": ("InvalidSignatureException", 403),
        "expired_token": ("ExpiredTokenException", 403),
        "invalid_token": ("UnrecognizedClientException", 403),
        "missing_token": ("UnrecognizedClientException", 403),
    },
}
EXPECTED["sts"] = EXPECTED["rds"] = EXPECTED["iam"]
EXPECTED["cloudtrail"] = EXPECTED["kms"]
SERVICES = sorted(CALLS)
ENDPOINTS = ["http://localhost:4566", "https://127.0.0.1:4566"]


# --- scope and form ----------------------------------------------------------------------


def test_wrong_service_in_scope() -> None:
    prepared, data = capture("sts", CALLS["sts"])
    with pytest.raises(AwsError) as exc:  # an STS-signed request sent to IAM
        run(_auth(MovableClock()).authenticate(to_request(prepared, data), service("iam")))
    assert exc.value.code == "SignatureDoesNotMatch"
    assert exc.value.message == "Credential should be scoped to correct service: 'iam'. "


def test_wrong_service_in_scope_s3() -> None:
    prepared, data = capture("kms", CALLS["kms"])
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(to_request(prepared, data), service("s3")))
    assert (exc.value.code, exc.value.status) == ("AuthorizationHeaderMalformed", 400)
    assert 'incorrect service "kms"' in exc.value.message


def test_kms_wrong_service_is_invalid_signature() -> None:
    prepared, data = capture("sts", CALLS["sts"])
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(to_request(prepared, data), service("kms")))
    assert (exc.value.code, exc.value.status) == ("InvalidSignatureException", 400)


def _mutate_header(name: str, value: str, svc: str = "s3") -> AwsError:
    prepared, data = capture(svc, CALLS[svc])
    request = to_request(prepared, data)
    items = [(k, v) for k, v in request.headers.items() if k != name]
    request.headers = Headers([*items, (name, value)] if value else items)
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(request, service(svc)))
    return exc.value


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (
            "AWS4-HMAC-SHA256 Credential=AK/20250101/us-east-1/s3/aws4_request",
            "AuthorizationHeaderMalformed",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AK/20250101/s3/aws4_request, "
            "SignedHeaders=host, Signature=ab",
            "AuthorizationHeaderMalformed",
        ),
        ("AWS4-HMAC-SHA256 garbage", "AuthorizationHeaderMalformed"),
        ("AWS4-ECDSA-P256-SHA256 Credential=x", "InvalidRequest"),
        ("Bearer abc", "InvalidArgument"),
        ("AWS no-colon-here", "InvalidArgument"),
    ],
)
def test_malformed_authorization_s3(value: str, code: str) -> None:
    assert _mutate_header("authorization", value).code == code


@pytest.mark.parametrize(
    "value",
    [
        "AWS4-HMAC-SHA256 Credential=AK/20250101/us-east-1/sts/aws4_request",
        "Bearer abc",
        "AWS AK:sig",
    ],
)
def test_malformed_authorization_query(value: str) -> None:
    error = _mutate_header("authorization", value, "sts")
    assert (error.code, error.status) == ("IncompleteSignature", 400)


def test_missing_date() -> None:
    error = _mutate_header("x-amz-date", "")
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert error.message == "AWS authentication requires a valid Date or x-amz-date header"
    error = _mutate_header("x-amz-date", "", "kms")
    assert error.code == "IncompleteSignatureException"


def test_missing_content_sha256_s3() -> None:
    error = _mutate_header("x-amz-content-sha256", "")
    assert (error.code, error.status) == ("InvalidRequest", 400)


def test_invalid_content_sha256_s3() -> None:
    error = _mutate_header("x-amz-content-sha256", "not-a-hash")
    assert (error.code, error.status) == ("InvalidArgument", 400)
    assert error.fields["ArgumentValue"] == "not-a-hash"


def test_tampered_signed_header() -> None:
    prepared, data = capture(
        "s3", lambda c: c.put_object(Bucket="b", Key="k", Body=b"x", ContentType="text/plain")
    )
    request = to_request(prepared, data)
    request.headers = Headers(
        [(k, "image/png" if k == "content-type" else v) for k, v in request.headers.items()]
    )
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(request, service("s3")))
    assert exc.value.code == "SignatureDoesNotMatch"
    assert "content-type:image/png" in str(exc.value.fields["CanonicalRequest"])


def test_tampered_query_body() -> None:
    prepared, data = capture("iam", CALLS["iam"])
    request = to_request(prepared, data.replace(b"division_abc", b"division_xyz"))
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(request, service("iam")))
    assert exc.value.code == "SignatureDoesNotMatch"


def test_unsigned_body_too_large() -> None:
    prepared, data = capture("iam", CALLS["iam"])
    auth = Authenticator(MemoryCredentials(long_term()), MovableClock().clock, max_unsigned_body=10)
    with pytest.raises(AwsError) as exc:
        run(auth.authenticate(to_request(prepared, data), service("iam")))
    assert exc.value.status == 413


def test_body_replaced_with_bytes_for_query_services() -> None:
    prepared, data = capture("sts", CALLS["sts"])
    request = to_request(prepared, data, piece_size=3)
    run(_auth(MovableClock()).authenticate(request, service("sts")))
    assert isinstance(request.body, BytesBody)
    assert request.body.length == len(data)


def test_session_token_not_echoed_in_signature_error() -> None:
    prepared, data = capture("s3", CALLS["s3"], access_key=TMP_AK, secret="wrong", token=TOKEN)
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(to_request(prepared, data), service("s3")))
    assert exc.value.code == "SignatureDoesNotMatch"
    assert "x-amz-security-token:REDACTED" in str(exc.value.fields["CanonicalRequest"])
    assert TOKEN not in str(exc.value.fields) + exc.value.message


def _kms_request(content_sha256: str | None, body: bytes = b"{}") -> HttpRequest:
    import hashlib

    from .support import sign_headers_v4

    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    headers = {
        "host": "localhost:4566",
        "x-amz-date": amz_date,
        "x-amz-target": "TrentService.ListKeys",
        "content-type": "application/x-amz-json-1.1",
    }
    if content_sha256 is not None:
        headers["x-amz-content-sha256"] = content_sha256
    payload = content_sha256 if content_sha256 is not None else hashlib.sha256(body).hexdigest()
    auth, _ = sign_headers_v4(
        method="POST",
        canonical_uri="/",
        canonical_query="",
        headers=headers,
        payload_hash=payload,
        secret=SECRET,
        access_key=AK,
        amz_date=amz_date,
        svc="kms",
    )
    return HttpRequest(
        "POST", "/", "", Headers([*headers.items(), ("authorization", auth)]), PiecesBody([body])
    )


def test_non_s3_signs_the_content_sha256_header_value() -> None:
    import hashlib

    auth = _auth(MovableClock())
    run(auth.authenticate(_kms_request(None), service("kms")))
    run(auth.authenticate(_kms_request("UNSIGNED-PAYLOAD"), service("kms")))
    run(auth.authenticate(_kms_request(hashlib.sha256(b"{}").hexdigest()), service("kms")))
    with pytest.raises(AwsError) as exc:
        run(auth.authenticate(_kms_request("0" * 64), service("kms")))
    assert exc.value.code == "InvalidSignatureException"
