"""Fixtures for the CloudTrail contract suites: a migrated store, the service on a clock the
test moves by hand, a directory standing in for S3, and helpers to call operations and to
record events the way the gateway's recorder does."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from fogbank.audit.events import AuditEvent
from fogbank.audit.record import RecordBuilder, SpecsPlans
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.core.principal import Principal, root_principal
from fogbank.protocol.specs import Specs
from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.jobs import DeliveryJob
from fogbank.services.cloudtrail.outbox import RetentionJob
from fogbank.services.cloudtrail.provider import CloudTrailService
from fogbank.services.cloudtrail.store import schema
from fogbank.storage import core_schema
from fogbank.storage.db import Database
from fogbank.storage.migrations import migrate
from tests.contract.kms_support import ManualClock
from tests.support.cloudtrail import CloudTrailAnswers, DirectoryDestination

T = TypeVar("T")
ACCOUNT = "111122223333"
REGION = "us-east-1"
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z

_SPECS = Specs()


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@dataclass
class CloudTrailKit:
    db: Database
    clock: ManualClock
    dest: DirectoryDestination
    engine: Engine
    service: CloudTrailService
    builder: RecordBuilder
    requests: int = field(default=0)

    def call(
        self,
        operation: str,
        params: Mapping[str, object] | None = None,
        *,
        region: str = REGION,
        principal: Principal | None = None,
    ) -> dict[str, Any]:
        ctx = self.context(operation, region, principal)
        handler = self.service.operations()[operation]
        return dict(run(handler(ctx, dict(params or {}))))

    def fails(self, operation: str, params: Mapping[str, object], code: str, **kw: Any) -> AwsError:
        with pytest.raises(AwsError) as exc:
            self.call(operation, params, **kw)
        assert exc.value.code == code, f"{exc.value.code}: {exc.value.message}"
        return exc.value

    def context(
        self, operation: str, region: str = REGION, principal: Principal | None = None
    ) -> RequestContext:
        self.requests += 1
        return RequestContext(
            request_id=f"REQ{self.requests:013d}",
            service="cloudtrail",
            operation=operation,
            region=region,
            principal=principal or root_principal(ACCOUNT, "AKIAROOTKEY000000001"),
            clock=self.clock.clock,
        )

    def record(
        self,
        service: str,
        operation: str,
        params: Mapping[str, object] | None = None,
        *,
        region: str = REGION,
        principal: Principal | None = None,
        error: str | None = None,
        at: float | None = None,
    ) -> str:
        """Store one event as the recorder would; returns its event id."""
        who = principal or root_principal(ACCOUNT, "AKIAROOTKEY000000001")
        ctx = RequestContext(
            request_id=f"EV{self.requests:014d}",
            service=service,
            operation=operation,
            region=region,
            principal=who,
            clock=self.clock.clock,
            source_ip="198.51.100.7",
            access_key_id=who.access_key_id,
        )
        self.requests += 1
        event = AuditEvent(
            request_id=ctx.request_id,
            event_time=self.clock.now() if at is None else at,
            service=service,
            operation=operation,
            principal=who,
            source_ip="198.51.100.7",
            user_agent="tests",
            region=region,
            secure_transport=False,
            status=400 if error else 200,
            params=dict(params or {}),
            output=None if error else {},
            error_code=error,
            error_message="denied" if error else None,
            context=ctx,
        )
        row = self.builder.build(event)
        assert row is not None
        run(self.service.write_events([row]))
        return row.event_id

    def deliver(self, advance: float = 0.0) -> None:
        if advance:
            self.clock.advance(advance)
        run(DeliveryJob(self.engine).run_due(self.clock.now()))

    def retain(self) -> None:
        run(RetentionJob(self.engine.db).run_due(self.clock.now()))

    def answers(self, region: str = REGION) -> CloudTrailAnswers:
        """What the CLI's validator gets from DescribeTrails and ListPublicKeys."""
        trails = self.call("DescribeTrails", {}, region=region)["trailList"]
        keys = self.call(
            "ListPublicKeys",
            {
                "StartTime": datetime.fromtimestamp(START - 86400, UTC),
                "EndTime": datetime.fromtimestamp(self.clock.now() + 86400, UTC),
            },
            region=region,
        )["PublicKeyList"]
        for key in keys:
            key["Value"] = base64.b64encode(key["Value"]).decode()
        return CloudTrailAnswers(trails, keys)


@pytest.fixture(name="ct")
def ct_fixture(db: Database, tmp_path: Path) -> CloudTrailKit:
    migrate(db, (*core_schema.MIGRATIONS, *schema.MIGRATIONS))
    clock = ManualClock(START)
    dest = DirectoryDestination(tmp_path / "s3", owner=ACCOUNT)
    engine = Engine(db, clock.clock, destination=dest)
    service = CloudTrailService(engine)
    builder = RecordBuilder(SpecsPlans(_SPECS), default_account=ACCOUNT)
    return CloudTrailKit(db, clock, dest, engine, service, builder)
