"""A response's head and its body in one write.

uvicorn writes a response's head (status line and headers) as soon as the application
sends ``http.response.start``, and the body with each ``http.response.body``: two writes,
two TCP segments on a socket with TCP_NODELAY, and on loopback the receiver's processing
of both charged to the server. ``HeadHolding`` wraps a connection's transport and holds a
write that starts a response until the next write (usually the body, sent by the same
step of the same task), then hands both to the transport at once (``writelines``: one
``writev``). Anything else flushes what is held first (close, abort, end of file), and a
head that nothing follows in the same loop iteration (a streamed body's first chunk is
still being read) is written on the next one: the order of bytes never changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

_HEAD = b"HTTP/"


class HeadHolding(asyncio.Transport):
    def __init__(self, inner: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._inner = inner
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._inner.writelines((held, data))
        elif isinstance(data, bytes) and data.startswith(_HEAD) and not self._inner.is_closing():
            self._held = data
            self._loop.call_soon(self.flush)
        else:
            self._inner.write(data)

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        self.flush()
        self._inner.writelines(list_of_data)

    def flush(self) -> None:
        held, self._held = self._held, None
        if held is not None and not self._inner.is_closing():
            self._inner.write(held)

    def close(self) -> None:
        self.flush()
        self._inner.close()

    def abort(self) -> None:
        self._held = None
        self._inner.abort()

    def write_eof(self) -> None:
        self.flush()
        self._inner.write_eof()

    def can_write_eof(self) -> bool:
        return self._inner.can_write_eof()

    def is_closing(self) -> bool:
        return self._inner.is_closing()

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self._inner.get_extra_info(name, default)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._inner.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._inner.get_protocol()

    def is_reading(self) -> bool:
        return self._inner.is_reading()

    def pause_reading(self) -> None:
        self._inner.pause_reading()

    def resume_reading(self) -> None:
        self._inner.resume_reading()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._inner.set_write_buffer_limits(high, low)

    def get_write_buffer_size(self) -> int:
        return self._inner.get_write_buffer_size() + len(self._held or b"")

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._inner.get_write_buffer_limits()
