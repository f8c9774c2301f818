"""The root key's record: its mode, KDF salt and parameters, and verifier (never the key)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from fogbank.services.kms.store.rows import blob, opt_blob, opt_str, text
from fogbank.storage.db import Conn

_ROW = 1


@dataclass(frozen=True)
class RootRecord:
    mode: str  # "file" | "passphrase"
    kdf: str | None
    kdf_params: str | None  # JSON
    salt: bytes | None
    verifier: bytes


def load(conn: Conn) -> RootRecord | None:
    row = conn.one(
        "SELECT mode, kdf, kdf_params, salt, verifier FROM kms_root WHERE id = ?", (_ROW,)
    )
    if row is None:
        return None
    return RootRecord(
        text(row, "mode"),
        opt_str(row, "kdf"),
        opt_str(row, "kdf_params"),
        opt_blob(row, "salt"),
        blob(row, "verifier"),
    )


def create(conn: Conn, record: RootRecord) -> RootRecord:
    """Insert the record unless one exists; return the record that is in the store."""
    existing = load(conn)
    if existing is not None:
        return existing
    conn.execute(
        "INSERT INTO kms_root (id, mode, kdf, kdf_params, salt, verifier, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            _ROW,
            record.mode,
            record.kdf,
            record.kdf_params,
            record.salt,
            record.verifier,
            time.time(),
        ),
    )
    return record
