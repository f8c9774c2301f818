"""MaxResults / NextToken over a sorted listing (the token names the last item shown)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from fogbank.services.ec2 import errors

T = TypeVar("T")
_PREFIX = "fb1:"


def _encode(key: str) -> str:
    return base64.urlsafe_b64encode((_PREFIX + key).encode()).decode().rstrip("=")


def _decode(token: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise errors.invalid_token(token) from None
    if not raw.startswith(_PREFIX):
        raise errors.invalid_token(token)
    return raw[len(_PREFIX) :]


def max_results(params: Mapping[str, object], low: int = 5, high: int = 1000) -> int | None:
    value = params.get("MaxResults")
    if value is None:
        return None
    assert isinstance(value, int)
    if not low <= value <= high:
        raise errors.max_results(value, low, high)
    return value


def page(
    items: Sequence[T],
    key: Callable[[T], str],
    params: Mapping[str, object],
    *,
    low: int = 5,
    high: int = 1000,
) -> tuple[list[T], str | None]:
    """One page of ``items`` (sorted here by ``key``) and the token for the next."""
    limit = max_results(params, low, high)
    token = params.get("NextToken")
    ordered = sorted(items, key=key)
    if isinstance(token, str) and token:
        after = _decode(token)
        ordered = [item for item in ordered if key(item) > after]
    if limit is None or len(ordered) <= limit:
        return list(ordered), None
    shown = list(ordered[:limit])
    return shown, _encode(key(shown[-1]))
