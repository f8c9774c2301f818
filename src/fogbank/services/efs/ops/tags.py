"""TagResource, UntagResource, ListTagsForResource (file systems and access points),
and the legacy CreateTags, DeleteTags, DescribeTags (file systems only)."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.efs import errors, ids, validate, views
from fogbank.services.efs.engine import EfsEngine
from fogbank.services.efs.ops.common import (
    Params,
    access_point,
    after,
    file_system,
    fs_id_of,
    items,
    marker,
    opt_int,
    opt_str,
    page_size,
    req_str,
    strings,
    tag_pairs,
)
from fogbank.services.efs.store import tags as tag_store
from fogbank.storage.db import Conn


async def _resource(engine: EfsEngine, ctx: RequestContext, text: str) -> str:
    """The id of the file system or access point a ResourceId names (it must exist)."""
    kind = ids.resource_kind(text)
    if kind is None:
        raise errors.validation(
            [
                f"Value '{text}' at 'resourceId' failed to satisfy constraint: Member must"
                " satisfy regular expression pattern: ^(arn:aws[-a-z]*:elasticfilesystem:"
                "[0-9a-z-:]+:(access-point/fsap|file-system/fs)-[0-9a-f]{8,40}|fs(ap)?-"
                "[0-9a-f]{8,40})$"
            ]
        )
    if kind[0] == "file-system":
        return (await file_system(engine, ctx, kind[1])).fs_id
    return (await access_point(engine, ctx, kind[1])).ap_id


async def _add(engine: EfsEngine, resource_id: str, params: Params) -> None:
    raw = items(params, "Tags")
    v = validate.Violations()
    validate.tags(v, raw)
    v.raise_if_any()
    pairs = tag_pairs(raw)

    def put(conn: Conn) -> None:
        keys = {k for k, _ in tag_store.of(conn, resource_id)} | {k for k, _ in pairs}
        if len(keys) > tag_store.MAX_TAGS:
            raise errors.bad_request(f"A resource can have at most {tag_store.MAX_TAGS} tags.")
        tag_store.put(conn, resource_id, pairs)

    await engine.write(put)


async def _remove(engine: EfsEngine, resource_id: str, keys: list[str]) -> None:
    v = validate.Violations()
    validate.tag_keys(v, keys)
    v.raise_if_any()
    await engine.write(lambda c: tag_store.remove(c, resource_id, keys))


async def tag_resource(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    resource_id = await _resource(engine, ctx, req_str(params, "ResourceId"))
    await _add(engine, resource_id, params)
    return {}


async def untag_resource(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    resource_id = await _resource(engine, ctx, req_str(params, "ResourceId"))
    await _remove(engine, resource_id, strings(params, "TagKeys") or [])
    return {}


async def list_tags_for_resource(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    resource_id = await _resource(engine, ctx, req_str(params, "ResourceId"))
    limit = page_size(opt_int(params, "MaxResults"), 100, "maxResults")
    start = after(opt_str(params, "NextToken"), "NextToken")
    pairs = [p for p in await engine.read(lambda c: tag_store.of(c, resource_id)) if p[0] > start]
    out: dict[str, object] = {"Tags": views.tags(pairs[:limit])}
    if len(pairs) > limit:
        out["NextToken"] = marker(pairs[limit - 1][0])
    return out


async def create_tags(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    await _add(engine, fs.fs_id, params)
    return {}


async def delete_tags(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    await _remove(engine, fs.fs_id, strings(params, "TagKeys") or [])
    return {}


async def describe_tags(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    given = opt_str(params, "Marker")
    limit = page_size(opt_int(params, "MaxItems"), 100, "maxItems")
    start = after(given)
    pairs = [p for p in await engine.read(lambda c: tag_store.of(c, fs.fs_id)) if p[0] > start]
    out: dict[str, object] = {"Tags": views.tags(pairs[:limit])}
    if given is not None:
        out["Marker"] = given
    if len(pairs) > limit:
        out["NextMarker"] = marker(pairs[limit - 1][0])
    return out
