"""AddTags, RemoveTags, ListTags (on trails; at most 50 tags each)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from fogbank.core.context import RequestContext
from fogbank.services.base import Output, Params
from fogbank.services.cloudtrail import errors
from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.models import Trail
from fogbank.services.cloudtrail.names import parse_trail_ref
from fogbank.services.cloudtrail.ops import common
from fogbank.services.cloudtrail.store import trails as trail_store
from fogbank.storage.db import Conn

MAX_TAGS = 50


def _pairs(value: object) -> list[tuple[str, str | None]]:
    if not isinstance(value, list):
        return []
    out: list[tuple[str, str | None]] = []
    for item in value:
        if not isinstance(item, Mapping):
            continue
        key = item.get("Key")
        if not isinstance(key, str) or not key:
            raise errors.tag_parameter("Tag key must not be empty.")
        raw = item.get("Value")
        out.append((key, raw if isinstance(raw, str) else None))
    return out


def check_tags(value: object) -> dict[str, str]:
    tags: dict[str, str] = {}
    for key, tag_value in _pairs(value):
        if key.lower().startswith("aws:"):
            raise errors.tag_parameter("Tag keys starting with aws: are reserved.")
        tags[key] = tag_value or ""
    if len(tags) > MAX_TAGS:
        raise errors.tags_limit()
    return tags


def _trail_for(conn: Conn, ctx: RequestContext, resource_id: str) -> Trail:
    ref = parse_trail_ref(resource_id)
    if ref.arn is None:
        raise errors.invalid_arn(resource_id)
    trail = trail_store.by_arn(conn, ref.arn)
    if trail is None or trail.account_id != ctx.account_id:
        raise errors.resource_not_found(resource_id)
    return trail


def _tag_list(tags: dict[str, str]) -> list[dict[str, object]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


async def add_tags(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    resource_id = common.required_text(params, "ResourceId")
    adding = check_tags(params.get("TagsList"))

    def add(conn: Conn) -> None:
        trail = _trail_for(conn, ctx, resource_id)
        merged = {**trail.tags, **adding}
        if len(merged) > MAX_TAGS:
            raise errors.tags_limit()
        trail_store.save(conn, replace(trail, tags=merged))

    await engine.db.write(add)
    return {}


async def remove_tags(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    resource_id = common.required_text(params, "ResourceId")
    removing = _pairs(params.get("TagsList"))

    def remove(conn: Conn) -> None:
        trail = _trail_for(conn, ctx, resource_id)
        tags = dict(trail.tags)
        for key, value in removing:
            if key in tags and (value is None or tags[key] == value):
                del tags[key]
        trail_store.save(conn, replace(trail, tags=tags))

    await engine.db.write(remove)
    return {}


async def list_tags(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    ids = params.get("ResourceIdList")
    wanted = [str(i) for i in ids] if isinstance(ids, list) else []
    if params.get("NextToken"):
        raise errors.token()

    def read(conn: Conn) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for resource_id in wanted:
            trail = _trail_for(conn, ctx, resource_id)
            out.append({"ResourceId": trail.arn, "TagsList": _tag_list(trail.tags)})
        return out

    return {"ResourceTagList": await engine.db.read(read)}
