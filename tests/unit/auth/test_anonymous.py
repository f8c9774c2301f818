"""Requests without any signature: anonymous, with S3 payloads still checked."""

from __future__ import annotations

import pytest

from fogbank.auth.authenticator import Authenticator
from fogbank.core.errors import AwsError
from fogbank.core.principal import ANONYMOUS
from fogbank.protocol.http import Headers, HttpRequest

from .support import MemoryCredentials, MovableClock, PiecesBody, read_all, run, service


def _request(headers: list[tuple[str, str]], body: bytes = b"", query: str = "") -> HttpRequest:
    return HttpRequest(
        "PUT", "/bucket/key", query, Headers([("host", "localhost"), *headers]), PiecesBody([body])
    )


def _auth() -> Authenticator:
    return Authenticator(MemoryCredentials(), MovableClock().clock)


@pytest.mark.parametrize("name", ["s3", "iam", "sts", "kms", "ec2", "efs", "cloudtrail", "rds"])
def test_anonymous(name: str) -> None:
    result = run(_auth().authenticate(_request([]), service(name)))
    assert result.principal is ANONYMOUS
    assert (result.method, result.credential, result.access_key_id) == ("anonymous", None, None)


def test_anonymous_unsigned_trailer_is_decoded() -> None:
    body = b"b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
    request = _request(
        [
            ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
            ("content-encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", "11"),
            ("x-amz-trailer", "x-amz-checksum-crc32"),
        ],
        body,
    )
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == b"hello world"
    assert request.body.trailers == {"x-amz-checksum-crc32": "DUoRhQ=="}


def test_anonymous_signed_streaming_refused() -> None:
    request = _request([("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")])
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(request, service("s3")))
    assert (exc.value.code, exc.value.status) == ("InvalidRequest", 400)


def test_anonymous_sha256_payload_checked() -> None:
    request = _request([("x-amz-content-sha256", "0" * 64)], b"data")
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.code == "XAmzContentSHA256Mismatch"


def test_unrelated_query_parameters_are_anonymous() -> None:
    request = _request([], query="Signature-ish=1&X-Amz-Meta=2&uploads")
    assert run(_auth().authenticate(request, service("s3"))).method == "anonymous"
