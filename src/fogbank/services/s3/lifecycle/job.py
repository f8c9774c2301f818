"""The lifecycle engine: a clock-driven job over the due-time index.

Each run first works through pending rescans (configuration changes), then reads the
keys whose due instant has passed (``WHERE due <= now``, in batches) and, per key:

1. reads its versions and plans; moves the bodies that change tier (archive on a
   transition to GLACIER/DEEP_ARCHIVE, back to the hot store when a restore completes,
   back to the cold store when the restored copy expires). Moves are idempotent.
2. in one transaction re-reads the key, applies every change that is due (one at a
   time, re-planning after each: an expiration makes the old version noncurrent, which
   may make it due too) and stores the key's next due instant.

Work done and the new due instant commit together, so a crash or restart neither
repeats nor skips anything; the work per run is proportional to the keys that are due,
not to the objects stored. Changes are dated when they fell due.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from functools import partial

from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.lifecycle import plan, schedule
from fogbank.services.s3.lifecycle.timing import after_days
from fogbank.services.s3.models import (
    ARCHIVE_CLASSES,
    COLD_TIER,
    IT_ARCHIVE_TIERS,
    ObjectMeta,
    ObjectVersion,
)
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import objects as object_store
from fogbank.services.s3.store import uploads as upload_store
from fogbank.services.s3.store import versions as version_store
from fogbank.storage.blobs import HOT, BlobError
from fogbank.storage.db import Conn

log = logging.getLogger("fogbank.s3.lifecycle")
MAX_ROUNDS = 1000  # changes applied to one key in one run
RESTORE_RETRY_S = 60.0  # a restore whose bytes could not be moved back: tried again then
RETRY_S = 3600.0  # a key whose processing failed is tried again this much later


@dataclass
class TickStats:
    """What one run did: the evidence that it scales with due work only."""

    due_queries: int = 0
    keys_examined: int = 0
    versions_read: int = 0
    changes: int = 0
    scan_steps: int = 0


class LifecycleJob:
    name = "s3-lifecycle"

    def __init__(self, engine: S3Engine, batch: int = 200, scan_batch: int = 2000) -> None:
        self._engine = engine
        self._batch = batch
        self._scan_batch = scan_batch
        self.last = TickStats()

    async def run_due(self, now: float) -> None:
        stats = TickStats()
        await self._rescan(stats)
        db = self._engine.db
        while True:
            keys = await db.read(lambda c: schedule.due_keys(c, now, self._batch))
            stats.due_queries += 1
            for bucket, key in keys:
                try:
                    await self._process(bucket, key, now, stats)
                except Exception:
                    log.exception("lifecycle of %s/%s failed", bucket, key)
                    await db.write(
                        partial(schedule.set_due, bucket=bucket, key=key, due=now + RETRY_S)
                    )
            if len(keys) < self._batch:
                break
        self.last = stats

    async def _rescan(self, stats: TickStats) -> None:
        db = self._engine.db
        for bucket, after in await db.read(schedule.scans):
            cursor = after
            while True:
                step = partial(
                    schedule.scan_step, bucket=bucket, after=cursor, batch=self._scan_batch
                )
                more = await db.write(step)
                stats.scan_steps += 1
                if not more:
                    break
                found = await db.read(partial(schedule.scan_cursor, bucket=bucket))
                if found is None:
                    break
                cursor = str(found)

    async def _process(self, bucket: str, key: str, now: float, stats: TickStats) -> None:
        engine = self._engine
        versions, uploads, config = await engine.db.read(
            lambda c: schedule.key_state(c, bucket, key)
        )
        stats.keys_examined += 1
        stats.versions_read += len(versions)
        due = [e for e in plan.events(key, versions, uploads, config) if e.due <= now]
        by_id = {v.version_id: v for v in versions}
        for event in due:
            obj = by_id.get(event.target)
            if obj is None or obj.blob_id is None:
                continue
            tier = _tier_after(event, obj)
            if tier is not None:
                try:
                    await engine.blobs.move(obj.blob_id, tier)
                except (BlobError, OSError):
                    log.exception("moving the body of %s/%s failed", bucket, key)
                    if tier == HOT:  # a restore completes only with its bytes readable
                        await engine.db.write(
                            lambda c: schedule.set_due(c, bucket, key, now + RESTORE_RETRY_S)
                        )
                        return
        stats.changes += await engine.db.write(partial(self._apply, bucket=bucket, key=key,
                                                       now=now))  # fmt: skip

    def _apply(self, conn: Conn, bucket: str, key: str, now: float) -> int:
        done = 0
        for _ in range(MAX_ROUNDS):
            versions, uploads, config = schedule.key_state(conn, bucket, key)
            due = [e for e in plan.events(key, versions, uploads, config) if e.due <= now]
            if not due:
                schedule.set_due(conn, bucket, key, plan.next_due(
                    plan.events(key, versions, uploads, config)))  # fmt: skip
                return done
            self._change(conn, bucket, due[0], {v.version_id: v for v in versions})
            done += 1
        schedule.set_due(conn, bucket, key, now + 60.0)  # more next run
        return done

    def _change(
        self, conn: Conn, bucket: str, event: plan.Event, by_id: dict[str, ObjectVersion]
    ) -> None:
        blobs = self._engine.blobs
        if event.kind == plan.ABORT:
            for blob_id in upload_store.delete(conn, event.target):
                blobs.release(conn, blob_id)
            return
        obj = by_id[event.target]
        if event.kind == plan.TRANSITION:
            version_store.set_storage_class(conn, obj, event.storage_class, event.due)
        elif event.kind == plan.TIER:
            version_store.set_access(conn, obj, event.storage_class, obj.last_access)
        elif event.kind == plan.RESTORED and obj.archive_tier is not None:
            # Intelligent-Tiering: back in Frequent Access, accessed now; no expiry.
            version_store.set_access(conn, obj, None, event.due)
            version_store.set_restore(conn, obj, ready=None, expiry=None, days=None)
        elif event.kind == plan.RESTORED:
            expiry = after_days(event.due, obj.restore_days or 1)
            version_store.set_restore(conn, obj, ready=None, expiry=expiry, days=obj.restore_days)
        elif event.kind == plan.UNRESTORE:
            version_store.set_restore(conn, obj, ready=None, expiry=None, days=None)
        elif event.kind == plan.REMOVE:
            object_store.remove(conn, obj)
            if obj.blob_id is not None:
                blobs.release(conn, obj.blob_id)
        elif event.kind == plan.EXPIRE:
            found = bucket_store.get(conn, bucket)
            versioning = None if found is None else found.versioning
            if versioning is None:
                object_store.remove(conn, obj)
                if obj.blob_id is not None:
                    blobs.release(conn, obj.blob_id)
                return
            marker = replace(
                obj, version_id="", delete_marker=True, blob_id=None, size=0, etag="",
                last_modified=event.due, storage_class="STANDARD", meta=ObjectMeta(),
                checksum=None, parts=(), tags=(), noncurrent_since=None, restore_ready=None,
                restore_expiry=None, restore_days=None, sse=None,
            )  # fmt: skip
            _, released = object_store.write(conn, marker, versioning, previous=obj)
            for blob_id in released:
                blobs.release(conn, blob_id)


def _tier_after(event: plan.Event, obj: ObjectVersion) -> str | None:
    """The tier a due event puts the version's body in, if it moves."""
    if event.kind == plan.TRANSITION and event.storage_class in ARCHIVE_CLASSES:
        return COLD_TIER
    if event.kind == plan.TIER and event.storage_class in IT_ARCHIVE_TIERS:
        return COLD_TIER
    if event.kind == plan.RESTORED:
        return HOT
    if event.kind == plan.UNRESTORE and obj.storage_class in ARCHIVE_CLASSES:
        return COLD_TIER
    return None
