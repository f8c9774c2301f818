"""Evaluation cases for the IAM policy evaluator, written from AWS's documentation.

Each case states a request, the policies that apply and the answer AWS's documentation
gives for it; the groups cite the page (IAM user guide file name, as in the awsdocs
``iam-user-guide`` repository and docs.aws.amazon.com/IAM/latest/UserGuide/<name>.html)
and section the expectation comes from. ``why`` is the policy type named in AWS's denial
message where the documentation determines it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from fogbank.authz.policy import (
    CallerKind,
    ContextValue,
    PolicyType,
    PrincipalInfo,
    SessionInfo,
)

Expect = Literal["allow", "explicit", "implicit"]
Doc = dict[str, object]

ACCOUNT = "111122223333"
OTHER = "444455556666"


@dataclass(frozen=True)
class Case:
    name: str
    action: str
    resource: str
    expect: Expect
    identity: tuple[Doc, ...] = ()
    resource_policy: Doc | None = None
    boundary: Doc | None = None
    session: tuple[Doc, ...] = ()
    caller: PrincipalInfo | None = None  # default: ALICE
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    resource_account: str | None = None
    required: bool = False  # resource policy required (KMS key policies, trust policies)
    trust: bool = False  # the resource policy is a role trust policy
    why: PolicyType | None = None


def user(name: str, account: str = ACCOUNT, **tags: str) -> PrincipalInfo:
    return PrincipalInfo(
        arn=f"arn:aws:iam::{account}:user/{name}",
        kind=CallerKind.USER,
        account_id=account,
        user_id=f"AIDA{name.upper()}EXAMPLE",
        username=name,
        tags=tags,
    )


def role_session(role: str, session: str, account: str = ACCOUNT, **tags: str) -> PrincipalInfo:
    return PrincipalInfo(
        arn=f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
        kind=CallerKind.ASSUMED_ROLE,
        account_id=account,
        user_id=f"AROAEXAMPLEROLEID0001:{session}",
        tags=tags,
        session=SessionInfo(f"arn:aws:iam::{account}:role/{role}", session),
    )


def federated(name: str, by_user: str, account: str = ACCOUNT) -> PrincipalInfo:
    return PrincipalInfo(
        arn=f"arn:aws:sts::{account}:federated-user/{name}",
        kind=CallerKind.FEDERATED_USER,
        account_id=account,
        user_id=f"{account}:{name}",
        session=SessionInfo(f"arn:aws:iam::{account}:user/{by_user}", name),
    )


ALICE = user("alice", department="eng")
BOB = user("bob")
ROOT = PrincipalInfo.root(ACCOUNT)
OTHER_ROOT = PrincipalInfo.root(OTHER)
ANONYMOUS = PrincipalInfo.anonymous()
DEV_SESSION = role_session("dev", "alice-session", team="blue")
CARLOS = user("carlossalazar")
CAROL = user("carol", account=OTHER)
OTHER_SESSION = role_session("auditor", "audit-app", account=OTHER)
CLOUDTRAIL = PrincipalInfo.service("cloudtrail.amazonaws.com")


def doc(*statements: Doc, version: str | None = "2012-10-17") -> Doc:
    out: Doc = {"Statement": list(statements)}
    if version is not None:
        out = {"Version": version, **out}
    return out


def stmt(
    effect: str,
    action: str | list[str],
    resource: str | list[str] | None = "*",
    condition: Doc | None = None,
    *,
    not_action: bool = False,
    not_resource: bool = False,
    principal: object = None,
    not_principal: object = None,
    sid: str | None = None,
) -> Doc:
    out: Doc = {"Effect": effect}
    if sid:
        out["Sid"] = sid
    if principal is not None:
        out["Principal"] = principal
    if not_principal is not None:
        out["NotPrincipal"] = not_principal
    out["NotAction" if not_action else "Action"] = action
    if resource is not None:
        out["NotResource" if not_resource else "Resource"] = resource
    if condition is not None:
        out["Condition"] = condition
    return out


def allow(
    action: str | list[str], resource: str | list[str] | None = "*", condition: Doc | None = None
) -> Doc:
    return stmt("Allow", action, resource, condition)


def deny(
    action: str | list[str], resource: str | list[str] | None = "*", condition: Doc | None = None
) -> Doc:
    return stmt("Deny", action, resource, condition)


def aws(*names: str) -> Doc:
    return {"AWS": list(names) if len(names) > 1 else names[0]}


def arn_user(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:user/{name}"


def arn_role(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def arn_root(account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:root"
