"""Reusable byte buffers for whole reads (a megabyte at a time): no allocation and no
zero-filling per read.

A buffer is lent again only when nothing but the pool refers to it. Whoever keeps the
bytes (an event loop's transport holding a write it could not finish, a memoryview, a
list of chunks) keeps a reference, and the buffer stays theirs until they drop it: a
reader never overwrites bytes that are still to be sent. Only ``len(pool)`` buffers are
ever kept; when all are in use a fresh one is made and left to the garbage collector.
"""

from __future__ import annotations

import sys
import threading


class BufferPool:
    def __init__(self, size: int, count: int) -> None:
        if size < 1 or count < 1:
            raise ValueError("a buffer pool holds at least one buffer of at least one byte")
        self.size = size
        self._buffers: list[bytearray] = []
        self._count = count
        self._lock = threading.Lock()
        # The references a buffer has when only the pool holds it, measured the way
        # ``take`` looks (the list, the loop variable, getrefcount's argument).
        probe = [bytearray(1)]
        self._free_refs = min(sys.getrefcount(b) for b in probe)

    def __len__(self) -> int:
        return len(self._buffers)

    def take(self) -> bytearray:
        """A buffer of ``size`` bytes (its contents are whatever was there before) that
        nobody else refers to."""
        with self._lock:
            for buf in self._buffers:
                if sys.getrefcount(buf) <= self._free_refs:
                    return buf
            buf = bytearray(self.size)
            if len(self._buffers) < self._count:
                self._buffers.append(buf)
            return buf
