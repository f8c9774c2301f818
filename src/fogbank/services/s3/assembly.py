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
from fogbank.storage.blobs.remote import RemoteCredentials, RemoteLocation, S3RemoteTier
from fogbank.storage.db import Database

log = logging.getLogger("fogbank.s3")


ColdTier = Path | S3RemoteTier


def cold_tier(
    data_dir: Path, cold_store: str | None = None, credentials: RemoteCredentials | None = None
) -> ColdTier:
    """Where GLACIER and DEEP_ARCHIVE bodies live: ``cold_store``, a directory or the URL
    of a remote S3-compatible bucket (storage/blobs/remote.py); by default
    ``<data dir>/cold``."""
    if cold_store and "://" in cold_store:
        return S3RemoteTier(RemoteLocation.parse(cold_store), credentials)
    return Path(cold_store).expanduser() if cold_store else Path(data_dir) / "cold"


def open_blobs(db: Database, data_dir: Path, cold: ColdTier | None) -> BlobStore:
    return BlobStore(blob_root(data_dir), db, tiers={COLD_TIER: cold} if cold else None)


def recover_blobs(db: Database, data_dir: Path, cold: ColdTier) -> None:
    """At start-up, before any process serves: debris of a crash is swept (temp files of
    dead writers, blobs no row names once their grace period has passed). A remote cold
    store is left to the periodic sweep, so that start-up does not wait on the network."""
    store = open_blobs(db, data_dir, cold if isinstance(cold, Path) else None)
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
    cold: ColdTier,
) -> S3Service:
    """The service; its blob store is opened on first use (building it touches no disk).
    ``kms`` makes and opens SSE-KMS data keys; ``sealer`` (the installation's root key)
    wraps SSE-S3 data keys; ``cold`` is where archived bodies live (see
    ``cold_tier``). Bodies keep their encryption in either tier."""
    cache = BucketCache(Path(data_dir) / "s3" / "buckets.stamp")
    blobs = lambda: open_blobs(db, data_dir, cold)  # noqa: E731
    engine = S3Engine(db, blobs, clock, cache, SseKeys(kms, sealer))
    return S3Service(engine)
