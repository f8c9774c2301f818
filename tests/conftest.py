"""Shared fixtures: the metadata backend under test, and live fogbank servers."""

from __future__ import annotations

import compileall
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.server import FogbankServer

BACKEND = os.environ.get("FOGBANK_TEST_METADATA", "sqlite")
ROOT = Path(__file__).resolve().parents[1]
RDS_TEMPLATE_CACHE = "FOGBANK_RDS_TEMPLATE_CACHE"
_OWN_CACHE = pytest.StashKey[Path]()
STORE_FIXTURES = ("metadata_url_factory", "empty_metadata_url_factory")


def pytest_configure(config: pytest.Config) -> None:
    """Write fogbank's bytecode once, before the workers start: with
    PYTHONDONTWRITEBYTECODE set (as in many CI images) every server, worker and CLI
    process the suite starts would otherwise compile all of fogbank again (~1 s of CPU
    each). Up-to-date files are skipped; the __pycache__ folders are ignored by git."""
    if sys.dont_write_bytecode and not hasattr(config, "workerinput"):
        for tree in ("src", "tests"):
            compileall.compile_dir(ROOT / tree, quiet=1)
    if RDS_TEMPLATE_CACHE not in os.environ and not hasattr(config, "workerinput"):
        # One RDS template cache for the session (docs/rds.md): the servers and engine
        # layers the tests start make each engine's template once, not once each. Set
        # before the workers start, so that they and every server they start inherit it.
        cache = tempfile.mkdtemp(prefix="fogbank-test-rds-templates-")
        Path(cache).chmod(0o755)  # the engine user copies in and out of it
        os.environ[RDS_TEMPLATE_CACHE] = cache
        config.stash[_OWN_CACHE] = Path(cache)


def pytest_unconfigure(config: pytest.Config) -> None:
    cache = config.stash.get(_OWN_CACHE, None)
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
        os.environ.pop(RDS_TEMPLATE_CACHE, None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests that reach a metadata store (every such test asks
    for ``metadata_url_factory`` or ``empty_metadata_url_factory``, directly or through
    ``server``, ``make_server`` or ``db``) and that check something the store can change:
    the rest ran on SQLite already and would run the same code again."""
    if BACKEND != "postgresql":
        return
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        names = getattr(item, "fixturenames", ())
        reaches_store = any(f in names for f in STORE_FIXTURES)
        neutral = item.get_closest_marker("store_neutral") is not None
        (keep if reaches_store and not neutral else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    if BACKEND != "postgresql":
        yield None
        return
    from tests.support.postgres import PostgresCluster

    cluster = PostgresCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def metadata_url_factory(pg_cluster: Any) -> Callable[[], str | None]:
    """A new metadata store URL for each server (None: SQLite in its data dir). On
    PostgreSQL, a copy of a template made once per session by fogbank's own migrations:
    exactly the schema a server would build in an empty database (its start-up finds no
    migration to run), without the rows start-up seeds. See test_metadata_template.py."""
    if pg_cluster is None:
        return lambda: None
    from fogbank.server.assemble import all_migrations

    template = pg_cluster.make_template(all_migrations())

    def make() -> str | None:
        return str(pg_cluster.new_database(template=template))

    return make


@pytest.fixture(scope="session")
def empty_metadata_url_factory(pg_cluster: Any) -> Callable[[], str | None]:
    """A new, empty metadata store URL (None: SQLite in a file of the test's choosing),
    for tests of the store and its migrations rather than of a server."""

    def make() -> str | None:
        return pg_cluster.new_database() if pg_cluster is not None else None

    return make


@pytest.fixture
def make_server(
    metadata_url_factory: Callable[[], str | None],
) -> Iterator[Callable[..., FogbankServer]]:
    """Start fresh servers inside a test; all are stopped and cleaned up after it."""
    made: list[FogbankServer] = []

    def make(start: bool = True, **kwargs: Any) -> FogbankServer:
        kwargs.setdefault("metadata_url", metadata_url_factory())
        server = FogbankServer(**kwargs)
        made.append(server)
        return server.start() if start else server

    yield make
    for server in reversed(made):  # all stopped before any data dir goes: a later server
        server.stop()  # may run on an earlier one's dir (a restart)
    for server in made:
        server.cleanup()


@pytest.fixture(scope="session")
def server(metadata_url_factory: Callable[[], str | None]) -> Iterator[FogbankServer]:
    """One server shared by the tests that don't need a fresh one."""
    srv = FogbankServer(metadata_url=metadata_url_factory(), workers=2).start()
    try:
        yield srv
    finally:
        srv.cleanup()
