"""A wake-up across processes: ``ring`` touches a stamp file, ``wait`` watches it.

API handlers may run in any gateway process while the supervisor runs in the primary;
the handler writes its request to the store and rings, the supervisor wakes at once when
it shares the process and within one poll interval otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path


class Doorbell:
    def __init__(self, stamp: Path, poll: float = 0.02) -> None:
        self.stamp = stamp
        self.poll = poll
        self._waiters: set[asyncio.Event] = set()

    def _mtime(self) -> int:
        try:
            return self.stamp.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def stamp_time(self) -> int:
        """When it was last rung (0: never): compare two readings to see a ring."""
        return self._mtime()

    def ring(self) -> None:
        self.stamp.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            fd = os.open(self.stamp, os.O_WRONLY | os.O_CREAT, 0o644)
            os.close(fd)
            now = time.time_ns()
            os.utime(self.stamp, ns=(now, max(now, self._mtime() + 1)))
        for event in list(self._waiters):
            event.set()

    async def wait(self, timeout: float) -> bool:
        """True when rung (here or in another process) before ``timeout`` seconds."""
        event = asyncio.Event()
        self._waiters.add(event)
        try:
            start = self._mtime()
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), min(self.poll, remaining))
                if event.is_set() or self._mtime() != start:
                    return True
        finally:
            self._waiters.discard(event)
