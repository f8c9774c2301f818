"""Bounded memory: a 1 GiB write from a generator grows the resident set by < 64 MB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import fogbank
from fogbank.storage.db import Database

CHILD = Path(__file__).parent.parent / "support" / "blob_rss_child.py"
LIMIT = 64 * 1024 * 1024


@pytest.mark.slow
@pytest.mark.store_neutral  # bytes stream the same whatever holds the metadata
def test_a_gib_streams_through_bounded_memory(db: Database, tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(Path(fogbank.__file__).parent.parent))
    done = subprocess.run(
        [sys.executable, str(CHILD), db.settings.url, str(tmp_path / "data"), "1"],
        capture_output=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout.decode().splitlines()[-1])
    for kind in ("plain", "encrypted"):
        growth = result[kind]["peak"] - result[kind]["before"]
        assert growth < LIMIT, f"{kind}: RSS grew by {growth / 2**20:.1f} MiB"
