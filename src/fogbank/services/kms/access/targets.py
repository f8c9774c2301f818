"""The key a request names, found for the authorizer: its ARN, owner and properties.

Aliases are resolved to their key (policies are written for keys; the alias is offered
as ``kms:RequestAlias``). A key that cannot be found still yields a target (the key or
alias ARN the request names), so that the authorizer decides on identity policies alone
and the operation then answers NotFound as KMS does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fogbank.core.errors import AwsError
from fogbank.services.kms import errors
from fogbank.services.kms.access import conditions
from fogbank.services.kms.crypto import blob as blobs
from fogbank.services.kms.engine import Engine, find_key_by_id, parse_ref
from fogbank.services.kms.lookup import read_key
from fogbank.services.kms.models import Key, alias_arn, key_arn
from fogbank.services.kms.ops.common import check_ciphertext
from fogbank.services.kms.store import aliases as alias_store
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Conn


@dataclass(frozen=True)
class Target:
    arn: str  # the key's ARN; the alias ARN when an alias names no key
    account_id: str  # the owner
    key: Key | None = None
    context: conditions.Context = field(default_factory=dict)


def _found(conn: Conn, key: Key, alias: str | None) -> Target:
    names = alias_store.names_of(conn, key.key_id)
    context = conditions.key_properties(key, names, key_store.tags(conn, key.key_id))
    if alias is not None:
        context["kms:requestalias"] = alias
    return Target(key.arn, key.account_id, key, context)


async def named(
    engine: Engine, account_id: str, region: str, key_id: str, *, allow_alias: bool
) -> Target:
    """The target of a ``KeyId`` (key id, key ARN, or alias name/ARN if allowed)."""
    ref = parse_ref(key_id, account_id, region, allow_alias=allow_alias)
    try:
        return await read_key(
            engine,
            account_id,
            region,
            key_id,
            lambda c, k: _found(c, k, ref.alias),
            allow_alias=allow_alias,
        )
    except AwsError as exc:
        if exc.code != "NotFoundException":
            raise
    if ref.key_id is not None:
        arn = key_arn(engine.partition, ref.region, ref.account_id, ref.key_id)
        return Target(arn, ref.account_id)
    assert ref.alias is not None
    arn = alias_arn(engine.partition, ref.region, ref.account_id, ref.alias)
    return Target(arn, ref.account_id, context={"kms:requestalias": ref.alias})


async def of_ciphertext(engine: Engine, account_id: str, region: str, blob: bytes) -> Target:
    """The key a symmetric ciphertext names (Decrypt and ReEncrypt without a KeyId).

    A ciphertext that is not one of fogbank's names no key: InvalidCiphertextException,
    before any authorization, as there is nothing to authorize against.
    """
    check_ciphertext(blob)  # the length constraint comes first, as in KMS
    try:
        header = blobs.parse_header(blob)
    except blobs.BlobError:
        raise errors.invalid_ciphertext() from None

    def read(conn: Conn) -> Target | None:
        key = find_key_by_id(conn, header.key_id, region, engine.partition)
        return None if key is None else _found(conn, key, None)

    found = await engine.db.read(read)
    if found is not None:
        return found
    return Target(key_arn(engine.partition, region, account_id, header.key_id), account_id)


def key_id_of_arn(arn: str) -> tuple[str, str, str] | None:
    """(region, account, key id) of a key ARN; None for anything else."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "kms" or not parts[5].startswith("key/"):
        return None
    return parts[3], parts[4], parts[5][4:]
