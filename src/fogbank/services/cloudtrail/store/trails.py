"""Trails: settings, selectors, tags, logging state and delivery cursor."""

from __future__ import annotations

import json

from fogbank.services.cloudtrail.models import Trail, TrailSettings
from fogbank.storage.db import Conn, Row

_COLUMNS = (
    "id, arn, account_id, home_region, name, settings, selectors, insight_selectors, tags,"
    " created_at, logging, start_logging_at, stop_logging_at, cursor_batch, cursor_seq,"
    " next_slot, latest_delivery_at, latest_delivery_attempt_at, latest_delivery_error,"
    " latest_digest_at, latest_digest_error, finalize_at"
)


def _opt_float(value: object) -> float | None:
    return None if value is None else float(str(value))


def _opt_text(value: object) -> str | None:
    return None if value is None else str(value)


def _trail(row: Row) -> Trail:
    insight = row["insight_selectors"]
    return Trail(
        id=int(str(row["id"])),
        arn=str(row["arn"]),
        account_id=str(row["account_id"]),
        home_region=str(row["home_region"]),
        name=str(row["name"]),
        settings=TrailSettings.from_doc(json.loads(str(row["settings"]))),
        selectors=json.loads(str(row["selectors"])),
        insight_selectors=None if insight is None else json.loads(str(insight)),
        tags=json.loads(str(row["tags"])),
        created_at=float(str(row["created_at"])),
        logging=bool(row["logging"]),
        start_logging_at=_opt_float(row["start_logging_at"]),
        stop_logging_at=_opt_float(row["stop_logging_at"]),
        cursor_batch=int(str(row["cursor_batch"])),
        cursor_seq=int(str(row["cursor_seq"])),
        next_slot=float(str(row["next_slot"])),
        latest_delivery_at=_opt_float(row["latest_delivery_at"]),
        latest_delivery_attempt_at=_opt_float(row["latest_delivery_attempt_at"]),
        latest_delivery_error=_opt_text(row["latest_delivery_error"]),
        latest_digest_at=_opt_float(row["latest_digest_at"]),
        latest_digest_error=_opt_text(row["latest_digest_error"]),
        finalize_at=_opt_float(row["finalize_at"]),
    )


def insert(conn: Conn, trail: Trail) -> Trail:
    conn.execute(
        "INSERT INTO cloudtrail_trails (arn, account_id, home_region, name, status, settings,"
        " selectors, insight_selectors, tags, created_at, logging, start_logging_at,"
        " stop_logging_at, cursor_batch, cursor_seq, next_slot)"
        " VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            trail.arn,
            trail.account_id,
            trail.home_region,
            trail.name,
            json.dumps(trail.settings.to_doc()),
            json.dumps(trail.selectors),
            None if trail.insight_selectors is None else json.dumps(trail.insight_selectors),
            json.dumps(trail.tags),
            trail.created_at,
            trail.logging,
            trail.start_logging_at,
            trail.stop_logging_at,
            trail.cursor_batch,
            trail.cursor_seq,
            trail.next_slot,
        ),
    )
    stored = by_arn(conn, trail.arn)
    assert stored is not None
    return stored


def by_arn(conn: Conn, arn: str, lock: bool = False) -> Trail | None:
    row = conn.one(
        f"SELECT {_COLUMNS} FROM cloudtrail_trails WHERE arn = ? AND status = 'active'"  # noqa: S608
        + (conn.dialect.for_update if lock else ""),
        (arn,),
    )
    return None if row is None else _trail(row)


def by_id(conn: Conn, trail_id: int, lock: bool = False) -> Trail | None:
    """A trail by id, also once deleted (its final delivery still needs it)."""
    row = conn.one(
        f"SELECT {_COLUMNS} FROM cloudtrail_trails WHERE id = ?"  # noqa: S608
        + (conn.dialect.for_update if lock else ""),
        (trail_id,),
    )
    return None if row is None else _trail(row)


def by_name(conn: Conn, account_id: str, name: str) -> list[Trail]:
    """Active trails of an account with this name, in any home region."""
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM cloudtrail_trails WHERE account_id = ? AND name = ?"  # noqa: S608
        " AND status = 'active' ORDER BY id",
        (account_id, name),
    )
    return [_trail(r) for r in rows]


def of_account(conn: Conn, account_id: str) -> list[Trail]:
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM cloudtrail_trails WHERE account_id = ?"  # noqa: S608
        " AND status = 'active' ORDER BY name, home_region",
        (account_id,),
    )
    return [_trail(r) for r in rows]


def count_in_region(conn: Conn, account_id: str, region: str) -> int:
    value = conn.scalar(
        "SELECT COUNT(*) AS n FROM cloudtrail_trails WHERE account_id = ? AND home_region = ?"
        " AND status = 'active'",
        (account_id, region),
    )
    return int(str(value or 0))


