"""Cache invalidations pushed to the kernel: other clients' changes, as the server
reports them (FUSE_NOTIFY_INVAL_ENTRY / FUSE_NOTIFY_INVAL_INODE).

Notifications are written from a thread of their own: the kernel may have to wait for
a directory lock held by a request that one of our workers is still answering.
"""

from __future__ import annotations

import errno
import logging
import os
import queue
import struct
import threading
from collections.abc import Callable

from fogbank.mount import kernel as k

log = logging.getLogger(__name__)
NOTIFY_INVAL_INODE = 2
NOTIFY_INVAL_ENTRY = 3
_INVAL_INODE = struct.Struct("=Qqq")  # ino, offset, length (0, 0: attributes and all data)
_INVAL_ENTRY = struct.Struct("=QII")  # parent, namelen, flags

Event = tuple[str, int, bytes]  # ("i", nodeid, b"") or ("e", parent nodeid, name)


class Notifier:
    def __init__(self, fd: int, to_kernel_id: Callable[[int], int]) -> None:
        self.fd = fd
        self._kid = to_kernel_id
        self._queue: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="fuse-notify", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._queue.put(None)

    def push(self, event: Event) -> None:
        self._queue.put(event)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = {first}
            while True:  # coalesce a burst (e.g. one event per written block)
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    return
                batch.add(nxt)
            for kind, ino, name in batch:
                if kind == "e":
                    payload = _INVAL_ENTRY.pack(self._kid(ino), len(name), 0) + name + b"\0"
                    self._send(NOTIFY_INVAL_ENTRY, payload)
                else:
                    self._send(NOTIFY_INVAL_INODE, _INVAL_INODE.pack(self._kid(ino), 0, 0))

    def _send(self, code: int, payload: bytes) -> None:
        head = k.OUT_HEADER.pack(k.OUT_HEADER.size + len(payload), code, 0)
        try:
            os.writev(self.fd, [head, payload])
        except OSError as exc:  # ENOENT: the kernel does not have it cached
            if exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ENODEV):
                log.warning("FUSE notification %d failed: %s", code, exc)
