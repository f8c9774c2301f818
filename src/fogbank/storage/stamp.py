"""A change stamp: a counter that says "reload what you cached", shared by every process
of a gateway through a small file in the data dir that each of them maps into memory.

Writers move the counter after their change is committed; readers compare it with the
value they cached against and drop what they cached when it moved. Reading is a load
from shared memory (no system call, no query), so a cache may look at its stamp on every
lookup: a change committed in one process is seen by the next request any process begins
(and by requests under way, from their next lookup). Gateways on other machines (sharing
a PostgreSQL store) only see it through their caches' TTL.

The counter is an aligned 8-byte word at the start of the file; writers move it under an
exclusive ``flock`` of the file (read, add one, write), so two changes never leave it at
the same value. A file left by an older fogbank (empty: its mtime was the stamp) is grown
to 8 bytes on first use.
"""

from __future__ import annotations

import fcntl
import mmap
import os
from pathlib import Path

_SIZE = 8


def _open(path: Path) -> int:
    """A read-write descriptor of the stamp file, at least ``_SIZE`` bytes long."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        if os.fstat(fd).st_size < _SIZE:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_size < _SIZE:  # another process may have grown it meanwhile
                os.ftruncate(fd, _SIZE)
            fcntl.flock(fd, fcntl.LOCK_UN)
    except BaseException:
        os.close(fd)
        raise
    return fd


class StampView:
    """One process's view of a stamp file: the shared counter (0 until first moved)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._word: memoryview | None = None

    def _map(self) -> memoryview:
        fd = _open(self.path)
        try:
            mapped = mmap.mmap(fd, _SIZE, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        finally:
            os.close(fd)  # the mapping keeps the file
        self._word = memoryview(mapped).cast("Q")
        return self._word

    def read(self) -> int:
        word = self._word
        if word is None:
            word = self._map()
        return word[0]

    def bump(self) -> int:
        """Move the counter (blocking: a lock on the file); returns the new value."""
        word = self._word if self._word is not None else self._map()
        # A descriptor of our own for the lock: flock locks belong to an open file
        # description, which a forked process would share with us.
        fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            value: int = word[0] + 1
            word[0] = value
        finally:
            os.close(fd)  # releases the lock
        return value


class ChangeStamp:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._view = StampView(path)

    def read(self) -> int:
        """The current stamp (0 when never touched)."""
        return self._view.read()

    def touch(self) -> None:
        """Announce a change (blocking: a file lock; run off the event loop)."""
        self._view.bump()