def delivering(conn: Conn) -> list[int]:
    """Ids of the trails the delivery job has work for: logging, or finishing up."""
    rows = conn.all(
        "SELECT id FROM cloudtrail_trails WHERE (status = 'active' AND logging = ?)"
        " OR finalize_at IS NOT NULL ORDER BY id",
        (True,),
    )
    return [int(str(r["id"])) for r in rows]


def lowest_cursor(conn: Conn) -> tuple[int, int] | None:
    """The delivery cursor furthest behind, among the trails that still deliver."""
    row = conn.one(
        "SELECT cursor_batch, cursor_seq FROM cloudtrail_trails WHERE"
        " (status = 'active' AND logging = ?) OR finalize_at IS NOT NULL"
        " ORDER BY cursor_batch, cursor_seq LIMIT 1",
        (True,),
    )
    if row is None:
        return None
    return int(str(row["cursor_batch"])), int(str(row["cursor_seq"]))


def save(conn: Conn, trail: Trail) -> None:
    """Write back every mutable field of ``trail``."""
    conn.execute(
        "UPDATE cloudtrail_trails SET settings = ?, selectors = ?, insight_selectors = ?,"
        " tags = ?, logging = ?, start_logging_at = ?, stop_logging_at = ?, cursor_batch = ?,"
        " cursor_seq = ?, next_slot = ?, latest_delivery_at = ?,"
        " latest_delivery_attempt_at = ?, latest_delivery_error = ?, latest_digest_at = ?,"
        " latest_digest_error = ?, finalize_at = ? WHERE id = ?",
        (
            json.dumps(trail.settings.to_doc()),
            json.dumps(trail.selectors),
            None if trail.insight_selectors is None else json.dumps(trail.insight_selectors),
            json.dumps(trail.tags),
            trail.logging,
            trail.start_logging_at,
            trail.stop_logging_at,
            trail.cursor_batch,
            trail.cursor_seq,
            trail.next_slot,
            trail.latest_delivery_at,
            trail.latest_delivery_attempt_at,
            trail.latest_delivery_error,
            trail.latest_digest_at,
            trail.latest_digest_error,
            trail.finalize_at,
            trail.id,
        ),
    )


def mark_deleted(conn: Conn, trail: Trail, at: float) -> None:
    """Deleted for the API at once; a logging trail is kept for the delivery job until its
    final log files and digests are written."""
    finalize = at if trail.logging else trail.finalize_at
    conn.execute(
        "UPDATE cloudtrail_trails SET status = 'deleted', logging = ?, finalize_at = ?"
        " WHERE id = ?",
        (False, finalize, trail.id),
    )
    if finalize is None:
        finish(conn, trail)


def finish(conn: Conn, trail: Trail) -> None:
    """The final delivery of a stopped or deleted trail is done."""
    conn.execute("UPDATE cloudtrail_trails SET finalize_at = NULL WHERE id = ?", (trail.id,))
    gone = conn.one(
        "SELECT id FROM cloudtrail_trails WHERE id = ? AND status = 'deleted'", (trail.id,)
    )
    if gone is not None:
        for table in ("cloudtrail_log_files", "cloudtrail_digests", "cloudtrail_digest_chains"):
            conn.execute(f"DELETE FROM {table} WHERE trail_id = ?", (trail.id,))  # noqa: S608
        conn.execute("DELETE FROM cloudtrail_trails WHERE id = ?", (trail.id,))


def move_cursor(
    conn: Conn, trail_id: int, old: tuple[int, int], new: tuple[int, int], next_slot: float
) -> bool:
    """Advance the delivery cursor, unless someone else moved it first."""
    done = conn.execute(
        "UPDATE cloudtrail_trails SET cursor_batch = ?, cursor_seq = ?, next_slot = ?"
        " WHERE id = ? AND cursor_batch = ? AND cursor_seq = ?",
        (new[0], new[1], next_slot, trail_id, old[0], old[1]),
    ).rowcount
    return done == 1


def delivery_status(
    conn: Conn, trail_id: int, attempt: float, delivered: float | None, error: str | None
) -> None:
    if delivered is not None:
        conn.execute(
            "UPDATE cloudtrail_trails SET latest_delivery_attempt_at = ?,"
            " latest_delivery_at = ?, latest_delivery_error = ? WHERE id = ?",
            (attempt, delivered, error, trail_id),
        )
    else:
        conn.execute(
            "UPDATE cloudtrail_trails SET latest_delivery_attempt_at = ?,"
            " latest_delivery_error = ? WHERE id = ?",
            (attempt, error, trail_id),
        )


def digest_status(conn: Conn, trail_id: int, delivered: float | None, error: str | None) -> None:
    if delivered is not None:
        conn.execute(
            "UPDATE cloudtrail_trails SET latest_digest_at = ?, latest_digest_error = ?"
            " WHERE id = ?",
            (delivered, error, trail_id),
        )
    else:
        conn.execute(
            "UPDATE cloudtrail_trails SET latest_digest_error = ? WHERE id = ?",
            (error, trail_id),
        )
