"""core.lru: bounded, least recently used first out, nothing kept when making fails."""

from __future__ import annotations

import pytest

from fogbank.core.lru import Lru


def test_keeps_the_most_recently_used() -> None:
    made: list[str] = []

    def make(k: str) -> str:
        made.append(k)
        return k.upper()

    lru: Lru[str, str] = Lru(2)
    assert lru.get_or_make("a", lambda: make("a")) == "A"
    assert lru.get_or_make("b", lambda: make("b")) == "B"
    assert lru.get_or_make("a", lambda: make("a")) == "A"  # a hit: a is now the newest
    assert lru.get_or_make("c", lambda: make("c")) == "C"  # evicts b
    assert lru.get_or_make("a", lambda: make("a")) == "A"
    assert lru.get_or_make("b", lambda: make("b")) == "B"
    assert made == ["a", "b", "c", "b"]
    assert len(lru) == 2


def test_a_failed_make_holds_nothing() -> None:
    lru: Lru[str, int] = Lru(4)

    def fail() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError):
        lru.get_or_make("k", fail)
    assert len(lru) == 0
    assert lru.get_or_make("k", lambda: 7) == 7
    assert "7" not in repr(lru)


def test_needs_room_for_one() -> None:
    with pytest.raises(ValueError):
        Lru[str, int](0)
