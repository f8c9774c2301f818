"""The RDS service provider: the dispatch table, IAM requirements, and the engine layer's
lifecycle (the supervisor of the database engines runs in the primary process only)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial

from fogbank.authz.requirements import Requirement
from fogbank.core.context import RequestContext
from fogbank.core.jobs import Job
from fogbank.services.base import Handler, Output, Params, ServiceProvider
from fogbank.services.rds import store
from fogbank.services.rds.backend import RdsBackend
from fogbank.services.rds.jobs import AutoStart
from fogbank.services.rds.ops import (
    account,
    engine_versions,
    events,
    instances,
    parameter_groups,
    subnet_groups,
    tags,
)
from fogbank.services.rds.requirements import RdsRequirements
from fogbank.storage.db import Conn

Op = Callable[[RdsBackend, RequestContext, Params], Awaitable[Output]]

_OPERATIONS: dict[str, Op] = {
    "CreateDBInstance": instances.create_db_instance,
    "DescribeDBInstances": instances.describe_db_instances,
    "ModifyDBInstance": instances.modify_db_instance,
    "DeleteDBInstance": instances.delete_db_instance,
    "RebootDBInstance": instances.reboot_db_instance,
    "StopDBInstance": instances.stop_db_instance,
    "StartDBInstance": instances.start_db_instance,
    "DescribeDBEngineVersions": engine_versions.describe_db_engine_versions,
    "DescribeOrderableDBInstanceOptions": engine_versions.describe_orderable_db_instance_options,
    "CreateDBParameterGroup": parameter_groups.create_db_parameter_group,
    "CopyDBParameterGroup": parameter_groups.copy_db_parameter_group,
    "DescribeDBParameterGroups": parameter_groups.describe_db_parameter_groups,
    "ModifyDBParameterGroup": parameter_groups.modify_db_parameter_group,
    "ResetDBParameterGroup": parameter_groups.reset_db_parameter_group,
    "DeleteDBParameterGroup": parameter_groups.delete_db_parameter_group,
    "DescribeDBParameters": parameter_groups.describe_db_parameters,
    "DescribeEngineDefaultParameters": parameter_groups.describe_engine_default_parameters,
    "CreateDBSubnetGroup": subnet_groups.create_db_subnet_group,
    "DescribeDBSubnetGroups": subnet_groups.describe_db_subnet_groups,
    "ModifyDBSubnetGroup": subnet_groups.modify_db_subnet_group,
    "DeleteDBSubnetGroup": subnet_groups.delete_db_subnet_group,
    "DescribeEvents": events.describe_events,
    "AddTagsToResource": tags.add_tags_to_resource,
    "RemoveTagsFromResource": tags.remove_tags_from_resource,
    "ListTagsForResource": tags.list_tags_for_resource,
    "DescribeAccountAttributes": account.describe_account_attributes,
    "DescribeCertificates": account.describe_certificates,
}


class RdsService(ServiceProvider):
    name = "rds"

    def __init__(self, backend: RdsBackend) -> None:
        self.backend = backend
        self._requirements = RdsRequirements(backend)

    def operations(self) -> Mapping[str, Handler]:
        return {name: partial(op, self.backend) for name, op in _OPERATIONS.items()}

    async def requirements(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        return await self._requirements.of(ctx, params)

    def jobs(self) -> Sequence[Job]:
        return (AutoStart(self.backend),)

    async def start(self, primary: bool) -> None:
        await self.backend.start(primary)

    async def stop(self) -> None:
        await self.backend.stop()

    async def summary(self, account_id: str) -> dict[str, object]:
        def count(conn: Conn) -> dict[str, object]:
            records = [
                r for r in store.list_instances(conn) if r.instance.scope.account_id == account_id
            ]
            statuses: dict[str, int] = {}
            for r in records:
                statuses[r.instance.status] = statuses.get(r.instance.status, 0) + 1
            groups = conn.scalar(
                "SELECT COUNT(*) AS n FROM rds_parameter_groups WHERE account_id = ?",
                (account_id,),
            )
            return {"db_instances": len(records), "statuses": statuses, "parameter_groups": groups}

        return await self.backend.db.read(count)
