"""What the evaluator answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from fogbank.authz.policy.model import Effect, Policy, Position


class DecisionKind(Enum):
    """The three outcomes, valued as IAM's simulator spells its EvalDecision."""

    ALLOW = "allowed"
    EXPLICIT_DENY = "explicitDeny"
    IMPLICIT_DENY = "implicitDeny"


class PolicyType(Enum):
    """The policy types of AWS's access-denied messages."""

    IDENTITY = "identity-based policy"
    RESOURCE = "resource-based policy"
    TRUST = "role trust policy"  # the resource policy of sts:AssumeRole*
    BOUNDARY = "permissions boundary"
    SESSION = "session policy"


@dataclass(frozen=True)
class PolicySet:
    """Every policy that applies to one request."""

    identity: Sequence[Policy] = ()  # attached + inline (+ group) policies of the user/role
    resource: Policy | None = None  # bucket policy, key policy, trust policy ...
    boundary: Policy | None = None  # the permissions boundary of the user/role
    session: Sequence[Policy] = ()  # session policies of a role / federated user session
    resource_policy_required: bool = False  # KMS keys, role trust: must allow explicitly


@dataclass(frozen=True)
class StatementRef:
    """A statement that decided (or took part in) a decision."""

    policy_type: PolicyType
    policy_index: int  # position in PolicySet.identity / .session; 0 for the others
    policy_id: str | None  # Policy.source_id, else the document's Id
    source_type: str | None
    statement_index: int
    sid: str | None
    effect: Effect
    start: Position | None = None
    end: Position | None = None


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    # The policy type named in AWS's message: where the deny was found, or which type
    # failed to allow. None when allowed (and for denials that name no type).
    policy_type: PolicyType | None
    # The message context: "with an explicit deny in an identity-based policy",
    # "because no resource-based policy allows the kms:Decrypt action"; "" when allowed.
    reason: str
    statements: tuple[StatementRef, ...] = ()  # the allows that granted / the denies
    # The outcome of each policy type on its own (the simulator's EvalDecisionDetails).
    details: Mapping[PolicyType, DecisionKind] = field(default_factory=dict, hash=False)
    missing_context: frozenset[str] = frozenset()  # condition keys looked up but absent

    @property
    def allowed(self) -> bool:
        return self.kind is DecisionKind.ALLOW
