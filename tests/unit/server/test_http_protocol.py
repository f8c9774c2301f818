"""Request bodies through the listener's protocol (buffered reads into one shared buffer,
body pieces handed over without uvicorn's copies): every byte arrives, in order, for each
of several connections at once and for pipelined requests, under uvloop (as served) and
asyncio's own loop."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Awaitable, Callable, Coroutine, Iterable, MutableMapping

import pytest
import uvloop

from fogbank.server.http_protocol import READ_BUFFER, BufferedHttp
from fogbank.server.listener import Listener, bind

Message = MutableMapping[str, object]


class _Echo:
    """Answers each request with the SHA-256 of its body and the sizes it came in."""

    def __init__(self) -> None:
        self.chunk_sizes: list[int] = []

    async def __call__(
        self,
        scope: MutableMapping[str, object],
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        digest = hashlib.sha256()
        while True:
            message = await receive()
            body = message.get("body", b"")
            assert isinstance(body, bytes)
            if body:
                self.chunk_sizes.append(len(body))
                digest.update(body)
            await asyncio.sleep(0)  # a slow consumer: reading pauses meanwhile
            if not message.get("more_body", False):
                break
        answer = digest.hexdigest().encode()
        headers = [(b"content-length", str(len(answer)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})


def _request(body: bytes) -> bytes:
    head = f"PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


async def _answers(port: int, payload: bytes, count: int, piece: int) -> list[bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for at in range(0, len(payload), piece):  # the headers too are cut anywhere
        writer.write(payload[at : at + piece])
        await writer.drain()
    answers = []
    for _ in range(count):
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        answers.append(await reader.readexactly(64))
    writer.close()
    await writer.wait_closed()
    return answers


def _serve(
    app: _Echo, test: Callable[[int], Coroutine[None, None, None]], use_uvloop: bool
) -> None:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]

    async def main() -> None:
        listener = Listener(app)  # type: ignore[arg-type]
        await listener.start(sock)
        try:
            await test(port)
        finally:
            await listener.shutdown()

    try:
        if use_uvloop:
            uvloop.run(main())
        else:
            asyncio.run(main())
    finally:
        sock.close()


@pytest.mark.parametrize("use_uvloop", [True, False], ids=["uvloop", "asyncio"])
def test_large_bodies_from_concurrent_connections_arrive_whole(use_uvloop: bool) -> None:
    bodies = [os.urandom(3 * READ_BUFFER + 12345), os.urandom(5 * READ_BUFFER // 2)]
    app = _Echo()

    async def test(port: int) -> None:
        answers = await asyncio.gather(*(_answers(port, _request(b), 1, 777_777) for b in bodies))
        assert [a[0] for a in answers] == [hashlib.sha256(b).hexdigest().encode() for b in bodies]

    _serve(app, test, use_uvloop)
    assert sum(app.chunk_sizes) == sum(len(b) for b in bodies)
    assert max(app.chunk_sizes) <= READ_BUFFER  # a read at most, never the whole body


@pytest.mark.parametrize("use_uvloop", [True, False], ids=["uvloop", "asyncio"])
def test_pipelined_requests_cut_at_odd_places_are_kept_apart(use_uvloop: bool) -> None:
    bodies = [b"", b"a", os.urandom(70_000), b"tail" * 1000]
    payload = b"".join(_request(b) for b in bodies)
    app = _Echo()

    async def test(port: int) -> None:
        answers = await _answers(port, payload, len(bodies), 13)
        assert answers == [hashlib.sha256(b).hexdigest().encode() for b in bodies]

    _serve(app, test, use_uvloop)


def test_a_malformed_request_gets_a_400_and_the_listener_serves_on() -> None:
    app = _Echo()

    async def test(port: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        head = await reader.read(100)
        assert head.startswith(b"HTTP/1.1 400")
        writer.close()
        await writer.wait_closed()
        answers = await _answers(port, _request(b"ok"), 1, 4)
        assert answers == [hashlib.sha256(b"ok").hexdigest().encode()]

    _serve(app, test, use_uvloop=True)


def test_the_read_buffer_is_one_per_listener_not_per_connection() -> None:
    async def main() -> None:
        listener = Listener(_Echo())  # type: ignore[arg-type]
        first, second = listener._protocol(), listener._protocol()
        assert isinstance(first, BufferedHttp) and isinstance(second, BufferedHttp)
        assert first is not second and first.http is not second.http
        assert first.get_buffer(1) is second.get_buffer(1)
        assert len(first.get_buffer(1)) == READ_BUFFER

    asyncio.run(main())


class _Recorder(asyncio.Transport):
    """A transport that keeps what the protocol writes, one entry per system call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[bytes] = []
        self.closed = False

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"sockname": ("127.0.0.1", 4566), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.calls.append(bytes(data))

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        self.calls.append(b"".join(bytes(d) for d in list_of_data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def _respond_with(pieces: list[bytes], extra: list[tuple[bytes, bytes]] | None = None) -> _App:
    async def app(
        scope: MutableMapping[str, object],
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        await receive()
        headers = [(b"content-length", str(sum(map(len, pieces))).encode()), *(extra or [])]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for i, piece in enumerate(pieces):
            more = i < len(pieces) - 1
            await send({"type": "http.response.body", "body": piece, "more_body": more})
        if not pieces:
            await send({"type": "http.response.body", "body": b""})

    return app


_App = Callable[
    [
        MutableMapping[str, object],
        Callable[[], Awaitable[Message]],
        Callable[[Message], Awaitable[None]],
    ],
    Awaitable[None],
]


def _writes(app: _App, request: bytes) -> tuple[list[bytes], bool]:
    async def main() -> tuple[list[bytes], bool]:
        listener = Listener(app)  # type: ignore[arg-type]
        protocol = listener._protocol()
        transport = _Recorder()
        protocol.connection_made(transport)
        buffer = protocol.get_buffer(len(request))
        buffer[: len(request)] = request
        protocol.buffer_updated(len(request))
        for _ in range(20):
            await asyncio.sleep(0)
        protocol.connection_lost(None)
        return transport.calls, transport.closed

    return asyncio.run(main())


def test_a_small_response_goes_out_in_one_write_head_and_body() -> None:
    calls, _ = _writes(_respond_with([b"hello"]), _request(b""))
    assert len(calls) == 1
    head, _, body = calls[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"content-length: 5" in head
    assert body == b"hello"


def test_a_streamed_response_sends_its_head_with_the_first_piece_then_each_piece() -> None:
    calls, _ = _writes(_respond_with([b"one", b"two", b"three"]), _request(b""))
    assert len(calls) == 3
    assert calls[0].startswith(b"HTTP/1.1 200") and calls[0].endswith(b"\r\n\r\none")
    assert calls[1:] == [b"two", b"three"]


def test_a_head_request_and_an_empty_body_still_send_the_head() -> None:
    head_request = b"HEAD /x HTTP/1.1\r\nHost: h\r\n\r\n"
    for app, request in (
        (_respond_with([b"hello"]), head_request),
        (_respond_with([]), _request(b"")),
    ):
        calls, _ = _writes(app, request)
        assert len(calls) == 1
        assert calls[0].startswith(b"HTTP/1.1 200") and calls[0].endswith(b"\r\n\r\n")


def test_connection_close_sends_head_and_body_before_closing() -> None:
    calls, closed = _writes(_respond_with([b"bye"], [(b"connection", b"close")]), _request(b""))
    assert closed
    assert len(calls) == 1 and calls[0].endswith(b"\r\n\r\nbye")


def test_an_idle_connection_is_closed_after_the_keep_alive_timeout_a_busy_one_is_not() -> None:
    async def main() -> tuple[bool, bool, list[bytes]]:
        listener = Listener(_respond_with([b"hi"]))
        listener.config.timeout_keep_alive = 0.2  # type: ignore[assignment]
        protocol = listener._protocol()
        transport = _Recorder()
        protocol.connection_made(transport)

        async def ask() -> None:
            request = _request(b"")
            buffer = protocol.get_buffer(len(request))
            buffer[: len(request)] = request
            protocol.buffer_updated(len(request))
            for _ in range(20):
                await asyncio.sleep(0)

        for _ in range(5):  # a request every 0.1 s: never idle for 0.2 s
            await ask()
            await asyncio.sleep(0.1)
        busy_closed = transport.closed
        await asyncio.sleep(0.35)
        idle_closed = transport.closed
        protocol.connection_lost(None)
        return busy_closed, idle_closed, transport.calls

    busy_closed, idle_closed, calls = asyncio.run(main())
    assert not busy_closed
    assert idle_closed
    assert len(calls) == 5 and all(c.endswith(b"\r\n\r\nhi") for c in calls)


def test_invalid_response_header_values_are_refused() -> None:
    calls, closed = _writes(_respond_with([b"x"], [(b"x-bad", b"a\r\nb: c")]), _request(b""))
    assert closed  # uvicorn's answer to an application error once the response began
    assert not any(b"b: c" in c for c in calls)
