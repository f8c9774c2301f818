"""Generated material: sizes, key types, public keys as DER SubjectPublicKeyInfo."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from fogbank.services.kms.crypto import material
from fogbank.services.kms.models import DataKeyPairSpec, KeySpec


@pytest.mark.parametrize(
    ("spec", "size"),
    [
        (KeySpec.SYMMETRIC_DEFAULT, 32),
        (KeySpec.HMAC_224, 28),
        (KeySpec.HMAC_256, 32),
        (KeySpec.HMAC_384, 48),
        (KeySpec.HMAC_512, 64),
    ],
)
def test_secret_key_sizes(spec: KeySpec, size: int) -> None:
    m = material.generate(spec)
    assert len(m.secret) == size
    assert m.public_key is None
    assert material.generate(spec).secret != m.secret


@pytest.mark.parametrize(
    ("spec", "kind", "size"),
    [
        (DataKeyPairSpec.RSA_2048, rsa.RSAPrivateKey, 2048),
        (DataKeyPairSpec.RSA_3072, rsa.RSAPrivateKey, 3072),
        (DataKeyPairSpec.ECC_NIST_P256, ec.EllipticCurvePrivateKey, 256),
        (DataKeyPairSpec.ECC_NIST_P384, ec.EllipticCurvePrivateKey, 384),
        (DataKeyPairSpec.ECC_NIST_P521, ec.EllipticCurvePrivateKey, 521),
        (DataKeyPairSpec.ECC_SECG_P256K1, ec.EllipticCurvePrivateKey, 256),
    ],
)
def test_key_pairs_are_pkcs8_and_spki(spec: DataKeyPairSpec, kind: type, size: int) -> None:
    pair = material.generate_pair(spec)
    assert pair.public_key is not None
    private = serialization.load_der_private_key(pair.secret, None)
    assert isinstance(private, kind)
    assert private.key_size == size  # type: ignore[attr-defined]
    public = serialization.load_der_public_key(pair.public_key)
    assert public == private.public_key()
    assert pair.secret.startswith(b"\x30")  # DER SEQUENCE (PKCS#8 PrivateKeyInfo)


def test_curve_of_secg_key() -> None:
    m = material.generate(KeySpec.ECC_SECG_P256K1)
    key = serialization.load_der_private_key(m.secret, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert key.curve.name == "secp256k1"


def test_repr_shows_no_secret() -> None:
    m = material.generate(KeySpec.SYMMETRIC_DEFAULT)
    assert m.secret.hex() not in repr(m)
    assert str(list(m.secret)) not in repr(m)
