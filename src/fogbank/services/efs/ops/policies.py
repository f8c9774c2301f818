"""PutFileSystemPolicy, DescribeFileSystemPolicy, DeleteFileSystemPolicy.

A policy is validated with IAM's parser (resource-policy rules: Principal required) and
kept as written. Without one, EFS's default policy applies (``access.DEFAULT_POLICY``);
``DescribeFileSystemPolicy`` then answers ``PolicyNotFound``, as EFS does.
"""

from __future__ import annotations

from fogbank.authz.policy import (
    AuthzRequest,
    DecisionKind,
    PolicyError,
    PolicySet,
    PrincipalInfo,
    evaluate,
)
from fogbank.core.context import RequestContext
from fogbank.services.base import Output
from fogbank.services.efs import access, errors, validate
from fogbank.services.efs.engine import EfsEngine
from fogbank.services.efs.ops.common import (
    Params,
    file_system,
    fs_id_of,
    req_str,
    require_available,
)
from fogbank.services.efs.store import filesystems as fs_store

PUT_POLICY = "elasticfilesystem:PutFileSystemPolicy"


async def put_file_system_policy(engine: EfsEngine, ctx: RequestContext, params: Params) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    text = req_str(params, "Policy")
    v = validate.Violations()
    v.length(text, "policy", 1, access.MAX_POLICY_CHARS)
    v.raise_if_any()
    require_available(fs)
    try:
        policy = access.check_policy(text, fs.arn)
    except PolicyError as exc:
        raise errors.invalid_policy(exc.message) from None
    if not params.get("BypassPolicyLockoutSafetyCheck"):
        caller = PrincipalInfo.from_principal(ctx.principal)
        decision = evaluate(
            AuthzRequest(PUT_POLICY, fs.arn, caller, {}, resource_account=fs.account_id),
            PolicySet(resource=policy),
        )
        if decision.kind is DecisionKind.EXPLICIT_DENY:
            raise errors.invalid_policy(
                "The policy would lock you out of the file system: it denies you"
                " elasticfilesystem:PutFileSystemPolicy. Set BypassPolicyLockoutSafetyCheck"
                " to true to put it anyway."
            )
    await engine.write(lambda c: fs_store.set_policy(c, fs.fs_id, text))
    ctx.resources.append(("AWS::EFS::FileSystem", fs.arn))
    return {"FileSystemId": fs.fs_id, "Policy": text}


async def describe_file_system_policy(
    engine: EfsEngine, ctx: RequestContext, params: Params
) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    if fs.policy is None:
        raise errors.policy_not_found(fs.fs_id)
    return {"FileSystemId": fs.fs_id, "Policy": fs.policy}


async def delete_file_system_policy(
    engine: EfsEngine, ctx: RequestContext, params: Params
) -> Output:
    fs = await file_system(engine, ctx, fs_id_of(req_str(params, "FileSystemId")))
    require_available(fs)
    await engine.write(lambda c: fs_store.set_policy(c, fs.fs_id, None))
    ctx.resources.append(("AWS::EFS::FileSystem", fs.arn))
    return {}
