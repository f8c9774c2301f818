"""RDS's clock-driven work: a DB instance stopped for seven days starts again by itself.

As on AWS, a stopped instance is started automatically once it has been stopped for seven
days (of fogbank's simulated clock, so ``fogbank clock advance 7d`` shows it), with an
event saying why. When it was stopped is read from its "DB instance stopped" event.
"""

from __future__ import annotations

import logging
from functools import partial

from fogbank.core.errors import AwsError
from fogbank.services.rds import store
from fogbank.services.rds.backend import RdsBackend
from fogbank.services.rds.models import Desired, Event, Scope, Status
from fogbank.storage.db import Conn

log = logging.getLogger("fogbank.rds")

MAX_STOPPED = 7 * 24 * 3600
STOPPED_MESSAGE = "DB instance stopped"
RESTART_MESSAGE = (
    "DB instance is being started due to it exceeding the maximum allowed time being stopped."
)


def stopped_since(conn: Conn, scope: Scope, instance_id: str) -> float | None:
    """When the instance was last stopped (simulated epoch seconds), from its events."""
    value = conn.scalar(
        "SELECT MAX(at) AS at FROM rds_events WHERE account_id = ? AND region = ?"
        " AND source_id = ? AND source_type = ? AND message = ?",
        (scope.account_id, scope.region, instance_id, "db-instance", STOPPED_MESSAGE),
    )
    return None if value is None else float(str(value))


def _due(conn: Conn, now: float) -> list[tuple[Scope, str]]:
    rows = conn.all(
        "SELECT account_id, region, instance_id FROM rds_instances"
        " WHERE status = ? AND desired = ?",
        (Status.STOPPED.value, Desired.STOPPED.value),
    )
    out = []
    for row in rows:
        scope = Scope(str(row["account_id"]), str(row["region"]))
        name = str(row["instance_id"])
        since = stopped_since(conn, scope, name)
        if since is not None and since + MAX_STOPPED <= now:
            out.append((scope, name))
    return out


class AutoStart:
    name = "rds-auto-start"

    def __init__(self, rds: RdsBackend) -> None:
        self.rds = rds

    async def run_due(self, now: float) -> None:
        if not self.rds.serving:
            return
        due = await self.rds.db.read(lambda c: _due(c, now))
        if not due:
            return
        layer = await self.rds.layer()
        for scope, instance_id in due:
            try:
                await layer.instances.start(scope, instance_id)
            except AwsError as exc:  # deleted or started meanwhile
                log.info("automatic start of %s skipped: %s", instance_id, exc.message)
                continue
            event = Event(
                scope, instance_id, "db-instance", now, RESTART_MESSAGE, ("notification",)
            )
            await self.rds.db.write(partial(store.add_event, event=event))
