"""How the S3 service is built from the data directory (called by server/assemble.py)."""

from __future__ import annotations

import logging
from pathlib import Path

from fogbank.core.clock import Clock
from fogbank.services.kms.client import KmsClient
from fogbank.services.s3.bucket_cache import BucketCache
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.layout import blob_root
from fogbank.services.s3.models import COLD_TIER
from fogbank.services.s3.provider import S3Service
from fogbank.services.s3.sse.keys import Sealer, SseKeys
from fogbank.storage.blobs import BlobStore
from fogbank.storage.db import Database
from fogbank.storage.stamp import Rounds

log = logging.getLogger("fogbank.s3")


def cold_root(data_dir: Path, cold_store: str | None = None) -> Path:
    """Where GLACIER and DEEP_ARCHIVE bodies live: ``cold_store`` (a directory), by default
    ``<data dir>/cold``."""
    return Path(cold_store).expanduser() if cold_store else Path(data_dir) / "cold"


def open_blobs(db: Database, data_dir: Path, cold_store: str | None = None) -> BlobStore:
    return BlobStore(blob_root(data_dir), db, tiers={COLD_TIER: cold_root(data_dir, cold_store)})


def recover_blobs(db: Database, data_dir: Path, cold_store: str | None = None) -> None:
    """At start-up, before any process serves: debris of a crash is swept (temp files of
    dead writers, blobs no row names once their grace period has passed)."""
    store = open_blobs(db, data_dir, cold_store)
    try:
        report = store.recover()
        if report != type(report)():
            log.info("blob store recovered: %s", report)
    finally:
        store.close()


def build_s3(
    db: Database,
    clock: Clock,
    data_dir: Path,
    kms: KmsClient,
    sealer: Sealer,
    cold_store: str | None = None,
    rounds: Rounds | None = None,
) -> S3Service:
    """The service; its blob store is opened on first use (building it touches no disk).
    ``kms`` makes and opens SSE-KMS data keys; ``sealer`` (the installation's root key)
    wraps SSE-S3 data keys; ``cold_store`` is where archived bodies live (see
    ``cold_root``). Bodies keep their encryption in either tier. ``rounds``: the
    process's requests, so that the bucket cache looks at its stamp once per request."""
    cache = BucketCache(Path(data_dir) / "s3" / "buckets.stamp", rounds)
    blobs = lambda: open_blobs(db, data_dir, cold_store)  # noqa: E731
    engine = S3Engine(db, blobs, clock, cache, SseKeys(kms, sealer))
    return S3Service(engine)
