"""Reading frames straight into their own buffers (``asyncio.BufferedProtocol``).

Small frames are parsed out of a scratch buffer, several per read; a frame larger than
the scratch buffer gets a buffer of its exact size that the socket fills directly, so a
4 MiB write request is received with no copy and wakes its reader once, not once per
256 KiB chunk as a ``StreamReader`` would.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Coroutine
from typing import cast

from fogbank.services.efs.rpc import wire

SCRATCH = 64 * 1024
Frame = tuple[int, int, bytes | bytearray]  # id, op or status, body


class FrameConnection(asyncio.BufferedProtocol):
    def __init__(self, serve: Callable[[FrameConnection], Coroutine[None, None, None]]) -> None:
        self._serve = serve
        self._scratch = bytearray(SCRATCH)
        self._fill = 0
        self._body: bytearray | None = None  # a large frame being received in place
        self._body_pos = 0
        self._body_head: tuple[int, int] = (0, 0)
        self._frames: deque[Frame] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False
        self._out: list[bytes] | None = None  # frames to send at the end of this turn
        self.transport: asyncio.Transport | None = None
        self.task: asyncio.Task[None] | None = None

    # -- protocol callbacks --------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses; they quack alike.
        self.transport = cast(asyncio.Transport, transport)
        self.task = asyncio.get_running_loop().create_task(self._serve(self))

    def get_buffer(self, sizehint: int) -> memoryview:
        if self._body is not None:
            return memoryview(self._body)[self._body_pos :]
        return memoryview(self._scratch)[self._fill :]

    def buffer_updated(self, nbytes: int) -> None:
        if self._body is not None:
            self._body_pos += nbytes
            if self._body_pos == len(self._body):
                msg_id, code = self._body_head
                self._push((msg_id, code, self._body))
                self._body = None
            return
        self._fill += nbytes
        self._parse()

    def _parse(self) -> None:
        pos, fill, buf = 0, self._fill, self._scratch
        while fill - pos >= wire.HEADER_SIZE:
            size, msg_id, code = wire.parse_header(buf[pos : pos + wire.HEADER_SIZE])
            start = pos + wire.HEADER_SIZE
            if fill - start >= size:
                self._push((msg_id, code, bytes(buf[start : start + size])))
                pos = start + size
                continue
            if wire.HEADER_SIZE + size > SCRATCH:  # receive the rest into its own buffer
                body = bytearray(size)
                have = fill - start
                body[:have] = buf[start:fill]
                self._body, self._body_pos, self._body_head = body, have, (msg_id, code)
                pos = fill
            break
        if pos:
            buf[: fill - pos] = buf[pos:fill]
            self._fill = fill - pos

    def _push(self, frame: Frame) -> None:
        self._frames.append(frame)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # -- for the server ------------------------------------------------------------

    async def read_frame(self) -> Frame:
        while not self._frames:
            if self._closed:
                raise ConnectionError("client went away")
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        return self._frames.popleft()

    def send(self, parts: list[bytes]) -> None:
        """Queue a frame; the frames queued in one turn of the event loop go out in one
        write (replies to a group commit's requests: one send and one wake-up of the
        client for all of them)."""
        if self.transport is None or self.transport.is_closing():
            return
        if self._out is None:
            self._out = list(parts)
            asyncio.get_running_loop().call_soon(self.flush)
        else:
            self._out.extend(parts)

    def flush(self) -> None:
        out, self._out = self._out, None
        if out and self.transport is not None and not self.transport.is_closing():
            self.transport.writelines(out)

    @property
    def closing(self) -> bool:
        return self.transport is None or self.transport.is_closing()

    def peer(self) -> str:
        assert self.transport is not None
        return str(self.transport.get_extra_info("peername")[0])

    def close(self) -> None:
        self.flush()
        if self.transport is not None:
            self.transport.close()
