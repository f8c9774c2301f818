"""ListPublicKeys: the public keys of the key pairs that sign this region's digests."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.cloudtrail import errors
from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.store import keys as key_store


def _epoch(value: object) -> float | None:
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.timestamp()
    return None


async def list_public_keys(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    if params.get("NextToken"):
        raise errors.token()
    now = engine.now()
    start = _epoch(params.get("StartTime"))
    end = _epoch(params.get("EndTime"))
    start = now if start is None else start
    end = now if end is None else end
    if start > end:
        raise errors.time_range()
    # The region's current key pair always exists, as in AWS (made on first use).
    await engine.signing_key(ctx.region, now)
    found = await engine.db.read(
        partial(key_store.overlapping, region=ctx.region, start=start, end=end)
    )
    return {
        "PublicKeyList": [
            {
                "Value": key.public_der,
                "ValidityStartTime": datetime.fromtimestamp(key.valid_from, UTC),
                "ValidityEndTime": datetime.fromtimestamp(key.valid_to, UTC),
                "Fingerprint": key.fingerprint,
            }
            for key in found
        ]
    }
