"""One load-generator process: C keep-alive connections, each sending requests in a loop.

    python -m bench.s3.loadgen < spec.json    ->  writes its result to spec['out']

Spec: host, port, op (put | get | list | raw_get), bucket, keys (list; requests go round
robin) or key_prefix (a new key per request), size (PUT body size), concurrency,
duration (s) or requests, access/secret keys.
HTTP/1.1 is written and read by hand (asyncio streams on uvloop): a request costs the
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


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(
            self.host, self.port, limit=1 << 20
        )

    async def request(self, head: bytes, body: bytes = b"") -> tuple[int, bytes, int]:
        """Send; return (status, body (only if small), body length)."""
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        self.writer.write(head)
        if body:
            self.writer.write(body)
        await self.writer.drain()
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status = int(raw[9:12])
        lower = raw.lower()
        i = lower.find(b"\r\ncontent-length:")
        keep = b"connection: close" not in lower
        if i >= 0:
            length = int(lower[i + 17 : lower.find(b"\r\n", i + 2)])
            if length <= 1 << 16:
                data = await self.reader.readexactly(length) if length else b""
            else:
                data = b""
                left = length
                while left:
                    got = await self.reader.read(min(left, 1 << 20))
                    if not got:
                        raise ConnectionError("closed mid-body")
                    left -= len(got)
        elif b"transfer-encoding: chunked" in lower:
            data, length = await self._chunked()
        else:
            data, length = b"", 0
        if not keep:
            self.writer.close()
            self.writer = None
        return status, data, length

    async def _chunked(self) -> tuple[bytes, int]:
        assert self.reader is not None
        parts: list[bytes] = []
        total = 0
        while True:
            line = await self.reader.readuntil(b"\r\n")
            size = int(line.split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts), total
            chunk = await self.reader.readexactly(size + 2)
            total += size
            if total <= 1 << 16:
                parts.append(chunk[:-2])


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
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                result.errors += 1
                result.first_error = result.first_error or repr(exc)
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
        if conn.writer is not None:
            conn.writer.close()


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
