"""Access keys (long-term; the root user's keys have no user name)."""

from __future__ import annotations

from fogbank.services.iam.models import AccessKey
from fogbank.storage.db import Conn, Row

_COLS = (
    "SELECT access_key_id, account_id, user_name, status, created_at, last_used_at,"
    " last_used_service, last_used_region FROM iam_access_keys"
)


def _key(r: Row) -> AccessKey:
    last = r["last_used_at"]
    user = r["user_name"]
    service, region = r["last_used_service"], r["last_used_region"]
    return AccessKey(
        access_key_id=str(r["access_key_id"]),
        account_id=str(r["account_id"]),
        user_name=None if user is None else str(user),
        status=str(r["status"]),
        created_at=float(str(r["created_at"])),
        last_used_at=None if last is None else float(str(last)),
        last_used_service=None if service is None else str(service),
        last_used_region=None if region is None else str(region),
    )


def get(conn: Conn, access_key_id: str) -> AccessKey | None:
    row = conn.one(_COLS + " WHERE access_key_id = ?", (access_key_id,))
    return None if row is None else _key(row)


def of_user(conn: Conn, account_id: str, user_name: str) -> list[AccessKey]:
    rows = conn.all(
        _COLS + " WHERE account_id = ? AND user_name = ? ORDER BY created_at, access_key_id",
        (account_id, user_name),
    )
    return [_key(r) for r in rows]


def of_root(conn: Conn, account_id: str) -> list[AccessKey]:
    rows = conn.all(
        _COLS + " WHERE account_id = ? AND user_name IS NULL ORDER BY created_at",
        (account_id,),
    )
    return [_key(r) for r in rows]


def insert(conn: Conn, key: AccessKey, secret: str) -> None:
    conn.execute(
        "INSERT INTO iam_access_keys (access_key_id, secret_access_key, account_id, user_name,"
        " status, created_at, bootstrap) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            key.access_key_id,
            secret,
            key.account_id,
            key.user_name,
            key.status,
            key.created_at,
            False,
        ),
    )


def set_status(conn: Conn, access_key_id: str, status: str) -> None:
    conn.execute(
        "UPDATE iam_access_keys SET status = ? WHERE access_key_id = ?", (status, access_key_id)
    )


def delete(conn: Conn, access_key_id: str) -> None:
    conn.execute("DELETE FROM iam_access_keys WHERE access_key_id = ?", (access_key_id,))


def rename_owner(conn: Conn, account_id: str, old: str, new: str) -> None:
    conn.execute(
        "UPDATE iam_access_keys SET user_name = ? WHERE account_id = ? AND user_name = ?",
        (new, account_id, old),
    )


def record_use(conn: Conn, access_key_id: str, when: float, service: str, region: str) -> None:
    """Last use of a key (batched by the caller; a later use never goes backwards)."""
    conn.execute(
        "UPDATE iam_access_keys SET last_used_at = ?, last_used_service = ?,"
        " last_used_region = ? WHERE access_key_id = ?"
        " AND (last_used_at IS NULL OR last_used_at <= ?)",
        (when, service, region, access_key_id, when),
    )
