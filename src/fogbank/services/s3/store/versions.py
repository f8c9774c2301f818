"""A key's versions as a whole: listing them (ListObjectVersions), the changes lifecycle
and restores make to one version, and a bulk insert for loading many rows at once."""

from __future__ import annotations

from collections.abc import Sequence

from fogbank.services.s3.models import ObjectVersion
from fogbank.services.s3.store.objects import (
    COLUMNS,
    SELECT_COLUMNS,
    row_values,
    version_from,
)
from fogbank.storage.db import Conn

BULK_ROWS = 400  # rows per multi-row INSERT (20 parameters each)


def of_key(conn: Conn, bucket: str, key: str) -> list[ObjectVersion]:
    """Every version of a key, newest first."""
    rows = conn.all(
        f"SELECT {SELECT_COLUMNS} FROM s3_objects"  # noqa: S608
        " WHERE bucket = ? AND key = ? ORDER BY seq DESC",
        (bucket, key),
    )
    return [version_from(r) for r in rows]


def of_keys_from(conn: Conn, bucket: str, after: str, limit: int) -> list[ObjectVersion]:
    """Versions of the keys after ``after`` (key order, newest first), about ``limit``
    rows but always whole keys (the last key's remaining versions are read too)."""
    rows = conn.all(
        f"SELECT {SELECT_COLUMNS} FROM s3_objects"  # noqa: S608
        " WHERE bucket = ? AND key > ? ORDER BY key, seq DESC LIMIT ?",
        (bucket, after, limit),
    )
    found = [version_from(r) for r in rows]
    if len(rows) == limit and found:
        last = found[-1]
        rest = conn.all(
            f"SELECT {SELECT_COLUMNS} FROM s3_objects"  # noqa: S608
            " WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC",
            (bucket, last.key, last.seq),
        )
        found.extend(version_from(r) for r in rest)
    return found


def page(
    conn: Conn,
    bucket: str,
    key: str,
    below_seq: int | None,
    inclusive: bool,
    before: str | None,
    limit: int,
) -> list[ObjectVersion]:
    """Up to ``limit`` versions in listing order (key, then newest first) that follow a
    position: with ``below_seq``, the key's versions older than it, then the keys after
    it; otherwise the keys from ``key`` (``inclusive``) or after it. Keys stop below
    ``before``."""
    out: list[ObjectVersion] = []
    if below_seq is not None:
        rows = conn.all(
            f"SELECT {SELECT_COLUMNS} FROM s3_objects"  # noqa: S608
            " WHERE bucket = ? AND key = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
            (bucket, key, below_seq, limit),
        )
        out.extend(version_from(r) for r in rows)
        if len(out) >= limit:
            return out
    op = ">=" if below_seq is None and inclusive else ">"
    sql = f"SELECT {SELECT_COLUMNS} FROM s3_objects WHERE bucket = ? AND key {op} ?"  # noqa: S608
    args: list[object] = [bucket, key]
    if before is not None:
        sql += " AND key < ?"
        args.append(before)
    sql += " ORDER BY key, seq DESC LIMIT ?"
    args.append(limit - len(out))
    out.extend(version_from(r) for r in conn.all(sql, args))
    return out


def set_storage_class(conn: Conn, obj: ObjectVersion, storage_class: str, at: float) -> None:
    """A lifecycle transition at ``at`` (a move into INTELLIGENT_TIERING starts in its
    Frequent Access tier, as if accessed then)."""
    conn.execute(
        "UPDATE s3_objects SET storage_class = ?, restore_ready = NULL, restore_expiry = NULL,"
        " restore_days = NULL, access_tier = NULL, last_access = ?"
        " WHERE bucket = ? AND key = ? AND version_id = ?",
        (storage_class, at, obj.bucket, obj.key, obj.version_id),
    )


def set_access(conn: Conn, obj: ObjectVersion, tier: str | None, last: float | None) -> None:
    """An Intelligent-Tiering version's access tier (None: Frequent) and last access."""
    conn.execute(
        "UPDATE s3_objects SET access_tier = ?, last_access = ?"
        " WHERE bucket = ? AND key = ? AND version_id = ?",
        (tier, last, obj.bucket, obj.key, obj.version_id),
    )


def set_restore(
    conn: Conn,
    obj: ObjectVersion,
    *,
    ready: float | None,
    expiry: float | None,
    days: int | None,
) -> None:
    conn.execute(
        "UPDATE s3_objects SET restore_ready = ?, restore_expiry = ?, restore_days = ?"
        " WHERE bucket = ? AND key = ? AND version_id = ?",
        (ready, expiry, days, obj.bucket, obj.key, obj.version_id),
    )


def insert_many(conn: Conn, objs: Sequence[ObjectVersion]) -> None:
    """Insert new versions as given (version ids, sequence, latest flags set by the
    caller), many rows per statement. For loading data sets; no blob references."""
    for start in range(0, len(objs), BULK_ROWS):
        chunk = objs[start : start + BULK_ROWS]
        marks = ", ".join("(" + ", ".join("?" * 20) + ")" for _ in chunk)
        args: list[object] = []
        for obj in chunk:
            args.extend(row_values(obj, None, None))
        conn.execute(f"INSERT INTO s3_objects ({COLUMNS}) VALUES {marks}", args)  # noqa: S608
