"""KMS list pagination: ``Limit`` (1-1000) and an opaque ``Marker``."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from fogbank.services.kms import errors

T = TypeVar("T")

DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    next_marker: str | None = None

    @property
    def truncated(self) -> bool:
        return self.next_marker is not None


def limit(value: int | None, default: int = DEFAULT_LIMIT) -> int:
    if value is None:
        return default
    if value < 1 or value > 1000:
        raise errors.value_between("limit", value, 1, 1000)
    return value


def marker_after(marker: str | None) -> str:
    """The sort key a marker continues after ("" from the start)."""
    if marker is None:
        return ""
    try:
        raw = base64.b64decode(marker.encode("ascii"), altchars=b"-_", validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise errors.invalid_marker() from None


def page(rows: Sequence[T], size: int, sort_key: Callable[[T], str]) -> Page[T]:
    """Rows fetched with ``LIMIT size + 1``: the page, and a marker if there is more."""
    if len(rows) <= size:
        return Page(tuple(rows))
    last = sort_key(rows[size - 1])
    token = base64.urlsafe_b64encode(last.encode("utf-8")).decode("ascii")
    return Page(tuple(rows[:size]), token)
