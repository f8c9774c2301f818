"""Security groups."""

from __future__ import annotations

from collections.abc import Sequence

from fogbank.services.ec2.models import SecurityGroup
from fogbank.services.ec2.store.rows import placeholders, real, text
from fogbank.storage.db import Conn, Row

_COLUMNS = (
    "SELECT group_id, account_id, region, vpc_id, group_name, description, created_at"
    " FROM ec2_security_groups"
)
_INSERT = (
    "INSERT INTO ec2_security_groups (group_id, account_id, region, vpc_id, group_name,"
    " description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def _group(row: Row) -> SecurityGroup:
    return SecurityGroup(
        group_id=text(row, "group_id"),
        account_id=text(row, "account_id"),
        region=text(row, "region"),
        vpc_id=text(row, "vpc_id"),
        name=text(row, "group_name"),
        description=text(row, "description"),
        created_at=real(row, "created_at"),
    )


def insert(conn: Conn, g: SecurityGroup) -> None:
    conn.execute(
        _INSERT,
        (g.group_id, g.account_id, g.region, g.vpc_id, g.name, g.description, g.created_at),
    )


def in_region(conn: Conn, account_id: str, region: str) -> list[SecurityGroup]:
    rows = conn.all(
        f"{_COLUMNS} WHERE account_id = ? AND region = ? ORDER BY group_id",
        (account_id, region),
    )
    return [_group(r) for r in rows]


def in_vpc(conn: Conn, vpc_id: str) -> list[SecurityGroup]:
    rows = conn.all(
        f"{_COLUMNS} WHERE vpc_id = ? ORDER BY group_id",
        (vpc_id,),
    )
    return [_group(r) for r in rows]


def get(conn: Conn, group_id: str) -> SecurityGroup | None:
    row = conn.one(f"{_COLUMNS} WHERE group_id = ?", (group_id,))
    return None if row is None else _group(row)


def by_ids(conn: Conn, group_ids: Sequence[str]) -> list[SecurityGroup]:
    if not group_ids:
        return []
    rows = conn.all(
        f"{_COLUMNS} WHERE group_id IN ({placeholders(len(group_ids))})",
        tuple(group_ids),
    )
    return [_group(r) for r in rows]


def by_name(conn: Conn, vpc_id: str, name: str) -> SecurityGroup | None:
    row = conn.one(
        f"{_COLUMNS} WHERE vpc_id = ? AND group_name = ?",
        (vpc_id, name),
    )
    return None if row is None else _group(row)


def delete(conn: Conn, group_id: str) -> None:
    conn.execute("DELETE FROM ec2_security_groups WHERE group_id = ?", (group_id,))
