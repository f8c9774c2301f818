"""The PostgreSQL pass gives each server a copy of a migrated template database instead of
an empty one (tests/conftest.py): the copy must be exactly what the server would have made
of an empty database, so that the tests check the same thing either way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fogbank.server.assemble import all_migrations
from fogbank.storage.db import Database, DbSettings
from fogbank.storage.migrations import migrate, pending

Snapshot = dict[str, list[tuple[object, ...]]]


def _snapshot(url: str) -> Snapshot:
    """Every table, column, index, constraint and sequence of the public schema, and every
    row (schema_migrations without the wall-clock time each was applied at)."""
    import psycopg

    queries = {
        "columns": "SELECT table_name, column_name, ordinal_position, data_type,"
        " is_nullable, column_default, collation_name FROM information_schema.columns"
        " WHERE table_schema = 'public' ORDER BY 1, 3",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes"
        " WHERE schemaname = 'public' ORDER BY 1, 2",
        "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
        " FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
        "sequences": "SELECT sequencename, last_value FROM pg_sequences"
        " WHERE schemaname = 'public' ORDER BY 1",
        "migrations": "SELECT component, version, description FROM schema_migrations ORDER BY 1, 2",
    }
    with psycopg.connect(url) as conn:
        snap: Snapshot = {k: [tuple(r) for r in conn.execute(q)] for k, q in queries.items()}  # type: ignore[arg-type]
        tables = [
            str(r[0])
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        for table in sorted(set(tables) - {"schema_migrations"}):
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()  # type: ignore[arg-type]
            snap[f"rows of {table}"] = sorted(tuple(map(repr, r)) for r in rows)
    return snap


def test_a_template_copy_is_what_migrating_an_empty_store_makes(
    pg_cluster: Any,
    metadata_url_factory: Callable[[], str | None],
    empty_metadata_url_factory: Callable[[], str | None],
) -> None:
    if pg_cluster is None:
        pytest.skip("PostgreSQL only: on SQLite every server makes its own store")
    copy, fresh = metadata_url_factory(), empty_metadata_url_factory()
    assert copy is not None and fresh is not None
    db = Database(DbSettings(fresh))
    try:
        assert migrate(db, all_migrations())  # the empty one needed every migration
    finally:
        db.close()
    migrated, copied = _snapshot(fresh), _snapshot(copy)
    assert copied == migrated
    assert len(copied["migrations"]) == len(all_migrations())
    # nothing a server seeds at start-up (root key, KMS root key, clock) came with the copy
    assert {k: v for k, v in copied.items() if k.startswith("rows of ") and v} == {}
    db = Database(DbSettings(copy))
    try:
        assert pending(db, all_migrations()) == []  # a server's start-up has nothing to do
    finally:
        db.close()
