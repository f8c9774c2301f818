"""Access-key lookup for the authenticator: which principal a key belongs to."""

from __future__ import annotations

import time

from fogbank.auth.credentials import Credential
from fogbank.core.principal import root_principal
from fogbank.storage.db import Conn, Database


class KeyStore:
    """Implements ``CredentialLookup`` over the IAM tables, with a short per-process cache.

    Cached answers live ``ttl`` seconds (real time), so a deleted or deactivated key stops
    working within that bound in every gateway process, like IAM's own propagation delay.
    """

    def __init__(self, db: Database, ttl: float = 1.0) -> None:
        self._db = db
        self._ttl = ttl
        self._cache: dict[str, tuple[float, Credential | None]] = {}

    async def lookup(self, access_key_id: str) -> Credential | None:
        hit = self._cache.get(access_key_id)
        now = time.monotonic()
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        cred = await self._db.read(lambda conn: _load(conn, access_key_id))
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[access_key_id] = (now, cred)
        return cred

    def forget(self, access_key_id: str) -> None:
        self._cache.pop(access_key_id, None)


def _load(conn: Conn, access_key_id: str) -> Credential | None:
    row = conn.one(
        "SELECT access_key_id, secret_access_key, account_id, user_name, status"
        " FROM iam_access_keys WHERE access_key_id = ?",
        (access_key_id,),
    )
    if row is None:
        return None
    account_id = str(row["account_id"])
    if row["user_name"] is None:
        principal = root_principal(account_id, access_key_id)
    else:  # IAM users' keys are resolved once users exist (IAM service)
        return None
    return Credential(
        access_key_id=access_key_id,
        secret_access_key=str(row["secret_access_key"]),
        principal=principal,
        active=row["status"] == "Active",
    )
