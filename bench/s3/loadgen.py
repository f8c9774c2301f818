"""One load-generator process: C keep-alive connections, each sending requests in a loop.

    python -m bench.s3.loadgen < spec.json    ->  writes its result to spec['out']

Spec: host, port, op (put | get | list | raw_get), bucket, keys (list; requests go round
robin) or key_prefix (a new key per request), size (PUT body size), concurrency,
duration (s) or requests, access/secret keys.
HTTP/1.1 is written and read by hand (a buffered protocol on uvloop): a request costs the
generator a signature and a few syscalls, so that the server, not this, is measured.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import re
import sys
import time
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import uvloop

from bench.s3.signing import EMPTY_SHA256, Signer, canonical_query

_TOKEN = re.compile(rb"<NextContinuationToken>([^<]+)</NextContinuationToken>")


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    bytes: int = 0
    errors: int = 0
    pages: int = 0
    first_error: str = ""


KEEP_BODY = 1 << 16
"""Response bodies up to this size are kept (LIST pages, errors); larger ones are counted."""


class _Exchange(asyncio.BufferedProtocol):
    """One keep-alive connection's responses, read straight into one reused buffer.

    The kernel copies each response once, into ``_buf``; bodies larger than
    ``KEEP_BODY`` are only counted. (asyncio streams copied every byte three or four
    times and allocated a fresh buffer per read, which made the generator cost a
    MiniStack-sized server's worth of CPU on 1 MiB GETs.)"""

    def __init__(self) -> None:
        self._buf = bytearray(1 << 20)
        self._view = memoryview(self._buf)
        self.transport: asyncio.Transport | None = None
        self._waiter: asyncio.Future[tuple[int, bytes, int]] | None = None
        self._head = bytearray()  # the head so far, until it is whole
        self._status = 0
        self._left = -1  # body bytes still to come; -1: reading the head
        self._length = 0
        self._chunked = False
        self._keep = True
        self._body = bytearray()  # kept body bytes (or the chunked body as sent)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(exc or ConnectionError("closed mid-response"))

    def expect(self, waiter: asyncio.Future[tuple[int, bytes, int]]) -> None:
        self._waiter = waiter
        self._head.clear()
        self._body.clear()
        self._left = -1

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._view

    def buffer_updated(self, nbytes: int) -> None:
        try:
            self._take(nbytes)
        except (ValueError, IndexError) as exc:
            if self._waiter is not None and not self._waiter.done():
                self._waiter.set_exception(ValueError(f"bad response: {exc}"))

    def _take(self, nbytes: int) -> None:
        at = 0
        if self._left < 0:
            if self._head:  # a head cut by a read: rare, copy
                self._head += self._view[:nbytes]
                end = self._head.find(b"\r\n\r\n")
                if end < 0:
                    return
                rest = len(self._head) - (end + 4)
                del self._head[end + 4 :]
                at = nbytes - rest
            else:
                end = self._buf.find(b"\r\n\r\n", 0, nbytes)
                if end < 0:
                    self._head += self._view[:nbytes]
                    return
                self._head += self._view[: end + 4]
                at = end + 4
            self._start(bytes(self._head).lower())
        if self._chunked:
            self._body += self._view[at:nbytes]
            if self._body.endswith(b"0\r\n\r\n"):
                self._finish_chunked()
            return
        got = min(nbytes - at, self._left)
        if self._length <= KEEP_BODY:
            self._body += self._view[at : at + got]
        self._left -= got
        if self._left == 0:
            self._done(bytes(self._body), self._length)

    def _start(self, head: bytes) -> None:
        self._status = int(head[9:12])
        self._keep = b"connection: close" not in head
        i = head.find(b"\r\ncontent-length:")
        self._chunked = i < 0 and b"transfer-encoding: chunked" in head
        self._length = int(head[i + 17 : head.find(b"\r\n", i + 2)]) if i >= 0 else 0
        self._left = self._length

    def _finish_chunked(self) -> None:
        raw, pos, parts = self._body, 0, []
        while True:
            eol = raw.index(b"\r\n", pos)
            size = int(raw[pos:eol].split(b";")[0], 16)
            if size == 0:
                break
            parts.append(bytes(raw[eol + 2 : eol + 2 + size]))
            pos = eol + 2 + size + 2
        data = b"".join(parts)
        self._done(data, len(data))

    def _done(self, data: bytes, length: int) -> None:
        self._left = -1
        if not self._keep and self.transport is not None:
            self.transport.close()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result((self._status, data, length))


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.exchange: _Exchange | None = None

    async def request(self, head: bytes, body: bytes = b"") -> tuple[int, bytes, int]:
        """Send; return (status, body (only if at most ``KEEP_BODY``), body length)."""
        loop = asyncio.get_running_loop()
        if self.exchange is None or self.exchange.transport is None:
            _, self.exchange = await loop.create_connection(_Exchange, self.host, self.port)
        exchange = self.exchange
        assert exchange.transport is not None
        waiter: asyncio.Future[tuple[int, bytes, int]] = loop.create_future()
        exchange.expect(waiter)
        exchange.transport.writelines([head, body] if body else [head])
        return await waiter

    def close(self) -> None:
        if self.exchange is not None and self.exchange.transport is not None:
            self.exchange.transport.close()


def _head(method: str, path: str, query: str, headers: dict[str, str], length: int | None) -> bytes:
    lines = [f"{method} {path}{'?' + query if query else ''} HTTP/1.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if length is not None:
        lines.append(f"content-length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Client:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.host = f"{spec['host']}:{spec['port']}"
        self.signer = Signer(spec.get("access_key", "x"), spec.get("secret_key", "x"))
        self.counter = itertools.count()
        self.payload = b""
        self.put_headers: dict[str, str] = {}
        if spec["op"] == "put":
            size = int(spec["size"])
            block = bytes(range(256)) * 4096
            self.payload = (block * (size // len(block) + 1))[:size]
            self.payload_hash = hashlib.sha256(self.payload).hexdigest()
            crc = zlib.crc32(self.payload).to_bytes(4, "big")
            self.put_headers = {
                "x-amz-checksum-crc32": base64.b64encode(crc).decode(),
                "x-amz-sdk-checksum-algorithm": "CRC32",
                "content-type": "application/octet-stream",
            }

    def build(self, i: int) -> tuple[bytes, bytes]:
        spec, op = self.spec, self.spec["op"]
        keys = spec.get("keys")
        key = keys[i % len(keys)] if keys else f"{spec['key_prefix']}/{i}"
        if op == "raw_get":
            return _head("GET", "/" + key, "", {"host": self.host}, None), b""
        path = "/" + spec["bucket"] + "/" + quote(key, safe="/~")
        if op == "put":
            headers = self.signer.headers(
                "PUT",
                self.host,
                path,
                "",
                self.payload_hash,
                {**self.put_headers, "content-length": str(len(self.payload))},
            )
            headers.pop("content-length", None)
            return _head("PUT", path, "", headers, len(self.payload)), self.payload
        headers = self.signer.headers("GET", self.host, path, "", EMPTY_SHA256)
        return _head("GET", path, "", headers, None), b""

    def list_request(self, token: str | None) -> bytes:
        path = "/" + self.spec["bucket"]
        params = {"list-type": "2", "max-keys": "1000"}
        if token:
            params["continuation-token"] = token
        query = canonical_query(params)
        headers = self.signer.headers("GET", self.host, path, query, EMPTY_SHA256)
        return _head("GET", path, query, headers, None)

    async def worker(self, index: int, result: Result, deadline: float, limit: int | None) -> None:
        conn = Connection(self.spec["host"], int(self.spec["port"]))
        done = 0
        token: str | None = None
        while time.perf_counter() < deadline:
            i = next(self.counter)
            if limit is not None and i >= limit:
                break
            if self.spec["op"] == "list":
                head, body = self.list_request(token), b""
            else:
                head, body = self.build(i)
            started = time.perf_counter()
            try:
                status, data, length = await conn.request(head, body)
            except (OSError, ValueError) as exc:
                result.errors += 1
                result.first_error = result.first_error or repr(exc)
                conn.close()
                conn = Connection(self.spec["host"], int(self.spec["port"]))
                continue
            result.latencies.append(time.perf_counter() - started)
            if status >= 300:
                result.errors += 1
                result.first_error = result.first_error or f"{status} {data[:300]!r}"
            result.bytes += len(body) if body else length
            if self.spec["op"] == "list":
                result.pages += 1
                m = _TOKEN.search(data)
                token = m.group(1).decode() if m else None
            done += 1
        conn.close()


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    client = Client(spec)
    result = Result()
    concurrency = int(spec["concurrency"])
    duration = float(spec.get("duration", 10.0))
    per = spec.get("requests")
    limit = None if per is None else int(per)
    start_at = float(spec.get("start_at", 0.0))
    if start_at:
        await asyncio.sleep(max(0.0, start_at - time.time()))
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(client.worker(w, result, deadline, limit) for w in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "cpu": time.process_time(),
        "latencies": result.latencies,
        "bytes": result.bytes,
        "errors": result.errors,
        "pages": result.pages,
        "elapsed": elapsed,
        "first_error": result.first_error,
    }


def main() -> None:
    spec = json.loads(sys.stdin.read())
    out = uvloop.run(run(spec))
    with open(spec["out"], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
