"""The file-system core without RPC or FUSE: blocks, namespace, permissions, lifecycle."""

from __future__ import annotations

import asyncio
import errno
import os
import stat
from pathlib import Path

import pytest

from fogbank.services.efs.fs.model import BLOCK_SIZE, ROOT, ROOT_INO, FsError, Identity, SetAttr
from fogbank.services.efs.fs.store import FsStore
from fogbank.storage.db import Conn

USER = Identity(1000, 1000, ())


def run(coro: object) -> object:
    return asyncio.run(coro)  # type: ignore[arg-type]


def test_write_read_blocks_and_truncate(fs_store: FsStore) -> None:
    async def go() -> None:
        await fs_store.create_file_system("fs-1", encrypted=False)
        fs = fs_store.open("fs-1", None)
        f = (await fs.create(ROOT, ROOT_INO, b"f", stat.S_IFREG | 0o644)).attr
        payload = os.urandom(BLOCK_SIZE * 2 + 123)
        await fs.write(f.ino, 0, payload)
        assert await fs.read(f.ino, 0, len(payload) + 10) == payload
        await fs.write(f.ino, 5, b"hello")
        got = await fs.read(f.ino, 0, 20)
        assert got == payload[:5] + b"hello" + payload[10:20]
        await fs.setattr(ROOT, f.ino, SetAttr(size=3))
        await fs.setattr(ROOT, f.ino, SetAttr(size=10))
        assert await fs.read(f.ino, 0, 100) == payload[:3] + b"\0" * 7
        sizes = await fs_store.sizes("fs-1")
        assert sizes.value > 0 and sizes.infrequent_access == 0

    run(go())


def test_encrypted_blocks_hide_plaintext(fs_store: FsStore, tmp_path: Path) -> None:
    marker = b"MARKER-" + os.urandom(8).hex().encode()

    async def go() -> None:
        await fs_store.create_file_system("fs-2", encrypted=True)
        fs = fs_store.open("fs-2", os.urandom(32))
        f = (await fs.create(ROOT, ROOT_INO, b"f", stat.S_IFREG | 0o644)).attr
        await fs.write(f.ino, 0, marker * 100_000)
        small = (await fs.create(ROOT, ROOT_INO, b"s", stat.S_IFREG | 0o644)).attr
        await fs.write(small.ino, 0, marker)
        assert await fs.read(small.ino, 0, 100) == marker

    run(go())
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert marker not in path.read_bytes(), path


def test_permissions_and_sticky(fs_store: FsStore) -> None:
    async def go() -> None:
        await fs_store.create_file_system("fs-3", encrypted=False)
        fs = fs_store.open("fs-3", None)
        d = (await fs.create(ROOT, ROOT_INO, b"d", stat.S_IFDIR | 0o1777)).attr
        f = (await fs.create(ROOT, d.ino, b"rootfile", stat.S_IFREG | 0o644)).attr
        with pytest.raises(FsError) as e:
            await fs.unlink(USER, d.ino, b"rootfile")
        assert e.value.errno == errno.EPERM
        with pytest.raises(FsError) as e:
            await fs.open(USER, f.ino, os.O_WRONLY)
        assert e.value.errno == errno.EACCES
        sub = (await fs.create(ROOT, d.ino, b"sub", stat.S_IFDIR | 0o755)).attr
        with pytest.raises(FsError) as e:
            await fs.rename(ROOT, d.ino, b"sub", sub.ino, b"x")
        assert e.value.errno == errno.EINVAL

    run(go())


def test_unlinked_open_file_lives_until_release(fs_store: FsStore) -> None:
    async def go() -> None:
        await fs_store.create_file_system("fs-4", encrypted=False)
        fs = fs_store.open("fs-4", None)
        f = (await fs.create(ROOT, ROOT_INO, b"f", stat.S_IFREG | 0o644, open_after=True)).attr
        await fs.write(f.ino, 0, b"data")
        await fs.unlink(ROOT, ROOT_INO, b"f")
        assert await fs.read(f.ino, 0, 10) == b"data"
        await fs.release(f.ino)
        with pytest.raises(FsError):
            await fs.getattr(f.ino)

    run(go())


