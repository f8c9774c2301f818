"""``multipart/form-data`` request bodies (S3 browser POST uploads), parsed as they stream.

The fields before the ``file`` field are read into memory (at most ``max_fields`` bytes,
as S3 limits them); the file's content is then a ``Body`` that streams from the socket to
whoever reads it, up to the closing boundary. Fields after the file are ignored, as S3
ignores them. Field names are kept as sent; S3 treats them case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from fogbank.core.errors import AwsError
from fogbank.core.streams import Body

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_DISPOSITION = re.compile(r'([a-zA-Z*]+)="((?:[^"\\]|\\.)*)"|([a-zA-Z*]+)=([^;\s]+)')
MAX_FIELDS = 20 * 1024
MAX_PART_HEADERS = 8 * 1024


def _malformed(message: str = "The body of your POST request is not well-formed "
               "multipart/form-data.") -> AwsError:  # fmt: skip
    return AwsError("MalformedPOSTRequest", message, status=400)


def boundary_of(content_type: str) -> str | None:
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    m = _BOUNDARY.search(content_type)
    return m.group(1) if m else None


@dataclass
class PostForm:
    fields: dict[str, str] = field(default_factory=dict)
    file_name: str | None = None
    file_content_type: str | None = None
    file: Body | None = None


class _Reader:
    """A pull buffer over a body's chunks."""

    def __init__(self, body: Body) -> None:
        self._it = aiter(body)
        self.buf = bytearray()
        self.eof = False

    async def fill(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = await anext(self._it)
        except StopAsyncIteration:
            self.eof = True
            return False
        self.buf += chunk
        return True

    async def until(self, marker: bytes, limit: int) -> bytes | None:
        """Bytes up to ``marker`` (consumed, marker too); None if the body ends first."""
        start = 0
        while True:
            i = self.buf.find(marker, start)
            if i >= 0:
                out = bytes(self.buf[:i])
                del self.buf[: i + len(marker)]
                return out
            if len(self.buf) > limit:
                raise _malformed(
                    "Your POST request fields preceding the upload file were too large."
                )
            start = max(0, len(self.buf) - len(marker) + 1)
            if not await self.fill():
                return None


class _FileBody(Body):
    """The file part's bytes, up to the delimiter that ends it."""

    def __init__(self, reader: _Reader, delimiter: bytes) -> None:
        super().__init__()
        self._reader = reader
        self._delimiter = delimiter

    async def chunks(self) -> AsyncIterator[bytes]:
        reader, delim = self._reader, self._delimiter
        keep = len(delim) - 1
        while True:
            i = reader.buf.find(delim)
            if i >= 0:
                if i:
                    yield bytes(reader.buf[:i])
                del reader.buf[: i + len(delim)]
                return
            if len(reader.buf) > keep:
                cut = len(reader.buf) - keep
                yield bytes(reader.buf[:cut])
                del reader.buf[:cut]
            if not await reader.fill():
                raise _malformed()


def _part_headers(raw: bytes) -> tuple[str | None, str | None, str | None]:
    """(field name, file name, content type) of one part's header block."""
    name = filename = ctype = None
    for line in raw.decode("utf-8", "replace").split("\r\n"):
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key == "content-disposition":
            for m in _DISPOSITION.finditer(value):
                k = (m.group(1) or m.group(3) or "").lower()
                v = m.group(2) if m.group(2) is not None else m.group(4)
                if k == "name":
                    name = v.replace('\\"', '"')
                elif k == "filename":
                    filename = v.replace('\\"', '"')
        elif key == "content-type":
            ctype = value.strip()
    return name, filename, ctype


async def read_post_form(body: Body, content_type: str, max_fields: int = MAX_FIELDS) -> PostForm:
    """The form's fields up to the file, and the file as a stream."""
    boundary = boundary_of(content_type)
    if not boundary:
        raise _malformed()
    reader = _Reader(body)
    dash = b"--" + boundary.encode("latin-1")
    delimiter = b"\r\n" + dash
    form = PostForm()
    preamble = await reader.until(dash, max_fields)
    if preamble is None:
        raise _malformed()
    used = 0
    while True:
        while len(reader.buf) < 2 and await reader.fill():
            pass
        if reader.buf[:2] == b"--":  # the closing delimiter: no file part
            return form
        head = await reader.until(b"\r\n\r\n", MAX_PART_HEADERS)
        if head is None:
            raise _malformed()
        name, filename, ctype = _part_headers(head.removeprefix(b"\r\n"))
        if name is None:
            raise _malformed()
        if name.lower() == "file":
            form.file_name = filename
            form.file_content_type = ctype
            form.file = _FileBody(reader, delimiter)
            return form
        value = await reader.until(delimiter, max_fields - used)
        if value is None:
            raise _malformed()
        used += len(value) + len(name)
        if used > max_fields:
            raise _malformed("Your POST request fields preceding the upload file were too large.")
        form.fields[name] = value.decode("utf-8", "replace")
