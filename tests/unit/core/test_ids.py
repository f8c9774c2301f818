"""Identifiers and random bytes."""

from __future__ import annotations

import pytest

from fogbank.core.ids import random_bytes, random_hex


@pytest.mark.parametrize("n", [0, 1, 12, 32, 48, 300])
def test_random_bytes_have_the_length_asked(n: int) -> None:
    assert len(random_bytes(n)) == n


def test_random_bytes_differ_between_calls() -> None:
    drawn = {random_bytes(16) for _ in range(1000)}
    assert len(drawn) == 1000


def test_random_hex() -> None:
    text = random_hex(16)
    assert len(text) == 32 and int(text, 16) >= 0 and text == text.lower()
