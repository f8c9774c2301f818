"""Flexible checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) and Content-MD5, as S3
checks, stores and returns them.

A write names at most one checksum: a header (``x-amz-checksum-<alg>``), a trailer
(``x-amz-trailer``, whose value the authenticator verifies as the body streams), or just
the algorithm (``x-amz-sdk-checksum-algorithm``, for which one of the two must exist).
The blob writer computes the digests in its single pass; this module compares them with
what the client claimed. An object written with no checksum gets S3's default, a
full-object CRC64NVME.

Multipart objects: a ``COMPOSITE`` checksum is the algorithm over the concatenated binary
checksums of the parts, shown as ``<base64>-<parts>``; a ``FULL_OBJECT`` checksum (CRC
algorithms only) is the CRC of the whole object, combined from the parts' CRCs without
reading them again.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from awscrt import checksums as crt

from fogbank.core.errors import AwsError
from fogbank.services.s3 import errors

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
CRCS = ("CRC32", "CRC32C", "CRC64NVME")
WIDTH = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}
UNSUPPORTED = ("MD5", "SHA512", "XXHASH64", "XXHASH3", "XXHASH128")
DEFAULT = "CRC64NVME"
COMPOSITE = "COMPOSITE"
FULL_OBJECT = "FULL_OBJECT"


def member(algorithm: str) -> str:
    """The model member of an algorithm's value: ``ChecksumCRC32`` ..."""
    return "Checksum" + algorithm


def b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _unsupported() -> AwsError:
    return errors.invalid_request(
        "Checksum algorithm provided is unsupported. Please try again with any of the valid "
        "types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
    )


def normalize_algorithm(value: object, header: str = "x-amz-sdk-checksum-algorithm") -> str | None:
    if value is None or value == "":
        return None
    name = str(value).strip().upper()
    if name not in ALGORITHMS:
        if name in UNSUPPORTED:
            raise _unsupported()
        raise errors.invalid_request(f"Value for {header} header is invalid.")
    return name


