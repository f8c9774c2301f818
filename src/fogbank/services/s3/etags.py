"""ETags as S3 computes them.

A single-part object's ETag is the hex MD5 of its bytes; a multipart object's is the hex
MD5 of the concatenated binary MD5s of its parts, then ``-`` and the number of parts
(``"d41d8cd98f00b204e9800998ecf8427e-3"``). On the wire ETags are quoted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def quote(etag: str) -> str:
    return f'"{etag}"'


def unquote(value: str) -> str:
    """An ETag as a client may send it: quoted or not, possibly weak (``W/"..."``)."""
    v = value.strip()
    if v.startswith("W/"):
        v = v[2:]
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        v = v[1:-1]
    return v


def multipart_etag(part_etags: Iterable[str]) -> str:
    """The ETag of an object completed from parts with these (unquoted, hex) ETags."""
    digest = hashlib.md5(usedforsecurity=False)
    count = 0
    for etag in part_etags:
        digest.update(bytes.fromhex(etag))
        count += 1
    return f"{digest.hexdigest()}-{count}"


def is_md5_hex(etag: str) -> bool:
    if len(etag) != 32:
        return False
    try:
        bytes.fromhex(etag)
    except ValueError:
        return False
    return True
