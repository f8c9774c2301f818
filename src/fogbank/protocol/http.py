"""HTTP request and response as the layers below the edge see them.

The body of a request is a stream, read at most once: as a whole (bounded) by parsers of
small documents, or chunk by chunk by operations that store bytes. Layers wrap it (the
authenticator wraps it in a verifier of the payload hash or of aws-chunked signatures).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from fogbank.core.errors import AwsError


class Headers:
    """Case-insensitive, multi-valued request/response headers (names kept lower-case)."""

    __slots__ = ("_items", "_map")

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: list[tuple[str, str]] = []
        self._map: dict[str, list[str]] = {}
        for name, value in items:
            self.add(name, value)

    @classmethod
    def from_asgi(cls, raw: Iterable[tuple[bytes, bytes]]) -> Headers:
        return cls((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)

    def add(self, name: str, value: str) -> None:
        lname = name.lower()
        self._items.append((lname, value))
        self._map.setdefault(lname, []).append(value)

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self._map.get(name.lower())
        if not values:
            return default
        return values[0] if len(values) == 1 else ",".join(values)

    def get_all(self, name: str) -> list[str]:
        return list(self._map.get(name.lower(), ()))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._map

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def names(self) -> list[str]:
        return list(self._map)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


class Body:
    """A request body: an async stream of byte chunks, consumed once.

    ``length`` is the number of payload bytes when known (Content-Length, or the decoded
    length of an aws-chunked body). ``trailers`` holds trailing headers (aws-chunked
    checksum trailers) once the stream has been read to the end.
    """

    length: int | None = None

    def __init__(self) -> None:
        self.trailers: dict[str, str] = {}
        self._consumed = False

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self._consumed:
            raise RuntimeError("request body already consumed")
        self._consumed = True
        return self.chunks()

    async def chunks(self) -> AsyncIterator[bytes]:  # pragma: no cover - overridden
        raise NotImplementedError
        yield b""

    async def read(self, limit: int, too_large: AwsError | None = None) -> bytes:
        """The whole body, if it is at most ``limit`` bytes; else ``too_large`` is raised."""
        parts: list[bytes] = []
        size = 0
        async for chunk in self:
            size += len(chunk)
            if size > limit:
                raise too_large or AwsError(
                    "RequestEntityTooLarge",
                    f"The request body exceeds the maximum of {limit} bytes.",
                    status=413,
                )
            parts.append(chunk)
        return b"".join(parts)


class BytesBody(Body):
    """A body already in memory (tests, internal calls)."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data
        self.length = len(data)

    async def chunks(self) -> AsyncIterator[bytes]:
        if self._data:
            yield self._data


class WrappedBody(Body):
    """Base for layers that transform or verify another body as it streams."""

    def __init__(self, inner: Body, length: int | None = None) -> None:
        super().__init__()
        self.inner = inner
        self.length = inner.length if length is None else length

    async def chunks(self) -> AsyncIterator[bytes]:
        async for chunk in self.inner:
            yield chunk
        self.trailers.update(self.inner.trailers)


@dataclass
class HttpRequest:
    method: str
    path: str  # the raw path as sent, still percent-encoded
    query_string: str  # the raw query string, without '?'
    headers: Headers
    body: Body
    scheme: str = "http"
    client_ip: str = "127.0.0.1"
    # S3 virtual-hosted style: the bucket named by the Host header, set by routing.
    virtual_bucket: str | None = None
    _query: list[tuple[str, str]] | None = field(default=None, repr=False)

    @property
    def host(self) -> str:
        return self.headers.get("host") or ""

    @property
    def query(self) -> list[tuple[str, str]]:
        """Decoded query parameters in order; valueless keys (``?uploads``) map to ''."""
        if self._query is None:
            self._query = parse_qsl(self.query_string, keep_blank_values=True)
        return self._query

    def query_get(self, name: str) -> str | None:
        for k, v in self.query:
            if k == name:
                return v
        return None


@dataclass
class FileSlice:
    """A byte range of a file on disk, sent without passing through Python when possible."""

    path: str
    offset: int
    length: int


ResponseBody = bytes | AsyncIterable[bytes] | FileSlice


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: ResponseBody = b""

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None


def header_map(headers: Iterable[tuple[str, str]]) -> Mapping[str, str]:
    return {k.lower(): v for k, v in headers}
