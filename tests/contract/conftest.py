from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fogbank.storage.db import Database, DbSettings


@pytest.fixture
def db(tmp_path: Path, metadata_url_factory: Callable[[], str | None]) -> Iterator[Database]:
    url = metadata_url_factory() or f"sqlite:///{tmp_path / 'meta.db'}"
    database = Database(DbSettings(url))
    try:
        yield database
    finally:
        database.close()
