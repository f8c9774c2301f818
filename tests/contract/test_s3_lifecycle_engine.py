"""The lifecycle engine over the real store: a run's work follows the keys that are due,
not the objects stored (20,000 objects), and a second run or a restarted engine neither
repeats nor skips work."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fogbank.core.clock import Clock
from fogbank.server.assemble import all_migrations
from fogbank.services.kms.client import KmsClient
from fogbank.services.kms.engine import Engine as KmsEngine
from fogbank.services.kms.keyring import Keyring
from fogbank.services.kms.rootkey import RootKey
from fogbank.services.s3.bucket_cache import BucketCache
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.lifecycle import plan, rules, schedule
from fogbank.services.s3.lifecycle.job import LifecycleJob, TickStats
from fogbank.services.s3.lifecycle.timing import DAY
from fogbank.services.s3.models import NULL_VERSION, STANDARD, Bucket, ObjectMeta, ObjectVersion
from fogbank.services.s3.sse.keys import SseKeys
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import versions as version_store
from fogbank.storage.blobs import BlobStore
from fogbank.storage.db import Conn, Database
from fogbank.storage.migrations import migrate

T0 = 2_000_000_000.0 - (2_000_000_000.0 % DAY)  # a midnight UTC
RULE = {"ID": "old", "Status": "Enabled", "Filter": {"Prefix": "data/"},
        "Expiration": {"Days": 30}}  # fmt: skip


@pytest.fixture
def engine(db: Database, tmp_path: Path) -> Iterator[S3Engine]:
    migrate(db, all_migrations())
    blobs = BlobStore(tmp_path / "blobs", db, tiers={"cold": tmp_path / "cold"})
    clock = Clock()
    root = RootKey(os.urandom(32))
    sse = SseKeys(KmsClient(KmsEngine(db, clock, Keyring(root))), root)
    eng = S3Engine(db, blobs, clock, BucketCache(tmp_path / "stamp"), sse)
    try:
        yield eng
    finally:
        eng.close()


def _objects(bucket: str, count: int, old: int) -> list[ObjectVersion]:
    """``count`` objects; the first ``old`` were written 40 days before T0, the rest at
    T0 (due in 30 days)."""
    return [
        ObjectVersion(
            bucket=bucket,
            key=f"data/{i:07d}",
            version_id=NULL_VERSION,
            is_latest=True,
            delete_marker=False,
            blob_id=None,
            size=0,
            etag="d41d8cd98f00b204e9800998ecf8427e",
            last_modified=T0 - 40 * DAY if i < old else T0,
            storage_class=STANDARD,
            owner_account="000000000000",
            meta=ObjectMeta(),
            seq=1,
        )
        for i in range(count)
    ]


def _load(engine: S3Engine, bucket: str, count: int, old: int, scan: bool = True) -> None:
    """Store the objects and the rule; with ``scan`` the engine plans every key (as after
    PutBucketLifecycleConfiguration), otherwise they are planned here, in bulk (as the
    writes would have, one by one)."""
    objs = _objects(bucket, count, old)
    doc = rules.parse_config([RULE])
    config = rules.load(doc)

    def load(conn: Conn) -> None:
        bucket_store.insert(conn, Bucket(bucket, "000000000000", "us-east-1", T0 - 50 * DAY))
        for start in range(0, len(objs), 10_000):
            version_store.insert_many(conn, objs[start : start + 10_000])
        bucket_store.put_config(conn, bucket, schedule.CONFIG_KIND, doc, T0)
        if scan:
            schedule.start_scan(conn, bucket, T0)
        else:
            dues = [(o.key, plan.next_due(plan.events(o.key, [o], [], config))) for o in objs]
            schedule.set_due_many(conn, bucket, dues)

    engine.db.write_sync(load)


def _run(job: LifecycleJob, now: float) -> TickStats:
    asyncio.run(job.run_due(now))
    return job.last


def _count(engine: S3Engine, bucket: str) -> int:
    value = engine.db.read_sync(
        lambda c: c.scalar("SELECT COUNT(*) FROM s3_objects WHERE bucket = ?", (bucket,))
    )
    assert isinstance(value, int)
    return value


@pytest.mark.slow
def test_a_run_does_work_for_due_keys_only(engine: S3Engine) -> None:
    _load(engine, "small", 1_000, old=10)
    _load(engine, "large", 20_000, old=10, scan=False)
    job = LifecycleJob(engine)
    planned = _run(job, T0)  # the small bucket's rescan, and the due work
    assert planned.scan_steps == 1
    indexed = engine.db.read_sync(
        lambda c: c.scalar("SELECT COUNT(*) FROM s3_lifecycle_due WHERE due > ?", (T0,))
    )
    assert indexed == 990 + 19_990  # one row per key still waiting, due in 30 days
    # The 10 old objects of each bucket were already due at T0 and done by that run.
    assert planned.keys_examined == 20 and planned.changes == 20
    assert _count(engine, "small") == 990 and _count(engine, "large") == 19_990

    # A later run before anything else is due: no key examined, one index query.
    quiet = _run(LifecycleJob(engine), T0 + 10 * DAY)
    assert (quiet.keys_examined, quiet.versions_read, quiet.due_queries) == (0, 0, 1)

    # Make exactly 5 keys of each bucket due: the run's work is the same for 1,000 and
    # 20,000 objects not due.
    def age(conn: Conn) -> None:
        for b in ("small", "large"):
            for i in range(10, 15):
                conn.execute(
                    "UPDATE s3_objects SET last_modified = ? WHERE bucket = ? AND key = ?",
                    (T0 - 35 * DAY, b, f"data/{i:07d}"),
                )
                schedule.reschedule(conn, b, f"data/{i:07d}")

    engine.db.write_sync(age)
    busy = _run(LifecycleJob(engine), T0 + 10 * DAY)
    assert (busy.keys_examined, busy.versions_read, busy.changes, busy.due_queries) == (
        10, 10, 10, 1,
    )  # fmt: skip
    assert _count(engine, "small") == 985 and _count(engine, "large") == 19_985


def test_restarted_engine_neither_repeats_nor_skips(engine: S3Engine) -> None:
    _load(engine, "b", 50, old=5)
    first = _run(LifecycleJob(engine), T0)
    assert first.changes == 5
    again = _run(LifecycleJob(engine), T0)  # a new engine, as after a restart
    assert (again.keys_examined, again.changes) == (0, 0)
    later = _run(LifecycleJob(engine), T0 + 31 * DAY)  # the rest fall due at T0 + 30 days
    assert later.changes == 45 and _count(engine, "b") == 0


def test_a_rescan_interrupted_resumes_from_its_cursor(engine: S3Engine) -> None:
    _load(engine, "b", 5_000, old=0)
    engine.db.write_sync(lambda c: schedule.scan_step(c, "b", "", 2000))  # then "crash"
    cursor = engine.db.read_sync(lambda c: schedule.scan_cursor(c, "b"))
    assert cursor is not None and cursor >= "data/0001999"
    stats = _run(LifecycleJob(engine), T0)
    assert stats.scan_steps == 2
    planned = engine.db.read_sync(
        lambda c: c.scalar("SELECT COUNT(*) FROM s3_lifecycle_due WHERE bucket = ?", ("b",))
    )
    assert planned == 5_000
