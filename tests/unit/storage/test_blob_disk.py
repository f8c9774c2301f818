"""On-disk layout: generated ids only, fan-out, durable directories, writer locks, records."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from fogbank.storage.blobs.disk import (
    Disk,
    is_id,
    is_locked,
    make_dirs,
    new_id,
    new_ordered_id,
    unlink_if_unlocked,
)
from fogbank.storage.blobs.model import BlobCorrupt
from fogbank.storage.blobs.segments import HEADER, SEGMENT_MAGIC, SegmentFile, read_record


def test_ids_are_random_hex_and_fan_out(tmp_path: Path) -> None:
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(is_id(i) for i in ids)
    disk = Disk({"hot": tmp_path})
    bid = next(iter(ids))
    assert disk.blob_path("hot", bid) == tmp_path / "blobs" / bid[:2] / bid[2:4] / bid


def test_ordered_ids_are_ids_that_sort_by_time() -> None:
    ids = [new_ordered_id() for _ in range(1000)]
    assert len(set(ids)) == 1000 and all(is_id(i) for i in ids)
    # the first 14 digits are microseconds: never decreasing within a run of this test
    # (a clock stepping back would only cost the order, which is a hint)
    stamps = [int(i[:14], 16) for i in ids]
    assert stamps == sorted(stamps)
    assert abs(stamps[0] / 1e6 - time.time()) < 60


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "photos/cat.jpg", "A" * 32, "", "0" * 31, "0" * 32 + "/x"]
)
def test_nothing_but_an_id_becomes_a_path(tmp_path: Path, name: str) -> None:
    disk = Disk({"hot": tmp_path})
    with pytest.raises(ValueError):
        disk.blob_path("hot", name)
    with pytest.raises(ValueError):
        disk.segment_path("hot", name)


def test_unknown_tier(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Disk({"hot": tmp_path}).root("cold")


def test_make_dirs(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c"
    make_dirs(target)
    make_dirs(target)
    assert target.is_dir()


def test_locks_tell_live_writers_from_dead_ones(tmp_path: Path) -> None:
    path = tmp_path / "x.tmp"
    path.write_bytes(b"x")
    fd = os.open(path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    assert is_locked(path) is True
    assert not unlink_if_unlocked(path)
    os.close(fd)  # the writer is gone (as after kill -9: the kernel drops the lock)
    assert is_locked(path) is False
    assert unlink_if_unlocked(path)
    assert is_locked(path) is None


def test_segment_records_are_checked(tmp_path: Path) -> None:
    disk = Disk({"hot": tmp_path})
    disk.ensure()
    seg = SegmentFile.create(disk, "hot")
    assert is_locked(seg.path)
    a, b = new_id(), new_id()
    offsets = seg.append([(a, b"alpha"), (b, b"")])
    seg.sync()
    assert offsets == [len(SEGMENT_MAGIC) + HEADER, len(SEGMENT_MAGIC) + 2 * HEADER + 5]
    seg.close()
    assert not is_locked(seg.path)
    fd = os.open(seg.path, os.O_RDONLY)
    try:
        assert read_record(fd, offsets[0], 5, a) == b"alpha"
        assert read_record(fd, offsets[1], 0, b) == b""
        with pytest.raises(BlobCorrupt):
            read_record(fd, offsets[0], 5, b)  # not the record of b
        with pytest.raises(BlobCorrupt):
            read_record(fd, offsets[1], 4, b)
    finally:
        os.close(fd)
    raw = bytearray(seg.path.read_bytes())
    raw[offsets[0]] ^= 1
    seg.path.write_bytes(raw)
    fd = os.open(seg.path, os.O_RDONLY)
    try:
        with pytest.raises(BlobCorrupt, match="CRC"):
            read_record(fd, offsets[0], 5, a)
    finally:
        os.close(fd)
