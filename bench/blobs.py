"""Blob store throughput, next to what the disk itself does with fsync.

    .venv/bin/python -m bench.blobs [--dir DIR] [--metadata URL] [--rounds N]

Every write is durable when counted (fsync/fdatasync before it returns). Each write figure
is compared with the disk alone, measured just before each round, written the way the
blob store writes: for large blobs, the same size in 1 MiB writes, fsync, rename,
directory fsync; for 4 KiB, appends each with its own fdatasync. Reads come from
the page cache (the blobs were just written): they measure the store, not the disk.
Medians of ``--rounds`` runs; the machine's load average is printed, since other work
on a small machine moves these figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from fogbank.core.streams import FileSlice
from fogbank.storage.blobs import MIGRATIONS, BlobStore, DataKey, WrittenBlob
from fogbank.storage.db import Database, DbSettings
from fogbank.storage.migrations import migrate

KIB, MIB = 1024, 1024 * 1024


def raw_large(directory: Path, size: int = 64 * MIB) -> float:
    """MB/s of writing ``size`` bytes in 1 MiB writes, fsync, rename, dir fsync."""
    buf = os.urandom(MIB)
    tmp, final = directory / "raw.tmp", directory / "raw.dat"
    start = time.perf_counter()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for _ in range(size // MIB):
        os.write(fd, buf)
    os.fsync(fd)
    os.close(fd)
    tmp.rename(final)
    dfd = os.open(directory, os.O_RDONLY)
    os.fsync(dfd)
    os.close(dfd)
    elapsed = time.perf_counter() - start
    final.unlink()
    return size / MIB / elapsed


def raw_small(directory: Path, count: int = 1000) -> float:
    """ops/s of 4 KiB appends, each followed by its own fdatasync."""
    buf = os.urandom(4 * KIB)
    path = directory / "raw.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    start = time.perf_counter()
    for _ in range(count):
        os.write(fd, buf)
        os.fdatasync(fd)
    elapsed = time.perf_counter() - start
    os.close(fd)
    path.unlink()
    return count / elapsed


async def body(data: bytes, chunk: int = 64 * KIB) -> AsyncIterator[bytes]:
    view = memoryview(data)
    for pos in range(0, len(data), chunk):
        yield bytes(view[pos : pos + chunk])


async def timed(n: int, concurrency: int, op: Callable[[int], Awaitable[object]]) -> float:
    """Seconds to run ``op(0..n-1)`` with ``concurrency`` in flight."""
    queue = iter(range(n))

    async def lane() -> None:
        for i in queue:
            await op(i)

    start = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return time.perf_counter() - start


async def read_all(store: BlobStore, blob_id: str, keys: list[DataKey]) -> int:
    """Look the blob up (one metadata read) and take its bytes as the edge would."""
    got = await store.read(blob_id, keys=keys)
    if isinstance(got, FileSlice):  # the edge would sendfile it; here: pread in a thread
        return await asyncio.get_running_loop().run_in_executor(None, _drain, got)
    return sum([len(c) async for c in got])


def _drain(s: FileSlice) -> int:
    fd = os.open(s.path, os.O_RDONLY)
    try:
        pos = 0
        while pos < s.length:
            pos += len(os.pread(fd, min(4 * MIB, s.length - pos), s.offset + pos))
        return pos
    finally:
        os.close(fd)


class Bench:
    def __init__(self, store: BlobStore, db: Database) -> None:
        self.store = store
        self.db = db
        self.key = DataKey(os.urandom(32), "bench")
        self._payloads: dict[int, list[bytes]] = {}

    def payloads(self, size: int) -> list[bytes]:
        """Made once per size, outside the timings (os.urandom is not free)."""
        if size not in self._payloads:
            count = 1 if size > MIB else 64
            self._payloads[size] = [os.urandom(size) for _ in range(count)]
        return self._payloads[size]

    async def writes(
        self, size: int, n: int, concurrency: int, *, commit: bool = False, encrypt: bool = False
    ) -> tuple[float, list[WrittenBlob]]:
        payloads = self.payloads(size)
        out: list[WrittenBlob] = []
        key = self.key if encrypt else None

        async def op(i: int) -> None:
            data = payloads[i % len(payloads)]
            if size <= MIB:
                w = await self.store.write_bytes(data, encryption=key)
            else:
                w = await self.store.write(body(data), encryption=key, size_hint=size)
            if commit:
                await self.db.write(lambda c: self.store.register(c, w))
            out.append(w)

        return await timed(n, concurrency, op), out

    async def commit_all(self, blobs: list[WrittenBlob]) -> None:
        for w in blobs:
            await self.db.write(lambda c, w=w: self.store.register(c, w))

    async def reads(self, blobs: list[WrittenBlob], n: int, concurrency: int) -> float:
        keys = [self.key]

        async def op(i: int) -> None:
            await read_all(self.store, blobs[i % len(blobs)].blob_id, keys)

        return await timed(n, concurrency, op)


def cpu_seconds() -> float:
    """CPU time of this process (all threads), user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def line(name: str, seconds: list[float], n: int, size: int, cpu: float, extra: str = "") -> str:
    """Median throughput, and CPU time per operation (robust to a busy machine)."""
    s = statistics.median(seconds)
    per_op = cpu / (n * len(seconds))
    cost = f"{per_op * 1e6:,.0f} us" if per_op < 0.01 else f"{per_op * 1e3:,.0f} ms"
    return (
        f"{name:<30} {n / s:>9,.0f} ops/s {n * size / MIB / s:>8,.1f} MB/s"
        f"  cpu {cost:>7}/op  {extra}"
    )


