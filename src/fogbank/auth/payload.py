"""What the body of an S3 request must be, per ``x-amz-content-sha256``, and its verifier.

| x-amz-content-sha256                          | body                                     |
|-----------------------------------------------|------------------------------------------|
| 64 hex                                        | raw, SHA-256 checked as it streams       |
| UNSIGNED-PAYLOAD                              | raw (aws-chunked decoded if so encoded)  |
| STREAMING-UNSIGNED-PAYLOAD-TRAILER            | aws-chunked, checksum trailer checked    |
| STREAMING-AWS4-HMAC-SHA256-PAYLOAD            | aws-chunked, every chunk signature       |
| STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER    | both, and the trailer signature          |

(reference/aws-protocol-notes.md §1.2; docs.aws.amazon.com/AmazonS3/latest/API/
sigv4-auth-using-authorization-header.html). SigV4a (ECDSA) variants are refused: fogbank
does not verify SigV4a signatures.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from enum import StrEnum

from fogbank.auth.chunked import AwsChunkedBody, ChunkDecoder, ChunkSigning
from fogbank.auth.error_codes import Failure, Family, auth_error
from fogbank.auth.sigv4 import (
    STREAMING_ECDSA,
    STREAMING_ECDSA_TRAILER,
    STREAMING_SIGNED,
    STREAMING_SIGNED_TRAILER,
    STREAMING_UNSIGNED_TRAILER,
    UNSIGNED_PAYLOAD,
    is_sha256_hex,
)
from fogbank.core.hashing import update_holding_gil
from fogbank.protocol.http import Body, Headers, WrappedBody


class PayloadMode(StrEnum):
    SHA256 = "sha256"
    UNSIGNED = UNSIGNED_PAYLOAD
    STREAMING_UNSIGNED_TRAILER = STREAMING_UNSIGNED_TRAILER
    STREAMING_SIGNED = STREAMING_SIGNED
    STREAMING_SIGNED_TRAILER = STREAMING_SIGNED_TRAILER

    @property
    def streaming(self) -> bool:
        return self.value.startswith("STREAMING-")

    @property
    def signed_chunks(self) -> bool:
        return self in (PayloadMode.STREAMING_SIGNED, PayloadMode.STREAMING_SIGNED_TRAILER)


_MODES = {
    m.value: m
    for m in (
        PayloadMode.UNSIGNED,
        PayloadMode.STREAMING_UNSIGNED_TRAILER,
        PayloadMode.STREAMING_SIGNED,
        PayloadMode.STREAMING_SIGNED_TRAILER,
    )
}


def payload_mode(value: str, family: Family) -> PayloadMode:
    """Classify an ``x-amz-content-sha256`` value; InvalidArgument if it is none of them."""
    if is_sha256_hex(value):
        return PayloadMode.SHA256
    mode = _MODES.get(value)
    if mode is not None:
        return mode
    if value in (STREAMING_ECDSA, STREAMING_ECDSA_TRAILER):
        raise auth_error(family, Failure.UNSUPPORTED_ALGORITHM, got=value)
    raise auth_error(
        family,
        Failure.INVALID_CONTENT_SHA256,
        fields={"ArgumentName": "x-amz-content-sha256", "ArgumentValue": value},
    )


SMALL_CHUNK = 16 * 1024
"""Body pieces up to this size are hashed holding the GIL (``core.hashing``): a few
microseconds of SHA-256, against a GIL hand-over each way if another thread wants it."""


class Sha256VerifyingBody(WrappedBody):
    """Passes the body through; at its end, raises XAmzContentSHA256Mismatch on a mismatch."""

    def __init__(self, inner: Body, expected_hex: str, family: Family) -> None:
        super().__init__(inner)
        self._expected = expected_hex.lower()
        self._family = family

    async def chunks(self) -> AsyncIterator[bytes]:
        digest = hashlib.sha256()
        async for chunk in self.inner:
            if len(chunk) <= SMALL_CHUNK:
                update_holding_gil(digest, chunk)
            else:
                digest.update(chunk)
            yield chunk
        actual = digest.hexdigest()
        if not hmac.compare_digest(actual, self._expected):
            raise auth_error(
                self._family,
                Failure.CONTENT_SHA256_MISMATCH,
                fields={
                    "ClientComputedContentSHA256": self._expected,
                    "S3ComputedContentSHA256": actual,
                },
            )
        self.trailers.update(self.inner.trailers)


def declared_trailers(headers: Headers) -> tuple[str, ...]:
    """The trailer names announced in ``x-amz-trailer`` (comma-separated, lower-cased)."""
    names: list[str] = []
    for value in headers.get_all("x-amz-trailer"):
        names.extend(n.strip().lower() for n in value.split(",") if n.strip())
    return tuple(names)


def decoded_length(headers: Headers, family: Family, *, required: bool) -> int | None:
    value = headers.get("x-amz-decoded-content-length")
    if value is None:
        if required:
            raise auth_error(family, Failure.MISSING_DECODED_LENGTH)
        return None
    value = value.strip()
    if not value.isdigit() or len(value) > 19:
        raise auth_error(family, Failure.INVALID_DECODED_LENGTH)
    return int(value)


def _is_aws_chunked(headers: Headers) -> bool:
    encodings = ",".join(headers.get_all("content-encoding")).lower()
    return "aws-chunked" in (e.strip() for e in encodings.split(","))


def wrap_s3_body(
    body: Body,
    headers: Headers,
    mode: PayloadMode,
    payload_hash: str,
    family: Family,
    signing: ChunkSigning | None,
) -> Body:
    """The body the operation should read for this payload mode (see the module table).

    ``signing`` is required for the signed streaming modes (SigV4 Authorization header).
    """
    if mode is PayloadMode.SHA256:
        return Sha256VerifyingBody(body, payload_hash, family)
    if mode is PayloadMode.UNSIGNED:
        if not _is_aws_chunked(headers) or "x-amz-decoded-content-length" not in headers:
            return body
        # aws-chunked without a streaming marker (some SDKs): decode, unsigned.
        length = decoded_length(headers, family, required=True)
        decoder = ChunkDecoder(
            family=family,
            signing=None,
            declared_trailers=declared_trailers(headers),
            decoded_length=length,
        )
        return AwsChunkedBody(body, decoder, length)
    if mode.signed_chunks and signing is None:
        raise auth_error(family, Failure.CONTENT_SHA256_USAGE)
    length = decoded_length(headers, family, required=True)
    trailers = declared_trailers(headers)
    if not trailers and mode is PayloadMode.STREAMING_UNSIGNED_TRAILER:
        algorithm = headers.get("x-amz-sdk-checksum-algorithm")
        if algorithm:
            trailers = (f"x-amz-checksum-{algorithm.strip().lower()}",)
    if mode is PayloadMode.STREAMING_SIGNED:
        trailers = ()
    decoder = ChunkDecoder(
        family=family,
        signing=signing if mode.signed_chunks else None,
        trailer_signed=mode is PayloadMode.STREAMING_SIGNED_TRAILER,
        declared_trailers=trailers,
        decoded_length=length,
    )
    return AwsChunkedBody(body, decoder, length)
