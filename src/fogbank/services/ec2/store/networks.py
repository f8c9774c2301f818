"""VPCs and subnets."""

from __future__ import annotations

from collections.abc import Sequence

from fogbank.services.ec2.models import Subnet, Vpc
from fogbank.services.ec2.store.rows import flag, opt_str, placeholders, real, text
from fogbank.storage.db import Conn, Row

_VPC = (
    "SELECT vpc_id, account_id, region, cidr_block, cidr_assoc_id, ipv6_block, ipv6_assoc_id,"
    " is_default, dhcp_options_id, instance_tenancy, state, created_at FROM ec2_vpcs"
)
_INSERT_VPC = (
    "INSERT INTO ec2_vpcs (vpc_id, account_id, region, cidr_block, cidr_assoc_id, ipv6_block,"
    " ipv6_assoc_id, is_default, dhcp_options_id, instance_tenancy, state, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_LOCK = "SELECT account_id FROM ec2_regions_ready WHERE account_id = ? AND region = ?"
_SUBNET = (
    "SELECT subnet_id, account_id, region, vpc_id, cidr_block, zone, zone_id, default_for_az,"
    " map_public_ip, state, created_at FROM ec2_subnets"
)
_INSERT_SUBNET = (
    "INSERT INTO ec2_subnets (subnet_id, account_id, region, vpc_id, cidr_block, zone, zone_id,"
    " default_for_az, map_public_ip, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _vpc(row: Row) -> Vpc:
    return Vpc(
        vpc_id=text(row, "vpc_id"),
        account_id=text(row, "account_id"),
        region=text(row, "region"),
        cidr_block=text(row, "cidr_block"),
        cidr_assoc_id=text(row, "cidr_assoc_id"),
        ipv6_block=opt_str(row, "ipv6_block"),
        ipv6_assoc_id=opt_str(row, "ipv6_assoc_id"),
        is_default=flag(row, "is_default"),
        dhcp_options_id=text(row, "dhcp_options_id"),
        instance_tenancy=text(row, "instance_tenancy"),
        state=text(row, "state"),
        created_at=real(row, "created_at"),
    )


def _subnet(row: Row) -> Subnet:
    return Subnet(
        subnet_id=text(row, "subnet_id"),
        account_id=text(row, "account_id"),
        region=text(row, "region"),
        vpc_id=text(row, "vpc_id"),
        cidr_block=text(row, "cidr_block"),
        zone=text(row, "zone"),
        zone_id=text(row, "zone_id"),
        default_for_az=flag(row, "default_for_az"),
        map_public_ip=flag(row, "map_public_ip"),
        state=text(row, "state"),
        created_at=real(row, "created_at"),
    )


# -- VPCs ------------------------------------------------------------------------------


def insert_vpc(conn: Conn, v: Vpc) -> None:
    conn.execute(
        _INSERT_VPC,
        (
            v.vpc_id,
            v.account_id,
            v.region,
            v.cidr_block,
            v.cidr_assoc_id,
            v.ipv6_block,
            v.ipv6_assoc_id,
            v.is_default,
            v.dhcp_options_id,
            v.instance_tenancy,
            v.state,
            v.created_at,
        ),
    )


def vpcs(conn: Conn, account_id: str, region: str) -> list[Vpc]:
    rows = conn.all(
        f"{_VPC} WHERE account_id = ? AND region = ? ORDER BY vpc_id",
        (account_id, region),
    )
    return [_vpc(r) for r in rows]


def vpc(conn: Conn, account_id: str, region: str, vpc_id: str) -> Vpc | None:
    row = conn.one(
        f"{_VPC} WHERE vpc_id = ? AND account_id = ? AND region = ?",
        (vpc_id, account_id, region),
    )
    return None if row is None else _vpc(row)


def default_vpc(conn: Conn, account_id: str, region: str) -> Vpc | None:
    row = conn.one(
        f"{_VPC} WHERE account_id = ? AND region = ? AND is_default = ?",
        (account_id, region, True),
    )
    return None if row is None else _vpc(row)


def count_vpcs(conn: Conn, account_id: str, region: str) -> int:
    value = conn.scalar(
        "SELECT COUNT(*) AS n FROM ec2_vpcs WHERE account_id = ? AND region = ?",
        (account_id, region),
    )
    assert isinstance(value, int)
    return value


def delete_vpc(conn: Conn, vpc_id: str) -> None:
    conn.execute("DELETE FROM ec2_vpcs WHERE vpc_id = ?", (vpc_id,))


def lock_region(conn: Conn, account_id: str, region: str) -> None:
    """Serialise EC2's writes in one account+region (PostgreSQL; SQLite writers already
    take turns): checks such as name uniqueness, quotas and "is it still in use" then
    hold until the transaction ends."""
    conn.execute(f"{_LOCK}{conn.dialect.for_update}", (account_id, region))


def mark_ready(conn: Conn, account_id: str, region: str, now: float) -> bool:
    """Record that the account+region has had its defaults made; False if it already had."""
    cur = conn.execute(
        "INSERT INTO ec2_regions_ready (account_id, region, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (account_id, region, now),
    )
    return cur.rowcount == 1


# -- subnets ---------------------------------------------------------------------------


def insert_subnet(conn: Conn, s: Subnet) -> None:
    conn.execute(
        _INSERT_SUBNET,
        (
            s.subnet_id,
            s.account_id,
            s.region,
            s.vpc_id,
            s.cidr_block,
            s.zone,
            s.zone_id,
            s.default_for_az,
            s.map_public_ip,
            s.state,
            s.created_at,
        ),
    )


def subnets(conn: Conn, account_id: str, region: str) -> list[Subnet]:
    rows = conn.all(
        f"{_SUBNET} WHERE account_id = ? AND region = ? ORDER BY subnet_id",
        (account_id, region),
    )
    return [_subnet(r) for r in rows]


def subnets_in(conn: Conn, vpc_id: str) -> list[Subnet]:
    rows = conn.all(f"{_SUBNET} WHERE vpc_id = ? ORDER BY subnet_id", (vpc_id,))
    return [_subnet(r) for r in rows]


def subnet(conn: Conn, account_id: str, region: str, subnet_id: str) -> Subnet | None:
    row = conn.one(
        f"{_SUBNET} WHERE subnet_id = ? AND account_id = ? AND region = ?",
        (subnet_id, account_id, region),
    )
    return None if row is None else _subnet(row)


def subnets_by_id(conn: Conn, subnet_ids: Sequence[str]) -> list[Subnet]:
    if not subnet_ids:
        return []
    rows = conn.all(
        f"{_SUBNET} WHERE subnet_id IN ({placeholders(len(subnet_ids))})",
        tuple(subnet_ids),
    )
    return [_subnet(r) for r in rows]


def delete_subnet(conn: Conn, subnet_id: str) -> None:
    conn.execute("DELETE FROM ec2_subnets WHERE subnet_id = ?", (subnet_id,))
