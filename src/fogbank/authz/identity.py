"""The identity side of authorization: which policies apply to a caller, compiled once.

IAM keeps users, roles, groups and their policies; authorization only needs to ask "what
are the policies of this principal" (:class:`IdentitySource`, implemented by the IAM
service and handed in by the composition root, so that authz never imports a service).
Answers are parsed once and cached per principal; the cache is dropped when the source's
``generation`` moves (IAM touches a change stamp on every write) and otherwise after a few
seconds, so a cached principal costs a dictionary lookup and a ``stat``.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from fogbank.authz.policy import (
    Policy,
    PolicyError,
    PolicyKind,
    PolicySet,
    PrincipalInfo,
    parse_policy,
)
from fogbank.core.principal import Principal, PrincipalKind

log = logging.getLogger("fogbank.authz")


@dataclass(frozen=True)
class PolicyText:
    document: str
    source_id: str  # the policy's name (inline), or its name for managed policies
    source_type: str  # user | group | role | aws-managed | user-managed | session


@dataclass(frozen=True)
class IdentityPolicies:
    identity: tuple[PolicyText, ...] = ()
    boundary: PolicyText | None = None
    session: tuple[PolicyText, ...] = ()
    exists: bool = True  # False: the user or role is gone (its sessions allow nothing)


class IdentitySource(Protocol):
    def generation(self) -> int:
        """Changes whenever identities or their policies change (cheap: no query)."""
        ...

    async def policies_of(self, principal: Principal) -> IdentityPolicies: ...

    def record_use(self, principal: Principal, service: str, region: str, when: float) -> None:
        """Note that the principal's credential was used (batched; never blocks)."""
        ...


class NoIdentities:
    """Before IAM is wired in (and in tests): no user or role exists."""

    def generation(self) -> int:
        return 0

    async def policies_of(self, principal: Principal) -> IdentityPolicies:
        return IdentityPolicies(exists=False)

    def record_use(self, principal: Principal, service: str, region: str, when: float) -> None:
        return None


@dataclass(frozen=True)
class CompiledIdentity:
    info: PrincipalInfo
    identity: tuple[Policy, ...]
    boundary: Policy | None
    session: tuple[Policy, ...]
    exists: bool

    @cached_property
    def alone(self) -> PolicySet:
        """The policies of a request on a resource that has no policy of its own."""
        return PolicySet(identity=self.identity, boundary=self.boundary, session=self.session)


class ParseCache:
    """Parsed policies by (kind, text): the same document is compiled once per process."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._items: OrderedDict[tuple[PolicyKind, str], Policy] = OrderedDict()

    def parse(self, text: str, kind: PolicyKind) -> Policy:
        key = (kind, text)
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
            return hit
        policy = parse_policy(text, kind)
        self._items[key] = policy
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return policy


def compile_identity(
    principal: Principal, found: IdentityPolicies, parser: ParseCache
) -> CompiledIdentity:
    def compiled(texts: Sequence[PolicyText], kind: PolicyKind) -> tuple[Policy, ...]:
        out: list[Policy] = []
        for text in texts:
            try:
                policy = parser.parse(text.document, kind)
            except PolicyError as err:  # stored documents were validated; log and skip
                log.warning("unreadable %s policy %s: %s", kind.value, text.source_id, err)
                continue
            out.append(policy.labeled(text.source_id, text.source_type))
        return tuple(out)

    boundary = compiled([found.boundary], PolicyKind.BOUNDARY) if found.boundary else ()
    return CompiledIdentity(
        info=PrincipalInfo.from_principal(principal),
        identity=compiled(found.identity, PolicyKind.IDENTITY),
        boundary=boundary[0] if boundary else None,
        session=compiled(found.session, PolicyKind.SESSION),
        exists=found.exists,
    )


_IAM_KINDS = frozenset(
    {PrincipalKind.IAM_USER, PrincipalKind.ASSUMED_ROLE, PrincipalKind.FEDERATED_USER}
)


class IdentityCache:
    """Compiled identities per principal (and per session), valid while the source's
    generation stays and for at most ``ttl`` seconds."""

    def __init__(self, source: IdentitySource, ttl: float = 5.0, size: int = 10_000) -> None:
        self._source = source
        self._ttl = ttl
        self._size = size
        self._parser = ParseCache()
        self._generation = source.generation()
        self._items: dict[tuple[str, str | None], tuple[float, CompiledIdentity]] = {}

    @property
    def parser(self) -> ParseCache:
        return self._parser

    async def get(self, principal: Principal) -> CompiledIdentity:
        generation = self._source.generation()
        if generation != self._generation:
            self._items.clear()
            self._generation = generation
        key = (principal.arn, principal.access_key_id if principal.session else None)
        now = time.monotonic()
        hit = self._items.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        if principal.kind in _IAM_KINDS:
            found = await self._source.policies_of(principal)
        else:  # root, anonymous, services: no identity-based policies
            found = IdentityPolicies()
        compiled = compile_identity(principal, found, self._parser)
        if len(self._items) >= self._size:
            self._items.clear()
        self._items[key] = (now, compiled)
        return compiled
