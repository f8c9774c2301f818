"""Tags of file systems and access points (keyed by resource id)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fogbank.services.efs.store.rows import text
from fogbank.storage.db import Conn

MAX_TAGS = 50


def of(conn: Conn, resource_id: str) -> list[tuple[str, str]]:
    rows = conn.all(
        "SELECT tag_key, tag_value FROM efs_tags WHERE resource_id = ? ORDER BY tag_key",
        (resource_id,),
    )
    return [(text(r, "tag_key"), text(r, "tag_value")) for r in rows]


def of_many(conn: Conn, resource_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {rid: [] for rid in resource_ids}
    if not resource_ids:
        return out
    marks = ",".join("?" * len(resource_ids))
    rows = conn.all(
        "SELECT resource_id, tag_key, tag_value FROM efs_tags"  # noqa: S608
        f" WHERE resource_id IN ({marks}) ORDER BY resource_id, tag_key",
        tuple(resource_ids),
    )
    for r in rows:
        out[text(r, "resource_id")].append((text(r, "tag_key"), text(r, "tag_value")))
    return out


def put(conn: Conn, resource_id: str, items: Iterable[tuple[str, str]]) -> None:
    for key, value in items:
        conn.execute(
            "DELETE FROM efs_tags WHERE resource_id = ? AND tag_key = ?", (resource_id, key)
        )
        conn.execute(
            "INSERT INTO efs_tags (resource_id, tag_key, tag_value) VALUES (?, ?, ?)",
            (resource_id, key, value),
        )


def remove(conn: Conn, resource_id: str, keys: Iterable[str]) -> None:
    for key in keys:
        conn.execute(
            "DELETE FROM efs_tags WHERE resource_id = ? AND tag_key = ?", (resource_id, key)
        )


def drop(conn: Conn, resource_id: str) -> None:
    conn.execute("DELETE FROM efs_tags WHERE resource_id = ?", (resource_id,))
