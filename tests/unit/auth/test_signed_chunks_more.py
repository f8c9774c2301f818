"""Signed aws-chunked uploads from the independent signer in support.py: other sizes, small
chunks, trailers, paths and header encodings botocore never produces."""

from __future__ import annotations

import hashlib
import os

import pytest

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
    sign_headers_v4,
    signed_chunks,
    split_every,
)


def _auth() -> Authenticator:
    return Authenticator(
        MemoryCredentials(long_term(DOC_AK, DOC_SECRET)), MovableClock(fixed=DOC_TIME).clock
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


# --- the independent signer: other sizes, small chunks, trailers ---------------------------


def _signed_upload(
    data: bytes,
    chunk_size: int,
    *,
    trailer: str | None = None,
    path: str = "/bucket/key",
    canonical_path: str | None = None,
    blank_after_zero: bool = False,
    wrong_checksum: bool = False,
) -> HttpRequest:
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" + ("-TRAILER" if trailer else "")
    headers = {
        "host": "localhost:4566",
        "x-amz-date": DOC_DATE,
        "x-amz-content-sha256": mode,
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data)),
    }
    trailer_pair = None
    if trailer:
        headers["x-amz-trailer"] = f"x-amz-checksum-{trailer}"
        from fogbank.auth.checksums import encode_digest, new_checksum

        checksum = new_checksum(trailer)
        checksum.update(data + (b"!" if wrong_checksum else b""))
        trailer_pair = (f"x-amz-checksum-{trailer}", encode_digest(checksum.digest()))
    auth, seed = sign_headers_v4(
        method="PUT",
        canonical_uri=canonical_path or path,
        canonical_query="",
        headers=headers,
        payload_hash=mode,
        secret=DOC_SECRET,
        access_key=DOC_AK,
        amz_date=DOC_DATE,
    )
    body = signed_chunks(
        data,
        chunk_size,
        seed=seed,
        secret=DOC_SECRET,
        amz_date=DOC_DATE,
        trailer=trailer_pair,
        blank_after_zero=blank_after_zero,
    )
    return HttpRequest(
        "PUT",
        path,
        "",
        Headers([*headers.items(), ("authorization", auth)]),
        PiecesBody(split_every(body, 65536)),
    )


@pytest.mark.parametrize("size", [0, 1, 8192, 100_000, 1_000_000])
def test_independent_signer_round_trip(size: int) -> None:
    data = os.urandom(size)
    request = _signed_upload(data, 64 * 1024)
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == data


@pytest.mark.parametrize("algorithm", ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"])
@pytest.mark.parametrize("blank", [False, True])
def test_signed_trailer_each_algorithm(algorithm: str, blank: bool) -> None:
    data = os.urandom(300_000)
    request = _signed_upload(data, 128 * 1024, trailer=algorithm, blank_after_zero=blank)
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == data
    assert list(request.body.trailers) == [f"x-amz-checksum-{algorithm}"]


@pytest.mark.parametrize("algorithm", ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"])
def test_signed_trailer_wrong_checksum(algorithm: str) -> None:
    # Correctly signed, but the checksum is not the data's: BadDigest, not a signature error.
    request = _signed_upload(os.urandom(50_000), 16384, trailer=algorithm, wrong_checksum=True)
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert (exc.value.code, exc.value.status) == ("BadDigest", 400)
    assert algorithm.upper() in exc.value.message


def test_signed_chunk_too_small() -> None:
    request = _signed_upload(os.urandom(20_000), 4096)
    run(_auth().authenticate(request, service("s3")))
    with pytest.raises(AwsError) as exc:
        run(read_all(request.body))
    assert (exc.value.code, exc.value.status) == ("InvalidChunkSizeError", 400)
    assert exc.value.fields == {"Chunk": 1, "BadChunkSize": 4096}


def test_anonymous_cannot_stream_signed_chunks() -> None:
    request = _signed_upload(b"x" * 10, 8192)
    request.headers = Headers([(k, v) for k, v in request.headers.items() if k != "authorization"])
    with pytest.raises(AwsError) as exc:
        run(_auth().authenticate(request, service("s3")))
    assert (exc.value.code, exc.value.status) == ("InvalidRequest", 400)


def test_unescaped_path_characters_are_retried_uri_encoded() -> None:
    # A client that sends '!', '(', ')' and '*' raw but signs AWS UriEncode of the key.
    data = b"payload"
    raw = "/bucket/a!b(c)*d'e"
    encoded = "/bucket/a%21b%28c%29%2Ad%27e"
    headers = {
        "host": "localhost:4566",
        "x-amz-date": DOC_DATE,
        "x-amz-content-sha256": hashlib.sha256(data).hexdigest(),
    }
    auth, _ = sign_headers_v4(
        method="PUT",
        canonical_uri=encoded,
        canonical_query="",
        headers=headers,
        payload_hash=headers["x-amz-content-sha256"],
        secret=DOC_SECRET,
        access_key=DOC_AK,
        amz_date=DOC_DATE,
    )
    request = HttpRequest(
        "PUT", raw, "", Headers([*headers.items(), ("authorization", auth)]), PiecesBody([data])
    )
    run(_auth().authenticate(request, service("s3")))
    assert run(read_all(request.body)) == data


def test_utf8_header_values_signed_as_utf8() -> None:
    # Most SDKs send UTF-8 bytes in x-amz-meta-*; the edge decodes headers as latin-1.
    value = "Zoë ✓"
    wire = value.encode("utf-8").decode("latin-1")
    headers = {
        "host": "localhost:4566",
        "x-amz-date": DOC_DATE,
        "x-amz-content-sha256": hashlib.sha256(b"").hexdigest(),
        "x-amz-meta-name": value,
    }
    auth, _ = sign_headers_v4(
        method="PUT",
        canonical_uri="/bucket/key",
        canonical_query="",
        headers=headers,
        payload_hash=headers["x-amz-content-sha256"],
        secret=DOC_SECRET,
        access_key=DOC_AK,
        amz_date=DOC_DATE,
    )
    sent = [(k, wire if k == "x-amz-meta-name" else v) for k, v in headers.items()]
    request = HttpRequest(
        "PUT", "/bucket/key", "", Headers([*sent, ("authorization", auth)]), PiecesBody([b""])
    )
    run(_auth().authenticate(request, service("s3")))


def test_date_header_instead_of_x_amz_date() -> None:
    headers = {
        "host": "localhost:4566",
        "date": "Fri, 24 May 2013 00:00:00 GMT",
        "x-amz-content-sha256": hashlib.sha256(b"").hexdigest(),
    }
    auth, _ = sign_headers_v4(
        method="GET",
        canonical_uri="/bucket",
        canonical_query="list-type=2&prefix=a%20b",
        headers=headers,
        payload_hash=headers["x-amz-content-sha256"],
        secret=DOC_SECRET,
        access_key=DOC_AK,
        amz_date=DOC_DATE,
    )
    request = HttpRequest(
        "GET",
        "/bucket",
        "prefix=a%20b&list-type=2",
        Headers([*headers.items(), ("authorization", auth)]),
        PiecesBody([b""]),
    )
    result = run(_auth().authenticate(request, service("s3")))
    assert result.signed_at == DOC_TIME
