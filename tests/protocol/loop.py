"""Real boto3 clients wired to fogbank's protocol layer in-process.

A ``before-send`` handler takes the request a real client built (after all of botocore's
handlers, checksums and signing), turns it into an ``HttpRequest``, parses it with
``Specs``, hands the ``OperationCall`` to a fake backend, serializes the backend's output
or ``AwsError``, and returns that to the client as its HTTP response. Every client-side
customization (S3's GetBucketLocation handler, modeled error classes, pagination input
defaults ...) runs for real.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterable, Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

from fogbank.core.errors import AwsError
from fogbank.protocol.http import BytesBody, FileSlice, Headers, HttpRequest, HttpResponse
from fogbank.protocol.specs import OperationCall, Specs
from tests.protocol.wire import run

Backend = Callable[[OperationCall], Mapping[str, object]]
VIRTUAL_SUFFIX = ".s3.fogbank.test:4566"


class _Raw:
    """What botocore expects of urllib3's response object."""

    def __init__(self, data: bytes) -> None:
        self._io = io.BytesIO(data)

    def stream(self, amt: int | None = None, decode_content: bool = False) -> Iterator[bytes]:
        while chunk := self._io.read(amt or 65536):
            yield chunk

    def read(self, amt: int | None = None, decode_content: bool = False) -> bytes:
        return self._io.read(amt if amt is not None else -1)


async def _drain(body: AsyncIterable[bytes]) -> bytes:
    return b"".join([chunk async for chunk in body])


def _body_bytes(response: HttpResponse) -> bytes:
    body = response.body
    if isinstance(body, bytes):
        return body
    if isinstance(body, FileSlice):
        with open(body.path, "rb") as f:
            f.seek(body.offset)
            return f.read(body.length)
    return bytes(run(_drain(body)))


_SESSION: list[boto3.session.Session] = []
_CLIENTS: dict[tuple[int, str, str], Any] = {}


class Loop:
    """One service's client loop; ``calls`` records what fogbank parsed."""

    def __init__(self, specs: Specs, service: str, backend: Backend) -> None:
        self.specs = specs
        self.service = service
        self.backend = backend
        self.calls: list[OperationCall] = []
        self.bodies: list[bytes] = []  # streaming request bodies, read by the fake backend
        self.hosts: list[str] = []

    def client(self, **config: Any) -> Any:
        """A real client whose requests this loop answers (clients are cached: creating
        one costs botocore a second)."""
        key = (id(self.specs), self.service, repr(sorted(config.items())))
        cached = _CLIENTS.get(key)
        if cached is None:
            cached = _CLIENTS[key] = self._new_client(**config)
        cached.meta.events.unregister("before-send", unique_id="fogbank-loop")
        cached.meta.events.register("before-send", self._send, unique_id="fogbank-loop")
        return cached

    def _new_client(self, **config: Any) -> Any:
        if not _SESSION:
            _SESSION.append(boto3.session.Session())
        endpoint = config.pop("endpoint_url", "http://127.0.0.1:4566")
        return _SESSION[0].client(
            self.service,
            endpoint_url=endpoint,
            region_name="eu-west-1",
            aws_access_key_id="AKIDFOGBANKTEST",
            aws_secret_access_key="secret",
            config=Config(retries={"max_attempts": 1}, **config),
        )

    def _send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        url = urlsplit(request.url)
        self.hosts.append(url.netloc)
        headers = Headers([("host", url.netloc)])
        for name, value in request.headers.items():
            headers.add(name, value.decode("latin-1") if isinstance(value, bytes) else value)
        body = request.body
        if body is None:
            data = b""
        elif isinstance(body, bytes | bytearray):
            data = bytes(body)
        elif isinstance(body, str):
            data = body.encode("utf-8")
        else:
            data = body.read()
        http = HttpRequest(request.method, url.path or "/", url.query, headers, BytesBody(data))
        if url.netloc.endswith(VIRTUAL_SUFFIX):
            http.virtual_bucket = url.netloc[: -len(VIRTUAL_SUFFIX)]
        protocol = self.specs.get(self.service)
        request_id = f"REQ{len(self.calls):05d}"
        try:
            call = run(protocol.parse(http))
            self.calls.append(call)
            for value in call.params.values():
                if isinstance(value, BytesBody):
                    self.bodies.append(run(value.read(1 << 24)))
            response = protocol.serialize(call, self.backend(call), request_id)
        except AwsError as error:
            response = protocol.serialize_error(error, request_id, method=request.method)
        return AWSResponse(
            request.url, response.status, dict(response.headers), _Raw(_body_bytes(response))
        )
