"""Versioned schema migrations, one ordered list per component (core, iam, s3, ...).

Each component owns its tables and its list; the composition root hands every list to
``migrate``. Statements use the dialect's DDL macros ({blob}, {bigint}, {double},
{serial_pk}, {bool}, {text}) so that one list serves SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from fogbank.storage.db import POSTGRESQL, Conn, Database


@dataclass(frozen=True)
class Migration:
    component: str
    version: int
    description: str
    statements: Sequence[str] = ()
    # Data migrations: a function run inside the same transaction, after the statements.
    run: Callable[[Conn], None] | None = None


_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    component {text} NOT NULL,
    version INTEGER NOT NULL,
    description {text} NOT NULL,
    applied_at {double} NOT NULL,
    PRIMARY KEY (component, version)
)
"""

# Arbitrary, fixed key for PostgreSQL's advisory lock while migrating.
_PG_LOCK_KEY = 0x666F6762616E6B


def _check(migrations: Sequence[Migration]) -> None:
    seen: dict[str, int] = {}
    for m in migrations:
        last = seen.get(m.component, 0)
        if m.version != last + 1:
            raise ValueError(
                f"migrations of {m.component!r} must be numbered 1, 2, 3 ... in order; "
                f"found {m.version} after {last}"
            )
        seen[m.component] = m.version


def pending(db: Database, migrations: Iterable[Migration]) -> list[Migration]:
    todo = list(migrations)
    _check(todo)

    def read(conn: Conn) -> set[tuple[str, int]]:
        conn.ddl(_BOOKKEEPING)
        rows = conn.all("SELECT component, version FROM schema_migrations")
        return {(str(r["component"]), int(r["version"])) for r in rows}  # type: ignore[call-overload]

    done = db.write_sync(read)
    return [m for m in todo if (m.component, m.version) not in done]


def migrate(db: Database, migrations: Iterable[Migration]) -> list[Migration]:
    """Apply what is missing, all in one transaction (one commit, one fsync: a fresh
    store is made in one go at start-up). If that fails, each migration is applied in
    its own transaction, so that those before the failing one stay applied and the
    failing one leaves nothing half-done. Returns what ran."""
    todo = pending(db, migrations)
    if not todo:
        return []
    lock = db.dialect is POSTGRESQL
    if lock:
        db.read_sync(lambda c: c.execute("SELECT pg_advisory_lock(?)", (_PG_LOCK_KEY,)))

    def apply(conn: Conn, todo: Sequence[Migration] = todo) -> list[Migration]:
        applied: list[Migration] = []
        for m in todo:
            exists = conn.one(
                "SELECT 1 AS x FROM schema_migrations WHERE component = ? AND version = ?",
                (m.component, m.version),
            )
            if exists is not None:  # another gateway got there first
                continue
            for statement in m.statements:
                conn.ddl(statement)
            if m.run is not None:
                m.run(conn)
            conn.execute(
                "INSERT INTO schema_migrations (component, version, description, applied_at)"
                " VALUES (?, ?, ?, ?)",
                (m.component, m.version, m.description, time.time()),
            )
            applied.append(m)
        return applied

    try:
        try:
            return db.write_sync(apply)
        except Exception:
            if len(todo) == 1:
                raise
        applied: list[Migration] = []
        for m in todo:
            applied += db.write_sync(partial(apply, todo=(m,)))
        return applied
    finally:
        if lock:
            db.read_sync(lambda c: c.execute("SELECT pg_advisory_unlock(?)", (_PG_LOCK_KEY,)))
