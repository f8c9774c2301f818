"""Taking what has queued up for a batch: shared by the database's group commit and the
segment appender, which both fold whatever arrived meanwhile into one durable write."""

from __future__ import annotations

import queue
import time
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


def gather(
    source: queue.SimpleQueue[T | object],
    first: T,
    *,
    limit: int,
    stop: object,
    window_s: float,
    together: bool,
) -> tuple[list[T], bool]:
    """The batch that ``first`` begins, and whether ``stop`` was taken.

    It holds what is queued behind ``first`` and, while items arrive together (the last
    batch held several, ``together``, or some are queued now), what arrives within
    ``window_s`` more: they then share one flush of the disk. A lone item waits for
    nothing. The caller sleeps rather than waits on the queue, so an item queued meanwhile
    wakes nobody (a wake-up would cost its producer a futex call, once per item). The wait
    comes before anything is written: no item is visible or acknowledged before the flush
    that covers it."""
    batch = [first]
    stopped = take_queued(source, batch, limit, stop)
    if window_s > 0 and not stopped and len(batch) < limit and (together or len(batch) > 1):
        time.sleep(window_s)
        stopped = take_queued(source, batch, limit, stop)
    return batch, stopped
