"""Who uses a security group, and at which address (members of the group)."""

from __future__ import annotations

from collections.abc import Sequence

from fogbank.services.ec2.models import Attachment
from fogbank.services.ec2.store.rows import opt_str, placeholders, text
from fogbank.storage.db import Conn, Row

_COLUMNS = "SELECT group_id, kind, resource_id, address, subnet_id FROM ec2_sg_attachments"
_INSERT = (
    "INSERT INTO ec2_sg_attachments (group_id, kind, resource_id, address, subnet_id,"
    " account_id, region, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _attachment(row: Row) -> Attachment:
    return Attachment(
        group_id=text(row, "group_id"),
        kind=text(row, "kind"),
        resource_id=text(row, "resource_id"),
        address=opt_str(row, "address"),
        subnet_id=opt_str(row, "subnet_id"),
    )


def put(conn: Conn, a: Attachment, account_id: str, region: str, now: float) -> None:
    conn.execute(
        "DELETE FROM ec2_sg_attachments WHERE group_id = ? AND kind = ? AND resource_id = ?",
        (a.group_id, a.kind, a.resource_id),
    )
    conn.execute(
        _INSERT,
        (a.group_id, a.kind, a.resource_id, a.address, a.subnet_id, account_id, region, now),
    )


def remove(conn: Conn, group_id: str, kind: str, resource_id: str) -> bool:
    cur = conn.execute(
        "DELETE FROM ec2_sg_attachments WHERE group_id = ? AND kind = ? AND resource_id = ?",
        (group_id, kind, resource_id),
    )
    return cur.rowcount > 0


def of_resource(conn: Conn, kind: str, resource_id: str) -> list[Attachment]:
    rows = conn.all(
        f"{_COLUMNS} WHERE kind = ? AND resource_id = ? ORDER BY group_id",
        (kind, resource_id),
    )
    return [_attachment(r) for r in rows]


def remove_resource(conn: Conn, kind: str, resource_id: str) -> None:
    conn.execute(
        "DELETE FROM ec2_sg_attachments WHERE kind = ? AND resource_id = ?", (kind, resource_id)
    )


def of_groups(conn: Conn, group_ids: Sequence[str]) -> list[Attachment]:
    if not group_ids:
        return []
    rows = conn.all(
        f"{_COLUMNS}"
        f" WHERE group_id IN ({placeholders(len(group_ids))}) ORDER BY group_id, kind, resource_id",
        tuple(group_ids),
    )
    return [_attachment(r) for r in rows]


def in_subnet(conn: Conn, subnet_id: str) -> bool:
    row = conn.one(
        "SELECT 1 AS x FROM ec2_sg_attachments WHERE subnet_id = ? LIMIT 1", (subnet_id,)
    )
    return row is not None
