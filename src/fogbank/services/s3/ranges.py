"""The ``Range`` header of GetObject/HeadObject (RFC 9110 byte ranges, as S3 applies them).

S3 serves one range: ``bytes=first-last``, ``bytes=first-`` or ``bytes=-suffix``. A range
it cannot parse, or a list of several ranges, is ignored (the whole object is returned
with 200). A syntactically valid range that selects nothing (first beyond the end, or a
zero-length suffix) is ``InvalidRange`` (416); a last byte past the end is clipped.
An empty object has no satisfiable range, except that S3 answers ``bytes=-N`` on it
with the empty body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fogbank.services.s3 import errors

_RANGE = re.compile(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*\Z", re.IGNORECASE)


@dataclass(frozen=True)
class ByteRange:
    start: int  # first byte
    end: int  # one past the last byte

    @property
    def length(self) -> int:
        return self.end - self.start

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end - 1}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The bytes ``header`` selects of an object of ``size`` bytes; None means the whole
    object (no header, or one S3 ignores); ``InvalidRange`` when nothing is selected."""
    if header is None:
        return None
    m = _RANGE.match(header)
    if m is None:
        return None
    first, last = m.group(1), m.group(2)
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        n = int(last)
        if n == 0:
            if size == 0:
                return None
            raise errors.invalid_range(size, header)
        return ByteRange(max(0, size - n), size) if size else None
    start = int(first)
    if last:
        end = int(last) + 1
        if end <= start:
            return None  # last < first: not a valid range; S3 ignores it
    else:
        end = size
    if start >= size:
        raise errors.invalid_range(size, header)
    return ByteRange(start, min(end, size))
