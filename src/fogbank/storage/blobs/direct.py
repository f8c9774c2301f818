"""A large blob's file written around the page cache (``O_DIRECT``).

Writing a large object through the page cache costs a copy of every byte into freshly
allocated cache pages (on a virtual machine whose host reclaims the guest's free memory,
a fault on the host for each of them too), and the pages then compete with everything
else for memory. A blob file is written once, front to back, and then only read, so its
whole blocks go straight to the device from one reused, page-aligned staging buffer; the
last partial block is written through the page cache when the blob is complete (the file
is fsynced after, as before, so durability is the same).

``O_DIRECT`` wants offsets, lengths and memory aligned to the device's logical block
(512 bytes or 4 KiB): everything here is aligned to 4 KiB. A file system that refuses
``O_DIRECT`` (at ``fcntl`` or at the first write), or a write that comes back short,
turns the file back to ordinary writes for the rest of it: the bytes are the same either
way.
"""

from __future__ import annotations

import errno
import fcntl
import mmap
import os
import threading
from collections.abc import Callable, Sequence

from fogbank.storage.blobs.checksums import Buffer

ALIGN = 4096
STAGE_SIZE = 2 * 1024 * 1024
_O_DIRECT = getattr(os, "O_DIRECT", 0)

Pwrite = Callable[[int, Buffer, int], int]


class StagePool:
    """Page-aligned staging buffers (anonymous memory maps), lent to one file at a time
    and kept for the next: no fresh memory per write."""

    def __init__(self, size: int = STAGE_SIZE, keep: int = 8) -> None:
        if size < ALIGN or size % ALIGN:
            raise ValueError(f"a staging buffer is a positive multiple of {ALIGN} bytes")
        self.size = size
        self._keep = keep
        self._free: list[mmap.mmap] = []
        self._lock = threading.Lock()

    def take(self) -> mmap.mmap:
        with self._lock:
            if self._free:
                return self._free.pop()
        return mmap.mmap(-1, self.size)

    def give(self, stage: mmap.mmap) -> None:
        with self._lock:
            if len(self._free) < self._keep:
                self._free.append(stage)
                return
        stage.close()


def set_direct(fd: int, on: bool) -> bool:
    """Turn ``O_DIRECT`` on or off for ``fd``; False if the file system refuses."""
    if not _O_DIRECT:
        return False
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    try:
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | _O_DIRECT if on else flags & ~_O_DIRECT)
    except OSError as exc:
        if exc.errno == errno.EINVAL:
            return False
        raise
    return True


class DirectAppend:
    """Appends to a file (from offset 0) opened with ``O_DIRECT`` on: whole blocks as they
    fill the staging buffer, the rest at ``finish``. Not thread-safe (the blob file's lock
    serialises its callers)."""

    def __init__(self, fd: int, stages: StagePool, pwrite: Pwrite = os.pwrite) -> None:
        self._fd = fd
        self._stages = stages
        self._pwrite = pwrite
        self._stage: mmap.mmap | None = stages.take()
        self._view = memoryview(self._stage)
        self._filled = 0
        self._direct = True
        self.written = 0  # bytes in the file

    def write(self, buffers: Sequence[Buffer]) -> int:
        """Takes every byte of ``buffers``; returns how many."""
        taken = 0
        cap = len(self._view)
        for buf in buffers:
            src = memoryview(buf).cast("B")
            pos = 0
            while pos < len(src):
                n = min(len(src) - pos, cap - self._filled)
                self._view[self._filled : self._filled + n] = src[pos : pos + n]
                self._filled += n
                pos += n
                if self._filled == cap:
                    self._flush_blocks()
            taken += len(src)
        self._flush_blocks()
        return taken

    def write_made(self, size: int, make: Callable[[memoryview], int]) -> int:
        """Has ``make`` put up to ``size`` bytes straight after those the staging buffer
        holds (bytes made on the way, such as sealed chunks: not made elsewhere and
        copied in); returns how many it put."""
        if self._filled + size > len(self._view):
            self._flush_blocks()
        if self._filled + size > len(self._view):  # bigger than a stage: made aside
            made = memoryview(bytearray(size))
            return self.write([made[: make(made)]])
        with self._view[self._filled : self._filled + size] as target:
            n = make(target)
        self._filled += n
        self._flush_blocks()
        return n

    def finish(self) -> None:
        """Writes what is left (less than a block, through the page cache) and gives the
        staging buffer back."""
        if self._filled:
            if self._direct:
                set_direct(self._fd, False)
                self._direct = False
            self._write_out(self._filled)
        self.release()

    def release(self) -> None:
        if self._stage is not None:
            self._view.release()
            self._stages.give(self._stage)
            self._stage = None

    def _flush_blocks(self) -> None:
        whole = self._filled if not self._direct else self._filled - self._filled % ALIGN
        if not whole:
            return
        self._write_out(whole)
        rest = self._filled - whole
        if rest:  # less than a block, after at least one: the two ranges never overlap
            self._view[:rest] = self._view[whole : self._filled]
        self._filled = rest

    def _write_out(self, length: int) -> None:
        done = 0
        while done < length:
            try:
                n = self._pwrite(self._fd, self._view[done:length], self.written)
            except OSError as exc:
                # Refused (a file system without O_DIRECT, or an offset a short write
                # left unaligned): the rest goes through the page cache.
                if exc.errno != errno.EINVAL or not self._direct:
                    raise
                set_direct(self._fd, False)
                self._direct = False
                continue
            if n <= 0:
                raise OSError(errno.EIO, "write made no progress")
            done += n
            self.written += n
