"""What EC2 makes without being asked: each VPC's ``default`` security group, and per
account+region the default VPC (172.31.0.0/16) with one default /20 subnet per zone."""

from __future__ import annotations

import ipaddress
import secrets

from fogbank.services.ec2 import ids, regions
from fogbank.services.ec2.models import (
    DEFAULT_GROUP,
    Rule,
    RuleSpec,
    SecurityGroup,
    Source,
    SourceKind,
    Subnet,
    Vpc,
)
from fogbank.services.ec2.protocols import ALL
from fogbank.services.ec2.store import groups as group_store
from fogbank.services.ec2.store import networks
from fogbank.services.ec2.store import rules as rule_store
from fogbank.storage.db import Conn

DEFAULT_VPC_CIDR = "172.31.0.0/16"
DEFAULT_SUBNET_PREFIX = 20
DEFAULT_GROUP_DESCRIPTION = "default VPC security group"
ANYWHERE_V4 = "0.0.0.0/0"
ANYWHERE_V6 = "::/0"


def amazon_ipv6_block() -> str:
    """A /56 from Amazon's pool, as AmazonProvidedIpv6CidrBlock assigns."""
    n = secrets.randbits(24)
    return str(ipaddress.IPv6Network(f"2600:1f{(n >> 16) & 0xFF:02x}:{n & 0xFFFF:x}:0::/56"))


def new_vpc(
    account_id: str,
    region: str,
    cidr: str,
    now: float,
    *,
    is_default: bool = False,
    tenancy: str = "default",
    ipv6: bool = False,
    dhcp_options_id: str | None = None,
) -> Vpc:
    return Vpc(
        vpc_id=ids.new("vpc"),
        account_id=account_id,
        region=region,
        cidr_block=cidr,
        cidr_assoc_id=ids.new("vpc-cidr-assoc"),
        is_default=is_default,
        dhcp_options_id=dhcp_options_id or ids.new("dopt"),
        instance_tenancy=tenancy,
        created_at=now,
        ipv6_block=amazon_ipv6_block() if ipv6 else None,
        ipv6_assoc_id=ids.new("vpc-cidr-assoc") if ipv6 else None,
    )


def egress_all(vpc: Vpc) -> list[RuleSpec]:
    specs = [RuleSpec(True, ALL, None, None, Source(SourceKind.CIDR4, ANYWHERE_V4))]
    if vpc.ipv6_block:
        specs.append(RuleSpec(True, ALL, None, None, Source(SourceKind.CIDR6, ANYWHERE_V6)))
    return specs


def insert_rules(conn: Conn, group: SecurityGroup, specs: list[RuleSpec]) -> list[Rule]:
    position = rule_store.next_position(conn, group.group_id)
    made = []
    for offset, spec in enumerate(specs):
        rule = Rule(
            ids.new("sgr"), group.group_id, group.account_id, group.region, spec, position + offset
        )
        rule_store.insert(conn, rule)
        made.append(rule)
    return made


def insert_vpc(conn: Conn, vpc: Vpc) -> SecurityGroup:
    """Store a VPC with its default security group: all traffic in from the group's own
    members, all traffic out."""
    networks.insert_vpc(conn, vpc)
    group = SecurityGroup(
        ids.new("sg"),
        vpc.account_id,
        vpc.region,
        vpc.vpc_id,
        DEFAULT_GROUP,
        DEFAULT_GROUP_DESCRIPTION,
        vpc.created_at,
    )
    group_store.insert(conn, group)
    itself = Source(SourceKind.GROUP, group.group_id, vpc.account_id)
    insert_rules(conn, group, [RuleSpec(False, ALL, None, None, itself), *egress_all(vpc)])
    return group


def create_default_network(conn: Conn, account_id: str, region: str, now: float) -> Vpc:
    vpc = new_vpc(account_id, region, DEFAULT_VPC_CIDR, now, is_default=True)
    insert_vpc(conn, vpc)
    blocks = ipaddress.IPv4Network(DEFAULT_VPC_CIDR).subnets(new_prefix=DEFAULT_SUBNET_PREFIX)
    for zone, block in zip(regions.zones(region), blocks, strict=False):
        networks.insert_subnet(
            conn,
            Subnet(
                subnet_id=ids.new("subnet"),
                account_id=account_id,
                region=region,
                vpc_id=vpc.vpc_id,
                cidr_block=str(block),
                zone=zone.name,
                zone_id=zone.zone_id,
                default_for_az=True,
                map_public_ip=True,
                created_at=now,
            ),
        )
    return vpc


def ensure(conn: Conn, account_id: str, region: str, now: float) -> None:
    """Make the default network once per account+region (a no-op ever after)."""
    if networks.mark_ready(conn, account_id, region, now):
        create_default_network(conn, account_id, region, now)
