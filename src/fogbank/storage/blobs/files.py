"""Large blobs in their own files: a locked temp file, fsynced, renamed into place.

The temp file lives in the tier's ``tmp/`` (same file system as ``blobs/``, so the rename
is atomic) and is locked (``flock``) by its writer until it is renamed or removed; the
sweeper removes only unlocked temp files, whose writer is gone. Writes come from threads
in order; ``abort`` may come from any thread at any time, and waits for a write in flight.
Given staging buffers, a file is written around the page cache (``direct``).
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable, Sequence

from fogbank.storage.blobs.checksums import Buffer
from fogbank.storage.blobs.direct import DirectAppend, StagePool, set_direct
from fogbank.storage.blobs.disk import TEMP_SUFFIX, Disk, fsync_dir, make_dirs, new_id
from fogbank.storage.blobs.segments import pwrite_all


class BlobFile:
    def __init__(
        self, disk: Disk, tier: str, sync_every: int = 0, stages: StagePool | None = None
    ) -> None:
        self._disk = disk
        self._tier = tier
        self._sync_every = sync_every
        self.path = disk.tmp_dir(tier) / (new_id() + TEMP_SUFFIX)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)  # a sweeper's probe holds it only briefly
        self._lock = threading.Lock()
        self.size = 0
        self._synced = 0
        self._direct: DirectAppend | None = None
        if stages is not None and set_direct(self._fd, True):
            self._direct = DirectAppend(self._fd, stages)

    def write(self, buffers: Sequence[Buffer]) -> None:
        with self._lock:
            if self._fd < 0:
                raise OSError("blob file already closed")
            if self._direct is not None:  # on the device already: no early sync
                self.size += self._direct.write(buffers)
                return
            self.size += pwrite_all(self._fd, buffers, self.size)
            if self._sync_every and self.size - self._synced >= self._sync_every:
                # Early, partial durability: the disk works while later bytes are hashed
                # (the caller's other thread), and the final fsync has only the tail left.
                os.fdatasync(self._fd)
                self._synced = self.size

    @property
    def direct(self) -> bool:
        """Whether the file is written around the page cache, through a staging buffer."""
        return self._direct is not None

    def write_made(self, size: int, make: Callable[[memoryview], int]) -> None:
        """Appends the up to ``size`` bytes ``make`` writes into the view it is given
        (returning how many): straight into the staging buffer when the file is written
        around the page cache, else into a buffer of their own."""
        with self._lock:
            if self._fd < 0:
                raise OSError("blob file already closed")
            if self._direct is not None:
                self.size += self._direct.write_made(size, make)
                return
        made = memoryview(bytearray(size))
        self.write([made[: make(made)]])

    def commit(self, blob_id: str) -> float:
        """fsync, rename to the blob's place, fsync the directory; returns the mtime."""
        with self._lock:
            if self._fd < 0:
                raise OSError("blob file already closed")
            try:
                if self._direct is not None:
                    self._direct.finish()
                os.fsync(self._fd)
                mtime = os.fstat(self._fd).st_mtime
                dest = self._disk.blob_path(self._tier, blob_id)
                make_dirs(dest.parent)
                self.path.rename(dest)
                fsync_dir(dest.parent)
            except BaseException:
                self._close_and_remove()
                raise
            os.close(self._fd)
            self._fd = -1
            return mtime

    def abort(self) -> None:
        with self._lock:
            if self._fd >= 0:
                self._close_and_remove()

    def _close_and_remove(self) -> None:
        if self._direct is not None:
            self._direct.release()
        try:
            self.path.unlink()  # while still locked: no sweeper is probing it
        except FileNotFoundError:
            pass
        finally:
            os.close(self._fd)
            self._fd = -1