async def run(store: BlobStore, db: Database, rounds: int, directory: Path) -> None:
    b = Bench(store, db)
    print(f"load average: {os.getloadavg()[0]:.2f}   cpus: {os.cpu_count()}")
    # Each round of a case runs right after a round of the raw disk figure it is compared
    # with, so that both see the disk (and the host behind it) in the same state.
    cases = [
        ("4 KiB write (64 concurrent)", 4 * KIB, 5000, 64, {}),
        ("4 KiB write+commit (64 conc.)", 4 * KIB, 5000, 64, {"commit": True}),
        ("1 MiB write (4 concurrent)", MIB, 200, 4, {}),
        ("64 MiB write", 64 * MIB, 1, 1, {}),
        ("64 MiB write, encrypted", 64 * MIB, 1, 1, {"encrypt": True}),
    ]
    kept: dict[str, list[WrittenBlob]] = {}
    for name, size, n, conc, kw in cases:
        times: list[float] = []
        raw: list[float] = []
        fsyncs = store.appender.batches
        cpu = 0.0
        b.payloads(size)
        for _ in range(rounds):
            raw.append(raw_small(directory) if size <= 4 * KIB else raw_large(directory, size))
            before = cpu_seconds()
            t, written = await b.writes(size, n, conc, **kw)
            cpu += cpu_seconds() - before
            times.append(t)
            kept.setdefault(name, []).extend(written)
        extra = ""
        if size <= 4 * KIB:
            per = n * rounds / max(1, store.appender.batches - fsyncs)
            extra = f"({per:.0f} per fsync; raw 4 KiB+fdatasync: {statistics.median(raw):,.0f}/s)"
        else:
            mbs = n * size / MIB / statistics.median(times)
            extra = (
                f"({mbs / statistics.median(raw):.0%} of raw write+fsync+rename:"
                f" {statistics.median(raw):,.0f} MB/s)"
            )
        print(line(name, times, n, size, cpu, extra))
    reads = [
        ("4 KiB read (64 concurrent)", "4 KiB write (64 concurrent)", 4 * KIB, 5000, 64),
        ("1 MiB read (4 concurrent)", "1 MiB write (4 concurrent)", MIB, 200, 4),
        ("64 MiB read", "64 MiB write", 64 * MIB, 3, 1),
        ("64 MiB read, encrypted", "64 MiB write, encrypted", 64 * MIB, 3, 1),
    ]
    for name, source, size, n, conc in reads:
        blobs = kept[source][:500]
        await b.commit_all(blobs)
        before = cpu_seconds()
        times = [await b.reads(blobs, n, conc) for _ in range(rounds)]
        print(line(name, times, n, size, cpu_seconds() - before))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir", type=Path, default=None, help="where to write (default: a temp dir)"
    )
    parser.add_argument("--metadata", default=None, help="metadata URL (default: SQLite in --dir)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fogbank-bench-", dir=args.dir) as tmp:
        directory = Path(tmp)
        db = Database(DbSettings(args.metadata or f"sqlite:///{directory / 'meta.db'}"))
        migrate(db, MIGRATIONS)
        store = BlobStore(directory / "data", db)
        try:
            asyncio.run(run(store, db, args.rounds, directory))
        finally:
            store.close()
            db.close()


if __name__ == "__main__":
    main()
