"""Whole directory listings known to this client, to answer lookups of missing names
without a round trip (as NFSv4 directory delegations allow).

A listing is known after a full readdir or for a directory this client just made, is
kept up to date by this client's own changes, and is dropped when the server reports
another client's change in that directory, or when the cache timeout passes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable


class Listings:
    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._lock = threading.Lock()
        self._names: dict[int, tuple[set[bytes], float]] = {}
        self._generation: dict[int, int] = {}

    def absent(self, ino: int, name: bytes) -> bool:
        with self._lock:
            known = self._names.get(ino)
            if known is None:
                return False
            if known[1] < time.monotonic():
                del self._names[ino]
                return False
            return name not in known[0]

    def present(self, ino: int, name: bytes) -> bool:
        """Whether the known listing of ``ino`` holds ``name`` (False if not known)."""
        with self._lock:
            known = self._names.get(ino)
            return known is not None and known[1] >= time.monotonic() and name in known[0]

    def generation(self, ino: int) -> int:
        with self._lock:
            return self._generation.get(ino, 0)

    def store(self, ino: int, names: Iterable[bytes], generation: int) -> None:
        """Keep a listing fetched while the directory's generation was ``generation``."""
        with self._lock:
            if self._generation.get(ino, 0) == generation:
                self._names[ino] = (set(names), time.monotonic() + self._timeout)

    def fresh(self, ino: int) -> None:
        with self._lock:
            self._names[ino] = (set(), time.monotonic() + self._timeout)

    def add(self, ino: int, name: bytes) -> None:
        with self._lock:
            known = self._names.get(ino)
            if known is not None:
                known[0].add(name)

    def remove(self, ino: int, name: bytes) -> None:
        with self._lock:
            known = self._names.get(ino)
            if known is not None:
                known[0].discard(name)

    def drop(self, ino: int) -> None:
        with self._lock:
            self._names.pop(ino, None)
            self._generation[ino] = self._generation.get(ino, 0) + 1
