"""A change stamp: a file whose modification time says "reload what you cached".

Writers touch it after their change is committed; readers ``stat`` it (one system call,
no query) and drop what they cached when the value moved. Processes of one gateway share
the data dir, so a change made in one is seen by the next request in any other. Gateways
on other machines (sharing a PostgreSQL store) only see it through their cache's TTL.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


class ChangeStamp:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._name = str(path)  # os.stat on a str: this runs once per request

    def read(self) -> int:
        """The current stamp (0 when never touched)."""
        try:
            return os.stat(self._name).st_mtime_ns  # noqa: PTH116
        except FileNotFoundError:
            return 0

    def touch(self) -> None:
        """Announce a change (blocking: a file system call; run off the event loop)."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with open(self._path, "a"):
            pass
        ns = max(time.time_ns(), self.read() + 1)
        os.utime(self._path, ns=(ns, ns))
