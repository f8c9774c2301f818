"""Delivered (and about to be delivered) log files and digests, and the digest chains."""

from __future__ import annotations

from dataclasses import dataclass

from fogbank.storage.db import Conn, Row


@dataclass(frozen=True)
class LogFile:
    id: int
    trail_id: int
    region: str
    bucket: str
    key: str
    body: bytes | None  # kept until delivered
    sha256: str
    oldest_event: float
    newest_event: float
    slot_at: float
    delivered_at: float | None
    sse_kms_key: str | None


@dataclass(frozen=True)
class Digest:
    id: int
    trail_id: int
    region: str
    bucket: str
    key: str
    body: bytes | None
    signature: str
    end_at: float
    delivered_at: float | None


@dataclass(frozen=True)
class Chain:
    trail_id: int
    region: str
    active: bool
    last_end: float
    prev_bucket: str | None
    prev_key: str | None
    prev_hash: str | None
    prev_signature: str | None


def _blob(value: object) -> bytes | None:
    return None if value is None else bytes(value)  # type: ignore[call-overload]


def _opt_float(value: object) -> float | None:
    return None if value is None else float(str(value))


def _opt_text(value: object) -> str | None:
    return None if value is None else str(value)


# -- log files ---------------------------------------------------------------------------

_LOG_COLUMNS = (
    "id, trail_id, region, bucket, object_key, body, sha256, oldest_event, newest_event,"
    " slot_at, delivered_at, sse_kms_key"
)


def _log(row: Row) -> LogFile:
    return LogFile(
        id=int(str(row["id"])),
        trail_id=int(str(row["trail_id"])),
        region=str(row["region"]),
        bucket=str(row["bucket"]),
        key=str(row["object_key"]),
        body=_blob(row["body"]),
        sha256=str(row["sha256"]),
        oldest_event=float(str(row["oldest_event"])),
        newest_event=float(str(row["newest_event"])),
        slot_at=float(str(row["slot_at"])),
        delivered_at=_opt_float(row["delivered_at"]),
        sse_kms_key=_opt_text(row["sse_kms_key"]),
    )


def add_log(conn: Conn, log: LogFile) -> None:
    conn.execute(
        "INSERT INTO cloudtrail_log_files (trail_id, region, bucket, object_key, body, sha256,"
        " oldest_event, newest_event, slot_at, delivered_at, sse_kms_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            log.trail_id,
            log.region,
            log.bucket,
            log.key,
            log.body,
            log.sha256,
            log.oldest_event,
            log.newest_event,
            log.slot_at,
            log.delivered_at,
            log.sse_kms_key,
        ),
    )


def pending_logs(conn: Conn, trail_id: int, limit: int = 100) -> list[LogFile]:
    rows = conn.all(
        f"SELECT {_LOG_COLUMNS} FROM cloudtrail_log_files"  # noqa: S608
        " WHERE trail_id = ? AND delivered_at IS NULL ORDER BY id LIMIT ?",
        (trail_id, limit),
    )
    return [_log(r) for r in rows]


def log_delivered(conn: Conn, log_id: int, at: float, keep: bool) -> None:
    """Written to S3. ``keep`` the row (without its bytes) while a digest must list it."""
    if keep:
        conn.execute(
            "UPDATE cloudtrail_log_files SET delivered_at = ?, body = NULL WHERE id = ?",
            (at, log_id),
        )
    else:
        conn.execute("DELETE FROM cloudtrail_log_files WHERE id = ?", (log_id,))


def delivered_between(
    conn: Conn, trail_id: int, region: str, after: float, until: float
) -> list[LogFile]:
    """Log files of a trail and region delivered in (after, until]."""
    rows = conn.all(
        f"SELECT {_LOG_COLUMNS} FROM cloudtrail_log_files WHERE trail_id = ? AND region = ?"  # noqa: S608
        " AND delivered_at > ? AND delivered_at <= ? ORDER BY delivered_at, id",
        (trail_id, region, after, until),
    )
    return [_log(r) for r in rows]


def prune_logs(conn: Conn, trail_id: int, region: str, until: float) -> None:
    """Forget delivered files a digest has listed (they were kept only for digests)."""
    conn.execute(
        "DELETE FROM cloudtrail_log_files WHERE trail_id = ? AND region = ?"
        " AND delivered_at IS NOT NULL AND delivered_at <= ?",
        (trail_id, region, until),
    )


# -- digests -----------------------------------------------------------------------------

_DIGEST_COLUMNS = "id, trail_id, region, bucket, object_key, body, signature, end_at, delivered_at"


