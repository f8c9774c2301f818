"""KMS operations end to end through the engine (both backends): encryption and its
errors, data keys and key pairs, signatures, MACs, public keys, AWS managed keys and the
in-process client, tags and key policies. Results are checked with ``cryptography``."""

from __future__ import annotations

import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from fogbank.services.kms import wire
from fogbank.services.kms.client import KmsClient
from fogbank.services.kms.ops import (
    datakeys,
    encryption,
    keys,
    policies,
    signing,
    tags,
)
from tests.contract.kms_support import (
    ACCOUNT,
    REGION,
    Kms,
    fails,
    kms_db_fixture,  # noqa: F401 - fixture
    kms_fixture,  # noqa: F401 - fixture
    run,
)


def new_key(k: Kms, spec: str = "SYMMETRIC_DEFAULT", usage: str = "ENCRYPT_DECRYPT") -> str:
    return run(keys.create_key(k.engine, ACCOUNT, REGION, key_spec=spec, key_usage=usage)).key_id


# -- Encrypt / Decrypt / ReEncrypt --------------------------------------------------------


def test_context_is_bound(kms: Kms) -> None:
    key_id = new_key(kms)
    e = kms.engine
    out = run(encryption.encrypt(e, ACCOUNT, REGION, key_id, b"secret", {"k": "v"}))
    assert out.key_arn == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"
    assert out.encryption_algorithm == "SYMMETRIC_DEFAULT" and b"secret" not in out.ciphertext_blob
    got = run(encryption.decrypt(e, ACCOUNT, REGION, out.ciphertext_blob, {"k": "v"}))
    assert got.plaintext == b"secret" and got.key_arn == out.key_arn
    assert (
        got.key_material_id
        == run(keys.describe_key(e, ACCOUNT, REGION, key_id)).current_material_id
    )
    for wrong in (None, {"k": "w"}, {"k": "v", "x": "y"}):
        err = fails(
            encryption.decrypt(e, ACCOUNT, REGION, out.ciphertext_blob, wrong),
            "InvalidCiphertextException",
        )
        assert err.status == 400
    tampered = out.ciphertext_blob[:-1] + bytes([out.ciphertext_blob[-1] ^ 1])
    fails(
        encryption.decrypt(e, ACCOUNT, REGION, tampered, {"k": "v"}), "InvalidCiphertextException"
    )
    fails(encryption.decrypt(e, ACCOUNT, REGION, b"garbage" * 10), "InvalidCiphertextException")


def test_decrypt_with_another_key_id_is_incorrect_key(kms: Kms) -> None:
    a, b = new_key(kms), new_key(kms)
    blob = run(encryption.encrypt(kms.engine, ACCOUNT, REGION, a, b"x")).ciphertext_blob
    err = fails(
        encryption.decrypt(kms.engine, ACCOUNT, REGION, blob, key_id=b), "IncorrectKeyException"
    )
    assert "does not identify a KMS key" in err.message
    assert run(encryption.decrypt(kms.engine, ACCOUNT, REGION, blob, key_id=a)).plaintext == b"x"


def test_plaintext_limits(kms: Kms) -> None:
    key_id = new_key(kms)
    run(encryption.encrypt(kms.engine, ACCOUNT, REGION, key_id, b"a" * 4096))
    err = fails(
        encryption.encrypt(kms.engine, ACCOUNT, REGION, key_id, b"a" * 4097), "ValidationException"
    )
    assert err.message == (
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096"
    )
    fails(encryption.encrypt(kms.engine, ACCOUNT, REGION, key_id, b""), "ValidationException")


