"""CloudTrail's clock-driven work.

- ``DeliveryJob``: numbers newly recorded events (claims), then for every logging trail
  writes the log files due by now, then the digests due by now; a stopped or deleted trail
  gets its last files and a final digest, then is closed.
- ``RetentionJob`` (in ``outbox``, as it runs whether CloudTrail is built or not): drops
  events older than 90 days (the event history's window) and data events every trail has
  already passed (they are not part of the event history).
"""

from __future__ import annotations

import logging
from functools import partial

from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.shipping import Shipper
from fogbank.services.cloudtrail.store import events as event_store
from fogbank.services.cloudtrail.store import files as file_store
from fogbank.services.cloudtrail.store import trails as trail_store
from fogbank.storage.db import Conn

log = logging.getLogger("fogbank.cloudtrail")

# After StopLogging, wait this long (simulated seconds) for events recorded behind (the
# StopLogging call itself, calls on other gateway processes) before the final delivery.
FINALIZE_GRACE = 2.0
# A stopped trail whose bucket stays unwritable is closed anyway after this long.
FINALIZE_GIVE_UP = 86400.0


class DeliveryJob:
    name = "cloudtrail-delivery"

    def __init__(self, engine: Engine, shipper: Shipper | None = None) -> None:
        self._engine = engine
        self._shipper = shipper or Shipper(engine)

    async def run_due(self, now: float) -> None:
        db = self._engine.db
        delivering = await db.read(trail_store.delivering)
        if not delivering:
            return  # nothing to claim events for: a trail that starts skips the past
        await db.write(event_store.claim)
        for trail_id in delivering:
            try:
                await self._run_trail(trail_id, now)
            except Exception:
                log.exception("cloudtrail delivery of trail %s failed", trail_id)

    async def _run_trail(self, trail_id: int, now: float) -> None:
        db = self._engine.db
        trail = await db.read(partial(trail_store.by_id, trail_id=trail_id))
        if trail is None:
            return
        if trail.finalize_at is not None and now < trail.finalize_at + FINALIZE_GRACE:
            return
        await self._shipper.plan_logs(trail_id, now)
        trail = await db.read(partial(trail_store.by_id, trail_id=trail_id))
        if trail is None:
            return
        logs_ok = await self._shipper.deliver_logs(trail, now)
        await self._shipper.make_digests(trail, now)
        digests_ok = await self._shipper.deliver_digests(trail)
        if trail.finalize_at is None:
            return
        done = logs_ok and digests_ok
        if done or now > trail.finalize_at + FINALIZE_GIVE_UP:
            await db.write(partial(self._close, trail_id=trail_id))

    @staticmethod
    def _close(conn: Conn, trail_id: int) -> None:
        trail = trail_store.by_id(conn, trail_id, lock=True)
        if trail is None:
            return
        file_store.stop_chains(conn, trail_id)
        trail_store.finish(conn, trail)
        if trail.logging and trail.settings.validation and trail.start_logging_at is not None:
            # Logging was started again while the stop was being wrapped up.
            file_store.start_chain(conn, trail_id, trail.home_region, trail.start_logging_at)
