"""One engine layer per module, with a MariaDB and a PostgreSQL instance behind the front."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support.rds import RdsHarness


@pytest.fixture(scope="module")
def rds(empty_metadata_url_factory: Callable[[], str | None]) -> Iterator[RdsHarness]:
    harness = RdsHarness(empty_metadata_url_factory())
    try:
        yield harness
    finally:
        harness.close()
