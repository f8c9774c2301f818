"""The service registry: services built on first use, marked in use, built where marked."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from fogbank.core.jobs import Job
from fogbank.services.base import ServiceProvider
from fogbank.services.registry import ServiceRegistry
from fogbank.storage import core_schema
from fogbank.storage.db import Database, DbSettings
from fogbank.storage.migrations import migrate


class Probe(ServiceProvider):
    def __init__(self, name: str, built_in: list[str], depends: ServiceProvider | None = None):
        self.name = name
        self.depends = depends
        self.started: list[bool] = []
        built_in.append(threading.current_thread().name)

    def jobs(self) -> tuple[Job, ...]:
        return (JobOf(self.name),)

    async def start(self, primary: bool) -> None:
        self.started.append(primary)


class JobOf:
    def __init__(self, name: str) -> None:
        self.name = f"{name}-job"

    async def run_due(self, now: float) -> None:
        return None


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    store = Database(DbSettings(f"sqlite:///{tmp_path / 'm.db'}"))
    migrate(store, core_schema.MIGRATIONS)
    yield store
    store.close()


def make(db: Database, jobs: list[Job], threads: list[str], primary: bool = False):  # type: ignore[no-untyped-def]
    def a(reg: ServiceRegistry) -> ServiceProvider:
        return Probe("a", threads)

    def b(reg: ServiceRegistry) -> ServiceProvider:
        return Probe("b", threads, depends=reg.require("a", Probe))

    return ServiceRegistry({"a": a, "b": b}, db=db, primary=primary, on_job=jobs.append)


def test_built_on_first_use_off_the_loop_with_dependencies_and_jobs(db: Database) -> None:
    jobs: list[Job] = []
    threads: list[str] = []
    registry = make(db, jobs, threads, primary=True)
    assert registry.names == ("a", "b")
    assert dict(registry.built) == {}

    async def main() -> tuple[ServiceProvider | None, ServiceProvider | None]:
        first = await registry.get("b")
        again = await registry.get("b")
        assert first is again
        return first, await registry.get("nope")

    b, unknown = asyncio.run(main())
    assert unknown is None
    assert isinstance(b, Probe) and isinstance(b.depends, Probe)
    assert set(registry.built) == {"a", "b"}
    assert b.started == [True] and b.depends.started == [True]
    assert sorted(j.name for j in jobs) == ["a-job", "b-job"]
    assert threading.main_thread().name not in threads  # imports and building: a thread
    from fogbank.storage import in_use

    assert db.read_sync(in_use.marked) == {"a", "b"}


def test_another_process_builds_what_is_marked_in_use(db: Database) -> None:
    first = make(db, [], [])
    asyncio.run(first.get("a"))
    second = make(db, [], [])
    asyncio.run(second.build_in_use())
    assert set(second.built) == {"a"}  # b was never used: not built


def test_build_all_marks_nothing(db: Database) -> None:
    registry = make(db, [], [])
    asyncio.run(registry.build_all())
    assert set(registry.built) == {"a", "b"}
    other = make(db, [], [])
    asyncio.run(other.build_in_use())
    assert dict(other.built) == {}


def test_a_store_from_before_the_marks_counts_every_service_in_use(tmp_path: Path) -> None:
    from fogbank.storage.migrations import Migration

    store = Database(DbSettings(f"sqlite:///{tmp_path / 'old.db'}"))
    try:
        migrate(store, (core_schema.MIGRATIONS[0], Migration("svc", 1, "old", ())))
        migrate(store, core_schema.MIGRATIONS)
        registry = make(store, [], [])
        asyncio.run(registry.build_in_use())
        assert set(registry.built) == {"a", "b"}
    finally:
        store.close()
