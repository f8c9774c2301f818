"""Test helpers: an in-memory key store, a movable clock, and requests captured from botocore.

botocore is the independent reference: requests are built and signed by real boto3 clients
(``before-send`` hands us the prepared request instead of sending it) and turned into the
``HttpRequest`` the server edge would make of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import boto3  # type: ignore[import-untyped]
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

from fogbank.auth.credentials import Credential
from fogbank.core.clock import Clock
from fogbank.core.principal import root_principal
from fogbank.protocol.catalog import BY_NAME, ServiceInfo
from fogbank.protocol.http import Body, Headers, HttpRequest

T = TypeVar("T")

ACCOUNT = "123456789012"
AK = "AKIAFOGBANKTEST00001"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY"
TMP_AK = "ASIAFOGBANKTEST00002"
TMP_SECRET = "tmpSecret/abc+def=="
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJGMEQCIEXAMPLETOKEN=="
DOC_AK = "AKIAIOSFODNN7EXAMPLE"
DOC_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


class MemoryCredentials:
    """A CredentialLookup over a dict (tests only)."""

    def __init__(self, *credentials: Credential) -> None:
        self.by_id = {c.access_key_id: c for c in credentials}

    async def lookup(self, access_key_id: str) -> Credential | None:
        return self.by_id.get(access_key_id)


def long_term(access_key: str = AK, secret: str = SECRET) -> Credential:
    return Credential(access_key, secret, root_principal(ACCOUNT, access_key))


def temporary(expires_at: float | None = None) -> Credential:
    return Credential(
        TMP_AK,
        TMP_SECRET,
        root_principal(ACCOUNT, TMP_AK),
        session_token=TOKEN,
        expires_at=expires_at if expires_at is not None else time.time() + 3600,
    )


class MovableClock:
    """Simulated time = real time + offset (botocore signs with the real time)."""

    def __init__(self, fixed: float | None = None) -> None:
        self.offset = 0.0
        self.fixed = fixed
        self.clock = Clock(real=self._real)

    def _real(self) -> float:
        base = self.fixed if self.fixed is not None else time.time()
        return base + self.offset


class PiecesBody(Body):
    """A body delivered in the given pieces (as a transport would)."""

    def __init__(self, pieces: Iterable[bytes], length: int | None = None) -> None:
        super().__init__()
        self._pieces = list(pieces)
        self.length = length

    async def chunks(self) -> AsyncIterator[bytes]:
        for piece in self._pieces:
            yield piece


def split_every(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def read_all(body: Body) -> bytes:
    return b"".join([chunk async for chunk in body])


def service(name: str) -> ServiceInfo:
    return BY_NAME[name]


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, *args: object, **kwargs: object) -> Iterable[bytes]:
        yield self._data


_CAPTURED: list[tuple[AWSPreparedRequest, bytes]] = []


def _before_send(request: AWSPreparedRequest, **kwargs: object) -> AWSResponse:
    body = request.body
    if body is None:
        data = b""
    elif isinstance(body, bytes | bytearray):
        data = bytes(body)
    elif isinstance(body, str):
        data = body.encode("utf-8")
    else:
        data = body.read()
    _CAPTURED.append((request, data))
    return AWSResponse(request.url, 200, {}, _Raw(b""))


@functools.lru_cache(maxsize=1)
def _session() -> boto3.session.Session:
    return boto3.session.Session()  # one session: its model loader cache is shared


@functools.lru_cache(maxsize=256)
def _client(
    service_name: str,
    endpoint: str,
    access_key: str,
    secret: str,
    token: str | None,
    region: str,
    config: Config | None,
) -> Any:
    base = Config(retries={"max_attempts": 0}, s3={"addressing_style": "path"})
    client = _session().client(
        service_name,
        endpoint_url=endpoint,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name=region,
        config=base.merge(config) if config else base,
    )
    client.meta.events.register("before-send", _before_send)
    return client


def client_for(
    service_name: str,
    *,
    endpoint: str = "http://localhost:4566",
    access_key: str = AK,
    secret: str = SECRET,
    token: str | None = None,
    region: str = "us-east-1",
    config: Config | None = None,
) -> Any:
    """A boto3 client that hands its requests to ``capture`` instead of sending them."""
    return _client(service_name, endpoint, access_key, secret, token, region, config)


def capture(
    service_name: str,
    call: Callable[[Any], object],
    **client_args: Any,
) -> tuple[AWSPreparedRequest, bytes]:
    """The request (and its body bytes) a boto3 client sends for ``call(client)``."""
    client = client_for(service_name, **client_args)
    _CAPTURED.clear()
    with contextlib.suppress(Exception):  # the fake response need not parse
        call(client)
    assert _CAPTURED, "no request was sent"
    return _CAPTURED[0]


def to_request(
    prepared: AWSPreparedRequest,
    data: bytes,
    *,
    piece_size: int | None = None,
    virtual_bucket: str | None = None,
) -> HttpRequest:
    """What the server edge makes of a request botocore sent (HTTP chunking undone)."""
    parts = urlsplit(prepared.url)
    headers = Headers()
    if "host" not in {k.lower() for k in prepared.headers}:
        headers.add("host", parts.netloc)
    for name, value in prepared.headers.items():
        headers.add(name, value.decode("latin-1") if isinstance(value, bytes) else value)
    pieces = split_every(data, piece_size) if piece_size else [data]
    return HttpRequest(
        method=prepared.method,
        path=parts.path or "/",
        query_string=parts.query,
        headers=headers,
        body=PiecesBody(pieces, len(data)),
        scheme=parts.scheme,
        virtual_bucket=virtual_bucket,
    )


def url_request(
    url: str, method: str = "GET", headers: Iterable[tuple[str, str]] = ()
) -> HttpRequest:
    """A request for a (presigned) URL as a browser or curl would send it."""
    parts = urlsplit(url)
    return HttpRequest(
        method=method,
        path=parts.path or "/",
        query_string=parts.query,
        headers=Headers([("host", parts.netloc), *headers]),
        body=PiecesBody([b""], 0),
        scheme=parts.scheme,
    )


# --- an independent SigV4 signer (for what botocore never sends) ---------------------------


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def derive_key(secret: str, date: str, region: str, svc: str) -> bytes:
    key = _hmac(("AWS4" + secret).encode("utf-8"), date)
    for part in (region, svc, "aws4_request"):
        key = _hmac(key, part)
    return key


def sign_headers_v4(
    *,
    method: str,
    canonical_uri: str,
    canonical_query: str,
    headers: dict[str, str],
    payload_hash: str,
    secret: str,
    access_key: str,
    amz_date: str,
    region: str = "us-east-1",
    svc: str = "s3",
) -> tuple[str, str]:
    """(Authorization header, signature) over lower-cased ``headers`` (all signed)."""
    names = sorted(headers)
    canon_headers = "".join(f"{n}:{' '.join(headers[n].split())}\n" for n in names)
    signed = ";".join(names)
    canonical = "\n".join(
        [method, canonical_uri, canonical_query, canon_headers, signed, payload_hash]
    )
    scope = f"{amz_date[:8]}/{region}/{svc}/aws4_request"
    sts = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    signature = hmac.new(
        derive_key(secret, amz_date[:8], region, svc), sts.encode(), hashlib.sha256
    ).hexdigest()
    auth = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, "
        f"Signature={signature}"
    )
    return auth, signature


def signed_chunks(
    data: bytes,
    chunk_size: int,
    *,
    seed: str,
    secret: str,
    amz_date: str,
    region: str = "us-east-1",
    trailer: tuple[str, str] | None = None,
    blank_after_zero: bool = False,
) -> bytes:
    """An aws-chunked body with chunk signatures (and an optional signed trailer)."""
    key = derive_key(secret, amz_date[:8], region, "s3")
    scope = f"{amz_date[:8]}/{region}/s3/aws4_request"
    empty = hashlib.sha256(b"").hexdigest()
    previous = seed
    out = bytearray()
    pieces = [data[i : i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    for piece in pieces:
        sts = "\n".join(
            [
                "AWS4-HMAC-SHA256-PAYLOAD",
                amz_date,
                scope,
                previous,
                empty,
                hashlib.sha256(piece).hexdigest(),
            ]
        )
        previous = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        out += b"%x;chunk-signature=%s\r\n" % (len(piece), previous.encode())
        if piece:
            out += piece + b"\r\n"
    if trailer is None:
        out += b"\r\n"
        return bytes(out)
    if blank_after_zero:
        out += b"\r\n"
    name, value = trailer
    canonical = f"{name}:{value}\n"
    sts = "\n".join(
        [
            "AWS4-HMAC-SHA256-TRAILER",
            amz_date,
            scope,
            previous,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    trailer_sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    out += f"{name}:{value}\r\nx-amz-trailer-signature:{trailer_sig}\r\n\r\n".encode()
    return bytes(out)
