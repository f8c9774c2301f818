"""Events are written behind, yet none is lost when the server stops cleanly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.integration.cloudtrail.helpers import lookup_all, marked_client, records
from tests.support.server import FogbankServer


def test_sigterm_right_after_requests_loses_no_event(
    make_server: Callable[..., FogbankServer],
) -> None:
    first = make_server(workers=2)
    sts, token = marked_client(first, "sts")
    for _ in range(40):
        sts.get_caller_identity()
    assert first.stop() == 0  # SIGTERM at once: the recorders flush on the way out
    again = make_server(data_dir=first.data_dir, metadata_url=first.metadata_url)
    ct = again.client("cloudtrail")
    events = lookup_all(
        ct, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "GetCallerIdentity"}]
    )
    mine: list[dict[str, Any]] = records(events, token)
    assert len(mine) == 40
    assert len({r["eventID"] for r in mine}) == 40
