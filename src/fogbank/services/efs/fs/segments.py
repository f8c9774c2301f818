"""Block storage in append-only segment files under ``<data-dir>/efs/<fs>/<class>/``.

Blocks are appended to the process's active segment of a file system and storage class
(a new segment per process start and every 256 MiB), so that streaming writes land on
disk sequentially and one ``fdatasync`` makes many blocks durable. A block's key names
its segment, offset and length. Bytes are made durable before the metadata that points
at them commits (``put(sync=True)``), or, for streaming writes, on the client's
fsync/close (``sync_keys``) with each block checksummed in its metadata row, so a block
lost in a crash reads as an error, never as wrong data.

Space: a segment is deleted once all its blocks are dead (counted here as blocks are
freed; a restart forgets the count, and ``reclaim`` sweeps with the live set from the
metadata). Partly dead segments are not compacted yet.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fogbank.services.efs.fs.model import INFREQUENT_ACCESS, STANDARD

SEGMENT_MAX = 256 << 20
_SETTLE_S = 60.0
_KICK_EVERY = 8 << 20
_READ_AHEAD = 8 << 20
_SYNC_FILE_RANGE_WRITE = 2


@functools.cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _start_writeback(fd: int, offset: int, length: int) -> None:
    """sync_file_range(SYNC_FILE_RANGE_WRITE): queue the range for writing, don't wait."""
    _libc().sync_file_range(
        fd, ctypes.c_int64(offset), ctypes.c_int64(length), _SYNC_FILE_RANGE_WRITE
    )


_SETTLE_S = 60.0


@dataclass
class _Segment:
    name: str
    path: Path
    fd: int
    size: int = 0
    dirty_dir: bool = True
    dead: int = 0
    sealed: bool = False
    sealed_at: float = 0.0
    kicked: int = 0  # written-back start requested up to here (sync_file_range)
    lock: threading.Lock = field(default_factory=threading.Lock)


def parse_key(key: str) -> tuple[str, int, int]:
    name, offset, length = key.split(".")
    return name, int(offset, 16), int(length, 16)


class SegmentBlockStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._active: dict[tuple[str, str], _Segment] = {}
        self._known: dict[tuple[str, str], _Segment] = {}  # (fs_id, segment name)

    def _folder(self, fs_id: str, storage_class: str) -> Path:
        return self.root / fs_id / storage_class

    def _new_segment(self, fs_id: str, storage_class: str) -> _Segment:
        folder = self._folder(fs_id, storage_class)
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            _fsync_dir(folder.parent)
            _fsync_dir(folder.parent.parent)
        name = secrets.token_hex(8)
        path = folder / f"{name}.seg"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        seg = _Segment(name, path, fd)
        self._known[(fs_id, name)] = seg
        return seg

    def put(
        self,
        fs_id: str,
        data: bytes | memoryview,
        storage_class: str = STANDARD,
        sync: bool = True,
    ) -> str:
        with self._lock:
            seg = self._active.get((fs_id, storage_class))
            if seg is None or seg.size + len(data) > SEGMENT_MAX:
                if seg is not None:
                    seg.sealed, seg.sealed_at = True, time.monotonic()
                seg = self._new_segment(fs_id, storage_class)
                self._active[(fs_id, storage_class)] = seg
            offset = seg.size
            seg.size += len(data)
        view = memoryview(data)
        pos = offset
        while view:
            n = os.pwrite(seg.fd, view, pos)
            view, pos = view[n:], pos + n
        key = f"{seg.name}.{offset:x}.{len(data):x}"
        if sync:
            self._sync(seg)
        elif pos - seg.kicked >= _KICK_EVERY:
            # Start writing back what streamed in so far, so that the fsync at close
            # finds little left to do (the disk works while data still arrives).
            start, seg.kicked = seg.kicked, pos
            _start_writeback(seg.fd, start, pos - start)
        return key

    def _sync(self, seg: _Segment) -> None:
        with seg.lock:
            os.fdatasync(seg.fd)
            if seg.dirty_dir:
                _fsync_dir(seg.path.parent)
                seg.dirty_dir = False

    def sync_keys(self, fs_id: str, keys: Iterable[str]) -> None:
        names = {parse_key(k)[0] for k in keys}
        for name in names:
            seg = self._known.get((fs_id, name))
            if seg is not None:
                self._sync(seg)

    def get(self, fs_id: str, key: str, storage_class: str = STANDARD) -> bytes:
        name, offset, length = parse_key(key)
        seg = self._known.get((fs_id, name))
        if seg is not None:
            data = os.pread(seg.fd, length, offset)
            # Blocks of a file sit one after another: have the disk read on ahead.
            os.posix_fadvise(seg.fd, offset + length, _READ_AHEAD, os.POSIX_FADV_WILLNEED)
            return data
        other = INFREQUENT_ACCESS if storage_class == STANDARD else STANDARD
        for cls in (storage_class, other):
            try:
                fd = os.open(self._folder(fs_id, cls) / f"{name}.seg", os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                return os.pread(fd, length, offset)
            finally:
                os.close(fd)
        raise FileNotFoundError(f"segment {fs_id}/{name} is missing")

    def delete(self, fs_id: str, keys: Iterable[str]) -> None:
        for key in keys:
            name, _, length = parse_key(key)
            with self._lock:
                seg = self._known.get((fs_id, name))
                if seg is None:
                    continue
                seg.dead += length
                if seg.sealed and seg.dead >= seg.size:
                    del self._known[(fs_id, name)]
                    os.close(seg.fd)
                    with contextlib.suppress(FileNotFoundError):
                        seg.path.unlink()

    def move(self, fs_id: str, key: str, src: str, dst: str) -> str:
        """Copy a block into the other class's segments; returns its new key."""
        data = self.get(fs_id, key, src)
        new = self.put(fs_id, data, dst, sync=True)
        self.delete(fs_id, [key])
        return new

    def reclaim(self, fs_id: str, live: set[str]) -> int:
        """Delete segments that hold no live block (``live``: segment names in use).

        Run it only in the process that serves the file system: a segment this process
        is writing, or sealed less than a minute ago (writes into it may still be on
        their way to the metadata), is kept."""
        removed = 0
        for cls in (STANDARD, INFREQUENT_ACCESS):
            folder = self._folder(fs_id, cls)
            if not folder.is_dir():
                continue
            for path in folder.glob("*.seg"):
                name = path.stem
                with self._lock:
                    active = any(s.name == name for (f, _), s in self._active.items() if f == fs_id)
                    if name in live or active:
                        continue
                    seg = self._known.get((fs_id, name))
                    if seg is not None and time.monotonic() - seg.sealed_at < _SETTLE_S:
                        continue
                    self._known.pop((fs_id, name), None)
                if seg is not None:
                    os.close(seg.fd)
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        return removed

    def drop(self, fs_id: str) -> None:
        with self._lock:
            for (f, name), seg in list(self._known.items()):
                if f == fs_id:
                    os.close(seg.fd)
                    del self._known[(f, name)]
            for cls_key in [k for k in self._active if k[0] == fs_id]:
                del self._active[cls_key]
        shutil.rmtree(self.root / fs_id, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
