"""State and helpers shared by the FUSE request handlers (``ops``, ``ops_files``)."""

from __future__ import annotations

import errno
import itertools
import stat
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import NamedTuple

from fogbank.mount import replies
from fogbank.mount.files import OpenFile
from fogbank.mount.identity import CallerGroups
from fogbank.mount.listings import Listings
from fogbank.services.efs.fs.model import Attr, Change, FsError
from fogbank.services.efs.rpc import codec
from fogbank.services.efs.rpc.client import RpcClient
from fogbank.services.efs.rpc.wire import Value, as_bytes, as_int, as_list


class Request(NamedTuple):
    """One FUSE request (a named tuple: made for every request, ~8x cheaper than a
    frozen dataclass)."""

    opcode: int
    unique: int
    nodeid: int
    uid: int
    gid: int
    pid: int
    body: bytes  # a memoryview into the read buffer for WRITE


@dataclass
class DirHandle:
    server_fh: int
    ino: int
    entries: list[tuple[bytes, int, int]] | None = None


def _name(body: bytes) -> bytes:
    return body.split(b"\0", 1)[0]


class OpsBase:
    def __init__(self, rpc: RpcClient, root_ino: int, timeout: float = 1.0) -> None:
        self.rpc = rpc
        self.groups = CallerGroups()  # the callers' supplementary groups
        self.root_ino = root_ino
        self.timeout = timeout
        self._lock = threading.Lock()
        self._fh = itertools.count(1)
        self.files: dict[int, OpenFile] = {}
        self.dirs: dict[int, DirHandle] = {}
        self._waits: dict[int, Future[Value]] = {}
        self._seen: dict[int, tuple[int, int]] = {}  # ino -> (mtime, size) at last open
        # Directories' attributes as the server last reported them (after our own
        # changes too), so the kernel's re-reads after each create/unlink need no trip.
        self._dirs: dict[int, tuple[Attr, float]] = {}
        self.invalidate: Callable[[str, int, bytes], None] = lambda kind, ino, name: None
        self.listings = Listings(timeout)
        self._locked: set[int] = set()  # inodes this client has taken POSIX locks on

    # -- helpers ------------------------------------------------------------------

    def sino(self, nodeid: int) -> int:
        return self.root_ino if nodeid == 1 else nodeid

    def kid(self, ino: int) -> int:
        return 1 if ino == self.root_ino else ino

    def ctx(self, r: Request) -> list[Value]:
        return [r.uid, r.gid, list(self.groups(r.pid))]

    def _open_files(self, ino: int) -> list[OpenFile]:
        with self._lock:
            return [f for f in self.files.values() if f.ino == ino]

    def _pending_size(self, ino: int) -> int | None:
        ends = [f.written_end for f in self._open_files(ino) if f.dirty]
        return max(ends) if ends else None

    def _size(self, attr: Attr) -> int:
        pending = self._pending_size(attr.ino)
        return attr.size if pending is None else max(attr.size, pending)

    def _flush_ino(self, ino: int) -> None:
        for f in self._open_files(ino):
            if f.dirty:
                f.flush()

    def _remember(self, attr: Attr) -> None:
        if stat.S_ISDIR(attr.mode):
            with self._lock:
                self._dirs[attr.ino] = (attr, time.monotonic() + self.timeout)

    def _entry(self, v: Value) -> bytes:
        attr = codec.attr_in(v)
        self._remember(attr)
        return replies.entry(attr, self.kid(attr.ino), self.timeout, self._size(attr))

    def _attr(self, v: Value) -> bytes:
        attr = codec.attr_in(v)
        self._remember(attr)
        return replies.attr_out(attr, self.kid(attr.ino), self.timeout, self._size(attr))

    def _change(self, v: Value) -> Change:
        change = codec.change_in(v)
        for d in change.dirs:
            self._remember(d)
        if change.attr is not None:
            self._remember(change.attr)  # e.g. a removed directory now has no links
        return change

    def on_notify(self, value: Value) -> None:
        """The server says another client changed these: drop them here and in the kernel."""
        for item in as_list(value):
            kind, ino, *rest = as_list(item)
            ino = as_int(ino)
            with self._lock:
                self._dirs.pop(ino, None)
                self._seen.pop(ino, None)
            self.listings.drop(ino)
            if kind == "i":
                for f in self._open_files(ino):
                    f.drop_cache()
                self.invalidate("i", ino, b"")
            else:
                self.invalidate("e", ino, as_bytes(rest[0]))

    def _file(self, fh: int) -> OpenFile:
        with self._lock:
            f = self.files.get(fh)
        if f is None:
            raise FsError(errno.EBADF)
        return f
