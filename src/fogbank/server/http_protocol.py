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
first piece of the body, one ``writev``.

This leans on uvicorn's internals (``cycle.body``, read by ``receive`` as
``bytes(cycle.body)`` and reset to an empty ``bytearray``; ``_start_asgi_task``; the
cycle's ``transport``, written once by ``send`` for the head and once per body message);
uvicorn is pinned in pyproject.toml, and tests/unit/server/test_http_protocol.py checks
the behaviour through the real protocol.
"""

from __future__ import annotations

import asyncio
from typing import cast

from uvicorn._types import ASGI3Application, ASGISendEvent
from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

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


class _HeldHead:
    """Stands in for the transport while uvicorn writes a response's head: keeps it."""

    __slots__ = ("data",)

    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


class _HeadFirst:
    """Stands in for the transport while uvicorn writes the first body message: the held
    head goes out with it, in one ``writev`` (``writelines``)."""

    __slots__ = ("_head", "_transport")

    def __init__(self, transport: asyncio.Transport, head: bytes) -> None:
        self._transport = transport
        self._head = head

    def write(self, data: bytes) -> None:
        head, self._head = self._head, b""
        if head:
            self._transport.writelines([head, data] if data else [head])
        elif data:
            self._transport.write(data)

    def flush(self) -> None:
        """Write the head if no body message did (an empty body writes nothing)."""
        if self._head:
            self._transport.write(self._head)
            self._head = b""

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()


class ResponseCycle(RequestResponseCycle):
    """uvicorn's request/response cycle, writing a response's head with its body."""

    _held: bytes = b""

    async def send(self, message: ASGISendEvent) -> None:
        transport = self.transport
        if message["type"] == "http.response.start" and not self.response_started:
            held = _HeldHead()
            self.transport = cast(asyncio.Transport, held)
            try:
                await super().send(message)
            finally:
                self.transport = transport
            self._held = held.data
            return
        head = self._held
        if not head:
            await super().send(message)
            return
        self._held = b""
        first = _HeadFirst(transport, head)
        self.transport = cast(asyncio.Transport, first)
        try:
            await super().send(message)
        finally:
            self.transport = transport
            first.flush()


class HttpProtocol(HttpToolsProtocol):
    def _start_asgi_task(self, cycle: RequestResponseCycle, app: ASGI3Application) -> None:
        cycle.__class__ = ResponseCycle
        super()._start_asgi_task(cycle, app)

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
