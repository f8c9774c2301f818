"""Digest signing keys, per region and validity period."""

from __future__ import annotations

from fogbank.services.cloudtrail.signing import SigningKey
from fogbank.storage.db import Conn, Row

_COLUMNS = "region, valid_from, valid_to, fingerprint, public_der, private_der"


def _key(row: Row) -> SigningKey:
    return SigningKey(
        region=str(row["region"]),
        valid_from=float(str(row["valid_from"])),
        valid_to=float(str(row["valid_to"])),
        fingerprint=str(row["fingerprint"]),
        public_der=bytes(row["public_der"]),  # type: ignore[call-overload]
        private_der=bytes(row["private_der"]),  # type: ignore[call-overload]
    )


def covering(conn: Conn, region: str, at: float) -> SigningKey | None:
    row = conn.one(
        f"SELECT {_COLUMNS} FROM cloudtrail_signing_keys WHERE region = ?"  # noqa: S608
        " AND valid_from <= ? AND valid_to > ?",
        (region, at, at),
    )
    return None if row is None else _key(row)


def overlapping(conn: Conn, region: str, start: float, end: float) -> list[SigningKey]:
    """Keys valid at some moment of [start, end], oldest first."""
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM cloudtrail_signing_keys WHERE region = ?"  # noqa: S608
        " AND valid_from <= ? AND valid_to > ? ORDER BY valid_from",
        (region, end, start),
    )
    return [_key(r) for r in rows]


def add(conn: Conn, key: SigningKey) -> None:
    """Store ``key`` unless its region already has a key for that period (another process
    made one first: that one is used)."""
    known = conn.one(
        "SELECT 1 AS x FROM cloudtrail_signing_keys WHERE region = ? AND valid_from = ?",
        (key.region, key.valid_from),
    )
    if known is None:
        conn.execute(
            f"INSERT INTO cloudtrail_signing_keys ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
            (
                key.region,
                key.valid_from,
                key.valid_to,
                key.fingerprint,
                key.public_der,
                key.private_der,
            ),
        )