def _digest(row: Row) -> Digest:
    return Digest(
        id=int(str(row["id"])),
        trail_id=int(str(row["trail_id"])),
        region=str(row["region"]),
        bucket=str(row["bucket"]),
        key=str(row["object_key"]),
        body=_blob(row["body"]),
        signature=str(row["signature"]),
        end_at=float(str(row["end_at"])),
        delivered_at=_opt_float(row["delivered_at"]),
    )


def add_digest(conn: Conn, digest: Digest) -> None:
    conn.execute(
        "INSERT INTO cloudtrail_digests (trail_id, region, bucket, object_key, body, signature,"
        " end_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            digest.trail_id,
            digest.region,
            digest.bucket,
            digest.key,
            digest.body,
            digest.signature,
            digest.end_at,
            digest.delivered_at,
        ),
    )


def pending_digests(conn: Conn, trail_id: int, limit: int = 100) -> list[Digest]:
    rows = conn.all(
        f"SELECT {_DIGEST_COLUMNS} FROM cloudtrail_digests"  # noqa: S608
        " WHERE trail_id = ? AND delivered_at IS NULL ORDER BY id LIMIT ?",
        (trail_id, limit),
    )
    return [_digest(r) for r in rows]


def digest_delivered(conn: Conn, digest_id: int) -> None:
    """Written to S3: the chain row keeps what the next digest needs; the row goes."""
    conn.execute("DELETE FROM cloudtrail_digests WHERE id = ?", (digest_id,))


# -- chains ------------------------------------------------------------------------------

_CHAIN_COLUMNS = (
    "trail_id, region, active, last_end, prev_bucket, prev_key, prev_hash, prev_signature"
)


def _chain(row: Row) -> Chain:
    return Chain(
        trail_id=int(str(row["trail_id"])),
        region=str(row["region"]),
        active=bool(row["active"]),
        last_end=float(str(row["last_end"])),
        prev_bucket=_opt_text(row["prev_bucket"]),
        prev_key=_opt_text(row["prev_key"]),
        prev_hash=_opt_text(row["prev_hash"]),
        prev_signature=_opt_text(row["prev_signature"]),
    )


def chains(conn: Conn, trail_id: int) -> list[Chain]:
    rows = conn.all(
        f"SELECT {_CHAIN_COLUMNS} FROM cloudtrail_digest_chains WHERE trail_id = ?"  # noqa: S608
        " ORDER BY region",
        (trail_id,),
    )
    return [_chain(r) for r in rows]


def chain(conn: Conn, trail_id: int, region: str) -> Chain | None:
    row = conn.one(
        f"SELECT {_CHAIN_COLUMNS} FROM cloudtrail_digest_chains"  # noqa: S608
        " WHERE trail_id = ? AND region = ?",
        (trail_id, region),
    )
    return None if row is None else _chain(row)


def start_chain(conn: Conn, trail_id: int, region: str, at: float) -> None:
    """Begin (or begin again) a region's chain: its next digest is a starting digest. An
    active chain is left as it is."""
    known = chain(conn, trail_id, region)
    if known is None:
        conn.execute(
            f"INSERT INTO cloudtrail_digest_chains ({_CHAIN_COLUMNS})"  # noqa: S608
            " VALUES (?, ?, ?, ?, NULL, NULL, NULL, NULL)",
            (trail_id, region, True, at),
        )
    elif not known.active:
        conn.execute(
            "UPDATE cloudtrail_digest_chains SET active = ?, last_end = ?, prev_bucket = NULL,"
            " prev_key = NULL, prev_hash = NULL, prev_signature = NULL"
            " WHERE trail_id = ? AND region = ?",
            (True, at, trail_id, region),
        )


def advance_chain(conn: Conn, chain_row: Chain) -> None:
    conn.execute(
        "UPDATE cloudtrail_digest_chains SET active = ?, last_end = ?, prev_bucket = ?,"
        " prev_key = ?, prev_hash = ?, prev_signature = ? WHERE trail_id = ? AND region = ?",
        (
            chain_row.active,
            chain_row.last_end,
            chain_row.prev_bucket,
            chain_row.prev_key,
            chain_row.prev_hash,
            chain_row.prev_signature,
            chain_row.trail_id,
            chain_row.region,
        ),
    )


def stop_chains(conn: Conn, trail_id: int) -> None:
    conn.execute(
        "UPDATE cloudtrail_digest_chains SET active = ? WHERE trail_id = ?", (False, trail_id)
    )
