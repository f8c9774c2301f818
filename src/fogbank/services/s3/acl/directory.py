"""Who a grantee is: the fogbank account of a canonical user id or of an e-mail address
(an account whose name is that address), read from the accounts table."""

from __future__ import annotations

from fogbank.services.s3.models import canonical_user_id
from fogbank.storage.db import Conn, Database


class AccountDirectory:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def accounts(self) -> list[tuple[str, str]]:
        def read(conn: Conn) -> list[tuple[str, str]]:
            rows = conn.all("SELECT account_id, name FROM accounts ORDER BY account_id")
            return [(str(r["account_id"]), str(r["name"] or "")) for r in rows]

        return await self._db.read(read)

    async def by_canonical_id(self, canonical_id: str) -> str | None:
        wanted = canonical_id.lower()
        for account, _ in await self.accounts():
            if canonical_user_id(account) == wanted:
                return account
        return None

    async def by_email(self, email: str) -> str | None:
        wanted = email.lower()
        for account, name in await self.accounts():
            if name.lower() == wanted:
                return account
        return None
