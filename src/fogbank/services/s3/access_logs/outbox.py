"""The durable buffer of access log records: a batch of records is stored in one
transaction, each with the target its source bucket's logging configuration names at
that moment (records of buckets without logging are dropped here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from fogbank.audit.events import AuditEvent
from fogbank.services.s3.access_logs.records import AccessRecord, bucket_of
from fogbank.storage.db import Conn, Database

if TYPE_CHECKING:  # S3's modules load when a record is first stored, not at start-up
    from fogbank.services.s3.access_logs.config import LoggingTarget
    from fogbank.services.s3.models import Bucket


class AccessLogOutbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def write_events(self, rows: Sequence[AccessRecord]) -> None:
        # A read first: most buckets are not logged, and a write transaction per batch of
        # S3 requests would queue behind (and slow) the writes that store objects.
        if not rows:
            return
        logged: bool = await self._db.read(lambda conn: _any_logged(conn, rows))
        if logged:
            await self._db.write(lambda conn: store(conn, rows))


class LoggedBuckets:
    """Records are built only for requests to buckets that have a logging configuration
    (most have none): one query per batch of S3 requests, before any record is built."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def wanted(self, events: Sequence[AuditEvent]) -> Callable[[AuditEvent], bool]:
        if not any(e.service == "s3" for e in events):
            return _none
        logged: set[str] = await self._db.read(_configured)
        if not logged:
            return _none
        return lambda event: event.service == "s3" and bucket_of(event) in logged


def _none(event: AuditEvent) -> bool:
    return False


def _configured(conn: Conn) -> set[str]:
    rows = conn.all("SELECT bucket FROM s3_bucket_configs WHERE kind = ?", ("logging",))
    return {str(r["bucket"]) for r in rows}


def store(conn: Conn, rows: Sequence[AccessRecord]) -> int:
    logged: dict[str, tuple[Bucket, LoggingTarget] | None] = {}
    stored = 0
    for row in rows:
        if row.bucket not in logged:
            logged[row.bucket] = _logged(conn, row.bucket)
        found = logged[row.bucket]
        if found is None:
            continue
        bucket, target = found
        conn.execute(
            """INSERT INTO s3_access_log_outbox (source_bucket, source_account, source_region,
                target_bucket, target_prefix, partitioned, date_source, event_time, line)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (bucket.name, bucket.owner_account, bucket.region, target.bucket, target.prefix,
             target.partitioned, target.date_source, row.event_time,
             row.line(bucket.owner_account)),
        )  # fmt: skip
        stored += 1
    return stored


def _any_logged(conn: Conn, rows: Sequence[AccessRecord]) -> bool:
    return any(_logged(conn, name) is not None for name in {row.bucket for row in rows})


def _logged(conn: Conn, name: str) -> tuple[Bucket, LoggingTarget] | None:
    from fogbank.services.s3.access_logs.config import KIND, target_of
    from fogbank.services.s3.store import buckets as bucket_store

    bucket = bucket_store.get(conn, name)
    if bucket is None:
        return None
    target = target_of(bucket_store.get_config(conn, name, KIND))
    return None if target is None else (bucket, target)
