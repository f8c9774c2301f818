"""A wake-up across gateway processes: ``ring`` touches a stamp file, ``wait`` returns
when it is rung here (at once) or in another process (within one poll interval).

API calls that change mount targets ring it; the data-plane host of every process waits
on it between its periodic syncs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path


class Wake:
    def __init__(self, stamp: Path | None, poll: float = 0.1) -> None:
        self.stamp = stamp  # None: this process only
        self.poll = poll
        self._event = asyncio.Event()

    def _mtime(self) -> int:
        if self.stamp is None:
            return 0
        try:
            return self.stamp.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    async def ring(self) -> None:
        """Wake this process's waiter now, and the others' (the stamp, from a thread)."""
        self._event.set()
        if self.stamp is not None:
            await asyncio.to_thread(self._touch)

    def _touch(self) -> None:
        assert self.stamp is not None
        with contextlib.suppress(OSError):
            self.stamp.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.stamp, os.O_WRONLY | os.O_CREAT, 0o644)
            os.close(fd)
            now = time.time_ns()
            stamp = max(now, self._mtime() + 1)
            os.utime(self.stamp, ns=(stamp, stamp))

    async def wait(self, timeout: float) -> bool:
        """True when rung before ``timeout`` seconds, False on timeout."""
        start = self._mtime()
        deadline = time.monotonic() + timeout
        while True:
            if self._event.is_set():
                self._event.clear()
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._event.wait(), min(self.poll, remaining))
            if self._mtime() != start:
                self._event.clear()
                return True
