"""uvicorn's httptools protocol, minus three copies of every request body byte.

uvloop reads the socket into its own buffer and copies each read into a new ``bytes``;
httptools copies the body out of that into another; uvicorn appends it to a
``bytearray`` and gives the application ``bytes(that bytearray)``: four copies of every
byte (a 64 MiB PUT: ~27 ms of memmove, and 256 reads of 256 KiB, each a trip through
the parser, uvicorn and the application's body stream). Here:

- ``BufferedHttp`` is a buffered protocol: uvloop reads straight into one buffer of
  ``READ_BUFFER`` bytes that the listener's connections share (get_buffer, read and
  buffer_updated run back to back on the event loop, and the parser copies out what it
  keeps before buffer_updated returns), so reads are up to 1 MiB and none is copied;
- ``HttpProtocol`` keeps the body pieces the parser hands over as they come and gives the
  application that piece as is when only one waits (nearly always: reading pauses once
  more than 64 KiB waits); several are joined, one copy.

That leaves the parser's copy. And on the way out, uvicorn writes a response's head and
its body separately: two system calls and two TCP segments (two wake-ups of the client)
for every small response. ``ResponseCycle`` holds the head back and writes it with the
first piece of the body, one ``writev``; ``HttpProtocol`` keeps one keep-alive timer per
connection instead of making and cancelling one per request.

This leans on uvicorn's internals (``cycle.body``, read by ``receive`` as
``bytes(cycle.body)`` and reset to an empty ``bytearray``; ``_start_asgi_task``; the
cycle's response state, which ``ResponseCycle.send`` keeps as uvicorn's ``send`` does;
``_unset_keepalive_if_required``, ``on_response_complete`` and ``timeout_keep_alive_task``);
uvicorn is pinned in pyproject.toml, and tests/unit/server/test_http_protocol.py checks
the behaviour through the real protocol.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import cast

from uvicorn._types import (
    ASGI3Application,
    ASGISendEvent,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
)
from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT
from uvicorn.protocols.http.httptools_impl import (
    HEADER_RE,
    HEADER_VALUE_RE,
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string

READ_BUFFER = 1024 * 1024


class _Pieces:
    """Body pieces waiting for ``receive``: ``bytes()`` of one piece is that piece."""

    __slots__ = ("_pieces", "_size")

    def __init__(self, first: bytes) -> None:
        self._pieces = [first]
        self._size = len(first)

    def __iadd__(self, piece: bytes) -> _Pieces:
        self._pieces.append(piece)
        self._size += len(piece)
        return self

    def __len__(self) -> int:
        return self._size

    def __bytes__(self) -> bytes:
        pieces = self._pieces
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)


# The response headers that say how the body is framed and whether the connection stays.
_FRAMING = frozenset({b"content-length", b"transfer-encoding", b"connection"})


class ResponseCycle(RequestResponseCycle):
    """uvicorn's request/response cycle, with its own ``send``: the response's head is
    held and written with the first piece of the body (one ``writev``), and is made in
    one pass over the headers, their names and values checked with one search each
    (uvicorn searched each name and value: two regular expressions per header).

    The state it keeps is uvicorn's (``response_started``, ``response_complete``,
    ``chunked_encoding``, ``expected_content_length``, ``keep_alive``), with the same
    checks and errors."""

    _head: bytes = b""

    async def send(self, message: ASGISendEvent) -> None:
        if self.flow.write_paused and not self.disconnected:
            await self.flow.drain()
        if self.disconnected:
            return
        kind = message["type"]
        if not self.response_started:
            if kind != "http.response.start":
                raise RuntimeError(f"a response must begin with http.response.start, not {kind}")
            self.response_started = True
            self.waiting_for_100_continue = False
            start = cast(HTTPResponseStartEvent, message)
            self._head = self._make_head(start["status"], start.get("headers", ()))
            return
        if self.response_complete:
            raise RuntimeError(f"{kind} sent after the response was complete")
        if kind != "http.response.body":
            raise RuntimeError(f"a response's head is followed by http.response.body, not {kind}")
        part = cast(HTTPResponseBodyEvent, message)
        body = part.get("body", b"")
        more_body = part.get("more_body", False)
        data: bytes | bytearray | memoryview = body
        if self.scope["method"] == "HEAD":
            self.expected_content_length = 0
            data = b""
        elif self.chunked_encoding:
            content = [b"%x\r\n" % len(body), body, b"\r\n"] if body else []
            if not more_body:
                content.append(b"0\r\n\r\n")
            data = b"".join(content)
        else:
            if len(body) > self.expected_content_length:
                self._flush_head()
                raise RuntimeError("more body than the response's Content-Length")
            self.expected_content_length -= len(body)
        head = self._head
        if head:
            self._head = b""
            if data:
                self.transport.writelines([head, data])
            else:
                self.transport.write(head)
        elif data:
            self.transport.write(data)
        if not more_body:
            if self.expected_content_length != 0:
                raise RuntimeError("less body than the response's Content-Length")
            self.response_complete = True
            self.message_event.set()
            if not self.keep_alive:
                self.transport.close()
            self.on_response()

    def _flush_head(self) -> None:
        if self._head:
            self.transport.write(self._head)
            self._head = b""

    def _make_head(self, status: int, given: Iterable[tuple[bytes, bytes]]) -> bytes:
        headers = [*self.default_headers, *given]
        if self.access_log:
            self.access_logger.info(
                '%s - "%s %s HTTP/%s" %d',
                get_client_addr(self.scope),
                self.scope["method"],
                get_path_with_query_string(self.scope),
                self.scope["http_version"],
                status,
            )
        if HEADER_RE.search(b"".join([name for name, _ in headers])):
            raise RuntimeError("Invalid HTTP header name.")
        if HEADER_VALUE_RE.search(b"".join([value for _, value in headers])):
            raise RuntimeError("Invalid HTTP header value.")
        lowered = [(name.lower(), value) for name, value in headers]
        has_connection_close = False
        for name, value in lowered:
            if name not in _FRAMING:
                continue
            if name == b"content-length":
                if self.chunked_encoding is None:
                    self.expected_content_length = int(value.decode())
                    self.chunked_encoding = False
            elif name == b"transfer-encoding":
                if value.lower() == b"chunked":
                    self.expected_content_length = 0
                    self.chunked_encoding = True
            elif b"close" in [token.lower().strip() for token in value.split(b",")]:
                self.keep_alive = False
                has_connection_close = True
        content = [STATUS_LINE[status], *[b": ".join(pair) + b"\r\n" for pair in lowered]]
        if not self.keep_alive and not has_connection_close:
            content.append(b"connection: close\r\n")
        if (
            self.chunked_encoding is None
            and self.scope["method"] != "HEAD"
            and status not in (204, 304)
        ):
            self.chunked_encoding = True
            content.append(b"transfer-encoding: chunked\r\n")
        content.append(b"\r\n")
        return b"".join(content)


class HttpProtocol(HttpToolsProtocol):
    # The keep-alive timeout: uvicorn arms a timer when a response completes and cancels
    # it when the next request's bytes arrive (a timer made and cancelled per request).
    # Here one timer per connection stays armed while it is in use and, when it fires,
    # closes the connection only if it has been idle for the whole timeout.
    _idle_since: float | None = None  # loop time the last response completed, if idle

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: ASGI3Application) -> None:
        cycle.__class__ = ResponseCycle
        super()._start_asgi_task(cycle, app)

    def _unset_keepalive_if_required(self) -> None:  # bytes arrived: not idle
        self._idle_since = None

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
            self.timeout_keep_alive_task = None

    def on_response_complete(self) -> None:
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            self._idle_since = None
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
            return
        self._idle_since = self.loop.time()
        if self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self._keep_alive_due
            )

    def _keep_alive_due(self) -> None:
        self.timeout_keep_alive_task = None
        idle_since = self._idle_since
        if idle_since is None:  # a request is being served: armed again when it ends
            return
        left = idle_since + self.timeout_keep_alive - self.loop.time()
        if left <= 0:
            self.timeout_keep_alive_handler()
        else:
            self.timeout_keep_alive_task = self.loop.call_later(left, self._keep_alive_due)

    def on_body(self, body: bytes) -> None:
        cycle = self.cycle
        if (self.parser.should_upgrade() and self._should_upgrade()) or cycle.response_complete:
            return
        if len(cycle.body):
            cycle.body += body  # a _Pieces (or uvicorn's bytearray): appended
        else:
            cycle.body = _Pieces(body)  # type: ignore[assignment]
        if len(cycle.body) > HIGH_WATER_LIMIT:
            self.flow.pause_reading()
        cycle.message_event.set()


class BufferedHttp(asyncio.BufferedProtocol):
    """Feeds ``http`` from ``buffer`` (shared: see the module docstring)."""

    def __init__(self, http: HttpProtocol, buffer: memoryview) -> None:
        self.http = http
        self._buffer = buffer

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.http.connection_made(transport)  # type: ignore[arg-type]

    def connection_lost(self, exc: Exception | None) -> None:
        self.http.connection_lost(exc)

    def pause_writing(self) -> None:
        self.http.pause_writing()

    def resume_writing(self) -> None:
        self.http.resume_writing()

    def eof_received(self) -> bool | None:
        self.http.eof_received()
        return None

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._buffer

    def buffer_updated(self, nbytes: int) -> None:
        self.http.data_received(self._buffer[:nbytes])  # type: ignore[arg-type]
