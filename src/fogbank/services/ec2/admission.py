"""Admission for data-plane fronts (RDS endpoints, EFS mount targets): may this client
address open this connection, by the current inbound rules of the resource's groups?

Compiled rules are cached per (account, region, groups). A rule, group or membership
change made in this process clears the cache at once; one made in another gateway
process is seen on the next connection (``ChangeSignal``'s stamp is ``stat``-ed each
time), and an entry is never older than ``max_age`` seconds (gateways on other machines
sharing a PostgreSQL store).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fogbank.services.ec2.changes import ChangeSignal
from fogbank.services.ec2.evaluate import (
    Admission,
    CompiledGroup,
    admitted_networks,
    compile_group,
    evaluate,
)
from fogbank.services.ec2.models import SourceKind
from fogbank.services.ec2.store import attachments
from fogbank.services.ec2.store import groups as group_store
from fogbank.services.ec2.store import rules as rule_store
from fogbank.storage.db import Conn, Database

__all__ = ["Admission", "Admitter"]

_Key = tuple[str, str, tuple[str, ...]]


_MAX_DECISIONS = 256  # per entry: (client, protocol, port) answers kept


@dataclass(frozen=True)
class _Entry:
    groups: tuple[CompiledGroup, ...]
    version: tuple[int, int]
    loaded_at: float
    decisions: dict[tuple[str, str, int], Admission] = field(default_factory=dict)
    networks: dict[tuple[str, int], tuple[str, ...]] = field(default_factory=dict)


def load(
    conn: Conn, account_id: str, region: str, group_ids: Sequence[str]
) -> tuple[CompiledGroup, ...]:
    """The groups' inbound rules, with the member addresses of the groups they name."""
    found = {
        g.group_id: g
        for g in group_store.by_ids(conn, group_ids)
        if g.account_id == account_id and g.region == region
    }
    ingress = [r for r in rule_store.of_groups(conn, list(found)) if not r.egress]
    referenced = sorted(
        {r.spec.source.value for r in ingress if r.spec.source.kind is SourceKind.GROUP}
    )
    members: dict[str, set[str]] = {}
    for a in attachments.of_groups(conn, referenced):
        if a.address:
            members.setdefault(a.group_id, set()).add(a.address)
    frozen = {k: frozenset(v) for k, v in members.items()}
    return tuple(
        compile_group(
            gid,
            found[gid].name if gid in found else None,
            [r.spec for r in ingress if r.group_id == gid],
            frozen,
        )
        for gid in dict.fromkeys(group_ids)
    )


class Admitter:
    def __init__(
        self,
        db: Database,
        changes: ChangeSignal,
        *,
        max_age: float = 1.0,
        max_entries: int = 4096,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.changes = changes
        self.max_age = max_age
        self.max_entries = max_entries
        self._monotonic = monotonic
        self._cache: dict[_Key, _Entry] = {}

    async def _entry(self, account_id: str, region: str, group_ids: Sequence[str]) -> _Entry:
        key = (account_id, region, tuple(group_ids))
        version = self.changes.version()
        now = self._monotonic()
        entry = self._cache.get(key)
        if entry is not None and entry.version == version and now - entry.loaded_at < self.max_age:
            return entry
        loaded = await self.db.read(lambda conn: load(conn, account_id, region, group_ids))
        if len(self._cache) >= self.max_entries:
            self._cache.clear()
        entry = self._cache[key] = _Entry(loaded, version, now)
        return entry

    async def groups(
        self, account_id: str, region: str, group_ids: Sequence[str]
    ) -> tuple[CompiledGroup, ...]:
        """The groups' compiled inbound rules, as admission sees them now."""
        return (await self._entry(account_id, region, group_ids)).groups

    async def admitted_networks(
        self, account_id: str, region: str, group_ids: Sequence[str], protocol: str, port: int
    ) -> tuple[str, ...]:
        """The IPv4 networks ``admit`` allows to (protocol, port) as the rules are now."""
        entry = await self._entry(account_id, region, group_ids)
        key = (protocol.lower(), port)
        networks = entry.networks.get(key)
        if networks is None:
            networks = tuple(str(n) for n in admitted_networks(entry.groups, *key))
            entry.networks[key] = networks
        return networks

    async def admit(
        self,
        account_id: str,
        region: str,
        group_ids: Sequence[str],
        client_ip: str,
        protocol: str,
        port: int,
    ) -> Admission:
        entry = await self._entry(account_id, region, group_ids)
        asked = (client_ip, protocol.lower(), port)
        decision = entry.decisions.get(asked)
        if decision is None:
            decision = evaluate(entry.groups, *asked)
            if len(entry.decisions) >= _MAX_DECISIONS:
                entry.decisions.clear()
            entry.decisions[asked] = decision
        return decision
