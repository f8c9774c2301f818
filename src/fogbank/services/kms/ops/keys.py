"""Key lifecycle: CreateKey, DescribeKey, ListKeys, Enable/DisableKey,
UpdateKeyDescription, ScheduleKeyDeletion, CancelKeyDeletion."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace

from fogbank.services.kms import errors, factory, pagination, policy, specs
from fogbank.services.kms.engine import (
    Engine,
    require_customer_managed,
    require_not_pending,
)
from fogbank.services.kms.lookup import change_key, load_key
from fogbank.services.kms.models import Key, KeyManager, KeySpec, KeyState, KeyUsage
from fogbank.services.kms.ops.common import check_grant_tokens
from fogbank.services.kms.ops.tags import check_tags
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Conn

DAY = factory.DAY
MIN_WINDOW_DAYS, MAX_WINDOW_DAYS, DEFAULT_WINDOW_DAYS = 7, 30, 30
MAX_DESCRIPTION = 8192


def _check_description(description: str) -> str:
    if len(description) > MAX_DESCRIPTION:
        raise errors.length_at_most("description", MAX_DESCRIPTION)
    return description


def _spec_and_usage(
    key_spec: str | None, customer_master_key_spec: str | None, key_usage: str | None
) -> tuple[KeySpec, KeyUsage]:
    if key_spec is not None and customer_master_key_spec is not None:
        raise errors.validation(
            "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
            "CustomerMasterKeySpec parameter is deprecated. Use KeySpec only."
        )
    spec = (
        specs.key_spec(key_spec)
        if key_spec is not None
        else specs.key_spec(customer_master_key_spec, "customerMasterKeySpec")
        if customer_master_key_spec is not None
        else KeySpec.SYMMETRIC_DEFAULT
    )
    usage = specs.key_usage(key_usage) if key_usage is not None else KeyUsage.ENCRYPT_DECRYPT
    specs.check_spec_usage(spec, usage)
    return spec, usage


async def create_key(
    engine: Engine,
    account_id: str,
    region: str,
    *,
    key_spec: str | None = None,
    key_usage: str | None = None,
    customer_master_key_spec: str | None = None,
    description: str = "",
    key_policy: str | None = None,
    tags: Sequence[tuple[str, str]] = (),
    origin: str | None = None,
    multi_region: bool | None = None,
    custom_key_store_id: str | None = None,
) -> Key:
    spec, usage = _spec_and_usage(key_spec, customer_master_key_spec, key_usage)
    if origin not in (None, "AWS_KMS"):
        raise errors.unsupported(f"Origin {origin} is not supported by fogbank.")
    if custom_key_store_id is not None or multi_region:
        raise errors.unsupported(
            "Custom key stores and multi-Region keys are not supported by fogbank."
        )
    text = policy.check_policy(key_policy) if key_policy is not None else None
    pairs = check_tags(tags)
    now = engine.now()

    # RSA key generation takes up to seconds: never on the event loop.
    key, first = await asyncio.to_thread(
        factory.new_key,
        engine.keyring,
        account_id=account_id,
        region=region,
        spec=spec,
        usage=usage,
        manager=KeyManager.CUSTOMER,
        description=_check_description(description),
        policy=text or policy.default_policy(account_id, engine.partition),
        now=now,
        partition=engine.partition,
    )

    def insert(conn: Conn) -> Key:
        key_store.insert(conn, key, first)
        key_store.put_tags(conn, key.key_id, pairs)
        return key

    return await engine.db.write(insert)


async def describe_key(
    engine: Engine, account_id: str, region: str, key_id: str, grant_tokens: Sequence[str] = ()
) -> Key:
    check_grant_tokens(engine, grant_tokens)
    return await load_key(engine, account_id, region, key_id)


async def list_keys(
    engine: Engine,
    account_id: str,
    region: str,
    limit: int | None = None,
    marker: str | None = None,
) -> pagination.Page[tuple[str, str]]:
    """(KeyId, KeyArn) of the account's keys in the region, by key id."""
    size = pagination.limit(limit)
    after = pagination.marker_after(marker)
    ids = await engine.db.read(lambda c: key_store.list_ids(c, account_id, region, after, size + 1))
    entries = [(i, f"arn:{engine.partition}:kms:{region}:{account_id}:key/{i}") for i in ids]
    return pagination.page(entries, size, lambda e: e[0])


async def enable_key(engine: Engine, account_id: str, region: str, key_id: str) -> Key:
    def change(conn: Conn, key: Key) -> Key:
        require_not_pending(key)
        require_customer_managed(key)
        due = key.rotation_due_at
        now = engine.now()
        if key.state is KeyState.DISABLED and due is not None and due < now:
            # Rotation was due while the key was disabled: it happens right away.
            due = now
        return key_store.save(conn, replace(key, state=KeyState.ENABLED, rotation_due_at=due))

    return await change_key(engine, account_id, region, key_id, change)


async def disable_key(engine: Engine, account_id: str, region: str, key_id: str) -> Key:
    def change(conn: Conn, key: Key) -> Key:
        require_not_pending(key)
        require_customer_managed(key)
        return key_store.save(conn, replace(key, state=KeyState.DISABLED))

    return await change_key(engine, account_id, region, key_id, change)


async def update_key_description(
    engine: Engine, account_id: str, region: str, key_id: str, description: str
) -> Key:
    _check_description(description)

    def change(conn: Conn, key: Key) -> Key:
        require_not_pending(key)
        require_customer_managed(key)
        return key_store.save(conn, replace(key, description=description))

    return await change_key(engine, account_id, region, key_id, change)


async def schedule_key_deletion(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    pending_window_in_days: int | None = None,
) -> Key:
    """PendingDeletion until now + window (7-30 days, default 30) on the fogbank clock; the
    key job then destroys the material."""
    days = DEFAULT_WINDOW_DAYS if pending_window_in_days is None else pending_window_in_days
    if not MIN_WINDOW_DAYS <= days <= MAX_WINDOW_DAYS:
        raise errors.validation("PendingWindowInDays must be between 7 and 30")

    def change(conn: Conn, key: Key) -> Key:
        require_not_pending(key)
        require_customer_managed(key)
        return key_store.save(
            conn,
            replace(
                key,
                state=KeyState.PENDING_DELETION,
                deletion_at=engine.now() + days * DAY,
                pending_window_days=days,
                rotation_due_at=None,  # no rotation while pending deletion
            ),
        )

    return await change_key(engine, account_id, region, key_id, change)


async def cancel_key_deletion(engine: Engine, account_id: str, region: str, key_id: str) -> Key:
    """Back to Disabled (as KMS does); automatic rotation resumes once enabled."""

    def change(conn: Conn, key: Key) -> Key:
        if key.state is not KeyState.PENDING_DELETION:
            raise errors.not_pending_deletion(key.arn)
        due = None
        if key.rotation_enabled and key.rotation_period_days is not None:
            last = key_store.material(conn, key.key_id, key.current_version)
            base = last.created_at if last is not None else key.created_at
            due = base + key.rotation_period_days * DAY
        cancelled = replace(
            key,
            state=KeyState.DISABLED,
            deletion_at=None,
            pending_window_days=None,
            rotation_due_at=due,
        )
        return key_store.save(conn, cancelled)

    return await change_key(engine, account_id, region, key_id, change)
