"""The metadata store's contract, run on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fogbank.storage.clock_store import StoredClockSource
from fogbank.storage.core_schema import MIGRATIONS as CORE
from fogbank.storage.db import Conn, Database
from fogbank.storage.migrations import Migration, migrate, pending

THINGS = (
    Migration(
        "things",
        1,
        "things",
        ("CREATE TABLE things (id {serial_pk}, name {text} NOT NULL UNIQUE, data {blob})",),
    ),
    Migration("things", 2, "size", ("ALTER TABLE things ADD COLUMN size {bigint}",)),
)


def test_migrations_apply_once_in_order(db: Database) -> None:
    assert [m.version for m in migrate(db, THINGS)] == [1, 2]
    assert migrate(db, THINGS) == []
    assert pending(db, THINGS) == []
    db.write_sync(lambda c: c.execute("INSERT INTO things (name, size) VALUES (?, ?)", ("a", 1)))
    assert db.read_sync(lambda c: c.scalar("SELECT size FROM things WHERE name = ?", ("a",))) == 1


def test_migrations_must_be_numbered_in_order(db: Database) -> None:
    bad = (THINGS[1],)
    with pytest.raises(ValueError, match="numbered"):
        migrate(db, bad)


def test_failed_migration_leaves_nothing_half_done(db: Database) -> None:
    broken = (
        *THINGS,
        Migration("things", 3, "broken", ("CREATE TABLE t3 (x INTEGER)", "NOT SQL AT ALL")),
    )
    with pytest.raises(Exception):  # noqa: B017 - the driver's own syntax error
        migrate(db, broken)
    assert [m.version for m in pending(db, broken)] == [3]
    exists = db.read_sync(
        lambda c: c.all("SELECT * FROM schema_migrations WHERE component = 'things'")
    )
    assert len(exists) == 2


def test_group_commit_isolates_failures(db: Database) -> None:
    migrate(db, THINGS)

    def insert(name: str) -> object:
        return lambda c: c.execute("INSERT INTO things (name) VALUES (?)", (name,)).rowcount

    async def main() -> list[object]:
        jobs = [db.write(insert(f"n{i}")) for i in range(50)]
        jobs.append(db.write(insert("n7")))  # duplicate: fails alone
        return await asyncio.gather(*jobs, return_exceptions=True)

    results = asyncio.run(main())
    assert results[:50] == [1] * 50
    assert isinstance(results[50], Exception)
    count = db.read_sync(lambda c: c.scalar("SELECT COUNT(*) AS n FROM things"))
    assert count == 50


def test_blobs_and_text_round_trip(db: Database) -> None:
    migrate(db, THINGS)
    payload = bytes(range(256))
    name = "key with ../ % ? and \N{SNOWMAN}"
    db.write_sync(
        lambda c: c.execute("INSERT INTO things (name, data) VALUES (?, ?)", (name, payload))
    )

    def read(c: Conn) -> tuple[object, object]:
        row = c.one("SELECT name, data FROM things WHERE name = ?", (name,))
        assert row is not None
        return row["name"], bytes(row["data"])  # type: ignore[call-overload]

    assert db.read_sync(read) == (name, payload)


def test_text_sorts_bytewise(db: Database) -> None:
    """S3 lists keys in UTF-8 binary order; the store must sort text the same way."""
    migrate(db, THINGS)
    names = ["b", "B", "a", "\u00e9", "Z", "_", "a/b", "a-b"]
    for n in names:
        db.write_sync(lambda c, n=n: c.execute("INSERT INTO things (name) VALUES (?)", (n,)))
    got = db.read_sync(
        lambda c: [r["name"] for r in c.all("SELECT name FROM things ORDER BY name")]
    )
    assert got == sorted(names, key=lambda s: s.encode())


def test_clock_state_persists_and_moves_forward(db: Database, tmp_path: Path) -> None:
    migrate(db, CORE)
    source = StoredClockSource(db, tmp_path / "clock.stamp")
    start = source.initialise(scale=1.0)
    moved = source.advance(86400 * 30)
    assert moved.at(moved.anchor_real) - start.at(moved.anchor_real) == pytest.approx(86400 * 30)
    other = StoredClockSource(db, tmp_path / "clock.stamp")  # another process's view
    assert other.current() == moved
    with pytest.raises(ValueError):
        source.advance(-1)
    scaled = source.set_scale(60.0)
    assert other.current().scale == 60.0
    assert scaled.at(scaled.anchor_real + 1) - scaled.at(scaled.anchor_real) == pytest.approx(60)


def test_leases_are_exclusive_until_expiry_or_release(db: Database) -> None:
    from fogbank.storage.leases import release, try_acquire

    migrate(db, CORE)
    assert db.write_sync(lambda c: try_acquire(c, "jobs", "a", ttl=30, now=1000.0))
    assert not db.write_sync(lambda c: try_acquire(c, "jobs", "b", ttl=30, now=1010.0))
    assert db.write_sync(lambda c: try_acquire(c, "jobs", "a", ttl=30, now=1010.0))  # renew
    assert db.write_sync(lambda c: try_acquire(c, "jobs", "b", ttl=30, now=1041.0))  # expired
    db.write_sync(lambda c: release(c, "jobs", "b"))
    assert db.write_sync(lambda c: try_acquire(c, "jobs", "a", ttl=30, now=1042.0))
