"""A change stamp: a file whose modification time says "reload what you cached".

Writers touch it after their change is committed; readers ``stat`` it (one system call,
no query) and drop what they cached when the value moved. Processes of one gateway share
the data dir, so a change made in one is seen by the next request in any other. Gateways
on other machines (sharing a PostgreSQL store) only see it through their cache's TTL.

A request looks at several caches, and at the same stamps many times; ``Rounds`` makes
one ``stat`` per stamp per request enough. Every request the process begins starts a new
round; a stamp already looked at in the current round (and less than ``MAX_AGE`` seconds
ago) is not looked at again. A change announced before a request began is therefore
still seen by that request. Work outside requests (jobs, background tasks) sees it
within ``MAX_AGE``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

MAX_AGE = 0.05  # seconds


class Rounds:
    """Counts the requests this process began (``begin``, at the edge)."""

    def __init__(self) -> None:
        self.current = 0

    def begin(self) -> None:
        self.current += 1


class StampView:
    """One process's view of a stamp file: ``(inode, mtime_ns)``, ``(0, 0)`` when absent."""

    def __init__(self, path: Path, rounds: Rounds | None = None) -> None:
        self.path = path
        self._name = str(path)  # os.stat on a str: this runs on every request
        self._rounds = rounds
        self._round = -1
        self._at = 0.0
        self._value = (0, 0)

    def read(self) -> tuple[int, int]:
        rounds = self._rounds
        if rounds is not None and self._round == rounds.current:
            now = time.monotonic()
            if now - self._at < MAX_AGE:
                return self._value
        try:
            st = os.stat(self._name)  # noqa: PTH116
            value = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            value = (0, 0)
        if rounds is not None:
            self._round, self._at, self._value = rounds.current, time.monotonic(), value
        return value

    def forget(self) -> None:
        """Look at the file on the next ``read`` (this process just changed it)."""
        self._round = -1


class ChangeStamp:
    def __init__(self, path: Path, rounds: Rounds | None = None) -> None:
        self._path = path
        self._view = StampView(path, rounds)

    def read(self) -> int:
        """The current stamp (0 when never touched)."""
        return self._view.read()[1]

    def touch(self) -> None:
        """Announce a change (blocking: a file system call; run off the event loop)."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._path, "a"):
            pass
        self._view.forget()
        ns = max(time.time_ns(), self.read() + 1)
        os.utime(self._path, ns=(ns, ns))
        self._view.forget()
