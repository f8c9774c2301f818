"""Tags of EC2 resources (vpc, subnet, security-group, security-group-rule)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fogbank.services.ec2.store.rows import placeholders, text
from fogbank.storage.db import Conn

_SELECT = "SELECT resource_id, tag_key, tag_value FROM ec2_tags"
_DELETE = "DELETE FROM ec2_tags"


@dataclass(frozen=True)
class TagRow:
    resource_id: str
    resource_type: str
    key: str
    value: str


def of(conn: Conn, resource_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """Tags per resource id (resources without tags are absent)."""
    out: dict[str, dict[str, str]] = {}
    ids = list(dict.fromkeys(resource_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.all(
            f"{_SELECT} WHERE resource_id IN ({placeholders(len(chunk))})"
            " ORDER BY resource_id, tag_key",
            tuple(chunk),
        )
        for r in rows:
            out.setdefault(text(r, "resource_id"), {})[text(r, "tag_key")] = text(r, "tag_value")
    return out


def in_region(conn: Conn, account_id: str, region: str) -> list[TagRow]:
    rows = conn.all(
        "SELECT resource_id, resource_type, tag_key, tag_value FROM ec2_tags"
        " WHERE account_id = ? AND region = ? ORDER BY resource_id, tag_key",
        (account_id, region),
    )
    return [
        TagRow(
            text(r, "resource_id"),
            text(r, "resource_type"),
            text(r, "tag_key"),
            text(r, "tag_value"),
        )
        for r in rows
    ]


def put(
    conn: Conn,
    account_id: str,
    region: str,
    resource_id: str,
    resource_type: str,
    tags: Mapping[str, str],
) -> None:
    for key, value in tags.items():
        conn.execute(
            "DELETE FROM ec2_tags WHERE resource_id = ? AND tag_key = ?", (resource_id, key)
        )
        conn.execute(
            "INSERT INTO ec2_tags (resource_id, tag_key, tag_value, resource_type, account_id,"
            " region) VALUES (?, ?, ?, ?, ?, ?)",
            (resource_id, key, value, resource_type, account_id, region),
        )


def remove(conn: Conn, resource_id: str, key: str, value: str | None) -> None:
    """Delete a tag; with ``value``, only if the tag has that value."""
    if value is None:
        conn.execute(
            "DELETE FROM ec2_tags WHERE resource_id = ? AND tag_key = ?", (resource_id, key)
        )
    else:
        conn.execute(
            "DELETE FROM ec2_tags WHERE resource_id = ? AND tag_key = ? AND tag_value = ?",
            (resource_id, key, value),
        )


def remove_all(conn: Conn, resource_ids: Sequence[str]) -> None:
    for start in range(0, len(resource_ids), 500):
        chunk = list(resource_ids[start : start + 500])
        conn.execute(
            f"{_DELETE} WHERE resource_id IN ({placeholders(len(chunk))})",
            tuple(chunk),
        )
