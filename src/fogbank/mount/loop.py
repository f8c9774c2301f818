"""The FUSE request loop: worker threads read requests from /dev/fuse and answer them.

Each read returns exactly one request; each reply is one ``writev``. A request blocked
in the server (a lock wait) holds one worker, so there are enough workers to keep
serving the rest meanwhile.
"""

from __future__ import annotations

import errno
import logging
import os
import threading

from fogbank.mount import kernel as k
from fogbank.mount.ops import FuseOps, Request
from fogbank.services.efs.fs.model import FsError

log = logging.getLogger(__name__)
MAX_WRITE = 1 << 20
MAX_PAGES = MAX_WRITE // 4096
BUFSIZE = MAX_WRITE + 64 * 1024
# Plain ints and bound methods: looked up for every request (an IntEnum member costs
# several times an int's comparison).
_NO_REPLY = frozenset({int(k.Opcode.FORGET), int(k.Opcode.BATCH_FORGET), int(k.Opcode.INTERRUPT)})
_INTERRUPT, _WRITE = int(k.Opcode.INTERRUPT), int(k.Opcode.WRITE)
_INIT, _DESTROY = int(k.Opcode.INIT), int(k.Opcode.DESTROY)
_unpack_header = k.IN_HEADER.unpack_from
_pack_out = k.OUT_HEADER.pack
_OUT_SIZE = k.OUT_HEADER.size
_WANT = (
    k.ASYNC_READ
    | k.POSIX_LOCKS
    | k.FLOCK_LOCKS
    | k.BIG_WRITES
    | k.PARALLEL_DIROPS
    | k.MAX_PAGES
    | k.HANDLE_KILLPRIV_V2
)


class FuseLoop:
    def __init__(self, fd: int, ops: FuseOps, workers: int = 16) -> None:
        self.fd = fd
        self.ops = ops
        self.workers = workers
        self._stop = threading.Event()

    def run(self) -> None:
        """Serve until the file system is unmounted."""
        threads = [
            threading.Thread(target=self._worker, name=f"fuse-{n}", daemon=True)
            for n in range(self.workers)
        ]
        for t in threads:
            t.start()
        self._stop.wait()

    def stop(self) -> None:
        self._stop.set()

    def _worker(self) -> None:
        buf = bytearray(BUFSIZE)  # one buffer per worker, reused: no 1 MiB allocations
        view = memoryview(buf)
        while not self._stop.is_set():
            try:
                n = os.readv(self.fd, [buf])
            except OSError as exc:
                if exc.errno in (errno.EINTR, errno.EAGAIN, errno.ENOENT):
                    continue
                if exc.errno != errno.ENODEV:
                    log.error("reading /dev/fuse: %s", exc)
                self._stop.set()
                return
            if n < k.IN_HEADER.size:
                continue
            self._handle(view[:n])

    def _handle(self, data: memoryview) -> None:
        _, opcode, unique, nodeid, uid, gid, pid, _, _ = _unpack_header(data)
        if opcode in _NO_REPLY:  # FORGETs: one per inode dropped, nothing to do
            if opcode == _INTERRUPT:
                (target,) = k.INTERRUPT_IN.unpack_from(data, k.IN_HEADER.size)
                self.ops.interrupt(target)
            return
        # Bodies are copied out of the reused buffer, except a write's data, which the
        # handler copies once into its write-back buffer.
        raw = data[k.IN_HEADER.size :]
        body: bytes | memoryview = raw if opcode == _WRITE else bytes(raw)
        handler = self.ops.handlers.get(opcode)
        if handler is None:
            if opcode == _INIT:
                self._reply(unique, 0, self._init(body))
                return
            if opcode == _DESTROY:
                self._reply(unique, 0, b"")
                self._stop.set()
                return
            code = errno.EOPNOTSUPP if opcode == k.Opcode.FALLOCATE else errno.ENOSYS
            self._reply(unique, code, b"")
            return
        try:
            payload = handler(Request(opcode, unique, nodeid, uid, gid, pid, body))  # type: ignore[arg-type]
        except FsError as exc:
            self._reply(unique, exc.errno, b"")
            return
        except OSError as exc:
            self._reply(unique, exc.errno or errno.EIO, b"")
            return
        except Exception:
            log.exception("FUSE op %s failed", opcode)
            self._reply(unique, errno.EIO, b"")
            return
        self._reply(unique, 0, payload or b"")

    def _init(self, body: bytes | memoryview) -> bytes:
        major, minor, max_readahead, flags = k.INIT_IN.unpack_from(body)
        log.info(
            "FUSE protocol %d.%d, kernel flags %#x, max_readahead %d",
            major,
            minor,
            flags,
            max_readahead,
        )
        if major != k.KERNEL_MAJOR:
            raise OSError(errno.EPROTO, f"FUSE protocol {major} is not supported")
        return k.INIT_OUT.pack(
            k.KERNEL_MAJOR,
            min(minor, k.KERNEL_MINOR),
            max_readahead,
            flags & _WANT,
            64,  # max_background
            48,  # congestion_threshold
            MAX_WRITE,
            1,  # time_gran: nanoseconds
            MAX_PAGES,
            0,
            0,
        )

    def _reply(self, unique: int, error: int, payload: bytes) -> None:
        if error:
            payload = b""
        head = _pack_out(_OUT_SIZE + len(payload), -error, unique)
        try:
            os.writev(self.fd, [head, payload] if payload else [head])
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.ENODEV):  # ENOENT: request was interrupted
                log.warning("replying to FUSE request %d: %s", unique, exc)
