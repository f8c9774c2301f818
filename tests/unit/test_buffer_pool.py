"""BufferPool lends a buffer again only when nothing else refers to it."""

from __future__ import annotations

import pytest

from fogbank.storage.blobs.buffers import BufferPool


def test_a_free_buffer_is_lent_again() -> None:
    pool = BufferPool(64, 2)
    first = pool.take()
    ident = id(first)
    assert len(first) == 64
    del first
    again = pool.take()
    assert id(again) == ident and len(pool) == 1


def test_a_referenced_buffer_is_not_lent() -> None:
    pool = BufferPool(64, 4)
    held = pool.take()
    view = memoryview(pool.take())[:10]  # only a view of the second one is kept
    third = pool.take()
    assert third is not held and third.__class__ is bytearray
    assert id(third) != id(view.obj)
    held[:3] = b"abc"
    view[:3] = b"xyz"
    third[:3] = b"123"
    assert bytes(held[:3]) == b"abc" and bytes(view[:3]) == b"xyz"
    del third
    fourth = pool.take()
    assert bytes(fourth[:3]) == b"123"  # the freed one, contents as left


def test_the_pool_keeps_at_most_count_buffers() -> None:
    pool = BufferPool(16, 2)
    taken = [pool.take() for _ in range(5)]
    assert len({id(b) for b in taken}) == 5 and len(pool) == 2
    with pytest.raises(ValueError):
        BufferPool(0, 1)
