"""Checksums against independent implementations and published check values."""

from __future__ import annotations

import hashlib
import random
import zlib

import pytest
from awscrt import checksums as crt

from fogbank.storage.blobs.checksums import ALGORITHMS, Digester, validate

CHECK = b"123456789"


def test_check_values_of_123456789() -> None:
    d = Digester(ALGORITHMS)
    d.update(CHECK)
    got = d.results()
    assert got["CRC32"] == (0xCBF43926).to_bytes(4, "big")
    assert got["CRC32C"] == (0xE3069283).to_bytes(4, "big")
    assert got["CRC64NVME"] == (0xAE8B14860A799888).to_bytes(8, "big")
    assert got["SHA1"] == hashlib.sha1(CHECK, usedforsecurity=False).digest()
    assert got["SHA256"] == hashlib.sha256(CHECK).digest()
    assert d.md5() == hashlib.md5(CHECK, usedforsecurity=False).digest()


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 65537, 3 * 1024 * 1024 + 5])
def test_streamed_digests_match_one_shot_implementations(size: int) -> None:
    rng = random.Random(size)
    data = rng.randbytes(size)
    d = Digester(["crc32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
    pos = 0
    while pos < size:  # pieces of every size, as a socket would deliver them
        n = rng.choice([1, 7, 512, 8192, 100_000])
        d.update(memoryview(data)[pos : pos + n])
        pos += n
    _assert_digests_of(data, d)


def test_only_requested_checksums_are_returned() -> None:
    d = Digester(["CRC32", "crc32"])
    assert list(d.results()) == ["CRC32"]
    assert Digester().results() == {}


def test_unknown_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported checksum"):
        validate(["MD4"])


@pytest.mark.parametrize("size", [0, 1, 2047, 2048, 4096, 4094, 65536 + 3])
def test_update_holding_gil_gives_the_same_digests(size: int) -> None:
    data = random.Random(size).randbytes(size)
    d = Digester(["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
    d.update_holding_gil(data)
    _assert_digests_of(data, d)


def _assert_digests_of(data: bytes, d: Digester) -> None:
    """Each checksum (and the MD5) as the reference implementations compute it."""
    got = d.results()
    assert got["CRC32"] == zlib.crc32(data).to_bytes(4, "big")
    assert got["CRC32C"] == crt.crc32c(data).to_bytes(4, "big")
    assert got["CRC64NVME"] == crt.crc64nvme(data).to_bytes(8, "big")
    assert got["SHA1"] == hashlib.sha1(data, usedforsecurity=False).digest()
    assert got["SHA256"] == hashlib.sha256(data).digest()
    assert d.md5() == hashlib.md5(data, usedforsecurity=False).digest()
