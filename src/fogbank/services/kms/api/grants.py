"""Handlers of the alias and grant operations."""

from __future__ import annotations

from types import MappingProxyType

from fogbank.core.context import RequestContext
from fogbank.services.kms import errors, wire
from fogbank.services.kms.api import params as p
from fogbank.services.kms.api.common import (
    Handlers,
    Output,
    dry_run,
    is_dry_run,
    page,
    touched,
)
from fogbank.services.kms.api.keys import own_key
from fogbank.services.kms.engine import Engine, require_not_pending
from fogbank.services.kms.lookup import load_key
from fogbank.services.kms.ops import aliases, grants

P = p.Params

# -- aliases ----------------------------------------------------------------------------


async def create_alias(engine: Engine, ctx: RequestContext, params: P) -> Output:
    alias = await aliases.create_alias(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "AliasName"),
        own_key(ctx, p.text(params, "TargetKeyId")),
    )
    touched(ctx, wire_key_arn(engine, ctx, alias.key_id))
    return {}


async def update_alias(engine: Engine, ctx: RequestContext, params: P) -> Output:
    alias = await aliases.update_alias(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "AliasName"),
        own_key(ctx, p.text(params, "TargetKeyId")),
    )
    touched(ctx, wire_key_arn(engine, ctx, alias.key_id))
    return {}


async def delete_alias(engine: Engine, ctx: RequestContext, params: P) -> Output:
    await aliases.delete_alias(engine, ctx.account_id, ctx.region, p.text(params, "AliasName"))
    return {}


async def list_aliases(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key_id = p.opt_text(params, "KeyId")
    found = await aliases.list_aliases(
        engine,
        ctx.account_id,
        ctx.region,
        None if key_id is None else own_key(ctx, key_id),
        p.opt_int(params, "Limit"),
        p.opt_text(params, "Marker"),
    )
    return page(found, "Aliases", wire.alias_entry)


def wire_key_arn(engine: Engine, ctx: RequestContext, key_id: str) -> str:
    return f"arn:{engine.partition}:kms:{ctx.region}:{ctx.account_id}:key/{key_id}"


# -- grants -----------------------------------------------------------------------------


def _principal(params: P, name: str) -> str | None:
    """``GranteePrincipal`` or its service form ``GranteeServicePrincipal`` (one of them)."""
    plain = p.opt_text(params, name)
    service = p.opt_text(params, name.replace("Principal", "ServicePrincipal"))
    if plain is not None and service is not None:
        raise errors.validation(
            f"You cannot specify both {name} and {name.replace('Principal', 'ServicePrincipal')}."
        )
    return plain if plain is not None else service


async def create_grant(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key_id = p.text(params, "KeyId")
    grantee = _principal(params, "GranteePrincipal")
    if grantee is None:
        raise errors.validation("Specify a GranteePrincipal or a GranteeServicePrincipal.")
    constraints = p.structure(params, "Constraints")
    if constraints.get("SourceArn") is not None:
        raise errors.unsupported("The SourceArn grant constraint is not supported by fogbank.")
    if is_dry_run(params):
        key = await load_key(engine, ctx.account_id, ctx.region, key_id, allow_alias=False)
        touched(ctx, key.arn)
        require_not_pending(key)
        raise dry_run()
    created = await grants.create_grant(
        engine,
        ctx.account_id,
        ctx.region,
        key_id,
        grantee,
        p.strings(params, "Operations"),
        retiring_principal=_principal(params, "RetiringPrincipal"),
        encryption_context_equals=p.pairs(constraints, "EncryptionContextEquals"),
        encryption_context_subset=p.pairs(constraints, "EncryptionContextSubset"),
        name=p.opt_text(params, "Name"),
        grant_tokens=p.strings(params, "GrantTokens"),
    )
    return created.wire()


async def list_grants(engine: Engine, ctx: RequestContext, params: P) -> Output:
    found = await grants.list_grants(
        engine,
        ctx.account_id,
        ctx.region,
        p.text(params, "KeyId"),
        limit=p.opt_int(params, "Limit"),
        marker=p.opt_text(params, "Marker"),
        grant_id=p.opt_text(params, "GrantId"),
        grantee_principal=_principal(params, "GranteePrincipal"),
    )
    return page(found, "Grants", wire.grant_entry)


async def list_retirable_grants(engine: Engine, ctx: RequestContext, params: P) -> Output:
    retiring = _principal(params, "RetiringPrincipal")
    if retiring is None:
        raise errors.validation("Specify a RetiringPrincipal or a RetiringServicePrincipal.")
    found = await grants.list_retirable_grants(
        engine, ctx.region, retiring, p.opt_int(params, "Limit"), p.opt_text(params, "Marker")
    )
    return page(found, "Grants", wire.grant_entry)


async def retire_grant(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key_id = p.opt_text(params, "KeyId")
    if is_dry_run(params):
        if key_id is not None:
            await load_key(engine, ctx.account_id, ctx.region, key_id, allow_alias=False)
        raise dry_run()
    await grants.retire_grant(
        engine,
        ctx.principal,
        ctx.region,
        grant_token=p.opt_text(params, "GrantToken"),
        key_id=key_id,
        grant_id=p.opt_text(params, "GrantId"),
    )
    return {}


async def revoke_grant(engine: Engine, ctx: RequestContext, params: P) -> Output:
    key_id, grant_id = p.text(params, "KeyId"), p.text(params, "GrantId")
    if is_dry_run(params):
        key = await load_key(engine, ctx.account_id, ctx.region, key_id, allow_alias=False)
        touched(ctx, key.arn)
        raise dry_run()
    await grants.revoke_grant(engine, ctx.account_id, ctx.region, key_id, grant_id)
    return {}


HANDLERS: Handlers = MappingProxyType(
    {
        "CreateAlias": create_alias,
        "UpdateAlias": update_alias,
        "DeleteAlias": delete_alias,
        "ListAliases": list_aliases,
        "CreateGrant": create_grant,
        "ListGrants": list_grants,
        "ListRetirableGrants": list_retirable_grants,
        "RetireGrant": retire_grant,
        "RevokeGrant": revoke_grant,
    }
)
