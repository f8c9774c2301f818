"""RSA encryption and RSA/ECDSA signatures, each checked by ``cryptography`` directly:
what we sign verifies with the standard primitives and vice versa."""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from fogbank.services.kms.crypto import asymmetric
from fogbank.services.kms.crypto.material import Material
from fogbank.services.kms.models import EncryptionAlgorithm, KeySpec, MessageType, SigningAlgorithm

KeyOf = Callable[[KeySpec], Material]
RSA = [KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096]
HASH = {"SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}
OAEP = {
    EncryptionAlgorithm.RSAES_OAEP_SHA_1: hashes.SHA1,
    EncryptionAlgorithm.RSAES_OAEP_SHA_256: hashes.SHA256,
}


@functools.cache
def _load(der: bytes) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    # Fully validated once per key (OpenSSL's RSA checks take seconds at 4096 bits).
    key = serialization.load_der_private_key(der, None)
    assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    return key


def private(m: Material) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    return _load(m.secret)


def oaep(alg: EncryptionAlgorithm) -> padding.OAEP:
    h = OAEP[alg]
    return padding.OAEP(mgf=padding.MGF1(h()), algorithm=h(), label=None)


@pytest.mark.parametrize("spec", RSA)
@pytest.mark.parametrize("alg", list(OAEP))
def test_rsa_oaep_interoperates(key_of: KeyOf, spec: KeySpec, alg: EncryptionAlgorithm) -> None:
    m = key_of(spec)
    assert m.public_key is not None
    key = private(m)
    ours = asymmetric.rsa_encrypt(m.public_key, alg, b"attack at dawn")
    assert key.decrypt(ours, oaep(alg)) == b"attack at dawn"  # type: ignore[union-attr]
    theirs = key.public_key().encrypt(b"offline", oaep(alg))  # type: ignore[union-attr]
    assert asymmetric.rsa_decrypt(m.secret, alg, theirs) == b"offline"


@pytest.mark.parametrize(
    ("spec", "alg", "limit"),
    [
        (KeySpec.RSA_2048, EncryptionAlgorithm.RSAES_OAEP_SHA_1, 214),
        (KeySpec.RSA_2048, EncryptionAlgorithm.RSAES_OAEP_SHA_256, 190),
        (KeySpec.RSA_3072, EncryptionAlgorithm.RSAES_OAEP_SHA_1, 342),
        (KeySpec.RSA_3072, EncryptionAlgorithm.RSAES_OAEP_SHA_256, 318),
        (KeySpec.RSA_4096, EncryptionAlgorithm.RSAES_OAEP_SHA_1, 470),
        (KeySpec.RSA_4096, EncryptionAlgorithm.RSAES_OAEP_SHA_256, 446),
    ],
)
def test_rsa_plaintext_limits(
    key_of: KeyOf, spec: KeySpec, alg: EncryptionAlgorithm, limit: int
) -> None:
    m = key_of(spec)
    assert m.public_key is not None
    out = asymmetric.rsa_encrypt(m.public_key, alg, b"a" * limit)
    assert asymmetric.rsa_decrypt(m.secret, alg, out) == b"a" * limit
    with pytest.raises(asymmetric.AsymmetricError):
        asymmetric.rsa_encrypt(m.public_key, alg, b"a" * (limit + 1))


def test_rsa_wrong_algorithm_or_tampering_fails(key_of: KeyOf) -> None:
    m = key_of(KeySpec.RSA_2048)
    assert m.public_key is not None
    out = asymmetric.rsa_encrypt(m.public_key, EncryptionAlgorithm.RSAES_OAEP_SHA_256, b"x")
    with pytest.raises(asymmetric.AsymmetricError):
        asymmetric.rsa_decrypt(m.secret, EncryptionAlgorithm.RSAES_OAEP_SHA_1, out)
    bad = bytes([out[0] ^ 1]) + out[1:]
    with pytest.raises(asymmetric.AsymmetricError):
        asymmetric.rsa_decrypt(m.secret, EncryptionAlgorithm.RSAES_OAEP_SHA_256, bad)


SIGNING_CASES = [
    (spec, alg) for spec in RSA for alg in SigningAlgorithm if alg.value.startswith("RSASSA_")
] + [
    (KeySpec.ECC_NIST_P256, SigningAlgorithm.ECDSA_SHA_256),
    (KeySpec.ECC_NIST_P384, SigningAlgorithm.ECDSA_SHA_384),
    (KeySpec.ECC_NIST_P521, SigningAlgorithm.ECDSA_SHA_512),
    (KeySpec.ECC_SECG_P256K1, SigningAlgorithm.ECDSA_SHA_256),
]


def standard_verify(m: Material, alg: SigningAlgorithm, message: bytes, signature: bytes) -> None:
    """Verification with the plain primitives; raises InvalidSignature."""
    h = HASH[alg.value[-7:]]()
    public = private(m).public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        public.verify(signature, message, ec.ECDSA(h))
    elif alg.value.startswith("RSASSA_PSS_"):
        public.verify(signature, message, padding.PSS(padding.MGF1(h), h.digest_size), h)
    else:
        public.verify(signature, message, padding.PKCS1v15(), h)


@pytest.mark.parametrize(("spec", "alg"), SIGNING_CASES)
def test_signatures_verify_with_standard_primitives(
    key_of: KeyOf, spec: KeySpec, alg: SigningAlgorithm
) -> None:
    m = key_of(spec)
    message = os.urandom(300)
    raw = asymmetric.sign(m.secret, alg, message, MessageType.RAW)
    standard_verify(m, alg, message, raw)
    digest = hashlib.new(HASH[alg.value[-7:]]().name, message).digest()
    from_digest = asymmetric.sign(m.secret, alg, digest, MessageType.DIGEST)
    standard_verify(m, alg, message, from_digest)
    with pytest.raises(InvalidSignature):
        standard_verify(m, alg, message + b"!", raw)
    assert m.public_key is not None
    assert asymmetric.verify(m.public_key, alg, message, MessageType.RAW, raw)
    assert asymmetric.verify(m.public_key, alg, digest, MessageType.DIGEST, from_digest)
    assert not asymmetric.verify(m.public_key, alg, message + b"!", MessageType.RAW, raw)


@pytest.mark.parametrize(("spec", "alg"), SIGNING_CASES)
def test_verifies_standard_signatures(key_of: KeyOf, spec: KeySpec, alg: SigningAlgorithm) -> None:
    m = key_of(spec)
    h = HASH[alg.value[-7:]]()
    key = private(m)
    message = b"signed elsewhere"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(message, ec.ECDSA(h))
        decode_dss_signature(signature)  # DER-encoded (r, s), as KMS returns
    elif alg.value.startswith("RSASSA_PSS_"):
        signature = key.sign(message, padding.PSS(padding.MGF1(h), h.digest_size), h)
    else:
        signature = key.sign(message, padding.PKCS1v15(), h)
    assert m.public_key is not None
    assert asymmetric.verify(m.public_key, alg, message, MessageType.RAW, signature)
    bad = signature[:-1] + bytes([signature[-1] ^ 1])
    assert not asymmetric.verify(m.public_key, alg, message, MessageType.RAW, bad)


def test_digest_of_wrong_length_is_refused(key_of: KeyOf) -> None:
    m = key_of(KeySpec.ECC_NIST_P256)
    with pytest.raises(asymmetric.AsymmetricError, match="Digest is invalid length"):
        asymmetric.sign(m.secret, SigningAlgorithm.ECDSA_SHA_256, b"\x00" * 31, MessageType.DIGEST)


def test_key_cannot_sign_with_another_family(key_of: KeyOf) -> None:
    with pytest.raises(asymmetric.AsymmetricError):
        asymmetric.sign(
            key_of(KeySpec.ECC_NIST_P256).secret,
            SigningAlgorithm.RSASSA_PSS_SHA_256,
            b"m",
            MessageType.RAW,
        )
