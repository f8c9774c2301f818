"""Hashing in pieces that keep the GIL gives the digest of the whole."""

from __future__ import annotations

import hashlib

import pytest

from fogbank.core.hashing import GIL_KEPT, update_holding_gil


@pytest.mark.parametrize("size", [0, 1, GIL_KEPT, GIL_KEPT + 1, 3 * GIL_KEPT, 70_001])
@pytest.mark.parametrize("name", ["sha256", "md5"])
def test_the_digest_is_that_of_the_whole(name: str, size: int) -> None:
    data = bytes(i % 251 for i in range(size))
    pieces = hashlib.new(name)
    update_holding_gil(pieces, bytearray(data))
    assert pieces.hexdigest() == hashlib.new(name, data).hexdigest()


class _Recorder:
    def __init__(self) -> None:
        self.sizes: list[int] = []

    def update(self, data: bytes | bytearray | memoryview, /) -> None:
        self.sizes.append(len(data))


def test_no_piece_is_large_enough_for_hashlib_to_release_the_gil() -> None:
    recorder = _Recorder()
    update_holding_gil(recorder, b"x" * 10_000)
    assert sum(recorder.sizes) == 10_000
    assert max(recorder.sizes) <= GIL_KEPT < 2048
