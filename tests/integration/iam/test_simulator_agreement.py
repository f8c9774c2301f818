"""SimulatePrincipalPolicy answers what the evaluation cases say AWS answers, and what
enforcement does.

The cases of ``tests/unit/authz/policy_cases`` that IAM can express (the caller is the
IAM user alice, with identity policies and a permissions boundary, conditions given as
``ContextEntries``) are replayed through a live server: alice gets the case's policies
(inline policies; the boundary as a managed policy), the simulator is asked, and for a
sample of S3 cases (no conditions) alice makes the call itself: allowed calls reach S3
(and find no such bucket there: NoSuchBucket), denied ones answer AccessDenied.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.iam.support import User
from tests.support.server import FogbankServer
from tests.unit.authz.policy_cases import ACCOUNT, Case, basic, conditions, principals

DECISION = {"allow": "allowed", "explicit": "explicitDeny", "implicit": "implicitDeny"}


def _expressible(case: Case) -> bool:
    caller = case.caller
    return (
        case.resource_policy is None
        and not case.session
        and not case.required
        and case.resource_account in (None, ACCOUNT)
        and (caller is None or (caller.username == "alice" and caller.account_id == ACCOUNT))
    )


CASES = [c for c in (*basic.CASES, *conditions.CASES, *principals.CASES) if _expressible(c)]


def _enforceable(case: Case) -> bool:
    text = json.dumps([case.identity, case.boundary])
    return (
        case.action in ("s3:GetObject", "s3:PutObject")
        and not case.context
        and "Condition" not in text
        and case.resource.startswith("arn:aws:s3:::")
        and case.resource.partition("/")[2] != ""  # a key to ask for
    )


def _type_of(key: str, value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "numeric"
    if isinstance(value, datetime):
        return "date"
    if isinstance(value, bytes):
        return "binary"
    return "ip" if key.lower() == "aws:sourceip" else "string"


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return str(value)


def context_entries(case: Case) -> list[dict[str, Any]]:
    entries = []
    for key, value in case.context.items():
        if isinstance(value, list | tuple):
            kind = _type_of(key, value[0]) if value else "string"
            entries.append(
                {
                    "ContextKeyName": key,
                    "ContextKeyValues": [_text(v) for v in value],
                    "ContextKeyType": kind + "List",
                }
            )
        else:
            entries.append(
                {
                    "ContextKeyName": key,
                    "ContextKeyValues": [_text(value)],
                    "ContextKeyType": _type_of(key, value),
                }
            )
    return entries


class Alice:
    """The user alice of account 111122223333, given each case's policies in turn."""

    def __init__(self, server: FogbankServer) -> None:
        self.iam = server.client("iam")
        self.user = User(server, "alice", Tags=[{"Key": "department", "Value": "eng"}])
        self.boundaries = 0

    def take(self, case: Case) -> None:
        for name in self.iam.list_user_policies(UserName="alice")["PolicyNames"]:
            self.iam.delete_user_policy(UserName="alice", PolicyName=name)
        self.iam.delete_user_permissions_boundary(UserName="alice")
        for n, document in enumerate(case.identity):
            self.iam.put_user_policy(
                UserName="alice", PolicyName=f"p{n}", PolicyDocument=json.dumps(document)
            )
        if case.boundary is not None:
            self.boundaries += 1
            arn = self.iam.create_policy(
                PolicyName=f"boundary{self.boundaries}", PolicyDocument=json.dumps(case.boundary)
            )["Policy"]["Arn"]
            self.iam.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=arn)


@pytest.fixture(scope="module")
def alice(metadata_url_factory: Callable[[], str | None]) -> Iterator[Alice]:
    server = FogbankServer(
        metadata_url=metadata_url_factory(), env={"FOGBANK_ACCOUNT_ID": ACCOUNT}
    ).start()
    try:
        yield Alice(server)
    finally:
        server.cleanup()


def test_enough_cases_are_expressible() -> None:
    assert len(CASES) >= 150
    assert sum(1 for c in CASES if _enforceable(c)) >= 30


def test_the_simulator_answers_as_the_cases_say(alice: Alice) -> None:
    disagreements = []
    for case in CASES:
        alice.take(case)
        result = alice.iam.simulate_principal_policy(
            PolicySourceArn=alice.user.arn,
            ActionNames=[case.action],
            ResourceArns=[case.resource],
            ContextEntries=context_entries(case),
        )["EvaluationResults"]
        (evaluation,) = result
        assert evaluation["EvalActionName"] == case.action
        if evaluation["EvalDecision"] != DECISION[case.expect]:
            disagreements.append((case.name, case.expect, evaluation["EvalDecision"]))
    assert not disagreements


def test_enforcement_agrees_with_the_simulator(alice: Alice) -> None:
    s3 = alice.user.client("s3")
    checked = 0
    for case in (c for c in CASES if _enforceable(c)):
        alice.take(case)
        bucket, _, key = case.resource.removeprefix("arn:aws:s3:::").partition("/")
        simulated = alice.iam.simulate_principal_policy(
            PolicySourceArn=alice.user.arn, ActionNames=[case.action], ResourceArns=[case.resource]
        )["EvaluationResults"][0]["EvalDecision"]
        with pytest.raises(ClientError) as exc:
            if case.action == "s3:GetObject":
                s3.get_object(Bucket=bucket, Key=key)
            else:
                s3.put_object(Bucket=bucket, Key=key, Body=b"x")
        code = exc.value.response["Error"]["Code"]
        expected = "NoSuchBucket" if case.expect == "allow" else "AccessDenied"
        assert code == expected, case.name
        assert (code == "NoSuchBucket") == (simulated == "allowed"), case.name
        checked += 1
    assert checked >= 30
