"""Generating key material: KMS keys of every spec, data keys and data key pairs.

Secrets are returned as bytes: raw bytes for symmetric and HMAC keys, PKCS#8 DER for
private keys; public keys as DER SubjectPublicKeyInfo (what GetPublicKey returns).
RSA generation is CPU-heavy: callers run it in a thread.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from types import MappingProxyType

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from fogbank.services.kms.models import DataKeyPairSpec, KeySpec
from fogbank.services.kms.specs import RULES


@dataclass(frozen=True)
class Material:
    secret: bytes
    public_key: bytes | None = None

    def __repr__(self) -> str:  # never print key material
        return f"Material(<{len(self.secret)} secret bytes>, public={self.public_key is not None})"


_RSA_BITS: MappingProxyType[str, int] = MappingProxyType(
    {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
)
_CURVES: MappingProxyType[str, type[ec.EllipticCurve]] = MappingProxyType(
    {
        "ECC_NIST_P256": ec.SECP256R1,
        "ECC_NIST_P384": ec.SECP384R1,
        "ECC_NIST_P521": ec.SECP521R1,
        "ECC_SECG_P256K1": ec.SECP256K1,
    }
)


def _private_key(spec_name: str) -> PrivateKeyTypes:
    if spec_name in _RSA_BITS:
        return rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS[spec_name])
    if spec_name in _CURVES:
        return ec.generate_private_key(_CURVES[spec_name]())
    raise ValueError(f"not an asymmetric spec: {spec_name}")


def _encode(private: PrivateKeyTypes) -> Material:
    der = private.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return Material(der, public_der(private))


def public_der(private: PrivateKeyTypes) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def generate(spec: KeySpec) -> Material:
    """New material for a KMS key of ``spec``."""
    size = RULES[spec].secret_bytes
    if size:
        return Material(os.urandom(size))
    return _encode(_private_key(spec.value))


def generate_pair(spec: DataKeyPairSpec) -> Material:
    """A data key pair: PKCS#8 DER private key and DER SubjectPublicKeyInfo public key."""
    return _encode(_private_key(spec.value))


def data_key(size: int) -> bytes:
    return os.urandom(size)


def random_bytes(size: int) -> bytes:
    return os.urandom(size)


def load_private(der: bytes) -> PrivateKeyTypes:
    # Material we generated ourselves and stored sealed: skip RSA's costly re-validation.
    return serialization.load_der_private_key(der, None, unsafe_skip_rsa_key_validation=True)
