"""Which key usages and algorithms go with which key spec, as KMS has them.

Also the parsing of the enumerated request values, so that an unknown value answers the
same ``ValidationException`` KMS gives for a value outside the model's enum.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from fogbank.services.kms import errors
from fogbank.services.kms.models import (
    EncryptionAlgorithm,
    KeySpec,
    KeyUsage,
    MacAlgorithm,
    SigningAlgorithm,
)

E = TypeVar("E", bound=StrEnum)

# Values the model knows but fogbank does not implement: answered UnsupportedOperation
# rather than ValidationException, so a client can tell "not in fogbank" from "invalid".
UNSUPPORTED_KEY_SPECS = frozenset(
    {
        "SM2",
        "ML_DSA_44",
        "ML_DSA_65",
        "ML_DSA_87",
        "ECC_NIST_EDWARDS25519",
        "ML_KEM_512",
        "ML_KEM_768",
        "ML_KEM_1024",
    }
)
UNSUPPORTED_KEY_USAGES = frozenset({"KEY_AGREEMENT", "ENCAPSULATE_DECAPSULATE"})

_RSA_ENCRYPTION = (EncryptionAlgorithm.RSAES_OAEP_SHA_1, EncryptionAlgorithm.RSAES_OAEP_SHA_256)
_RSA_SIGNING = (
    SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256,
    SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_384,
    SigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_512,
    SigningAlgorithm.RSASSA_PSS_SHA_256,
    SigningAlgorithm.RSASSA_PSS_SHA_384,
    SigningAlgorithm.RSASSA_PSS_SHA_512,
)


@dataclass(frozen=True)
class SpecRules:
    usages: tuple[KeyUsage, ...]
    encryption: tuple[EncryptionAlgorithm, ...] = ()
    signing: tuple[SigningAlgorithm, ...] = ()
    mac: tuple[MacAlgorithm, ...] = ()
    # Bytes of secret material for symmetric and HMAC keys (0 for asymmetric keys).
    secret_bytes: int = 0


RULES: MappingProxyType[KeySpec, SpecRules] = MappingProxyType(
    {
        KeySpec.SYMMETRIC_DEFAULT: SpecRules(
            (KeyUsage.ENCRYPT_DECRYPT,),
            encryption=(EncryptionAlgorithm.SYMMETRIC_DEFAULT,),
            secret_bytes=32,
        ),
        KeySpec.RSA_2048: SpecRules(
            (KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY), _RSA_ENCRYPTION, _RSA_SIGNING
        ),
        KeySpec.RSA_3072: SpecRules(
            (KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY), _RSA_ENCRYPTION, _RSA_SIGNING
        ),
        KeySpec.RSA_4096: SpecRules(
            (KeyUsage.ENCRYPT_DECRYPT, KeyUsage.SIGN_VERIFY), _RSA_ENCRYPTION, _RSA_SIGNING
        ),
        KeySpec.ECC_NIST_P256: SpecRules(
            (KeyUsage.SIGN_VERIFY,), signing=(SigningAlgorithm.ECDSA_SHA_256,)
        ),
        KeySpec.ECC_NIST_P384: SpecRules(
            (KeyUsage.SIGN_VERIFY,), signing=(SigningAlgorithm.ECDSA_SHA_384,)
        ),
        KeySpec.ECC_NIST_P521: SpecRules(
            (KeyUsage.SIGN_VERIFY,), signing=(SigningAlgorithm.ECDSA_SHA_512,)
        ),
        KeySpec.ECC_SECG_P256K1: SpecRules(
            (KeyUsage.SIGN_VERIFY,), signing=(SigningAlgorithm.ECDSA_SHA_256,)
        ),
        KeySpec.HMAC_224: SpecRules(
            (KeyUsage.GENERATE_VERIFY_MAC,), mac=(MacAlgorithm.HMAC_SHA_224,), secret_bytes=28
        ),
        KeySpec.HMAC_256: SpecRules(
            (KeyUsage.GENERATE_VERIFY_MAC,), mac=(MacAlgorithm.HMAC_SHA_256,), secret_bytes=32
        ),
        KeySpec.HMAC_384: SpecRules(
            (KeyUsage.GENERATE_VERIFY_MAC,), mac=(MacAlgorithm.HMAC_SHA_384,), secret_bytes=48
        ),
        KeySpec.HMAC_512: SpecRules(
            (KeyUsage.GENERATE_VERIFY_MAC,), mac=(MacAlgorithm.HMAC_SHA_512,), secret_bytes=64
        ),
    }
)


def is_rsa(spec: KeySpec) -> bool:
    return spec.value.startswith("RSA_")


def is_ecc(spec: KeySpec) -> bool:
    return spec.value.startswith("ECC_")


def is_hmac(spec: KeySpec) -> bool:
    return spec.value.startswith("HMAC_")


def is_asymmetric(spec: KeySpec) -> bool:
    return is_rsa(spec) or is_ecc(spec)


def parse(enum: type[E], value: str, field: str) -> E:
    """A request value as its enum, or KMS's ValidationException for an unknown value."""
    try:
        return enum(value)
    except ValueError:
        raise errors.enum_value(field, value, [m.value for m in enum]) from None


