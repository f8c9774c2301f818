"""Group commit's adaptive wait: a lone write commits at once, writes arriving together
wait a moment for company and share one commit (and one fsync)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from fogbank.storage.blobs.disk import Disk
from fogbank.storage.blobs.segments import SegmentAppender
from fogbank.storage.db import Conn, Database, DbSettings

LONG_WINDOW = 0.3  # far longer than a commit, so that waiting for it would show


def _insert(name: str) -> Callable[[Conn], int]:
    def fn(c: Conn) -> int:
        return c.execute("INSERT INTO things (name) VALUES (?)", (name,)).rowcount

    return fn


def _database(tmp_path: Path) -> Database:
    db = Database(DbSettings(f"sqlite:///{tmp_path / 'meta.db'}", batch_window_s=LONG_WINDOW))
    db.write_sync(lambda c: c.execute("CREATE TABLE things (name TEXT PRIMARY KEY)"))
    return db


def test_a_lone_write_does_not_wait_for_the_window(tmp_path: Path) -> None:
    db = _database(tmp_path)
    try:

        async def main() -> list[float]:
            took = []
            for i in range(3):
                started = time.perf_counter()
                await db.write(_insert(f"alone{i}"))
                took.append(time.perf_counter() - started)
            return took

        took = asyncio.run(main())
        assert max(took) < LONG_WINDOW / 2, took
        assert db.group_commits == 3
    finally:
        db.close()


def test_writes_arriving_together_share_a_commit(tmp_path: Path) -> None:
    db = _database(tmp_path)
    try:

        async def main() -> list[object]:
            return await asyncio.gather(*(db.write(_insert(f"n{i}")) for i in range(40)))

        assert asyncio.run(main()) == [1] * 40
        assert db.group_commits <= 3, db.group_commits
        count = db.read_sync(lambda c: c.scalar("SELECT COUNT(*) AS n FROM things"))
        assert count == 40
    finally:
        db.close()


def test_a_lone_append_does_not_wait_for_the_window(tmp_path: Path) -> None:
    disk = Disk({"hot": tmp_path})
    disk.ensure()
    appender = SegmentAppender(disk, "hot", 1 << 20, window_s=LONG_WINDOW)
    try:

        async def main() -> list[float]:
            took = []
            for i in range(3):
                started = time.perf_counter()
                await appender.append(f"{i:032x}", b"x" * 100)
                took.append(time.perf_counter() - started)
            together = await asyncio.gather(
                *(appender.append(f"{i + 100:032x}", b"y" * 100) for i in range(40))
            )
            assert len({a.segment_id for a in together}) == 1
            return took

        took = asyncio.run(main())
        assert max(took) < LONG_WINDOW / 2, took
        assert appender.batches <= 3 + 3, appender.batches
    finally:
        appender.close()
