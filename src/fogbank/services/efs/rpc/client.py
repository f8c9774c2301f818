"""The data-plane client: one TCP connection, many requests in flight, thread-safe.

``call`` blocks the calling thread until its answer; ``submit`` returns a future, so a
caller can keep several block reads or writes in flight (read-ahead, write-back).

``pipeline`` sends a request whose caller does not wait for it (a namespace change the
mount has already answered). Such requests form a barrier: any other request waits until
every pipelined one has been answered, so nothing this client sends later can overtake
them on the server (whose writes run in arrival order, reads in parallel).
"""

from __future__ import annotations

import array
import contextlib
import errno
import fcntl
import itertools
import queue
import socket
import termios
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

from fogbank.services.efs.fs.model import FsError
from fogbank.services.efs.rpc import wire
from fogbank.services.efs.rpc.auth import SignedConnect, sign_connect
from fogbank.services.efs.rpc.batch import BATCH_LINGER_S, Batcher, Done
from fogbank.services.efs.rpc.wire import Op, Value, as_dict


@dataclass(frozen=True)
class AwsKeys:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    region: str = "us-east-1"


@dataclass(frozen=True)
class Welcome:
    root_ino: int
    read_only: bool
    root_access: bool
    session_id: str
    forced_identity: bool = False  # an access point replaces every caller's identity


def _recv_exact(sock: socket.socket, n: int) -> bytearray:
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            raise ConnectionError("data plane connection closed")
        got += k
    return buf


def _read_frame(sock: socket.socket) -> tuple[int, int, bytearray]:
    size, msg_id, code = wire.parse_header(_recv_exact(sock, wire.HEADER_SIZE))
    return msg_id, code, _recv_exact(sock, size)


def _send_all(sock: socket.socket, parts: list[bytes]) -> None:
    """Gathered send of a frame's pieces, without joining them into one buffer."""
    if sum(map(len, parts)) < 64 * 1024:
        sock.sendall(b"".join(parts))
        return
    views = [memoryview(p) for p in parts]
    while views:
        sent = sock.sendmsg(views)
        while sent and views:
            if sent >= len(views[0]):
                sent -= len(views[0])
                views.pop(0)
            else:
                views[0] = views[0][sent:]
                sent = 0


