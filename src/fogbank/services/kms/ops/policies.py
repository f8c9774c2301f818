"""Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies.

The policy is stored as given and evaluated by the authorizer (``resource_policy``);
``key_policy`` is what the provider hands it.
"""

from __future__ import annotations

from dataclasses import replace

from fogbank.services.kms import pagination, policy
from fogbank.services.kms.engine import Engine, require_customer_managed, require_not_pending
from fogbank.services.kms.lookup import change_key, load_key
from fogbank.services.kms.models import Key
from fogbank.services.kms.store import keys as key_store
from fogbank.storage.db import Conn


async def get_key_policy(
    engine: Engine, account_id: str, region: str, key_id: str, policy_name: str | None = None
) -> str:
    policy.check_policy_name(policy_name)
    key = await load_key(engine, account_id, region, key_id, allow_alias=False)
    return key.policy


async def put_key_policy(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    document: str,
    policy_name: str | None = None,
    bypass_policy_lockout_safety_check: bool = False,
) -> None:
    policy.check_policy_name(policy_name)
    text = policy.check_policy(document)

    def change(conn: Conn, key: Key) -> None:
        require_not_pending(key)
        require_customer_managed(key)
        key_store.save(conn, replace(key, policy=text))

    await change_key(engine, account_id, region, key_id, change)


async def list_key_policies(
    engine: Engine,
    account_id: str,
    region: str,
    key_id: str,
    limit: int | None = None,
    marker: str | None = None,
) -> pagination.Page[str]:
    pagination.limit(limit)
    pagination.marker_after(marker)
    await load_key(engine, account_id, region, key_id, allow_alias=False)
    return pagination.Page((policy.POLICY_NAME,))
