"""Tags on keys: TagResource, UntagResource, ListResourceTags."""

from __future__ import annotations

from collections.abc import Sequence

from fogbank.services.kms import errors, pagination
from fogbank.services.kms.engine import Engine, require_customer_managed, require_not_pending
from fogbank.services.kms.lookup import change_key, load_key
from fogbank.services.kms.models import Key
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Conn

MAX_TAGS = 50
MAX_KEY, MAX_VALUE = 128, 256


def check_tags(tags: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for k, v in tags:
        if not k:
            raise errors.length_at_least("tags.member.tagKey", 1)
        if len(k) > MAX_KEY:
            raise errors.length_at_most("tags.member.tagKey", MAX_KEY)
        if len(v) > MAX_VALUE:
            raise errors.length_at_most("tags.member.tagValue", MAX_VALUE)
        if k.lower().startswith("aws:"):
            raise errors.tag_error(
                f"Tag key {k} is reserved: keys beginning with aws: are for AWS use."
            )
        if k in seen:
            raise errors.tag_error(f"Duplicate tag key {k}.")
        seen[k] = v
    if len(seen) > MAX_TAGS:
        raise errors.limit_exceeded(f"A KMS key can have at most {MAX_TAGS} tags.")
    return list(seen.items())


async def tag_resource(
    engine: Engine, account_id: str, region: str, key_id: str, tags: Sequence[tuple[str, str]]
) -> None:
    pairs = check_tags(tags)

    def change(conn: Conn, key: Key) -> None:
        require_not_pending(key)
        require_customer_managed(key)
        existing = dict(key_store.tags(conn, key.key_id))
        existing.update(pairs)
        if len(existing) > MAX_TAGS:
            raise errors.limit_exceeded(f"A KMS key can have at most {MAX_TAGS} tags.")
        key_store.put_tags(conn, key.key_id, pairs)

    await change_key(engine, account_id, region, key_id, change)


async def untag_resource(
    engine: Engine, account_id: str, region: str, key_id: str, tag_keys: Sequence[str]
) -> None:
    def change(conn: Conn, key: Key) -> None:
        require_not_pending(key)
        require_customer_managed(key)
        key_store.remove_tags(conn, key.key_id, list(tag_keys))

    await change_key(engine, account_id, region, key_id, change)


async def list_resource_tags(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    limit: int | None = None,
    marker: str | None = None,
) -> pagination.Page[tuple[str, str]]:
    size = pagination.limit(limit, default=MAX_TAGS)
    after = pagination.marker_after(marker)
    key = await load_key(engine, account_id, region, key_id, allow_alias=False)
    pairs = await engine.db.read(lambda c: key_store.tags(c, key.key_id))
    rest = [p for p in pairs if p[0] > after][: size + 1]
    return pagination.page(rest, size, lambda p: p[0])
