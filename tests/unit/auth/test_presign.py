"""Presigned URLs: SigV4 query (any service) and S3 SigV2 query, as boto3 makes them."""

from __future__ import annotations

import pytest
from botocore.config import Config

from fogbank.auth.authenticator import Authenticator
from fogbank.core.errors import AwsError

from .support import (
    TMP_AK,
    TMP_SECRET,
    TOKEN,
    MemoryCredentials,
    MovableClock,
    PiecesBody,
    client_for,
    long_term,
    read_all,
    run,
    service,
    temporary,
    url_request,
)

V4 = Config(signature_version="s3v4")
KEYS = ["plain.txt", "dir/a b+c=d:e~f!.txt", "ünï/日本.txt", "x?y&z#w"]


def _auth(clock: MovableClock) -> Authenticator:
    return Authenticator(MemoryCredentials(long_term(), temporary()), clock.clock)


def _presign(
    key: str = "k", *, config: Config | None = V4, expires: int = 3600, **client_args: object
) -> str:
    client = client_for("s3", config=config, **client_args)  # type: ignore[arg-type]
    url: str = client.generate_presigned_url(
        "get_object",
        Params={"Bucket": "bucket", "Key": key, "ResponseContentType": "text/plain"},
        ExpiresIn=expires,
    )
    return url


@pytest.mark.parametrize("key", KEYS)
def test_sigv4_presigned_get(key: str) -> None:
    clock = MovableClock()
    url = _presign(key)
    assert "X-Amz-Signature=" in url
    result = run(_auth(clock).authenticate(url_request(url), service("s3")))
    assert result.method == "sigv4-query"
    assert result.auth_type == "REST-QUERY-STRING"
    assert result.region == "us-east-1"


def test_sigv4_presigned_put() -> None:
    client = client_for("s3", config=V4)
    url = client.generate_presigned_url(
        "put_object", Params={"Bucket": "bucket", "Key": "k"}, ExpiresIn=60
    )
    result = run(_auth(MovableClock()).authenticate(url_request(url, "PUT"), service("s3")))
    assert result.method == "sigv4-query"


def test_sigv4_presigned_put_with_content_sha256_header() -> None:
    import hashlib

    client = client_for("s3", config=V4)
    url = client.generate_presigned_url(
        "put_object", Params={"Bucket": "bucket", "Key": "k"}, ExpiresIn=60
    )
    digest = hashlib.sha256(b"data").hexdigest()
    request = url_request(url, "PUT", [("x-amz-content-sha256", digest)])
    request.body = PiecesBody([b"data"])
    run(_auth(MovableClock()).authenticate(request, service("s3")))
    assert run(read_all(request.body)) == b"data"
    request = url_request(url, "PUT", [("x-amz-content-sha256", digest)])
    request.body = PiecesBody([b"DATA"])
    run(_auth(MovableClock()).authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.code == "XAmzContentSHA256Mismatch"


def test_sigv4_presigned_later_within_expiry() -> None:
    clock = MovableClock()
    url = _presign(expires=7 * 86400)
    clock.offset = 6 * 86400  # a week-long URL used six days later: fine, no skew check
    run(_auth(clock).authenticate(url_request(url), service("s3")))


def test_sigv4_presigned_expired() -> None:
    clock = MovableClock()
    url = _presign(expires=60)
    clock.offset = 120
    with pytest.raises(AwsError) as exc:
        run(_auth(clock).authenticate(url_request(url), service("s3")))
    assert (exc.value.code, exc.value.status, exc.value.message) == (
        "AccessDenied",
        403,
        "Request has expired",
    )
    assert exc.value.fields["X-Amz-Expires"] == 60
    assert set(exc.value.fields) == {"X-Amz-Expires", "Expires", "ServerTime"}


def test_sigv4_presigned_not_yet_valid() -> None:
    clock = MovableClock()
    url = _presign()
    clock.offset = -3600
    with pytest.raises(AwsError) as exc:
        run(_auth(clock).authenticate(url_request(url), service("s3")))
    assert (exc.value.code, exc.value.message) == ("AccessDenied", "Request is not valid yet")


def test_sigv4_presigned_expires_over_a_week() -> None:
    url = _presign(expires=700000)  # botocore does not refuse it; AWS does
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(url_request(url), service("s3")))
    assert (exc.value.code, exc.value.status) == ("AuthorizationQueryParametersError", 400)
    assert "604800" in exc.value.message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("response-content-type", "response-content-typo"),
        ("text%2Fplain", "text%2Fhtml"),
        ("X-Amz-Expires=3600", "X-Amz-Expires=3599"),
    ],
)
def test_sigv4_presigned_tampered(old: str, new: str) -> None:
    url = _presign()
    tampered = url.replace(old, new)
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(url_request(tampered), service("s3")))
    assert exc.value.code == "SignatureDoesNotMatch"


