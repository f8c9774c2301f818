"""SigV4 Authorization-header requests, as boto3 signs them, for every service family."""

from __future__ import annotations

import calendar
import time
from collections.abc import Callable
from typing import Any

import pytest

from fogbank.auth.authenticator import Authenticator
from fogbank.core.errors import AwsError

from .support import (
    AK,
    SECRET,
    TMP_AK,
    TMP_SECRET,
    TOKEN,
    MemoryCredentials,
    MovableClock,
    capture,
    long_term,
    read_all,
    run,
    service,
    temporary,
    to_request,
)

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


def _auth(clock: MovableClock, *creds: Any) -> Authenticator:
    return Authenticator(MemoryCredentials(*(creds or (long_term(), temporary()))), clock.clock)


def _expect(exc: pytest.ExceptionInfo[AwsError], name: str, kind: str) -> None:
    assert (exc.value.code, exc.value.status) == EXPECTED[name][kind], exc.value


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("name", SERVICES)
def test_good_request(name: str, endpoint: str) -> None:
    clock = MovableClock()
    prepared, data = capture(name, CALLS[name], endpoint=endpoint, region="eu-west-3")
    request = to_request(prepared, data, piece_size=7)
    result = run(_auth(clock).authenticate(request, service(name)))
    assert result.method == "sigv4-header"
    assert result.access_key_id == AK
    assert result.region == "eu-west-3"
    assert result.signing_service == service(name).signing_name
    assert result.principal.access_key_id == AK
    assert result.auth_type == "REST-HEADER"
    assert result.signed_at is not None and abs(result.signed_at - clock.clock.time()) < 5
    assert result.signature_age_ms is not None and result.signature_age_ms >= 0
    assert run(read_all(request.body)) == data  # the body is still there for the parser


@pytest.mark.parametrize("name", SERVICES)
def test_wrong_secret(name: str) -> None:
    clock = MovableClock()
    prepared, data = capture(name, CALLS[name], secret="not-the-secret")
    with pytest.raises(AwsError) as exc:
        run(_auth(clock).authenticate(to_request(prepared, data), service(name)))
    _expect(exc, name, "signature")
    assert "not-the-secret" not in str(exc.value) + str(exc.value.fields)
    assert SECRET not in str(exc.value) + str(exc.value.fields)


@pytest.mark.parametrize("name", SERVICES)
def test_unknown_key(name: str) -> None:
    prepared, data = capture(name, CALLS[name], access_key="AKIAUNKNOWN000000000")
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(to_request(prepared, data), service(name)))
    _expect(exc, name, "unknown")


def test_inactive_key_is_unknown() -> None:
    from dataclasses import replace

    prepared, data = capture("sts", CALLS["sts"])
    auth = _auth(MovableClock(), replace(long_term(), active=False))
    with pytest.raises(AwsError) as exc:
        run(auth.authenticate(to_request(prepared, data), service("sts")))
    assert exc.value.code == "InvalidClientTokenId"


@pytest.mark.parametrize("minutes", [-20, 20])
@pytest.mark.parametrize("name", SERVICES)
def test_skew(name: str, minutes: int) -> None:
    clock = MovableClock()
    prepared, data = capture(name, CALLS[name])
    clock.offset = minutes * 60
    with pytest.raises(AwsError) as exc:
        run(_auth(clock).authenticate(to_request(prepared, data), service(name)))
    _expect(exc, name, "skew")
    if name == "s3":
        assert exc.value.fields["MaxAllowedSkewMilliseconds"] == 900000
        assert exc.value.fields["RequestTime"] == prepared.headers["X-Amz-Date"].decode()
        assert str(exc.value.fields["ServerTime"]).endswith("Z")
    elif name in ("iam", "sts", "rds", "kms", "cloudtrail", "efs"):
        word = "expired" if minutes > 0 else "not yet current"
        assert f"Signature {word}: " in exc.value.message
        assert "15 min.)" in exc.value.message


@pytest.mark.parametrize("minutes", [-14, 14])
def test_skew_within_limit(minutes: int) -> None:
    clock = MovableClock()
    prepared, data = capture("s3", CALLS["s3"])
    clock.offset = minutes * 60
    run(_auth(clock).authenticate(to_request(prepared, data), service("s3")))


def test_skew_message_query() -> None:
    prepared, data = capture("sts", CALLS["sts"])
    stamp = prepared.headers["X-Amz-Date"].decode()
    signed = calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ"))
    clock = MovableClock(fixed=signed + 1800)
    with pytest.raises(AwsError) as exc:
        run(_auth(clock).authenticate(to_request(prepared, data), service("sts")))
    now = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(signed + 1800))
    limit = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(signed + 900))
    assert exc.value.message == (
        f"Signature expired: {stamp} is now earlier than {limit} ({now} - 15 min.)"
    )


# --- session tokens ----------------------------------------------------------------------


@pytest.mark.parametrize("name", SERVICES)
def test_session_token_valid(name: str) -> None:
    prepared, data = capture(name, CALLS[name], access_key=TMP_AK, secret=TMP_SECRET, token=TOKEN)
    result = run(_auth(MovableClock()).authenticate(to_request(prepared, data), service(name)))
    assert result.access_key_id == TMP_AK
    assert result.credential is not None and result.credential.session_token == TOKEN


@pytest.mark.parametrize("name", SERVICES)
def test_session_token_missing(name: str) -> None:
    prepared, data = capture(name, CALLS[name], access_key=TMP_AK, secret=TMP_SECRET)
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(to_request(prepared, data), service(name)))
    _expect(exc, name, "missing_token")


@pytest.mark.parametrize("name", SERVICES)
def test_session_token_wrong(name: str) -> None:
    prepared, data = capture(
        name, CALLS[name], access_key=TMP_AK, secret=TMP_SECRET, token=TOKEN + "x"
    )
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(to_request(prepared, data), service(name)))
    _expect(exc, name, "invalid_token")
    assert TOKEN not in str(exc.value) + str(exc.value.fields)


@pytest.mark.parametrize("name", SERVICES)
def test_session_token_expired(name: str) -> None:
    clock = MovableClock()
    creds = temporary(expires_at=clock.clock.time() + 60)
    prepared, data = capture(name, CALLS[name], access_key=TMP_AK, secret=TMP_SECRET, token=TOKEN)
    auth = _auth(clock, creds)
    run(auth.authenticate(to_request(prepared, data), service(name)))
    clock.offset = 120  # the request is still within skew, the credentials are not
    with pytest.raises(AwsError) as exc:
        run(auth.authenticate(to_request(prepared, data), service(name)))
    _expect(exc, name, "expired_token")


def test_token_with_long_term_key_is_invalid() -> None:
    prepared, data = capture("s3", CALLS["s3"], token=TOKEN)
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(to_request(prepared, data), service("s3")))
    assert exc.value.code == "InvalidToken"
