"""Crash safety: a writer killed with SIGKILL at random moments, over and over.

Each round starts ``blob_crash_child.py`` on the same data dir and metadata store, lets it
put, delete, compose and move objects while sweeping with a short grace period, and kills
it at a random moment. Then recovery runs and every object row must read back
byte-identical; everything the child reported committed must be there and nothing it
reported deleted. After the last round a sweep past every grace period must leave no temp
files, no unreferenced files or segments, and reference counts that match the rows.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fogbank
from fogbank.storage.blobs import BlobStore, DataKey
from fogbank.storage.db import Database
from tests.support.blob_crash_child import SETTINGS, content, open_store

CHILD = Path(__file__).parent.parent / "support" / "blob_crash_child.py"
ROUNDS = int(os.environ.get("FOGBANK_CRASH_ROUNDS", "20"))
SWEPT: dict[str, int] = {}


def _run_and_kill(
    url: str, root: Path, seed: int, rng: random.Random
) -> tuple[set[str], set[str], set[str]]:
    env = dict(os.environ, PYTHONPATH=str(Path(fogbank.__file__).parent.parent))
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), url, str(root), str(seed)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        bufsize=0,  # unbuffered: readline must not swallow lines that communicate() reads
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    if first != b"READY\n":
        proc.kill()
        raise AssertionError(f"child failed: {first!r} {proc.communicate()[1].decode()}")
    time.sleep(rng.uniform(0.05, 1.5))
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err.decode()
    assert b"Traceback" not in err, err.decode()
    lines: dict[str, set[str]] = {"C": set(), "d": set(), "D": set()}
    for line in out.decode().splitlines():
        kind, _, name = line.partition(" ")
        if kind == "S":  # what the child's own sweeps did
            for key, n in json.loads(name).items():
                SWEPT[key] = SWEPT.get(key, 0) + n
        else:
            lines[kind].add(name)
    return lines["C"], lines["d"], lines["D"]


def _verify(db: Database, store: BlobStore) -> dict[str, str]:
    rows = db.read_sync(lambda c: c.all("SELECT name, blob_id, size, recipe FROM crash_objects"))
    keys = [
        DataKey(bytes.fromhex(str(r["key_hex"])), str(r["key_ref"]))
        for r in db.read_sync(lambda c: c.all("SELECT key_ref, key_hex FROM crash_keys"))
    ]

    async def check() -> None:
        for r in rows:
            expected = content(json.loads(str(r["recipe"])))
            got = await store.read_bytes(str(r["blob_id"]), keys=keys)
            assert got == expected, f"object {r['name']} reads back wrong"

    asyncio.run(check())
    return {str(r["name"]): str(r["blob_id"]) for r in rows}


def _assert_clean(db: Database, store: BlobStore, root: Path) -> None:
    blobs = db.read_sync(
        lambda c: c.all("SELECT blob_id, layout, tier, location, refcount FROM blobs")
    )
    files = {(str(b["tier"]), str(b["location"])) for b in blobs if b["layout"] == "file"}
    segments = {(str(b["tier"]), str(b["location"])) for b in blobs if b["layout"] == "packed"}
    for tier in ("hot", "cold"):
        assert list(store.disk.temp_files(tier)) == []
        for name, _path in store.disk.blob_files(tier):
            assert (tier, name) in files, f"orphan file {tier}/{name}"
        for name, _path in store.disk.segment_files(tier):
            assert (tier, name) in segments, f"unreferenced segment {tier}/{name}"
    for tier, name in files:
        assert store.disk.blob_path(tier, name).exists()
    # Reference counts are exactly the rows and extents that point at each blob.
    expected: dict[str, int] = {}
    for r in db.read_sync(lambda c: c.all("SELECT blob_id FROM crash_objects")):
        expected[str(r["blob_id"])] = expected.get(str(r["blob_id"]), 0) + 1
    for r in db.read_sync(lambda c: c.all("SELECT blob_id FROM blob_extents")):
        expected[str(r["blob_id"])] = expected.get(str(r["blob_id"]), 0) + 1
    assert {str(b["blob_id"]): int(b["refcount"]) for b in blobs} == expected  # type: ignore[call-overload]
    assert db.read_sync(lambda c: c.scalar("SELECT COUNT(*) FROM blob_trash")) == 0


@pytest.mark.slow
def test_kill_9_at_random_moments(db: Database, tmp_path: Path) -> None:
    url = db.settings.url
    root = tmp_path / "blobs"
    rng = random.Random(int(os.environ.get("FOGBANK_CRASH_SEED", "20240601")))
    all_committed: set[str] = set()
    all_deleting: set[str] = set()
    all_deleted: set[str] = set()
    for round_no in range(ROUNDS):
        committed, deleting, deleted = _run_and_kill(url, root, round_no, rng)
        all_committed |= committed
        all_deleting |= deleting
        all_deleted |= deleted
        meta, store = open_store(url, root)
        try:
            store.recover()
            names = set(_verify(meta, store))
        finally:
            store.close()
            meta.close()
        missing = all_committed - all_deleting - names
        assert not missing, f"committed objects are missing after round {round_no}: {missing}"
        assert not (all_deleted & names), "a deleted object came back"
    assert len(all_committed) > 10 * ROUNDS  # the child did real work
    print("sweeps in the child:", SWEPT)
    later = time.time() + 10 * SETTINGS.grace_s
    meta, store = open_store(url, root)
    try:
        store.sweep_sync(later)
        store.sweep_sync(later + 10 * SETTINGS.grace_s)  # trash left by the first sweep
    finally:
        store.close()
        meta.close()
    # A compaction above appends to this store's own open segment, which stays locked (so
    # unswept) while the store is open, even if a later release empties it: a store that
    # did not write it sweeps it.
    meta, store = open_store(url, root)
    try:
        store.sweep_sync(later + 20 * SETTINGS.grace_s)
        _verify(meta, store)
        _assert_clean(meta, store, root)
    finally:
        store.close()
        meta.close()
