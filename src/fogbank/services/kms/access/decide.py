"""The key policy the authorizer must find an allow in, and the grants that allow too.

A KMS key's policy is *required*: no principal, the account's root user included, may
use a key unless its key policy allows, directly or by delegating to the account's IAM
policies through the account principal (``arn:aws:iam::<account>:root``), as the
default key policy does. Grants allow what they list, for their grantee, within their
encryption context constraints (compared with case-insensitive keys, as KMS does); a
grant that includes CreateGrant lets its grantee grant the same operations or fewer.
"""

from __future__ import annotations

from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.principal import Principal
from fogbank.services.kms import grants_check
from fogbank.services.kms.access import conditions
from fogbank.services.kms.access.targets import key_id_of_arn
from fogbank.services.kms.engine import Engine, find_key_by_id
from fogbank.services.kms.models import GrantOperation, Key
from fogbank.services.kms.store import grants as grant_store

_GRANT_OPERATIONS = frozenset(op.value for op in GrantOperation)


async def _key(engine: Engine, arn: str) -> Key | None:
    parts = key_id_of_arn(arn)
    if parts is None:
        return None
    region, account_id, key_id = parts
    key = await engine.db.read(lambda c: find_key_by_id(c, key_id, region, engine.partition))
    return key if key is not None and key.account_id == account_id else None


async def key_policy(engine: Engine, requirement: Requirement) -> ResourcePolicy | None:
    """The key policy of the key a requirement is on (None: not a key, or no such key)."""
    key = await _key(engine, requirement.resource)
    if key is None:
        return None
    return ResourcePolicy(key.policy, key.account_id, required=True)


async def grant_allows(engine: Engine, principal: Principal, requirement: Requirement) -> bool:
    """Whether a grant on the requirement's key lets ``principal`` do its action."""
    service, _, operation = requirement.action.partition(":")
    if service != "kms" or operation not in _GRANT_OPERATIONS:
        return False
    if key_id_of_arn(requirement.resource) is None:
        return False
    if operation == GrantOperation.CREATE_GRANT.value:
        return await _may_grant(engine, principal, requirement)
    context = conditions.context_of(requirement.context)
    found = await grants_check.grant_allows(
        engine, requirement.resource, principal, operation, context
    )
    return found is not None


async def _may_grant(engine: Engine, principal: Principal, requirement: Requirement) -> bool:
    """A grant with CreateGrant lets its grantee grant the same operations or fewer."""
    parts = key_id_of_arn(requirement.resource)
    assert parts is not None
    asked = requirement.context.get("kms:grantoperations", ())
    wanted = {str(op) for op in asked} if isinstance(asked, list | tuple) else set()
    names = grants_check.grantee_names(principal)
    found = await engine.db.read(
        lambda c: grant_store.for_grantees(c, parts[2], names, engine.partition)
    )
    return any(
        GrantOperation.CREATE_GRANT in grant.operations
        and wanted <= {op.value for op in grant.operations}
        for grant in found
    )
