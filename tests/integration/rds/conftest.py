"""One fogbank per test worker for the RDS tests, with an endpoint address range of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.integration.rds.clients import address_range
from tests.support.server import FogbankServer


@pytest.fixture(scope="session")
def rds_server(metadata_url_factory: Callable[[], str | None]) -> Iterator[FogbankServer]:
    server = FogbankServer(
        metadata_url=metadata_url_factory(),
        workers=2,
        env={"FOGBANK_RDS_ADDRESSES": address_range()},
    ).start()
    try:
        yield server
    finally:
        server.cleanup()
