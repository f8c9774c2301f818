"""Writes big blobs from generators and reports how far the resident set grew.

Usage: python blob_rss_child.py METADATA_URL ROOT GIB

Prints one JSON line: for each write, the resident set before it and the peak during it
(the kernel's high-water mark, reset through /proc/self/clear_refs), in bytes.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from fogbank.storage.blobs import MIGRATIONS, BlobStore, DataKey
from fogbank.storage.db import Database, DbSettings
from fogbank.storage.migrations import migrate

MIB = 1024 * 1024


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def _reset_peak() -> int:
    """Reset the high-water mark (VmHWM) to the current RSS, and return that."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status("VmRSS")


def _remove_big_files(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file() and path.stat().st_size > 64 * MIB:
            path.unlink()


async def body(total: int) -> AsyncIterator[bytes]:
    """``total`` bytes in chunks of 8 KiB to 4 MiB, each a fresh object (as from a socket)."""
    source = os.urandom(4 * MIB)
    sizes = [8192, 65536, 1000, 4 * MIB, MIB + 1]
    sent, i = 0, 0
    while sent < total:
        n = min(sizes[i % len(sizes)], total - sent)
        yield source[:n]
        sent += n
        i += 1


async def measure(store: BlobStore, total: int, key: DataKey | None) -> dict[str, int]:
    gc.collect()
    before = _reset_peak()
    written = await store.write(body(total), encryption=key, checksums=["CRC32C"])
    assert written.size == total
    return {"before": before, "peak": _status("VmHWM"), "size": total}


async def main(url: str, root: Path, gib: float) -> None:
    db = Database(DbSettings(url))
    migrate(db, MIGRATIONS)
    store = BlobStore(root, db)
    key = DataKey(os.urandom(32), "k")
    await store.write(body(8 * MIB))  # warm up: threads, imports, buffers
    await store.write(body(8 * MIB), encryption=key)
    plain = await measure(store, int(gib * 1024 * MIB), None)
    _remove_big_files(root)
    encrypted = await measure(store, int(gib * 256 * MIB), key)
    store.close()
    db.close()
    print(json.dumps({"plain": plain, "encrypted": encrypted}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])))
