"""Table-driven evaluation cases; the expectations come from AWS's documentation.

The cases live in ``policy_cases/`` (basic.py: allow/deny, actions, resources, NotAction,
NotResource, variables; conditions.py: every operator family, IfExists, Null, set
operators; principals.py: resource policies, boundaries, sessions, cross-account, root,
anonymous, services, NotPrincipal, KMS, trust). Each group cites its documentation page.
"""

from __future__ import annotations

import json

import pytest
from policy_cases import ALICE, Case, basic, conditions, principals

from fogbank.authz.policy import (
    AuthzRequest,
    Decision,
    DecisionKind,
    PolicyKind,
    PolicySet,
    denial_message,
    evaluate,
    parse_policy,
)

ALL_CASES: list[Case] = [*basic.CASES, *conditions.CASES, *principals.CASES]
EXPECTED = {
    "allow": DecisionKind.ALLOW,
    "explicit": DecisionKind.EXPLICIT_DENY,
    "implicit": DecisionKind.IMPLICIT_DENY,
}


def run(case: Case) -> tuple[AuthzRequest, Decision]:
    identity = tuple(parse_policy(json.dumps(d), PolicyKind.IDENTITY) for d in case.identity)
    session = tuple(parse_policy(json.dumps(d), PolicyKind.SESSION) for d in case.session)
    boundary = (
        parse_policy(json.dumps(case.boundary), PolicyKind.BOUNDARY) if case.boundary else None
    )
    resource = None
    if case.resource_policy is not None:
        kind = PolicyKind.TRUST if case.trust else PolicyKind.RESOURCE
        resource = parse_policy(json.dumps(case.resource_policy, indent=2), kind)
    policies = PolicySet(
        identity=identity,
        resource=resource,
        boundary=boundary,
        session=session,
        resource_policy_required=case.required,
    )
    request = AuthzRequest(
        action=case.action,
        resource=case.resource,
        principal=case.caller or ALICE,
        context=case.context,
        resource_account=case.resource_account,
    )
    return request, evaluate(request, policies)


def test_there_are_enough_cases() -> None:
    assert len(ALL_CASES) >= 150
    assert len({case.name for case in ALL_CASES}) == len(ALL_CASES), "case names are unique"


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.name for case in ALL_CASES])
def test_case(case: Case) -> None:
    request, decision = run(case)
    assert decision.kind is EXPECTED[case.expect], decision
    assert decision.allowed is (case.expect == "allow")
    if case.expect == "allow":
        assert decision.reason == ""
        return
    if case.why is not None:
        assert decision.policy_type is case.why, decision
    # Every denial can be worded as AWS words it.
    message = denial_message(request, decision)
    assert message.startswith("User: ")
    assert f"is not authorized to perform: {case.action}" in message
