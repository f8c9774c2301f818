"""The load generator's response reader, fed responses cut at every place a read can end."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from bench.s3.loadgen import KEEP_BODY, _Exchange
from hypothesis import given
from hypothesis import strategies as st


def _feed(pieces: list[bytes]) -> tuple[int, bytes, int]:
    loop = asyncio.new_event_loop()
    try:
        exchange = _Exchange()
        waiter: asyncio.Future[tuple[int, bytes, int]] = loop.create_future()
        exchange.expect(waiter)
        for piece in pieces:
            assert not waiter.done()
            buf = exchange.get_buffer(len(piece))
            buf[: len(piece)] = piece
            exchange.buffer_updated(len(piece))
        assert waiter.done()
        return waiter.result()
    finally:
        loop.close()


def _cut(raw: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(raw) + 1) for c in cuts} | {0, len(raw)})
    return [raw[a:b] for a, b in itertools.pairwise(points) if b > a]


def _response(body: bytes, extra: str = "") -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    return head.encode() + body


@given(body=st.binary(max_size=300), cuts=st.lists(st.integers(min_value=0), max_size=6))
def test_a_small_body_is_kept_wherever_the_reads_end(body: bytes, cuts: list[int]) -> None:
    assert _feed(_cut(_response(body, "X-A: b\r\n"), cuts)) == (200, body, len(body))


@given(cuts=st.lists(st.integers(min_value=0), max_size=6))
def test_a_large_body_is_counted_not_kept(cuts: list[int]) -> None:
    body = bytes(range(256)) * ((KEEP_BODY + 1000) // 256)
    status, data, length = _feed(_cut(_response(body), cuts))
    assert (status, data, length) == (200, b"", len(body))


@given(cuts=st.lists(st.integers(min_value=0), max_size=6))
def test_a_chunked_body_is_joined(cuts: list[int]) -> None:
    head = b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
    raw = head + b"5\r\nhello\r\n3;x=y\r\n ab\r\n0\r\n\r\n"
    assert _feed(_cut(raw, cuts)) == (404, b"hello ab", 8)


def test_an_empty_body_ends_with_the_head() -> None:
    assert _feed([_response(b"")]) == (200, b"", 0)


def test_a_response_that_does_not_parse_fails_the_request() -> None:
    loop = asyncio.new_event_loop()
    try:
        exchange = _Exchange()
        waiter: asyncio.Future[tuple[int, bytes, int]] = loop.create_future()
        exchange.expect(waiter)
        raw = b"HTTP/1.1 2x0 OK\r\n\r\n"
        exchange.get_buffer(len(raw))[: len(raw)] = raw
        exchange.buffer_updated(len(raw))
        with pytest.raises(ValueError, match="bad response"):
            waiter.result()
    finally:
        loop.close()
