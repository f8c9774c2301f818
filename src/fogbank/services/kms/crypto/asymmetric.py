"""RSA encryption (RSAES-OAEP) and signatures (RSASSA-PSS, PKCS#1 v1.5, ECDSA).

As KMS does: RSA ciphertexts are bare RSAES-OAEP outputs (MGF1 with the same hash as
OAEP's), so data encrypted offline with the public key from GetPublicKey decrypts with
Decrypt; PSS uses a salt as long as the digest; ECDSA signatures are DER-encoded.
Signing a ``DIGEST`` message signs the given digest as is (it must have the digest's
length). CPU-heavy for RSA: callers run these in a thread.
"""

from __future__ import annotations

import hashlib
from types import MappingProxyType

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from fogbank.services.kms.crypto.material import load_private
from fogbank.services.kms.models import EncryptionAlgorithm, MessageType, SigningAlgorithm


class AsymmetricError(Exception):
    """Decryption failed, or the input is unusable (length, key type)."""


_OAEP_HASH: MappingProxyType[EncryptionAlgorithm, type[hashes.HashAlgorithm]] = MappingProxyType(
    {
        EncryptionAlgorithm.RSAES_OAEP_SHA_1: hashes.SHA1,
        EncryptionAlgorithm.RSAES_OAEP_SHA_256: hashes.SHA256,
    }
)
_SIGN_HASH: MappingProxyType[str, type[hashes.HashAlgorithm]] = MappingProxyType(
    {"SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}
)


def _oaep(algorithm: EncryptionAlgorithm) -> padding.OAEP:
    try:
        h = _OAEP_HASH[algorithm]
    except KeyError:
        raise AsymmetricError(f"{algorithm} is not an RSA encryption algorithm") from None
    return padding.OAEP(mgf=padding.MGF1(algorithm=h()), algorithm=h(), label=None)


def max_plaintext(key_bits: int, algorithm: EncryptionAlgorithm) -> int:
    """RSAES-OAEP's limit: k - 2*hLen - 2 bytes."""
    return key_bits // 8 - 2 * _OAEP_HASH[algorithm]().digest_size - 2


def _rsa_public(public_der: bytes) -> rsa.RSAPublicKey:
    key = serialization.load_der_public_key(public_der)
    if not isinstance(key, rsa.RSAPublicKey):
        raise AsymmetricError("not an RSA key")
    return key


def _rsa_private(private_der: bytes) -> rsa.RSAPrivateKey:
    key = load_private(private_der)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise AsymmetricError("not an RSA key")
    return key


def rsa_encrypt(public_der: bytes, algorithm: EncryptionAlgorithm, plaintext: bytes) -> bytes:
    key = _rsa_public(public_der)
    if len(plaintext) > max_plaintext(key.key_size, algorithm):
        raise AsymmetricError("plaintext too long for the key and algorithm")
    return key.encrypt(plaintext, _oaep(algorithm))


def rsa_decrypt(private_der: bytes, algorithm: EncryptionAlgorithm, ciphertext: bytes) -> bytes:
    key = _rsa_private(private_der)
    try:
        return key.decrypt(ciphertext, _oaep(algorithm))
    except ValueError:
        raise AsymmetricError("decryption failed") from None


def _hash_of(algorithm: SigningAlgorithm) -> hashes.HashAlgorithm:
    return _SIGN_HASH[algorithm.value[-7:]]()


def digest_size(algorithm: SigningAlgorithm) -> int:
    return _hash_of(algorithm).digest_size


def _digest(algorithm: SigningAlgorithm, message: bytes, message_type: MessageType) -> bytes:
    h = _hash_of(algorithm)
    if message_type is MessageType.DIGEST:
        if len(message) != h.digest_size:
            raise AsymmetricError(f"Digest is invalid length for algorithm {algorithm.value}.")
        return message
    return hashlib.new(h.name, message).digest()


def _rsa_padding(algorithm: SigningAlgorithm) -> padding.AsymmetricPadding:
    if algorithm.value.startswith("RSASSA_PSS_"):
        return padding.PSS(
            mgf=padding.MGF1(_hash_of(algorithm)), salt_length=padding.PSS.DIGEST_LENGTH
        )
    return padding.PKCS1v15()


def sign(
    private_der: bytes, algorithm: SigningAlgorithm, message: bytes, message_type: MessageType
) -> bytes:
    digest = _digest(algorithm, message, message_type)
    prehashed = utils.Prehashed(_hash_of(algorithm))
    key = load_private(private_der)
    if isinstance(key, rsa.RSAPrivateKey) and algorithm.value.startswith("RSASSA_"):
        return key.sign(digest, _rsa_padding(algorithm), prehashed)
    if isinstance(key, ec.EllipticCurvePrivateKey) and algorithm.value.startswith("ECDSA_"):
        return key.sign(digest, ec.ECDSA(prehashed))
    raise AsymmetricError("the key cannot sign with this algorithm")


def verify(
    public_der: bytes,
    algorithm: SigningAlgorithm,
    message: bytes,
    message_type: MessageType,
    signature: bytes,
) -> bool:
    digest = _digest(algorithm, message, message_type)
    prehashed = utils.Prehashed(_hash_of(algorithm))
    key = serialization.load_der_public_key(public_der)
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm.value.startswith("RSASSA_"):
            key.verify(signature, digest, _rsa_padding(algorithm), prehashed)
            return True
        if isinstance(key, ec.EllipticCurvePublicKey) and algorithm.value.startswith("ECDSA_"):
            key.verify(signature, digest, ec.ECDSA(prehashed))
            return True
    except InvalidSignature:
        return False
    raise AsymmetricError("the key cannot verify with this algorithm")


def key_bits(public_der: bytes) -> int:
    key = serialization.load_der_public_key(public_der)
    if isinstance(key, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return key.key_size
    raise AsymmetricError("unsupported public key type")
