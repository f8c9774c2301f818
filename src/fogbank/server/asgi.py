"""ASGI in, ASGI out: turns a connection's scope into an HttpRequest whose body streams
from the socket, and writes an HttpResponse back (streams and file slices included)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, MutableMapping
from typing import cast

from fogbank.core.errors import AwsError
from fogbank.protocol.http import Body, FileSlice, Headers, HttpRequest, HttpResponse

Scope = MutableMapping[str, object]
Message = MutableMapping[str, object]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

FILE_CHUNK = 1024 * 1024


class ClientDisconnected(AwsError):
    def __init__(self) -> None:
        super().__init__(
            "IncompleteBody",
            "The request body terminated unexpectedly",
            status=400,
        )


class AsgiBody(Body):
    """The request body as it arrives from the connection, never buffered whole."""

    def __init__(self, receive: Receive, length: int | None) -> None:
        super().__init__()
        self._receive = receive
        self.length = length

    async def chunks(self) -> AsyncIterator[bytes]:
        seen = 0
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnected()
            chunk = cast(bytes, message.get("body", b""))
            if chunk:
                seen += len(chunk)
                yield chunk
            if not message.get("more_body", False):
                break
        if self.length is not None and seen != self.length:
            raise ClientDisconnected()


def request_from_scope(scope: Scope, receive: Receive) -> HttpRequest:
    headers = Headers.from_asgi(cast(list[tuple[bytes, bytes]], scope["headers"]))
    raw_path = cast(bytes | None, scope.get("raw_path"))
    path = raw_path.decode("latin-1") if raw_path else cast(str, scope["path"])
    if "?" in path:  # some servers leave the query on raw_path
        path = path.split("?", 1)[0]
    length_header = headers.get("content-length")
    length: int | None = None
    if length_header is not None and length_header.isdigit():
        length = int(length_header)
    client = cast(tuple[str, int] | None, scope.get("client"))
    return HttpRequest(
        method=cast(str, scope["method"]),
        path=path,
        query_string=cast(bytes, scope.get("query_string", b"")).decode("latin-1"),
        headers=headers,
        body=AsgiBody(receive, length),
        scheme=cast(str, scope.get("scheme", "http")),
        client_ip=client[0] if client else "127.0.0.1",
    )


def _encode_headers(response: HttpResponse) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]


async def send_response(send: Send, response: HttpResponse, method: str) -> None:
    body = response.body
    headers = _encode_headers(response)
    names = {k for k, _ in headers}
    if isinstance(body, bytes | bytearray | memoryview):  # a whole read's body is a view
        if b"content-length" not in names:
            headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
        return
    if isinstance(body, FileSlice) and b"content-length" not in names:
        headers.append((b"content-length", str(body.length).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    if method == "HEAD":
        await send({"type": "http.response.body", "body": b""})
        return
    # The chunk that completes the declared length ends the body (no extra empty message).
    remaining = _declared_length(headers)
    ended = False
    chunks = _file_chunks(body) if isinstance(body, FileSlice) else body
    async for chunk in chunks:
        if chunk and not ended:
            if remaining is not None:
                remaining -= len(chunk)
            ended = remaining is not None and remaining <= 0
            await send({"type": "http.response.body", "body": chunk, "more_body": not ended})
        elif chunk:  # more than the declared length: the server refuses it
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    if not ended:
        await send({"type": "http.response.body", "body": b""})


def _declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length" and value.isdigit():
            return int(value)
    return None


async def _file_chunks(part: FileSlice) -> AsyncIterator[bytes]:
    fd = await asyncio.to_thread(os.open, part.path, os.O_RDONLY)
    try:
        offset, remaining = part.offset, part.length
        while remaining > 0:
            chunk = await asyncio.to_thread(os.pread, fd, min(FILE_CHUNK, remaining), offset)
            if not chunk:
                break
            offset += len(chunk)
            remaining -= len(chunk)
            yield chunk
    finally:
        os.close(fd)


async def iterate(body: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    async for chunk in body:
        yield chunk
