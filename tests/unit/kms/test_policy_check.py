"""Key policies given to CreateKey/PutKeyPolicy: parsed as resource policies, and KMS's
policy lockout safety check."""

from __future__ import annotations

import json

import pytest

from fogbank.core.errors import AwsError
from fogbank.core.principal import Principal, PrincipalKind, root_principal
from fogbank.services.kms.api.policy_check import LOCKOUT_MESSAGE, check_new_policy
from fogbank.services.kms.policy import default_policy

ACCOUNT = "111122223333"
ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/00000000-0000-0000-0000-000000000001"
ALICE = Principal(
    PrincipalKind.IAM_USER, ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/alice", "AIDAA", name="alice"
)


def policy(principal: object, action: object = "kms:*", effect: str = "Allow") -> str:
    statement = {"Effect": effect, "Principal": principal, "Action": action, "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def code_of(document: str, caller: Principal, bypass: bool = False) -> str | None:
    try:
        check_new_policy(document, caller, ARN, bypass)
    except AwsError as exc:
        return exc.code
    return None


def test_policies_that_keep_the_caller_in() -> None:
    for caller in (root_principal(ACCOUNT), ALICE):
        assert code_of(default_policy(ACCOUNT), caller) is None
        assert code_of(policy({"AWS": ACCOUNT}), caller) is None
        assert code_of(policy("*"), caller) is None
    assert code_of(policy({"AWS": ALICE.arn}, ["kms:PutKeyPolicy", "kms:Encrypt"]), ALICE) is None


@pytest.mark.parametrize(
    "document",
    [
        policy({"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"}),
        policy({"AWS": ACCOUNT}, "kms:Encrypt"),
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    json.loads(policy({"AWS": ACCOUNT}))["Statement"][0],
                    json.loads(policy({"AWS": "*"}, "kms:PutKeyPolicy", "Deny"))["Statement"][0],
                ],
            }
        ),
    ],
)
def test_lockout_is_refused_unless_bypassed(document: str) -> None:
    with pytest.raises(AwsError) as exc:
        check_new_policy(document, ALICE, ARN)
    assert exc.value.code == "MalformedPolicyDocumentException"
    assert exc.value.message == LOCKOUT_MESSAGE
    assert code_of(document, ALICE, bypass=True) is None


def test_malformed_documents() -> None:
    no_principal = json.dumps(
        {"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
    )
    for document in ("not json", "[]", '{"Version": "2012-10-17"}', no_principal):
        assert code_of(document, ALICE, bypass=True) == "MalformedPolicyDocumentException"
    assert code_of(policy({"AWS": "not-a-principal"}), ALICE, bypass=True) == (
        "MalformedPolicyDocumentException"
    )
    assert code_of(policy({"AWS": ACCOUNT}) + " " * 33000, ALICE) == "LimitExceededException"
