"""Helpers for the blob store's tests."""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from fogbank.storage.blobs import BlobStore, WrittenBlob
from fogbank.storage.db import Database


async def chunked(
    data: bytes, sizes: list[int] | None = None, seed: int = 0
) -> AsyncIterator[bytes]:
    """``data`` as a request body would arrive: chunks from a few bytes to MiBs."""
    rng = random.Random(seed)
    choices = sizes or [1, 13, 4096, 65536, 65537, 1 << 20, 3 << 20]
    view = memoryview(data)
    pos = 0
    while pos < len(data):
        n = rng.choice(choices)
        yield bytes(view[pos : pos + n])
        pos += n


async def commit(db: Database, store: BlobStore, written: WrittenBlob) -> None:
    await db.write(lambda c: store.register(c, written))


def files_under(root: Path) -> Iterator[Path]:
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            yield Path(dirpath) / name


def disk_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in files_under(root))
