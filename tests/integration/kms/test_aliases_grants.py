"""Aliases and grants through boto3: their lifecycles, pages and errors."""

from __future__ import annotations

from typing import Any

from tests.integration.kms.support import fails, unique
from tests.support.server import ACCOUNT_ID

USER = f"arn:aws:iam::{ACCOUNT_ID}:user/app"
ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/retirer"


def new_key(kms: Any, spec: str = "SYMMETRIC_DEFAULT", usage: str = "ENCRYPT_DECRYPT") -> str:
    key_id: str = kms.create_key(KeySpec=spec, KeyUsage=usage)["KeyMetadata"]["KeyId"]
    return key_id


def test_alias_lifecycle(kms: Any) -> None:
    first, second = new_key(kms), new_key(kms)
    name = unique()
    kms.create_alias(AliasName=name, TargetKeyId=first)
    dup = fails(
        lambda: kms.create_alias(AliasName=name, TargetKeyId=second), "AlreadyExistsException"
    )
    assert name in dup["Message"]
    (entry,) = kms.list_aliases(KeyId=first)["Aliases"]
    assert entry["AliasArn"] == f"arn:aws:kms:us-east-1:{ACCOUNT_ID}:{name}"
    assert entry["TargetKeyId"] == first and "CreationDate" in entry
    kms.update_alias(AliasName=name, TargetKeyId=second)
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == second
    assert kms.list_aliases(KeyId=first)["Aliases"] == []
    signing = new_key(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    fails(lambda: kms.update_alias(AliasName=name, TargetKeyId=signing), "ValidationException")
    kms.delete_alias(AliasName=name)
    fails(lambda: kms.describe_key(KeyId=name), "NotFoundException")
    fails(lambda: kms.delete_alias(AliasName=name), "NotFoundException")
    fails(lambda: kms.update_alias(AliasName=name, TargetKeyId=first), "NotFoundException")


def test_alias_names_and_targets(kms: Any) -> None:
    key_id = new_key(kms)
    bad = fails(
        lambda: kms.create_alias(AliasName="no-prefix", TargetKeyId=key_id), "ValidationException"
    )
    assert 'must start with the prefix "alias/"' in bad["Message"]
    fails(
        lambda: kms.create_alias(AliasName="alias/has space", TargetKeyId=key_id),
        "ValidationException",
    )
    fails(
        lambda: kms.create_alias(AliasName="alias/aws/mine", TargetKeyId=key_id),
        "NotAuthorizedException",
    )
    fails(lambda: kms.delete_alias(AliasName="alias/aws/s3"), "NotAuthorizedException")
    fails(
        lambda: kms.create_alias(
            AliasName=unique(), TargetKeyId="11111111-2222-3333-4444-555555555555"
        ),
        "NotFoundException",
    )
    pending = new_key(kms)
    kms.schedule_key_deletion(KeyId=pending, PendingWindowInDays=7)
    fails(
        lambda: kms.create_alias(AliasName=unique(), TargetKeyId=pending),
        "KMSInvalidStateException",
    )


def test_list_aliases_pages(kms: Any) -> None:
    key_id = new_key(kms)
    names = sorted(unique("alias/page") for _ in range(3))
    for name in names:
        kms.create_alias(AliasName=name, TargetKeyId=key_id)
    first = kms.list_aliases(KeyId=key_id, Limit=2)
    assert [a["AliasName"] for a in first["Aliases"]] == names[:2] and first["Truncated"] is True
    rest = kms.list_aliases(KeyId=key_id, Limit=2, Marker=first["NextMarker"])
    assert [a["AliasName"] for a in rest["Aliases"]] == names[2:] and rest["Truncated"] is False
    everything = [
        a["AliasName"]
        for a in kms.get_paginator("list_aliases").paginate().build_full_result()["Aliases"]
    ]
    assert set(names) <= set(everything)


def test_grant_lifecycle(kms: Any) -> None:
    key_id = new_key(kms)
    made = kms.create_grant(
        KeyId=key_id,
        GranteePrincipal=USER,
        RetiringPrincipal=ROLE,
        Operations=["Encrypt", "Decrypt"],
        Constraints={"EncryptionContextSubset": {"tenant": "t1"}},
        Name="app-grant",
    )
    assert len(made["GrantId"]) == 64 and made["GrantToken"]
    again = kms.create_grant(
        KeyId=key_id,
        GranteePrincipal=USER,
        RetiringPrincipal=ROLE,
        Operations=["Decrypt", "Encrypt"],
        Constraints={"EncryptionContextSubset": {"tenant": "t1"}},
        Name="app-grant",
    )
    assert again["GrantId"] == made["GrantId"]  # same name and terms: the same grant
    (grant,) = kms.list_grants(KeyId=key_id)["Grants"]
    assert grant["GrantId"] == made["GrantId"] and grant["Name"] == "app-grant"
    assert grant["GranteePrincipal"] == USER and grant["RetiringPrincipal"] == ROLE
    assert sorted(grant["Operations"]) == ["Decrypt", "Encrypt"]
    assert grant["Constraints"] == {"EncryptionContextSubset": {"tenant": "t1"}}
    assert grant["IssuingAccount"] == f"arn:aws:iam::{ACCOUNT_ID}:root"
    assert grant["KeyId"].endswith(f":key/{key_id}")
    retirable = kms.list_retirable_grants(RetiringPrincipal=ROLE)["Grants"]
    assert made["GrantId"] in [g["GrantId"] for g in retirable]
    # The issuing account's root user may retire it, by token.
    kms.retire_grant(GrantToken=made["GrantToken"])
    assert kms.list_grants(KeyId=key_id)["Grants"] == []
    fails(lambda: kms.retire_grant(GrantToken=made["GrantToken"]), "NotFoundException")


def test_grant_listing_revoking_and_errors(kms: Any) -> None:
    key_id = new_key(kms)
    ids = sorted(
        kms.create_grant(KeyId=key_id, GranteePrincipal=f"{USER}{i}", Operations=["Decrypt"])[
            "GrantId"
        ]
        for i in range(3)
    )
    first = kms.list_grants(KeyId=key_id, Limit=2)
    assert [g["GrantId"] for g in first["Grants"]] == ids[:2] and first["Truncated"] is True
    rest = kms.list_grants(KeyId=key_id, Limit=2, Marker=first["NextMarker"])
    assert [g["GrantId"] for g in rest["Grants"]] == ids[2:] and rest["Truncated"] is False
    only = kms.list_grants(KeyId=key_id, GrantId=ids[1])["Grants"]
    assert [g["GrantId"] for g in only] == [ids[1]]
    by_grantee = kms.list_grants(KeyId=key_id, GranteePrincipal=only[0]["GranteePrincipal"])[
        "Grants"
    ]
    assert [g["GrantId"] for g in by_grantee] == [ids[1]]

    kms.revoke_grant(KeyId=key_id, GrantId=ids[0])
    kms.retire_grant(KeyId=key_id, GrantId=ids[1])
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key_id)["Grants"]] == ids[2:]
    fails(lambda: kms.revoke_grant(KeyId=key_id, GrantId=ids[0]), "NotFoundException")
    fails(lambda: kms.revoke_grant(KeyId=key_id, GrantId="not-a-grant"), "InvalidGrantIdException")
    fails(lambda: kms.retire_grant(GrantToken="forged"), "InvalidGrantTokenException")
    fails(
        lambda: kms.create_grant(KeyId=key_id, GranteePrincipal=USER, Operations=["Sign"]),
        "ValidationException",
    )
    fails(
        lambda: kms.create_grant(
            KeyId=key_id,
            GranteePrincipal=USER,
            Operations=["Decrypt"],
            Constraints={
                "EncryptionContextEquals": {"a": "1"},
                "EncryptionContextSubset": {"a": "1"},
            },
        ),
        "ValidationException",
    )
    fails(
        lambda: kms.create_grant(
            KeyId=key_id, GranteePrincipal="has space", Operations=["Decrypt"]
        ),
        "ValidationException",
    )
    signing = new_key(kms, "ECC_NIST_P256", "SIGN_VERIFY")
    kms.create_grant(
        KeyId=signing, GranteePrincipal=USER, Operations=["Sign", "Verify", "GetPublicKey"]
    )
    fails(
        lambda: kms.create_grant(KeyId=signing, GranteePrincipal=USER, Operations=["Encrypt"]),
        "ValidationException",
    )