class RpcClient:
    def __init__(
        self, host: str, port: int, timeout: float = 10.0, linger: float = BATCH_LINGER_S
    ) -> None:
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for opt in (socket.SO_SNDBUF, socket.SO_RCVBUF):
            self._sock.setsockopt(socket.SOL_SOCKET, opt, 8 << 20)
        self._send_lock = threading.Lock()
        self._outq: queue.SimpleQueue[list[bytes] | None] = queue.SimpleQueue()
        self._queued = 0  # frames handed to the sender thread and not yet sent
        self._sender: threading.Thread | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, Future[Value]] = {}
        self._pending_lock = threading.Lock()
        self._closed: BaseException | None = None
        self._reader: threading.Thread | None = None
        self._handling = False  # the reader has taken a frame off the socket, not done yet
        self._handled = threading.Condition()  # notified as each frame is done with
        self._unanswered = 0  # pipelined requests sent and not yet answered
        self._answered = threading.Condition()
        self._batches = Batcher(
            lambda items: self._submit(Op.BATCH, (items,)), linger=linger, answered=self._answer
        )
        # Called (on the reader thread) with the server's cache invalidations.
        self.on_notify: Callable[[Value], None] | None = None

    # -- handshake ----------------------------------------------------------------

    def hello(
        self,
        fs_id: str,
        access_point: str | None = None,
        read_only: bool = False,
        keys: AwsKeys | None = None,
    ) -> Welcome:
        _, code, body = _read_frame(self._sock)
        if code == Op.REFUSED:
            raise FsError(errno.EACCES, str(wire.decode(body)))
        if code != Op.CHALLENGE:
            raise FsError(errno.EPROTO, "expected a challenge")
        challenge = wire.as_bytes(wire.decode(body))
        iam: Value = None
        if keys is not None:
            signed: SignedConnect = sign_connect(
                keys.access_key_id,
                keys.secret_access_key,
                keys.session_token,
                fs_id,
                challenge,
                keys.region,
            )
            iam = {
                "access_key_id": signed.access_key_id,
                "amz_date": signed.amz_date,
                "region": signed.region,
                "signature": signed.signature,
                "session_token": signed.session_token,
            }
        hello: Value = {
            "fs_id": fs_id,
            "access_point": access_point,
            "read_only": read_only,
            "iam": iam,
        }
        self._sock.sendall(b"".join(wire.frame(0, Op.HELLO, hello)))
        _, status, body = _read_frame(self._sock)
        if status != 0:
            raise FsError(status, str(wire.decode(body)))
        w = as_dict(wire.decode(body))
        self._sock.settimeout(None)
        self._reader = threading.Thread(target=self._read_loop, name="efs-rpc-read", daemon=True)
        self._reader.start()
        return Welcome(
            wire.as_int(w["root"]),
            bool(w["read_only"]),
            bool(w["root_access"]),
            str(w["session"]),
            bool(w.get("forced_identity")),
        )

    # -- requests -----------------------------------------------------------------

    def submit(self, op: Op, *args: Value | wire.Chunks) -> Future[Value]:
        if self._unanswered:
            self.drain()
        return self._submit(op, args)

    def pipeline(
        self,
        op: Op,
        args: tuple[Value, ...],
        then: Done,
        limit: int = 256,
    ) -> None:
        """Send without waiting for other pipelined requests (at most ``limit`` in
        flight; sent in batches, see ``rpc/batch``); ``then`` runs with the answer (on
        the reader thread) before any request held at the barrier is let go."""
        if self._unanswered >= limit:
            self._batches.flush()  # (not under ``_answered``: a failed send takes it)
        with self._answered:
            while self._unanswered >= limit and self._closed is None:
                self._answered.wait()
            self._unanswered += 1
        self._batches.add(op, args, then)

    def _answer(self, count: int) -> None:
        """``count`` pipelined requests answered, their ``then`` run."""
        with self._answered:
            self._unanswered -= count
            self._answered.notify_all()

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every pipelined request has been answered (False on timeout)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self._batches.flush()
        with self._answered:
            while self._unanswered > 0:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._answered.wait(remaining)
        return True

    def _submit(self, op: Op, args: tuple[Value | wire.Chunks, ...]) -> Future[Value]:
        fut: Future[Value] = Future()
        msg_id = next(self._ids) & 0xFFFFFFFF or next(self._ids)  # 0 is the server's
        with self._pending_lock:
            if self._closed is not None:
                fut.set_exception(FsError(errno.EIO, "data plane connection lost"))
                return fut
            self._pending[msg_id] = fut
        fut.msg_id = msg_id  # type: ignore[attr-defined]
        parts = wire.frame(msg_id, op, list(args))  # type: ignore[arg-type]
        try:
            self._enqueue(parts)
        except OSError as exc:
            self._fail(exc)
        return fut

    def _enqueue(self, parts: list[bytes]) -> None:
        """Small frames go out at once; large ones through the sender thread, so that a
        caller is not held while the server drains a 4 MiB write. Order is kept: nothing
        is sent directly while frames wait for the sender."""
        size = sum(map(len, parts))
        with self._send_lock:
            if self._queued == 0 and size < 64 * 1024:
                _send_all(self._sock, parts)
                return
            self._queued += 1
            if self._sender is None:
                self._sender = threading.Thread(
                    target=self._send_loop, name="efs-rpc-send", daemon=True
                )
                self._sender.start()
        self._outq.put(parts)

    def _send_loop(self) -> None:
        while True:
            parts = self._outq.get()
            if parts is None:
                return
            try:
                _send_all(self._sock, parts)
            except OSError as exc:
                self._fail(exc)
            with self._send_lock:
                self._queued -= 1

    def call(self, op: Op, *args: Value) -> Value:
        return self.submit(op, *args).result()

    def cancel(self, fut: Future[Value]) -> None:
        msg_id = getattr(fut, "msg_id", None)
        if msg_id is None or fut.done():
            return
        with contextlib.suppress(OSError):
            self._enqueue(wire.frame(0, Op.CANCEL, msg_id))

    def _read_loop(self) -> None:
        try:
            while True:
                # Wait for a frame without taking it off the socket, so that ``caught_up``
                # sees it either still in the socket or being handled.
                if not self._sock.recv(1, socket.MSG_PEEK):
                    raise ConnectionError("data plane connection closed")
                with self._handled:
                    self._handling = True
                try:
                    self._handle(*_read_frame(self._sock))
                finally:
                    with self._handled:
                        self._handling = False
                        self._handled.notify_all()
        except (OSError, ConnectionError, ValueError) as exc:
            self._fail(exc)

    def _handle(self, msg_id: int, status: int, body: bytearray) -> None:
        if msg_id == 0:
            if status == Op.NOTIFY and self.on_notify is not None:
                self.on_notify(wire.decode(body))
            return
        with self._pending_lock:
            fut = self._pending.pop(msg_id, None)
        if fut is None:
            return
        value = wire.decode(body)
        if status:
            fut.set_exception(FsError(status, str(value) if value is not None else ""))
        else:
            fut.set_result(value)

    def _caught_up(self) -> bool:
        """Whether every frame that had reached this client when called has been handled
        (the server's notices of other clients' changes included). The socket is looked
        at first: a frame is either still there or, once taken, being handled."""
        waiting = array.array("i", [0])
        try:
            fcntl.ioctl(self._sock.fileno(), termios.FIONREAD, waiting, True)
        except OSError:
            return False
        return waiting[0] == 0 and not self._handling

    def catch_up(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until every frame that had reached this
        client when called has been handled; False if that did not happen in time.
        Answers to this client's own requests usually arrive around the caller's next
        call (a close's RELEASE, say), so waiting for them beats a round trip."""
        deadline = time.monotonic() + timeout
        with self._handled:
            while not self._caught_up():
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed is not None:
                    return False
                self._handled.wait(remaining)
        return True

    def _fail(self, exc: BaseException) -> None:
        with self._pending_lock:
            if self._closed is None:
                self._closed = exc
            pending, self._pending = self._pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(FsError(errno.EIO, "data plane connection lost"))

    @property
    def closed(self) -> bool:
        return self._closed is not None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._outq.put(None)
        self._batches.close()
        self._fail(ConnectionError("closed"))
