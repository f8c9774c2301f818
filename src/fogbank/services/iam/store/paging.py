"""IAM's pagination: ``Marker`` / ``MaxItems`` / ``IsTruncated``.

A marker is opaque to clients; here it carries the sort key of the first item of the next
page, so that a page stays correct when items before it are deleted meanwhile.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import TypeVar

from fogbank.services.iam import errors

T = TypeVar("T")


def encode(key: str) -> str:
    return base64.urlsafe_b64encode(("fb1:" + key).encode()).decode("ascii")


def decode(marker: object) -> str | None:
    """The sort key a marker starts at; None without a marker; ValidationError if bad."""
    if marker is None or marker == "":
        return None
    try:
        text = base64.urlsafe_b64decode(str(marker).encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith("fb1:"):
        raise errors.validation("Invalid Marker.")
    return text[4:]


def cut(items: Sequence[T], limit: int, key: Callable[[T], str]) -> tuple[list[T], str | None]:
    """``items`` were fetched with ``limit + 1``: the page, and the next marker if any."""
    if len(items) > limit:
        return list(items[:limit]), encode(key(items[limit]))
    return list(items), None


def page_output(member: str, items: list[object], marker: str | None) -> dict[str, object]:
    out: dict[str, object] = {member: items, "IsTruncated": marker is not None}
    if marker is not None:
        out["Marker"] = marker
    return out
