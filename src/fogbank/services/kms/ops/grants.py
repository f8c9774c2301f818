"""Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant, RevokeGrant.

Whether a grant lets a caller do something is decided by ``grants_check.grant_allows``,
which the authorizer calls; retiring is decided here, by the grant itself, as in KMS.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fogbank.core.principal import Principal
from fogbank.services.kms import errors, pagination, specs
from fogbank.services.kms.engine import Engine, parse_ref, require_not_pending
from fogbank.services.kms.grants_check import CONTEXT_OPERATIONS, grantee_names, operations_for
from fogbank.services.kms.lookup import change_key, load_key
from fogbank.services.kms.models import Grant, GrantConstraints, GrantOperation, Key
from fogbank.services.kms.ops.common import check_context, check_grant_tokens
from fogbank.services.kms.store import grants as grant_store
from fogbank.storage.db import Conn

_PRINCIPAL = re.compile(r"^[\w+=,.@:/-]{1,256}$")
_NAME = re.compile(r"^[a-zA-Z0-9:/_-]{1,256}$")
_GRANT_ID = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class CreatedGrant:
    grant_id: str
    grant_token: str

    def wire(self) -> dict[str, object]:
        return {"GrantId": self.grant_id, "GrantToken": self.grant_token}


def _principal(value: str, field: str) -> str:
    if not _PRINCIPAL.match(value):
        raise errors.constraint(
            field, r"Member must satisfy regular expression pattern: ^[\w+=,.@:/-]+$", value
        )
    return value


def _constraints(
    equals: Mapping[str, str] | None, subset: Mapping[str, str] | None
) -> GrantConstraints:
    if equals is not None and subset is not None:
        raise errors.validation(
            "Specify either EncryptionContextEquals or EncryptionContextSubset, not both."
        )
    eq = tuple(sorted(check_context(equals).items())) if equals is not None else None
    sub = tuple(sorted(check_context(subset).items())) if subset is not None else None
    return GrantConstraints(eq, sub)


def _operations(
    key: Key, operations: Sequence[str], constraints: GrantConstraints
) -> tuple[GrantOperation, ...]:
    if not operations:
        raise errors.validation("Operations must include at least one grant operation.")
    ops = tuple(dict.fromkeys(specs.parse(GrantOperation, op, "operations") for op in operations))
    allowed = operations_for(key)
    wrong = [op.value for op in ops if op not in allowed]
    if wrong:
        raise errors.validation(
            f"Grant operations {wrong} are not valid for a KMS key with key usage "
            f"{key.usage.value} and key spec {key.spec.value}."
        )
    if not constraints.empty:
        no_context = [op.value for op in ops if op not in CONTEXT_OPERATIONS]
        if no_context:
            raise errors.validation(
                f"Grant constraints are not supported for the operations {no_context}."
            )
    return ops


async def create_grant(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    grantee_principal: str,
    operations: Sequence[str],
    *,
    retiring_principal: str | None = None,
    encryption_context_equals: Mapping[str, str] | None = None,
    encryption_context_subset: Mapping[str, str] | None = None,
    name: str | None = None,
    grant_tokens: Sequence[str] = (),
) -> CreatedGrant:
    """A grant on the key, issued by ``account_id``; same name and same terms: same grant."""
    _principal(grantee_principal, "granteePrincipal")
    if retiring_principal is not None:
        _principal(retiring_principal, "retiringPrincipal")
    if name is not None and not _NAME.match(name):
        raise errors.constraint(
            "name", "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$", name
        )
    constraints = _constraints(encryption_context_equals, encryption_context_subset)
    check_grant_tokens(engine, grant_tokens)
    now = engine.now()

    def create(conn: Conn, key: Key) -> str:
        require_not_pending(key)
        grant = Grant(
            grant_id=secrets.token_hex(32),
            key_id=key.key_id,
            key_arn=key.arn,
            name=name,
            grantee_principal=grantee_principal,
            retiring_principal=retiring_principal,
            issuing_account=f"arn:{engine.partition}:iam::{account_id}:root",
            operations=_operations(key, operations, constraints),
            constraints=constraints,
            created_at=now,
        )
        if name is not None:
            for same in grant_store.by_name(conn, key.key_id, name, engine.partition):
                if _same_terms(same, grant):
                    return same.grant_id
        grant_store.insert(conn, grant)
        return grant.grant_id

    grant_id = await change_key(engine, account_id, region, key_id, create)
    return CreatedGrant(grant_id, engine.keyring.grant_token(grant_id))


def _same_terms(a: Grant, b: Grant) -> bool:
    return (
        a.grantee_principal == b.grantee_principal
        and a.retiring_principal == b.retiring_principal
        and set(a.operations) == set(b.operations)
        and a.constraints == b.constraints
    )


async def list_grants(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    *,
    limit: int | None = None,
    marker: str | None = None,
    grant_id: str | None = None,
    grantee_principal: str | None = None,
) -> pagination.Page[Grant]:
    size = pagination.limit(limit, default=50)
    after = pagination.marker_after(marker)
    key = await load_key(engine, account_id, region, key_id, allow_alias=False)
    rows = await engine.db.read(
        lambda c: grant_store.for_key(
            c, key.key_id, after, size + 1, grant_id, grantee_principal, engine.partition
        )
    )
    return pagination.page(rows, size, lambda g: g.grant_id)


async def list_retirable_grants(
    engine: Engine,
    region: str,
    retiring_principal: str,
    limit: int | None = None,
    marker: str | None = None,
) -> pagination.Page[Grant]:
    _principal(retiring_principal, "retiringPrincipal")
    size = pagination.limit(limit, default=50)
    after = pagination.marker_after(marker)
    rows = await engine.db.read(
        lambda c: grant_store.retirable(
            c, retiring_principal, region, after, size + 1, engine.partition
        )
    )
    return pagination.page(rows, size, lambda g: g.grant_id)


def _may_retire(grant: Grant, caller: Principal) -> bool:
    names = set(grantee_names(caller))
    if grant.retiring_principal is not None and grant.retiring_principal in names:
        return True
    if grant.grantee_principal in names and GrantOperation.RETIRE_GRANT in grant.operations:
        return True
    return caller.is_root and grant.issuing_account.endswith(f"::{caller.account_id}:root")


async def retire_grant(
    engine: Engine,
    caller: Principal,
    region: str,
    *,
    grant_token: str | None = None,
    key_id: str | None = None,
    grant_id: str | None = None,
) -> None:
    """Retire by token, or by key and grant id; allowed to the grant's retiring principal,
    to its grantee if it includes RetireGrant, and to the issuing account's root user."""
    if grant_token is not None:
        grant_id = engine.keyring.grant_id_of(grant_token)
        if grant_id is None:
            raise errors.invalid_grant_token()
    elif key_id is None or grant_id is None:
        raise errors.validation("Specify a GrantToken, or both a KeyId and a GrantId.")
    if not _GRANT_ID.match(grant_id):
        raise errors.invalid_grant_id(grant_id)
    ref = (
        None if key_id is None else parse_ref(key_id, caller.account_id, region, allow_alias=False)
    )

    def retire(conn: Conn) -> None:
        grant = grant_store.get(conn, grant_id, engine.partition)
        if grant is None or (ref is not None and ref.key_id != grant.key_id):
            raise errors.not_found(f"Grant ID {grant_id} not found")
        if not _may_retire(grant, caller):
            raise errors.access_denied(f"{caller.arn} is not allowed to retire grant {grant_id}")
        grant_store.delete(conn, grant_id)

    await engine.db.write(retire)


async def revoke_grant(
    engine: Engine, account_id: str, region: str, key_id: str, grant_id: str
) -> None:
    if not _GRANT_ID.match(grant_id):
        raise errors.invalid_grant_id(grant_id)

    def revoke(conn: Conn, key: Key) -> None:
        grant = grant_store.get(conn, grant_id, engine.partition)
        if grant is None or grant.key_id != key.key_id:
            raise errors.not_found(f"Grant ID {grant_id} not found")
        grant_store.delete(conn, grant_id)

    await change_key(engine, account_id, region, key_id, revoke)
