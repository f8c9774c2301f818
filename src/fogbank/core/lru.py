"""A bounded, thread-safe least-recently-used map (for values that are costly to make
again, such as opened keys)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("an LRU map holds at least one entry")
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:  # never the values: they may be secrets
        return f"Lru({len(self._items)}/{self._size})"

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        """The value held for ``key``, or ``make()``'s (held from now on). ``make`` runs
        outside the lock; if it raises, nothing is held."""
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        value = make()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value