def key_spec(value: str, field: str = "keySpec") -> KeySpec:
    if value in UNSUPPORTED_KEY_SPECS:
        raise errors.unsupported(f"KeySpec {value} is not supported by fogbank.")
    return parse(KeySpec, value, field)


def key_usage(value: str) -> KeyUsage:
    if value in UNSUPPORTED_KEY_USAGES:
        raise errors.unsupported(f"KeyUsage {value} is not supported by fogbank.")
    return parse(KeyUsage, value, "keyUsage")


def check_spec_usage(spec: KeySpec, usage: KeyUsage) -> None:
    if usage not in RULES[spec].usages:
        raise errors.validation(
            f"KeyUsage {usage.value} is not compatible with KeySpec {spec.value}."
        )


def encryption_algorithms(spec: KeySpec, usage: KeyUsage) -> tuple[EncryptionAlgorithm, ...]:
    return RULES[spec].encryption if usage is KeyUsage.ENCRYPT_DECRYPT else ()


def signing_algorithms(spec: KeySpec, usage: KeyUsage) -> tuple[SigningAlgorithm, ...]:
    return RULES[spec].signing if usage is KeyUsage.SIGN_VERIFY else ()


def mac_algorithms(spec: KeySpec, usage: KeyUsage) -> tuple[MacAlgorithm, ...]:
    return RULES[spec].mac if usage is KeyUsage.GENERATE_VERIFY_MAC else ()


def check_encryption_algorithm(spec: KeySpec, value: str | None) -> EncryptionAlgorithm:
    algorithm = parse(EncryptionAlgorithm, value or "SYMMETRIC_DEFAULT", "encryptionAlgorithm")
    if algorithm not in RULES[spec].encryption:
        raise errors.incompatible_algorithm(algorithm.value, spec.value)
    return algorithm


def check_signing_algorithm(spec: KeySpec, value: str) -> SigningAlgorithm:
    algorithm = parse(SigningAlgorithm, value, "signingAlgorithm")
    if algorithm not in RULES[spec].signing:
        raise errors.incompatible_algorithm(algorithm.value, spec.value)
    return algorithm


def check_mac_algorithm(spec: KeySpec, value: str) -> MacAlgorithm:
    algorithm = parse(MacAlgorithm, value, "macAlgorithm")
    if algorithm not in RULES[spec].mac:
        raise errors.incompatible_algorithm(algorithm.value, spec.value)
    return algorithm


def rotatable(spec: KeySpec) -> bool:
    """Only symmetric encryption keys rotate (automatically or on demand)."""
    return spec is KeySpec.SYMMETRIC_DEFAULT
