"""Leases: a named row that one holder owns until it expires (or is released).

They make "exactly one process does this" hold across gateway processes and across
gateways sharing one PostgreSQL store.
"""

from __future__ import annotations

import time

from fogbank.storage.db import Conn, Database


def try_acquire(conn: Conn, name: str, holder: str, ttl: float, now: float | None = None) -> bool:
    """Take or renew the lease; False when someone else holds an unexpired one."""
    now = time.time() if now is None else now
    updated = conn.execute(
        "UPDATE leases SET holder = ?, expires_at = ?"
        " WHERE name = ? AND (holder = ? OR expires_at < ?)",
        (holder, now + ttl, name, holder, now),
    )
    if updated.rowcount:
        return True
    exists = conn.one("SELECT holder FROM leases WHERE name = ?", (name,))
    if exists is not None:
        return False
    conn.execute(
        "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)", (name, holder, now + ttl)
    )
    return True


def release(conn: Conn, name: str, holder: str) -> None:
    conn.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))


class Lease:
    def __init__(self, db: Database, name: str, holder: str, ttl: float = 30.0) -> None:
        self.db = db
        self.name = name
        self.holder = holder
        self.ttl = ttl

    async def acquire(self) -> bool:
        try:
            return await self.db.write(lambda c: try_acquire(c, self.name, self.holder, self.ttl))
        except Exception:  # a unique-key race with another gateway: it won this round
            return False

    async def release(self) -> None:
        await self.db.write(lambda c: release(c, self.name, self.holder))
