"""The EFS file-system core on each metadata backend (SQLite and PostgreSQL), with the
non-fsyncing store handle that the data plane uses and its durable barrier."""

from __future__ import annotations

import asyncio
import errno
import os
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fogbank.core.clock import Clock
from fogbank.services.efs.fs.model import BLOCK_SIZE, ROOT, ROOT_INO, FsError, Identity
from fogbank.services.efs.fs.schema import MIGRATIONS
from fogbank.services.efs.fs.store import FsStore, fast_handle
from fogbank.storage.db import Database
from fogbank.storage.migrations import migrate


@pytest.fixture
def store(db: Database, tmp_path: Path) -> Iterator[FsStore]:
    migrate(db, MIGRATIONS)
    fast = fast_handle(db.settings.url)  # as the gateway and the data plane build it
    io = ThreadPoolExecutor(4)
    try:
        yield FsStore(db, tmp_path, Clock(), io, fast_db=fast)
    finally:
        io.shutdown()
        fast.close()


def test_namespace_data_and_durability_barrier(store: FsStore) -> None:
    user = Identity(1000, 1000, ())

    async def go() -> None:
        await store.create_file_system("fs-c", encrypted=True)
        fs = store.open("fs-c", os.urandom(32))
        d = (await fs.create(ROOT, ROOT_INO, b"dir", stat.S_IFDIR | 0o1777)).attr
        assert d is not None
        f = (await fs.create(user, d.ino, "é".encode() * 100, stat.S_IFREG | 0o600)).attr
        assert f is not None
        payload = os.urandom(BLOCK_SIZE + 10)
        await fs.write(f.ino, 5, payload)
        await fs.commit(f.ino)  # fsync/close: blocks synced, one durable commit
        assert await fs.read(f.ino, 0, 5 + len(payload)) == b"\0" * 5 + payload
        names = [e.name for e in await fs.readdir(ROOT, d.ino, None)]
        assert names == ["é".encode() * 100]
        with pytest.raises(FsError) as exc:
            await fs.rmdir(ROOT, ROOT_INO, b"dir")
        assert exc.value.errno == errno.ENOTEMPTY
        with pytest.raises(FsError) as exc:  # no write permission on the root
            await fs.rename(user, d.ino, "é".encode() * 100, ROOT_INO, b"moved")
        assert exc.value.errno == errno.EACCES
        await fs.rename(user, d.ino, "é".encode() * 100, d.ino, b"moved")
        await fs.unlink(user, d.ino, b"moved")
        sizes = await store.sizes("fs-c")
        assert sizes.value == 0

    asyncio.run(go())
