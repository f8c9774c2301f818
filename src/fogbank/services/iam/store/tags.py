"""Tags of users, roles, managed policies and instance profiles (keys unique without case)."""

from __future__ import annotations

from fogbank.services.iam.models import Tags
from fogbank.storage.db import Conn


def get(conn: Conn, account_id: str, entity_type: str, entity_key: str) -> Tags:
    rows = conn.all(
        "SELECT tag_key, tag_value FROM iam_tags WHERE account_id = ? AND entity_type = ?"
        " AND entity_key = ? ORDER BY key_lower",
        (account_id, entity_type, entity_key),
    )
    return tuple((str(r["tag_key"]), str(r["tag_value"])) for r in rows)


def put(conn: Conn, account_id: str, entity_type: str, entity_key: str, tags: Tags) -> None:
    """Add or overwrite ``tags`` (a key given again in other case replaces the old one)."""
    for key, value in tags:
        conn.execute(
            "DELETE FROM iam_tags WHERE account_id = ? AND entity_type = ? AND entity_key = ?"
            " AND key_lower = ?",
            (account_id, entity_type, entity_key, key.lower()),
        )
        conn.execute(
            "INSERT INTO iam_tags (account_id, entity_type, entity_key, key_lower, tag_key,"
            " tag_value) VALUES (?, ?, ?, ?, ?, ?)",
            (account_id, entity_type, entity_key, key.lower(), key, value),
        )


def remove(
    conn: Conn, account_id: str, entity_type: str, entity_key: str, keys: tuple[str, ...]
) -> None:
    for key in keys:
        conn.execute(
            "DELETE FROM iam_tags WHERE account_id = ? AND entity_type = ? AND entity_key = ?"
            " AND key_lower = ?",
            (account_id, entity_type, entity_key, key.lower()),
        )


def drop(conn: Conn, account_id: str, entity_type: str, entity_key: str) -> None:
    conn.execute(
        "DELETE FROM iam_tags WHERE account_id = ? AND entity_type = ? AND entity_key = ?",
        (account_id, entity_type, entity_key),
    )


def count(conn: Conn, account_id: str, entity_type: str, entity_key: str) -> int:
    return int(
        str(
            conn.scalar(
                "SELECT COUNT(*) AS n FROM iam_tags WHERE account_id = ? AND entity_type = ?"
                " AND entity_key = ?",
                (account_id, entity_type, entity_key),
            )
        )
    )
