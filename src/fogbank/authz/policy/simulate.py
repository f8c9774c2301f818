"""Policy simulation, as IAM's ``SimulatePrincipalPolicy`` and ``SimulateCustomPolicy`` do it.

A simulation is the real evaluator run once per (action, resource) pair; these helpers
only shape its answers (``EvalDecision``, ``MatchedStatements`` with source policy and
positions, ``MissingContextValues``) and read the API's ``ContextEntries``.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from fogbank.authz.policy.context import (
    AuthzRequest,
    CallerKind,
    ContextValue,
    PrincipalInfo,
    Scalar,
)
from fogbank.authz.policy.decision import DecisionKind, PolicySet, PolicyType, StatementRef
from fogbank.authz.policy.document import parse_policy
from fogbank.authz.policy.evaluate import evaluate
from fogbank.authz.policy.model import PolicyKind, Position
from fogbank.authz.policy.values import read_date, read_decimal

SIMULATED_ACCOUNT = "123456789012"


@dataclass(frozen=True)
class ContextEntry:
    """One ``ContextEntries`` member: ``ContextKeyName``, ``ContextKeyValues``, ``...Type``."""

    key: str
    values: tuple[str, ...]
    type: str = "string"  # string|numeric|boolean|date|ip|binary, each also as ...List


@dataclass(frozen=True)
class MatchedStatement:
    source_policy_id: str | None
    source_policy_type: str | None
    start: Position | None
    end: Position | None


@dataclass(frozen=True)
class SimulationResult:
    action: str
    resource: str
    decision: DecisionKind  # .value is the EvalDecision text
    matched_statements: tuple[MatchedStatement, ...] = ()
    missing_context_values: tuple[str, ...] = ()
    details: Mapping[PolicyType, DecisionKind] = field(default_factory=dict, hash=False)

    @property
    def allowed_by_permissions_boundary(self) -> bool | None:
        detail = self.details.get(PolicyType.BOUNDARY)
        return None if detail is None else detail is DecisionKind.ALLOW


def context_from_entries(entries: Iterable[ContextEntry]) -> dict[str, ContextValue]:
    """Typed request context from the simulator's ``ContextEntries``."""
    out: dict[str, ContextValue] = {}
    for entry in entries:
        base = entry.type.lower().removesuffix("list")
        converted = [_convert(value, base) for value in entry.values]
        values: list[Scalar] = [v for v in converted if v is not None]
        if entry.type.lower().endswith("list"):
            out[entry.key.lower()] = values
        elif values:
            out[entry.key.lower()] = values[0]
    return out


def _convert(value: str, base: str) -> Scalar | None:
    if base == "boolean":
        return value.lower() == "true"
    if base == "numeric":
        number = read_decimal(value)
        return None if number is None else float(number)
    if base == "date":
        return read_date(value)
    if base == "binary":
        return base64.b64decode(value) if value else b""
    return value  # string, ip


def simulate(
    principal: PrincipalInfo,
    policies: PolicySet,
    actions: Sequence[str],
    resources: Sequence[str] = ("*",),
    *,
    context: Mapping[str, ContextValue] | None = None,
    resource_account: str | None = None,
) -> list[SimulationResult]:
    """Evaluate every (action, resource) pair; the order is actions, then resources."""
    results: list[SimulationResult] = []
    for action in actions:
        for resource in resources:
            request = AuthzRequest(action, resource, principal, context or {}, resource_account)
            decision = evaluate(request, policies)
            results.append(
                SimulationResult(
                    action=action,
                    resource=resource,
                    decision=decision.kind,
                    matched_statements=tuple(_matched(ref) for ref in decision.statements),
                    missing_context_values=tuple(sorted(decision.missing_context)),
                    details=decision.details,
                )
            )
    return results


def simulate_custom(
    policy_texts: Sequence[str],
    actions: Sequence[str],
    resources: Sequence[str] = ("*",),
    *,
    context: Mapping[str, ContextValue] | None = None,
    caller: PrincipalInfo | None = None,
    resource_policy: str | None = None,
    resource_owner: str | None = None,
    boundary_texts: Sequence[str] = (),
) -> list[SimulationResult]:
    """``SimulateCustomPolicy``: the documents are parsed (raising ``PolicyError``) and
    named ``PolicyInputList.N`` / ``ResourcePolicy`` as the API names them."""
    identity = tuple(
        parse_policy(text, PolicyKind.IDENTITY).labeled(f"PolicyInputList.{n}", "IAM Policy")
        for n, text in enumerate(policy_texts, start=1)
    )
    boundary = None
    if boundary_texts:
        # The API takes a list but a principal has one boundary: the first one decides.
        boundary = parse_policy(boundary_texts[0], PolicyKind.BOUNDARY).labeled(
            "PermissionsBoundaryPolicyInputList.1", "IAM Policy"
        )
    resource = None
    if resource_policy is not None:
        resource = parse_policy(resource_policy, PolicyKind.RESOURCE).labeled(
            "ResourcePolicy", "Resource Policy"
        )
    if caller is None:
        caller = PrincipalInfo(
            arn=f"arn:aws:iam::{SIMULATED_ACCOUNT}:user/simulated",
            kind=CallerKind.USER,
            account_id=SIMULATED_ACCOUNT,
            username="simulated",
        )
    policies = PolicySet(identity=identity, resource=resource, boundary=boundary)
    return simulate(
        caller,
        policies,
        actions,
        resources,
        context=context,
        resource_account=_account_of(resource_owner),
    )


def _account_of(owner: str | None) -> str | None:
    """``ResourceOwner`` is an account ARN ("arn:aws:iam::123456789012:root") or an id."""
    if owner is None or not owner.startswith("arn:"):
        return owner
    parts = owner.split(":", 5)
    return parts[4] if len(parts) == 6 else owner


def _matched(ref: StatementRef) -> MatchedStatement:
    return MatchedStatement(ref.policy_id, ref.source_type, ref.start, ref.end)
