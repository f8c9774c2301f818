"""KMS authorization on both backends: what each call requires, the key policy handed to
the authorizer, and grants. The requirements are also run through the policy evaluator,
as the gateway's enforcer will, so that these tests hold once IAM users exist."""

from __future__ import annotations

import json

from fogbank.authz.policy import (
    AuthzRequest,
    PolicyKind,
    PolicySet,
    PrincipalInfo,
    evaluate,
    parse_policy,
)
from fogbank.authz.requirements import Requirement
from fogbank.core.principal import Principal, PrincipalKind, root_principal
from fogbank.services.kms.access import decide
from fogbank.services.kms.access.requirements import requirements_for
from fogbank.services.kms.ops import aliases, encryption, grants, keys, policies, tags
from tests.contract.kms_support import (
    ACCOUNT,
    OTHER_ACCOUNT,
    REGION,
    Kms,
    fails,
    kms_db_fixture,  # noqa: F401 - fixture
    kms_fixture,  # noqa: F401 - fixture
    run,
)

ALICE = Principal(
    PrincipalKind.IAM_USER,
    ACCOUNT,
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    "AIDAALICE0000000000",
    name="alice",
)
BOB = Principal(
    PrincipalKind.IAM_USER, ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/bob", "AIDABOB", name="bob"
)


def reqs(
    k: Kms, operation: str, params: dict[str, object], via: str | None = None
) -> list[Requirement]:
    return run(requirements_for(k.engine, ACCOUNT, REGION, operation, params, via))


def new_key(k: Kms, **kwargs: object) -> tuple[str, str]:
    key = run(keys.create_key(k.engine, ACCOUNT, REGION, **kwargs))
    return key.key_id, key.arn


