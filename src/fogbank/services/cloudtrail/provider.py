"""The CloudTrail service: dispatch table, IAM requirements, jobs, and the event writer the
audit recorder stores events through."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial

from fogbank.authz.requirements import Requirement
from fogbank.core.context import RequestContext
from fogbank.core.jobs import Job
from fogbank.services.base import Handler, Output, Params, ServiceProvider
from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.events import EventRow
from fogbank.services.cloudtrail.jobs import DeliveryJob
from fogbank.services.cloudtrail.names import parse_trail_ref
from fogbank.services.cloudtrail.ops import keys, logging, lookup, selectors, tags, trails
from fogbank.services.cloudtrail.outbox import EventOutbox
from fogbank.services.cloudtrail.store import trails as trail_store

Op = Callable[[Engine, RequestContext, Params], Awaitable[Output]]

_OPERATIONS: Mapping[str, Op] = {
    "CreateTrail": trails.create_trail,
    "UpdateTrail": trails.update_trail,
    "DeleteTrail": trails.delete_trail,
    "GetTrail": trails.get_trail,
    "DescribeTrails": trails.describe_trails,
    "ListTrails": trails.list_trails,
    "StartLogging": logging.start_logging,
    "StopLogging": logging.stop_logging,
    "GetTrailStatus": logging.get_trail_status,
    "PutEventSelectors": selectors.put_event_selectors,
    "GetEventSelectors": selectors.get_event_selectors,
    "PutInsightSelectors": selectors.put_insight_selectors,
    "GetInsightSelectors": selectors.get_insight_selectors,
    "AddTags": tags.add_tags,
    "RemoveTags": tags.remove_tags,
    "ListTags": tags.list_tags,
    "LookupEvents": lookup.lookup_events,
    "ListPublicKeys": keys.list_public_keys,
}

# The parameter that names the trail an operation acts on (for its IAM resource).
_TRAIL_PARAMETER = {
    "UpdateTrail": "Name",
    "DeleteTrail": "Name",
    "GetTrail": "Name",
    "StartLogging": "Name",
    "StopLogging": "Name",
    "GetTrailStatus": "Name",
    "PutEventSelectors": "TrailName",
    "GetEventSelectors": "TrailName",
    "PutInsightSelectors": "TrailName",
    "GetInsightSelectors": "TrailName",
    "AddTags": "ResourceId",
    "RemoveTags": "ResourceId",
    "CreateTrail": "Name",
}


class CloudTrailService(ServiceProvider):
    name = "cloudtrail"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def operations(self) -> Mapping[str, Handler]:
        return {name: partial(op, self.engine) for name, op in _OPERATIONS.items()}

    async def requirements(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        action = f"cloudtrail:{ctx.operation}"
        member = _TRAIL_PARAMETER.get(ctx.operation)
        value = params.get(member) if member else None
        if isinstance(value, str) and value:
            try:
                ref = parse_trail_ref(value)
            except Exception:
                return (Requirement(action),)
            arn = ref.arn or (
                f"arn:{self.engine.partition}:cloudtrail:{ctx.region}:{ctx.account_id}"
                f":trail/{ref.name}"
            )
            return (Requirement(action, arn, resource_account=ref.account),)
        return (Requirement(action),)

    def jobs(self) -> Sequence[Job]:
        # The retention job belongs to the event outbox, which runs without CloudTrail.
        return (DeliveryJob(self.engine),)

    async def write_events(self, rows: Sequence[EventRow]) -> None:
        """The audit recorder's batches: one store write each."""
        await EventOutbox(self.engine.db).write_events(rows)

    async def summary(self, account_id: str) -> dict[str, object]:
        found = await self.engine.db.read(partial(trail_store.of_account, account_id=account_id))
        if not found:
            return {}
        return {"trails": len(found), "logging": sum(1 for t in found if t.logging)}
