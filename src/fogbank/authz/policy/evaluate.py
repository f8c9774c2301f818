"""AWS's policy evaluation logic.

IAM user guide, "Policy evaluation logic" (``reference_policies_evaluation-logic.md``)
and "Cross-account policy evaluation logic":

1. An explicit ``Deny`` that applies, in any policy type, decides (explicit deny).
2. The root user of the resource's account may do anything else; it is not subject to
   identity-based policies. Where the resource policy is required (KMS keys) even the root
   user needs that policy's allow (the KMS "key policy is the primary control" rule).
3. Anonymous callers, AWS service principals and identity providers have no identity-based
   policies: only a resource policy naming them (``*`` included) allows.
4. Within one account (IAM users, role sessions, federated user sessions):

   * a resource policy that names the caller itself (user ARN, session ARN) or ``*``
     allows on its own, whatever the identity policies, boundary and session policies say;
   * one that names the role of a role session (or the user behind a federated session)
     allows unless the permissions boundary or the session policies do not;
   * otherwise an identity-based policy must allow, then the permissions boundary (if
     any), then the session policies (if any). A federated user session with no session
     policy is denied; a role session without one is not.
   * With ``resource_policy_required`` (KMS key policies, role trust policies) nothing is
     allowed unless the resource policy allows; naming the account there delegates to the
     identity-based policies (the key policy "enables IAM policies").

5. Across accounts both sides must allow: the caller's identity-based policies (limited by
   boundary and session policies) and the resource policy, naming the caller in any way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from fogbank.authz.policy.context import AuthzRequest, CallerKind, RequestContext
from fogbank.authz.policy.decision import (
    Decision,
    DecisionKind,
    PolicySet,
    PolicyType,
    StatementRef,
)
from fogbank.authz.policy.messages import explicit_deny_reason, implicit_deny_reason
from fogbank.authz.policy.model import Effect, Policy, PolicyKind
from fogbank.authz.policy.principals import Grant, match_principal, not_principal_applies

# A tuple: membership tests by identity, without hashing (Enum hashes in Python).
_IAM_CALLERS = (CallerKind.USER, CallerKind.ASSUMED_ROLE, CallerKind.FEDERATED_USER)
# What most decisions are: allowed with no policy consulted (the root user of the account).
_ALLOWED_BY_DEFAULT = Decision(DecisionKind.ALLOW, None, "", (), MappingProxyType({}))


@dataclass
class _Scan:
    """The statements of one policy type that apply to the request."""

    allows: list[StatementRef] = field(default_factory=list)
    denies: list[StatementRef] = field(default_factory=list)
    grant: Grant | None = None  # resource policies: the most direct principal match

    @property
    def allowed(self) -> bool:
        return bool(self.allows)


def evaluate(request: AuthzRequest, policies: PolicySet) -> Decision:
    """Decide ``request`` against ``policies``; pure, no I/O."""
    ctx = RequestContext(request)
    iam_caller = request.principal.kind in _IAM_CALLERS
    scans: dict[PolicyType, _Scan] = {}
    if iam_caller:
        scans[PolicyType.IDENTITY] = _scan(policies.identity, PolicyType.IDENTITY, request, ctx)
    resource_type = PolicyType.RESOURCE
    if policies.resource is not None:
        if policies.resource.kind is PolicyKind.TRUST:
            resource_type = PolicyType.TRUST
        scans[resource_type] = _scan([policies.resource], resource_type, request, ctx)
    if iam_caller and policies.boundary is not None:
        scans[PolicyType.BOUNDARY] = _scan([policies.boundary], PolicyType.BOUNDARY, request, ctx)
    if iam_caller and policies.session:
        scans[PolicyType.SESSION] = _scan(policies.session, PolicyType.SESSION, request, ctx)
    kind, policy_type, statements = _decide(request, policies, scans, resource_type)
    if not scans and kind is DecisionKind.ALLOW and not statements and not ctx.missing:
        return _ALLOWED_BY_DEFAULT
    if kind is DecisionKind.ALLOW:
        reason = ""
    elif kind is DecisionKind.EXPLICIT_DENY:
        reason = explicit_deny_reason(policy_type or PolicyType.IDENTITY)
    else:
        reason = implicit_deny_reason(policy_type or PolicyType.IDENTITY, request.action)
    details = {ptype: _type_decision(scan) for ptype, scan in scans.items()}
    return Decision(
        kind=kind,
        policy_type=None if kind is DecisionKind.ALLOW else policy_type,
        reason=reason,
        statements=tuple(statements),
        details=details,
        missing_context=frozenset(ctx.missing),
    )


_Outcome = tuple[DecisionKind, PolicyType | None, list[StatementRef]]


def _implicit(policy_type: PolicyType) -> _Outcome:
    return DecisionKind.IMPLICIT_DENY, policy_type, []


def _allow(*granting: _Scan | None) -> _Outcome:
    return DecisionKind.ALLOW, None, [ref for s in granting if s is not None for ref in s.allows]


def _decide(
    request: AuthzRequest,
    policies: PolicySet,
    scans: dict[PolicyType, _Scan],
    resource_type: PolicyType,
) -> _Outcome:
    if scans:
        denies = [ref for scan in scans.values() for ref in scan.denies]
        if denies:
            order = (resource_type, PolicyType.IDENTITY, PolicyType.BOUNDARY, PolicyType.SESSION)
            first = next(t for t in order if t in scans and scans[t].denies)
            return DecisionKind.EXPLICIT_DENY, first, denies
    resource = scans.get(resource_type)
    resource_allowed = resource is not None and resource.allowed

    caller = request.principal
    same_account = request.resource_account in (None, caller.account_id)
    if caller.kind is CallerKind.ROOT:
        if same_account and not policies.resource_policy_required:
            return _allow()
        return _allow(resource) if resource_allowed else _implicit(resource_type)
    if caller.kind not in _IAM_CALLERS:
        return _allow(resource) if resource_allowed else _implicit(resource_type)

    identity = scans.get(PolicyType.IDENTITY)
    boundary = scans.get(PolicyType.BOUNDARY)
    session = scans.get(PolicyType.SESSION)
    boundary_ok = boundary is None or boundary.allowed
    if session is not None:
        session_ok = session.allowed
    else:
        session_ok = caller.kind is not CallerKind.FEDERATED_USER

    if not same_account:
        failure = _identity_side(identity, boundary_ok, session_ok)
        if failure is not None:
            return failure
        if not resource_allowed:
            return _implicit(resource_type)
        return _allow(identity, resource)

    grant = resource.grant if resource is not None and resource_allowed else None
    if grant is Grant.DIRECT:
        return _allow(resource)
    if grant is Grant.ROLE:
        if not boundary_ok:
            return _implicit(PolicyType.BOUNDARY)
        if not session_ok:
            return _implicit(PolicyType.SESSION)
        return _allow(resource)
    if grant is None and policies.resource_policy_required:
        return _implicit(resource_type)
    failure = _identity_side(identity, boundary_ok, session_ok)
    if failure is not None:
        return failure
    return _allow(identity, resource)


def _identity_side(identity: _Scan | None, boundary_ok: bool, session_ok: bool) -> _Outcome | None:
    """Why the identity-based policies, limited by boundary and session, do not allow."""
    if identity is None or not identity.allowed:
        return _implicit(PolicyType.IDENTITY)
    if not boundary_ok:
        return _implicit(PolicyType.BOUNDARY)
    if not session_ok:
        return _implicit(PolicyType.SESSION)
    return None


def _type_decision(scan: _Scan) -> DecisionKind:
    if scan.denies:
        return DecisionKind.EXPLICIT_DENY
    return DecisionKind.ALLOW if scan.allows else DecisionKind.IMPLICIT_DENY


def _scan(
    policies: Sequence[Policy],
    policy_type: PolicyType,
    request: AuthzRequest,
    ctx: RequestContext,
) -> _Scan:
    scan = _Scan()
    check_principal = policy_type in (PolicyType.RESOURCE, PolicyType.TRUST)
    caller, action, resource = request.principal, request.action.lower(), request.resource
    service = action.partition(":")[0]
    for policy_index, policy in enumerate(policies):
        for statement in policy.statements:
            if not statement.matches_action(action, service):
                continue
            grant: Grant | None = None
            if check_principal:
                if statement.principal is not None:
                    grant = match_principal(statement.principal, caller)
                elif statement.not_principal is not None and not_principal_applies(
                    statement.not_principal, caller
                ):
                    grant = Grant.DIRECT
                if grant is None:
                    continue
            if not statement.matches_resource(resource, ctx):
                continue
            if not statement.matches_conditions(ctx):
                continue
            ref = StatementRef(
                policy_type=policy_type,
                policy_index=policy_index,
                policy_id=policy.source_id or policy.id,
                source_type=policy.source_type,
                statement_index=statement.index,
                sid=statement.sid,
                effect=statement.effect,
                start=statement.start,
                end=statement.end,
            )
            if statement.effect is Effect.DENY:
                scan.denies.append(ref)
                continue
            scan.allows.append(ref)
            if grant is not None and (scan.grant is None or grant > scan.grant):
                scan.grant = grant
    return scan
