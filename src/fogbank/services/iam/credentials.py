"""Access-key lookup for the authenticator: which principal a key belongs to.

Long-term keys (AKIA...) belong to the root user of an account or to an IAM user; STS
keys (ASIA...) to a session, whose token is kept only as a SHA-256. Answers are cached per
process for ``ttl`` seconds (real time) and dropped as soon as IAM announces a change (the
change stamp), so deleting or deactivating a key takes effect on the next request.
"""

from __future__ import annotations

import time

from fogbank.auth.credentials import Credential
from fogbank.core.principal import root_principal
from fogbank.services.iam.principals import session_principal, user_principal
from fogbank.services.iam.store import entities
from fogbank.services.iam.store import sessions as session_store
from fogbank.storage.db import Conn, Database
from fogbank.storage.stamp import ChangeStamp


class KeyStore:
    """Implements ``auth.credentials.CredentialLookup`` over IAM's tables."""

    def __init__(self, db: Database, stamp: ChangeStamp | None = None, ttl: float = 2.0) -> None:
        self._db = db
        self._stamp = stamp
        self._ttl = ttl
        self._seen = stamp.read() if stamp is not None else 0
        self._cache: dict[str, tuple[float, Credential | None]] = {}

    async def lookup(self, access_key_id: str) -> Credential | None:
        if self._stamp is not None:
            current = self._stamp.read()
            if current != self._seen:
                self._cache.clear()
                self._seen = current
        hit = self._cache.get(access_key_id)
        now = time.monotonic()
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        cred = await self._db.read(lambda conn: load(conn, access_key_id))
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[access_key_id] = (now, cred)
        return cred

    def forget(self, access_key_id: str) -> None:
        self._cache.pop(access_key_id, None)


def load(conn: Conn, access_key_id: str) -> Credential | None:
    if access_key_id.startswith("ASIA"):
        return _session(conn, access_key_id)
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
    else:
        user = entities.get_user(conn, account_id, str(row["user_name"]))
        if user is None:
            return None
        principal = user_principal(user, access_key_id)
    return Credential(
        access_key_id=access_key_id,
        secret_access_key=str(row["secret_access_key"]),
        principal=principal,
        active=row["status"] == "Active",
    )


def _session(conn: Conn, access_key_id: str) -> Credential | None:
    record = session_store.get(conn, access_key_id)
    if record is None:
        return None
    return Credential(
        access_key_id=access_key_id,
        secret_access_key=record.secret_access_key,
        principal=session_principal(conn, record),
        session_token_sha256=record.token_sha256,
        expires_at=record.expires_at,
    )
