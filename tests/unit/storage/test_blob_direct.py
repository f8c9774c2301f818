"""Large blob files written around the page cache: the bytes on disk are exactly the bytes
given, whatever the pieces' sizes, and a refusal or a short write falls back to ordinary
writes without losing or repeating a byte."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from fogbank.storage.blobs.direct import ALIGN, DirectAppend, StagePool, set_direct
from fogbank.storage.blobs.disk import Disk
from fogbank.storage.blobs.files import BlobFile

STAGE = 4 * ALIGN


def _pieces(seed: int, sizes: list[int]) -> list[bytes]:
    rnd = random.Random(seed)
    return [rnd.randbytes(n) for n in sizes]


def _o_direct(fd: int) -> bool:
    return bool(fcntl.fcntl(fd, fcntl.F_GETFL) & getattr(os, "O_DIRECT", 0))


@pytest.fixture
def disk(tmp_path: Path) -> Disk:
    made = Disk({"hot": tmp_path / "hot"})
    made.ensure()
    return made


SIZES = [
    [1],
    [ALIGN],
    [ALIGN - 1, 1, ALIGN + 1],
    [STAGE],
    [STAGE + 3, 5, 2 * STAGE - 7],
    [70_000, 1, 65_552, 3 * STAGE + 11, 4096, 0, 17],
]


def _maker(data: bytes, slack: int) -> tuple[int, Callable[[memoryview], int]]:
    """(size offered, a maker that writes ``data`` into the view and says so)."""

    def make(into: memoryview) -> int:
        into[: len(data)] = data
        return len(data)

    return len(data) + slack, make


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("direct", [True, False])
def test_bytes_made_in_place_land_like_bytes_written(
    disk: Disk, sizes: list[int], direct: bool
) -> None:
    pieces = _pieces(len(sizes) + 7, sizes)
    file = BlobFile(disk, "hot", stages=StagePool(STAGE, keep=2) if direct else None)
    assert file.direct is direct
    for i, piece in enumerate(pieces):
        if i % 2:
            file.write([piece])
        else:
            file.write_made(*_maker(piece, slack=i % 3))
    file.commit("cd" * 16)
    stored = disk.blob_path("hot", "cd" * 16).read_bytes()
    assert stored == b"".join(pieces)
    assert file.size == len(stored)


@pytest.mark.parametrize("sizes", SIZES)
def test_blob_file_holds_exactly_the_bytes_given(disk: Disk, sizes: list[int]) -> None:
    pool = StagePool(STAGE, keep=2)
    pieces = _pieces(len(sizes), sizes)
    file = BlobFile(disk, "hot", stages=pool)
    for i in range(0, len(pieces), 2):
        file.write(pieces[i : i + 2])
    file.commit("ab" * 16)
    stored = disk.blob_path("hot", "ab" * 16).read_bytes()
    assert stored == b"".join(pieces)
    assert file.size == len(stored)


def test_the_file_is_direct_while_written_and_its_stage_goes_back(disk: Disk) -> None:
    pool = StagePool(STAGE, keep=2)
    file = BlobFile(disk, "hot", stages=pool)
    fd = os.open(file.path, os.O_RDONLY)
    try:
        if not set_direct(fd, True):
            pytest.skip("this file system refuses O_DIRECT")
    finally:
        os.close(fd)
    file.write([b"x" * (STAGE + 100)])
    assert file._direct is not None and _o_direct(file._fd)
    # Whole blocks are in the file already; the tail waits for the commit.
    assert file.path.stat().st_size == STAGE
    file.commit("cd" * 16)
    assert disk.blob_path("hot", "cd" * 16).stat().st_size == STAGE + 100
    assert len(pool._free) == 1


def test_an_aborted_file_gives_its_stage_back(disk: Disk) -> None:
    pool = StagePool(STAGE, keep=2)
    file = BlobFile(disk, "hot", stages=pool)
    file.write([b"y" * 100])
    file.abort()
    assert not file.path.exists()
    assert len(pool._free) == (1 if file._direct is not None else 0)


def test_stages_are_page_aligned_and_kept_up_to_the_limit() -> None:
    pool = StagePool(STAGE, keep=1)
    a, b = pool.take(), pool.take()
    for stage in (a, b):
        assert ctypes.addressof(ctypes.c_char.from_buffer(stage)) % ALIGN == 0
        assert len(stage) == STAGE
    pool.give(a)
    pool.give(b)
    assert pool._free == [a] and b.closed
    assert pool.take() is a
    with pytest.raises(ValueError):
        StagePool(ALIGN + 1)


class _Refusing:
    """pwrite that refuses (EINVAL) while O_DIRECT is on, as a file system without it does."""

    def __init__(self) -> None:
        self.refused = 0

    def __call__(self, fd: int, data: memoryview, offset: int) -> int:
        if _o_direct(fd):
            self.refused += 1
            raise OSError(errno.EINVAL, "Invalid argument")
        return os.pwrite(fd, data, offset)


class _Short:
    """pwrite that writes at most ``limit`` bytes per call (an unaligned count)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.calls = 0

    def __call__(self, fd: int, data: memoryview, offset: int) -> int:
        self.calls += 1
        return os.pwrite(fd, data[: self.limit], offset)


@pytest.mark.parametrize("pwrite", [_Refusing(), _Short(ALIGN + 5)], ids=["refused", "short"])
def test_refused_or_short_writes_lose_no_byte(tmp_path: Path, pwrite: object) -> None:
    path = tmp_path / "f"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        direct = set_direct(fd, True)
        pool = StagePool(STAGE, keep=1)
        out = DirectAppend(fd, pool, pwrite)  # type: ignore[arg-type]
        pieces = _pieces(7, [3 * STAGE + 5, 10, ALIGN * 2, 999])
        taken = sum(out.write([p]) for p in pieces)
        out.finish()
        assert taken == out.written == sum(map(len, pieces))
        assert not _o_direct(fd)
        if isinstance(pwrite, _Refusing) and direct:
            assert pwrite.refused == 1  # once: the rest went through the page cache
    finally:
        os.close(fd)
    assert path.read_bytes() == b"".join(pieces)
