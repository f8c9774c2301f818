"""Handlers of the key lifecycle, rotation, tags and key policy operations."""

from __future__ import annotations

from types import MappingProxyType

from fogbank.core.context import RequestContext
from fogbank.services.kms import errors, pagination, policy, wire
from fogbank.services.kms.api import params as p
from fogbank.services.kms.api.common import Handlers, Output, page, touched
from fogbank.services.kms.api.policy_check import check_new_policy
from fogbank.services.kms.engine import Engine, parse_ref
from fogbank.services.kms.models import key_arn
from fogbank.services.kms.ops import keys, policies, rotation, tags

P = p.Params
NEW_KEY_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def own_key(ctx: RequestContext, key_id: str, *, allow_alias: bool = False) -> str:
    """A ``KeyId`` for an operation KMS allows on the caller's own keys only: a key ARN
    of another account names no key of the caller's (NotFound)."""
    ref = parse_ref(key_id, ctx.account_id, ctx.region, allow_alias=allow_alias)
    if ref.account_id != ctx.account_id:
        raise errors.key_not_found(key_id)
    return key_id


# -- lifecycle --------------------------------------------------------------------------


async def create_key(engine: Engine, ctx: RequestContext, params: P) -> Output:
    if params.get("XksKeyId") is not None:
        raise errors.unsupported("External key stores are not supported by fogbank.")
    document = p.opt_text(params, "Policy")
    if document is not None:
        # The key's id is not known yet: the check sees an ARN in the key's account and
        # region (key policies name their key as "*").
        new_arn = key_arn(engine.partition, ctx.region, ctx.account_id, NEW_KEY_PLACEHOLDER)
        bypass = p.flag(params, "BypassPolicyLockoutSafetyCheck")
        check_new_policy(document, ctx.principal, new_arn, bypass)
    key = await keys.create_key(
        engine,
        ctx.account_id,
        ctx.region,
        key_spec=p.opt_text(params, "KeySpec"),
        key_usage=p.opt_text(params, "KeyUsage"),
        customer_master_key_spec=p.opt_text(params, "CustomerMasterKeySpec"),
        description=p.opt_text(params, "Description") or "",
        key_policy=document,
        tags=p.tags(params),
        origin=p.opt_text(params, "Origin"),
        multi_region=p.flag(params, "MultiRegion"),
        custom_key_store_id=p.opt_text(params, "CustomKeyStoreId"),
    )
    touched(ctx, key.arn)
    return {"KeyMetadata": wire.key_metadata(key)}


