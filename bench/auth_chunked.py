"""Throughput of the S3 upload hot path in auth: decoding + verifying aws-chunked bodies.

    PYTHONPATH=src python bench/auth_chunked.py [--mib 256] [--piece-kib 64]

Builds a stream per payload mode, cuts it into transport-sized pieces (as the ASGI server
delivers them), then times reading it through the verifying body and prints MB/s.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import os
import time
import zlib
from collections.abc import AsyncIterator

from awscrt import checksums

from fogbank.auth.chunked import AwsChunkedBody, ChunkDecoder, ChunkSigning
from fogbank.auth.error_codes import Family
from fogbank.auth.payload import Sha256VerifyingBody
from fogbank.auth.sigv4 import EMPTY_SHA256, signing_key
from fogbank.protocol.http import Body

DATE = "20250101T000000Z"
SCOPE = "20250101/us-east-1/s3/aws4_request"
SECRET = "bench-secret"
SEED = "0" * 64


class Pieces(Body):
    def __init__(self, pieces: list[bytes]) -> None:
        super().__init__()
        self._pieces = pieces

    async def chunks(self) -> AsyncIterator[bytes]:
        for piece in self._pieces:
            yield piece


def unsigned_stream(data: bytes, chunk: int, algorithm: str) -> bytes:
    parts: list[bytes | memoryview] = []
    view = memoryview(data)
    for i in range(0, len(data), chunk):
        piece = view[i : i + chunk]
        parts += [b"%x\r\n" % len(piece), piece, b"\r\n"]
    if algorithm == "crc32":
        digest = zlib.crc32(data).to_bytes(4, "big")
    else:
        digest = checksums.crc64nvme(data).to_bytes(8, "big")
    parts.append(
        b"0\r\nx-amz-checksum-%s:%s\r\n\r\n" % (algorithm.encode(), base64.b64encode(digest))
    )
    return b"".join(parts)


def signed_stream(data: bytes, chunk: int, trailer: bool) -> bytes:
    key = signing_key(SECRET, DATE[:8], "us-east-1", "s3")
    previous = SEED
    parts: list[bytes | memoryview] = []
    view = memoryview(data)
    for i in [*range(0, len(data), chunk), len(data)]:
        piece = view[i : i + chunk]
        sts = (
            f"AWS4-HMAC-SHA256-PAYLOAD\n{DATE}\n{SCOPE}\n{previous}\n{EMPTY_SHA256}\n"
            f"{hashlib.sha256(piece).hexdigest()}"
        )
        previous = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        parts.append(b"%x;chunk-signature=%s\r\n" % (len(piece), previous.encode()))
        if len(piece):
            parts += [piece, b"\r\n"]
    if not trailer:
        parts.append(b"\r\n")
        return b"".join(parts)
    value = base64.b64encode(checksums.crc32c(data).to_bytes(4, "big")).decode()
    canonical = f"x-amz-checksum-crc32c:{value}\n"
    sts = (
        f"AWS4-HMAC-SHA256-TRAILER\n{DATE}\n{SCOPE}\n{previous}\n"
        f"{hashlib.sha256(canonical.encode()).hexdigest()}"
    )
    signature = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    parts.append(
        f"x-amz-checksum-crc32c:{value}\r\nx-amz-trailer-signature:{signature}\r\n\r\n".encode()
    )
    return b"".join(parts)


async def drain(body: Body) -> int:
    total = 0
    async for chunk in body:
        total += len(chunk)
    return total


def measure(label: str, body: Body, size: int) -> None:
    start = time.perf_counter()
    total = asyncio.run(drain(body))
    elapsed = time.perf_counter() - start
    assert total == size, (total, size)
    print(f"{label:58s} {size / elapsed / 1e6:8.0f} MB/s  ({elapsed:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--piece-kib", type=int, default=64, help="transport piece size")
    args = parser.parse_args()
    size = args.mib * 1024 * 1024
    piece = args.piece_kib * 1024
    data = os.urandom(size)
    signing = ChunkSigning(signing_key(SECRET, DATE[:8], "us-east-1", "s3"), DATE, SCOPE, SEED)
    print(f"{args.mib} MiB payload, {args.piece_kib} KiB transport pieces")

    def pieces(stream: bytes) -> list[bytes]:
        return [stream[i : i + piece] for i in range(0, len(stream), piece)]

    mib = 1 << 20
    cases = [
        ("STREAMING-UNSIGNED-PAYLOAD-TRAILER crc32 (boto3), 1 MiB", "crc32", None, False, mib),
        (
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER crc64nvme (CLI v2), 1 MiB",
            "crc64nvme",
            None,
            False,
            mib,
        ),
        ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD, 64 KiB chunks", None, signing, False, 64 << 10),
        ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD, 1 MiB chunks", None, signing, False, 1 << 20),
        (
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER crc32c, 1 MiB",
            "crc32c",
            signing,
            True,
            1 << 20,
        ),
    ]
    for label, algorithm, sign, trailer, chunk in cases:
        if sign is None:
            assert algorithm is not None
            stream = unsigned_stream(data, chunk, algorithm)
        else:
            stream = signed_stream(data, chunk, trailer)
        declared = (f"x-amz-checksum-{algorithm}",) if algorithm else ()
        decoder = ChunkDecoder(
            family=Family.S3,
            signing=sign,
            trailer_signed=trailer,
            declared_trailers=declared,
            decoded_length=size,
        )
        body = AwsChunkedBody(Pieces(pieces(stream)), decoder, size)
        del stream
        measure(label, body, size)
    digest = hashlib.sha256(data).hexdigest()
    measure(
        "sha256 hex payload (http), raw body",
        Sha256VerifyingBody(Pieces(pieces(data)), digest, Family.S3),
        size,
    )


if __name__ == "__main__":
    main()
