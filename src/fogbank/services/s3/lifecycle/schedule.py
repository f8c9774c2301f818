"""The due-time index: per key, the next instant at which lifecycle or a restore may
change it (``s3_lifecycle_due``), kept in the same transaction as the change.

Every write that can change a key's plan (object writes, deletes, tagging, uploads,
restores, the engine's own actions) calls ``reschedule``; a lifecycle configuration
change queues the bucket for a rescan (``s3_lifecycle_scans``), which the engine works
through in key order with a cursor. The engine reads only ``WHERE due <= now``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from fogbank.services.s3 import tiering, tiering_config
from fogbank.services.s3.lifecycle import plan, rules
from fogbank.services.s3.models import ObjectVersion
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import objects as object_store
from fogbank.services.s3.store import versions as version_store
from fogbank.storage.db import Conn

CONFIG_KIND = "lifecycle"
_BULK = 400


def config_of(conn: Conn, bucket: str) -> rules.Config | None:
    """The bucket's lifecycle rules and Intelligent-Tiering archive tiers (one query)."""
    docs = bucket_store.configs(conn, bucket, (CONFIG_KIND, tiering_config.CONFIG_KIND))
    config = rules.load(docs.get(CONFIG_KIND))
    archive = tiering_config.archive_rules(docs.get(tiering_config.CONFIG_KIND))
    if not archive:
        return config
    return replace(config or rules.Config(()), archive=archive)


def uploads_of(conn: Conn, bucket: str, key: str) -> list[plan.UploadRef]:
    rows = conn.all(
        "SELECT upload_id, initiated FROM s3_uploads WHERE bucket = ? AND key = ?",
        (bucket, key),
    )
    return [plan.UploadRef(str(r["upload_id"]), float(r["initiated"])) for r in rows]  # type: ignore[arg-type]


def uploads_between(
    conn: Conn, bucket: str, after: str, upto: str | None
) -> dict[str, list[plan.UploadRef]]:
    sql = "SELECT key, upload_id, initiated FROM s3_uploads WHERE bucket = ? AND key > ?"
    args: list[object] = [bucket, after]
    if upto is not None:
        sql += " AND key <= ?"
        args.append(upto)
    out: dict[str, list[plan.UploadRef]] = {}
    for r in conn.all(sql, args):
        out.setdefault(str(r["key"]), []).append(
            plan.UploadRef(str(r["upload_id"]), float(r["initiated"]))  # type: ignore[arg-type]
        )
    return out


def key_state(
    conn: Conn, bucket: str, key: str
) -> tuple[list[ObjectVersion], list[plan.UploadRef], rules.Config | None]:
    return (
        version_store.of_key(conn, bucket, key),
        uploads_of(conn, bucket, key),
        config_of(conn, bucket),
    )


def reschedule(conn: Conn, bucket: str, key: str) -> float | None:
    """Recompute the key's next due instant and store it; returns it."""
    versions, uploads, config = key_state(conn, bucket, key)
    due = plan.next_due(plan.events(key, versions, uploads, config))
    set_due(conn, bucket, key, due)
    return due


def reschedule_written(conn: Conn, latest: ObjectVersion) -> float | None:
    """``reschedule`` after ``latest`` became its key's latest version (the version it
    replaced, if any, gone or now noncurrent).

    Without a lifecycle configuration or archive tiers, a version's events (a restore's
    end, Intelligent-Tiering moves) depend on that version alone, and no row in the index
    means no version of the key had any; the other versions and the key's uploads then
    cannot be due, and only the new version's own events need computing, which for most
    writes means none and nothing written. Otherwise (or if ``latest`` carries restore
    or access state of its own, which new versions do not) the whole key is recomputed.
    """
    bucket, key = latest.bucket, latest.key
    fresh = latest.restore_ready is None and latest.restore_expiry is None
    fresh = fresh and latest.access_tier is None and latest.last_access is None
    if not fresh:
        return reschedule(conn, bucket, key)
    # One statement for the common case: whether the bucket has either configuration at
    # all, and the key's row in the index (a configuration present is then loaded).
    row = conn.one(
        "SELECT (SELECT COUNT(*) FROM s3_bucket_configs WHERE bucket = ? AND kind IN (?, ?))"
        " AS configs,"
        " (SELECT due FROM s3_lifecycle_due WHERE bucket = ? AND key = ?) AS due",
        (bucket, CONFIG_KIND, tiering_config.CONFIG_KIND, bucket, key),
    )
    assert row is not None
    if row["due"] is not None or (row["configs"] and config_of(conn, bucket) is not None):
        return reschedule(conn, bucket, key)
    due = plan.next_due(plan.events(key, [latest], (), None))
    if due is not None:
        set_due(conn, bucket, key, due)
    return due


