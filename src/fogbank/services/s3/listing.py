"""Key listings with prefix, delimiter, markers and max-keys, as S3 computes them.

``walk`` is pure: it pulls rows in key order from a ``fetch`` function (a SQL page, in
the store) and folds keys that contain the delimiter after the prefix into common
prefixes. A common prefix is returned once; the walk then skips every key under it,
jumping past it with one query (``successor``) when the current page ends inside it.
Results (keys and common prefixes together) stop at ``max_keys``; ``truncated`` is true
only if something follows.

Positions are exclusive: a marker, ``start-after`` or continuation token names the last
thing returned, and a common prefix at or before it is not returned again. Keys added
while a client pages do not disturb the pages: the next page starts after the last item
returned, whatever was inserted before it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import quote

from fogbank.services.s3 import errors

T = TypeVar("T")

Fetch = Callable[[str, bool, str | None, int], Sequence[T]]
"""``fetch(after, inclusive, before, limit)`` -> rows in key order."""

_MAX_CODE_POINT = 0x10FFFF


def successor(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix`` (None if
    there is none). Code point order is UTF-8 byte order, which is how keys sort."""
    chars = list(prefix)
    while chars:
        last = ord(chars.pop())
        nxt = last + 1
        if 0xD800 <= nxt <= 0xDFFF:
            nxt = 0xE000
        if nxt <= _MAX_CODE_POINT:
            return "".join(chars) + chr(nxt)
    return None


@dataclass
class Listing(Generic[T]):
    contents: list[T] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    last: str | None = None  # the last key or common prefix returned
    last_is_prefix: bool = False


def walk(
    fetch: Fetch[T],
    key_of: Callable[[T], str],
    *,
    prefix: str = "",
    delimiter: str | None = None,
    after: str | None = None,
    max_keys: int = 1000,
    batch: int = 1000,
) -> Listing[T]:
    out: Listing[T] = Listing()
    if max_keys <= 0:
        return out
    upper = successor(prefix) if prefix else None
    if after is not None and after >= prefix:
        pos, inclusive = after, False
    else:
        pos, inclusive = prefix, True
    count = 0
    inside: str | None = None  # the common prefix whose keys are being skipped
    while True:
        rows = fetch(pos, inclusive, upper, batch)
        for row in rows:
            key = key_of(row)
            if inside is not None and key.startswith(inside):
                continue
            inside = None
            cp = _common_prefix(key, prefix, delimiter)
            if cp is not None:
                inside = cp
                if after is not None and cp <= after:
                    continue
                if count == max_keys:
                    out.truncated = True
                    return out
                out.prefixes.append(cp)
                out.last, out.last_is_prefix = cp, True
            else:
                if count == max_keys:
                    out.truncated = True
                    return out
                out.contents.append(row)
                out.last, out.last_is_prefix = key, False
            count += 1
        if len(rows) < batch:
            return out
        if inside is not None:
            jump = successor(inside)
            if jump is None:
                return out
            pos, inclusive = jump, True
            inside = None
        else:
            pos, inclusive = key_of(rows[-1]), False


def _common_prefix(key: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter:
        return None
    i = key.find(delimiter, len(prefix))
    return None if i < 0 else key[: i + len(delimiter)]


# -- continuation tokens (ListObjectsV2) -------------------------------------------------


def make_token(last: str, is_prefix: bool) -> str:
    """An opaque token naming the last item of a page."""
    raw = ("p" if is_prefix else "k") + last
    return base64.urlsafe_b64encode(raw.encode("utf-8", "surrogatepass")).decode("ascii")


def read_token(token: str) -> str:
    """The position a token resumes after; InvalidArgument if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8", "surrogatepass")
    except (binascii.Error, ValueError, UnicodeError):
        raise errors.invalid_argument(
            "The continuation token provided is incorrect", "continuation-token", token
        ) from None
    if not raw or raw[0] not in "kp":
        raise errors.invalid_argument(
            "The continuation token provided is incorrect", "continuation-token", token
        )
    return raw[1:]


def url_encode(value: str) -> str:
    """``encoding-type=url``: keys as S3 encodes them (``/`` kept)."""
    return quote(value, safe="/", errors="surrogatepass")
