"""LookupEvents: the event history (management events of the last 90 days, per region).

One lookup attribute at most; newest events first; ``MaxResults`` 1 to 50 (default 50);
``NextToken`` continues a query and is refused with different parameters.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial

from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.cloudtrail import errors
from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.models import HISTORY_SECONDS
from fogbank.services.cloudtrail.store import events as event_store

MAX_RESULTS = 50
ATTRIBUTE_KEYS = frozenset(
    {
        "EventId",
        "EventName",
        "ReadOnly",
        "Username",
        "ResourceType",
        "ResourceName",
        "EventSource",
        "AccessKeyId",
    }
)


def _epoch(value: object) -> float | None:
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.timestamp()
    return None


def _attribute(params: Params) -> tuple[str, str] | None:
    items = params.get("LookupAttributes")
    if not isinstance(items, list) or not items:
        return None
    if len(items) > 1:
        raise errors.lookup_attributes("You cannot specify more than one lookup attribute.")
    item = items[0]
    if not isinstance(item, Mapping):
        raise errors.lookup_attributes("A lookup attribute needs a key and a value.")
    key, value = item.get("AttributeKey"), item.get("AttributeValue")
    if key not in ATTRIBUTE_KEYS:
        raise errors.lookup_attributes(f"Lookup attribute key {key} is not valid.")
    if not isinstance(value, str) or not value:
        raise errors.lookup_attributes("A lookup attribute value must not be empty.")
    return str(key), value


def _fingerprint(
    region: str, attribute: tuple[str, str] | None, start: float | None, end: float | None
) -> str:
    """What a NextToken is bound to: the parameters as given (defaults move with time)."""
    text = json.dumps([region, attribute, start, end])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _encode_token(event_time: float, seq: int, fingerprint: str) -> str:
    doc = json.dumps({"t": event_time, "s": seq, "q": fingerprint}).encode()
    return base64.urlsafe_b64encode(doc).decode("ascii")


def _decode_token(token: str, fingerprint: str) -> tuple[float, int]:
    try:
        doc = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
        event_time, seq, query = float(doc["t"]), int(doc["s"]), str(doc["q"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise errors.next_token() from None
    if query != fingerprint:
        raise errors.next_token(
            "A token that was previously used in a request with different parameters."
        )
    return event_time, seq


async def lookup_events(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    attribute = _attribute(params)
    limit = params.get("MaxResults")
    if limit is None:
        limit = MAX_RESULTS
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_RESULTS:
        raise errors.max_results(f"Value {limit} for MaxResults is invalid.")
    now = engine.now()
    start = _epoch(params.get("StartTime"))
    end = _epoch(params.get("EndTime"))
    if start is not None and end is not None and start > end:
        raise errors.time_range()
    fingerprint = _fingerprint(ctx.region, attribute, start, end)
    oldest = now - HISTORY_SECONDS
    start = oldest if start is None else max(start, oldest)
    end = now if end is None else end
    if params.get("EventCategory") == "insight":
        return {"Events": []}
    token = params.get("NextToken")
    after = _decode_token(token, fingerprint) if isinstance(token, str) and token else None
    query = event_store.LookupQuery(
        account_id=ctx.account_id,
        region=ctx.region,
        start=start,
        end=end,
        attribute=attribute,
        limit=limit + 1,
        after=after,
    )
    found = await engine.db.read(partial(event_store.lookup, query=query))
    events = [_event(e) for e in found[:limit]]
    out: dict[str, object] = {"Events": events}
    if len(found) > limit:
        last = found[limit - 1]
        out["NextToken"] = _encode_token(last.event_time, last.seq, fingerprint)
    return out


def _event(found: event_store.FoundEvent) -> dict[str, object]:
    item: dict[str, object] = {
        "EventId": found.event_id,
        "EventName": found.event_name,
        "ReadOnly": "true" if found.read_only else "false",
    }
    if found.access_key_id:
        item["AccessKeyId"] = found.access_key_id
    item["EventTime"] = datetime.fromtimestamp(found.event_time, UTC)
    item["EventSource"] = found.event_source
    if found.username:
        item["Username"] = found.username
    item["Resources"] = [
        {"ResourceType": kind, "ResourceName": name} for kind, name in found.resources
    ]
    item["CloudTrailEvent"] = found.record
    return item
