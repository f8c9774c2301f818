"""S3 payloads as boto3 sends them: signed SHA-256 bodies and unsigned aws-chunked trailers."""

from __future__ import annotations

import base64
import os
import zlib

import pytest
from botocore.config import Config

from fogbank.auth.authenticator import Authenticator
from fogbank.auth.error_codes import Family
from fogbank.auth.payload import Sha256VerifyingBody
from fogbank.core.errors import AwsError
from fogbank.protocol.http import Headers, HttpRequest

from .support import (
    MemoryCredentials,
    MovableClock,
    PiecesBody,
    capture,
    long_term,
    read_all,
    run,
    service,
    split_every,
    to_request,
)

HTTPS = "https://localhost:4566"
ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]


def _auth() -> Authenticator:
    return Authenticator(MemoryCredentials(long_term()), MovableClock().clock)


def _put(
    body: bytes, *, endpoint: str = "http://localhost:4566", **params: object
) -> tuple[HttpRequest, bytes]:
    prepared, data = capture(
        "s3",
        lambda c: c.put_object(Bucket="bucket", Key="key", Body=body, **params),
        endpoint=endpoint,
    )
    return to_request(prepared, data), data


def _replace_body(request: HttpRequest, data: bytes, piece_size: int | None = None) -> HttpRequest:
    request.body = PiecesBody(split_every(data, piece_size) if piece_size else [data], len(data))
    return request


def test_sha256_payload_streams_and_verifies() -> None:
    body = os.urandom(300_000)
    request, data = _put(body)
    assert request.headers.get("x-amz-content-sha256") != "UNSIGNED-PAYLOAD"
    _replace_body(request, data, 65536)
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == body


def test_sha256_payload_tampered_fails_when_read() -> None:
    request, _data = _put(b"hello world")
    run(_auth().authenticate(request, service("s3")))  # the signature itself is fine
    _replace_body(request, b"hello WORLD")
    request.body = Sha256VerifyingBody(
        request.body, request.headers.get("x-amz-content-sha256") or "", Family.S3
    )
    seen: list[bytes] = []

    async def consume() -> None:
        async for chunk in request.body:
            seen.append(chunk)

    with pytest.raises(AwsError) as exc:
        run(consume())
    assert seen == [b"hello WORLD"]  # the error comes at the end, before the operation commits
    assert (exc.value.code, exc.value.status) == ("XAmzContentSHA256Mismatch", 400)
    assert exc.value.fields["ClientComputedContentSHA256"] == request.headers.get(
        "x-amz-content-sha256"
    )


def test_tampered_body_via_authenticate() -> None:
    request, _data = _put(b"hello world")
    _replace_body(request, b"hello w0rld")
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.code == "XAmzContentSHA256Mismatch"


def test_empty_body_get() -> None:
    prepared, data = capture("s3", lambda c: c.get_object(Bucket="b", Key="k"))
    request = to_request(prepared, data)
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == b""


@pytest.mark.parametrize("piece_size", [1, 3, 7, 64, 1000, None])
def test_unsigned_trailer_crc32_default(piece_size: int | None) -> None:
    body = b"hello world"
    request, data = _put(body, endpoint=HTTPS)
    assert request.headers.get("x-amz-content-sha256") == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert data == b"b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
    _replace_body(request, data, piece_size)
    run(_auth().authenticate(request, service("s3")))
    assert request.body.length == 11
    assert run(read_all(request.body)) == body
    assert request.body.trailers == {"x-amz-checksum-crc32": "DUoRhQ=="}


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_unsigned_trailer_each_algorithm(algorithm: str) -> None:
    body = os.urandom(2 * 1024 * 1024 + 17)  # several of botocore's 1 MiB chunks
    request, data = _put(body, endpoint=HTTPS, ChecksumAlgorithm=algorithm)
    _replace_body(request, data, 65536)
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == body
    assert list(request.body.trailers) == [f"x-amz-checksum-{algorithm.lower()}"]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_unsigned_trailer_wrong_checksum(algorithm: str) -> None:
    body = b"some object data" * 1000
    request, data = _put(body, endpoint=HTTPS, ChecksumAlgorithm=algorithm)
    name = f"x-amz-checksum-{algorithm.lower()}:".encode()
    start = data.index(name) + len(name)
    end = data.index(b"\r\n", start)
    good = base64.b64decode(data[start:end])
    wrong = base64.b64encode(bytes([good[0] ^ 1]) + good[1:])
    _replace_body(request, data[:start] + wrong + data[end:])
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert (exc.value.code, exc.value.status) == ("BadDigest", 400)
    assert (
        exc.value.message == f"The {algorithm} you specified did not match the calculated checksum."
    )


def test_unsigned_trailer_tampered_data() -> None:
    request, data = _put(b"hello world", endpoint=HTTPS)
    _replace_body(request, data.replace(b"hello", b"jello"))
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.code == "BadDigest"


