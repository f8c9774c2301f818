"""HTTP request and response as the layers below the edge see them.

Body streams live in ``fogbank.core.streams`` (services use them too) and are re-exported.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from fogbank.core.streams import Body, BytesBody, FileSlice, WrappedBody

__all__ = [
    "Body",
    "BytesBody",
    "FileSlice",
    "Headers",
    "HttpRequest",
    "HttpResponse",
    "ResponseBody",
    "WrappedBody",
    "header_map",
]


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
        headers = cls()
        items, by_name = headers._items, headers._map
        for k, v in raw:  # every request: add()'s work, inlined
            name, value = k.decode("latin-1").lower(), v.decode("latin-1")
            items.append((name, value))
            values = by_name.get(name)
            if values is None:
                by_name[name] = [value]
            else:
                values.append(value)
        return headers

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

    def values(self, name: str) -> Sequence[str]:
        """The values of ``name`` as held (no copy): for reading only."""
        return self._map.get(name.lower(), ())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._map

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def names(self) -> list[str]:
        return list(self._map)

    def mapping(self) -> Mapping[str, str]:
        """A read-only view: lower-case name -> value (repeated headers joined by ',')."""
        return _HeaderMapping(self)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


class _HeaderMapping(Mapping[str, str]):
    __slots__ = ("_headers",)

    def __init__(self, headers: Headers) -> None:
        self._headers = headers

    def __getitem__(self, name: str) -> str:
        value = self._headers.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def get(self, name: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self._headers.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._headers

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers.names())

    def __len__(self) -> int:
        return len(self._headers.names())


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
    tls_version: str | None = None  # e.g. "TLSv1.3" when the connection is TLS
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
