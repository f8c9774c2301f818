"""Advisory locks held in the data-plane server, so they hold across every client.

flock locks are whole-file and belong to an open file description; POSIX (fcntl)
byte-range locks belong to a process (``lock_owner`` from the kernel). Both kinds are
keyed by the session so that a client's locks go away with it. Blocking requests wait
here; a waiter is woken whenever a lock on the inode is released.
"""

from __future__ import annotations

import asyncio
import errno
from collections import defaultdict
from dataclasses import dataclass

from fogbank.services.efs.fs.model import FsError

F_RDLCK, F_WRLCK, F_UNLCK = 0, 1, 2
OFFSET_MAX = (1 << 63) - 1
Owner = tuple[str, int]  # (session id, lock owner / file handle)


@dataclass(frozen=True)
class Lock:
    owner: Owner
    start: int
    end: int  # inclusive
    type: int
    pid: int
    flock: bool

    def conflicts(self, owner: Owner, start: int, end: int, type_: int, flock: bool) -> bool:
        if self.owner == owner or self.flock != flock:
            return False
        if self.type == F_RDLCK and type_ == F_RDLCK:
            return False
        return self.start <= end and start <= self.end


class LockTable:
    def __init__(self) -> None:
        self._locks: dict[int, list[Lock]] = defaultdict(list)
        self._changed: dict[int, asyncio.Event] = {}

    def test(
        self, ino: int, owner: Owner, start: int, end: int, type_: int, flock: bool
    ) -> Lock | None:
        for lock in self._locks.get(ino, ()):
            if lock.conflicts(owner, start, end, type_, flock):
                return lock
        return None

    async def acquire(
        self,
        ino: int,
        owner: Owner,
        start: int,
        end: int,
        type_: int,
        pid: int,
        flock: bool,
        wait: bool,
    ) -> None:
        if type_ == F_UNLCK:
            self._remove(ino, owner, start, end, flock)
            return
        while self.test(ino, owner, start, end, type_, flock) is not None:
            if not wait:
                raise FsError(errno.EAGAIN)
            event = self._changed.setdefault(ino, asyncio.Event())
            await event.wait()
        self._remove(ino, owner, start, end, flock, notify=False)
        self._locks[ino].append(Lock(owner, start, end, type_, pid, flock))
        if type_ == F_RDLCK:
            self._notify(ino)  # a downgrade may let readers in

    def _remove(
        self, ino: int, owner: Owner, start: int, end: int, flock: bool, notify: bool = True
    ) -> None:
        kept: list[Lock] = []
        for lock in self._locks.get(ino, ()):
            if lock.owner != owner or lock.flock != flock or lock.end < start or lock.start > end:
                kept.append(lock)
                continue
            if lock.start < start:
                kept.append(Lock(owner, lock.start, start - 1, lock.type, lock.pid, flock))
            if lock.end > end:
                kept.append(Lock(owner, end + 1, lock.end, lock.type, lock.pid, flock))
        if kept:
            self._locks[ino] = kept
        else:
            self._locks.pop(ino, None)
        if notify:
            self._notify(ino)

    def _notify(self, ino: int) -> None:
        event = self._changed.pop(ino, None)
        if event is not None:
            event.set()

    def release_owner(self, ino: int, owner: Owner, flock: bool) -> None:
        self._remove(ino, owner, 0, OFFSET_MAX, flock)

    def drop_session(self, session: str) -> None:
        for ino in list(self._locks):
            before = self._locks[ino]
            after = [lock for lock in before if lock.owner[0] != session]
            if len(after) != len(before):
                if after:
                    self._locks[ino] = after
                else:
                    del self._locks[ino]
                self._notify(ino)
