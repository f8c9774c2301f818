"""The Principal and NotPrincipal elements: parsing, and matching a caller.

IAM user guide, "AWS JSON policy elements: Principal":

* ``"*"`` and ``{"AWS": "*"}`` are equivalent and mean every principal, anonymous included.
* An account id ``"123456789012"`` is the account ARN ``arn:aws:iam::123456789012:root``;
  either one delegates to the whole account (it is not limited to the root user).
* ``Service``, ``Federated`` and ``CanonicalUser`` name service principals, identity
  providers and S3 canonical users. No wildcard may stand for part of a name or ARN.

How a match grants (``reference_policies_evaluation-logic.md``, "Resource-based policies"
within one account): naming the user or the session ARN (or ``*``) grants directly;
naming the role ARN of a role session, or the IAM user behind a federated user session,
grants subject to permissions boundaries and session policies; naming the account only
delegates to the account's identity-based policies.

``NotPrincipal`` ("AWS JSON policy elements: NotPrincipal"): AWS may check the account,
then the role, then the session, so a caller escapes a ``Deny`` only if each of those
identities is listed; the statement applies when any one of them is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from fogbank.authz.policy.context import CallerKind, PrincipalInfo
from fogbank.authz.policy.errors import PolicyError, PolicyErrorReason, policy_error

_ACCOUNT_ID = re.compile(r"\d{12}")
_UNIQUE_ID = re.compile(r"A[A-Z0-9]{15,127}")  # AIDA..., AROA... (IAM stores these)
# The account part is 12 digits, or a service-owned name ("arn:aws:iam::cloudfront:user/
# CloudFront Origin Access Identity E2QWRUHAPOMQZL" in S3 bucket policies).
_PRINCIPAL_ARN = re.compile(r"arn:[a-z0-9-]+:(iam|sts)::(\d{12}|[a-z][a-z0-9-]*):[^*?]+")
_ELEMENT_KEYS = ("AWS", "Service", "Federated", "CanonicalUser")


class Grant(IntEnum):
    """How directly a resource-policy principal names the caller (higher is more direct)."""

    ACCOUNT = 1  # the caller's account: delegates to its identity-based policies
    ROLE = 2  # the role behind a role session / the user behind a federated session
    DIRECT = 3  # the caller itself, or everyone ("*")


@dataclass(frozen=True)
class PrincipalSet:
    wildcard: bool = False
    aws: frozenset[str] = frozenset()
    service: frozenset[str] = frozenset()
    federated: frozenset[str] = frozenset()
    canonical_user: frozenset[str] = frozenset()


def parse_principal(value: object, *, trust: bool, resource_style: bool) -> PrincipalSet:
    """Validate a ``Principal``/``NotPrincipal`` value and normalise account ids to ARNs."""

    def invalid(detail: str) -> PolicyError:
        return policy_error(
            PolicyErrorReason.INVALID_PRINCIPAL, detail, resource_style=resource_style
        )

    if value == "*":
        return PrincipalSet(wildcard=True)
    if value == {} and trust:
        raise policy_error(PolicyErrorReason.MISSING_PRINCIPAL)
    if not isinstance(value, dict) or not value:
        raise invalid(_describe(value))
    found: dict[str, set[str]] = {key: set() for key in _ELEMENT_KEYS}
    wildcard = False
    for key, raw in value.items():
        if key not in found:
            raise invalid(f'"{key}"')
        names = raw if isinstance(raw, list) else [raw]
        if not names or not all(isinstance(n, str) and n for n in names):
            raise invalid(f'"{key}":{_describe(raw)}')
        for name in names:
            if key == "AWS" and name == "*":
                wildcard = True
            elif key == "AWS":
                found[key].add(_aws_principal(name, invalid))
            elif "*" in name or "?" in name:
                raise invalid(f'"{key}":"{name}"')
            else:
                found[key].add(name)
    return PrincipalSet(
        wildcard,
        frozenset(found["AWS"]),
        frozenset(found["Service"]),
        frozenset(found["Federated"]),
        frozenset(found["CanonicalUser"]),
    )


def _aws_principal(name: str, invalid: Callable[[str], PolicyError]) -> str:
    if _ACCOUNT_ID.fullmatch(name):
        return f"arn:aws:iam::{name}:root"
    if _PRINCIPAL_ARN.fullmatch(name) or _UNIQUE_ID.fullmatch(name):
        return name
    raise invalid(f'"AWS":"{name}"')


def _describe(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else type(value).__name__


def caller_identities(caller: PrincipalInfo) -> tuple[tuple[str, Grant], ...]:
    """The ARNs (and ids) a policy may use to name ``caller``, with how they grant."""
    kind = caller.kind
    if kind in (CallerKind.ANONYMOUS, CallerKind.SERVICE, CallerKind.WEB_IDENTITY):
        return ()
    out: list[tuple[str, Grant]] = [(caller.arn, Grant.DIRECT)]
    if caller.session is not None and kind in (
        CallerKind.ASSUMED_ROLE,
        CallerKind.FEDERATED_USER,
    ):
        out.append((caller.session.issuer_arn, Grant.ROLE))
    root = caller.root_arn
    if root is not None and kind is not CallerKind.ROOT:
        out.append((root, Grant.ACCOUNT))
    return tuple(out)


def match_principal(pset: PrincipalSet, caller: PrincipalInfo) -> Grant | None:
    """How ``Principal`` names the caller, or None if it does not."""
    if pset.wildcard:
        return Grant.DIRECT
    best: Grant | None = None
    for arn, grant in caller_identities(caller):
        if arn in pset.aws and (best is None or grant > best):
            best = grant
    if best is not None:
        return best
    if _named_otherwise(pset, caller):
        return Grant.DIRECT
    return None


def not_principal_applies(pset: PrincipalSet, caller: PrincipalInfo) -> bool:
    """Whether a ``NotPrincipal`` statement applies to ``caller`` (see module notes)."""
    if pset.wildcard:
        return False
    chain = [arn for arn, _grant in caller_identities(caller)]
    if chain:
        return any(arn not in pset.aws for arn in chain)
    return not _named_otherwise(pset, caller)


def _named_otherwise(pset: PrincipalSet, caller: PrincipalInfo) -> bool:
    if caller.kind is CallerKind.SERVICE:
        return caller.arn in pset.service
    if caller.kind is CallerKind.WEB_IDENTITY:
        return caller.arn in pset.federated
    return caller.canonical_user is not None and caller.canonical_user in pset.canonical_user
