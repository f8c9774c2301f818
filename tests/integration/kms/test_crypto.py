"""The cryptographic operations through boto3, checked with ``cryptography`` where the
result can be verified offline, and their errors."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from tests.integration.kms.support import fails, unique


def new_key(kms: Any, spec: str = "SYMMETRIC_DEFAULT", usage: str = "ENCRYPT_DECRYPT") -> str:
    key_id: str = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["KeyId"]
    return key_id


def test_encrypt_decrypt_and_context(kms: Any) -> None:
    key_id = new_key(kms)
    alias = unique()
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    out = kms.encrypt(KeyId=alias, Plaintext=b"secret", EncryptionContext={"k": "v"})
    assert (
        out["KeyId"].endswith(f":key/{key_id}")
        and out["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    )
    blob = out["CiphertextBlob"]
    got = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"k": "v"})
    assert got["Plaintext"] == b"secret" and got["KeyId"] == out["KeyId"]
    assert (
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"k": "v"}, KeyId=alias)["Plaintext"]
        == b"secret"
    )
    for wrong in ({}, {"k": "V"}, {"k": "v", "x": "y"}):
        fails(
            lambda w=wrong: kms.decrypt(CiphertextBlob=blob, EncryptionContext=w),
            "InvalidCiphertextException",
        )
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    fails(
        lambda: kms.decrypt(CiphertextBlob=tampered, EncryptionContext={"k": "v"}),
        "InvalidCiphertextException",
    )
    fails(lambda: kms.decrypt(CiphertextBlob=b"not a ciphertext"), "InvalidCiphertextException")
    other = new_key(kms)
    wrong_key = fails(
        lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext={"k": "v"}, KeyId=other),
        "IncorrectKeyException",
    )
    assert "does not identify a KMS key" in wrong_key["Message"]


def test_size_limits(kms: Any, raw_kms: Any) -> None:
    key_id = new_key(kms)
    assert len(kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4096)["CiphertextBlob"]) <= 6144
    fails(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4097), "ValidationException")
    fails(lambda: raw_kms.encrypt(KeyId=key_id, Plaintext=b""), "ValidationException")
    fails(lambda: kms.decrypt(CiphertextBlob=b"x" * 6145), "ValidationException")
    fails(lambda: raw_kms.generate_random(NumberOfBytes=0), "ValidationException")
    fails(lambda: kms.generate_random(NumberOfBytes=1025), "ValidationException")
    fails(lambda: raw_kms.encrypt(Plaintext=b"x"), "ValidationException")  # KeyId missing
    assert len(kms.generate_random(NumberOfBytes=1024)["Plaintext"]) == 1024


def test_re_encrypt(kms: Any) -> None:
    first, second = new_key(kms), new_key(kms)
    blob = kms.encrypt(KeyId=first, Plaintext=b"move me", EncryptionContext={"a": "1"})[
        "CiphertextBlob"
    ]
    out = kms.re_encrypt(
        CiphertextBlob=blob,
        SourceEncryptionContext={"a": "1"},
        DestinationKeyId=second,
        DestinationEncryptionContext={"b": "2"},
    )
    assert out["SourceKeyId"].endswith(first) and out["KeyId"].endswith(second)
    assert (
        kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"b": "2"})["Plaintext"]
        == b"move me"
    )
    fails(
        lambda: kms.re_encrypt(CiphertextBlob=blob, DestinationKeyId=second),
        "InvalidCiphertextException",
    )
    fails(
        lambda: kms.re_encrypt(
            CiphertextBlob=blob,
            SourceEncryptionContext={"a": "1"},
            SourceKeyId=second,
            DestinationKeyId=first,
        ),
        "IncorrectKeyException",
    )


def test_rsa_encryption_interoperates_with_the_public_key(kms: Any) -> None:
    key_id = new_key(kms, "RSA_2048")
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    offline = public.encrypt(b"sealed offline", oaep)
    got = kms.decrypt(
        CiphertextBlob=offline, KeyId=key_id, EncryptionAlgorithm="RSAES_OAEP_SHA_256"
    )
    assert got["Plaintext"] == b"sealed offline"
    made = kms.encrypt(KeyId=key_id, Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_1")[
        "CiphertextBlob"
    ]
    assert len(made) == 256
    fails(
        lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"), "InvalidKeyUsageException"
    )  # no algorithm
    fails(
        lambda: kms.encrypt(
            KeyId=key_id,
            Plaintext=b"x",
            EncryptionAlgorithm="RSAES_OAEP_SHA_1",
            EncryptionContext={"a": "b"},
        ),
        "ValidationException",
    )


def test_data_keys(kms: Any, raw_kms: Any) -> None:
    key_id = new_key(kms)
    out = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"f": "1"})
    assert len(out["Plaintext"]) == 32 and out["KeyId"].endswith(key_id)
    opened = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"f": "1"})
    assert opened["Plaintext"] == out["Plaintext"]
    assert len(kms.generate_data_key(KeyId=key_id, KeySpec="AES_128")["Plaintext"]) == 16
    assert len(kms.generate_data_key(KeyId=key_id, NumberOfBytes=7)["Plaintext"]) == 7
    bare = kms.generate_data_key_without_plaintext(KeyId=key_id, KeySpec="AES_256")
    assert (
        "Plaintext" not in bare
        and len(kms.decrypt(CiphertextBlob=bare["CiphertextBlob"])["Plaintext"]) == 32
    )
    fails(lambda: kms.generate_data_key(KeyId=key_id), "ValidationException")
    fails(
        lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", NumberOfBytes=32),
        "ValidationException",
    )
    fails(lambda: raw_kms.generate_data_key(KeyId=key_id, KeySpec="AES_512"), "ValidationException")
    rsa_key = new_key(kms, "RSA_2048")
    fails(
        lambda: kms.generate_data_key(KeyId=rsa_key, KeySpec="AES_256"), "InvalidKeyUsageException"
    )


def test_data_key_pairs(kms: Any) -> None:
    key_id = new_key(kms)
    pair = kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="ECC_NIST_P256")
    private = serialization.load_der_private_key(pair["PrivateKeyPlaintext"], None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    public_der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert public_der == pair["PublicKey"] and pair["KeyPairSpec"] == "ECC_NIST_P256"
    assert (
        kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"])["Plaintext"]
        == pair["PrivateKeyPlaintext"]
    )
    bare = kms.generate_data_key_pair_without_plaintext(KeyId=key_id, KeyPairSpec="RSA_2048")
    assert "PrivateKeyPlaintext" not in bare
    private_rsa = serialization.load_der_private_key(
        kms.decrypt(CiphertextBlob=bare["PrivateKeyCiphertextBlob"])["Plaintext"], None
    )
    assert isinstance(private_rsa, rsa.RSAPrivateKey) and private_rsa.key_size == 2048
    fails(
        lambda: kms.generate_data_key_pair(KeyId=key_id, KeyPairSpec="SM2"),
        "UnsupportedOperationException",
    )


def test_sign_and_verify(kms: Any) -> None:
    key_id = new_key(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    public = serialization.load_der_public_key(kms.get_public_key(KeyId=key_id)["PublicKey"])
    assert isinstance(public, ec.EllipticCurvePublicKey)
    signed = kms.sign(KeyId=key_id, Message=b"the message", SigningAlgorithm="ECDSA_SHA_256")
    public.verify(signed["Signature"], b"the message", ec.ECDSA(hashes.SHA256()))  # raises if bad
    ok = kms.verify(
        KeyId=key_id,
        Message=b"the message",
        Signature=signed["Signature"],
        SigningAlgorithm="ECDSA_SHA_256",
    )
    assert ok["SignatureValid"] is True
    fails(
        lambda: kms.verify(
            KeyId=key_id,
            Message=b"another",
            Signature=signed["Signature"],
            SigningAlgorithm="ECDSA_SHA_256",
        ),
        "KMSInvalidSignatureException",
    )
    digest = hashlib.sha256(b"the message").digest()
    by_digest = kms.sign(
        KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256"
    )
    public.verify(by_digest["Signature"], b"the message", ec.ECDSA(hashes.SHA256()))
    fails(
        lambda: kms.sign(
            KeyId=key_id, Message=b"short", MessageType="DIGEST", SigningAlgorithm="ECDSA_SHA_256"
        ),
        "ValidationException",
    )
    fails(
        lambda: kms.sign(KeyId=key_id, Message=b"m", SigningAlgorithm="ECDSA_SHA_384"),
        "InvalidKeyUsageException",
    )
    fails(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"), "InvalidKeyUsageException")

    rsa_key = new_key(kms, "RSA_2048", "SIGN_VERIFY")
    rsa_public = serialization.load_der_public_key(kms.get_public_key(KeyId=rsa_key)["PublicKey"])
    assert isinstance(rsa_public, rsa.RSAPublicKey)
    pss = kms.sign(KeyId=rsa_key, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    rsa_public.verify(pss, b"m", padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    symmetric = new_key(kms)
    fails(
        lambda: kms.sign(KeyId=symmetric, Message=b"m", SigningAlgorithm="ECDSA_SHA_256"),
        "InvalidKeyUsageException",
    )
    fails(lambda: kms.get_public_key(KeyId=symmetric), "UnsupportedOperationException")


def test_macs(kms: Any) -> None:
    key_id = new_key(kms, "HMAC_256", "GENERATE_VERIFY_MAC")
    mac = kms.generate_mac(KeyId=key_id, Message=b"msg", MacAlgorithm="HMAC_SHA_256")["Mac"]
    assert len(mac) == 32
    ok = kms.verify_mac(KeyId=key_id, Message=b"msg", Mac=mac, MacAlgorithm="HMAC_SHA_256")
    assert ok["MacValid"] is True
    fails(
        lambda: kms.verify_mac(
            KeyId=key_id, Message=b"other", Mac=mac, MacAlgorithm="HMAC_SHA_256"
        ),
        "KMSInvalidMacException",
    )
    fails(
        lambda: kms.generate_mac(KeyId=key_id, Message=b"msg", MacAlgorithm="HMAC_SHA_512"),
        "InvalidKeyUsageException",
    )
    # A different key gives a different MAC (the key is secret, so only this can be checked).
    other = new_key(kms, "HMAC_256", "GENERATE_VERIFY_MAC")
    assert not hmac.compare_digest(
        mac, kms.generate_mac(KeyId=other, Message=b"msg", MacAlgorithm="HMAC_SHA_256")["Mac"]
    )


def test_dry_run(kms: Any) -> None:
    key_id = new_key(kms)
    fails(
        lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x", DryRun=True),
        "DryRunOperationException",
        412,
    )
    kms.disable_key(KeyId=key_id)
    fails(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x", DryRun=True), "DisabledException")
    kms.enable_key(KeyId=key_id)
    fails(
        lambda: kms.decrypt(
            CiphertextBlob=b"junk", KeyId=key_id, DryRun=True, DryRunModifiers=["IGNORE_CIPHERTEXT"]
        ),
        "DryRunOperationException",
        412,
    )
    fails(
        lambda: kms.decrypt(CiphertextBlob=b"junk", KeyId=key_id, DryRun=True),
        "InvalidCiphertextException",
    )
    fails(
        lambda: kms.create_grant(
            KeyId=key_id,
            GranteePrincipal="arn:aws:iam::000000000000:user/u",
            Operations=["Decrypt"],
            DryRun=True,
        ),
        "DryRunOperationException",
        412,
    )
    assert kms.list_grants(KeyId=key_id)["Grants"] == []


def test_grant_tokens_are_checked(kms: Any) -> None:
    key_id = new_key(kms)
    fails(
        lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x", GrantTokens=["forged"]),
        "InvalidGrantTokenException",
    )
    token = kms.create_grant(
        KeyId=key_id, GranteePrincipal="arn:aws:iam::000000000000:user/u", Operations=["Encrypt"]
    )["GrantToken"]
    kms.encrypt(KeyId=key_id, Plaintext=b"x", GrantTokens=[token])


def test_keys_of_another_account_are_not_the_callers(kms: Any) -> None:
    key_id = new_key(kms)
    other = f"arn:aws:kms:us-east-1:111122223333:key/{key_id}"
    fails(lambda: kms.encrypt(KeyId=other, Plaintext=b"x"), "AccessDeniedException")