async def describe_key(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key = await keys.describe_key(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        p.strings(params, "GrantTokens"),
    )
    touched(ctx, key.arn)
    return {"KeyMetadata": wire.key_metadata(key)}


async def list_keys(engine: Engine, ctx: RequestContext, params: P) -> Output:
    owners = p.strings(params, "ResourceOwners") or ["SELF"]
    for owner in owners:
        if owner not in ("SELF", "OTHER_ACCOUNTS_VIA_RAM"):
            raise errors.enum_value("resourceOwners", owner, ["SELF", "OTHER_ACCOUNTS_VIA_RAM"])
    limit, marker = p.opt_int(params, "Limit"), p.opt_text(params, "Marker")
    if "SELF" not in owners:  # nothing is shared through RAM in fogbank
        pagination.limit(limit)
        pagination.marker_after(marker)
        return {"Keys": [], "Truncated": False}
    found = await keys.list_keys(engine, ctx.account_id, ctx.region, limit, marker)
    return page(found, "Keys", lambda e: wire.key_list_entry(*e))


async def enable_key(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key = await keys.enable_key(
        engine, ctx.account_id, ctx.region, own_key(ctx, p.text(params, "KeyId"))
    )
    touched(ctx, key.arn)
    return {}


async def disable_key(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key = await keys.disable_key(
        engine, ctx.account_id, ctx.region, own_key(ctx, p.text(params, "KeyId"))
    )
    touched(ctx, key.arn)
    return {}


async def update_key_description(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key = await keys.update_key_description(
        engine,
        ctx.account_id,
        ctx.region,
        own_key(ctx, p.text(params, "KeyId")),
        p.text(params, "Description"),
    )
    touched(ctx, key.arn)
    return {}


async def schedule_key_deletion(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key = await keys.schedule_key_deletion(
        engine,
        ctx.account_id,
        ctx.region,
        own_key(ctx, p.text(params, "KeyId")),
        p.opt_int(params, "PendingWindowInDays"),
    )
    touched(ctx, key.arn)
    assert key.deletion_at is not None
    return {
        "KeyId": key.arn,
        "DeletionDate": wire.when(key.deletion_at),
        "KeyState": key.state.value,
        "PendingWindowInDays": key.pending_window_days,
    }


async def cancel_key_deletion(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key = await keys.cancel_key_deletion(
        engine, ctx.account_id, ctx.region, own_key(ctx, p.text(params, "KeyId"))
    )
    touched(ctx, key.arn)
    return {"KeyId": key.arn}


# -- rotation ---------------------------------------------------------------------------


async def enable_key_rotation(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key = await rotation.enable_key_rotation(
        engine,
        ctx.account_id,
        ctx.region,
        own_key(ctx, p.text(params, "KeyId")),
        p.opt_int(params, "RotationPeriodInDays"),
    )
    touched(ctx, key.arn)
    return {}


async def disable_key_rotation(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key = await rotation.disable_key_rotation(
        engine, ctx.account_id, ctx.region, own_key(ctx, p.text(params, "KeyId"))
    )
    touched(ctx, key.arn)
    return {}


async def get_key_rotation_status(engine: Engine, ctx: RequestContext, params: P) -> Output:
    status = await rotation.get_key_rotation_status(
        engine, ctx.account_id, ctx.region, p.text(params, "KeyId")
    )
    touched(ctx, status.key_id)
    return status.wire()


async def rotate_key_on_demand(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key = await rotation.rotate_key_on_demand(
        engine, ctx.account_id, ctx.region, own_key(ctx, p.text(params, "KeyId"))
    )
    touched(ctx, key.arn)
    return {"KeyId": key.key_id}


async def list_key_rotations(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key, found = await rotation.list_key_rotations(
        engine,
        ctx.account_id,
        ctx.region,
        own_key(ctx, p.text(params, "KeyId")),
        p.opt_int(params, "Limit"),
        p.opt_text(params, "Marker"),
        p.opt_text(params, "IncludeKeyMaterial"),
    )
    touched(ctx, key.arn)
    return page(found, "Rotations", lambda m: wire.rotation_entry(key, m))


# -- tags -------------------------------------------------------------------------------


def _arn_of(engine: Engine, ctx: RequestContext, key_id: str) -> str:
    ref = parse_ref(key_id, ctx.account_id, ctx.region, allow_alias=False)
    return key_arn(engine.partition, ref.region, ref.account_id, ref.key_id or key_id)


async def tag_resource(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key_id = own_key(ctx, p.text(params, "KeyId"))
    await tags.tag_resource(engine, ctx.account_id, ctx.region, key_id, p.tags(params))
    touched(ctx, _arn_of(engine, ctx, key_id))
    return {}


async def untag_resource(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key_id = own_key(ctx, p.text(params, "KeyId"))
    await tags.untag_resource(
        engine, ctx.account_id, ctx.region, key_id, p.strings(params, "TagKeys")
    )
    touched(ctx, _arn_of(engine, ctx, key_id))
    return {}


async def list_resource_tags(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key_id = own_key(ctx, p.text(params, "KeyId"))
    found = await tags.list_resource_tags(
        engine,
        ctx.account_id,
        ctx.region,
        key_id,
        p.opt_int(params, "Limit"),
        p.opt_text(params, "Marker"),
    )
    touched(ctx, _arn_of(engine, ctx, key_id))
    return page(found, "Tags", lambda t: {"TagKey": t[0], "TagValue": t[1]})


# -- key policies -----------------------------------------------------------------------


async def get_key_policy(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key_id = own_key(ctx, p.text(params, "KeyId"))
    name = p.opt_text(params, "PolicyName")
    document = await policies.get_key_policy(engine, ctx.account_id, ctx.region, key_id, name)
    touched(ctx, _arn_of(engine, ctx, key_id))
    return {"Policy": document, "PolicyName": name or "default"}


async def put_key_policy(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key_id = own_key(ctx, p.text(params, "KeyId"))
    document = p.text(params, "Policy")
    arn = _arn_of(engine, ctx, key_id)
    bypass = p.flag(params, "BypassPolicyLockoutSafetyCheck")
    policy.check_policy_name(p.opt_text(params, "PolicyName"))
    check_new_policy(document, ctx.principal, arn, bypass)
    await policies.put_key_policy(
        engine,
        ctx.account_id,
        ctx.region,
        key_id,
        document,
        p.opt_text(params, "PolicyName"),
        bypass,
    )
    touched(ctx, arn)
    return {}


async def list_key_policies(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key_id = own_key(ctx, p.text(params, "KeyId"))
    found = await policies.list_key_policies(
        engine,
        ctx.account_id,
        ctx.region,
        key_id,
        p.opt_int(params, "Limit"),
        p.opt_text(params, "Marker"),
    )
    touched(ctx, _arn_of(engine, ctx, key_id))
    return page(found, "PolicyNames", lambda name: name)


HANDLERS: Handlers = MappingProxyType(
    {
        "CreateKey": create_key,
        "DescribeKey": describe_key,
        "ListKeys": list_keys,
        "EnableKey": enable_key,
        "DisableKey": disable_key,
        "UpdateKeyDescription": update_key_description,
        "ScheduleKeyDeletion": schedule_key_deletion,
        "CancelKeyDeletion": cancel_key_deletion,
        "EnableKeyRotation": enable_key_rotation,
        "DisableKeyRotation": disable_key_rotation,
        "GetKeyRotationStatus": get_key_rotation_status,
        "RotateKeyOnDemand": rotate_key_on_demand,
        "ListKeyRotations": list_key_rotations,
        "TagResource": tag_resource,
        "UntagResource": untag_resource,
        "ListResourceTags": list_resource_tags,
        "GetKeyPolicy": get_key_policy,
        "PutKeyPolicy": put_key_policy,
        "ListKeyPolicies": list_key_policies,
    }
)
