"""PutEventSelectors, GetEventSelectors, PutInsightSelectors, GetInsightSelectors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.cloudtrail import errors, selectors
from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.ops import common
from fogbank.services.cloudtrail.store import trails as trail_store
from fogbank.storage.db import Conn

INSIGHT_TYPES = frozenset({"ApiCallRateInsight", "ApiErrorRateInsight"})


def _mappings(value: object) -> list[Mapping[str, object]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


async def put_event_selectors(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.required_text(params, "TrailName")
    basic = params.get("EventSelectors")
    advanced = params.get("AdvancedEventSelectors")
    if basic is not None and advanced is not None:
        raise selectors.invalid(
            "You cannot apply both EventSelectors and AdvancedEventSelectors to a trail."
        )
    if basic is None and advanced is None:
        raise selectors.invalid("Specify either EventSelectors or AdvancedEventSelectors.")
    chosen: dict[str, object]
    if advanced is not None:
        chosen = {"advanced": selectors.check_advanced(_mappings(advanced))}
    else:
        chosen = {"basic": selectors.check_basic(_mappings(basic))}

    def put(conn: Conn) -> str:
        trail = common.find_home(conn, ctx, name)
        trail_store.save(conn, replace(trail, selectors=chosen))
        return trail.arn

    arn = await engine.db.write(put)
    ctx.resources.append(("AWS::CloudTrail::Trail", arn))
    return _selectors_output(arn, chosen)


def _selectors_output(arn: str, chosen: Mapping[str, object]) -> dict[str, object]:
    out: dict[str, object] = {"TrailARN": arn}
    if "advanced" in chosen:
        out["AdvancedEventSelectors"] = chosen["advanced"]
    else:
        out["EventSelectors"] = chosen.get("basic", [])
    return out


async def get_event_selectors(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.required_text(params, "TrailName")
    trail = await engine.db.read(lambda c: common.find(c, ctx, name))
    return _selectors_output(trail.arn, trail.selectors)


async def put_insight_selectors(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.text_param(params, "TrailName")
    if name is None:
        raise errors.parameter("Specify TrailName (event data stores are not supported).")
    chosen: list[dict[str, object]] = []
    for item in _mappings(params.get("InsightSelectors")):
        kind = item.get("InsightType")
        if kind not in INSIGHT_TYPES:
            raise errors.insight_selectors(f"Insight type {kind} is not valid.")
        if any(c["InsightType"] == kind for c in chosen):
            raise errors.insight_selectors(f"Insight type {kind} is specified more than once.")
        entry: dict[str, object] = {"InsightType": kind}
        categories = item.get("EventCategories")
        if isinstance(categories, list) and categories:
            entry["EventCategories"] = [str(c) for c in categories]
        chosen.append(entry)

    def put(conn: Conn) -> str:
        trail = common.find_home(conn, ctx, name)
        trail_store.save(conn, replace(trail, insight_selectors=chosen or None))
        return trail.arn

    arn = await engine.db.write(put)
    ctx.resources.append(("AWS::CloudTrail::Trail", arn))
    return {"TrailARN": arn, "InsightSelectors": chosen}


async def get_insight_selectors(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.text_param(params, "TrailName")
    if name is None:
        raise errors.parameter("Specify TrailName (event data stores are not supported).")
    trail = await engine.db.read(lambda c: common.find(c, ctx, name))
    if not trail.insight_selectors:
        raise errors.insight_not_enabled(trail.arn)
    return {"TrailARN": trail.arn, "InsightSelectors": trail.insight_selectors}
