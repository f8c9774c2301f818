"""DB instances: Create/Describe/Modify/Delete/Reboot/Stop/StartDBInstance.

Calls that set an instance going (create, reboot, start, stop, modify with a restart,
delete) wait up to ``settings.settle_seconds`` for it to settle before they answer, and
answer with the status it has then: usually ``available`` already, since an instance
starts in a second or two. So ``aws rds wait db-instance-available``, which looks once at
once and then every 30 seconds, is satisfied on its first look. See docs/rds.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Sequence
from dataclasses import replace

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.rds import arns, errors, jobs, tagging, validation
from fogbank.services.rds.assembly import RdsEngineLayer
from fogbank.services.rds.backend import RdsBackend
from fogbank.services.rds.models import (
    Instance,
    InstanceChanges,
    InstanceSpec,
    Scope,
    Status,
)
from fogbank.services.rds.ops import instance_input
from fogbank.services.rds.ops.common import (
    Params,
    boolean,
    filters,
    integer,
    page,
    required,
    scope,
    strings,
    text,
    with_marker,
)
from fogbank.services.rds.ops.views import db_instance
from fogbank.services.rds.subnet_groups import SubnetGroup
from fogbank.storage.db import Conn

Output = dict[str, object]
SETTLED = frozenset({Status.AVAILABLE, Status.STOPPED, Status.FAILED, Status.INCOMPATIBLE_NETWORK})


def instance_name(value: str) -> str:
    """An instance identifier, or the ARN of one."""
    if value.startswith("arn:"):
        return arns.parse(value).name
    return value


async def restart_times(rds: RdsBackend, found: Sequence[Instance]) -> dict[str, float]:
    """When each stopped instance will start again by itself (RDS: after seven days)."""
    stopped = [i for i in found if i.status == Status.STOPPED]
    if not stopped:
        return {}

    def read(conn: Conn) -> dict[str, float]:
        out = {}
        for i in stopped:
            since = jobs.stopped_since(conn, i.scope, i.instance_id)
            if since is not None:
                out[i.resource_id] = since + jobs.MAX_STOPPED
        return out

    return await rds.db.read(read)


async def view(rds: RdsBackend, instance: Instance) -> Output:
    sc = instance.scope
    tags = await rds.db.read(lambda c: tagging.get(c, sc, tagging.DB, instance.resource_id))
    group = None
    with contextlib.suppress(AwsError):
        group = await rds.subnet_groups.get(sc, instance.options.subnet_group)
    restart = (await restart_times(rds, [instance])).get(instance.resource_id)
    return db_instance(instance, tags, group, restart)


async def settle(
    rds: RdsBackend, layer: RdsEngineLayer, sc: Scope, ident: str, wanted: Collection[str]
) -> Instance:
    try:
        return await layer.instances.wait_for_status(sc, ident, wanted, rds.settings.settle_seconds)
    except TimeoutError:
        return await layer.instances.get(sc, ident)


# -- create ---------------------------------------------------------------------------------


def _zone(group: SubnetGroup, ident: str, asked: str | None) -> str:
    zones = group.zones
    if asked is not None:
        if asked not in zones:
            raise errors.invalid_combination(
                f"No subnet of DB subnet group {group.name} is in Availability Zone {asked}"
                f" (it covers {', '.join(zones)})."
            )
        return asked
    return zones[sum(ident.encode()) % len(zones)]


async def create_db_instance(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    asked = instance_input.parse_create(params)
    ident = validation.instance_identifier(asked.instance_id)
    layer = await rds.layer()
    spec = InstanceSpec(
        instance_id=ident,
        engine=asked.engine,
        master_username=asked.master_username,
        master_password=asked.master_password,
        instance_class=asked.instance_class,
        engine_version=asked.engine_version,
        allocated_storage=asked.allocated_storage,
        storage_type=asked.storage_type,
        db_name=asked.db_name,
        port=asked.port,
        parameter_group=asked.parameter_group,
        tags=asked.tags,
    )
    # Everything that can be refused is checked before the default subnet group is made.
    await layer.instances.check(sc, spec)
    if asked.subnet_group:
        group = await rds.subnet_groups.get(sc, asked.subnet_group)
    else:
        group = await rds.subnet_groups.default(sc, create=False)
    zone = _zone(group, ident, asked.availability_zone)
    if asked.security_group_ids:
        groups = await rds.network.security_groups(
            ctx.account_id, ctx.region, asked.security_group_ids, group.vpc_id
        )
    else:
        groups = (
            await rds.network.default_security_group(ctx.account_id, ctx.region, group.vpc_id),
        )
    if not asked.subnet_group:
        group = await rds.subnet_groups.default(sc, create=True)
    public = asked.publicly_accessible
    if public is None:  # RDS: public unless a subnet group other than "default" is named
        public = asked.subnet_group is None or asked.subnet_group.lower() == "default"
    options = replace(
        asked.options, subnet_group=group.name, vpc_id=group.vpc_id, availability_zone=zone
    )
    spec = replace(spec, security_group_ids=groups, publicly_accessible=public, options=options)
    created = await layer.instances.create(sc, spec)
    await rds.network.use_groups(
        ctx.account_id, ctx.region, created.resource_id, groups, created.address
    )
    ctx.resources.append(("AWS::RDS::DBInstance", arns.instance(sc, ident)))
    instance = await settle(rds, layer, sc, ident, SETTLED)
    return {"DBInstance": await view(rds, instance)}


# -- describe -------------------------------------------------------------------------------

_FILTERS = ("db-cluster-id", "db-instance-id", "dbi-resource-id", "domain", "engine")


def _matches(i: Instance, wanted: dict[str, list[str]]) -> bool:
    for name, values in wanted.items():
        if name == "db-instance-id":
            names = {instance_name(v) for v in values}
            if i.instance_id not in names:
                return False
        elif name == "dbi-resource-id":
            if i.resource_id not in values:
                return False
        elif name == "engine":
            if i.engine not in values:
                return False
        else:  # db-cluster-id, domain: fogbank's instances are in no cluster, no domain
            return False
    return True


async def describe_db_instances(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    wanted = filters(params, _FILTERS)
    layer = await rds.layer()
    name = text(params, "DBInstanceIdentifier")
    if name:
        found = await layer.instances.describe(sc, instance_name(name))
    else:
        found = await layer.instances.describe(sc)
    found = [i for i in found if _matches(i, wanted)]
    shown, marker = page(found, lambda i: i.instance_id, params)
    all_tags = await rds.db.read(lambda c: tagging.of_kind(c, sc, tagging.DB))
    groups = {g.name: g for g in await rds.subnet_groups.describe(sc)}
    restarts = await restart_times(rds, shown)
    docs = [
        db_instance(
            i,
            all_tags.get(i.resource_id, ()),
            groups.get(i.options.subnet_group),
            restarts.get(i.resource_id),
        )
        for i in shown
    ]
    return with_marker({"DBInstances": docs}, marker)


# -- modify ---------------------------------------------------------------------------------


async def modify_db_instance(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    ident = instance_name(required(params, "DBInstanceIdentifier"))
    layer = await rds.layer()
    current = await layer.instances.get(sc, ident)
    instance_input.reject_modify_unsupported(params, current.engine)
    options = instance_input.apply_options(params, current.options)
    iops = integer(params, "Iops")
    throughput = integer(params, "StorageThroughput")
    storage = integer(params, "AllocatedStorage")
    if iops is not None or throughput is not None or options != current.options:
        options = replace(
            options,
            iops=options.iops if iops is None else iops,
            storage_throughput=options.storage_throughput if throughput is None else throughput,
        )
        instance_input.check_storage(
            current.storage_type,
            storage or current.allocated_storage,
            options.iops,
            options.storage_throughput,
            options.max_allocated_storage,
        )
    group_ids = strings(params, "VpcSecurityGroupIds")
    checked = None
    if group_ids is not None:
        checked = await rds.network.security_groups(
            ctx.account_id, ctx.region, group_ids, current.options.vpc_id
        )
    changes = InstanceChanges(
        instance_class=text(params, "DBInstanceClass"),
        allocated_storage=storage,
        master_password=text(params, "MasterUserPassword"),
        parameter_group=text(params, "DBParameterGroupName"),
        security_group_ids=checked,
        publicly_accessible=boolean(params, "PubliclyAccessible"),
        port=integer(params, "DBPortNumber"),
        options=options if options != current.options else None,
        new_instance_id=text(params, "NewDBInstanceIdentifier"),
    )
    apply_now = boolean(params, "ApplyImmediately") is True
    modified = await layer.instances.modify(sc, ident, changes, apply_now)
    if checked is not None:
        await rds.network.use_groups(
            ctx.account_id, ctx.region, current.resource_id, checked, current.address
        )
    if modified.status == Status.MODIFYING:
        modified = await settle(rds, layer, sc, modified.instance_id, SETTLED)
    return {"DBInstance": await view(rds, modified)}


# -- reboot, stop, start, delete --------------------------------------------------------------


async def reboot_db_instance(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    ident = instance_name(required(params, "DBInstanceIdentifier"))
    if boolean(params, "ForceFailover"):
        raise errors.invalid_combination(
            "ForceFailover can be given only for a Multi-AZ DB instance; this one is not."
        )
    layer = await rds.layer()
    await layer.instances.reboot(sc, ident)
    instance = await settle(rds, layer, sc, ident, SETTLED)
    return {"DBInstance": await view(rds, instance)}


async def stop_db_instance(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    ident = instance_name(required(params, "DBInstanceIdentifier"))
    if text(params, "DBSnapshotIdentifier"):
        raise errors.not_supported("DB snapshots (DBSnapshotIdentifier); nothing was stopped")
    layer = await rds.layer()
    await layer.instances.stop(sc, ident)
    instance = await settle(rds, layer, sc, ident, SETTLED)
    return {"DBInstance": await view(rds, instance)}


async def start_db_instance(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    ident = instance_name(required(params, "DBInstanceIdentifier"))
    layer = await rds.layer()
    await layer.instances.start(sc, ident)
    instance = await settle(rds, layer, sc, ident, SETTLED)
    return {"DBInstance": await view(rds, instance)}


def _final_snapshot(params: Params) -> None:
    skip = boolean(params, "SkipFinalSnapshot") is True
    final = text(params, "FinalDBSnapshotIdentifier")
    if skip and final:
        raise errors.invalid_combination(
            "Cannot specify both SkipFinalSnapshot and FinalDBSnapshotIdentifier."
        )
    if not skip and not final:
        raise errors.invalid_combination(
            "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified."
        )
    if not skip:
        raise errors.not_supported(
            "DB snapshots, so it cannot take the final snapshot asked for"
            f" ({final}); the DB instance was not deleted. Keep it, or delete it with"
            " SkipFinalSnapshot once its data is saved elsewhere"
        )


async def delete_db_instance(rds: RdsBackend, ctx: RequestContext, params: Params) -> Output:
    sc = scope(ctx)
    ident = instance_name(required(params, "DBInstanceIdentifier"))
    layer = await rds.layer()
    current = await layer.instances.get(sc, ident)
    if current.options.deletion_protection:
        raise errors.invalid_combination(
            "Cannot delete protected DB Instance, please disable deletion protection and try again."
        )
    _final_snapshot(params)
    doc = await view(rds, current)
    deleting = await layer.instances.delete(sc, ident)
    doc["DBInstanceStatus"] = deleting.status
    try:
        await settle(rds, layer, sc, ident, ())
    except AwsError as exc:
        if exc.code != "DBInstanceNotFound":
            raise
    await rds.network.release_groups(current.resource_id)
    return {"DBInstance": doc}
