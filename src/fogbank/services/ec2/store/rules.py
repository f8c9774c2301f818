"""Security group rules, one row per (direction, protocol, ports, source)."""

from __future__ import annotations

from collections.abc import Sequence

from fogbank.services.ec2.models import Rule, RuleSpec, Source, SourceKind
from fogbank.services.ec2.store.rows import flag, integer, opt_int, opt_str, placeholders, text
from fogbank.storage.db import Conn, Row

_COLUMNS = (
    "SELECT rule_id, group_id, account_id, region, is_egress, protocol, from_port, to_port,"
    " source_kind, source_value, source_user, description, position, rule_key FROM ec2_sg_rules"
)
_INSERT = (
    "INSERT INTO ec2_sg_rules (rule_id, group_id, account_id, region, is_egress, protocol,"
    " from_port, to_port, source_kind, source_value, source_user, description, position,"
    " rule_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_DELETE = "DELETE FROM ec2_sg_rules"
_ORDER = " ORDER BY group_id, position"


def _rule(row: Row) -> Rule:
    spec = RuleSpec(
        egress=flag(row, "is_egress"),
        protocol=text(row, "protocol"),
        from_port=opt_int(row, "from_port"),
        to_port=opt_int(row, "to_port"),
        source=Source(
            SourceKind(text(row, "source_kind")),
            text(row, "source_value"),
            opt_str(row, "source_user"),
        ),
        description=opt_str(row, "description"),
    )
    return Rule(
        rule_id=text(row, "rule_id"),
        group_id=text(row, "group_id"),
        account_id=text(row, "account_id"),
        region=text(row, "region"),
        spec=spec,
        position=integer(row, "position"),
    )


def _values(r: Rule) -> tuple[object, ...]:
    s = r.spec
    return (
        r.rule_id,
        r.group_id,
        r.account_id,
        r.region,
        s.egress,
        s.protocol,
        s.from_port,
        s.to_port,
        s.source.kind.value,
        s.source.value,
        s.source.user_id,
        s.description,
        r.position,
        s.key(),
    )


def insert(conn: Conn, rule: Rule) -> None:
    conn.execute(_INSERT, _values(rule))


def replace(conn: Conn, rule: Rule) -> None:
    """Rewrite a rule's content in place (same id and position)."""
    s = rule.spec
    conn.execute(
        "UPDATE ec2_sg_rules SET protocol = ?, from_port = ?, to_port = ?, source_kind = ?,"
        " source_value = ?, source_user = ?, description = ?, rule_key = ? WHERE rule_id = ?",
        (
            s.protocol,
            s.from_port,
            s.to_port,
            s.source.kind.value,
            s.source.value,
            s.source.user_id,
            s.description,
            s.key(),
            rule.rule_id,
        ),
    )


def next_position(conn: Conn, group_id: str) -> int:
    value = conn.scalar(
        "SELECT COALESCE(MAX(position), 0) AS p FROM ec2_sg_rules WHERE group_id = ?",
        (group_id,),
    )
    assert isinstance(value, int)
    return value + 1


def of_groups(conn: Conn, group_ids: Sequence[str]) -> list[Rule]:
    if not group_ids:
        return []
    rows = conn.all(
        f"{_COLUMNS} WHERE group_id IN ({placeholders(len(group_ids))})" + _ORDER,
        tuple(group_ids),
    )
    return [_rule(r) for r in rows]


def in_region(conn: Conn, account_id: str, region: str) -> list[Rule]:
    rows = conn.all(
        f"{_COLUMNS} WHERE account_id = ? AND region = ?" + _ORDER,
        (account_id, region),
    )
    return [_rule(r) for r in rows]


def by_ids(conn: Conn, rule_ids: Sequence[str]) -> list[Rule]:
    if not rule_ids:
        return []
    rows = conn.all(
        f"{_COLUMNS} WHERE rule_id IN ({placeholders(len(rule_ids))})" + _ORDER,
        tuple(rule_ids),
    )
    return [_rule(r) for r in rows]


def referencing(conn: Conn, group_id: str) -> list[str]:
    """Ids of the other groups that have a rule naming ``group_id`` as source/destination."""
    rows = conn.all(
        "SELECT DISTINCT group_id FROM ec2_sg_rules"
        " WHERE source_kind = ? AND source_value = ? AND group_id <> ?",
        (SourceKind.GROUP.value, group_id, group_id),
    )
    return [text(r, "group_id") for r in rows]


def delete(conn: Conn, rule_ids: Sequence[str]) -> None:
    if rule_ids:
        conn.execute(
            f"{_DELETE} WHERE rule_id IN ({placeholders(len(rule_ids))})",
            tuple(rule_ids),
        )


def delete_group(conn: Conn, group_id: str) -> list[str]:
    """Remove every rule of a group; returns their ids (their tags go too)."""
    ids = [
        text(r, "rule_id")
        for r in conn.all("SELECT rule_id FROM ec2_sg_rules WHERE group_id = ?", (group_id,))
    ]
    conn.execute("DELETE FROM ec2_sg_rules WHERE group_id = ?", (group_id,))
    return ids
