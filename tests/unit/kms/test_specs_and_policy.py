"""Spec/usage/algorithm rules as KMS documents them, and the default key policy text."""

from __future__ import annotations

import json

import pytest

from fogbank.core.errors import AwsError
from fogbank.services.kms import policy, specs
from fogbank.services.kms.models import KeySpec, KeyUsage

VALID = {
    ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"),
    ("RSA_2048", "ENCRYPT_DECRYPT"), ("RSA_2048", "SIGN_VERIFY"),
    ("RSA_3072", "ENCRYPT_DECRYPT"), ("RSA_3072", "SIGN_VERIFY"),
    ("RSA_4096", "ENCRYPT_DECRYPT"), ("RSA_4096", "SIGN_VERIFY"),
    ("ECC_NIST_P256", "SIGN_VERIFY"), ("ECC_NIST_P384", "SIGN_VERIFY"),
    ("ECC_NIST_P521", "SIGN_VERIFY"), ("ECC_SECG_P256K1", "SIGN_VERIFY"),
    ("HMAC_224", "GENERATE_VERIFY_MAC"), ("HMAC_256", "GENERATE_VERIFY_MAC"),
    ("HMAC_384", "GENERATE_VERIFY_MAC"), ("HMAC_512", "GENERATE_VERIFY_MAC"),
}  # fmt: skip


@pytest.mark.parametrize("spec", list(KeySpec))
@pytest.mark.parametrize("usage", list(KeyUsage))
def test_spec_usage_matrix(spec: KeySpec, usage: KeyUsage) -> None:
    if (spec.value, usage.value) in VALID:
        specs.check_spec_usage(spec, usage)
    else:
        with pytest.raises(AwsError) as exc:
            specs.check_spec_usage(spec, usage)
        assert exc.value.code == "ValidationException"


def test_algorithms_per_spec() -> None:
    assert [
        a.value for a in specs.encryption_algorithms(KeySpec.RSA_3072, KeyUsage.ENCRYPT_DECRYPT)
    ] == [
        "RSAES_OAEP_SHA_1",
        "RSAES_OAEP_SHA_256",
    ]
    rsa_signing = specs.signing_algorithms(KeySpec.RSA_2048, KeyUsage.SIGN_VERIFY)
    assert sorted(a.value for a in rsa_signing) == [
        "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
        "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
    ]  # fmt: skip
    assert specs.signing_algorithms(KeySpec.RSA_2048, KeyUsage.ENCRYPT_DECRYPT) == ()
    assert [
        a.value for a in specs.signing_algorithms(KeySpec.ECC_NIST_P384, KeyUsage.SIGN_VERIFY)
    ] == ["ECDSA_SHA_384"]
    assert [
        a.value for a in specs.mac_algorithms(KeySpec.HMAC_512, KeyUsage.GENERATE_VERIFY_MAC)
    ] == ["HMAC_SHA_512"]


def test_incompatible_algorithm_message() -> None:
    with pytest.raises(AwsError) as exc:
        specs.check_encryption_algorithm(KeySpec.RSA_4096, None)
    assert exc.value.code == "InvalidKeyUsageException"
    assert (
        exc.value.message == "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_4096."
    )
    with pytest.raises(AwsError) as exc:
        specs.check_signing_algorithm(KeySpec.ECC_NIST_P521, "ECDSA_SHA_256")
    assert (
        exc.value.message == "Algorithm ECDSA_SHA_256 is incompatible with key spec ECC_NIST_P521."
    )


def test_unknown_and_unsupported_values() -> None:
    with pytest.raises(AwsError) as exc:
        specs.key_spec("RSA_1024")
    assert exc.value.code == "ValidationException"
    assert "Value 'RSA_1024' at 'keySpec' failed to satisfy constraint" in exc.value.message
    with pytest.raises(AwsError) as exc:
        specs.key_spec("ML_DSA_44")
    assert exc.value.code == "UnsupportedOperationException"


# The default key policy as KMS returns it (docs: "Default key policy", CloudTrail example).
DEFAULT_POLICY = """{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::111122223333:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}"""


def test_default_policy_text_is_kms_s() -> None:
    assert policy.default_policy("111122223333") == DEFAULT_POLICY


def test_managed_policy_is_valid_json_scoped_to_the_service() -> None:
    doc = json.loads(policy.managed_policy("111122223333", "eu-west-1", "s3", "S3"))
    use, meta = doc["Statement"]
    assert use["Condition"]["StringEquals"] == {
        "kms:CallerAccount": "111122223333",
        "kms:ViaService": "s3.eu-west-1.amazonaws.com",
    }
    assert meta["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert meta["Action"] == ["kms:Describe*", "kms:Get*", "kms:List*"]


@pytest.mark.parametrize("bad", ["not json", "[]", '{"Version": "2012-10-17"}'])
def test_malformed_policies(bad: str) -> None:
    with pytest.raises(AwsError) as exc:
        policy.check_policy(bad)
    assert exc.value.code == "MalformedPolicyDocumentException"
