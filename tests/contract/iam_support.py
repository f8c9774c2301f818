"""Fixtures for the IAM contract suite: a migrated store, the IAM engine on a clock the
test moves by hand, and a way to call operations as a given principal."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from fogbank.core.clock import Clock, ClockState, FixedSource
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.core.principal import Principal, root_principal
from fogbank.services.base import Output
from fogbank.services.iam import root_keys
from fogbank.services.iam import schema as iam_schema
from fogbank.services.iam.catalog import ManagedCatalog
from fogbank.services.iam.engine import IamEngine
from fogbank.services.iam.provider import IamService
from fogbank.services.iam.usage import UsageRecorder
from fogbank.storage import core_schema
from fogbank.storage.db import Database
from fogbank.storage.migrations import migrate
from fogbank.storage.stamp import ChangeStamp

T = TypeVar("T")
ACCOUNT = "111122223333"
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def doc(*statements: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str, resource: str = "*") -> dict[str, object]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def trust(*arns: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": list(arns)}, "Action": "sts:AssumeRole"}
            ],
        }
    )


@dataclass
class Iam:
    engine: IamEngine
    service: IamService
    usage: UsageRecorder
    db: Database
    source: FixedSource

    def advance(self, seconds: float) -> None:
        now = self.engine.clock.time()
        self.source.state = ClockState(0.0, now + seconds, 1.0)

    def ctx(self, operation: str, principal: Principal | None = None) -> RequestContext:
        return RequestContext(
            "R1",
            "iam",
            operation,
            "us-east-1",
            principal or root_principal(ACCOUNT),
            self.engine.clock,
        )

    def call(self, operation: str, principal: Principal | None = None, **params: Any) -> Output:
        handler = self.service.operations()[operation]
        return run(handler(self.ctx(operation, principal), dict(params)))

    def fails(self, code: str, operation: str, **params: Any) -> AwsError:
        with pytest.raises(AwsError) as exc:
            self.call(operation, **params)
        assert exc.value.code == code, f"{exc.value.code}: {exc.value.message}"
        return exc.value


@pytest.fixture(name="iam")
def iam_fixture(db: Database, tmp_path: Path) -> Iterator[Iam]:
    migrate(db, (*core_schema.MIGRATIONS, *iam_schema.MIGRATIONS))
    db.write_sync(lambda conn: root_keys.ensure_account(conn, ACCOUNT, "test"))
    source = FixedSource(ClockState(0.0, START, 1.0))
    clock = Clock(source, real=lambda: 0.0)
    engine = IamEngine(db, clock, ManagedCatalog.load(), ChangeStamp(tmp_path / "iam.stamp"))
    usage = UsageRecorder(db)
    yield Iam(engine, IamService(engine, usage), usage, db, source)
