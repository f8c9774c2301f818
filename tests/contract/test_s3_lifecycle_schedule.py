"""The due-time index after an object write: the shortcut for buckets without lifecycle
rules (``schedule.reschedule_written``) leaves it as recomputing the whole key would."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
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
from fogbank.services.s3.lifecycle.timing import DAY
from fogbank.services.s3.models import NULL_VERSION, STANDARD, Bucket, ObjectMeta, ObjectVersion
from fogbank.services.s3.ops.writing import commit_object
from fogbank.services.s3.sse.keys import SseKeys
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import objects as object_store
from fogbank.services.s3.store import versions as version_store
from fogbank.storage.blobs import BlobStore
from fogbank.storage.db import Conn, Database
from fogbank.storage.migrations import migrate

T0 = 2_000_000_000.0 - (2_000_000_000.0 % DAY)


@pytest.fixture
def engine(db: Database, tmp_path: Path) -> Iterator[S3Engine]:
    migrate(db, all_migrations())
    blobs = BlobStore(tmp_path / "blobs", db)
    clock = Clock()
    root = RootKey(os.urandom(32))
    sse = SseKeys(KmsClient(KmsEngine(db, clock, Keyring(root))), root)
    eng = S3Engine(db, blobs, clock, BucketCache(tmp_path / "stamp"), sse)
    try:
        yield eng
    finally:
        eng.close()


def _bucket(engine: S3Engine, name: str, versioning: str | None = None) -> None:
    bucket = Bucket(name, "000000000000", "us-east-1", T0 - 10 * DAY, versioning=versioning)
    engine.db.write_sync(lambda c: bucket_store.insert(c, bucket))


def _put(
    engine: S3Engine, bucket: str, key: str, at: float, cls: str = STANDARD, size: int = 0
) -> None:
    obj = ObjectVersion(
        bucket=bucket, key=key, version_id=NULL_VERSION, is_latest=True, delete_marker=False,
        blob_id=None, size=size, etag="d41d8cd98f00b204e9800998ecf8427e", last_modified=at,
        storage_class=cls, owner_account="000000000000", meta=ObjectMeta(),
    )  # fmt: skip
    engine.db.write_sync(lambda c: commit_object(engine, c, obj))


def _stored_and_full(engine: S3Engine, bucket: str, key: str) -> tuple[float | None, ...]:
    def read(conn: Conn) -> tuple[float | None, ...]:
        versions, uploads, config = schedule.key_state(conn, bucket, key)
        full = plan.next_due(plan.events(key, versions, uploads, config))
        return schedule.due_of(conn, bucket, key), full

    return engine.db.read_sync(read)


def test_a_plain_write_without_rules_leaves_nothing_due(engine: S3Engine) -> None:
    _bucket(engine, "plain")
    _put(engine, "plain", "k", T0)
    _put(engine, "plain", "k", T0 + 1)
    assert _stored_and_full(engine, "plain", "k") == (None, None)


def test_an_intelligent_tiering_write_is_due_at_its_first_move(engine: S3Engine) -> None:
    _bucket(engine, "it")
    _put(engine, "it", "small", T0, cls="INTELLIGENT_TIERING", size=1024)
    assert _stored_and_full(engine, "it", "small") == (None, None)  # under 128 KiB: not moved
    _put(engine, "it", "k", T0, cls="INTELLIGENT_TIERING", size=128 * 1024)
    # Infrequent Access after 30 days without access.
    assert _stored_and_full(engine, "it", "k") == (T0 + 30 * DAY, T0 + 30 * DAY)
    _put(engine, "it", "k", T0 + DAY)  # replaced by a STANDARD object: nothing left
    assert _stored_and_full(engine, "it", "k") == (None, None)


def test_an_older_versions_restore_stays_due(engine: S3Engine) -> None:
    _bucket(engine, "ver", versioning="Enabled")
    _put(engine, "ver", "k", T0, cls="GLACIER")

    def restoring(conn: Conn) -> None:
        obj = object_store.latest(conn, "ver", "k")
        assert obj is not None
        version_store.set_restore(conn, obj, ready=T0 + 5 * 3600, expiry=None, days=1)
        schedule.reschedule(conn, "ver", "k")

    engine.db.write_sync(restoring)
    _put(engine, "ver", "k", T0 + 60)  # the restoring version becomes noncurrent
    assert _stored_and_full(engine, "ver", "k") == (T0 + 5 * 3600, T0 + 5 * 3600)


def test_a_bucket_with_rules_plans_the_write(engine: S3Engine) -> None:
    _bucket(engine, "ruled")
    rule = {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "data/"},
            "Expiration": {"Days": 30}}  # fmt: skip
    doc = rules.parse_config([rule])
    engine.db.write_sync(
        lambda c: bucket_store.put_config(c, "ruled", schedule.CONFIG_KIND, doc, T0)
    )
    _put(engine, "ruled", "data/a", T0 + 3600)
    _put(engine, "ruled", "other", T0 + 3600)
    # Expiration is due at the midnight UTC after 30 days from the write.
    assert _stored_and_full(engine, "ruled", "data/a") == (T0 + 31 * DAY, T0 + 31 * DAY)
    assert _stored_and_full(engine, "ruled", "other") == (None, None)


def test_a_copy_of_restored_state_takes_the_full_path(engine: S3Engine) -> None:
    """A version given restore state of its own is planned from the stored rows."""
    _bucket(engine, "odd")
    obj = ObjectVersion(
        bucket="odd", key="k", version_id=NULL_VERSION, is_latest=True, delete_marker=False,
        blob_id=None, size=0, etag="d41d8cd98f00b204e9800998ecf8427e", last_modified=T0,
        storage_class="GLACIER", owner_account="000000000000", meta=ObjectMeta(),
    )  # fmt: skip
    odd = replace(obj, restore_ready=T0 + 100.0)
    engine.db.write_sync(lambda c: commit_object(engine, c, odd))
    stored, full = _stored_and_full(engine, "odd", "k")
    assert stored == full
