"""Which events go into which log file, and when: pure, so that it can be tested alone.

A logging trail delivers on a 5-minute grid anchored at its StartLogging time: an event goes
into the file of the first grid time after it (or the trail's next open slot if it was
recorded late), and a slot's files are written once the clock has passed that grid time. When
the clock jumps (``fogbank clock advance``) the files are dated as if fogbank had been
running all along. After StopLogging (or DeleteTrail) every remaining event up to the stop
is delivered at the stop time.

Events are taken in claim order (batch, seq); the cursor only ever moves past events that
were delivered or that the trail does not log, so nothing is skipped or sent twice.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fogbank.audit.classify import GLOBAL_SERVICE_REGION
from fogbank.services.cloudtrail import selectors
from fogbank.services.cloudtrail.models import LOG_INTERVAL, Trail
from fogbank.services.cloudtrail.store.events import PendingEvent

MAX_RECORDS_PER_FILE = 1000
_GLOBAL_SOURCES = frozenset(f"{svc}.amazonaws.com" for svc in GLOBAL_SERVICE_REGION)


@dataclass
class PlannedFile:
    region: str
    slot: float
    records: list[str] = field(default_factory=list)
    oldest: float = math.inf
    newest: float = -math.inf


@dataclass(frozen=True)
class Plan:
    files: list[PlannedFile]
    cursor: tuple[int, int]
    next_slot: float

    @property
    def moved(self) -> bool:
        return bool(self.files)


def grid_boundary(next_slot: float, now: float) -> float | None:
    """The latest delivery time on the trail's grid that ``now`` has reached."""
    if now < next_slot:
        return None
    return next_slot + math.floor((now - next_slot) / LOG_INTERVAL) * LOG_INTERVAL


def natural_slot(next_slot: float, event_time: float) -> float:
    if event_time < next_slot:
        return next_slot
    return next_slot + (math.floor((event_time - next_slot) / LOG_INTERVAL) + 1) * LOG_INTERVAL


def in_scope(trail: Trail, event: PendingEvent) -> bool:
    """Whether the trail covers the event's region (and global service events)."""
    is_global = event.event_source in _GLOBAL_SOURCES
    if is_global and not trail.settings.include_global:
        return False
    if trail.settings.multi_region or is_global:
        return True
    return event.region == trail.home_region


def logs(trail: Trail, event: PendingEvent) -> bool:
    """Whether the trail logs the event (scope, start time, event selectors)."""
    if trail.start_logging_at is None or event.event_time < trail.start_logging_at:
        return False
    if not in_scope(trail, event):
        return False
    simple = {
        "managementEvent": event.management,
        "readOnly": event.read_only,
        "eventSource": event.event_source,
    }
    needs_record = "advanced" in trail.selectors or not event.management
    record = json.loads(event.record) if needs_record else simple
    return selectors.matches(trail.selectors, record)


def plan(
    events: Sequence[PendingEvent],
    trail: Trail,
    now: float,
    exhausted: bool = True,
    accept: Callable[[Trail, PendingEvent], bool] = logs,
) -> Plan:
    """Files for ``events`` (the next claimed events past the trail's cursor). ``exhausted``
    says that no claimed event follows them; only then are the slots up to now closed."""
    cursor = (trail.cursor_batch, trail.cursor_seq)
    finishing = trail.finalize_at is not None
    if finishing:
        assert trail.finalize_at is not None
        limit = trail.finalize_at
        boundary: float | None = None
    else:
        limit = math.inf
        boundary = grid_boundary(trail.next_slot, now)
        if boundary is None:
            return Plan([], cursor, trail.next_slot)
    files: dict[tuple[float, str], list[PlannedFile]] = {}
    order: list[PlannedFile] = []
    held = False
    for event in events:
        if finishing:
            if event.event_time > limit:
                cursor = (event.batch, event.seq)  # after the stop: not this trail's
                continue
            slot = min(natural_slot(trail.next_slot, event.event_time), limit)
        else:
            assert boundary is not None
            if event.event_time >= boundary:
                held = True
                break  # this one and the rest wait for a later slot
            slot = natural_slot(trail.next_slot, event.event_time)
        cursor = (event.batch, event.seq)
        if not accept(trail, event):
            continue
        group = files.setdefault((slot, event.region), [])
        if not group or len(group[-1].records) >= MAX_RECORDS_PER_FILE:
            group.append(PlannedFile(event.region, slot))
            order.append(group[-1])
        current = group[-1]
        current.records.append(event.record)
        current.oldest = min(current.oldest, event.event_time)
        current.newest = max(current.newest, event.event_time)
    closed = boundary is not None and (exhausted or held)
    next_slot = boundary + LOG_INTERVAL if closed and boundary is not None else trail.next_slot
    order.sort(key=lambda f: (f.slot, f.region))
    return Plan(order, cursor, next_slot)
