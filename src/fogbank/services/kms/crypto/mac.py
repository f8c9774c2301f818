"""HMAC keys: GenerateMac and VerifyMac (RFC 2104 HMAC with SHA-2)."""

from __future__ import annotations

import hashlib
import hmac
from types import MappingProxyType

from fogbank.services.kms.models import MacAlgorithm

_HASHES: MappingProxyType[MacAlgorithm, str] = MappingProxyType(
    {
        MacAlgorithm.HMAC_SHA_224: "sha224",
        MacAlgorithm.HMAC_SHA_256: "sha256",
        MacAlgorithm.HMAC_SHA_384: "sha384",
        MacAlgorithm.HMAC_SHA_512: "sha512",
    }
)


def generate(key: bytes, algorithm: MacAlgorithm, message: bytes) -> bytes:
    return hmac.new(key, message, getattr(hashlib, _HASHES[algorithm])).digest()


def verify(key: bytes, algorithm: MacAlgorithm, message: bytes, mac: bytes) -> bool:
    return hmac.compare_digest(generate(key, algorithm, message), mac)
