"""PutLifecycleConfiguration, DescribeLifecycleConfiguration, PutBackupPolicy,
DescribeBackupPolicy, PutAccountPreferences, DescribeAccountPreferences.

The lifecycle configuration drives the data plane's lifecycle job: files not read for
``TransitionToIA`` days of fogbank time move to the IA storage class, and with
``TransitionToPrimaryStorageClass: AFTER_1_ACCESS`` come back on their next read.
``TransitionToArchive`` is kept and reported; there is no archive class yet.
The backup policy is stored and reported (AWS Backup is not modelled).
"""

from __future__ import annotations

from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.efs import errors, views
from fogbank.services.efs import models as m
from fogbank.services.efs.engine import EfsEngine
from fogbank.services.efs.fs.model import LifecyclePolicy
from fogbank.services.efs.ops.common import (
    Params,
    file_system,
    fs_id_of,
    items,
    opt_str,
    req_str,
    require_available,
    struct,
)
from fogbank.services.efs.store import filesystems as fs_store
from fogbank.storage.db import Conn

DAY = 86400.0
IA_RULES = (
    "AFTER_1_DAY",
    "AFTER_7_DAYS",
    "AFTER_14_DAYS",
    "AFTER_30_DAYS",
    "AFTER_60_DAYS",
    "AFTER_90_DAYS",
    "AFTER_180_DAYS",
    "AFTER_270_DAYS",
    "AFTER_365_DAYS",
)
PRIMARY_RULES = ("AFTER_1_ACCESS",)
_KINDS = ("TransitionToIA", "TransitionToPrimaryStorageClass", "TransitionToArchive")


def days(rule: str) -> int:
    """``AFTER_30_DAYS`` -> 30."""
    return int(rule.split("_")[1])


def data_plane_policy(lc: m.Lifecycle) -> LifecyclePolicy:
    ia = None if lc.transition_to_ia is None else days(lc.transition_to_ia) * DAY
    return LifecyclePolicy(ia_after_s=ia, back_on_access=lc.transition_to_primary is not None)


def _parse(fs: m.FileSystem, raw: list[dict[str, object]]) -> m.Lifecycle:
    seen: dict[str, str] = {}
    for policy in raw:
        present = [k for k in _KINDS if policy.get(k) is not None]
        if len(present) != 1:
            raise errors.bad_request(
                "Each LifecyclePolicy object must contain exactly one transition."
            )
        kind = present[0]
        if kind in seen:
            raise errors.bad_request(f"Only one {kind} lifecycle policy is allowed.")
        value = str(policy[kind])
        allowed = PRIMARY_RULES if kind == "TransitionToPrimaryStorageClass" else IA_RULES
        if value not in allowed:
            raise errors.validation(
                [
                    f"Value '{value}' at 'lifecyclePolicies.member.{kind[0].lower() + kind[1:]}'"
                    f" failed to satisfy constraint: Member must satisfy enum value set:"
                    f" [{', '.join(allowed)}]"
                ]
            )
        seen[kind] = value
    ia, archive = seen.get("TransitionToIA"), seen.get("TransitionToArchive")
    if archive is not None:
        if fs.throughput_mode != m.ELASTIC or fs.performance_mode != m.GENERAL_PURPOSE:
            raise errors.bad_request(
                "Archive storage is available only for file systems that use Elastic"
                " throughput and General Purpose performance mode."
            )
        if ia is not None and days(archive) <= days(ia):
            raise errors.bad_request("TransitionToArchive must be later than TransitionToIA.")
    return m.Lifecycle(ia, seen.get("TransitionToPrimaryStorageClass"), archive)


async def put_lifecycle(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    require_available(fs)
    lc = _parse(fs, [dict(p) for p in items(params, "LifecyclePolicies")])
    await engine.write(lambda c: fs_store.set_lifecycle(c, fs.fs_id, lc))
    await engine.store.set_lifecycle(fs.fs_id, data_plane_policy(lc))
    return views.lifecycle(lc)


async def describe_lifecycle(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    return views.lifecycle(fs.lifecycle)


async def put_backup_policy(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    policy = struct(params, "BackupPolicy") or {}
    status = opt_str(policy, "Status")
    if status not in ("ENABLED", "DISABLED"):
        raise errors.validation(
            [
                f"Value '{status}' at 'backupPolicy.status' failed to satisfy constraint:"
                " Member must satisfy enum value set: [ENABLED, DISABLED]"
            ]
        )
    require_available(fs)
    await engine.write(lambda c: fs_store.set_backup(c, fs.fs_id, status))
    return {"BackupPolicy": {"Status": status}}


async def describe_backup_policy(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    return {"BackupPolicy": {"Status": fs.backup_status}}


_RESOURCES = ["FILE_SYSTEM", "MOUNT_TARGET"]


async def describe_account_preferences(
    engine: EfsEngine, ctx: RequestContext, params: Params
) -> Output:
    def read(conn: Conn) -> str:
        value = conn.scalar(
            "SELECT resource_id_type FROM efs_account_preferences"
            " WHERE account_id = ? AND region = ?",
            (ctx.account_id, ctx.region),
        )
        return "LONG_ID" if value is None else str(value)

    kind = await engine.read(read)
    return {"ResourceIdPreference": {"ResourceIdType": kind, "Resources": _RESOURCES}}


async def put_account_preferences(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    kind = req_str(params, "ResourceIdType")
    if kind not in ("LONG_ID", "SHORT_ID"):
        raise errors.validation(
            [
                f"Value '{kind}' at 'resourceIdType' failed to satisfy constraint: Member must"
                " satisfy enum value set: [LONG_ID, SHORT_ID]"
            ]
        )
    if kind == "SHORT_ID":
        raise errors.bad_request(
            "Short resource IDs are no longer available; EFS uses long (17 character) IDs."
        )

    def put(conn: Conn) -> None:
        conn.execute(
            "DELETE FROM efs_account_preferences WHERE account_id = ? AND region = ?",
            (ctx.account_id, ctx.region),
        )
        conn.execute(
            "INSERT INTO efs_account_preferences (account_id, region, resource_id_type)"
            " VALUES (?, ?, ?)",
            (ctx.account_id, ctx.region, kind),
        )

    await engine.write(put)
    return {"ResourceIdPreference": {"ResourceIdType": kind, "Resources": _RESOURCES}}
