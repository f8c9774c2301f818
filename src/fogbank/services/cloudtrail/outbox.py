"""Where every request's CloudTrail event goes (the audit recorder's batches), and how
long it stays: the event table, with its retention job.

Every request is recorded and recorded events expire whether or not a trail exists, so
this is built with the gateway; the rest of CloudTrail (trails, delivery, digests) is
built on its first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from fogbank.audit.events import AuditEvent
from fogbank.services.cloudtrail.events import EventRow
from fogbank.services.cloudtrail.models import HISTORY_SECONDS
from fogbank.services.cloudtrail.store import events as event_store
from fogbank.services.cloudtrail.store import trails as trail_store
from fogbank.storage.db import Conn, Database

# With no trail delivering, data events older than this are dropped (a trail that starts
# logging delivers only what follows its start).
DATA_GRACE = 60.0


class EventOutbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def write_events(self, rows: Sequence[EventRow]) -> None:
        """One store write per batch."""
        await self.db.write(partial(event_store.insert, rows=rows))

    def retention_job(self) -> RetentionJob:
        return RetentionJob(self.db)


class DataEventGate:
    """Data events are built and stored only while some trail delivers (management events
    always: they make the event history). Asked once per batch, after every event of the
    batch was recorded: a trail whose logging starts later would skip them anyway, as it
    skips every event from before its start; one that delivers now sees them stored."""

    def __init__(self, db: Database, is_data: Callable[[AuditEvent], bool]) -> None:
        self._db = db
        self._is_data = is_data

    async def wanted(self, events: Sequence[AuditEvent]) -> Callable[[AuditEvent], bool]:
        if not any(self._is_data(e) for e in events):
            return _every
        if await self._db.read(trail_store.lowest_cursor) is not None:
            return _every
        return lambda event: not self._is_data(event)


def _every(event: AuditEvent) -> bool:
    return True


class RetentionJob:
    """Drops events past LookupEvents' 90 days, and data events every trail has passed."""

    name = "cloudtrail-retention"

    def __init__(self, db: Database, batch: int = 5000) -> None:
        self._db = db
        self._batch = batch

    async def run_due(self, now: float) -> None:
        db = self._db
        cutoff = now - HISTORY_SECONDS
        while await db.write(partial(event_store.purge_before, cutoff=cutoff, limit=self._batch)):
            pass
        passed = await db.read(self._passed_by_all)
        while await db.write(
            partial(
                event_store.purge_delivered_data,
                cursor=passed,
                before=now - DATA_GRACE,
                limit=self._batch,
            )
        ):
            pass

    @staticmethod
    def _passed_by_all(conn: Conn) -> tuple[int, int] | None:
        """The cursor every delivering trail has passed; None when no trail delivers."""
        return trail_store.lowest_cursor(conn)
