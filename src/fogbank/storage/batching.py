"""Taking what has queued up for a batch: shared by the database's group commit and the
segment appender, which both fold whatever arrived meanwhile into one durable write."""

from __future__ import annotations

import queue
from typing import TypeVar, cast

T = TypeVar("T")


def take_queued(
    source: queue.SimpleQueue[T | object], batch: list[T], limit: int, stop: object
) -> bool:
    """Move what is queued in ``source`` into ``batch`` (up to ``limit`` items in all,
    without waiting); True once ``stop`` was taken (nothing after it is)."""
    while len(batch) < limit:
        try:
            item = source.get_nowait()
        except queue.Empty:
            return False
        if item is stop:
            return True
        batch.append(cast(T, item))
    return False
