"""Pipelined creates and unlinks: what the mount client tracks while the server has not
yet answered changes it has already acknowledged to the kernel.

A regular file's create (or unlink) is answered at once when this client knows the
directory's whole listing (the name is not in it, or is) and its attributes, and the
kernel has checked the caller's permissions as the server will. The new file's and the
directory's attributes are made here: the inode number from a block this client reserved
(``RESERVE``), owner and mode by the server's rules (``perms.new_owner``), and a time this
client proposes and sends along (the server uses it when it is within a second of its own
clock, so both agree). Any other request waits for every pipelined one to be answered
(``RpcClient.pipeline``), so nothing overtakes them. An error the server returns later is
kept for the directory and reported by the next ``fsync`` of it; the directory's cached
listing and attributes are dropped and the kernel told to forget the name.
"""

from __future__ import annotations

import itertools
import threading
import time

from fogbank.services.efs.fs.model import Attr, FsError
from fogbank.services.efs.rpc.session import CLIENT_FH


class Pipelined:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # The server's clock minus this client's (nanoseconds), learnt from replies;
        # None until the first synchronous unlink: nothing is pipelined before.
        self.offset_ns: int | None = None
        self._in_flight: dict[int, int] = {}  # directory -> unanswered changes in it
        self._newest: dict[int, Attr] = {}  # directory -> newest attributes in replies
        self._errors: dict[int, FsError] = {}  # directory -> first error not yet reported
        self._inos: list[int] = []  # reserved inode numbers not used yet (taken from the end)
        self._fh = itertools.count(CLIENT_FH)

    def take_ino(self) -> int | None:
        with self._lock:
            return self._inos.pop() if self._inos else None

    def add_inos(self, first: int, count: int) -> None:
        with self._lock:
            self._inos.extend(range(first + count - 1, first - 1, -1))

    def next_fh(self) -> int:
        with self._lock:
            return next(self._fh)

    def learn(self, sent_ns: int, stamped: Attr) -> None:
        """A reply to a change (an unlink or a create) sent at ``sent_ns`` (this client's
        clock) that left the directory with these attributes: the server's clock, as
        this client's plus an offset."""
        self.offset_ns = stamped.mtime_ns - sent_ns

    def stamp(self, previous: Attr) -> int | None:
        """The time to give a change in a directory now: the server's clock as best
        known, never before the directory's last change."""
        offset = self.offset_ns
        if offset is None:
            return None
        return max(time.time_ns() + offset, previous.ctime_ns + 1, previous.mtime_ns + 1)

    def begin(self, parent: int) -> None:
        with self._lock:
            self._in_flight[parent] = self._in_flight.get(parent, 0) + 1

    def end(self, parent: int, reported: Attr | None) -> Attr | None:
        """One change in ``parent`` answered (``reported``: the directory's attributes in
        the reply). Returns the newest reported attributes once none is left in flight."""
        with self._lock:
            if reported is not None:
                known = self._newest.get(parent)
                if known is None or reported.ctime_ns >= known.ctime_ns:
                    self._newest[parent] = reported
            left = self._in_flight.get(parent, 1) - 1
            if left > 0:
                self._in_flight[parent] = left
                return None
            self._in_flight.pop(parent, None)
            return self._newest.pop(parent, None)

    def fail(self, parent: int, error: FsError) -> None:
        with self._lock:
            self._errors.setdefault(parent, error)

    def take_error(self, parent: int) -> FsError | None:
        with self._lock:
            return self._errors.pop(parent, None)
