"""The EFS service as the gateway sees it: the dispatch table, authorization (the
file system policy as the resource policy; KMS's key policy for key requirements), the
lifecycle job, and the data-plane host of this process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from functools import partial

from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.context import RequestContext
from fogbank.core.jobs import Job
from fogbank.services.base import Handler, Output, Params, ServiceProvider
from fogbank.services.efs import access, requirements
from fogbank.services.efs.engine import EfsEngine
from fogbank.services.efs.models import file_system_arn
from fogbank.services.efs.ops import (
    access_points,
    filesystems,
    mount_targets,
    policies,
    settings,
    tags,
)
from fogbank.services.efs.serving.host import DataPlaneHost
from fogbank.services.efs.store import filesystems as fs_store
from fogbank.storage.db import Conn

Op = Callable[[EfsEngine, RequestContext, Params], Awaitable[Output]]

_OPERATIONS: dict[str, Op] = {
    "CreateFileSystem": filesystems.create_file_system,
    "DescribeFileSystems": filesystems.describe_file_systems,
    "UpdateFileSystem": filesystems.update_file_system,
    "DeleteFileSystem": filesystems.delete_file_system,
    "UpdateFileSystemProtection": filesystems.update_protection,
    "CreateMountTarget": mount_targets.create_mount_target,
    "DescribeMountTargets": mount_targets.describe_mount_targets,
    "DeleteMountTarget": mount_targets.delete_mount_target,
    "DescribeMountTargetSecurityGroups": mount_targets.describe_security_groups,
    "ModifyMountTargetSecurityGroups": mount_targets.modify_security_groups,
    "CreateAccessPoint": access_points.create_access_point,
    "DescribeAccessPoints": access_points.describe_access_points,
    "DeleteAccessPoint": access_points.delete_access_point,
    "PutFileSystemPolicy": policies.put_file_system_policy,
    "DescribeFileSystemPolicy": policies.describe_file_system_policy,
    "DeleteFileSystemPolicy": policies.delete_file_system_policy,
    "PutLifecycleConfiguration": settings.put_lifecycle,
    "DescribeLifecycleConfiguration": settings.describe_lifecycle,
    "PutBackupPolicy": settings.put_backup_policy,
    "DescribeBackupPolicy": settings.describe_backup_policy,
    "DescribeAccountPreferences": settings.describe_account_preferences,
    "PutAccountPreferences": settings.put_account_preferences,
    "TagResource": tags.tag_resource,
    "UntagResource": tags.untag_resource,
    "ListTagsForResource": tags.list_tags_for_resource,
    "CreateTags": tags.create_tags,
    "DeleteTags": tags.delete_tags,
    "DescribeTags": tags.describe_tags,
}

_FS_ARN_PREFIX = "arn:aws:elasticfilesystem:"


class EfsService(ServiceProvider):
    name = "efs"

    def __init__(
        self,
        engine: EfsEngine,
        host: DataPlaneHost | None = None,
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.host = host
        self._on_stop = on_stop
        self._job = engine.store.lifecycle_job()

    def operations(self) -> Mapping[str, Handler]:
        return {name: partial(op, self.engine) for name, op in _OPERATIONS.items()}

    async def requirements(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        return await requirements.requirements(self.engine, ctx, params)

    async def resource_policy(
        self, ctx: RequestContext, requirement: Requirement
    ) -> ResourcePolicy | None:
        if requirement.action.startswith("kms:"):
            return await self.engine.kms.key_policy(requirement)
        arn = requirement.resource
        if not arn.startswith(_FS_ARN_PREFIX) or ":file-system/fs-" not in arn:
            return None
        fs_id = arn.rsplit("/", 1)[1]
        fs = await self.engine.read(lambda c: fs_store.get(c, fs_id))
        if fs is None or fs.policy is None or fs.arn != arn:
            return None
        return ResourcePolicy(access.scoped(fs.policy, fs.arn), fs.account_id)

    async def grant_allows(self, ctx: RequestContext, requirement: Requirement) -> bool:
        if requirement.action.startswith("kms:"):
            return await self.engine.kms.grant_allows(ctx.principal, requirement)
        return False

    def jobs(self) -> Sequence[Job]:
        return (self._job,)

    async def start(self, primary: bool) -> None:
        if self.host is not None:
            await self.host.start()

    async def stop(self) -> None:
        if self.host is not None:
            await self.host.stop()
        if self._on_stop is not None:
            self._on_stop()

    async def summary(self, account_id: str) -> dict[str, object]:
        def count(conn: Conn) -> dict[str, object]:
            out: dict[str, object] = {}
            for key, table in (
                ("file_systems", "efs_file_systems"),
                ("mount_targets", "efs_mount_targets"),
                ("access_points", "efs_access_points"),
            ):
                out[key] = conn.scalar(
                    f"SELECT COUNT(*) AS n FROM {table} WHERE account_id = ?",  # noqa: S608
                    (account_id,),
                )
            return out

        return await self.engine.read(count)


__all__ = ["EfsService", "file_system_arn"]
