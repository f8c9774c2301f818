"""What each EFS call needs to be allowed: ``elasticfilesystem:<Operation>`` on the file
system or access point it names (Service Authorization Reference, Amazon EFS), with the
condition keys EFS defines:

- ``elasticfilesystem:Encrypted`` on CreateFileSystem;
- ``aws:RequestTag/<key>`` and ``aws:TagKeys`` where tags are passed, and then
  ``elasticfilesystem:TagResource`` too, with ``elasticfilesystem:CreateAction``
  (tagging on creation needs that permission, as EFS documents);
- ``elasticfilesystem:AccessPointArn`` on access-point calls.

Calls that name a mount target are authorized on its file system. A customer managed
KMS key given to CreateFileSystem also needs ``kms:DescribeKey`` and ``kms:CreateGrant``
on that key, with ``kms:ViaService`` = ``elasticfilesystem.<region>.amazonaws.com``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.authz.requirements import ContextValue, Requirement
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.efs import ids
from fogbank.services.efs.engine import EfsEngine
from fogbank.services.efs.models import access_point_arn, file_system_arn
from fogbank.services.efs.ops.common import Params, items, opt_str, strings, tag_pairs
from fogbank.services.efs.store import access_points as ap_store
from fogbank.services.efs.store import targets as mt_store

PREFIX = "elasticfilesystem"
_FS_MEMBER_OPS = frozenset(
    {
        "DescribeFileSystems",
        "UpdateFileSystem",
        "DeleteFileSystem",
        "UpdateFileSystemProtection",
        "CreateMountTarget",
        "DescribeMountTargets",
        "CreateAccessPoint",
        "DescribeAccessPoints",
        "PutFileSystemPolicy",
        "DescribeFileSystemPolicy",
        "DeleteFileSystemPolicy",
        "PutLifecycleConfiguration",
        "DescribeLifecycleConfiguration",
        "PutBackupPolicy",
        "DescribeBackupPolicy",
        "CreateTags",
        "DeleteTags",
        "DescribeTags",
    }
)
_MOUNT_TARGET_OPS = frozenset(
    {
        "DeleteMountTarget",
        "DescribeMountTargets",
        "DescribeMountTargetSecurityGroups",
        "ModifyMountTargetSecurityGroups",
    }
)
_CREATES = {"CreateFileSystem": "CreateFileSystem", "CreateAccessPoint": "CreateAccessPoint"}


def _tag_keys(pairs: Sequence[tuple[str, str]]) -> dict[str, ContextValue]:
    keys: dict[str, ContextValue] = {f"aws:requesttag/{k}": v for k, v in pairs}
    keys["aws:tagkeys"] = [k for k, _ in pairs]
    return keys


async def _target_fs(engine: EfsEngine, mt_id: str) -> str | None:
    mt = await engine.read(lambda c: mt_store.get(c, mt_id))
    return None if mt is None else mt.fs_id


async def _resource(engine: EfsEngine, ctx: RequestContext, params: Params) -> str:
    region, account = ctx.region, ctx.account_id
    op = ctx.operation
    fs_text = opt_str(params, "FileSystemId")
    ap_text = opt_str(params, "AccessPointId")
    if op in ("TagResource", "UntagResource", "ListTagsForResource"):
        kind = ids.resource_kind(opt_str(params, "ResourceId") or "")
        if kind is not None:
            if kind[0] == "file-system":
                return file_system_arn(region, account, kind[1])
            return access_point_arn(region, account, kind[1])
        return "*"
    if ap_text is not None and (ap_id := ids.access_point_id(ap_text)) is not None:
        if op == "DescribeMountTargets":
            ap = await engine.read(lambda c: ap_store.get(c, ap_id))
            return "*" if ap is None else file_system_arn(region, account, ap.fs_id)
        return access_point_arn(region, account, ap_id)
    if op in _MOUNT_TARGET_OPS and (mt_text := opt_str(params, "MountTargetId")) is not None:
        mt_id = ids.mount_target_id(mt_text)
        fs_id = None if mt_id is None else await _target_fs(engine, mt_id)
        return "*" if fs_id is None else file_system_arn(region, account, fs_id)
    if op in _FS_MEMBER_OPS and fs_text is not None:
        fs_id = ids.file_system_id(fs_text)
        return "*" if fs_id is None else file_system_arn(region, account, fs_id)
    if op == "CreateFileSystem":
        return file_system_arn(region, account, "*")
    return "*"


async def requirements(engine: EfsEngine, ctx: RequestContext, params: Params) -> list[Requirement]:
    op = ctx.operation
    resource = await _resource(engine, ctx, params)
    context: dict[str, ContextValue] = {}
    if op == "CreateFileSystem":
        context["elasticfilesystem:encrypted"] = bool(params.get("Encrypted", False))
    if resource.startswith(f"arn:aws:{PREFIX}:") and ":access-point/" in resource:
        context["elasticfilesystem:accesspointarn"] = resource
    pairs = (
        tag_pairs(items(params, "Tags")) if op in (*_CREATES, "TagResource", "CreateTags") else []
    )
    if pairs:
        context.update(_tag_keys(pairs))
    if op == "UntagResource" or op == "DeleteTags":
        context["aws:tagkeys"] = strings(params, "TagKeys") or []
    out = [Requirement(f"{PREFIX}:{op}", resource, None, context)]
    if op in _CREATES and pairs:
        tagging: dict[str, ContextValue] = {
            **_tag_keys(pairs),
            "elasticfilesystem:createaction": _CREATES[op],
        }
        out.append(Requirement(f"{PREFIX}:TagResource", resource, None, tagging))
    if op == "CreateFileSystem" and (key_id := opt_str(params, "KmsKeyId")) is not None:
        out.extend(await _kms(engine, ctx, key_id))
    return out


async def _kms(engine: EfsEngine, ctx: RequestContext, key_id: str) -> list[Requirement]:
    """kms:DescribeKey and kms:CreateGrant on a customer key, via EFS (an unknown key is
    answered by the operation itself)."""
    via = f"{PREFIX}.{ctx.region}.amazonaws.com"
    grant: Mapping[str, object] = {
        "KeyId": key_id,
        "GranteePrincipal": f"{PREFIX}.amazonaws.com",
        "Operations": ["Encrypt", "Decrypt", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom"],
    }
    out: list[Requirement] = []
    try:
        for operation, params in (("DescribeKey", {"KeyId": key_id}), ("CreateGrant", grant)):
            out.extend(
                await engine.kms.requirements(ctx.account_id, ctx.region, operation, params, via)
            )
    except AwsError:
        return []
    return out
