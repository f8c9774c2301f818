"""The mount client's reads of a caller's supplementary groups (``CallerGroups``)."""

from __future__ import annotations

import os

from fogbank.mount.identity import CallerGroups, supplementary_groups


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_groups_are_read_once_per_ttl_and_pid() -> None:
    reads: list[int] = []
    groups = {1: (10, 11), 2: (20,)}

    def read(pid: int) -> tuple[int, ...]:
        reads.append(pid)
        return groups[pid]

    clock = Clock()
    cache = CallerGroups(ttl=0.1, clock=clock, read=read, size=2)
    assert cache(1) == (10, 11) and cache(1) == (10, 11) and cache(2) == (20,)
    assert reads == [1, 2]
    groups[1] = (12,)  # the process changed its groups: seen once the ttl is over
    clock.now += 0.05
    assert cache(1) == (10, 11)
    clock.now += 0.06
    assert cache(1) == (12,)
    assert reads == [1, 2, 1]
    groups[3] = ()
    assert cache(3) == ()  # over ``size``: what is out of date is dropped
    assert cache(1) == (12,) and reads == [1, 2, 1, 3]


def test_groups_of_this_process() -> None:
    assert set(CallerGroups()(os.getpid())) == set(os.getgroups())
    assert supplementary_groups(0) == ()
