"""Open files on the client: write-back buffering and read-ahead in large blocks.

Writes are acknowledged to the kernel once buffered; full chunks go to the server in
the background with several in flight, and everything is flushed on flush (close),
fsync, and before reads, truncates and size-changing calls on the same inode. A write
error is kept and reported by the next write, flush or fsync, as NFS clients do.
Sequential reads keep several blocks in flight ahead of the reader.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future

from fogbank.services.efs.fs.model import BLOCK_SIZE, FsError
from fogbank.services.efs.rpc.client import RpcClient
from fogbank.services.efs.rpc.wire import Chunks, Op, Value

WB_CHUNK = BLOCK_SIZE  # what one write RPC carries when streaming
WB_BATCH = 4 * BLOCK_SIZE  # what one write request carries when streaming
WB_IN_FLIGHT = 4
RA_CHUNK = BLOCK_SIZE
RA_DEPTH = 8  # chunks kept in flight ahead of a sequential reader
RA_KEEP = 24  # chunks kept at most per open file
RA_WINDOW = 16 * RA_CHUNK


class OpenFile:
    def __init__(self, rpc: RpcClient, server_fh: int, ino: int, flags: int) -> None:
        self.rpc = rpc
        self.server_fh = server_fh
        self.ino = ino
        self.flags = flags
        self.lock = threading.Lock()
        self._parts: list[bytes] = []  # contiguous buffered writes from _buf_start on
        self._buf_start = 0
        self._buf_len = 0
        self._kill = False
        self._inflight: deque[Future[Value]] = deque()
        self._error: FsError | None = None
        self._ra: dict[int, Future[Value]] = {}
        self._next_read = -1
        self._eof: int | None = None  # the chunk where the file ended when last read
        self.written_end = 0  # highest offset written through this handle (for st_size)
        self.uncommitted = False  # written since the last commit (fsync/close)

    # -- write-back ---------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return bool(self._parts) or bool(self._inflight)

    def write(self, offset: int, data: bytes | memoryview, kill: bool) -> None:
        with self.lock:
            self._raise_error()
            self._ra.clear()
            self._eof = None
            self._kill = self._kill or kill
            self.uncommitted = True
            if self._parts and offset != self._buf_start + self._buf_len:
                self._send_buffer()
            if not self._parts:
                self._buf_start = offset
            self._parts.append(bytes(data))  # the one copy, out of the FUSE buffer
            self._buf_len += len(data)
            self.written_end = max(self.written_end, offset + len(data))
            end = self._buf_start + self._buf_len
            if end % WB_CHUNK == 0 and self._buf_len >= WB_BATCH:
                self._send_buffer()  # whole blocks, several per request
            elif self._buf_len >= 2 * WB_BATCH:
                self._send_buffer()

    def _send_buffer(self) -> None:
        if self._parts:
            parts, self._parts = self._parts, []
            if len(parts) > 64:  # many small writes: one piece (sendmsg takes <= 1024)
                parts = [b"".join(parts)]
            self._send(self._buf_start, parts)
            self._buf_start += self._buf_len
            self._buf_len = 0

    def _send(self, offset: int, parts: list[bytes]) -> None:
        while len(self._inflight) >= WB_IN_FLIGHT:
            self._reap(self._inflight.popleft())
        self._inflight.append(
            self.rpc.submit(Op.WRITE, self.server_fh, offset, Chunks(parts), self._kill)
        )

    def _reap(self, fut: Future[Value]) -> None:
        try:
            fut.result()
        except FsError as exc:
            if self._error is None:
                self._error = exc

    def _raise_error(self) -> None:
        if self._error is not None:
            err, self._error = self._error, None
            raise err

    def flush(self) -> None:
        """Push everything buffered and wait for it; raise the first write error."""
        with self.lock:
            self._send_buffer()
            while self._inflight:
                self._reap(self._inflight.popleft())
            self._kill = False
            self._raise_error()

    # -- reads --------------------------------------------------------------------

    def read(self, offset: int, size: int) -> bytes:
        with self.lock:
            # The kernel's own read-ahead sends several reads at once, so "sequential"
            # means near where the last read ended, not exactly there.
            sequential = abs(offset - self._next_read) <= RA_WINDOW or offset == 0
            self._next_read = max(self._next_read, offset + size)
            first = offset // RA_CHUNK
            last = (offset + size - 1) // RA_CHUNK
            ahead = RA_DEPTH if sequential else 0
            for idx in range(first, last + ahead + 1):
                beyond_eof = self._eof is not None and idx > self._eof
                if idx not in self._ra and (idx <= last or not beyond_eof):
                    self._ra[idx] = self.rpc.submit(
                        Op.READ, self.server_fh, idx * RA_CHUNK, RA_CHUNK
                    )
            excess = len(self._ra) - RA_KEEP
            if excess > 0:  # forget chunks behind the reader first, never the ones it needs
                spare = [i for i in sorted(self._ra) if i < first or i > last + ahead]
                for idx in spare[:excess]:
                    del self._ra[idx]
            wanted = [self._ra.get(i) for i in range(first, last + 1)]
        if len(wanted) == 1 and wanted[0] is not None:  # within one chunk: one slice
            chunk = wanted[0].result()
            assert isinstance(chunk, bytes)
            if len(chunk) < RA_CHUNK:
                with self.lock:
                    self._eof = first
            lo = offset - first * RA_CHUNK
            return chunk[lo : lo + size]
        out = bytearray()
        for idx, fut in zip(range(first, last + 1), wanted, strict=True):
            if fut is None:
                break
            chunk = fut.result()
            assert isinstance(chunk, bytes)
            lo = max(offset - idx * RA_CHUNK, 0)
            hi = min(offset + size - idx * RA_CHUNK, RA_CHUNK)
            out += chunk[lo:hi]
            if len(chunk) < RA_CHUNK:  # end of file
                with self.lock:
                    self._eof = idx
                break
        return bytes(out)

    def drop_cache(self) -> None:
        with self.lock:
            self._ra.clear()
            self._next_read = -1
            self._eof = None
