"""botocore's own client-side wire code, as the other end of every round trip.

Requests: ``botocore.serialize.create_serializer`` (with botocore's parameter validation),
``prepare_request_dict`` with a fixed endpoint and ``AWSRequest.prepare`` (exactly what a
client does before signing and sending). S3 is addressed path-style because the raw model's
``/{Bucket}/{Key+}`` templates are used as they are.

Responses: ``botocore.parsers.create_parser(protocol).parse`` on the status, the headers
(in urllib3's case-insensitive dict, as botocore receives them) and the body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.model import OperationModel, Shape
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from urllib3._collections import HTTPHeaderDict

from fogbank.protocol.http import BytesBody, Headers, HttpRequest, HttpResponse

ENDPOINT = "http://127.0.0.1:4566"


def botocore_request(op: OperationModel, params: Mapping[str, Any]) -> HttpRequest:
    protocol = op.service_model.protocol
    serializer = create_serializer(protocol, include_validation=True)
    request_dict = serializer.serialize_to_request(dict(params), op)
    prepare_request_dict(request_dict, endpoint_url=ENDPOINT)
    prepared = create_request_object(request_dict).prepare()
    url = urlsplit(prepared.url)
    body = prepared.body
    if body is None:
        data = b""
    elif isinstance(body, str):
        data = body.encode("utf-8")
    elif isinstance(body, bytes | bytearray):
        data = bytes(body)
    else:
        data = body.read()
    headers = Headers([("host", url.netloc)])
    for name, value in prepared.headers.items():
        headers.add(name, value.decode("latin-1") if isinstance(value, bytes) else value)
    return HttpRequest(
        method=prepared.method,
        path=url.path or "/",
        query_string=url.query,
        headers=headers,
        body=BytesBody(data),
    )


def response_dict(response: HttpResponse) -> dict[str, Any]:
    body = response.body
    assert isinstance(body, bytes), "streaming bodies are compared by the caller"
    headers = HTTPHeaderDict()
    for name, value in response.headers:
        headers.add(name, value)
    return {"status_code": response.status, "headers": headers, "body": body}


def botocore_parse(protocol: str, response: HttpResponse, shape: Shape | None) -> dict[str, Any]:
    parsed: dict[str, Any] = create_parser(protocol).parse(response_dict(response), shape)
    return parsed


_LOOP: list[asyncio.AbstractEventLoop] = []


def run(coro: Any) -> Any:
    """Run a coroutine to completion on one loop shared by the tests (cheaper than
    asyncio.run per call)."""
    if not _LOOP:
        _LOOP.append(asyncio.new_event_loop())
    return _LOOP[0].run_until_complete(coro)
