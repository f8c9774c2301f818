"""StartLogging, StopLogging, GetTrailStatus."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.models import LOG_INTERVAL
from fogbank.services.cloudtrail.ops import common
from fogbank.services.cloudtrail.store import events as event_store
from fogbank.services.cloudtrail.store import files as file_store
from fogbank.services.cloudtrail.store import trails as trail_store
from fogbank.storage.db import Conn

# A cursor past every event of a batch: a trail that starts logging skips what came before.
_END_OF_BATCH = 2**62


def _date(at: float | None) -> datetime | None:
    return None if at is None else datetime.fromtimestamp(at, UTC)


async def start_logging(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.required_text(params, "Name")
    start = float(int(engine.now()))

    def start_trail(conn: Conn) -> None:
        found = common.find_home(conn, ctx, name)
        ctx.resources.append(("AWS::CloudTrail::Trail", found.arn))
        trail = trail_store.by_id(conn, found.id, lock=True)
        if trail is None or trail.logging:
            return
        updated = replace(trail, logging=True, start_logging_at=start)
        if trail.finalize_at is None:
            # Nothing of the last logging period is pending: begin afresh from here.
            updated = replace(
                updated,
                cursor_batch=event_store.last_batch(conn),
                cursor_seq=_END_OF_BATCH,
                next_slot=start + LOG_INTERVAL,
            )
            if trail.settings.validation:
                file_store.start_chain(conn, trail.id, trail.home_region, start)
        trail_store.save(conn, updated)

    await engine.db.write(start_trail)
    return {}


async def stop_logging(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.required_text(params, "Name")
    stop = float(int(engine.now()))

    def stop_trail(conn: Conn) -> None:
        found = common.find_home(conn, ctx, name)
        ctx.resources.append(("AWS::CloudTrail::Trail", found.arn))
        trail = trail_store.by_id(conn, found.id, lock=True)
        if trail is None or not trail.logging:
            return
        trail_store.save(
            conn, replace(trail, logging=False, stop_logging_at=stop, finalize_at=stop)
        )

    await engine.db.write(stop_trail)
    return {}


async def get_trail_status(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.required_text(params, "Name")
    trail = await engine.db.read(lambda c: common.find(c, ctx, name))
    out: dict[str, object] = {"IsLogging": trail.logging}

    def put(key: str, value: object) -> None:
        if value is not None:
            out[key] = value

    put("LatestDeliveryError", trail.latest_delivery_error)
    put("LatestDeliveryTime", _date(trail.latest_delivery_at))
    put("StartLoggingTime", _date(trail.start_logging_at))
    put("StopLoggingTime", _date(trail.stop_logging_at))
    put("LatestDigestDeliveryTime", _date(trail.latest_digest_at))
    put("LatestDigestDeliveryError", trail.latest_digest_error)
    put("LatestDeliveryAttemptTime", common.iso_text(trail.latest_delivery_attempt_at))
    if trail.latest_delivery_attempt_at is not None and trail.latest_delivery_error is None:
        put("LatestDeliveryAttemptSucceeded", common.iso_text(trail.latest_delivery_attempt_at))
    put("TimeLoggingStarted", common.iso_text(trail.start_logging_at))
    put("TimeLoggingStopped", common.iso_text(trail.stop_logging_at))
    put("LatestNotificationAttemptTime", "")
    put("LatestNotificationAttemptSucceeded", "")
    return out
