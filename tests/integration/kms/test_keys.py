"""Key lifecycle, rotation, tags and key policies through boto3, with KMS's errors."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.kms.support import fails, unique
from tests.support.server import ACCOUNT_ID

MISSING = "11111111-2222-3333-4444-555555555555"


def new_key(kms: Any, **kwargs: Any) -> dict[str, Any]:
    meta: dict[str, Any] = kms.create_key(**kwargs)["KeyMetadata"]
    return meta


@pytest.mark.parametrize(
    ("spec", "usage", "member", "algorithms"),
    [
        ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "EncryptionAlgorithms", ["SYMMETRIC_DEFAULT"]),
        (
            "RSA_2048",
            "ENCRYPT_DECRYPT",
            "EncryptionAlgorithms",
            ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
        ),
        ("ECC_NIST_P256", "SIGN_VERIFY", "SigningAlgorithms", ["ECDSA_SHA_256"]),
        ("HMAC_256", "GENERATE_VERIFY_MAC", "MacAlgorithms", ["HMAC_SHA_256"]),
    ],
)
def test_create_key_specs(
    kms: Any, spec: str, usage: str, member: str, algorithms: list[str]
) -> None:
    meta = new_key(kms, KeySpec=spec, KeyUsage=usage, Description="spec test")
    assert (meta["KeySpec"], meta["KeyUsage"], meta["CustomerMasterKeySpec"]) == (spec, usage, spec)
    assert sorted(meta[member]) == sorted(algorithms)
    assert meta["Arn"] == f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/{meta['KeyId']}"
    assert meta["AWSAccountId"] == ACCOUNT_ID and meta["KeyManager"] == "CUSTOMER"
    assert meta["Origin"] == "AWS_KMS" and meta["Enabled"] is True
    assert meta["Description"] == "spec test" and meta["MultiRegion"] is False


def test_create_key_errors(kms: Any) -> None:
    fails(
        lambda: kms.create_key(KeySpec="RSA_2048", KeyUsage="GENERATE_VERIFY_MAC"),
        "ValidationException",
    )
    fails(lambda: kms.create_key(KeySpec="AES_999"), "ValidationException")
    fails(lambda: kms.create_key(KeyUsage="SIGN_VERIFY"), "ValidationException")
    both = fails(
        lambda: kms.create_key(KeySpec="RSA_2048", CustomerMasterKeySpec="RSA_2048"),
        "ValidationException",
    )
    assert "CustomerMasterKeySpec" in both["Message"]
    fails(lambda: kms.create_key(Origin="EXTERNAL"), "UnsupportedOperationException")
    fails(lambda: kms.create_key(KeySpec="SM2"), "UnsupportedOperationException")
    fails(lambda: kms.create_key(Description="d" * 8193), "ValidationException")
    fails(lambda: kms.create_key(Tags=[{"TagKey": "aws:x", "TagValue": "v"}]), "TagException")
    fails(lambda: kms.create_key(Policy="{not json"), "MalformedPolicyDocumentException")


def test_describe_by_every_name_and_not_found(kms: Any) -> None:
    meta = new_key(kms)
    alias = unique()
    kms.create_alias(AliasName=alias, TargetKeyId=meta["KeyId"])
    alias_arn = f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:{alias}"
    for name in (meta["KeyId"], meta["Arn"], alias, alias_arn):
        assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == meta["KeyId"]
    missing = fails(lambda: kms.describe_key(KeyId=MISSING), "NotFoundException")
    assert (
        missing["Message"]
        == f"Key 'arn:aws:kms:us-east-1:{ACCOUNT_ID}:key/{MISSING}' does not exist"
    )
    fails(lambda: kms.describe_key(KeyId="alias/no-such-alias"), "NotFoundException")
    fails(lambda: kms.describe_key(KeyId="not-a-key-id"), "NotFoundException")
    fails(lambda: kms.describe_key(KeyId="arn:aws:s3:::bucket"), "InvalidArnException")


def test_list_keys_pages(kms: Any) -> None:
    made = {new_key(kms)["KeyId"] for _ in range(3)}
    seen: list[str] = []
    marker: str | None = None
    pages = 0
    while True:
        page = kms.list_keys(Limit=2, **({"Marker": marker} if marker else {}))
        pages += 1
        assert len(page["Keys"]) <= 2
        seen += [k["KeyId"] for k in page["Keys"]]
        for entry in page["Keys"]:
            assert entry["KeyArn"].endswith(f":key/{entry['KeyId']}")
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        marker = page["NextMarker"]
    assert made <= set(seen) and len(seen) == len(set(seen)) and pages >= 2
    assert seen == sorted(seen)
    fails(lambda: kms.list_keys(Marker="%%%"), "InvalidMarkerException")
    fails(lambda: kms.list_keys(Limit=1001), "ValidationException")
    assert kms.list_keys(ResourceOwners=["OTHER_ACCOUNTS_VIA_RAM"])["Keys"] == []


def test_enable_disable_and_description(kms: Any) -> None:
    key_id = new_key(kms)["KeyId"]
    kms.disable_key(KeyId=key_id)
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Disabled", False)
    disabled = fails(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"), "DisabledException")
    assert key_id in disabled["Message"]
    kms.enable_key(KeyId=key_id)
    kms.encrypt(KeyId=key_id, Plaintext=b"x")
    kms.update_key_description(KeyId=key_id, Description="renamed")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "renamed"
    fails(lambda: kms.enable_key(KeyId=MISSING), "NotFoundException")
    # Management operations take a key id or ARN, not an alias.
    fails(lambda: kms.disable_key(KeyId="alias/anything"), "NotFoundException")
    # Another account's key: the root user has no say there.
    other = f"arn:aws:kms:us-east-1:111122223333:key/{key_id}"
    fails(lambda: kms.disable_key(KeyId=other), "AccessDeniedException")


def test_schedule_and_cancel_deletion(kms: Any) -> None:
    key_id = new_key(kms)["KeyId"]
    fails(
        lambda: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=6),
        "ValidationException",
    )
    fails(
        lambda: kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=31),
        "ValidationException",
    )
    fails(lambda: kms.cancel_key_deletion(KeyId=key_id), "KMSInvalidStateException")
    out = kms.schedule_key_deletion(KeyId=key_id)
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert out["PendingWindowInDays"] == 30 and out["KeyState"] == "PendingDeletion"
    assert out["DeletionDate"] - meta["CreationDate"] >= timedelta(days=30)
    assert meta["DeletionDate"] == out["DeletionDate"]
    pending = fails(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x"), "KMSInvalidStateException")
    assert "pending deletion" in pending["Message"]
    fails(lambda: kms.enable_key(KeyId=key_id), "KMSInvalidStateException")
    fails(lambda: kms.schedule_key_deletion(KeyId=key_id), "KMSInvalidStateException")
    assert kms.cancel_key_deletion(KeyId=key_id)["KeyId"].endswith(key_id)
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "Disabled" and "DeletionDate" not in meta


def test_rotation_api(kms: Any) -> None:
    key_id = new_key(kms)["KeyId"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    fails(
        lambda: kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=2561),
        "ValidationException",
    )
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 180
    assert "NextRotationDate" in status
    kms.disable_key_rotation(KeyId=key_id)
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False

    blob = kms.encrypt(KeyId=key_id, Plaintext=b"before")["CiphertextBlob"]
    for _ in range(3):
        assert kms.rotate_key_on_demand(KeyId=key_id)["KeyId"] == key_id
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"before"
    first = kms.list_key_rotations(KeyId=key_id, Limit=2)
    assert len(first["Rotations"]) == 2 and first["Truncated"] is True
    rest = kms.list_key_rotations(KeyId=key_id, Limit=2, Marker=first["NextMarker"])
    rotations = first["Rotations"] + rest["Rotations"]
    assert rest["Truncated"] is False and len(rotations) == 3
    assert {r["RotationType"] for r in rotations} == {"ON_DEMAND"}
    assert [r["KeyMaterialState"] for r in rotations] == ["NON_CURRENT", "NON_CURRENT", "CURRENT"]
    everything = kms.list_key_rotations(KeyId=key_id, IncludeKeyMaterial="ALL_KEY_MATERIAL")
    assert len(everything["Rotations"]) == 4

    rsa = new_key(kms, KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyId"]
    fails(lambda: kms.enable_key_rotation(KeyId=rsa), "UnsupportedOperationException")
    fails(lambda: kms.rotate_key_on_demand(KeyId=rsa), "UnsupportedOperationException")


def test_tags(kms: Any) -> None:
    key_id = new_key(kms, Tags=[{"TagKey": "Team", "TagValue": "blue"}])["KeyId"]
    kms.tag_resource(
        KeyId=key_id,
        Tags=[{"TagKey": "Env", "TagValue": "prod"}, {"TagKey": "Team", "TagValue": "red"}],
    )
    first = kms.list_resource_tags(KeyId=key_id, Limit=1)
    assert first["Tags"] == [{"TagKey": "Env", "TagValue": "prod"}] and first["Truncated"] is True
    rest = kms.list_resource_tags(KeyId=key_id, Marker=first["NextMarker"])
    assert rest["Tags"] == [{"TagKey": "Team", "TagValue": "red"}] and rest["Truncated"] is False
    kms.untag_resource(KeyId=key_id, TagKeys=["Env"])
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "Team", "TagValue": "red"}]
    fails(
        lambda: kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "aws:x", "TagValue": "v"}]),
        "TagException",
    )
    too_many = [{"TagKey": f"k{i}", "TagValue": "v"} for i in range(50)]
    fails(lambda: kms.tag_resource(KeyId=key_id, Tags=too_many), "LimitExceededException")


def test_key_policies(kms: Any) -> None:
    key_id = new_key(kms)["KeyId"]
    got = kms.get_key_policy(KeyId=key_id, PolicyName="default")
    doc = json.loads(got["Policy"])
    assert got["PolicyName"] == "default" and doc["Id"] == "key-default-1"
    assert doc["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}
    assert kms.get_key_policy(KeyId=key_id)["Policy"] == got["Policy"]  # PolicyName optional
    listed = kms.list_key_policies(KeyId=key_id)
    assert listed["PolicyNames"] == ["default"] and listed["Truncated"] is False
    fails(lambda: kms.get_key_policy(KeyId=key_id, PolicyName="other"), "NotFoundException")

    mine = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Root",
                "Effect": "Allow",
                "Principal": {"AWS": ACCOUNT_ID},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(mine))
    assert json.loads(kms.get_key_policy(KeyId=key_id)["Policy"]) == mine
    fails(lambda: kms.put_key_policy(KeyId=key_id, Policy="[]"), "MalformedPolicyDocumentException")
    no_principal = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}],
    }
    fails(
        lambda: kms.put_key_policy(KeyId=key_id, Policy=json.dumps(no_principal)),
        "MalformedPolicyDocumentException",
    )
    # The lockout safety check: a policy that would not let the caller change it again.
    someone_else = json.loads(json.dumps(mine))
    someone_else["Statement"][0]["Principal"] = {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:user/else"}
    locked = fails(
        lambda: kms.put_key_policy(KeyId=key_id, Policy=json.dumps(someone_else)),
        "MalformedPolicyDocumentException",
    )
    assert "will not allow you to update the key policy" in locked["Message"]
    fails(
        lambda: kms.create_key(Policy=json.dumps(someone_else)), "MalformedPolicyDocumentException"
    )
    kms.put_key_policy(
        KeyId=key_id, Policy=json.dumps(someone_else), BypassPolicyLockoutSafetyCheck=True
    )
    assert json.loads(kms.get_key_policy(KeyId=key_id)["Policy"]) == someone_else


def test_aws_managed_key(kms: Any) -> None:
    meta = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS" and meta["KeyState"] == "Enabled"
    assert kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"] == meta["KeyId"]
    fails(lambda: kms.disable_key(KeyId=meta["KeyId"]), "UnsupportedOperationException")
    fails(lambda: kms.schedule_key_deletion(KeyId=meta["KeyId"]), "UnsupportedOperationException")
    policy = json.loads(kms.get_key_policy(KeyId=meta["KeyId"])["Policy"])
    condition = policy["Statement"][0]["Condition"]["StringEquals"]
    assert condition["kms:ViaService"] == "s3.us-east-1.amazonaws.com"