def identity(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allowed(k: Kms, who: Principal, req: Requirement, identity_policy: str | None = None) -> bool:
    """The enforcer's question, asked of the pure evaluator."""
    found = run(decide.key_policy(k.engine, req))
    policy_set = PolicySet(
        identity=[parse_policy(identity_policy, PolicyKind.IDENTITY)] if identity_policy else [],
        resource=None if found is None else parse_policy(found.document, PolicyKind.RESOURCE),
        resource_policy_required=found is not None and found.required,
    )
    request = AuthzRequest(
        action=req.action,
        resource=req.resource,
        principal=PrincipalInfo.from_principal(who),
        context=dict(req.context),
        resource_account=req.resource_account,
    )
    return evaluate(request, policy_set).allowed


USE_KEY = identity({"Effect": "Allow", "Action": "kms:*", "Resource": "*"})


# -- requirements -------------------------------------------------------------------------


def test_alias_resolves_to_the_key_with_its_condition_keys(kms: Kms) -> None:
    key_id, arn = new_key(kms, key_spec="SYMMETRIC_DEFAULT")
    run(aliases.create_alias(kms.engine, ACCOUNT, REGION, "alias/app", key_id))
    run(tags.tag_resource(kms.engine, ACCOUNT, REGION, key_id, [("Team", "Blue")]))
    (req,) = reqs(
        kms,
        "Encrypt",
        {"KeyId": "alias/app", "Plaintext": b"x", "EncryptionContext": {"Dept": "Eng"}},
    )
    assert (req.action, req.resource, req.resource_account) == ("kms:Encrypt", arn, ACCOUNT)
    c = req.context
    assert c["kms:requestalias"] == "alias/app"
    assert c["kms:resourcealiases"] == ("alias/app",)
    assert c["kms:encryptioncontext:dept"] == "Eng"
    assert c["kms:encryptioncontextkeys"] == ("Dept",)
    assert c["kms:encryptionalgorithm"] == "SYMMETRIC_DEFAULT"
    assert c["kms:calleraccount"] == ACCOUNT and "kms:viaservice" not in c
    assert (c["kms:keyspec"], c["kms:keyusage"], c["kms:keyorigin"]) == (
        "SYMMETRIC_DEFAULT",
        "ENCRYPT_DECRYPT",
        "AWS_KMS",
    )
    assert c["aws:resourcetag/team"] == "Blue"
    # By key id: no request alias.
    (by_id,) = reqs(kms, "DescribeKey", {"KeyId": key_id})
    assert by_id.resource == arn and "kms:requestalias" not in by_id.context


def test_decrypt_finds_the_key_in_the_ciphertext(kms: Kms) -> None:
    key_id, arn = new_key(kms)
    blob = run(encryption.encrypt(kms.engine, ACCOUNT, REGION, key_id, b"x")).ciphertext_blob
    (req,) = reqs(kms, "Decrypt", {"CiphertextBlob": blob})
    assert (req.action, req.resource) == ("kms:Decrypt", arn)
    assert "kms:encryptioncontextkeys" not in req.context
    fails(
        requirements_for(kms.engine, ACCOUNT, REGION, "Decrypt", {"CiphertextBlob": b"junk"}),
        "InvalidCiphertextException",
    )


def test_re_encrypt_needs_from_and_to(kms: Kms) -> None:
    source, source_arn = new_key(kms)
    dest, dest_arn = new_key(kms)
    blob = run(
        encryption.encrypt(kms.engine, ACCOUNT, REGION, source, b"x", {"a": "1"})
    ).ciphertext_blob
    params: dict[str, object] = {
        "CiphertextBlob": blob,
        "SourceEncryptionContext": {"a": "1"},
        "DestinationKeyId": dest,
        "DestinationEncryptionContext": {"b": "2"},
    }
    src, dst = reqs(kms, "ReEncrypt", params)
    assert (src.action, src.resource) == ("kms:ReEncryptFrom", source_arn)
    assert (dst.action, dst.resource) == ("kms:ReEncryptTo", dest_arn)
    assert src.context["kms:encryptioncontext:a"] == "1" and "kms:encryptioncontext:b" not in (
        src.context
    )
    assert dst.context["kms:encryptioncontext:b"] == "2"
    assert src.context["kms:reencryptonsamekey"] is False
    same = reqs(kms, "ReEncrypt", {**params, "DestinationKeyId": source})
    assert all(r.context["kms:reencryptonsamekey"] is True for r in same)


def test_global_and_alias_operations(kms: Kms) -> None:
    (create,) = reqs(kms, "CreateKey", {"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"})
    assert (create.action, create.resource) == ("kms:CreateKey", "*")
    assert create.context["kms:keyspec"] == "RSA_2048"
    assert create.context["kms:keyusage"] == "SIGN_VERIFY"
    tagged = reqs(kms, "CreateKey", {"Tags": [{"TagKey": "Env", "TagValue": "prod"}]})
    assert [r.action for r in tagged] == ["kms:CreateKey", "kms:TagResource"]
    assert tagged[0].context["aws:requesttag/env"] == "prod"
    assert tagged[0].context["kms:keyspec"] == "SYMMETRIC_DEFAULT"
    for operation in ("ListKeys", "ListAliases", "GenerateRandom", "ListRetirableGrants"):
        (req,) = reqs(kms, operation, {})
        assert (req.action, req.resource) == (f"kms:{operation}", "*")
    assert reqs(kms, "RetireGrant", {"GrantToken": "t"}) == []

    first, first_arn = new_key(kms)
    second, second_arn = new_key(kms)
    alias = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"
    created = reqs(kms, "CreateAlias", {"AliasName": "alias/app", "TargetKeyId": first})
    assert [(r.action, r.resource) for r in created] == [
        ("kms:CreateAlias", alias),
        ("kms:CreateAlias", first_arn),
    ]
    run(aliases.create_alias(kms.engine, ACCOUNT, REGION, "alias/app", first))
    updated = reqs(kms, "UpdateAlias", {"AliasName": "alias/app", "TargetKeyId": second})
    assert [r.resource for r in updated] == [alias, first_arn, second_arn]
    deleted = reqs(kms, "DeleteAlias", {"AliasName": "alias/app"})
    assert [r.resource for r in deleted] == [alias, first_arn]
    fails(
        requirements_for(kms.engine, ACCOUNT, REGION, "DeleteAlias", {"AliasName": "app"}),
        "ValidationException",
    )


def test_request_condition_keys(kms: Kms) -> None:
    key_id, _ = new_key(kms)
    (grant,) = reqs(
        kms,
        "CreateGrant",
        {
            "KeyId": key_id,
            "GranteePrincipal": ALICE.arn,
            "Operations": ["Decrypt", "Encrypt"],
            "Constraints": {"EncryptionContextSubset": {"Tenant": "t1"}},
        },
    )
    assert grant.context["kms:grantoperations"] == ("Decrypt", "Encrypt")
    assert grant.context["kms:granteeprincipal"] == ALICE.arn
    assert grant.context["kms:grantconstrainttype"] == "EncryptionContextSubset"
    assert grant.context["kms:encryptioncontext:tenant"] == "t1"
    assert grant.context["kms:grantisforawsresource"] is False
    (sched,) = reqs(kms, "ScheduleKeyDeletion", {"KeyId": key_id})
    assert sched.context["kms:schedulekeydeletionpendingwindowindays"] == 30
    (rot,) = reqs(kms, "EnableKeyRotation", {"KeyId": key_id, "RotationPeriodInDays": 90})
    assert rot.context["kms:rotationperiodindays"] == 90
    sign_key, _ = new_key(kms, key_spec="ECC_NIST_P256", key_usage="SIGN_VERIFY")
    (sign,) = reqs(
        kms, "Sign", {"KeyId": sign_key, "Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"}
    )
    assert sign.context["kms:signingalgorithm"] == "ECDSA_SHA_256"
    assert sign.context["kms:messagetype"] == "RAW"
    (pair,) = reqs(kms, "GenerateDataKeyPair", {"KeyId": key_id, "KeyPairSpec": "RSA_2048"})
    assert pair.context["kms:datakeypairspec"] == "RSA_2048"


def test_missing_key_still_yields_a_requirement_without_a_policy(kms: Kms) -> None:
    missing = "11111111-2222-3333-4444-555555555555"
    (req,) = reqs(kms, "DescribeKey", {"KeyId": missing})
    assert req.resource == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{missing}"
    assert run(decide.key_policy(kms.engine, req)) is None
    other = f"arn:aws:kms:{REGION}:{OTHER_ACCOUNT}:key/{missing}"
    (cross,) = reqs(kms, "Encrypt", {"KeyId": other, "Plaintext": b"x"})
    assert (cross.resource, cross.resource_account) == (other, OTHER_ACCOUNT)
    (alias,) = reqs(kms, "Encrypt", {"KeyId": "alias/none", "Plaintext": b"x"})
    assert alias.resource.endswith(":alias/none")


# -- the key policy, through the evaluator ---------------------------------------------


def test_key_policy_is_required_and_delegates_through_the_account(kms: Kms) -> None:
    key_id, _ = new_key(kms)
    (req,) = reqs(kms, "Encrypt", {"KeyId": key_id, "Plaintext": b"x"})
    found = run(decide.key_policy(kms.engine, req))
    assert found is not None and found.required and found.owner_account == ACCOUNT
    assert json.loads(found.document)["Statement"][0]["Principal"]["AWS"].endswith(":root")
    # The default policy delegates to IAM: a user with an IAM allow may, one without not.
    assert allowed(kms, ALICE, req, USE_KEY)
    assert not allowed(kms, ALICE, req)
    assert allowed(kms, root_principal(ACCOUNT), req)
    # A key policy without the account principal locks out IAM-only access, root included.
    only_bob = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": BOB.arn},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )
    run(policies.put_key_policy(kms.engine, ACCOUNT, REGION, key_id, only_bob))
    assert not allowed(kms, ALICE, req, USE_KEY)
    assert not allowed(kms, root_principal(ACCOUNT), req)
    assert allowed(kms, BOB, req)


def test_encryption_context_conditions_in_a_key_policy(kms: Kms) -> None:
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ALICE.arn},
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"kms:EncryptionContext:Dept": "Eng"}},
                }
            ],
        }
    )
    key_id, _ = new_key(kms, key_policy=document)
    e = kms.engine
    eng = run(encryption.encrypt(e, ACCOUNT, REGION, key_id, b"x", {"dept": "Eng"}))
    ops = run(encryption.encrypt(e, ACCOUNT, REGION, key_id, b"x", {"Dept": "Ops"}))
    (ok,) = reqs(
        kms,
        "Decrypt",
        {"CiphertextBlob": eng.ciphertext_blob, "EncryptionContext": {"dept": "Eng"}},
    )
    (no,) = reqs(
        kms,
        "Decrypt",
        {"CiphertextBlob": ops.ciphertext_blob, "EncryptionContext": {"Dept": "Ops"}},
    )
    assert allowed(kms, ALICE, ok)  # the context key's case does not matter in the name
    assert not allowed(kms, ALICE, no)