def test_sigv4_presigned_wrong_secret() -> None:
    url = _presign(secret="wrong")
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(url_request(url), service("s3")))
    assert (exc.value.code, exc.value.status) == ("SignatureDoesNotMatch", 403)


def test_sigv4_presigned_missing_parameter() -> None:
    url = _presign().replace("X-Amz-Expires", "X-Amz-Whatever")
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(url_request(url), service("s3")))
    assert (exc.value.code, exc.value.status) == ("AuthorizationQueryParametersError", 400)


def test_sigv4_presigned_wrong_algorithm() -> None:
    url = _presign().replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(url_request(url), service("s3")))
    assert exc.value.code == "AuthorizationQueryParametersError"


def test_sigv4_presigned_session_token() -> None:
    url = _presign(access_key=TMP_AK, secret=TMP_SECRET, token=TOKEN)
    assert "X-Amz-Security-Token=" in url
    result = run(_auth(MovableClock()).authenticate(url_request(url), service("s3")))
    assert result.access_key_id == TMP_AK
    without = url.replace("X-Amz-Security-Token=", "X-Amz-Other=")
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(url_request(without), service("s3")))
    assert exc.value.code == "InvalidAccessKeyId"


def test_sigv4_presigned_non_s3() -> None:
    # What `aws eks get-token` makes: a GET-signed STS GetCallerIdentity URL.
    client = client_for("sts")
    url = client.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    result = run(_auth(MovableClock()).authenticate(url_request(url), service("sts")))
    assert (result.method, result.signing_service) == ("sigv4-query", "sts")
    clock = MovableClock()
    clock.offset = 3600
    with pytest.raises(AwsError) as exc:
        run(_auth(clock).authenticate(url_request(url), service("sts")))
    assert exc.value.code == "SignatureDoesNotMatch"
    assert exc.value.message.startswith("Signature expired: ")


def test_sigv4_presigned_non_s3_default_method_is_post() -> None:
    client = client_for("sts")
    url = client.generate_presigned_url("get_caller_identity", ExpiresIn=60)
    run(_auth(MovableClock()).authenticate(url_request(url, "POST"), service("sts")))
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(url_request(url, "GET"), service("sts")))
    assert exc.value.code == "SignatureDoesNotMatch"


# --- SigV2 (boto3's default for S3 presigned URLs in us-east-1) ----------------------------


@pytest.mark.parametrize("key", KEYS)
def test_sigv2_presigned_get(key: str) -> None:
    url = _presign(key, config=None)
    assert "AWSAccessKeyId=" in url and "X-Amz-Signature" not in url
    result = run(_auth(MovableClock()).authenticate(url_request(url), service("s3")))
    assert (result.method, result.auth_type) == ("sigv2-query", "REST-QUERY-STRING")


def test_sigv2_presigned_subresources() -> None:
    client = client_for("s3", config=None)
    url = client.generate_presigned_url(
        "get_object",
        Params={
            "Bucket": "bucket",
            "Key": "k",
            "VersionId": "v 1/2",
            "ResponseContentDisposition": "attachment; filename=x",
        },
        ExpiresIn=60,
    )
    run(_auth(MovableClock()).authenticate(url_request(url), service("s3")))
    tampered = url.replace("versionId=v", "versionId=w")
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(url_request(tampered), service("s3")))
    assert exc.value.code == "SignatureDoesNotMatch"


def test_sigv2_presigned_expired() -> None:
    clock = MovableClock()
    url = _presign(config=None, expires=60)
    clock.offset = 61
    with pytest.raises(AwsError) as exc:
        run(_auth(clock).authenticate(url_request(url), service("s3")))
    assert (exc.value.code, exc.value.message) == ("AccessDenied", "Request has expired")


def test_sigv2_presigned_wrong_secret() -> None:
    url = _presign(config=None, secret="nope")
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(url_request(url), service("s3")))
    assert exc.value.code == "SignatureDoesNotMatch"
    assert "StringToSign" in exc.value.fields


def test_sigv2_presigned_session_token() -> None:
    url = _presign(config=None, access_key=TMP_AK, secret=TMP_SECRET, token=TOKEN)
    assert "x-amz-security-token=" in url
    run(_auth(MovableClock()).authenticate(url_request(url), service("s3")))


def test_sigv2_presigned_unknown_key() -> None:
    url = _presign(config=None, access_key="AKIANOBODY0000000000")
    with pytest.raises(AwsError) as exc:
        run(_auth(MovableClock()).authenticate(url_request(url), service("s3")))
    assert exc.value.code == "InvalidAccessKeyId"
