"""AWS's access-denied wording (IAM user guide, "Troubleshooting access denied error
messages", the examples quoted in fogbank/authz/policy/messages.py)."""

from __future__ import annotations

import json

import pytest

from fogbank.authz.policy import (
    AuthzRequest,
    CallerKind,
    PolicyKind,
    PolicySet,
    PrincipalInfo,
    SessionInfo,
    denial_message,
    evaluate,
    parse_policy,
)

ALICE = PrincipalInfo(
    "arn:aws:iam::123456789012:user/alice", CallerKind.USER, "123456789012", "AIDA1", "alice"
)
SESSION = PrincipalInfo(
    "arn:aws:sts::111122223333:assumed-role/role-name/role-session-name",
    CallerKind.ASSUMED_ROLE,
    "111122223333",
    "AROA1:role-session-name",
    session=SessionInfo("arn:aws:iam::111122223333:role/role-name", "role-session-name"),
)


def doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}
DENY_ALL = {"Effect": "Deny", "Action": "*", "Resource": "*"}
ALLOW_OTHER = {"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}


def message(
    action: str,
    resource: str,
    *,
    identity: tuple[dict[str, object], ...] = (),
    resource_policy: str | None = None,
    boundary: dict[str, object] | None = None,
    session: dict[str, object] | None = None,
    caller: PrincipalInfo = ALICE,
    trust: bool = False,
    required: bool = False,
    quote: bool = False,
) -> str:
    policies = PolicySet(
        identity=tuple(parse_policy(doc(s), PolicyKind.IDENTITY) for s in identity),
        resource=parse_policy(resource_policy, PolicyKind.TRUST if trust else PolicyKind.RESOURCE)
        if resource_policy
        else None,
        boundary=parse_policy(doc(boundary), PolicyKind.BOUNDARY) if boundary else None,
        session=(parse_policy(doc(session), PolicyKind.SESSION),) if session else (),
        resource_policy_required=required,
    )
    request = AuthzRequest(action, resource, caller, {}, caller.account_id)
    return denial_message(request, evaluate(request, policies), quote_resource=quote)


def test_the_briefs_example() -> None:
    assert (
        message("s3:GetObject", "arn:aws:s3:::b/k")
        == "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
        "s3:GetObject on resource: arn:aws:s3:::b/k because no identity-based policy "
        "allows the s3:GetObject action"
    )


def test_no_resource_is_left_out() -> None:
    assert message("codecommit:ListRepositories", "*") == (
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
        "codecommit:ListRepositories because no identity-based policy allows the "
        "codecommit:ListRepositories action"
    )


def test_explicit_deny_in_an_identity_based_policy() -> None:
    resource = "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*"
    assert message("codedeploy:ListDeployments", resource, identity=(ALLOW_ALL, DENY_ALL)) == (
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
        "codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:"
        "deploymentgroup:* with an explicit deny in an identity-based policy"
    )


def test_permissions_boundary() -> None:
    resource = "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*"
    text = message(
        "codedeploy:ListDeployments", resource, identity=(ALLOW_ALL,), boundary=ALLOW_OTHER
    )
    assert text.endswith(
        f"on resource: {resource} because no permissions boundary allows the "
        "codedeploy:ListDeployments action"
    )
    text = message("sagemaker:ListModels", "*", identity=(ALLOW_ALL,), boundary=DENY_ALL)
    assert text == (
        "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
        "sagemaker:ListModels with an explicit deny in a permissions boundary"
    )


def test_session_policies() -> None:
    implicit = message(
        "codecommit:ListRepositories",
        "*",
        identity=(ALLOW_ALL,),
        session=ALLOW_OTHER,
        caller=SESSION,
    )
    assert implicit == (
        "User: arn:aws:sts::111122223333:assumed-role/role-name/role-session-name is not "
        "authorized to perform: codecommit:ListRepositories because no session policy allows "
        "the codecommit:ListRepositories action"
    )
    explicit = message("sns:Publish", "*", identity=(ALLOW_ALL,), session=DENY_ALL, caller=SESSION)
    assert explicit.endswith("sns:Publish with an explicit deny in a session policy")


def test_resource_based_policies() -> None:
    secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:*"
    deny = doc({"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"})
    assert message(
        "secretsmanager:GetSecretValue", secret, identity=(ALLOW_ALL,), resource_policy=deny
    ).endswith(
        f"secretsmanager:GetSecretValue on resource: {secret} with an explicit deny in a "
        "resource-based policy"
    )
    other = doc(
        {"Effect": "Allow", "Principal": {"AWS": "999999999999"}, "Action": "*", "Resource": "*"}
    )
    assert message(
        "secretsmanager:GetSecretValue",
        secret,
        identity=(ALLOW_ALL,),
        resource_policy=other,
        required=True,
    ).endswith("because no resource-based policy allows the secretsmanager:GetSecretValue action")


def test_role_trust_policies() -> None:
    role = "arn:aws:iam::123456789012:role/r"
    deny = doc({"Effect": "Deny", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"})
    assert message(
        "sts:AssumeRole", role, resource_policy=deny, trust=True, required=True
    ).endswith(
        "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/r with an explicit deny in "
        "the role trust policy"
    )
    other = doc(
        {"Effect": "Allow", "Principal": {"AWS": "999999999999"}, "Action": "sts:AssumeRole"}
    )
    assert message(
        "sts:AssumeRole", role, resource_policy=other, trust=True, required=True
    ).endswith("because no role trust policy allows the sts:AssumeRole action")


def test_s3_quotes_the_resource() -> None:
    assert 'on resource: "arn:aws:s3:::b/k" because' in message(
        "s3:GetObject", "arn:aws:s3:::b/k", quote=True
    )


def test_anonymous() -> None:
    text = message("s3:GetObject", "arn:aws:s3:::b/k", caller=PrincipalInfo.anonymous())
    assert text.startswith("User: anonymous is not authorized to perform: s3:GetObject")


def test_allowed_decisions_have_no_message() -> None:
    policies = PolicySet(identity=(parse_policy(doc(ALLOW_ALL), PolicyKind.IDENTITY),))
    request = AuthzRequest("s3:GetObject", "*", ALICE)
    with pytest.raises(ValueError, match="allowed"):
        denial_message(request, evaluate(request, policies))
