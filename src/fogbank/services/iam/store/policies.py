"""Customer managed policies and their versions."""

from __future__ import annotations

from fogbank.services.iam.models import ManagedPolicy, PolicyVersion
from fogbank.services.iam.store import policies_of
from fogbank.services.iam.store import tags as tag_store
from fogbank.storage.db import Conn, Row

_COLS = (
    "SELECT account_id, policy_name, policy_id, path, description, default_version,"
    " created_at, updated_at FROM iam_policies"
)


def _policy(conn: Conn, r: Row, with_tags: bool) -> ManagedPolicy:
    account, name, path = str(r["account_id"]), str(r["policy_name"]), str(r["path"])
    arn = f"arn:aws:iam::{account}:policy{path}{name}"
    description = r["description"]
    return ManagedPolicy(
        account_id=account,
        name=name,
        policy_id=str(r["policy_id"]),
        path=path,
        default_version=str(r["default_version"]),
        created_at=float(str(r["created_at"])),
        updated_at=float(str(r["updated_at"])),
        description=None if description is None else str(description),
        attachment_count=policies_of.attachment_count(conn, account, arn),
        boundary_usage_count=boundary_usage(conn, account, arn),
        tags=tag_store.get(conn, account, "policy", name.lower()) if with_tags else (),
    )


def boundary_usage(conn: Conn, account_id: str, arn: str) -> int:
    users = conn.scalar(
        "SELECT COUNT(*) AS n FROM iam_users WHERE account_id = ? AND boundary_arn = ?",
        (account_id, arn),
    )
    roles = conn.scalar(
        "SELECT COUNT(*) AS n FROM iam_roles WHERE account_id = ? AND boundary_arn = ?",
        (account_id, arn),
    )
    return int(str(users)) + int(str(roles))


def get(conn: Conn, account_id: str, name: str, with_tags: bool = True) -> ManagedPolicy | None:
    row = conn.one(_COLS + " WHERE account_id = ? AND name_key = ?", (account_id, name.lower()))
    return None if row is None else _policy(conn, row, with_tags)


def list_page(
    conn: Conn,
    account_id: str,
    prefix: str,
    start: str | None,
    limit: int,
    only_attached: bool,
) -> list[ManagedPolicy]:
    rows = conn.all(
        _COLS + " WHERE account_id = ? AND name_key >= ? AND substr(path, 1, ?) = ?"
        " ORDER BY name_key",
        (account_id, start or "", len(prefix), prefix),
    )
    out: list[ManagedPolicy] = []
    for row in rows:
        policy = _policy(conn, row, False)
        if only_attached and policy.attachment_count == 0:
            continue
        out.append(policy)
        if len(out) > limit:
            break
    return out


def count(conn: Conn, account_id: str) -> int:
    return int(
        str(
            conn.scalar(
                "SELECT COUNT(*) AS n FROM iam_policies WHERE account_id = ?", (account_id,)
            )
        )
    )


def insert(conn: Conn, policy: ManagedPolicy, document: str) -> None:
    conn.execute(
        "INSERT INTO iam_policies (account_id, name_key, policy_name, policy_id, path,"
        " description, default_version, next_version, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            policy.account_id,
            policy.key,
            policy.name,
            policy.policy_id,
            policy.path,
            policy.description,
            "v1",
            2,
            policy.created_at,
            policy.updated_at,
        ),
    )
    conn.execute(
        "INSERT INTO iam_policy_versions (account_id, name_key, version_id, document,"
        " created_at) VALUES (?, ?, ?, ?, ?)",
        (policy.account_id, policy.key, "v1", document, policy.created_at),
    )


def versions(conn: Conn, account_id: str, name_key: str) -> list[PolicyVersion]:
    default = conn.scalar(
        "SELECT default_version FROM iam_policies WHERE account_id = ? AND name_key = ?",
        (account_id, name_key),
    )
    rows = conn.all(
        "SELECT version_id, document, created_at FROM iam_policy_versions"
        " WHERE account_id = ? AND name_key = ?",
        (account_id, name_key),
    )
    out = [
        PolicyVersion(
            str(r["version_id"]),
            str(r["document"]),
            float(str(r["created_at"])),
            str(r["version_id"]) == default,
        )
        for r in rows
    ]
    out.sort(key=lambda v: int(v.version_id[1:]), reverse=True)
    return out


def add_version(
    conn: Conn, account_id: str, name_key: str, document: str, now: float, make_default: bool
) -> str:
    number = int(
        str(
            conn.scalar(
                "SELECT next_version FROM iam_policies WHERE account_id = ? AND name_key = ?",
                (account_id, name_key),
            )
        )
    )
    version_id = f"v{number}"
    conn.execute(
        "INSERT INTO iam_policy_versions (account_id, name_key, version_id, document,"
        " created_at) VALUES (?, ?, ?, ?, ?)",
        (account_id, name_key, version_id, document, now),
    )
    conn.execute(
        "UPDATE iam_policies SET next_version = ?, updated_at = ? WHERE account_id = ?"
        " AND name_key = ?",
        (number + 1, now, account_id, name_key),
    )
    if make_default:
        set_default(conn, account_id, name_key, version_id, now)
    return version_id


def set_default(conn: Conn, account_id: str, name_key: str, version_id: str, now: float) -> None:
    conn.execute(
        "UPDATE iam_policies SET default_version = ?, updated_at = ? WHERE account_id = ?"
        " AND name_key = ?",
        (version_id, now, account_id, name_key),
    )


def delete_version(conn: Conn, account_id: str, name_key: str, version_id: str) -> None:
    conn.execute(
        "DELETE FROM iam_policy_versions WHERE account_id = ? AND name_key = ? AND version_id = ?",
        (account_id, name_key, version_id),
    )


def delete(conn: Conn, account_id: str, name_key: str) -> None:
    conn.execute(
        "DELETE FROM iam_policy_versions WHERE account_id = ? AND name_key = ?",
        (account_id, name_key),
    )
    conn.execute(
        "DELETE FROM iam_policies WHERE account_id = ? AND name_key = ?", (account_id, name_key)
    )
    tag_store.drop(conn, account_id, "policy", name_key)


def default_document(conn: Conn, account_id: str, name_key: str) -> str | None:
    row = conn.one(
        "SELECT v.document FROM iam_policy_versions v JOIN iam_policies p"
        " ON p.account_id = v.account_id AND p.name_key = v.name_key"
        " AND p.default_version = v.version_id WHERE p.account_id = ? AND p.name_key = ?",
        (account_id, name_key),
    )
    return None if row is None else str(row["document"])
