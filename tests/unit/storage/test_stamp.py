"""Change stamps: looked at once per request (round), and again after a local change."""

from __future__ import annotations

import os
from pathlib import Path

from fogbank.storage.stamp import ChangeStamp, Rounds, StampView


def _bump(path: Path, ns: int) -> None:
    """Another process's change: the file's mtime moves."""
    path.touch()
    os.utime(path, ns=(ns, ns))


def test_without_rounds_every_read_looks_at_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.stamp"
    view = StampView(path)
    assert view.read() == (0, 0)
    _bump(path, 10**18)
    assert view.read()[1] == 10**18
    _bump(path, 2 * 10**18)
    assert view.read()[1] == 2 * 10**18


def test_a_change_is_seen_by_the_next_request(tmp_path: Path) -> None:
    path = tmp_path / "s.stamp"
    rounds = Rounds()
    view = StampView(path, rounds)
    rounds.begin()
    _bump(path, 10**18)
    first = view.read()
    _bump(path, 2 * 10**18)
    assert view.read() == first  # same request: not looked at again
    rounds.begin()  # the next request
    assert view.read()[1] == 2 * 10**18


def test_forget_looks_again_within_the_round(tmp_path: Path) -> None:
    path = tmp_path / "s.stamp"
    rounds = Rounds()
    view = StampView(path, rounds)
    rounds.begin()
    assert view.read() == (0, 0)
    _bump(path, 10**18)
    view.forget()
    assert view.read()[1] == 10**18


def test_touch_moves_the_stamp_even_within_a_round(tmp_path: Path) -> None:
    path = tmp_path / "s.stamp"
    rounds = Rounds()
    stamp = ChangeStamp(path, rounds)
    rounds.begin()
    before = stamp.read()
    stamp.touch()
    after = stamp.read()
    assert after > before
    stamp.touch()
    assert stamp.read() > after
