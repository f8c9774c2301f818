from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fogbank.storage.blobs import BlobStore
from fogbank.storage.db import Database, DbSettings


@pytest.fixture
def db(tmp_path: Path, empty_metadata_url_factory: Callable[[], str | None]) -> Iterator[Database]:
    url = empty_metadata_url_factory() or f"sqlite:///{tmp_path / 'meta.db'}"
    database = Database(DbSettings(url))
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def blob_db(db: Database) -> Database:
    """A metadata store with the blob store's tables."""
    from fogbank.storage.blobs import MIGRATIONS
    from fogbank.storage.migrations import migrate

    migrate(db, MIGRATIONS)
    return db


@pytest.fixture
def blob_store(blob_db: Database, tmp_path: Path) -> Iterator[BlobStore]:
    """A blob store under ``tmp_path/data`` with a second tier ``cold``."""
    store = BlobStore(tmp_path / "data", blob_db, tiers={"cold": tmp_path / "cold"})
    try:
        yield store
    finally:
        store.close()