def test_lifecycle_moves_cold_files_and_back(fs_store: FsStore) -> None:
    from fogbank.services.efs.fs.model import LifecyclePolicy

    async def go() -> None:
        await fs_store.create_file_system("fs-5", encrypted=False)
        await fs_store.set_lifecycle("fs-5", LifecyclePolicy(ia_after_s=86400.0))
        fs = fs_store.open("fs-5", None)
        f = (await fs.create(ROOT, ROOT_INO, b"f", stat.S_IFREG | 0o644)).attr
        await fs.write(f.ino, 0, os.urandom(BLOCK_SIZE))
        job = fs_store.lifecycle_job()
        import time

        await job.run_due(time.time() + 3600)
        assert (await fs_store.sizes("fs-5")).infrequent_access == 0
        await job.run_due(time.time() + 2 * 86400)
        sizes = await fs_store.sizes("fs-5")
        assert sizes.infrequent_access == BLOCK_SIZE and sizes.standard == 0
        assert len(await fs.read(f.ino, 0, BLOCK_SIZE)) == BLOCK_SIZE
        sizes = await fs_store.sizes("fs-5")
        assert sizes.standard == BLOCK_SIZE and sizes.infrequent_access == 0

    run(go())


def test_space_of_dead_segments_is_reclaimed(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from fogbank.core.clock import Clock
    from fogbank.services.efs.fs.schema import MIGRATIONS
    from fogbank.storage.db import Database, DbSettings
    from fogbank.storage.migrations import migrate

    db = Database(DbSettings(f"sqlite:///{tmp_path}/meta.db"))
    migrate(db, MIGRATIONS)
    io = ThreadPoolExecutor(2)

    async def go() -> None:
        first = FsStore(db, tmp_path, Clock(), io)
        await first.create_file_system("fs-r", encrypted=False)
        fs = first.open("fs-r", None)
        f = (await fs.create(ROOT, ROOT_INO, b"f", stat.S_IFREG | 0o644)).attr
        await fs.write(f.ino, 0, os.urandom(BLOCK_SIZE))
        await fs.commit(f.ino)
        # A later process: the first segment is no longer anyone's active segment.
        second = FsStore(db, tmp_path, Clock(), io)
        fs2 = second.open("fs-r", None)
        assert await second.reclaim_space("fs-r") == 0  # still referenced
        await fs2.unlink(ROOT, ROOT_INO, b"f")
        assert await second.reclaim_space("fs-r") == 1
        assert not list((tmp_path / "efs" / "fs-r").rglob("*.seg"))

    try:
        run(go())
    finally:
        io.shutdown()
        db.close()


def test_removing_leaves_no_blocks_or_xattrs_behind(fs_store: FsStore) -> None:
    """An inode's ``has_extras`` flag (set by its first write or xattr) decides whether
    removing it deletes blocks and xattrs: each kind of file leaves no rows behind."""

    async def go() -> None:
        await fs_store.create_file_system("fs-6", encrypted=False)
        fs = fs_store.open("fs-6", None)
        inos = {}
        for name in (b"plain", b"data", b"xattr", b"linked", b"open"):
            inos[name] = (await fs.create(ROOT, ROOT_INO, name, stat.S_IFREG | 0o644)).attr.ino
        for name in (b"data", b"linked", b"open"):
            await fs.write(inos[name], 0, b"x" * (BLOCK_SIZE + 1))
        await fs.setxattr(ROOT, inos[b"xattr"], b"user.k", b"v", 0)
        await fs.link(ROOT, inos[b"linked"], ROOT_INO, b"other")
        await fs.open(ROOT, inos[b"open"], os.O_RDONLY)

        def flags(conn: Conn) -> dict[int, int]:
            rows = conn.all("SELECT ino, has_extras FROM efs_fs_inodes WHERE fs_id = 'fs-6'")
            return {int(str(r["ino"])): int(str(r["has_extras"])) for r in rows}

        def leftovers(conn: Conn) -> int:
            return sum(
                int(str(conn.scalar(f"SELECT COUNT(*) FROM {t} WHERE fs_id = 'fs-6'")))
                for t in ("efs_fs_blocks", "efs_fs_xattrs")
            )

        db = fs_store._db
        assert {n: (await db.read(flags))[i] for n, i in inos.items()} == {
            b"plain": 0, b"data": 1, b"xattr": 1, b"linked": 1, b"open": 1
        }  # fmt: skip
        for name in (*inos, b"other"):
            await fs.unlink(ROOT, ROOT_INO, name)
        assert await db.read(leftovers) > 0  # the open file keeps its blocks
        assert await fs.read(inos[b"open"], 0, 3) == b"xxx"
        await fs.release(inos[b"open"])
        assert await db.read(leftovers) == 0
        assert await db.read(flags) == {ROOT_INO: 1}

    run(go())
