"""Feeding hashlib on the event loop without handing the GIL away.

hashlib releases the GIL for an update of 2048 bytes or more (``HASHLIB_GIL_MINSIZE``).
On the event loop, for a few kilobytes, that release only lets another thread take the
GIL for microseconds of hashing, and the loop then waits to get it back (a context
switch each way, and up to the switch interval when the other thread runs Python).
``update_holding_gil`` feeds the same bytes in pieces hashlib hashes holding it: the
digest is the same.
"""

from __future__ import annotations

from typing import Protocol

GIL_KEPT = 2047
"""The largest update hashlib makes without releasing the GIL."""

Buffer = bytes | bytearray | memoryview


class Updatable(Protocol):
    def update(self, data: Buffer, /) -> None: ...


def update_holding_gil(h: Updatable, data: Buffer) -> None:
    """``h.update(data)`` in pieces of at most ``GIL_KEPT`` bytes (for small data)."""
    if len(data) <= GIL_KEPT:
        h.update(data)
        return
    with memoryview(data) as view:
        for at in range(0, len(view), GIL_KEPT):
            h.update(view[at : at + GIL_KEPT])
