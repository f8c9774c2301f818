"""Streaming checksums by their S3 name, for the flexible-checksum trailers and headers.

Each value on the wire is the base64 of the big-endian digest (CRC32/CRC32C: 4 bytes,
CRC64NVME: 8 bytes); reference/aws-protocol-notes.md §1.4. The CRCs use ISA-L and awscrt
(hardware-accelerated, GIL released on large buffers); the hashes hashlib.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Protocol

from isal import isal_zlib

if TYPE_CHECKING:
    from awscrt import checksums as crt_types

Buffer = bytes | bytearray | memoryview


class Checksum(Protocol):
    def update(self, data: Buffer) -> None: ...

    def digest(self) -> bytes: ...


class _Crc:
    __slots__ = ("_fn", "_size", "_value")

    def __init__(self, fn: Callable[[Buffer, int], int], size: int) -> None:
        self._fn = fn
        self._size = size
        self._value = 0

    def update(self, data: Buffer) -> None:
        self._value = self._fn(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._size, "big")


class _Hash:
    __slots__ = ("_h",)

    def __init__(self, name: str) -> None:
        self._h = hashlib.new(name)

    def update(self, data: Buffer) -> None:
        self._h.update(data)

    def digest(self) -> bytes:
        return self._h.digest()


def _crt() -> ModuleType:
    """awscrt's checksums, imported on first use (its import costs ~0.15 s at start-up)."""
    import importlib

    return importlib.import_module("awscrt.checksums")


class _XXHash:
    __slots__ = ("_h",)

    def __init__(self, factory: Callable[[], crt_types.XXHash]) -> None:
        self._h = factory()

    def update(self, data: Buffer) -> None:
        self._h.update(bytes(data))

    def digest(self) -> bytes:
        return bytes(self._h.finalize())


def _crc32(data: Buffer, value: int) -> int:
    return int(isal_zlib.crc32(data, value))  # zlib's value, ~8x faster


def _crt_crc32c(data: Buffer, value: int) -> int:
    return int(_crt().crc32c(data, value))


def _crt_crc64nvme(data: Buffer, value: int) -> int:
    return int(_crt().crc64nvme(data, value))


_FACTORIES: dict[str, Callable[[], Checksum]] = {
    "crc32": lambda: _Crc(_crc32, 4),
    "crc32c": lambda: _Crc(_crt_crc32c, 4),
    "crc64nvme": lambda: _Crc(_crt_crc64nvme, 8),
    "sha1": lambda: _Hash("sha1"),
    "sha256": lambda: _Hash("sha256"),
    "sha512": lambda: _Hash("sha512"),
    "md5": lambda: _Hash("md5"),
    "xxhash64": lambda: _XXHash(_crt().XXHash.new_xxhash64),
    "xxhash3": lambda: _XXHash(_crt().XXHash.new_xxhash3_64),
    "xxhash128": lambda: _XXHash(_crt().XXHash.new_xxhash3_128),
}
_DIGEST_SIZES = {
    "crc32": 4,
    "crc32c": 4,
    "crc64nvme": 8,
    "sha1": 20,
    "sha256": 32,
    "sha512": 64,
    "md5": 16,
    "xxhash64": 8,
    "xxhash3": 8,
    "xxhash128": 16,
}
HEADER_PREFIX = "x-amz-checksum-"
ALGORITHMS = frozenset(_FACTORIES)


def new_checksum(algorithm: str) -> Checksum:
    """A fresh streaming checksum for ``crc32`` ... ``sha256`` (lower-case S3 names)."""
    return _FACTORIES[algorithm.lower()]()


def algorithm_of_header(name: str) -> str | None:
    """``x-amz-checksum-crc32`` -> ``crc32``; None for other names (``-mode``, ``-type``)."""
    lname = name.lower()
    if not lname.startswith(HEADER_PREFIX):
        return None
    alg = lname[len(HEADER_PREFIX) :]
    return alg if alg in _FACTORIES else None


def decode_value(algorithm: str, value: str) -> bytes | None:
    """The digest a header/trailer value carries, or None if it is not valid for ``algorithm``."""
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == _DIGEST_SIZES[algorithm.lower()] else None


def encode_digest(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def display_name(algorithm: str) -> str:
    """What S3 calls the algorithm in messages: ``CRC32``, ``SHA256``."""
    return algorithm.upper()