def test_usage_and_algorithm_errors(kms: Kms) -> None:
    sign_key = new_key(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    e = kms.engine
    err = fails(encryption.encrypt(e, ACCOUNT, REGION, sign_key, b"x"), "InvalidKeyUsageException")
    assert err.message == (
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{sign_key} key usage is SIGN_VERIFY which is not "
        "valid for Encrypt."
    )
    sym = new_key(kms)
    err = fails(
        encryption.encrypt(e, ACCOUNT, REGION, sym, b"x", encryption_algorithm="RSAES_OAEP_SHA_1"),
        "InvalidKeyUsageException",
    )
    assert (
        err.message == "Algorithm RSAES_OAEP_SHA_1 is incompatible with key spec SYMMETRIC_DEFAULT."
    )
    fails(encryption.encrypt(e, ACCOUNT, REGION, "not-a-key", b"x"), "NotFoundException")
    fails(
        encryption.encrypt(e, ACCOUNT, REGION, sym, b"x", grant_tokens=["nope"]),
        "InvalidGrantTokenException",
    )


def test_rsa_encryption_is_plain_oaep(kms: Kms) -> None:
    key_id = new_key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    e = kms.engine
    public = run(signing.get_public_key(e, ACCOUNT, REGION, key_id))
    assert public.encryption_algorithms == ("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256")
    pub = serialization.load_der_public_key(public.public_key)
    assert isinstance(pub, rsa.RSAPublicKey) and pub.key_size == 2048
    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    offline = pub.encrypt(b"encrypted offline", oaep)
    alg = "RSAES_OAEP_SHA_256"
    got = run(
        encryption.decrypt(e, ACCOUNT, REGION, offline, key_id=key_id, encryption_algorithm=alg)
    )
    assert got.plaintext == b"encrypted offline" and got.encryption_algorithm == alg
    fails(encryption.decrypt(e, ACCOUNT, REGION, offline), "InvalidCiphertextException")
    fails(
        encryption.decrypt(e, ACCOUNT, REGION, offline, key_id=key_id), "InvalidKeyUsageException"
    )
    fails(
        encryption.encrypt(e, ACCOUNT, REGION, key_id, b"x", {"a": "b"}, encryption_algorithm=alg),
        "ValidationException",
    )
    out = run(encryption.encrypt(e, ACCOUNT, REGION, key_id, b"y", encryption_algorithm=alg))
    assert len(out.ciphertext_blob) == 256
    fails(
        encryption.encrypt(e, ACCOUNT, REGION, key_id, b"y" * 191, encryption_algorithm=alg),
        "ValidationException",
    )


def test_re_encrypt_between_keys_and_contexts(kms: Kms) -> None:
    a, b = new_key(kms), new_key(kms)
    e = kms.engine
    blob = run(encryption.encrypt(e, ACCOUNT, REGION, a, b"moving", {"v": "1"})).ciphertext_blob
    out = run(
        encryption.re_encrypt(
            e, ACCOUNT, REGION, blob, b, source_context={"v": "1"}, destination_context={"v": "2"}
        )
    )
    assert out.source_key_arn.endswith(a) and out.key_arn.endswith(b)
    assert (
        run(encryption.decrypt(e, ACCOUNT, REGION, out.ciphertext_blob, {"v": "2"})).plaintext
        == b"moving"
    )
    fails(encryption.re_encrypt(e, ACCOUNT, REGION, blob, b), "InvalidCiphertextException")


# -- data keys ---------------------------------------------------------------------------


def test_generate_data_key_variants(kms: Kms) -> None:
    key_id = new_key(kms)
    e = kms.engine
    for spec, size in (("AES_256", 32), ("AES_128", 16)):
        out = run(datakeys.generate_data_key(e, ACCOUNT, REGION, key_id, {"c": "1"}, key_spec=spec))
        assert out.plaintext is not None and len(out.plaintext) == size
        assert (
            run(encryption.decrypt(e, ACCOUNT, REGION, out.ciphertext_blob, {"c": "1"})).plaintext
            == out.plaintext
        )
    out = run(datakeys.generate_data_key(e, ACCOUNT, REGION, key_id, number_of_bytes=1024))
    assert out.plaintext is not None and len(out.plaintext) == 1024
    bare = run(
        datakeys.generate_data_key_without_plaintext(e, ACCOUNT, REGION, key_id, key_spec="AES_256")
    )
    assert bare.plaintext is None and "Plaintext" not in bare.wire()
    assert len(run(encryption.decrypt(e, ACCOUNT, REGION, bare.ciphertext_blob)).plaintext) == 32
    for kwargs in ({}, {"key_spec": "AES_256", "number_of_bytes": 32}):
        err = fails(
            datakeys.generate_data_key(e, ACCOUNT, REGION, key_id, **kwargs), "ValidationException"
        )  # type: ignore[arg-type]
        assert err.message == "Please specify either number of bytes or key spec."
    fails(
        datakeys.generate_data_key(e, ACCOUNT, REGION, key_id, number_of_bytes=1025),
        "ValidationException",
    )
    rsa_key = new_key(kms, "RSA_2048", "ENCRYPT_DECRYPT")
    fails(
        datakeys.generate_data_key(e, ACCOUNT, REGION, rsa_key, key_spec="AES_256"),
        "InvalidKeyUsageException",
    )


@pytest.mark.parametrize("spec", ["RSA_2048", "ECC_NIST_P256", "ECC_NIST_P384"])
def test_data_key_pairs(kms: Kms, spec: str) -> None:
    key_id = new_key(kms)
    e = kms.engine
    pair = run(datakeys.generate_data_key_pair(e, ACCOUNT, REGION, key_id, spec, {"p": "q"}))
    assert pair.private_key_plaintext is not None and pair.key_pair_spec == spec
    private = serialization.load_der_private_key(pair.private_key_plaintext, None)
    assert serialization.load_der_public_key(pair.public_key) == private.public_key()
    opened = run(
        encryption.decrypt(e, ACCOUNT, REGION, pair.private_key_ciphertext_blob, {"p": "q"})
    )
    assert opened.plaintext == pair.private_key_plaintext
    bare = run(datakeys.generate_data_key_pair_without_plaintext(e, ACCOUNT, REGION, key_id, spec))
    assert bare.private_key_plaintext is None and "PrivateKeyPlaintext" not in bare.wire()
    loaded = serialization.load_der_private_key(
        run(encryption.decrypt(e, ACCOUNT, REGION, bare.private_key_ciphertext_blob)).plaintext,
        None,
    )
    assert serialization.load_der_public_key(bare.public_key) == loaded.public_key()


def test_generate_random() -> None:
    assert len(run(datakeys.generate_random(1024))) == 1024
    assert run(datakeys.generate_random(16)) != run(datakeys.generate_random(16))
    fails(datakeys.generate_random(0), "ValidationException")
    fails(datakeys.generate_random(1025), "ValidationException")


# -- signatures, MACs, public keys ------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "alg"),
    [("RSA_2048", "RSASSA_PSS_SHA_256"), ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_512"),
     ("ECC_NIST_P256", "ECDSA_SHA_256"), ("ECC_NIST_P384", "ECDSA_SHA_384")],
)  # fmt: skip
def test_sign_and_verify(kms: Kms, spec: str, alg: str) -> None:
    key_id = new_key(kms, spec, "SIGN_VERIFY")
    e = kms.engine
    message = b"release v1.2.3"
    signed = run(signing.sign(e, ACCOUNT, REGION, key_id, message, alg))
    public = serialization.load_der_public_key(
        run(signing.get_public_key(e, ACCOUNT, REGION, key_id)).public_key
    )
    h = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}[alg[-3:]]()
    if isinstance(public, ec.EllipticCurvePublicKey):
        public.verify(signed.signature, message, ec.ECDSA(h))
    elif "PSS" in alg:
        public.verify(signed.signature, message, padding.PSS(padding.MGF1(h), h.digest_size), h)  # type: ignore[union-attr]
    else:
        public.verify(signed.signature, message, padding.PKCS1v15(), h)  # type: ignore[union-attr]
    assert run(
        signing.verify(e, ACCOUNT, REGION, key_id, message, signed.signature, alg)
    ).signature_valid
    digest = hashlib.new(h.name, message).digest()
    assert run(
        signing.verify(e, ACCOUNT, REGION, key_id, digest, signed.signature, alg, "DIGEST")
    ).signature_valid
    fails(
        signing.verify(e, ACCOUNT, REGION, key_id, b"other", signed.signature, alg),
        "KMSInvalidSignatureException",
    )
    err = fails(
        signing.sign(e, ACCOUNT, REGION, key_id, digest[:-1], alg, "DIGEST"), "ValidationException"
    )
    assert err.message == f"Digest is invalid length for algorithm {alg}."
    fails(signing.sign(e, ACCOUNT, REGION, key_id, b"x" * 4097, alg), "ValidationException")


