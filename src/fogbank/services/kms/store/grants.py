"""Grants on keys."""

from __future__ import annotations

import json
from collections.abc import Sequence

from fogbank.services.kms.models import Grant, GrantConstraints, GrantOperation, key_arn
from fogbank.services.kms.store.rows import opt_str, real, text
from fogbank.storage.db import Conn, Row

_SELECT = (
    "SELECT g.grant_id, g.key_id, g.name, g.grantee_principal, g.retiring_principal,"
    " g.issuing_account, g.operations, g.constraint_kind, g.constraint_context, g.created_at,"
    " k.region, k.account_id FROM kms_grants g JOIN kms_keys k ON k.key_id = g.key_id"
)


def _pairs(doc: str | None) -> tuple[tuple[str, str], ...] | None:
    if doc is None:
        return None
    return tuple((str(k), str(v)) for k, v in json.loads(doc))


def _grant(row: Row, partition: str) -> Grant:
    kind = opt_str(row, "constraint_kind")
    pairs = _pairs(opt_str(row, "constraint_context"))
    key_id = text(row, "key_id")
    return Grant(
        grant_id=text(row, "grant_id"),
        key_id=key_id,
        key_arn=key_arn(partition, text(row, "region"), text(row, "account_id"), key_id),
        name=opt_str(row, "name"),
        grantee_principal=text(row, "grantee_principal"),
        retiring_principal=opt_str(row, "retiring_principal"),
        issuing_account=text(row, "issuing_account"),
        operations=tuple(GrantOperation(op) for op in text(row, "operations").split(",")),
        constraints=GrantConstraints(
            encryption_context_equals=pairs if kind == "Equals" else None,
            encryption_context_subset=pairs if kind == "Subset" else None,
        ),
        created_at=real(row, "created_at"),
    )


def insert(conn: Conn, grant: Grant) -> None:
    c = grant.constraints
    kind: str | None = None
    pairs = None
    if c.encryption_context_equals is not None:
        kind, pairs = "Equals", c.encryption_context_equals
    elif c.encryption_context_subset is not None:
        kind, pairs = "Subset", c.encryption_context_subset
    conn.execute(
        "INSERT INTO kms_grants (grant_id, key_id, name, grantee_principal, retiring_principal,"
        " issuing_account, operations, constraint_kind, constraint_context, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            grant.grant_id,
            grant.key_id,
            grant.name,
            grant.grantee_principal,
            grant.retiring_principal,
            grant.issuing_account,
            ",".join(op.value for op in grant.operations),
            kind,
            None if pairs is None else json.dumps([list(p) for p in pairs]),
            grant.created_at,
        ),
    )


def get(conn: Conn, grant_id: str, partition: str = "aws") -> Grant | None:
    row = conn.one(f"{_SELECT} WHERE g.grant_id = ?", (grant_id,))
    return None if row is None else _grant(row, partition)


def by_name(conn: Conn, key_id: str, name: str, partition: str = "aws") -> list[Grant]:
    rows = conn.all(f"{_SELECT} WHERE g.key_id = ? AND g.name = ?", (key_id, name))
    return [_grant(r, partition) for r in rows]


def for_key(
    conn: Conn,
    key_id: str,
    after: str,
    limit: int,
    grant_id: str | None = None,
    grantee: str | None = None,
    partition: str = "aws",
) -> list[Grant]:
    sql = f"{_SELECT} WHERE g.key_id = ? AND g.grant_id > ?"
    params: list[object] = [key_id, after]
    if grant_id is not None:
        sql += " AND g.grant_id = ?"
        params.append(grant_id)
    if grantee is not None:
        sql += " AND g.grantee_principal = ?"
        params.append(grantee)
    sql += " ORDER BY g.grant_id LIMIT ?"
    params.append(limit)
    return [_grant(r, partition) for r in conn.all(sql, params)]


def for_grantees(
    conn: Conn, key_id: str, grantees: Sequence[str], partition: str = "aws"
) -> list[Grant]:
    if not grantees:
        return []
    marks = ", ".join("?" for _ in grantees)
    rows = conn.all(
        f"{_SELECT} WHERE g.key_id = ? AND g.grantee_principal IN ({marks})",
        (key_id, *grantees),
    )
    return [_grant(r, partition) for r in rows]


def retirable(
    conn: Conn, retiring: str, region: str, after: str, limit: int, partition: str = "aws"
) -> list[Grant]:
    rows = conn.all(
        f"{_SELECT} WHERE g.retiring_principal = ? AND k.region = ? AND g.grant_id > ?"
        " ORDER BY g.grant_id LIMIT ?",
        (retiring, region, after, limit),
    )
    return [_grant(r, partition) for r in rows]


def delete(conn: Conn, grant_id: str) -> None:
    conn.execute("DELETE FROM kms_grants WHERE grant_id = ?", (grant_id,))
