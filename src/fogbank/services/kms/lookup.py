"""Finding the key a request names, and running a change to a key in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fogbank.core.errors import AwsError
from fogbank.services.kms import errors, managed
from fogbank.services.kms.engine import Engine, find_key, parse_ref
from fogbank.services.kms.models import Key, KeyMaterial
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Conn

T = TypeVar("T")


async def read_key(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    read: Callable[[Conn, Key], T],
    *,
    allow_alias: bool = True,
) -> T:
    """Find the key ``key_id`` names (id, ARN, alias name, alias ARN) and run ``read`` on
    it in the same read; KMS's NotFound if there is no such key.

    Naming ``alias/aws/<service>`` of a service fogbank knows creates that AWS managed
    key on first use, as AWS does.
    """
    ref = parse_ref(key_id, account_id, region, allow_alias=allow_alias)

    def work(conn: Conn) -> T:
        return read(conn, find_key(conn, ref, region, engine.partition))

    try:
        return await engine.db.read(work)
    except AwsError as exc:
        service = managed.service_of(ref)
        if (
            exc.code != "NotFoundException"
            or service is None
            or (ref.account_id, ref.region) != (account_id, region)
        ):
            raise
    await managed.ensure(engine, account_id, region, service)
    return await engine.db.read(work)


async def load_key(
    engine: Engine, account_id: str, region: str, key_id: str, *, allow_alias: bool = True
) -> Key:
    return await read_key(
        engine, account_id, region, key_id, lambda c, k: k, allow_alias=allow_alias
    )


async def load_key_material(
    engine: Engine, account_id: str, region: str, key_id: str, version: int | None = None
) -> tuple[Key, KeyMaterial]:
    """The key and one of its material versions (the current one by default)."""

    def read(conn: Conn, key: Key) -> tuple[Key, KeyMaterial]:
        m = key_store.material(conn, key.key_id, version or key.current_version)
        if m is None:
            raise errors.key_not_found(key.arn)
        return key, m

    return await read_key(engine, account_id, region, key_id, read)


async def change_key(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    change: Callable[[Conn, Key], T],
    *,
    allow_alias: bool = False,
) -> T:
    """Run ``change`` on the freshly read (and, on PostgreSQL, locked) key, in one write."""
    ref = parse_ref(key_id, account_id, region, allow_alias=allow_alias)

    def work(conn: Conn) -> T:
        found = find_key(conn, ref, region, engine.partition)
        locked = key_store.get(conn, found.key_id, engine.partition, lock=True)
        assert locked is not None
        return change(conn, locked)

    return await engine.db.write(work)
