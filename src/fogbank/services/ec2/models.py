"""EC2's domain objects (frozen): VPCs, subnets, security groups, rules, attachments."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Vpc:
    vpc_id: str
    account_id: str
    region: str
    cidr_block: str
    cidr_assoc_id: str
    is_default: bool
    dhcp_options_id: str
    instance_tenancy: str
    created_at: float
    ipv6_block: str | None = None
    ipv6_assoc_id: str | None = None
    state: str = "available"


@dataclass(frozen=True)
class Subnet:
    subnet_id: str
    account_id: str
    region: str
    vpc_id: str
    cidr_block: str
    zone: str  # us-east-1a
    zone_id: str  # use1-az1
    default_for_az: bool
    map_public_ip: bool
    created_at: float
    state: str = "available"


DEFAULT_GROUP = "default"


@dataclass(frozen=True)
class SecurityGroup:
    group_id: str
    account_id: str
    region: str
    vpc_id: str
    name: str
    description: str
    created_at: float

    @property
    def is_default(self) -> bool:
        return self.name == DEFAULT_GROUP


class SourceKind(StrEnum):
    CIDR4 = "cidr4"
    CIDR6 = "cidr6"
    PREFIX_LIST = "prefix-list"
    GROUP = "group"


@dataclass(frozen=True)
class Source:
    """Where an inbound rule admits traffic from (or an outbound rule sends it to)."""

    kind: SourceKind
    value: str  # CIDR, prefix list id or security group id
    user_id: str | None = None  # the referenced group's owner (GROUP only)

    @property
    def peer(self) -> str:
        return self.value


@dataclass(frozen=True)
class RuleSpec:
    """A rule's content. ``from_port``/``to_port`` are the port range (tcp, udp), the ICMP
    type and code (icmp, icmpv6), or None for protocols without ports (``-1``, numbers)."""

    egress: bool
    protocol: str  # "tcp" | "udp" | "icmp" | "icmpv6" | "-1" | "0".."255"
    from_port: int | None
    to_port: int | None
    source: Source
    description: str | None = None

    def key(self) -> str:
        """What makes two rules the same rule (the description does not)."""
        return "|".join(
            (
                self.protocol,
                "" if self.from_port is None else str(self.from_port),
                "" if self.to_port is None else str(self.to_port),
                self.source.kind.value,
                self.source.value,
            )
        )


@dataclass(frozen=True)
class Rule:
    rule_id: str
    group_id: str
    account_id: str
    region: str
    spec: RuleSpec
    position: int

    @property
    def egress(self) -> bool:
        return self.spec.egress


@dataclass(frozen=True)
class Attachment:
    """A resource using a security group (an RDS instance, an EFS mount target ...).

    With an ``address`` the resource is a member of the group: rules that name the group
    as their source admit connections from that address.
    """

    group_id: str
    kind: str
    resource_id: str
    address: str | None = None
    subnet_id: str | None = None
