"""A gateway process's socket takes connections only once the process serves: bound
early (the port is known, and shared with SO_REUSEPORT), listening from Listener.start."""

from __future__ import annotations

import asyncio
import socket

import pytest

from fogbank.server.listener import Listener, bind


async def _app(scope: object, receive: object, send: object) -> None:
    raise AssertionError("no request is sent")


def test_a_bound_socket_refuses_until_the_listener_starts() -> None:
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    second = bind("127.0.0.1", port)  # another process's share of the same port
    try:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5).close()

        async def serve() -> None:
            listener = Listener(_app)
            await listener.start(sock)
            try:
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                await writer.wait_closed()
            finally:
                await listener.shutdown()

        asyncio.run(serve())
    finally:
        sock.close()
        second.close()
