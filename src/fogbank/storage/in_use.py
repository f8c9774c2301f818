"""Which services hold state in this store: the first request to a service marks it.

Gateway processes build a service on its first request (services/registry.py), and any
process builds the services marked here, so that their clock-driven jobs run and what
they supervise resumes, whichever process (or earlier run) first used them. A service
never marked has never been asked for anything, so it holds nothing and has nothing due.
``ALL`` marks every service (a store from before these marks existed).
"""

from __future__ import annotations

import time

from fogbank.storage.db import Conn

ALL = "*"


def mark(conn: Conn, names: list[str], now: float | None = None) -> None:
    stamp = time.time() if now is None else now
    for name in names:
        conn.execute(
            "INSERT INTO services_in_use (name, since) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (name, stamp),
        )


def marked(conn: Conn) -> set[str]:
    return {str(r["name"]) for r in conn.all("SELECT name FROM services_in_use")}


def mark_existing_store(conn: Conn) -> None:
    """Migration step: a store that already held other components' tables may hold
    state of any service."""
    if conn.one("SELECT 1 AS x FROM schema_migrations WHERE component <> 'core'") is not None:
        mark(conn, [ALL])
