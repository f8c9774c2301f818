"""Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases."""

from __future__ import annotations

import re

from fogbank.core.errors import AwsError
from fogbank.services.kms import errors, managed, pagination, specs
from fogbank.services.kms.engine import (
    Engine,
    find_key,
    parse_ref,
    require_customer_managed,
    require_not_pending,
)
from fogbank.services.kms.lookup import load_key
from fogbank.services.kms.models import Alias, Key, alias_arn
from fogbank.services.kms.store import aliases as alias_store
from fogbank.storage.db import Conn

PREFIX = "alias/"
MAX_NAME = 256
_NAME = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")


def check_name(name: str) -> None:
    if not name:
        raise errors.length_at_least("aliasName", 1)
    if len(name) > MAX_NAME:
        raise errors.length_at_most("aliasName", MAX_NAME)
    if not name.startswith(PREFIX):
        raise errors.validation(
            'Alias must start with the prefix "alias/". '
            "Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
        )
    if not _NAME.match(name):
        raise errors.validation(f"{name} contains invalid characters for an alias")


def _reserved() -> AwsError:
    """``alias/aws/`` names belong to AWS managed keys."""
    return AwsError("NotAuthorizedException", "", status=400)


def _family(key: Key) -> tuple[str, str]:
    kind = (
        "asymmetric"
        if specs.is_asymmetric(key.spec)
        else "hmac"
        if specs.is_hmac(key.spec)
        else "symmetric"
    )
    return kind, key.usage.value


def _target(conn: Conn, engine: Engine, account_id: str, region: str, target_key_id: str) -> Key:
    ref = parse_ref(target_key_id, account_id, region, allow_alias=False)
    key = find_key(conn, ref, region, engine.partition)
    if key.account_id != account_id:
        raise errors.key_not_found(key.arn)
    require_not_pending(key)
    require_customer_managed(key)
    return key


async def create_alias(
    engine: Engine, account_id: str, region: str, alias_name: str, target_key_id: str
) -> Alias:
    check_name(alias_name)
    if alias_name.startswith(managed.PREFIX):
        raise _reserved()
    now = engine.now()

    def create(conn: Conn) -> Alias:
        key = _target(conn, engine, account_id, region, target_key_id)
        if alias_store.get(conn, account_id, region, alias_name) is not None:
            arn = alias_arn(engine.partition, region, account_id, alias_name)
            raise errors.already_exists(f"An alias with the name {arn} already exists")
        alias = Alias(account_id, region, alias_name, key.key_id, now, now, engine.partition)
        alias_store.insert(conn, alias)
        return alias

    return await engine.db.write(create)


async def update_alias(
    engine: Engine, account_id: str, region: str, alias_name: str, target_key_id: str
) -> Alias:
    check_name(alias_name)
    if alias_name.startswith(managed.PREFIX):
        raise _reserved()
    now = engine.now()

    def update(conn: Conn) -> Alias:
        alias = alias_store.get(conn, account_id, region, alias_name, engine.partition)
        if alias is None:
            raise errors.alias_not_found(
                alias_arn(engine.partition, region, account_id, alias_name)
            )
        key = _target(conn, engine, account_id, region, target_key_id)
        current = find_key(
            conn, parse_ref(alias.key_id, account_id, region), region, engine.partition
        )
        if _family(current) != _family(key):
            raise errors.validation(
                f"{alias_name} points to a {'/'.join(_family(current))} key; the new target "
                "must be the same type of key with the same key usage."
            )
        alias_store.retarget(conn, alias, key.key_id, now)
        return Alias(
            account_id, region, alias_name, key.key_id, alias.created_at, now, engine.partition
        )

    return await engine.db.write(update)


async def delete_alias(engine: Engine, account_id: str, region: str, alias_name: str) -> None:
    check_name(alias_name)
    if alias_name.startswith(managed.PREFIX):
        raise _reserved()

    def delete(conn: Conn) -> None:
        alias = alias_store.get(conn, account_id, region, alias_name, engine.partition)
        if alias is None:
            raise errors.alias_not_found(
                alias_arn(engine.partition, region, account_id, alias_name)
            )
        alias_store.delete(conn, alias)

    await engine.db.write(delete)


async def list_aliases(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str | None = None,
    limit: int | None = None,
    marker: str | None = None,
) -> pagination.Page[Alias]:
    size = pagination.limit(limit)
    after = pagination.marker_after(marker)
    target = None
    if key_id is not None:
        target = (await load_key(engine, account_id, region, key_id, allow_alias=False)).key_id
    rows = await engine.db.read(
        lambda c: alias_store.listing(
            c, account_id, region, target, after, size + 1, engine.partition
        )
    )
    return pagination.page(rows, size, lambda a: a.name)
