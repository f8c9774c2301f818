"""Byte streams that pass between layers: request bodies read once, file slices sent as-is.

The body of a request is a stream, read at most once: as a whole (bounded) by parsers of
small documents, or chunk by chunk by operations that store bytes. Layers wrap it (the
authenticator wraps it in a verifier of the payload hash or of aws-chunked signatures).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from fogbank.core.errors import AwsError


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

    @property
    def consumed(self) -> bool:
        """Whether reading has begun (a response that leaves it unread may need to close)."""
        return self._consumed

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self._consumed:
            raise RuntimeError("request body already consumed")
        self._consumed = True
        return self.chunks()

    def chunks(self) -> AsyncIterator[bytes]:  # pragma: no cover - overridden
        """The stream itself; subclasses implement it as an async generator."""
        raise NotImplementedError

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
class FileSlice:
    """A byte range of a file on disk, sent without passing through Python when possible."""

    path: str
    offset: int
    length: int
