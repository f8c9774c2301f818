"""Does a security group admit a connection? Pure code: compiled inbound rules in, an
``Admission`` (allowed, and a message that names the groups and the missing rule) out."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fogbank.services.ec2.models import RuleSpec, SourceKind
from fogbank.services.ec2.protocols import admits, label

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Admission:
    allowed: bool
    message: str  # why: the rule that admitted, or the groups and the missing rule


@dataclass(frozen=True)
class CompiledRule:
    spec: RuleSpec
    network: Network | None  # for CIDR sources
    members: frozenset[str]  # for group sources: the member addresses of that group


@dataclass(frozen=True)
class CompiledGroup:
    group_id: str
    name: str | None  # None: no such group (in this account and region)
    rules: tuple[CompiledRule, ...]


def compile_group(
    group_id: str,
    name: str | None,
    ingress: Sequence[RuleSpec],
    members: Mapping[str, frozenset[str]],
) -> CompiledGroup:
    """``members``: member addresses per group id, for the rules whose source is a group."""
    compiled = []
    for spec in ingress:
        network: Network | None = None
        if spec.source.kind in (SourceKind.CIDR4, SourceKind.CIDR6):
            network = ipaddress.ip_network(spec.source.value, strict=False)
        compiled.append(CompiledRule(spec, network, members.get(spec.source.value, frozenset())))
    return CompiledGroup(group_id, name, tuple(compiled))


def _address(text: str) -> Address | None:
    try:
        addr = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def _source_matches(rule: CompiledRule, addr: Address) -> bool:
    kind = rule.spec.source.kind
    if kind is SourceKind.GROUP:
        return str(addr) in rule.members
    if rule.network is None:  # prefix lists: their entries are not modelled
        return False
    return addr.version == rule.network.version and addr in rule.network


def admitted_networks(
    groups: Sequence[CompiledGroup], protocol: str, port: int
) -> tuple[ipaddress.IPv4Network, ...]:
    """Every IPv4 source ``evaluate`` admits to (protocol, port), as few networks as cover it.

    For a packet filter that lets these connections through without asking (RDS kernel
    routes): it never admits more than ``evaluate`` would. IPv6 rules and prefix lists
    are left out; their connections are still decided by ``evaluate``.
    """
    found: list[ipaddress.IPv4Network] = []
    for group in groups:
        if group.name is None:
            continue
        for rule in group.rules:
            if not admits(rule.spec, protocol, port):
                continue
            if rule.spec.source.kind is SourceKind.GROUP:
                for member in rule.members:
                    addr = _address(member)
                    if isinstance(addr, ipaddress.IPv4Address):
                        found.append(ipaddress.IPv4Network(addr))
            elif isinstance(rule.network, ipaddress.IPv4Network):
                found.append(rule.network)
    return tuple(ipaddress.collapse_addresses(found))


def _groups_text(groups: Sequence[CompiledGroup]) -> str:
    parts = [
        f"{g.group_id} ({g.name})" if g.name is not None else f"{g.group_id} (does not exist)"
        for g in groups
    ]
    noun = "security group" if len(parts) == 1 else "security groups"
    return f"{noun} {', '.join(parts)}"


def _hint(group_id: str, addr: Address, protocol: str, port: int) -> str:
    if isinstance(addr, ipaddress.IPv4Address):
        return (
            f"aws ec2 authorize-security-group-ingress --group-id {group_id}"
            f" --protocol {protocol} --port {port} --cidr {addr}/32"
        )
    return (
        f"aws ec2 authorize-security-group-ingress --group-id {group_id} --ip-permissions"
        f" 'IpProtocol={protocol},FromPort={port},ToPort={port},"
        f"Ipv6Ranges=[{{CidrIpv6={addr}/128}}]'"
    )


def evaluate(
    groups: Sequence[CompiledGroup], client_ip: str, protocol: str, port: int
) -> Admission:
    """Allowed when any inbound rule of any of the groups covers (client, protocol, port)."""
    target = f"{protocol}/{port}"
    addr = _address(client_ip)
    if addr is None:
        return Admission(False, f"fogbank: connection refused: {client_ip!r} is not an address")
    for group in groups:
        if group.name is None:
            continue
        for rule in group.rules:
            if admits(rule.spec, protocol, port) and _source_matches(rule, addr):
                return Admission(
                    True,
                    f"connection from {addr} to {target} allowed by security group"
                    f" {group.group_id} ({group.name}): {label(rule.spec)}",
                )
    if not groups:
        return Admission(
            False,
            f"fogbank: connection from {addr} to {target} refused: the resource is in no"
            " security group",
        )
    existing = [g for g in groups if g.name is not None]
    fix = (
        f" (add one with: {_hint(existing[0].group_id, addr, protocol, port)})" if existing else ""
    )
    return Admission(
        False,
        f"fogbank: connection from {addr} to {target} refused by {_groups_text(groups)}:"
        f" no inbound rule allows {target} from {addr}{fix}",
    )