def record_access(conn: Conn, bucket: str, key: str, version_id: str, now: float) -> None:
    """An Intelligent-Tiering version was read: back to Frequent Access, and its tier
    moves counted from now (one write per read, for INTELLIGENT_TIERING only)."""
    obj = object_store.version(conn, bucket, key, version_id)
    if obj is None or not tiering.tiered(obj):
        return
    if obj.access_tier is None and obj.last_access is not None and obj.last_access >= now:
        return
    version_store.set_access(conn, obj, None, now)
    reschedule(conn, bucket, key)


def set_due(conn: Conn, bucket: str, key: str, due: float | None) -> None:
    if due is None:
        conn.execute("DELETE FROM s3_lifecycle_due WHERE bucket = ? AND key = ?", (bucket, key))
        return
    conn.execute(
        "INSERT INTO s3_lifecycle_due (bucket, key, due) VALUES (?, ?, ?)"
        " ON CONFLICT (bucket, key) DO UPDATE SET due = excluded.due",
        (bucket, key, due),
    )


def set_due_many(conn: Conn, bucket: str, dues: Sequence[tuple[str, float | None]]) -> None:
    """Many keys' due instants, many rows per statement."""
    keep = [(k, d) for k, d in dues if d is not None]
    drop = [k for k, d in dues if d is None]
    for start in range(0, len(keep), _BULK):
        chunk = keep[start : start + _BULK]
        marks = ", ".join("(?, ?, ?)" for _ in chunk)
        args: list[object] = []
        for k, d in chunk:
            args.extend((bucket, k, d))
        conn.execute(
            f"INSERT INTO s3_lifecycle_due (bucket, key, due) VALUES {marks}"  # noqa: S608
            " ON CONFLICT (bucket, key) DO UPDATE SET due = excluded.due",
            args,
        )
    for start in range(0, len(drop), _BULK):
        chunk_keys = drop[start : start + _BULK]
        marks = ", ".join("?" for _ in chunk_keys)
        conn.execute(
            f"DELETE FROM s3_lifecycle_due WHERE bucket = ? AND key IN ({marks})",  # noqa: S608
            [bucket, *chunk_keys],
        )


def due_keys(conn: Conn, now: float, limit: int) -> list[tuple[str, str]]:
    rows = conn.all(
        "SELECT bucket, key FROM s3_lifecycle_due WHERE due <= ? ORDER BY due, bucket, key LIMIT ?",
        (now, limit),
    )
    return [(str(r["bucket"]), str(r["key"])) for r in rows]


def due_of(conn: Conn, bucket: str, key: str) -> float | None:
    value = conn.scalar(
        "SELECT due FROM s3_lifecycle_due WHERE bucket = ? AND key = ?", (bucket, key)
    )
    return None if value is None else float(value)  # type: ignore[arg-type]


def forget_bucket(conn: Conn, bucket: str) -> None:
    conn.execute("DELETE FROM s3_lifecycle_due WHERE bucket = ?", (bucket,))
    conn.execute("DELETE FROM s3_lifecycle_scans WHERE bucket = ?", (bucket,))


# -- rescans after a configuration change --------------------------------------------


def start_scan(conn: Conn, bucket: str, now: float) -> None:
    conn.execute("DELETE FROM s3_lifecycle_scans WHERE bucket = ?", (bucket,))
    conn.execute(
        "INSERT INTO s3_lifecycle_scans (bucket, after_key, started_at) VALUES (?, ?, ?)",
        (bucket, "", now),
    )


def scans(conn: Conn) -> list[tuple[str, str]]:
    rows = conn.all("SELECT bucket, after_key FROM s3_lifecycle_scans ORDER BY started_at")
    return [(str(r["bucket"]), str(r["after_key"])) for r in rows]


def scan_cursor(conn: Conn, bucket: str) -> str | None:
    value = conn.scalar("SELECT after_key FROM s3_lifecycle_scans WHERE bucket = ?", (bucket,))
    return None if value is None else str(value)


def scan_step(conn: Conn, bucket: str, after: str, batch: int) -> bool:
    """Re-plan the next ``batch`` keys (about) after ``after``; moves the cursor, or ends
    the scan. Returns whether the scan has more to do."""
    cursor = scan_cursor(conn, bucket)
    if cursor is None or cursor != after:  # restarted or finished meanwhile
        return cursor is not None
    config = config_of(conn, bucket)
    found = version_store.of_keys_from(conn, bucket, after, batch)
    by_key: dict[str, list[ObjectVersion]] = {}
    for v in found:
        by_key.setdefault(v.key, []).append(v)
    more = len(found) >= batch
    upto = max(by_key) if more and by_key else None
    uploads = uploads_between(conn, bucket, after, upto)
    keys = sorted(set(by_key) | set(uploads))
    dues = [
        (k, plan.next_due(plan.events(k, by_key.get(k, []), uploads.get(k, []), config)))
        for k in keys
    ]
    set_due_many(conn, bucket, dues)
    if more and keys:
        conn.execute(
            "UPDATE s3_lifecycle_scans SET after_key = ? WHERE bucket = ?", (keys[-1], bucket)
        )
        return True
    conn.execute("DELETE FROM s3_lifecycle_scans WHERE bucket = ?", (bucket,))
    return False