def decode_value(algorithm: str, text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != WIDTH[algorithm]:
        raise errors.invalid_request(
            f"Value for x-amz-checksum-{algorithm.lower()} header is invalid."
        )
    return raw


@dataclass(frozen=True)
class Claim:
    """What a write says about its bytes."""

    algorithm: str | None  # the flexible checksum named (header, trailer or algorithm)
    value: bytes | None  # its value, when given in a header
    trailer: str | None  # the trailer carrying it (``x-amz-checksum-crc32``)
    md5: bytes | None  # Content-MD5

    @property
    def algorithms(self) -> tuple[str, ...]:
        return (self.algorithm,) if self.algorithm else ()


def claim_of(params: Mapping[str, object], headers: Mapping[str, str]) -> Claim:
    """The checksum claims of a PutObject/UploadPart request (InvalidRequest if muddled)."""
    for name in UNSUPPORTED:
        if params.get(member(name)) is not None:
            raise _unsupported()
    given = [a for a in ALGORITHMS if params.get(member(a)) is not None]
    if len(given) > 1:
        raise errors.invalid_request(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
        )
    declared = normalize_algorithm(params.get("ChecksumAlgorithm"))
    trailer = _trailer(headers)
    trailer_alg = None
    if trailer is not None:
        trailer_alg = normalize_algorithm(trailer.removeprefix("x-amz-checksum-"), "x-amz-trailer")
        if given:
            raise errors.invalid_request(
                "Expecting a single x-amz-checksum- header. Multiple checksum Types are not "
                "allowed."
            )
    header_alg = given[0] if given else None
    algorithm = header_alg or trailer_alg
    if declared is not None:
        if algorithm is None:
            raise errors.invalid_request(
                "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* "
                "or x-amz-trailer headers were found."
            )
        if declared != algorithm:
            raise errors.invalid_request(
                "Value for x-amz-sdk-checksum-algorithm header is invalid."
            )
    value = None
    if header_alg is not None:
        value = decode_value(header_alg, str(params[member(header_alg)]))
    return Claim(algorithm, value, trailer, content_md5(params.get("ContentMD5")))


def _trailer(headers: Mapping[str, str]) -> str | None:
    raw = headers.get("x-amz-trailer")
    if not raw:
        return None
    names = [n.strip().lower() for n in raw.split(",") if n.strip()]
    checksums = [n for n in names if n.startswith("x-amz-checksum-")]
    if len(checksums) > 1:
        raise errors.invalid_request(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
        )
    return checksums[0] if checksums else None


def content_md5(value: object) -> bytes | None:
    if value is None:
        return None
    try:
        raw = base64.b64decode(str(value).strip(), validate=True)
    except (binascii.Error, ValueError):
        raise errors.invalid_digest() from None
    if len(raw) != 16:
        raise errors.invalid_digest()
    return raw


def verify(
    claim: Claim, md5: bytes, computed: Mapping[str, bytes], trailers: Mapping[str, str]
) -> None:
    """Compare what was written with the claims: BadDigest on a mismatch."""
    if claim.md5 is not None and claim.md5 != md5:
        raise errors.bad_digest()
    if claim.algorithm is None:
        return
    actual = computed[claim.algorithm]
    if claim.value is not None and claim.value != actual:
        raise errors.checksum_mismatch(claim.algorithm)
    if claim.trailer is not None:
        sent = trailers.get(claim.trailer)
        if sent is None:
            raise errors.invalid_request(f"The {claim.trailer} trailer was declared but not sent.")
        if decode_value(claim.algorithm, sent) != actual:
            raise errors.checksum_mismatch(claim.algorithm)


@dataclass(frozen=True)
class Stored:
    """An object's checksum as kept with it."""

    algorithm: str
    type: str  # FULL_OBJECT | COMPOSITE
    value: bytes
    parts: int | None = None  # COMPOSITE: how many parts it combines

    def wire(self) -> str:
        text = b64(self.value)
        if self.type == COMPOSITE and self.parts:
            text += f"-{self.parts}"
        return text

    def to_json(self) -> str:
        return json.dumps(
            {"a": self.algorithm, "t": self.type, "v": b64(self.value), "n": self.parts}
        )

    @classmethod
    def from_json(cls, text: object) -> Stored | None:
        if not isinstance(text, str) or not text:
            return None
        doc = json.loads(text)
        return cls(doc["a"], doc["t"], base64.b64decode(doc["v"]), doc.get("n"))

    def output(self) -> dict[str, object]:
        """The members of GetObject/HeadObject/PutObject outputs."""
        return {member(self.algorithm): self.wire(), "ChecksumType": self.type}


def composite(algorithm: str, part_values: Sequence[bytes]) -> bytes:
    """The COMPOSITE checksum over parts' binary checksums."""
    data = b"".join(part_values)
    if algorithm == "CRC32":
        import zlib

        return zlib.crc32(data).to_bytes(4, "big")
    if algorithm == "CRC32C":
        return int(crt.crc32c(data)).to_bytes(4, "big")
    if algorithm == "CRC64NVME":
        return int(crt.crc64nvme(data)).to_bytes(8, "big")
    if algorithm == "SHA1":
        return hashlib.sha1(data, usedforsecurity=False).digest()
    return hashlib.sha256(data).digest()


def combine(algorithm: str, parts: Sequence[tuple[bytes, int]]) -> bytes:
    """The FULL_OBJECT CRC of consecutive parts, from each part's (CRC, length)."""
    fn = {"CRC32": crt.combine_crc32, "CRC32C": crt.combine_crc32c,
          "CRC64NVME": crt.combine_crc64nvme}[algorithm]  # fmt: skip
    width = WIDTH[algorithm]
    value = 0
    for crc, length in parts:
        value = int(fn(value, int.from_bytes(crc, "big"), length))
    return value.to_bytes(width, "big")


def parts_to_json(values: Mapping[str, bytes]) -> str | None:
    return json.dumps({k: b64(v) for k, v in values.items()}) if values else None


def parts_from_json(text: object) -> dict[str, bytes]:
    if not isinstance(text, str) or not text:
        return {}
    return {k: base64.b64decode(v) for k, v in json.loads(text).items()}
