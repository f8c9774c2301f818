"""The ``x-amz-copy-source`` header: ``[/]bucket/key[?versionId=id]``, URL-encoded, and
``x-amz-copy-source-range`` (``bytes=first-last``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from fogbank.services.s3 import errors
from fogbank.services.s3.ranges import ByteRange

_RANGE = re.compile(r"bytes=(\d+)-(\d+)\Z")


@dataclass(frozen=True)
class CopySource:
    bucket: str
    key: str
    version_id: str | None = None


def parse_copy_source(value: str) -> CopySource:
    raw = value.strip()
    path, _, query = raw.partition("?")
    version_id = None
    if query:
        for k, v in parse_qsl(query, keep_blank_values=True):
            if k == "versionId":
                version_id = v
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        raise _invalid() from None
    decoded = decoded.removeprefix("/")
    bucket, sep, key = decoded.partition("/")
    if not sep or not bucket or not key:
        raise _invalid()
    return CopySource(bucket, key, version_id)


def _invalid() -> Exception:
    return errors.invalid_argument("Invalid copy source object key", "x-amz-copy-source", None)


def parse_copy_range(value: str | None, size: int) -> ByteRange | None:
    if value is None:
        return None
    m = _RANGE.match(value.strip())
    if m is None:
        raise errors.invalid_argument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where "
            "first and last are the zero-based offsets of the first and last bytes to copy",
            "x-amz-copy-source-range",
            value,
        )
    first, last = int(m.group(1)), int(m.group(2))
    if last < first or last >= size:
        raise errors.invalid_range_copy(size, value)
    return ByteRange(first, last + 1)
