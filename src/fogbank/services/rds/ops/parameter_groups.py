"""DB parameter groups: Create/Copy/Describe/Modify/Reset/DeleteDBParameterGroup,
DescribeDBParameters and DescribeEngineDefaultParameters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.core.context import RequestContext
from fogbank.services.rds import arns, errors, store
from fogbank.services.rds.backend import RdsBackend
from fogbank.services.rds.models import Event, ParameterChange, ParameterDef, Scope
from fogbank.services.rds.ops.common import (
    Params,
    boolean,
    filters,
    page,
    required,
    scope,
    tags,
    text,
    with_marker,
)
from fogbank.services.rds.ops.views import parameter, parameter_group

Output = dict[str, object]
SOURCES = ("user", "engine-default", "system")
APPLY_METHODS = ("immediate", "pending-reboot")


def group_name(value: str) -> str:
    """A group's name, or the ARN of one."""
    if value.startswith("arn:"):
        parsed = arns.parse(value)
        if parsed.kind != arns.PARAMETER_GROUP:
            raise errors.invalid_value(f"Invalid DB parameter group ARN: {value}")
        return parsed.name
    return value


async def _event(rds: RdsBackend, sc: Scope, name: str, message: str) -> None:
    event = Event(
        sc, name, "db-parameter-group", rds.clock.time(), message, ("configuration change",)
    )
    await rds.db.write(lambda c: store.add_event(c, event))


async def create_db_parameter_group(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    layer = await rds.layer()
    group = await layer.groups.create(
        sc,
        required(params, "DBParameterGroupName"),
        required(params, "DBParameterGroupFamily"),
        required(params, "Description"),
        tags(params),
    )
    ctx.resources.append(("AWS::RDS::DBParameterGroup", arns.parameter_group(sc, group.name)))
    return {"DBParameterGroup": parameter_group(group)}


async def copy_db_parameter_group(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    layer = await rds.layer()
    source = await layer.groups.get(
        sc, group_name(required(params, "SourceDBParameterGroupIdentifier"))
    )
    group = await layer.groups.create(
        sc,
        required(params, "TargetDBParameterGroupIdentifier"),
        source.family,
        required(params, "TargetDBParameterGroupDescription"),
        tags(params),
        copy_from=None if source.is_default else source.name,
    )
    return {"DBParameterGroup": parameter_group(group)}


async def describe_db_parameter_groups(
    rds: RdsBackend, ctx: RequestContext, params: Params
) -> Output:
    sc = scope(ctx)
    filters(params, ())
    layer = await rds.layer()
    name = text(params, "DBParameterGroupName")
    found = await layer.groups.describe(sc, group_name(name) if name else None)
    found.sort(key=lambda g: g.name)
    shown, marker = page(found, lambda g: g.name, params)
    return with_marker({"DBParameterGroups": [parameter_group(g) for g in shown]}, marker)


async def delete_db_parameter_group(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    layer = await rds.layer()
    await layer.groups.delete(scope(ctx), group_name(required(params, "DBParameterGroupName")))
    return {}


def _changes(
    params: Params, defs: Mapping[str, ParameterDef], resetting: bool
) -> list[ParameterChange]:
    value = params.get("Parameters")
    if not isinstance(value, list) or not value:
        raise errors.invalid_value(
            "The parameter Parameters must be provided and must not be empty."
        )
    out: list[ParameterChange] = []
    for item in value:
        if not isinstance(item, Mapping):
            continue
        name = item.get("ParameterName")
        if not isinstance(name, str) or not name:
            raise errors.invalid_value("Every parameter needs a ParameterName.")
        defn = defs.get(name.lower())
        method = item.get("ApplyMethod")
        if method is None:  # RDS needs it; a dynamic parameter can take effect at once
            method = (
                "immediate"
                if defn is not None and defn.apply_type == "dynamic"
                else ("pending-reboot")
            )
        if method not in APPLY_METHODS:
            raise errors.invalid_value(
                f"Invalid ApplyMethod {method!r} for {name}: immediate or pending-reboot"
            )
        if resetting:
            out.append(ParameterChange(name, None, str(method)))
            continue
        raw = item.get("ParameterValue")
        if not isinstance(raw, str):
            raise errors.invalid_value(f"The parameter {name} needs a ParameterValue.")
        out.append(ParameterChange(name, raw, str(method)))
    return out


async def modify_db_parameter_group(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    layer = await rds.layer()
    name = group_name(required(params, "DBParameterGroupName"))
    group = await layer.groups.get(sc, name)
    defs = await layer.groups.definitions(group.family)
    changes = _changes(params, defs, resetting=False)
    await layer.groups.modify(sc, group.name, changes)
    for change in changes:
        await _event(
            rds,
            sc,
            group.name,
            f"Updated parameter {change.name} to {change.value} with apply method"
            f" {change.apply_method}",
        )
    return {"DBParameterGroupName": group.name}


async def reset_db_parameter_group(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    layer = await rds.layer()
    name = group_name(required(params, "DBParameterGroupName"))
    group = await layer.groups.get(sc, name)
    reset_all = boolean(params, "ResetAllParameters") is True
    listed = params.get("Parameters")
    if reset_all and listed:
        raise errors.invalid_combination(
            "Specify either ResetAllParameters or a list of Parameters, not both."
        )
    if reset_all:
        await layer.groups.reset(sc, group.name)
        await _event(rds, sc, group.name, "Reset all parameters to their defaults")
    else:
        defs = await layer.groups.definitions(group.family)
        changes = _changes(params, defs, resetting=True)
        names: Sequence[str] = [c.name for c in changes]
        for change in changes:
            if change.name.lower() not in defs:
                raise errors.invalid_value(f"Could not find parameter with name: {change.name}")
        await layer.groups.reset(sc, group.name, names)
        for n in names:
            await _event(rds, sc, group.name, f"Reset parameter {n} to its default")
    return {"DBParameterGroupName": group.name}


async def describe_db_parameters(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    filters(params, ())
    source = text(params, "Source")
    if source is not None and source not in SOURCES:
        raise errors.invalid_value(f"Invalid Source {source!r}: user, engine-default or system")
    layer = await rds.layer()
    name = group_name(required(params, "DBParameterGroupName"))
    found = await layer.groups.parameters(sc, name, source)
    shown, marker = page(found, lambda p: p.definition.name, params)
    return with_marker({"Parameters": [parameter(p) for p in shown]}, marker)


async def describe_engine_default_parameters(
    rds: RdsBackend, ctx: RequestContext, params: Params
) -> Output:
    filters(params, ())
    family = required(params, "DBParameterGroupFamily")
    layer = await rds.layer()
    found = await layer.groups.engine_defaults(family)
    shown, marker = page(found, lambda p: p.definition.name, params)
    defaults = with_marker(
        {"DBParameterGroupFamily": family, "Parameters": [parameter(p) for p in shown]}, marker
    )
    return {"EngineDefaults": defaults}
