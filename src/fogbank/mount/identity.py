"""The calling process's supplementary groups, which FUSE requests do not carry."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


def supplementary_groups(pid: int) -> tuple[int, ...]:
    """One ``read`` of /proc/PID/status (under 4 KiB) and a search for its ``Groups:``
    line (``CallerGroups`` keeps them for a moment: a process may change its groups)."""
    if pid <= 0:
        return ()
    try:
        fd = os.open(f"/proc/{pid}/status", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return ()
    try:
        status = os.read(fd, 16384)
    except OSError:
        return ()
    finally:
        os.close(fd)
    start = status.find(b"\nGroups:")
    if start < 0:
        return ()
    end = status.find(b"\n", start + 8)
    return tuple(int(g) for g in status[start + 8 : end if end >= 0 else None].split())


class CallerGroups:
    """``supplementary_groups`` by pid, each read kept for ``ttl`` seconds: a burst of
    requests from one process (an ``rm -r``, an untar) reads /proc once per ``ttl``, not
    once per request (about 30 µs each). A process that changes its groups is seen
    within ``ttl``; the kernel checks each request with the caller's current
    credentials before it reaches the client (``default_permissions``)."""

    def __init__(
        self,
        ttl: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        read: Callable[[int], tuple[int, ...]] = supplementary_groups,
        size: int = 256,
    ) -> None:
        self._ttl = ttl
        self._clock = clock
        self._read = read
        self._size = size
        self._lock = threading.Lock()
        self._known: dict[int, tuple[float, tuple[int, ...]]] = {}  # pid -> (until, groups)

    def __call__(self, pid: int) -> tuple[int, ...]:
        now = self._clock()
        with self._lock:
            known = self._known.get(pid)
        if known is not None and known[0] > now:
            return known[1]
        groups = self._read(pid)
        with self._lock:
            if len(self._known) >= self._size:
                self._known = {p: k for p, k in self._known.items() if k[0] > now}
            self._known[pid] = (now + self._ttl, groups)
        return groups
