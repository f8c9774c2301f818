"""Fixtures for the KMS contract suites: a migrated store, an engine on a clock the test
moves by hand (no sleeping), and helpers to call the async operations."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from fogbank.core.clock import Clock, ClockState, FixedSource
from fogbank.core.errors import AwsError
from fogbank.services.kms import schema
from fogbank.services.kms.engine import Engine
from fogbank.storage import core_schema
from fogbank.storage.db import Database
from fogbank.storage.migrations import migrate

T = TypeVar("T")
ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
REGION = "us-east-1"
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z
DAY = 86400.0


class ManualClock:
    """Simulated time that only moves when the test says so."""

    def __init__(self, start: float = START) -> None:
        self.source = FixedSource(ClockState(0.0, start, 1.0))
        self.clock = Clock(self.source, real=lambda: 0.0)

    def now(self) -> float:
        return self.clock.time()

    def advance(self, seconds: float) -> float:
        self.source.state = ClockState(0.0, self.now() + seconds, 1.0)
        return self.now()


@dataclass
class Kms:
    engine: Engine
    clock: ManualClock
    db: Database
    data_dir: Path

    def reopen(self, passphrase: str | None = None) -> Engine:
        return Engine.open(self.db, self.clock.clock, self.data_dir, passphrase)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def fails(coro: Coroutine[Any, Any, object], code: str) -> AwsError:
    """Run ``coro`` expecting the AWS error ``code``; return it for more checks."""
    with pytest.raises(AwsError) as exc:
        run(coro)
    assert exc.value.code == code, f"{exc.value.code}: {exc.value.message}"
    return exc.value


@pytest.fixture(name="kms_db")
def kms_db_fixture(db: Database) -> Database:
    migrate(db, (*core_schema.MIGRATIONS, *schema.MIGRATIONS))
    return db


@pytest.fixture(name="kms")
def kms_fixture(kms_db: Database, tmp_path: Path) -> Iterator[Kms]:
    clock = ManualClock()
    data_dir = tmp_path / "data"
    engine = Engine.open(kms_db, clock.clock, data_dir)
    yield Kms(engine, clock, kms_db, data_dir)
