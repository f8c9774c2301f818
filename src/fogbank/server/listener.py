"""Accepting connections on the one port and handing them to uvicorn's HTTP protocol.

Without TLS, uvloop's own server accepts (the fast path). With ``--tls`` the same port
serves both plain HTTP and HTTPS: each new connection's first byte is peeked (a TLS
handshake starts with 0x16) and the socket is handed over with or without TLS, so that
policies on ``aws:SecureTransport`` can be practised with one endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterable

from uvicorn.config import Config as UvicornConfig
from uvicorn.server import ServerState

from fogbank.server.asgi import Receive, Scope, Send
from fogbank.server.http_protocol import READ_BUFFER, BufferedHttp, HttpProtocol

log = logging.getLogger("fogbank.listener")

AsgiApp = Callable[[Scope, Receive, Send], object]

_TLS_HANDSHAKE = 0x16
_PEEK_TIMEOUT = 10.0
_GOODBYE_GRACE = 0.5  # seconds a finished TLS connection may wait for the peer's goodbye


BACKLOG = 1024


def bind(host: str, port: int) -> socket.socket:
    """A bound socket; SO_REUSEPORT lets every gateway process bind the same port. It
    listens only from ``Listener.start``: the kernel spreads new connections over the
    listening sockets of the port, and one of a process still starting would hold them
    in its backlog until that process is ready."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.setblocking(False)
    return sock


class Listener:
    def __init__(self, app: AsgiApp, tls: ssl.SSLContext | None = None) -> None:
        self.config = UvicornConfig(
            app,
            http="httptools",
            ws="none",
            lifespan="off",
            proxy_headers=False,
            server_header=False,
            date_header=False,
            log_config=None,
            access_log=False,
            timeout_keep_alive=30,
        )
        self.config.load()
        self.state = ServerState()
        self.tls = tls
        self._read_buffer = memoryview(bytearray(READ_BUFFER))  # shared by the connections
        self._servers: list[asyncio.AbstractServer] = []
        self._accept_tasks: list[asyncio.Task[None]] = []
        self._ticker: asyncio.Task[None] | None = None

    def _protocol(self) -> asyncio.BaseProtocol:
        # uvicorn's httptools protocol, minus body copies (server/http_protocol.py)
        http = HttpProtocol(config=self.config, server_state=self.state, app_state={})
        return BufferedHttp(http, self._read_buffer)

    async def start(self, sock: socket.socket) -> None:
        self._update_date()
        self._ticker = asyncio.create_task(self._tick())
        loop = asyncio.get_running_loop()
        sock.listen(BACKLOG)  # from now on the kernel hands this process its share
        if self.tls is None:
            server = await loop.create_server(self._protocol, sock=sock, backlog=BACKLOG)
            self._servers.append(server)
        else:
            self._accept_tasks.append(asyncio.create_task(self._accept_loop(sock)))

    async def _accept_loop(self, sock: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                conn, _addr = await loop.sock_accept(sock)
            except (OSError, asyncio.CancelledError):
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            task = asyncio.create_task(self._hand_over(conn))
            self.state.tasks.add(task)
            task.add_done_callback(self.state.tasks.discard)

    async def _hand_over(self, conn: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        try:
            first = await asyncio.wait_for(_peek(loop, conn), _PEEK_TIMEOUT)
            use_tls = first == _TLS_HANDSHAKE
            await loop.connect_accepted_socket(
                self._protocol, conn, ssl=self.tls if use_tls else None
            )
        except (OSError, TimeoutError, ssl.SSLError, ConnectionError) as exc:
            log.debug("connection dropped before HTTP: %s", exc)
            conn.close()

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            self._update_date()

    def _update_date(self) -> None:
        self.state.default_headers = [
            (b"date", http_date(time.time()).encode()),
            (b"server", b"fogbank"),
        ]

    async def shutdown(self, timeout: float = 10.0) -> None:
        for server in self._servers:
            server.close()
        for task in self._accept_tasks:
            task.cancel()
        for connection in list(self.state.connections):
            connection.shutdown()
        deadline = time.monotonic() + timeout
        done_since: dict[int, float] = {}
        while (self.state.connections or self.state.tasks) and time.monotonic() < deadline:
            _drop_finished(self.state.connections, done_since)
            await asyncio.sleep(0.05)
        for task in list(self.state.tasks):
            task.cancel()
        if self._ticker is not None:
            self._ticker.cancel()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await server.wait_closed()


def _drop_finished(connections: Iterable[object], done_since: dict[int, float]) -> None:
    """Abort the connections the server is done with (closing, nothing left to send) once
    they have been so for ``_GOODBYE_GRACE`` seconds. Only a TLS connection stays in that
    state: its close_notify is out and it waits for the peer's, which an idle keep-alive
    client sends only when it next looks at the socket; a stopping server need not wait
    for it (RFC 8446 6.1), and waiting held every stop with an idle HTTPS client for the
    whole shutdown timeout."""
    now = time.monotonic()
    for connection in list(connections):
        transport = getattr(connection, "transport", None)
        if transport is None or not transport.is_closing():
            continue
        if transport.get_write_buffer_size():
            done_since.pop(id(connection), None)
            continue
        if now - done_since.setdefault(id(connection), now) >= _GOODBYE_GRACE:
            transport.abort()


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_date(epoch: float) -> str:
    """RFC 7231 IMF-fixdate, independent of the locale."""
    t = time.gmtime(epoch)
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year}"
        f" {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    )


async def _peek(loop: asyncio.AbstractEventLoop, conn: socket.socket) -> int:
    """The first byte the client sent, left in the socket for the real reader."""
    ready: asyncio.Future[None] = loop.create_future()
    fd = conn.fileno()

    def on_readable() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, on_readable)
    try:
        await ready
    finally:
        loop.remove_reader(fd)
    data = conn.recv(1, socket.MSG_PEEK)
    if not data:
        raise ConnectionError("closed before sending anything")
    return data[0]