def test_signing_errors(kms: Kms) -> None:
    ec_key = new_key(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    e = kms.engine
    err = fails(
        signing.sign(e, ACCOUNT, REGION, ec_key, b"m", "ECDSA_SHA_384"), "InvalidKeyUsageException"
    )
    assert err.message == "Algorithm ECDSA_SHA_384 is incompatible with key spec ECC_NIST_P256."
    sym = new_key(kms)
    fails(signing.sign(e, ACCOUNT, REGION, sym, b"m", "ECDSA_SHA_256"), "InvalidKeyUsageException")
    fails(signing.get_public_key(e, ACCOUNT, REGION, sym), "UnsupportedOperationException")
    run(keys.disable_key(e, ACCOUNT, REGION, ec_key))
    fails(signing.sign(e, ACCOUNT, REGION, ec_key, b"m", "ECDSA_SHA_256"), "DisabledException")


def test_mac(kms: Kms) -> None:
    key_id = new_key(kms, "HMAC_384", "GENERATE_VERIFY_MAC")
    e = kms.engine
    out = run(signing.generate_mac(e, ACCOUNT, REGION, key_id, b"msg", "HMAC_SHA_384"))
    assert len(out.mac) == 48
    assert (
        run(signing.generate_mac(e, ACCOUNT, REGION, key_id, b"msg", "HMAC_SHA_384")).mac == out.mac
    )
    assert run(
        signing.verify_mac(e, ACCOUNT, REGION, key_id, b"msg", out.mac, "HMAC_SHA_384")
    ).mac_valid
    fails(
        signing.verify_mac(e, ACCOUNT, REGION, key_id, b"msh", out.mac, "HMAC_SHA_384"),
        "KMSInvalidMacException",
    )
    err = fails(
        signing.generate_mac(e, ACCOUNT, REGION, key_id, b"m", "HMAC_SHA_256"),
        "InvalidKeyUsageException",
    )
    assert err.message == "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_384."
    other = new_key(kms, "HMAC_384", "GENERATE_VERIFY_MAC")
    assert (
        run(signing.generate_mac(e, ACCOUNT, REGION, other, b"msg", "HMAC_SHA_384")).mac != out.mac
    )
    meta = wire.key_metadata(run(keys.describe_key(e, ACCOUNT, REGION, key_id)))
    assert meta["MacAlgorithms"] == ["HMAC_SHA_384"] and "EncryptionAlgorithms" not in meta


def test_create_key_rules(kms: Kms) -> None:
    e = kms.engine
    fails(keys.create_key(e, ACCOUNT, REGION, key_spec="ECC_NIST_P256"), "ValidationException")
    fails(
        keys.create_key(e, ACCOUNT, REGION, key_spec="HMAC_256", key_usage="ENCRYPT_DECRYPT"),
        "ValidationException",
    )
    fails(keys.create_key(e, ACCOUNT, REGION, key_spec="RSA_1024"), "ValidationException")
    fails(
        keys.create_key(
            e, ACCOUNT, REGION, key_spec="RSA_2048", customer_master_key_spec="RSA_2048"
        ),
        "ValidationException",
    )
    fails(
        keys.create_key(e, ACCOUNT, REGION, key_policy="{nope"), "MalformedPolicyDocumentException"
    )
    fails(keys.create_key(e, ACCOUNT, REGION, description="d" * 8193), "ValidationException")
    key = run(
        keys.create_key(
            e, ACCOUNT, REGION, customer_master_key_spec="RSA_3072", key_usage="SIGN_VERIFY"
        )
    )
    assert wire.key_metadata(key)["SigningAlgorithms"] == [
        "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
        "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
    ]  # fmt: skip


# -- AWS managed keys and the in-process client ------------------------------------------


def test_managed_key_created_on_first_use(kms: Kms) -> None:
    client = KmsClient(kms.engine)
    arn = run(client.managed_key(ACCOUNT, REGION, "s3"))
    assert run(client.managed_key(ACCOUNT, REGION, "s3")) == arn
    key = run(keys.describe_key(kms.engine, ACCOUNT, REGION, "alias/aws/s3"))
    assert key.arn == arn and key.manager.value == "AWS"
    assert key.description == "Default key that protects my S3 objects when no other key is defined"
    assert key.rotation_enabled and key.rotation_period_days == 365
    plaintext, blob, key_arn = run(
        client.generate_data_key(
            ACCOUNT, REGION, "alias/aws/s3", {"aws:s3:arn": "arn:aws:s3:::b/k"}
        )
    )
    assert key_arn == arn and len(plaintext) == 32
    assert run(client.decrypt(ACCOUNT, REGION, blob, {"aws:s3:arn": "arn:aws:s3:::b/k"})) == (
        plaintext,
        arn,
    )
    fails(
        client.decrypt(ACCOUNT, REGION, blob, {"aws:s3:arn": "arn:aws:s3:::b/other"}),
        "InvalidCiphertextException",
    )
    for op in (keys.disable_key, keys.schedule_key_deletion):
        fails(op(kms.engine, ACCOUNT, REGION, key.key_id), "UnsupportedOperationException")
    # Naming the alias in a request creates it too (here: EFS's, in another account).
    efs = run(keys.describe_key(kms.engine, "999988887777", REGION, "alias/aws/elasticfilesystem"))
    assert efs.account_id == "999988887777" and efs.manager.value == "AWS"
    fails(keys.describe_key(kms.engine, ACCOUNT, REGION, "alias/aws/nonsense"), "NotFoundException")
    policy = json.loads(run(policies.get_key_policy(kms.engine, ACCOUNT, REGION, key.key_id)))
    assert (
        policy["Statement"][0]["Condition"]["StringEquals"]["kms:ViaService"]
        == "s3.us-east-1.amazonaws.com"
    )


# -- tags and policies ------------------------------------------------------------------


def test_tags(kms: Kms) -> None:
    e = kms.engine
    key = run(keys.create_key(e, ACCOUNT, REGION, tags=[("team", "a"), ("env", "dev")]))
    run(tags.tag_resource(e, ACCOUNT, REGION, key.key_id, [("team", "b"), ("cost", "1")]))
    run(tags.untag_resource(e, ACCOUNT, REGION, key.key_id, ["env", "missing"]))
    page = run(tags.list_resource_tags(e, ACCOUNT, REGION, key.key_id))
    assert page.items == (("cost", "1"), ("team", "b"))
    assert wire.tag_list(list(page.items)) == [
        {"TagKey": "cost", "TagValue": "1"},
        {"TagKey": "team", "TagValue": "b"},
    ]
    fails(tags.tag_resource(e, ACCOUNT, REGION, key.key_id, [("aws:x", "1")]), "TagException")
    fails(
        tags.tag_resource(e, ACCOUNT, REGION, key.key_id, [(f"k{i}", "v") for i in range(49)]),
        "LimitExceededException",
    )
    fails(tags.tag_resource(e, ACCOUNT, REGION, "alias/x", [("a", "b")]), "NotFoundException")


def test_key_policies(kms: Kms) -> None:
    e = kms.engine
    key_id = new_key(kms)
    default = json.loads(run(policies.get_key_policy(e, ACCOUNT, REGION, key_id)))
    assert default["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    mine = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}
            ],
        }
    )
    run(policies.put_key_policy(e, ACCOUNT, REGION, key_id, mine))
    assert run(policies.get_key_policy(e, ACCOUNT, REGION, key_id, "default")) == mine
    assert run(policies.list_key_policies(e, ACCOUNT, REGION, key_id)).items == ("default",)
    fails(
        policies.put_key_policy(e, ACCOUNT, REGION, key_id, "{"), "MalformedPolicyDocumentException"
    )
    fails(policies.get_key_policy(e, ACCOUNT, REGION, key_id, "other"), "NotFoundException")
