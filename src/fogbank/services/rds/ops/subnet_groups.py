"""DB subnet groups: Create/Describe/Modify/DeleteDBSubnetGroup."""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.rds import arns, errors
from fogbank.services.rds.backend import RdsBackend
from fogbank.services.rds.ops.common import (
    Params,
    filters,
    page,
    required,
    scope,
    strings,
    tags,
    text,
    with_marker,
)
from fogbank.services.rds.ops.views import subnet_group

Output = dict[str, object]


def _subnet_ids(params: Params) -> list[str]:
    ids = strings(params, "SubnetIds")
    if not ids:
        raise errors.invalid_value(
            "The parameter SubnetIds must be provided and must not be empty."
        )
    return ids


def group_name(value: str) -> str:
    if value.startswith("arn:"):
        parsed = arns.parse(value)
        if parsed.kind != arns.SUBNET_GROUP:
            raise errors.invalid_value(f"Invalid DB subnet group ARN: {value}")
        return parsed.name
    return value


async def create_db_subnet_group(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    group = await rds.subnet_groups.create(
        sc,
        required(params, "DBSubnetGroupName"),
        required(params, "DBSubnetGroupDescription"),
        _subnet_ids(params),
        tags(params),
    )
    ctx.resources.append(("AWS::RDS::DBSubnetGroup", arns.subnet_group(sc, group.name)))
    return {"DBSubnetGroup": subnet_group(group)}


async def describe_db_subnet_groups(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    filters(params, ())
    name = text(params, "DBSubnetGroupName")
    found = await rds.subnet_groups.describe(scope(ctx), group_name(name) if name else None)
    shown, marker = page(found, lambda g: g.name, params)
    return with_marker({"DBSubnetGroups": [subnet_group(g) for g in shown]}, marker)


async def modify_db_subnet_group(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    group = await rds.subnet_groups.modify(
        scope(ctx),
        group_name(required(params, "DBSubnetGroupName")),
        _subnet_ids(params),
        text(params, "DBSubnetGroupDescription"),
    )
    return {"DBSubnetGroup": subnet_group(group)}


async def delete_db_subnet_group(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    await rds.subnet_groups.delete(scope(ctx), group_name(required(params, "DBSubnetGroupName")))
    return {}
