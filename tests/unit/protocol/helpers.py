"""Small helpers for hand-made requests."""

from __future__ import annotations

from collections.abc import Iterable

from fogbank.core.errors import AwsError
from fogbank.protocol.http import Body, BytesBody, Headers, HttpRequest
from fogbank.protocol.specs import OperationCall, ServiceProtocol
from tests.protocol.wire import run


def request(
    method: str,
    target: str,
    headers: Iterable[tuple[str, str]] = (),
    body: bytes | Body = b"",
    virtual_bucket: str | None = None,
) -> HttpRequest:
    path, _, query = target.partition("?")
    req = HttpRequest(
        method,
        path,
        query,
        Headers([("host", "127.0.0.1:4566"), *headers]),
        body if isinstance(body, Body) else BytesBody(body),
    )
    req.virtual_bucket = virtual_bucket
    return req


def parse(protocol: ServiceProtocol, req: HttpRequest) -> OperationCall:
    call: OperationCall = run(protocol.parse(req))
    return call


def parse_error(protocol: ServiceProtocol, req: HttpRequest) -> AwsError:
    try:
        call = run(protocol.parse(req))
    except AwsError as error:
        return error
    raise AssertionError(f"parsed as {call}")
