"""AddTagsToResource, RemoveTagsFromResource, ListTagsForResource (by ARN)."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.rds import arns, errors, tagging
from fogbank.services.rds.backend import RdsBackend
from fogbank.services.rds.models import Scope
from fogbank.services.rds.ops.common import Params, filters, required, scope, strings, tags

Output = dict[str, object]


async def resource_key(rds: RdsBackend, ctx: RequestContext, arn: str) -> tuple[Scope, str, str]:
    """(scope, tag kind, key) of the resource an ARN names; its NotFound error if none."""
    parsed = arns.parse(arn)
    sc = scope(ctx)
    mine = parsed.scope == sc
    if parsed.kind == arns.DB:
        if mine:
            layer = await rds.layer()
            instance = await layer.instances.get(sc, parsed.name)
            return sc, tagging.DB, instance.resource_id
        raise errors.instance_not_found(parsed.name)
    if parsed.kind == arns.PARAMETER_GROUP:
        if mine:
            layer = await rds.layer()
            pg = await layer.groups.get(sc, parsed.name)
            if pg.is_default:
                raise errors.invalid_value(f"Default parameter groups cannot be tagged: {arn}")
            return sc, tagging.PARAMETER_GROUP, pg.name
        raise errors.group_not_found(parsed.name)
    if parsed.kind == arns.SUBNET_GROUP:
        if mine:
            group = await rds.subnet_groups.get(sc, parsed.name)
            return sc, tagging.SUBNET_GROUP, group.name
        raise errors.subnet_group_not_found(parsed.name)
    if parsed.kind == arns.SNAPSHOT:
        raise errors.snapshot_not_found(parsed.name)
    if parsed.kind == arns.CLUSTER:
        raise AwsError("DBClusterNotFoundFault", f"DBCluster {parsed.name} not found.", status=404)
    raise errors.invalid_value(f"Unsupported resource type in ARN: {arn}")


async def add_tags_to_resource(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc, kind, key = await resource_key(rds, ctx, required(params, "ResourceName"))
    given = tags(params)
    if not given:
        raise errors.invalid_value("The parameter Tags must be provided and must not be empty.")
    await rds.db.write(lambda c: tagging.put(c, sc, kind, key, given))
    return {}


async def remove_tags_from_resource(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc, kind, key = await resource_key(rds, ctx, required(params, "ResourceName"))
    keys = strings(params, "TagKeys") or []
    await rds.db.write(lambda c: tagging.remove(c, sc, kind, key, keys))
    return {}


async def list_tags_for_resource(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    filters(params, ())
    sc, kind, key = await resource_key(rds, ctx, required(params, "ResourceName"))
    found = await rds.db.read(lambda c: tagging.get(c, sc, kind, key))
    return {"TagList": tagging.as_list(found)}
