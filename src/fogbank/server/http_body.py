"""uvicorn's httptools protocol, minus two copies of every request body byte.

uvicorn appends each piece of body the parser hands it to a ``bytearray`` and gives the
application ``bytes(that bytearray)``: two copies of every byte on top of the parser's own
(a 64 MiB PUT: ~13 ms of memmove and 128 MiB of churn through the allocator). Reading
pauses once more than 64 KiB waits, and one socket read brings up to 256 KiB, so nearly
always a single piece waits when the application asks: here pieces are kept as they come
and that single piece is handed over as is (several are joined, one copy).

This leans on uvicorn's internals (``cycle.body``, read by ``receive`` as
``bytes(cycle.body)`` and reset to an empty ``bytearray``); uvicorn is pinned in
pyproject.toml, and tests/unit/server/test_http_body.py checks the behaviour through the
real protocol.
"""

from __future__ import annotations

from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


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


class HttpProtocol(HttpToolsProtocol):
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
