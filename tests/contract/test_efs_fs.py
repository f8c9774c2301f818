"""The EFS file-system core on each metadata backend (SQLite and PostgreSQL), with the
non-fsyncing store handle that the data plane uses and its durable barrier."""

from __future__ import annotations

import asyncio
import errno
import os
import stat
import time
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


def test_unlink_uses_a_proposed_time_only_near_the_servers_clock(store: FsStore) -> None:
    """A pipelining mount client proposes the directory's new times (it has answered its
    caller with them already); the server takes them within a second of its clock."""

    async def go() -> None:
        await store.create_file_system("fs-t", encrypted=False)
        fs = store.open("fs-t", None)
        d = (await fs.create(ROOT, ROOT_INO, b"d", stat.S_IFDIR | 0o755)).attr
        assert d is not None
        for name in (b"a", b"b", b"c"):
            await fs.create(ROOT, d.ino, name, stat.S_IFREG | 0o644)
        near = time.time_ns() + 300_000_000  # 0.3 s ahead: within the tolerance
        change = await fs.unlink(ROOT, d.ino, b"a", near)
        assert change.dirs[0].mtime_ns == near and change.dirs[0].ctime_ns == near
        assert (await fs.getattr(d.ino)).mtime_ns == near
        far = time.time_ns() + 5_000_000_000  # 5 s ahead: the server's own clock wins
        before = time.time_ns()
        change = await fs.unlink(ROOT, d.ino, b"b", far)
        after = time.time_ns()
        assert before <= change.dirs[0].mtime_ns <= after
        assert change.dirs[0].ctime_ns == change.dirs[0].mtime_ns
        change = await fs.unlink(ROOT, d.ino, b"c", None)  # no proposal: the server's clock
        assert after <= change.dirs[0].mtime_ns <= time.time_ns()

    asyncio.run(go())
