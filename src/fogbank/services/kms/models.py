"""KMS domain objects (frozen) and the enumerations KMS uses on the wire."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class KeySpec(StrEnum):
    SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"
    RSA_2048 = "RSA_2048"
    RSA_3072 = "RSA_3072"
    RSA_4096 = "RSA_4096"
    ECC_NIST_P256 = "ECC_NIST_P256"
    ECC_NIST_P384 = "ECC_NIST_P384"
    ECC_NIST_P521 = "ECC_NIST_P521"
    ECC_SECG_P256K1 = "ECC_SECG_P256K1"
    HMAC_224 = "HMAC_224"
    HMAC_256 = "HMAC_256"
    HMAC_384 = "HMAC_384"
    HMAC_512 = "HMAC_512"


class KeyUsage(StrEnum):
    ENCRYPT_DECRYPT = "ENCRYPT_DECRYPT"
    SIGN_VERIFY = "SIGN_VERIFY"
    GENERATE_VERIFY_MAC = "GENERATE_VERIFY_MAC"


class KeyState(StrEnum):
    ENABLED = "Enabled"
    DISABLED = "Disabled"
    PENDING_DELETION = "PendingDeletion"


class KeyManager(StrEnum):
    AWS = "AWS"
    CUSTOMER = "CUSTOMER"


class EncryptionAlgorithm(StrEnum):
    SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT"
    RSAES_OAEP_SHA_1 = "RSAES_OAEP_SHA_1"
    RSAES_OAEP_SHA_256 = "RSAES_OAEP_SHA_256"


class SigningAlgorithm(StrEnum):
    RSASSA_PSS_SHA_256 = "RSASSA_PSS_SHA_256"
    RSASSA_PSS_SHA_384 = "RSASSA_PSS_SHA_384"
    RSASSA_PSS_SHA_512 = "RSASSA_PSS_SHA_512"
    RSASSA_PKCS1_V1_5_SHA_256 = "RSASSA_PKCS1_V1_5_SHA_256"
    RSASSA_PKCS1_V1_5_SHA_384 = "RSASSA_PKCS1_V1_5_SHA_384"
    RSASSA_PKCS1_V1_5_SHA_512 = "RSASSA_PKCS1_V1_5_SHA_512"
    ECDSA_SHA_256 = "ECDSA_SHA_256"
    ECDSA_SHA_384 = "ECDSA_SHA_384"
    ECDSA_SHA_512 = "ECDSA_SHA_512"


class MacAlgorithm(StrEnum):
    HMAC_SHA_224 = "HMAC_SHA_224"
    HMAC_SHA_256 = "HMAC_SHA_256"
    HMAC_SHA_384 = "HMAC_SHA_384"
    HMAC_SHA_512 = "HMAC_SHA_512"


class MessageType(StrEnum):
    RAW = "RAW"
    DIGEST = "DIGEST"


class DataKeySpec(StrEnum):
    AES_128 = "AES_128"
    AES_256 = "AES_256"


class DataKeyPairSpec(StrEnum):
    RSA_2048 = "RSA_2048"
    RSA_3072 = "RSA_3072"
    RSA_4096 = "RSA_4096"
    ECC_NIST_P256 = "ECC_NIST_P256"
    ECC_NIST_P384 = "ECC_NIST_P384"
    ECC_NIST_P521 = "ECC_NIST_P521"
    ECC_SECG_P256K1 = "ECC_SECG_P256K1"


class RotationType(StrEnum):
    AUTOMATIC = "AUTOMATIC"
    ON_DEMAND = "ON_DEMAND"


class GrantOperation(StrEnum):
    DECRYPT = "Decrypt"
    ENCRYPT = "Encrypt"
    GENERATE_DATA_KEY = "GenerateDataKey"
    GENERATE_DATA_KEY_WITHOUT_PLAINTEXT = "GenerateDataKeyWithoutPlaintext"
    RE_ENCRYPT_FROM = "ReEncryptFrom"
    RE_ENCRYPT_TO = "ReEncryptTo"
    SIGN = "Sign"
    VERIFY = "Verify"
    GET_PUBLIC_KEY = "GetPublicKey"
    CREATE_GRANT = "CreateGrant"
    RETIRE_GRANT = "RetireGrant"
    DESCRIBE_KEY = "DescribeKey"
    GENERATE_DATA_KEY_PAIR = "GenerateDataKeyPair"
    GENERATE_DATA_KEY_PAIR_WITHOUT_PLAINTEXT = "GenerateDataKeyPairWithoutPlaintext"
    GENERATE_MAC = "GenerateMac"
    VERIFY_MAC = "VerifyMac"


def key_arn(partition: str, region: str, account_id: str, key_id: str) -> str:
    return f"arn:{partition}:kms:{region}:{account_id}:key/{key_id}"


def alias_arn(partition: str, region: str, account_id: str, alias_name: str) -> str:
    return f"arn:{partition}:kms:{region}:{account_id}:{alias_name}"


@dataclass(frozen=True)
class KeyMaterial:
    """One version of a key's material, sealed under the root key (``sealed``)."""

    key_id: str
    version: int  # 1 for the original material, +1 per rotation
    material_id: str  # 64 hex digits, KMS's KeyMaterialId
    sealed: bytes
    public_key: bytes | None  # DER SubjectPublicKeyInfo of asymmetric keys (not secret)
    created_at: float
    rotation_type: RotationType | None  # None for the original material


@dataclass(frozen=True)
class Key:
    key_id: str
    account_id: str
    region: str
    spec: KeySpec
    usage: KeyUsage
    manager: KeyManager
    description: str
    state: KeyState
    created_at: float
    current_version: int
    current_material_id: str
    policy: str
    deletion_at: float | None = None
    pending_window_days: int | None = None
    rotation_enabled: bool = False
    rotation_period_days: int | None = None
    rotation_due_at: float | None = None
    on_demand_rotation_at: float | None = None
    partition: str = "aws"

    @property
    def arn(self) -> str:
        return key_arn(self.partition, self.region, self.account_id, self.key_id)

    @property
    def enabled(self) -> bool:
        return self.state is KeyState.ENABLED

    @property
    def symmetric(self) -> bool:
        return self.spec is KeySpec.SYMMETRIC_DEFAULT


@dataclass(frozen=True)
class Alias:
    account_id: str
    region: str
    name: str  # "alias/..."
    key_id: str
    created_at: float
    updated_at: float
    partition: str = "aws"

    @property
    def arn(self) -> str:
        return alias_arn(self.partition, self.region, self.account_id, self.name)


@dataclass(frozen=True)
class GrantConstraints:
    """At most one of the two is set (KMS allows one kind per grant)."""

    encryption_context_equals: tuple[tuple[str, str], ...] | None = None
    encryption_context_subset: tuple[tuple[str, str], ...] | None = None

    @property
    def empty(self) -> bool:
        return self.encryption_context_equals is None and self.encryption_context_subset is None


@dataclass(frozen=True)
class Grant:
    grant_id: str
    key_id: str
    key_arn: str
    name: str | None
    grantee_principal: str
    retiring_principal: str | None
    issuing_account: str  # "arn:aws:iam::<account>:root"
    operations: tuple[GrantOperation, ...]
    constraints: GrantConstraints = field(default_factory=GrantConstraints)
    created_at: float = 0.0
