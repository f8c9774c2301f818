"""Finding a test's own events in a server's shared event history."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from botocore.config import Config as BotoConfig

from tests.support.server import FogbankServer


def marked_client(server: FogbankServer, service: str, **kwargs: Any) -> tuple[Any, str]:
    """A boto3 client whose User-Agent carries a token unique to the calling test."""
    token = f"fbtest-{uuid.uuid4().hex[:12]}"
    config = BotoConfig(retries={"max_attempts": 1}, user_agent_extra=token)
    return server.client(service, config=config, **kwargs), token


def lookup_all(ct: Any, **params: Any) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for page in ct.get_paginator("lookup_events").paginate(**params):
        events += page["Events"]
    return events


def cli_lookup(server: FogbankServer, event_name: str, *extra: str) -> list[dict[str, Any]]:
    """The events named ``event_name``, as `aws cloudtrail lookup-events` lists them."""
    out = server.aws(
        "cloudtrail",
        "lookup-events",
        "--lookup-attributes",
        f"AttributeKey=EventName,AttributeValue={event_name}",
        *extra,
    )
    return list(json.loads(out.stdout)["Events"])


def records(events: list[dict[str, Any]], token: str | None = None) -> list[dict[str, Any]]:
    out = [json.loads(e["CloudTrailEvent"]) for e in events]
    return [r for r in out if token is None or token in r.get("userAgent", "")]


def wait_for(
    probe: Callable[[], list[dict[str, Any]]],
    done: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 10.0,
) -> list[dict[str, Any]]:
    """Poll ``probe`` until ``done`` holds (events are written behind, within ~0.1 s)."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if done(found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"events did not show up in time; last saw {len(found)}")
        time.sleep(0.1)
