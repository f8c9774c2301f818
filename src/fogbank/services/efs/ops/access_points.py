"""CreateAccessPoint, DescribeAccessPoints, DeleteAccessPoint.

An access point forces its POSIX user on every request made through it and makes its
root directory the mount's root (created from ``CreationInfo`` at the first mount if
missing). The data plane enforces both (``rpc/server.py``, ``rpc/session.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.efs import errors, ids, validate, views
from fogbank.services.efs import models as m
from fogbank.services.efs.engine import EfsEngine
from fogbank.services.efs.ops.common import (
    Params,
    access_point,
    after,
    ap_id_of,
    file_system,
    fs_id_of,
    items,
    marker,
    opt_int,
    opt_str,
    page_size,
    req_str,
    require_available,
    struct,
    tag_pairs,
)
from fogbank.services.efs.store import access_points as ap_store
from fogbank.services.efs.store import tags as tag_store
from fogbank.storage.db import Conn


def _int(value: object) -> int | None:
    if value is None:
        return None
    assert isinstance(value, int)
    return value


def _posix(
    v: validate.Violations, user: Mapping[str, object] | None
) -> tuple[int | None, int | None, tuple[int, ...]]:
    if user is None:
        return None, None, ()
    uid, gid = _int(user.get("Uid")), _int(user.get("Gid"))
    raw = user.get("SecondaryGids") or []
    assert isinstance(raw, list)
    gids = tuple(int(g) for g in raw)
    v.range(uid, "posixUser.uid", 0, validate.MAX_ID)
    v.range(gid, "posixUser.gid", 0, validate.MAX_ID)
    if len(gids) > 16:
        v.add(
            "[" + ", ".join(map(str, gids)) + "]",
            "posixUser.secondaryGids",
            "Member must have length less than or equal to 16",
        )
    for i, g in enumerate(gids, 1):
        v.range(g, f"posixUser.secondaryGids.{i}.member", 0, validate.MAX_ID)
    return uid, gid, gids


def _root(
    v: validate.Violations, root: Mapping[str, object] | None
) -> tuple[str, int | None, int | None, str | None]:
    if root is None:
        return "/", None, None, None
    path = str(root.get("Path") or "/")
    validate.root_path(v, path)
    info = root.get("CreationInfo")
    if info is None:
        return path, None, None, None
    assert isinstance(info, dict)
    owner_uid, owner_gid = _int(info.get("OwnerUid")), _int(info.get("OwnerGid"))
    permissions = str(info.get("Permissions"))
    v.range(owner_uid, "rootDirectory.creationInfo.ownerUid", 0, validate.MAX_ID)
    v.range(owner_gid, "rootDirectory.creationInfo.ownerGid", 0, validate.MAX_ID)
    validate.permissions(v, permissions, "rootDirectory.creationInfo.permissions")
    return path, owner_uid, owner_gid, permissions


async def create_access_point(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    token = req_str(params, "ClientToken")
    fs_param = req_str(params, "FileSystemId")
    raw_tags = items(params, "Tags")
    v = validate.Violations()
    v.length(token, "clientToken", 1, 64)
    uid, gid, gids = _posix(v, struct(params, "PosixUser"))
    path, owner_uid, owner_gid, permissions = _root(v, struct(params, "RootDirectory"))
    validate.tags(v, raw_tags)
    v.raise_if_any()
    pairs = tag_pairs(raw_tags)
    if len(pairs) > tag_store.MAX_TAGS:
        raise errors.bad_request(f"A resource can have at most {tag_store.MAX_TAGS} tags.")
    fs = await file_system(engine, ctx, fs_id_of(fs_param))
    require_available(fs)
    ap = m.AccessPoint(
        ap_id=ids.new("fsap"),
        fs_id=fs.fs_id,
        account_id=ctx.account_id,
        region=ctx.region,
        client_token=token,
        posix_uid=uid,
        posix_gid=gid,
        secondary_gids=gids,
        root_path=path,
        owner_uid=owner_uid,
        owner_gid=owner_gid,
        permissions=permissions,
        state=m.AVAILABLE,
        created_at=engine.now(),
    )
    limit = engine.limits.access_points_per_file_system

    def insert(conn: Conn) -> None:
        other = ap_store.by_token(conn, ctx.account_id, ctx.region, token)
        if other is not None:
            raise errors.access_point_exists(other.ap_id, token)
        if ap_store.count_of(conn, fs.fs_id) >= limit:
            raise errors.access_point_limit(fs.fs_id, limit)
        ap_store.insert(conn, ap)
        tag_store.put(conn, ap.ap_id, pairs)

    await engine.write(insert)
    ctx.resources.append(("AWS::EFS::AccessPoint", ap.arn))
    return views.access_point(ap, pairs)


async def describe_access_points(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    ap_param = opt_str(params, "AccessPointId")
    fs_param = opt_str(params, "FileSystemId")
    token = opt_str(params, "NextToken")
    limit = page_size(opt_int(params, "MaxResults"), 100, "maxResults")
    if ap_param is not None and fs_param is not None:
        raise errors.bad_request("Specify either AccessPointId or FileSystemId, not both.")
    found: list[m.AccessPoint]
    next_token: str | None = None
    if ap_param is not None:
        found = [await access_point(engine, ctx, ap_id_of(ap_param))]
    else:
        start = after(token, "NextToken")
        if fs_param is not None:
            fs_id = (await file_system(engine, ctx, fs_id_of(fs_param))).fs_id
            rows = await engine.read(
                lambda c: ap_store.page_of_file_system(c, fs_id, start, limit + 1)
            )
        else:
            rows = await engine.read(
                lambda c: ap_store.page_of_account(c, ctx.account_id, ctx.region, start, limit + 1)
            )
        found = rows[:limit]
        if len(rows) > limit:
            next_token = marker(found[-1].ap_id)
    tags = await engine.read(lambda c: tag_store.of_many(c, [a.ap_id for a in found]))
    out: dict[str, object] = {
        "AccessPoints": [views.access_point(a, tags.get(a.ap_id, [])) for a in found]
    }
    if next_token is not None:
        out["NextToken"] = next_token
    return out


async def delete_access_point(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    ap = await access_point(engine, ctx, ap_id_of(req_str(params, "AccessPointId")))

    def drop(conn: Conn) -> None:
        ap_store.delete(conn, ap.ap_id)
        tag_store.drop(conn, ap.ap_id)

    await engine.write(drop)
    ctx.resources.append(("AWS::EFS::AccessPoint", ap.arn))
    return {}
