"""A process that hammers a blob store until it is killed (for the crash test).

Usage: python blob_crash_child.py METADATA_URL ROOT SEED

Concurrent workers put objects (small, medium, large; some encrypted; some written but
never committed), delete them, compose them into new objects and move them to the cold
tier, while a sweeper runs with a short grace period. An object is a row in
``crash_objects`` naming its blob and the recipe of its bytes; the row and the blob's
reference change commit together. After each commit the child prints ``C name`` (or
``D name`` for a delete, after ``d name`` before it) and flushes, so that the parent
knows what must have survived and what must be gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import random
import sys
from pathlib import Path

from fogbank.storage.blobs import (
    MIGRATIONS,
    BlobExpired,
    BlobNotFound,
    BlobSettings,
    BlobStore,
    DataKey,
    Extent,
    SweepReport,
)
from fogbank.storage.db import Conn, Database, DbSettings
from fogbank.storage.migrations import Migration, migrate

TABLES = (
    Migration(
        "crashtest",
        1,
        "objects and keys of the crash test",
        (
            "CREATE TABLE crash_objects (name {text} PRIMARY KEY, blob_id {text} NOT NULL,"
            " size {bigint} NOT NULL, recipe {text} NOT NULL)",
            "CREATE TABLE crash_keys (key_ref {text} PRIMARY KEY, key_hex {text} NOT NULL)",
        ),
    ),
)
SETTINGS = BlobSettings(grace_s=4.0, temp_grace_s=1.0, segment_max=2 * 1024 * 1024)
LIVE_MAX = 120


def content(recipe: list[list[int]]) -> bytes:
    """The bytes an object must hold: slices of seeded random data."""
    return b"".join(
        random.Random(seed).randbytes(size)[start:end] for seed, size, start, end in recipe
    )


def open_store(url: str, root: Path) -> tuple[Database, BlobStore]:
    db = Database(DbSettings(url))
    migrate(db, (*MIGRATIONS, *TABLES))
    return db, BlobStore(root / "hot", db, tiers={"cold": root / "cold"}, settings=SETTINGS)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Child:
    def __init__(self, db: Database, store: BlobStore, seed: int) -> None:
        self.db = db
        self.store = store
        self.rng = random.Random(seed)
        self.seed = seed
        self.counter = 0
        self.live: list[str] = [
            str(r["name"]) for r in db.read_sync(lambda c: c.all("SELECT name FROM crash_objects"))
        ]
        self.key = DataKey(os.urandom(32), f"key-{seed}")
        db.write_sync(
            lambda c: c.execute(
                "INSERT INTO crash_keys (key_ref, key_hex) VALUES (?, ?)",
                (self.key.key_ref, self.key.key.hex()),
            )
        )

    def new_name(self) -> str:
        self.counter += 1
        return f"obj-{self.seed}-{self.counter}"

    async def put(self) -> None:
        r = self.rng.random()
        size = (
            self.rng.randrange(0, 64 * 1024)
            if r < 0.7
            else self.rng.randrange(128 * 1024, 1024 * 1024)
            if r < 0.95
            else self.rng.randrange(1024 * 1024, 4 * 1024 * 1024)
        )
        recipe = [[self.rng.randrange(1 << 30), size, 0, size]]
        data = content(recipe)
        key = self.key if self.rng.random() < 0.3 else None

        async def body() -> object:
            pos = 0
            while pos < len(data):
                n = self.rng.choice([100, 8192, 65536, 1 << 20])
                yield data[pos : pos + n]
                pos += n

        written = await self.store.write(body(), encryption=key, size_hint=None)  # type: ignore[arg-type]
        if self.rng.random() < 0.05:
            return  # the request failed after the bytes were written: never committed
        name = self.new_name()

        def commit(c: Conn) -> None:
            c.execute(
                "INSERT INTO crash_objects (name, blob_id, size, recipe) VALUES (?, ?, ?, ?)",
                (name, written.blob_id, size, json.dumps(recipe)),
            )
            self.store.register(c, written)

        try:
            await self.db.write(commit)
        except BlobExpired:
            return  # too slow to commit (a loaded machine): correctly refused
        self.live.append(name)
        say(f"C {name}")

    async def delete(self) -> None:
        if not self.live:
            return
        name = self.live.pop(self.rng.randrange(len(self.live)))
        say(f"d {name}")  # about to delete: it may be gone without a "D" line

        def drop(c: Conn) -> None:
            row = c.one("SELECT blob_id FROM crash_objects WHERE name = ?", (name,))
            assert row is not None
            c.execute("DELETE FROM crash_objects WHERE name = ?", (name,))
            self.store.release(c, str(row["blob_id"]))

        await self.db.write(drop)
        say(f"D {name}")

    async def compose(self) -> None:
        if len(self.live) < 2:
            return
        parts = self.rng.sample(self.live, min(len(self.live), self.rng.randrange(2, 4)))
        name = self.new_name()

        def make(c: Conn) -> None:
            extents: list[Extent] = []
            recipe: list[list[int]] = []
            for part in parts:
                row = c.one(
                    "SELECT blob_id, size, recipe FROM crash_objects WHERE name = ?", (part,)
                )
                if row is None:  # deleted by another worker meanwhile
                    raise LookupError(part)
                extents.append(Extent(str(row["blob_id"]), 0, int(row["size"])))  # type: ignore[call-overload]
                recipe.extend(json.loads(str(row["recipe"])))
            info = self.store.compose(c, extents)
            c.execute(
                "INSERT INTO crash_objects (name, blob_id, size, recipe) VALUES (?, ?, ?, ?)",
                (name, info.blob_id, info.size, json.dumps(recipe)),
            )

        try:
            await self.db.write(make)
        except LookupError:
            return
        self.live.append(name)
        say(f"C {name}")

    async def move(self) -> None:
        if not self.live:
            return
        name = self.rng.choice(self.live)
        row = await self.db.read(
            lambda c: c.one("SELECT blob_id FROM crash_objects WHERE name = ?", (name,))
        )
        if row is not None:
            with contextlib.suppress(BlobNotFound):  # deleted meanwhile
                await self.store.move(str(row["blob_id"]), self.rng.choice(["cold", "hot"]))

    async def worker(self) -> None:
        while True:
            r = self.rng.random()
            if len(self.live) > LIVE_MAX and r < 0.5:
                await self.delete()
            elif r < 0.65:
                await self.put()
            elif r < 0.8:
                await self.delete()
            elif r < 0.9:
                await self.compose()
            else:
                await self.move()

    async def sweeper(self) -> None:
        while True:
            report = await self.store.sweep()
            if report != SweepReport():
                say("S " + json.dumps(dataclasses.asdict(report)))
            await asyncio.sleep(0.2)

    async def run(self) -> None:
        say("READY")
        await asyncio.gather(self.sweeper(), *(self.worker() for _ in range(6)))


def main() -> None:
    url, root, seed = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    db, store = open_store(url, root)
    asyncio.run(Child(db, store, seed).run())


if __name__ == "__main__":
    main()