def test_unsigned_trailer_invalid_checksum_value() -> None:
    request, data = _put(b"hello world", endpoint=HTTPS)
    _replace_body(request, data.replace(b"DUoRhQ==", b"not-base64!"))
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert (exc.value.code, exc.value.status) == ("InvalidRequest", 400)
    assert "x-amz-checksum-crc32" in exc.value.message


def test_unsigned_trailer_missing_trailer() -> None:
    request, _data = _put(b"hello world", endpoint=HTTPS)
    _replace_body(request, b"b\r\nhello world\r\n0\r\n\r\n")
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.code == "MalformedTrailerError"


@pytest.mark.parametrize("cut", [1, 5, 14, 18, 20, 30, 47])
def test_truncated_chunked_body(cut: int) -> None:
    request, data = _put(b"hello world", endpoint=HTTPS)
    truncated = data[:cut]
    _replace_body(request, truncated)
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.code in (
        "IncompleteBody",
        "MalformedTrailerError",
        "BadDigest",
        "InvalidRequest",
    )
    assert exc.value.status == 400


@pytest.mark.parametrize("cut", [48, 50])
def test_missing_final_line_ends_are_tolerated(cut: int) -> None:
    # Every byte of data and the whole checksum arrived: only the closing CRLFs are missing.
    request, data = _put(b"hello world", endpoint=HTTPS)
    _replace_body(request, data[:cut])
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == b"hello world"


def test_truncated_in_data_is_incomplete_body() -> None:
    request, data = _put(b"hello world", endpoint=HTTPS)
    _replace_body(request, data[:10])
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert (exc.value.code, exc.value.message) == (
        "IncompleteBody",
        "The request body terminated unexpectedly",
    )


@pytest.mark.parametrize("declared", ["10", "12", "0"])
def test_decoded_length_mismatch(declared: str) -> None:
    request, data = _put(b"hello world", endpoint=HTTPS)
    request.headers = Headers(
        [
            (k, declared if k == "x-amz-decoded-content-length" else v)
            for k, v in request.headers.items()
        ]
    )
    _replace_body(request, data)
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(request, service("s3")))  # the header is signed
    assert exc.value.code == "SignatureDoesNotMatch"
    # Unsigned (anonymous) requests get the framing check instead.
    request.headers = Headers([(k, v) for k, v in request.headers.items() if k != "authorization"])
    _replace_body(request, data)
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert (exc.value.code, exc.value.status) == ("IncompleteBody", 400)


@pytest.mark.parametrize(
    "body",
    [
        b"zz\r\nhello world\r\n0\r\n\r\n",
        b"b\r\nhello worldXY0\r\n\r\n",
        b"-1\r\nhello world\r\n0\r\n\r\n",
        b"b" * 5000,
        b"b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\nextra",
    ],
)
def test_malformed_framing(body: bytes) -> None:
    request, _ = _put(b"hello world", endpoint=HTTPS)
    request.headers = Headers([(k, v) for k, v in request.headers.items() if k != "authorization"])
    _replace_body(request, body)
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.status == 400
    assert exc.value.code in ("InvalidRequest", "IncompleteBody")


def test_missing_decoded_length() -> None:
    request, _data = _put(b"hello world", endpoint=HTTPS)
    request.headers = Headers(
        [
            (k, v)
            for k, v in request.headers.items()
            if k not in ("authorization", "x-amz-decoded-content-length")
        ]
    )
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(request, service("s3")))
    assert (exc.value.code, exc.value.status) == ("MissingContentLength", 411)


def test_zero_length_object_with_trailer() -> None:
    request, _data = _put(b"", endpoint=HTTPS)
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == b""
    crc = base64.b64encode(zlib.crc32(b"").to_bytes(4, "big")).decode()
    assert request.body.trailers == {"x-amz-checksum-crc32": crc}


def test_upload_part_with_trailer() -> None:
    body = os.urandom(100_000)
    prepared, data = capture(
        "s3",
        lambda c: c.upload_part(Bucket="b", Key="k", UploadId="u-1", PartNumber=3, Body=body),
        endpoint=HTTPS,
    )
    request = to_request(prepared, data, piece_size=4096)
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == body


def test_when_required_checksums_send_sha256_payload_over_https() -> None:
    config = Config(request_checksum_calculation="when_required")
    prepared, data = capture(
        "s3",
        lambda c: c.put_object(Bucket="b", Key="k", Body=b"abc"),
        endpoint=HTTPS,
        config=config,
    )
    request = to_request(prepared, data)
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == b"abc"


@pytest.mark.parametrize(
    "key",
    [
        "dir/a b+c=d:e~f!.txt",
        "ünïcödé/日本語 ファイル.txt",
        "plus+plus/%percent%/a&b?c#d",
        "(parens)*star*'quote'",
        "trailing/slash/",
        "dots/../and/./segments",
        "double//slash",
    ],
)
def test_keys_with_special_characters(key: str) -> None:
    prepared, data = capture("s3", lambda c: c.put_object(Bucket="b", Key=key, Body=b"x"))
    request = to_request(prepared, data)
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == b"x"
