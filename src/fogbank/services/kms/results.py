"""What the cryptographic operations return, with their API output structures.

Plaintexts are kept out of ``repr`` so that a result logged by mistake leaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Output = dict[str, object]


@dataclass(frozen=True)
class EncryptResult:
    ciphertext_blob: bytes
    key_arn: str
    encryption_algorithm: str

    def wire(self) -> Output:
        return {
            "CiphertextBlob": self.ciphertext_blob,
            "KeyId": self.key_arn,
            "EncryptionAlgorithm": self.encryption_algorithm,
        }


@dataclass(frozen=True)
class DecryptResult:
    plaintext: bytes = field(repr=False)
    key_arn: str
    encryption_algorithm: str
    key_material_id: str | None = None

    def wire(self) -> Output:
        out: Output = {
            "Plaintext": self.plaintext,
            "KeyId": self.key_arn,
            "EncryptionAlgorithm": self.encryption_algorithm,
        }
        if self.key_material_id is not None:
            out["KeyMaterialId"] = self.key_material_id
        return out


@dataclass(frozen=True)
class ReEncryptResult:
    ciphertext_blob: bytes
    source_key_arn: str
    key_arn: str
    source_encryption_algorithm: str
    destination_encryption_algorithm: str
    source_key_material_id: str | None = None
    destination_key_material_id: str | None = None

    def wire(self) -> Output:
        out: Output = {
            "CiphertextBlob": self.ciphertext_blob,
            "SourceKeyId": self.source_key_arn,
            "KeyId": self.key_arn,
            "SourceEncryptionAlgorithm": self.source_encryption_algorithm,
            "DestinationEncryptionAlgorithm": self.destination_encryption_algorithm,
        }
        if self.source_key_material_id is not None:
            out["SourceKeyMaterialId"] = self.source_key_material_id
        if self.destination_key_material_id is not None:
            out["DestinationKeyMaterialId"] = self.destination_key_material_id
        return out


@dataclass(frozen=True)
class DataKeyResult:
    ciphertext_blob: bytes
    plaintext: bytes | None = field(repr=False)  # None: ...WithoutPlaintext
    key_arn: str
    key_material_id: str

    def wire(self) -> Output:
        out: Output = {
            "CiphertextBlob": self.ciphertext_blob,
            "KeyId": self.key_arn,
            "KeyMaterialId": self.key_material_id,
        }
        if self.plaintext is not None:
            out["Plaintext"] = self.plaintext
        return out


@dataclass(frozen=True)
class DataKeyPairResult:
    private_key_ciphertext_blob: bytes
    private_key_plaintext: bytes | None = field(repr=False)  # None: ...WithoutPlaintext
    public_key: bytes
    key_arn: str
    key_pair_spec: str
    key_material_id: str

    def wire(self) -> Output:
        out: Output = {
            "PrivateKeyCiphertextBlob": self.private_key_ciphertext_blob,
            "PublicKey": self.public_key,
            "KeyId": self.key_arn,
            "KeyPairSpec": self.key_pair_spec,
            "KeyMaterialId": self.key_material_id,
        }
        if self.private_key_plaintext is not None:
            out["PrivateKeyPlaintext"] = self.private_key_plaintext
        return out


@dataclass(frozen=True)
class SignResult:
    signature: bytes
    key_arn: str
    signing_algorithm: str

    def wire(self) -> Output:
        return {
            "KeyId": self.key_arn,
            "Signature": self.signature,
            "SigningAlgorithm": self.signing_algorithm,
        }


@dataclass(frozen=True)
class VerifyResult:
    key_arn: str
    signing_algorithm: str
    signature_valid: bool = True  # an invalid signature raises KMSInvalidSignatureException

    def wire(self) -> Output:
        return {
            "KeyId": self.key_arn,
            "SignatureValid": self.signature_valid,
            "SigningAlgorithm": self.signing_algorithm,
        }


@dataclass(frozen=True)
class MacResult:
    mac: bytes
    key_arn: str
    mac_algorithm: str

    def wire(self) -> Output:
        return {"Mac": self.mac, "MacAlgorithm": self.mac_algorithm, "KeyId": self.key_arn}


@dataclass(frozen=True)
class VerifyMacResult:
    key_arn: str
    mac_algorithm: str
    mac_valid: bool = True  # an invalid MAC raises KMSInvalidMacException

    def wire(self) -> Output:
        return {
            "KeyId": self.key_arn,
            "MacValid": self.mac_valid,
            "MacAlgorithm": self.mac_algorithm,
        }


@dataclass(frozen=True)
class PublicKeyResult:
    key_arn: str
    public_key: bytes
    key_spec: str
    key_usage: str
    encryption_algorithms: tuple[str, ...] = ()
    signing_algorithms: tuple[str, ...] = ()

    def wire(self) -> Output:
        out: Output = {
            "KeyId": self.key_arn,
            "PublicKey": self.public_key,
            "CustomerMasterKeySpec": self.key_spec,
            "KeySpec": self.key_spec,
            "KeyUsage": self.key_usage,
        }
        if self.encryption_algorithms:
            out["EncryptionAlgorithms"] = list(self.encryption_algorithms)
        if self.signing_algorithms:
            out["SigningAlgorithms"] = list(self.signing_algorithms)
        return out
