"""kill -9 during 200 concurrent PUTs and overwrites: after a restart every acknowledged
PUT reads back byte-identical (or as a later write of the same key), no key returns a
partial body, and once the grace periods have passed nothing is left on disk that no
object refers to."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from typing import Any

import pytest
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from fogbank.services.s3.assembly import blob_root
from fogbank.storage.blobs import BlobStore
from fogbank.storage.db import Database, DbSettings
from tests.support.server import FogbankServer

WRITERS = 200
KiB = 1024


def body(key: str, version: int) -> bytes:
    """Deterministic contents of ``version`` of ``key``: 1 KiB to 300 KiB (packed blobs
    and blobs in their own files)."""
    seed = hashlib.sha256(f"{key}:{version}".encode()).digest()
    size = KiB * (1 + int.from_bytes(seed[:2], "big") % 300)
    return (seed * (size // 32 + 1))[:size]


class Writer(threading.Thread):
    """Overwrites one key again and again, recording which versions were acknowledged."""

    def __init__(self, s3: Any, bucket: str, key: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.s3, self.bucket, self.key, self.stop = s3, bucket, key, stop
        self.acked = -1
        self.sent = -1

    def run(self) -> None:
        version = 0
        while not self.stop.is_set():
            self.sent = version
            try:
                self.s3.put_object(Bucket=self.bucket, Key=self.key, Body=body(self.key, version))
            except Exception:  # the server died under us
                return
            self.acked = version
            version += 1


def assert_clean(server: FogbankServer) -> None:
    url = server.metadata_url or f"sqlite:///{server.data_dir / 'metadata.db'}"
    db = Database(DbSettings(url))
    store = BlobStore(blob_root(server.data_dir), db)
    try:
        later = time.time() + 10 * store.settings.grace_s
        store.sweep_sync(later)
        store.sweep_sync(later + 10 * store.settings.grace_s)
        blobs = db.read_sync(
            lambda c: c.all("SELECT blob_id, layout, location, refcount FROM blobs")
        )
        files = {str(b["location"]) for b in blobs if b["layout"] == "file"}
        segments = {str(b["location"]) for b in blobs if b["layout"] == "packed"}
        assert list(store.disk.temp_files("hot")) == []
        for name, _ in store.disk.blob_files("hot"):
            assert name in files, f"orphan blob file {name}"
        for name, _ in store.disk.segment_files("hot"):
            assert name in segments, f"unreferenced segment {name}"
        expected: dict[str, int] = {}
        for table in ("s3_objects", "s3_parts", "blob_extents"):
            for r in db.read_sync(
                lambda c, t=table: c.all(f"SELECT blob_id FROM {t} WHERE blob_id IS NOT NULL")
            ):
                expected[str(r["blob_id"])] = expected.get(str(r["blob_id"]), 0) + 1
        assert {str(b["blob_id"]): int(b["refcount"]) for b in blobs} == expected
    finally:
        store.close()
        db.close()


@pytest.mark.slow
def test_kill_9_during_concurrent_puts(make_server: Any) -> None:
    server = make_server(workers=2)
    config = BotoConfig(retries={"max_attempts": 1}, max_pool_connections=WRITERS,
                        connect_timeout=5, read_timeout=30)  # fmt: skip
    s3 = server.client("s3", config=config)
    s3.create_bucket(Bucket="crash")
    stop = threading.Event()
    writers = [Writer(s3, "crash", f"key/{i:03d}", stop) for i in range(WRITERS)]
    for w in writers:
        w.start()
    # Kill once the writers are well under way (however slow the machine), at a random moment.
    deadline = time.monotonic() + 120
    while sum(w.acked + 1 for w in writers) <= WRITERS and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(random.Random(7).uniform(0.0, 1.0))
    server.kill()
    stop.set()
    for w in writers:
        w.join(timeout=60)
    acked = sum(w.acked + 1 for w in writers)
    assert acked > WRITERS, "the writers did too little before the kill"
    server.start()
    s3 = server.client("s3", config=config)
    for w in writers:
        try:
            got = s3.get_object(Bucket="crash", Key=w.key)["Body"].read()
        except ClientError as err:
            assert err.response["Error"]["Code"] == "NoSuchKey"
            assert w.acked == -1, f"{w.key}: acknowledged version {w.acked} is gone"
            continue
        # the last acknowledged version, or the one in flight at the kill; never partial
        allowed = {v: body(w.key, v) for v in range(max(0, w.acked), w.sent + 1)}
        match = [v for v, data in allowed.items() if data == got]
        assert match, f"{w.key}: {len(got)} bytes match no version in {sorted(allowed)}"
    server.stop()
    assert_clean(server)
