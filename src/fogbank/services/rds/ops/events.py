"""DescribeEvents: what happened to instances and parameter groups, in a time window."""

from __future__ import annotations

from datetime import datetime

from fogbank.core.context import RequestContext
from fogbank.services.rds import errors, store
from fogbank.services.rds.backend import RdsBackend
from fogbank.services.rds.ops.common import (
    Params,
    filters,
    integer,
    page,
    scope,
    strings,
    text,
    with_marker,
)
from fogbank.services.rds.ops.instances import instance_name
from fogbank.services.rds.ops.views import event

Output = dict[str, object]
SOURCE_TYPES = (
    "db-instance",
    "db-parameter-group",
    "db-security-group",
    "db-snapshot",
    "db-cluster",
    "db-cluster-snapshot",
    "custom-engine-version",
    "db-proxy",
    "blue-green-deployment",
    "db-shard-group",
    "zero-etl",
)
RETENTION = 14 * 24 * 3600  # RDS keeps events for 14 days
DEFAULT_MINUTES = 60


def _epoch(value: object) -> float | None:
    return value.timestamp() if isinstance(value, datetime) else None


def window(params: Params, now: float) -> tuple[float, float]:
    """(start, end) in epoch seconds: StartTime/EndTime, else the last Duration minutes."""
    start = _epoch(params.get("StartTime"))
    end = _epoch(params.get("EndTime"))
    minutes = integer(params, "Duration")
    if minutes is not None and minutes < 0:
        raise errors.invalid_value(f"Invalid Duration: {minutes}")
    stop = end if end is not None else now
    if start is None:
        start = stop - 60 * (DEFAULT_MINUTES if minutes is None else minutes)
    if start > stop:
        raise errors.invalid_value("StartTime must be before EndTime.")
    return max(start, now - RETENTION), stop


async def describe_events(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    filters(params, ())
    source_type = text(params, "SourceType")
    source_id = text(params, "SourceIdentifier")
    if source_type is not None and source_type not in SOURCE_TYPES:
        raise errors.invalid_value(f"Invalid SourceType: {source_type}")
    if source_id and source_type is None:
        raise errors.invalid_combination(
            "SourceType must be specified when SourceIdentifier is specified."
        )
    if source_id:
        source_id = instance_name(source_id).lower()
    categories = set(strings(params, "EventCategories") or ())
    start, end = window(params, ctx.clock.time())
    found = await rds.db.read(lambda c: store.list_events(c, sc, source_id or None, start))
    chosen = [
        e
        for e in found
        if e.at <= end
        and (source_type is None or e.source_type == source_type)
        and (not categories or categories & set(e.categories))
    ]
    keyed = [(f"{e.at:020.6f}/{n:08d}", e) for n, e in enumerate(chosen)]
    shown, marker = page(keyed, lambda kv: kv[0], params)
    return with_marker({"Events": [event(e) for _, e in shown]}, marker)
