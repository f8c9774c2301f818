"""asyncio locks by key, created on demand and dropped when nobody holds or waits."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable, Iterable


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, keys: Iterable[Hashable]) -> AsyncIterator[None]:
        """Hold every key's lock; callers pass keys in one global order (no deadlock)."""
        taken: list[tuple[Hashable, bool]] = []
        try:
            for key in keys:
                lock, users = self._locks.get(key, (asyncio.Lock(), 0))
                self._locks[key] = (lock, users + 1)
                taken.append((key, False))
                await lock.acquire()
                taken[-1] = (key, True)
            yield
        finally:
            for key, acquired in reversed(taken):
                lock, users = self._locks[key]
                if acquired:
                    lock.release()
                if users <= 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)
