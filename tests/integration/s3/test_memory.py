"""Bodies stream: a 2 GiB PUT and GET keep the server's resident memory growth small."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from tests.support.server import FogbankServer

MiB = 1024 * 1024
SIZE = 2048 * MiB
LIMIT = 64 * MiB


def rss(pid: int) -> int:
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total = int(line.split()[1]) * 1024
    return total


class Peak(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss(self.pid))
            time.sleep(0.05)


class Source:
    """A 2 GiB readable, seekable file-like object made on the fly (nothing on disk)."""

    def __init__(self, size: int) -> None:
        self.size, self.pos = size, 0
        self.block = os.urandom(MiB)

    def read(self, n: int = -1) -> bytes:
        if n < 0:
            n = self.size - self.pos
        n = min(n, self.size - self.pos)
        parts = []
        while n > 0:  # byte p of the stream is block[p % MiB]; no more copied than asked
            start = self.pos % MiB
            take = min(n, MiB - start)
            parts.append(self.block[start : start + take])
            self.pos += take
            n -= take
        return b"".join(parts)

    def seek(self, pos: int, whence: int = 0) -> int:
        self.pos = pos if whence == 0 else (self.pos + pos if whence == 1 else self.size + pos)
        return self.pos

    def tell(self) -> int:
        return self.pos

    def expected_sha256(self) -> str:
        digest = hashlib.sha256()
        self.seek(0)
        while chunk := self.read(8 * MiB):
            digest.update(chunk)
        self.seek(0)
        return digest.hexdigest()


@pytest.mark.slow
@pytest.mark.store_neutral  # bytes stream the same whatever holds the metadata
def test_two_gib_put_and_get_in_bounded_memory(make_server: Any) -> None:
    server: FogbankServer = make_server(workers=1)
    s3 = server.client(
        "s3",
        config=BotoConfig(retries={"max_attempts": 1}, read_timeout=600,
                          request_checksum_calculation="when_required"),
    )  # fmt: skip
    s3.create_bucket(Bucket="mem")
    for i in range(20):  # warm up: modules, pools, caches
        s3.put_object(Bucket="mem", Key=f"warm{i}", Body=os.urandom(4 * MiB))
        s3.get_object(Bucket="mem", Key=f"warm{i}")["Body"].read()
    source = Source(SIZE)
    expected = source.expected_sha256()
    base = rss(server.pid)
    peak = Peak(server.pid)
    peak.start()
    try:
        s3.put_object(Bucket="mem", Key="big", Body=source, ContentLength=SIZE)
        put_peak = peak.peak
        got = s3.get_object(Bucket="mem", Key="big")
        digest = hashlib.sha256()
        for chunk in got["Body"].iter_chunks(8 * MiB):
            digest.update(chunk)
    finally:
        peak.done.set()
        peak.join()
    assert digest.hexdigest() == expected
    assert put_peak - base < LIMIT, f"PUT grew RSS by {(put_peak - base) / MiB:.0f} MiB"
    assert peak.peak - base < LIMIT, f"GET grew RSS by {(peak.peak - base) / MiB:.0f} MiB"


@pytest.mark.store_neutral  # the bodies are what matter
def test_denied_gets_keep_no_bodies(make_server: Any) -> None:
    """A signed GetObject reads (and decrypts) a body of up to a megabyte with the
    object's metadata, before the request is authorized; when authorization refuses it,
    the body is dropped with the request, not kept by its audit record (which holds
    the request's context until its batch is written)."""
    server: FogbankServer = make_server(workers=1)
    s3 = server.client("s3", config=BotoConfig(retries={"max_attempts": 1}))
    s3.create_bucket(Bucket="deny")
    s3.put_object(Bucket="deny", Key="big", Body=os.urandom(MiB))
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::deny/big"}  # fmt: skip
    s3.put_bucket_policy(Bucket="deny", Policy=json.dumps({"Statement": [deny]}))

    def denied(n: int) -> None:
        for _ in range(n):
            with pytest.raises(ClientError) as exc:
                s3.get_object(Bucket="deny", Key="big")
            assert exc.value.response["Error"]["Code"] == "AccessDenied"

    denied(20)  # warm up
    base = rss(server.pid)
    denied(300)
    grown = rss(server.pid) - base
    assert grown < 16 * MiB, f"300 denied GETs grew RSS by {grown / MiB:.0f} MiB"  # kept: ~30
