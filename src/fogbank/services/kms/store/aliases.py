"""Aliases: names for keys, per account and region."""

from __future__ import annotations

from fogbank.services.kms.models import Alias
from fogbank.services.kms.store.rows import real, text
from fogbank.storage.db import Conn, Row

_SELECT = "SELECT account_id, region, alias_name, key_id, created_at, updated_at FROM kms_aliases"


def _alias(row: Row, partition: str) -> Alias:
    return Alias(
        account_id=text(row, "account_id"),
        region=text(row, "region"),
        name=text(row, "alias_name"),
        key_id=text(row, "key_id"),
        created_at=real(row, "created_at"),
        updated_at=real(row, "updated_at"),
        partition=partition,
    )


def get(
    conn: Conn, account_id: str, region: str, name: str, partition: str = "aws"
) -> Alias | None:
    row = conn.one(
        _SELECT + " WHERE account_id = ? AND region = ? AND alias_name = ?",
        (account_id, region, name),
    )
    return None if row is None else _alias(row, partition)


def insert(conn: Conn, alias: Alias) -> None:
    conn.execute(
        "INSERT INTO kms_aliases (account_id, region, alias_name, key_id, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            alias.account_id,
            alias.region,
            alias.name,
            alias.key_id,
            alias.created_at,
            alias.updated_at,
        ),
    )


def retarget(conn: Conn, alias: Alias, key_id: str, now: float) -> None:
    conn.execute(
        "UPDATE kms_aliases SET key_id = ?, updated_at = ?"
        " WHERE account_id = ? AND region = ? AND alias_name = ?",
        (key_id, now, alias.account_id, alias.region, alias.name),
    )


def delete(conn: Conn, alias: Alias) -> None:
    conn.execute(
        "DELETE FROM kms_aliases WHERE account_id = ? AND region = ? AND alias_name = ?",
        (alias.account_id, alias.region, alias.name),
    )


def listing(
    conn: Conn,
    account_id: str,
    region: str,
    key_id: str | None,
    after: str,
    limit: int,
    partition: str = "aws",
) -> list[Alias]:
    sql = _SELECT + " WHERE account_id = ? AND region = ?"
    params: list[object] = [account_id, region]
    if key_id is not None:
        sql += " AND key_id = ?"
        params.append(key_id)
    sql += " AND alias_name > ? ORDER BY alias_name LIMIT ?"
    params += [after, limit]
    return [_alias(r, partition) for r in conn.all(sql, params)]


def names_of(conn: Conn, key_id: str) -> list[str]:
    rows = conn.all(
        "SELECT alias_name FROM kms_aliases WHERE key_id = ? ORDER BY alias_name", (key_id,)
    )
    return [text(r, "alias_name") for r in rows]
