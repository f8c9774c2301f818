"""A parsed, compiled policy document."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from fogbank.authz.policy.conditions import Condition
from fogbank.authz.policy.context import RequestContext
from fogbank.authz.policy.matching import ActionMatcher, ResourceMatcher
from fogbank.authz.policy.principals import PrincipalSet

CURRENT_VERSION = "2012-10-17"
LEGACY_VERSION = "2008-10-17"


class PolicyKind(Enum):
    """Where a document is used; decides which elements it must and must not have."""

    IDENTITY = "identity"  # user / group / role policies: no Principal
    RESOURCE = "resource"  # bucket, key, file system policies: Principal required
    TRUST = "trust"  # role trust policies: Principal required, no Resource
    BOUNDARY = "boundary"  # permissions boundaries: as identity policies
    SESSION = "session"  # session policies passed to AssumeRole* / GetFederationToken


class Effect(Enum):
    ALLOW = "Allow"
    DENY = "Deny"


@dataclass(frozen=True)
class Position:
    """1-based line and column in the policy text (IAM's simulator positions)."""

    line: int
    column: int


@dataclass(frozen=True)
class Statement:
    index: int  # position in the Statement list, from 0
    sid: str | None
    effect: Effect
    actions: ActionMatcher
    not_action: bool  # True: ``actions`` came from NotAction
    resources: ResourceMatcher | None  # None: no Resource element (trust policies)
    not_resource: bool
    conditions: tuple[Condition, ...] = ()
    principal: PrincipalSet | None = None
    not_principal: PrincipalSet | None = None
    start: Position | None = field(default=None, compare=False)
    end: Position | None = field(default=None, compare=False)

    def matches_action(self, action: str, service: str) -> bool:
        """``action`` and its ``service`` prefix must be lower-case (names are
        case-insensitive); the service check is a shortcut before any pattern matching."""
        if self.not_action:
            return not self.actions.matches(action)
        vendors = self.actions.vendors
        if vendors is not None and service not in vendors:
            return False
        return self.actions.matches(action)

    def matches_resource(self, resource: str, ctx: RequestContext) -> bool:
        if self.resources is None:
            return True
        return self.resources.matches(resource, ctx) != self.not_resource

    def matches_conditions(self, ctx: RequestContext) -> bool:
        return all(condition.evaluate(ctx) for condition in self.conditions)


@dataclass(frozen=True)
class Policy:
    kind: PolicyKind
    version: str | None  # as written; None when absent (legacy semantics)
    id: str | None
    statements: tuple[Statement, ...]
    size: int  # characters of the document, whitespace not counted (IAM's quota measure)
    source_id: str | None = None  # the caller's name for it: a policy ARN, "user/alice/x" ...
    source_type: str | None = None  # for the simulator: "user", "group", "role", "resource" ...

    @property
    def variables_enabled(self) -> bool:
        return self.version == CURRENT_VERSION

    def labeled(self, source_id: str | None, source_type: str | None = None) -> Policy:
        """The same policy under another caller-chosen name."""
        return Policy(
            self.kind,
            self.version,
            self.id,
            self.statements,
            self.size,
            source_id,
            source_type if source_type is not None else self.source_type,
        )
