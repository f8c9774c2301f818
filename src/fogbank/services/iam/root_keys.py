"""The root user's access key of each account: bootstrapped at start, kept in the store.

The default account's root key comes from FOGBANK_ROOT_ACCESS_KEY_ID/SECRET when set;
otherwise one is generated on first start and kept in ``root-credentials.json`` (mode
0600) in the data dir, so that ``fogbank credentials`` can print it again.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from fogbank.core import ids
from fogbank.storage.db import Conn, Database

CREDENTIALS_FILE = "root-credentials.json"


@dataclass(frozen=True)
class RootKey:
    account_id: str
    access_key_id: str
    secret_access_key: str


def read_key_file(data_dir: Path) -> RootKey | None:
    path = data_dir / CREDENTIALS_FILE
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    return RootKey(doc["account_id"], doc["access_key_id"], doc["secret_access_key"])


def _write_key_file(data_dir: Path, key: RootKey) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / CREDENTIALS_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(
            {
                "account_id": key.account_id,
                "access_key_id": key.access_key_id,
                "secret_access_key": key.secret_access_key,
            },
            f,
            indent=2,
        )
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


def ensure_account(conn: Conn, account_id: str, name: str) -> None:
    exists = conn.one("SELECT 1 AS x FROM accounts WHERE account_id = ?", (account_id,))
    if exists is None:
        conn.execute(
            "INSERT INTO accounts (account_id, name, created_at) VALUES (?, ?, ?)",
            (account_id, name, time.time()),
        )


def bootstrap_root_key(
    db: Database,
    data_dir: Path,
    account_id: str,
    configured: RootKey | None,
) -> tuple[RootKey, bool]:
    """Make sure the default account and its root key exist. Returns (key, newly_generated).

    A configured key (environment) wins and replaces an earlier bootstrap key; otherwise the
    key kept in the data dir is used, or a new one is generated and kept there.
    """
    generated = False
    if configured is not None:
        key = configured
    else:
        kept = read_key_file(data_dir)
        if kept is not None and kept.account_id == account_id:
            key = kept
        else:
            key = RootKey(account_id, ids.access_key_id(), ids.secret_access_key())
            _write_key_file(data_dir, key)
            generated = True

    def apply(conn: Conn) -> None:
        ensure_account(conn, account_id, "default")
        conn.execute(
            "DELETE FROM iam_access_keys WHERE account_id = ? AND user_name IS NULL"
            " AND bootstrap = ? AND access_key_id <> ?",
            (account_id, True, key.access_key_id),
        )
        row = conn.one(
            "SELECT secret_access_key FROM iam_access_keys WHERE access_key_id = ?",
            (key.access_key_id,),
        )
        if row is None:
            conn.execute(
                "INSERT INTO iam_access_keys (access_key_id, secret_access_key, account_id,"
                " user_name, status, created_at, bootstrap) VALUES (?, ?, ?, NULL, ?, ?, ?)",
                (key.access_key_id, key.secret_access_key, account_id, "Active", time.time(), True),
            )
        elif row["secret_access_key"] != key.secret_access_key:
            conn.execute(
                "UPDATE iam_access_keys SET secret_access_key = ?, status = 'Active'"
                " WHERE access_key_id = ?",
                (key.secret_access_key, key.access_key_id),
            )

    db.write_sync(apply)
    return key, generated
