"""What is attached to users, groups and roles: managed policy ARNs and inline policies."""

from __future__ import annotations

from fogbank.services.iam.models import InlinePolicy
from fogbank.storage.db import Conn


def attached(conn: Conn, account_id: str, entity_type: str, entity_key: str) -> list[str]:
    rows = conn.all(
        "SELECT policy_arn FROM iam_attachments WHERE account_id = ? AND entity_type = ?"
        " AND entity_key = ? ORDER BY policy_arn",
        (account_id, entity_type, entity_key),
    )
    return [str(r["policy_arn"]) for r in rows]


def is_attached(
    conn: Conn, account_id: str, entity_type: str, entity_key: str, policy_arn: str
) -> bool:
    row = conn.one(
        "SELECT 1 AS x FROM iam_attachments WHERE account_id = ? AND entity_type = ?"
        " AND entity_key = ? AND policy_arn = ?",
        (account_id, entity_type, entity_key, policy_arn),
    )
    return row is not None


def attach(
    conn: Conn, account_id: str, entity_type: str, entity_key: str, policy_arn: str, now: float
) -> None:
    if not is_attached(conn, account_id, entity_type, entity_key, policy_arn):
        conn.execute(
            "INSERT INTO iam_attachments (account_id, entity_type, entity_key, policy_arn,"
            " attached_at) VALUES (?, ?, ?, ?, ?)",
            (account_id, entity_type, entity_key, policy_arn, now),
        )


def detach(conn: Conn, account_id: str, entity_type: str, entity_key: str, policy_arn: str) -> bool:
    cur = conn.execute(
        "DELETE FROM iam_attachments WHERE account_id = ? AND entity_type = ?"
        " AND entity_key = ? AND policy_arn = ?",
        (account_id, entity_type, entity_key, policy_arn),
    )
    return cur.rowcount > 0


def attachment_count(conn: Conn, account_id: str, policy_arn: str) -> int:
    return int(
        str(
            conn.scalar(
                "SELECT COUNT(*) AS n FROM iam_attachments WHERE account_id = ? AND policy_arn = ?",
                (account_id, policy_arn),
            )
        )
    )


def entities_of(conn: Conn, account_id: str, policy_arn: str) -> list[tuple[str, str]]:
    rows = conn.all(
        "SELECT entity_type, entity_key FROM iam_attachments WHERE account_id = ?"
        " AND policy_arn = ? ORDER BY entity_type, entity_key",
        (account_id, policy_arn),
    )
    return [(str(r["entity_type"]), str(r["entity_key"])) for r in rows]


def inline_names(conn: Conn, account_id: str, entity_type: str, entity_key: str) -> list[str]:
    rows = conn.all(
        "SELECT policy_name FROM iam_inline_policies WHERE account_id = ? AND entity_type = ?"
        " AND entity_key = ? ORDER BY name_key",
        (account_id, entity_type, entity_key),
    )
    return [str(r["policy_name"]) for r in rows]


def inline_all(
    conn: Conn, account_id: str, entity_type: str, entity_key: str
) -> list[InlinePolicy]:
    rows = conn.all(
        "SELECT policy_name, document FROM iam_inline_policies WHERE account_id = ?"
        " AND entity_type = ? AND entity_key = ? ORDER BY name_key",
        (account_id, entity_type, entity_key),
    )
    return [InlinePolicy(str(r["policy_name"]), str(r["document"])) for r in rows]


def inline_get(
    conn: Conn, account_id: str, entity_type: str, entity_key: str, name: str
) -> InlinePolicy | None:
    row = conn.one(
        "SELECT policy_name, document FROM iam_inline_policies WHERE account_id = ?"
        " AND entity_type = ? AND entity_key = ? AND name_key = ?",
        (account_id, entity_type, entity_key, name.lower()),
    )
    return None if row is None else InlinePolicy(str(row["policy_name"]), str(row["document"]))


def inline_put(
    conn: Conn, account_id: str, entity_type: str, entity_key: str, name: str, document: str
) -> None:
    inline_delete(conn, account_id, entity_type, entity_key, name)
    conn.execute(
        "INSERT INTO iam_inline_policies (account_id, entity_type, entity_key, name_key,"
        " policy_name, document) VALUES (?, ?, ?, ?, ?, ?)",
        (account_id, entity_type, entity_key, name.lower(), name, document),
    )


def inline_delete(
    conn: Conn, account_id: str, entity_type: str, entity_key: str, name: str
) -> bool:
    cur = conn.execute(
        "DELETE FROM iam_inline_policies WHERE account_id = ? AND entity_type = ?"
        " AND entity_key = ? AND name_key = ?",
        (account_id, entity_type, entity_key, name.lower()),
    )
    return cur.rowcount > 0


def inline_size(conn: Conn, account_id: str, entity_type: str, entity_key: str) -> int:
    """Characters of all inline policies, whitespace not counted (IAM's aggregate quota)."""
    return sum(
        sum(1 for c in p.document if not c.isspace())
        for p in inline_all(conn, account_id, entity_type, entity_key)
    )
