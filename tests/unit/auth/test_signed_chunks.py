"""Signed aws-chunked uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]).

botocore never sends these. The vectors are AWS's worked examples
(docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
sigv4-streaming-trailers.html: 64 KiB + 1 KiB of 'a', credentials AKIAIOSFODNN7EXAMPLE,
2013-05-24T00:00:00Z); other shapes come from the independent signer in support.py.
"""

from __future__ import annotations

import base64

import pytest
from awscrt import checksums

from fogbank.auth.authenticator import Authenticator
from fogbank.core.errors import AwsError
from fogbank.protocol.http import Headers, HttpRequest

from .support import (
    DOC_AK,
    DOC_SECRET,
    MemoryCredentials,
    MovableClock,
    PiecesBody,
    long_term,
    read_all,
    run,
    service,
    split_every,
)

DOC_TIME = 1369353600.0  # 20130524T000000Z
DOC_DATE = "20130524T000000Z"
DATA = b"a" * 66560
SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
CHUNK_SIGS = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
]
TRAILER_SEED = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
TRAILER_CHUNK_SIGS = [
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
]
TRAILER_SIG = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
SCOPE = f"{DOC_AK}/20130524/us-east-1/s3/aws4_request"


def _auth() -> Authenticator:
    return Authenticator(
        MemoryCredentials(long_term(DOC_AK, DOC_SECRET)), MovableClock(fixed=DOC_TIME).clock
    )


def _doc_body(sigs: list[str], tail: bytes = b"\r\n") -> bytes:
    return (
        b"10000;chunk-signature=%s\r\n" % sigs[0].encode()
        + DATA[:65536]
        + b"\r\n400;chunk-signature=%s\r\n" % sigs[1].encode()
        + DATA[65536:]
        + b"\r\n0;chunk-signature=%s\r\n" % sigs[2].encode()
        + tail
    )


def _doc_request(body: bytes, *, trailer: bool = False, piece: int | None = 1000) -> HttpRequest:
    if trailer:
        signed = (
            "content-encoding;host;x-amz-content-sha256;x-amz-date;"
            "x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer"
        )
        seed, mode = TRAILER_SEED, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    else:
        signed = (
            "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
            "x-amz-decoded-content-length;x-amz-storage-class"
        )
        seed, mode = SEED, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    headers = [
        ("host", "s3.amazonaws.com"),
        ("x-amz-date", DOC_DATE),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        (
            "authorization",
            f"AWS4-HMAC-SHA256 Credential={SCOPE},SignedHeaders={signed},Signature={seed}",
        ),
        ("x-amz-content-sha256", mode),
        ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "66560"),
    ]
    headers.append(
        ("x-amz-trailer", "x-amz-checksum-crc32c") if trailer else ("content-length", "66824")
    )
    pieces = split_every(body, piece) if piece else [body]
    return HttpRequest(
        "PUT", "/examplebucket/chunkObject.txt", "", Headers(headers), PiecesBody(pieces)
    )


@pytest.mark.parametrize("piece", [1, 13, 1000, 65536, None])
def test_aws_documentation_example(piece: int | None) -> None:
    body = _doc_body(CHUNK_SIGS)
    assert len(body) == 66824  # as the documentation says
    request = _doc_request(body, piece=piece)
    result = run(_auth().authenticate(request, service("s3")))
    assert result.method == "sigv4-header"
    assert request.body.length == 66560
    assert run(read_all(request.body)) == DATA


@pytest.mark.parametrize("blank_line", [True, False])
def test_aws_documentation_trailer_example(blank_line: bool) -> None:
    trailer = (
        b"x-amz-checksum-crc32c:sOO8/Q==\r\n"
        b"x-amz-trailer-signature:" + TRAILER_SIG.encode() + b"\r\n\r\n"
    )
    body = _doc_body(TRAILER_CHUNK_SIGS, (b"\r\n" if blank_line else b"") + trailer)
    request = _doc_request(body, trailer=True, piece=777)
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == DATA
    assert request.body.trailers == {"x-amz-checksum-crc32c": "sOO8/Q=="}
    assert base64.b64encode(checksums.crc32c(DATA).to_bytes(4, "big")) == b"sOO8/Q=="


def test_bad_trailer_signature() -> None:
    trailer = (
        b"\r\nx-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" + b"0" * 64 + b"\r\n\r\n"
    )
    request = _doc_request(_doc_body(TRAILER_CHUNK_SIGS, trailer), trailer=True)
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.code == "SignatureDoesNotMatch"


def test_signed_trailer_value_changed() -> None:
    trailer = (
        b"\r\nx-amz-checksum-crc32c:sOO8/A==\r\nx-amz-trailer-signature:"
        + TRAILER_SIG.encode()
        + b"\r\n\r\n"
    )
    request = _doc_request(_doc_body(TRAILER_CHUNK_SIGS, trailer), trailer=True)
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.code == "SignatureDoesNotMatch"


def test_bad_seed_signature() -> None:
    request = _doc_request(_doc_body(CHUNK_SIGS))
    request.headers = Headers(
        [
            (k, v.replace(SEED, "1" * 64) if k == "authorization" else v)
            for k, v in request.headers.items()
        ]
    )
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(request, service("s3")))
    assert exc.value.code == "SignatureDoesNotMatch"


@pytest.mark.parametrize("index", [0, 1, 2])
def test_bad_chunk_signature_mid_stream(index: int) -> None:
    sigs = list(CHUNK_SIGS)
    sigs[index] = "f" * 64
    request = _doc_request(_doc_body(sigs), piece=4096)
    run(_auth().authenticate(request, service("s3")))
    received = 0

    async def consume() -> None:
        nonlocal received
        async for chunk in request.body:
            received += len(chunk)

    with pytest.raises(AwsError) as exc:
        run(consume())
    assert (exc.value.code, exc.value.status) == ("SignatureDoesNotMatch", 403)
    assert received <= [65536, 66560, 66560][index]  # nothing after the bad chunk


def test_tampered_chunk_data() -> None:
    body = bytearray(_doc_body(CHUNK_SIGS))
    body[5000] = ord("b")
    request = _doc_request(bytes(body))
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.code == "SignatureDoesNotMatch"


def test_chunks_reordered() -> None:
    first = b"10000;chunk-signature=%s\r\n" % CHUNK_SIGS[1].encode()
    body = first + DATA[:65536] + _doc_body(CHUNK_SIGS)[len(first) + 65536 :]
    request = _doc_request(body)
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.code == "SignatureDoesNotMatch"


@pytest.mark.parametrize("cut", [50, 90, 30000, 65700, 66700, 66800])
def test_truncated_signed_body(cut: int) -> None:
    request = _doc_request(_doc_body(CHUNK_SIGS)[:cut])
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert (exc.value.code, exc.value.status) == ("IncompleteBody", 400)


def test_missing_chunk_signature() -> None:
    body = _doc_body(CHUNK_SIGS).replace(b";chunk-signature=" + CHUNK_SIGS[0].encode(), b"", 1)
    request = _doc_request(body)
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert exc.value.status in (400, 403)
