"""A fresh EFS file-system store on SQLite in a temp dir."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fogbank.core.clock import Clock
from fogbank.services.efs.fs.schema import MIGRATIONS
from fogbank.services.efs.fs.store import FsStore
from fogbank.storage.db import Database, DbSettings
from fogbank.storage.migrations import migrate


@pytest.fixture
def fs_store(tmp_path: Path) -> Iterator[FsStore]:
    db = Database(DbSettings(f"sqlite:///{tmp_path}/meta.db"))
    migrate(db, MIGRATIONS)
    io = ThreadPoolExecutor(4)
    try:
        yield FsStore(db, tmp_path, Clock(), io)
    finally:
        io.shutdown()
        db.close()
