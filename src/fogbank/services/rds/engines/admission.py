"""Who may connect to an endpoint: the front asks an ``Admitter`` for every connection.

The real security-group logic belongs to EC2 and is injected; ``CidrRules`` is a simple
implementation (inbound CIDR rules per group) for tests and for running without EC2.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class AdmissionRequest:
    instance_id: str
    security_group_ids: tuple[str, ...]
    publicly_accessible: bool
    client_ip: str
    port: int
    account_id: str = ""  # where the instance (and its security groups) live
    region: str = ""


@dataclass(frozen=True)
class Guard:
    """An endpoint as its security groups see it: for admitting whole networks at once."""

    instance_id: str
    security_group_ids: tuple[str, ...]
    publicly_accessible: bool
    port: int
    account_id: str = ""
    region: str = ""


@dataclass(frozen=True)
class Admission:
    ok: bool
    message: str = ""  # why not, naming the group(s) and the missing rule


class Admitter(Protocol):
    async def admit(self, request: AdmissionRequest) -> Admission: ...

    async def admitted_networks(self, guard: Guard) -> tuple[str, ...]:
        """IPv4 networks (CIDR text) whose every client ``admit`` would let in now.

        What a packet filter may let through without asking; never more than ``admit``.
        """
        ...


class AllowAll:
    async def admit(self, request: AdmissionRequest) -> Admission:
        return Admission(True)

    async def admitted_networks(self, guard: Guard) -> tuple[str, ...]:
        return ("0.0.0.0/0",)


@dataclass(frozen=True)
class Rule:
    """An inbound rule: protocol tcp (or -1 for all), a port range, a source CIDR."""

    cidr: str
    from_port: int = 0
    to_port: int = 65535
    protocol: str = "tcp"

    def matches(self, client_ip: str, port: int) -> bool:
        if self.protocol not in ("tcp", "-1", "all"):
            return False
        if self.protocol == "tcp" and not self.from_port <= port <= self.to_port:
            return False
        try:
            return ipaddress.ip_address(client_ip) in ipaddress.ip_network(self.cidr, False)
        except ValueError:
            return False


def refusal_message(client_ip: str, groups: Sequence[str], port: int) -> str:
    if not groups:
        return (
            f"fogbank: connection from {client_ip} refused: the DB instance has no VPC"
            " security group"
        )
    names = ", ".join(groups)
    noun = "security group" if len(groups) == 1 else "security groups"
    return (
        f"fogbank: connection from {client_ip} refused by {noun} {names}"
        f" (no inbound rule for tcp/{port} from {client_ip}/32)"
    )


class CidrRules:
    """Inbound rules per security group id, held in memory (``set_rules`` replaces)."""

    def __init__(self, rules: Mapping[str, Sequence[Rule]] | None = None) -> None:
        self._rules: dict[str, tuple[Rule, ...]] = {k: tuple(v) for k, v in (rules or {}).items()}

    def set_rules(self, group_id: str, rules: Sequence[Rule]) -> None:
        self._rules[group_id] = tuple(rules)

    def authorize(self, group_id: str, rule: Rule) -> None:
        self._rules[group_id] = (*self._rules.get(group_id, ()), rule)

    async def admitted_networks(self, guard: Guard) -> tuple[str, ...]:
        found = [
            ipaddress.ip_network(rule.cidr, False)
            for group in guard.security_group_ids
            for rule in self._rules.get(group, ())
            if rule.protocol in ("-1", "all")
            or (rule.protocol == "tcp" and rule.from_port <= guard.port <= rule.to_port)
        ]
        v4 = [n for n in found if isinstance(n, ipaddress.IPv4Network)]
        return tuple(str(n) for n in ipaddress.collapse_addresses(v4))

    async def admit(self, request: AdmissionRequest) -> Admission:
        for group in request.security_group_ids:
            for rule in self._rules.get(group, ()):
                if rule.matches(request.client_ip, request.port):
                    return Admission(True)
        return Admission(
            False, refusal_message(request.client_ip, request.security_group_ids, request.port)
        )
