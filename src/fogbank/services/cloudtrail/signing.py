"""The RSA key pairs digest files are signed with (one current pair per region).

Digests are signed SHA256withRSA (RSASSA-PKCS1-v1_5 over SHA-256), hex encoded, as the AWS
CLI's ``validate-logs`` checks them. ``ListPublicKeys`` hands out the public key as a DER
PKCS#1 ``RSAPublicKey`` (the form the CLI loads), with a hex fingerprint that digests name.
Generating a key takes up to a second: call ``generate`` in a thread.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KEY_BITS = 2048
KEY_PERIOD = 30 * 86400.0  # a region's key pair changes every 30 days (epoch-aligned)
ALGORITHM = "SHA256withRSA"


def period_of(at: float) -> tuple[float, float]:
    """The validity period (start, end) of the key pair that signs at ``at``."""
    start = (at // KEY_PERIOD) * KEY_PERIOD
    return start, start + KEY_PERIOD


@dataclass(frozen=True)
class SigningKey:
    region: str
    valid_from: float
    valid_to: float
    fingerprint: str
    public_der: bytes  # PKCS#1 RSAPublicKey
    private_der: bytes  # PKCS#8 PrivateKeyInfo

    def __repr__(self) -> str:
        return f"SigningKey({self.region!r}, {self.fingerprint!r}, <private>)"

    def covers(self, at: float) -> bool:
        return self.valid_from <= at < self.valid_to


def fingerprint(public_der: bytes) -> str:
    return hashlib.md5(public_der, usedforsecurity=False).hexdigest()


def generate(region: str, at: float) -> SigningKey:
    """A new key pair for the period that contains ``at``."""
    valid_from, valid_to = period_of(at)
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    public_der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )
    private_der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SigningKey(
        region, valid_from, valid_to, fingerprint(public_der), public_der, private_der
    )


def sign(key: SigningKey, message: bytes) -> str:
    """The hex SHA256withRSA signature of ``message``."""
    private = serialization.load_der_private_key(key.private_der, password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    return private.sign(message, padding.PKCS1v15(), hashes.SHA256()).hex()
