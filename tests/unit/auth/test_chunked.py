"""The aws-chunked push parser on its own: any split, any truncation, any garbage."""

from __future__ import annotations

import base64
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from fogbank.auth.chunked import ChunkDecoder, ChunkSigning
from fogbank.auth.error_codes import Family
from fogbank.core.errors import AwsError

from .support import DOC_SECRET, derive_key, signed_chunks

DATE = "20130524T000000Z"
SCOPE = "20130524/us-east-1/s3/aws4_request"
SEED = "a" * 64


def _unsigned_body(data: bytes, chunk: int) -> bytes:
    out = bytearray()
    for i in range(0, len(data), chunk):
        piece = data[i : i + chunk]
        out += b"%x\r\n%s\r\n" % (len(piece), piece)
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big"))
    out += b"0\r\nx-amz-checksum-crc32:%s\r\n\r\n" % crc
    return bytes(out)


def _decode(
    body: bytes, cuts: list[int], *, signed: bool = False, length: int | None = None
) -> bytes:
    signing = ChunkSigning(derive_key(DOC_SECRET, DATE[:8], "us-east-1", "s3"), DATE, SCOPE, SEED)
    decoder = ChunkDecoder(
        family=Family.S3,
        signing=signing if signed else None,
        declared_trailers=() if signed else ("x-amz-checksum-crc32",),
        decoded_length=length,
    )
    out = bytearray()
    previous = 0
    for cut in [*sorted(set(cuts)), len(body)]:
        for segment in decoder.feed(body[previous:cut]):
            out += segment
        previous = cut
    decoder.finish()
    return bytes(out)


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=3000),
    chunk=st.integers(min_value=1, max_value=700),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=30),
)
def test_unsigned_any_split(data: bytes, chunk: int, cuts: list[int]) -> None:
    body = _unsigned_body(data, chunk)
    assert _decode(body, [c for c in cuts if c < len(body)], length=len(data)) == data


@settings(max_examples=100, deadline=None)
@given(
    data=st.binary(min_size=0, max_size=40000),
    cuts=st.lists(st.integers(min_value=0, max_value=45000), max_size=20),
)
def test_signed_any_split(data: bytes, cuts: list[int]) -> None:
    body = signed_chunks(data, 8192, seed=SEED, secret=DOC_SECRET, amz_date=DATE)
    assert _decode(body, [c for c in cuts if c < len(body)], signed=True, length=len(data)) == data


@settings(max_examples=300, deadline=None)
@given(data=st.binary(min_size=1, max_size=2000), chunk=st.integers(1, 500), data_cut=st.data())
def test_any_truncation_is_an_aws_error(data: bytes, chunk: int, data_cut: st.DataObject) -> None:
    body = _unsigned_body(data, chunk)
    # Cutting inside the data, a size line or the checksum value must fail; only the
    # closing line ends (after the complete checksum) may be missing.
    last_value_end = body.rindex(b"==\r\n") + 2 if b"==\r\n" in body else len(body) - 4
    cut = data_cut.draw(st.integers(min_value=0, max_value=last_value_end - 1))
    try:
        _decode(body[:cut], [], length=len(data))
    except AwsError as exc:
        assert exc.status == 400
    else:
        raise AssertionError(f"truncation at {cut} of {len(body)} accepted")


@settings(max_examples=500, deadline=None)
@given(garbage=st.binary(max_size=300), signed=st.booleans())
def test_garbage_is_an_aws_error(garbage: bytes, signed: bool) -> None:
    try:
        _decode(garbage, [], signed=signed)
    except AwsError as exc:
        assert 400 <= exc.status < 500


@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(min_size=1, max_size=20000),
    position=st.integers(min_value=0),
    flip=st.integers(min_value=1, max_value=255),
)
def test_any_bit_flip_in_signed_body_is_detected(data: bytes, position: int, flip: int) -> None:
    body = bytearray(signed_chunks(data, 8192, seed=SEED, secret=DOC_SECRET, amz_date=DATE))
    index = position % (len(body) - 2)  # the final CRLF is not covered by anything
    body[index] ^= flip
    try:
        decoded = _decode(bytes(body), [], signed=True, length=len(data))
    except AwsError:
        return
    # A flip that still decodes must not have changed the payload (e.g. hex case).
    assert decoded == data


def test_long_header_line_is_refused_without_buffering() -> None:
    decoder = ChunkDecoder(family=Family.S3, signing=None)
    try:
        for _ in range(100):
            decoder.feed(b"f" * 1000)
    except AwsError as exc:
        assert exc.code == "InvalidRequest"
    else:
        raise AssertionError("an endless size line was accepted")


def test_large_chunk_streams_without_copy() -> None:
    payload = b"x" * (4 * 1024 * 1024)
    decoder = ChunkDecoder(family=Family.S3, signing=None, decoded_length=len(payload))
    assert decoder.feed(b"400000\r\n") == []
    pieces = [payload[i : i + 65536] for i in range(0, len(payload), 65536)]
    out = [segment for piece in pieces for segment in decoder.feed(piece)]
    assert all(a is b for a, b in zip(out, pieces, strict=True))  # passed through, not copied
    decoder.feed(b"\r\n0\r\n\r\n")
    decoder.finish()


def test_excess_data_beyond_decoded_length_fails_early() -> None:
    decoder = ChunkDecoder(family=Family.S3, signing=None, decoded_length=10)
    try:
        decoder.feed(b"100\r\n")
    except AwsError as exc:
        assert exc.code == "IncompleteBody"
    else:
        raise AssertionError("a chunk larger than the declared length was accepted")