def test_aws_managed_key_allows_use_only_through_its_service(kms: Kms) -> None:
    params: dict[str, object] = {"KeyId": "alias/aws/s3", "Plaintext": b"x"}
    (direct,) = reqs(kms, "Encrypt", params)
    assert ":key/" in direct.resource  # the managed key was made on first use
    (via,) = reqs(kms, "Encrypt", params, via=f"s3.{REGION}.amazonaws.com")
    assert via.context["kms:viaservice"] == f"s3.{REGION}.amazonaws.com"
    assert not allowed(kms, ALICE, direct, USE_KEY)
    assert allowed(kms, ALICE, via, USE_KEY)
    (describe,) = reqs(kms, "DescribeKey", {"KeyId": "alias/aws/s3"})
    assert allowed(kms, ALICE, describe, USE_KEY)


# -- grants -------------------------------------------------------------------------------


def test_grants_allow_their_operations_within_their_constraints(kms: Kms) -> None:
    key_id, _ = new_key(kms)
    run(
        grants.create_grant(
            kms.engine,
            ACCOUNT,
            REGION,
            key_id,
            ALICE.arn,
            ["Decrypt", "ReEncryptFrom"],
            encryption_context_subset={"Tenant": "t1"},
        )
    )
    e = kms.engine
    blob = run(encryption.encrypt(e, ACCOUNT, REGION, key_id, b"x", {"tenant": "t1"}))
    (req,) = reqs(
        kms,
        "Decrypt",
        {"CiphertextBlob": blob.ciphertext_blob, "EncryptionContext": {"tenant": "t1"}},
    )
    assert run(decide.grant_allows(e, ALICE, req))  # constraint keys are case-insensitive
    assert not run(decide.grant_allows(e, BOB, req))
    wrong = run(encryption.encrypt(e, ACCOUNT, REGION, key_id, b"x", {"tenant": "T1"}))
    (other,) = reqs(
        kms,
        "Decrypt",
        {"CiphertextBlob": wrong.ciphertext_blob, "EncryptionContext": {"tenant": "T1"}},
    )
    assert not run(decide.grant_allows(e, ALICE, other))  # values are case-sensitive
    src, _ = reqs(
        kms,
        "ReEncrypt",
        {
            "CiphertextBlob": blob.ciphertext_blob,
            "SourceEncryptionContext": {"Tenant": "t1"},
            "DestinationKeyId": key_id,
        },
    )
    assert run(decide.grant_allows(e, ALICE, src))
    (describe,) = reqs(kms, "DescribeKey", {"KeyId": key_id})
    assert not run(decide.grant_allows(e, ALICE, describe))
    (listing,) = reqs(kms, "ListKeys", {})
    assert not run(decide.grant_allows(e, ALICE, listing))


def test_a_create_grant_grant_allows_granting_no_more_than_it_has(kms: Kms) -> None:
    key_id, _ = new_key(kms)
    run(
        grants.create_grant(
            kms.engine, ACCOUNT, REGION, key_id, ALICE.arn, ["CreateGrant", "Decrypt", "Encrypt"]
        )
    )

    def create(operations: list[str]) -> Requirement:
        params = {"KeyId": key_id, "GranteePrincipal": BOB.arn, "Operations": operations}
        (req,) = reqs(kms, "CreateGrant", params)
        return req

    assert run(decide.grant_allows(kms.engine, ALICE, create(["Decrypt"])))
    assert run(decide.grant_allows(kms.engine, ALICE, create(["Decrypt", "Encrypt"])))
    assert not run(decide.grant_allows(kms.engine, ALICE, create(["Decrypt", "ReEncryptFrom"])))
    assert not run(decide.grant_allows(kms.engine, BOB, create(["Decrypt"])))
