"""Buckets and their configuration documents."""

from __future__ import annotations

import json
from collections.abc import Sequence

from fogbank.services.s3.models import Bucket
from fogbank.storage.db import Conn, Row

_COLUMNS = "name, owner_account, region, created_at, versioning, object_lock"


def _bucket(row: Row) -> Bucket:
    versioning = row["versioning"]
    return Bucket(
        name=str(row["name"]),
        owner_account=str(row["owner_account"]),
        region=str(row["region"]),
        created_at=float(row["created_at"]),  # type: ignore[arg-type]
        versioning=None if versioning is None else str(versioning),
        object_lock=bool(row["object_lock"]),
    )


def get(conn: Conn, name: str) -> Bucket | None:
    row = conn.one(f"SELECT {_COLUMNS} FROM s3_buckets WHERE name = ?", (name,))  # noqa: S608
    return None if row is None else _bucket(row)


def all_buckets(conn: Conn) -> list[Bucket]:
    return [_bucket(r) for r in conn.all(f"SELECT {_COLUMNS} FROM s3_buckets")]  # noqa: S608


def insert(conn: Conn, bucket: Bucket) -> None:
    conn.execute(
        f"INSERT INTO s3_buckets ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
        (bucket.name, bucket.owner_account, bucket.region, bucket.created_at,
         bucket.versioning, bucket.object_lock),
    )  # fmt: skip


def delete(conn: Conn, name: str) -> None:
    conn.execute("DELETE FROM s3_bucket_configs WHERE bucket = ?", (name,))
    conn.execute("DELETE FROM s3_buckets WHERE name = ?", (name,))


def owned_by(
    conn: Conn,
    owner: str,
    *,
    after: str | None = None,
    prefix: str | None = None,
    region: str | None = None,
    limit: int | None = None,
) -> list[Bucket]:
    sql = f"SELECT {_COLUMNS} FROM s3_buckets WHERE owner_account = ?"  # noqa: S608
    args: list[object] = [owner]
    if after is not None:
        sql += " AND name > ?"
        args.append(after)
    if prefix:
        sql += " AND name >= ?"
        args.append(prefix)
    if region:
        sql += " AND region = ?"
        args.append(region)
    sql += " ORDER BY name"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    rows = conn.all(sql, args)
    found = [_bucket(r) for r in rows]
    return [b for b in found if not prefix or b.name.startswith(prefix)]


def count_owned(conn: Conn, owner: str) -> int:
    value = conn.scalar("SELECT COUNT(*) FROM s3_buckets WHERE owner_account = ?", (owner,))
    assert isinstance(value, int)
    return value


def has_objects(conn: Conn, name: str) -> bool:
    return conn.one("SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1", (name,)) is not None


# -- configuration documents (tagging, cors, ownership, and later policy, lifecycle ...) --


def get_config(conn: Conn, bucket: str, kind: str) -> object | None:
    value = conn.scalar(
        "SELECT document FROM s3_bucket_configs WHERE bucket = ? AND kind = ?", (bucket, kind)
    )
    return None if value is None else json.loads(str(value))


def configs(conn: Conn, bucket: str, kinds: Sequence[str] | None = None) -> dict[str, object]:
    sql, args = "SELECT kind, document FROM s3_bucket_configs WHERE bucket = ?", [bucket]
    if kinds is not None:
        if not kinds:
            return {}
        sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
        args += list(kinds)
    return {str(r["kind"]): json.loads(str(r["document"])) for r in conn.all(sql, args)}


def put_config(conn: Conn, bucket: str, kind: str, document: object, now: float) -> None:
    text = json.dumps(document, ensure_ascii=False, default=str)
    cur = conn.execute(
        "UPDATE s3_bucket_configs SET document = ?, updated_at = ? WHERE bucket = ? AND kind = ?",
        (text, now, bucket, kind),
    )
    if cur.rowcount == 0:
        conn.execute(
            "INSERT INTO s3_bucket_configs (bucket, kind, document, updated_at)"
            " VALUES (?, ?, ?, ?)",
            (bucket, kind, text, now),
        )


def delete_config(conn: Conn, bucket: str, kind: str) -> bool:
    cur = conn.execute(
        "DELETE FROM s3_bucket_configs WHERE bucket = ? AND kind = ?", (bucket, kind)
    )
    return cur.rowcount > 0


def set_versioning(conn: Conn, name: str, status: str) -> None:
    conn.execute("UPDATE s3_buckets SET versioning = ? WHERE name = ?", (status, name))
