"""A change counter for rules and memberships, seen at once in this process and within
microseconds in the others (a stamp file's mtime, ``stat``-ed per check).

Admission caches compiled rules keyed by this version: any rule, group or membership
change bumps it, so the next connection sees the change.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path


class ChangeSignal:
    def __init__(self, stamp: Path | None) -> None:
        self.stamp = stamp  # None: this process only (tests, tools)
        self._local = 0

    def _mtime(self) -> int:
        if self.stamp is None:
            return 0
        try:
            return self.stamp.stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def version(self) -> tuple[int, int]:
        """Changes here, and the stamp other processes touch."""
        return self._local, self._mtime()

    def bump_local(self) -> None:
        self._local += 1

    def touch(self) -> None:
        """Announce a change to other processes (blocking: a metadata write; use a thread)."""
        if self.stamp is None:
            return
        with contextlib.suppress(OSError):
            self.stamp.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.stamp, os.O_WRONLY | os.O_CREAT, 0o644)
            os.close(fd)
            now = time.time_ns()
            stamp = max(now, self._mtime() + 1)
            os.utime(self.stamp, ns=(stamp, stamp))
