"""More than one account: ``fogbank account create`` / ``list`` (admin calls).

An account is a row of ``accounts`` and a root user whose access key lives with the other
keys (``iam_access_keys``, no user name): every service is already per account (IAM
entities, buckets, keys ... are keyed by account id), so a second account is as isolated
from the first as two AWS accounts are, and reaches the first's resources only through
resource policies that name it (cross-account access).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from fogbank.core import ids
from fogbank.core.errors import AwsError
from fogbank.services.iam.root_keys import ensure_account
from fogbank.storage.db import Conn, Database

_ACCOUNT_ID = re.compile(r"\d{12}")
_NAME = re.compile(r"[\w+=,.@ -]{1,50}")


@dataclass(frozen=True)
class NewAccount:
    account_id: str
    name: str
    access_key_id: str
    secret_access_key: str


def _check(account_id: str | None, name: str | None) -> None:
    if account_id is not None and not _ACCOUNT_ID.fullmatch(account_id):
        raise AwsError("ValidationException", "account id must be 12 digits", status=400)
    if name is not None and not _NAME.fullmatch(name):
        raise AwsError(
            "ValidationException",
            "account name must be 1-50 letters, digits, spaces or +=,.@_-",
            status=400,
        )


async def create_account(
    db: Database, now: float, account_id: str | None = None, name: str | None = None
) -> NewAccount:
    _check(account_id, name)
    key_id, secret = ids.access_key_id(), ids.secret_access_key()

    def create(conn: Conn) -> NewAccount:
        chosen = account_id
        if chosen is None:
            while True:
                chosen = f"{secrets.randbelow(10**12):012d}"
                if conn.one("SELECT 1 AS x FROM accounts WHERE account_id = ?", (chosen,)) is None:
                    break
        elif conn.one("SELECT 1 AS x FROM accounts WHERE account_id = ?", (chosen,)) is not None:
            raise AwsError("AccountAlreadyExists", f"account {chosen} already exists", status=409)
        label = name or f"account-{chosen}"
        ensure_account(conn, chosen, label)
        conn.execute(
            "INSERT INTO iam_access_keys (access_key_id, secret_access_key, account_id,"
            " user_name, status, created_at, bootstrap) VALUES (?, ?, ?, NULL, ?, ?, ?)",
            (key_id, secret, chosen, "Active", now, False),
        )
        return NewAccount(chosen, label, key_id, secret)

    return await db.write(create)


async def list_accounts(db: Database) -> list[dict[str, object]]:
    def read(conn: Conn) -> list[dict[str, object]]:
        rows = conn.all("SELECT account_id, name, created_at FROM accounts ORDER BY account_id")
        return [
            {"AccountId": r["account_id"], "Name": r["name"], "CreatedAt": r["created_at"]}
            for r in rows
        ]

    return await db.read(read)
