"""Change stamps: a counter in shared memory; every move is seen at once by every view."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from fogbank.storage.stamp import ChangeStamp, StampView


def test_a_stamp_never_moved_reads_zero_and_its_file_is_made(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "s.stamp"
    assert StampView(path).read() == 0
    assert path.stat().st_size == 8


def test_a_move_is_seen_by_every_view_at_once(tmp_path: Path) -> None:
    path = tmp_path / "s.stamp"
    mine, theirs = ChangeStamp(path), StampView(path)  # two processes' views, in effect
    assert theirs.read() == 0
    mine.touch()
    assert theirs.read() == 1 == mine.read()
    assert theirs.bump() == 2
    assert mine.read() == 2


def test_an_empty_stamp_file_of_an_older_version_is_grown(tmp_path: Path) -> None:
    path = tmp_path / "s.stamp"
    path.write_bytes(b"")
    stamp = ChangeStamp(path)
    assert stamp.read() == 0
    stamp.touch()
    assert stamp.read() == 1
    assert path.stat().st_size == 8


def _bump_many(path: str, times: int) -> None:
    view = StampView(Path(path))
    for _ in range(times):
        view.bump()


def test_concurrent_moves_from_several_processes_are_never_lost(tmp_path: Path) -> None:
    path = tmp_path / "s.stamp"
    view = StampView(path)
    view.read()  # mapped before the fork: the children share this mapping and see theirs
    context = multiprocessing.get_context("fork")
    procs = [context.Process(target=_bump_many, args=(str(path), 600)) for _ in range(4)]
    for proc in procs:
        proc.start()
    _bump_many(str(path), 600)
    for proc in procs:
        proc.join(30)
        assert proc.exitcode == 0
    assert view.read() == 5 * 600
