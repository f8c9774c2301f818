"""What authentication and authorization cost per signed S3 request, in process.

    PYTHONPATH=src:. .venv/bin/python -m bench.s3.stages [--batch 100] [--batches 60]

Assembles a real gateway over a fresh data dir (the bench's root credentials, one bucket
without a policy, one 4 KiB object), then runs signed 4 KiB PUTs and GETs of that object
through ``authenticate``, the protocol's parse and ``authorize`` (not the operation), in
batches, and prints the best batch's wall time per request of each stage. The best of
many short batches is what survives other load on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench.s3 import peers
from bench.s3.signing import Signer
from fogbank.config import Config
from fogbank.protocol.http import BytesBody, Headers, HttpRequest
from fogbank.server.assemble import assemble, prepare

PAYLOAD = os.urandom(4096)
EMPTY = hashlib.sha256(b"").hexdigest()


def _request(signer: Signer, method: str, path: str, body: bytes) -> HttpRequest:
    payload_hash = hashlib.sha256(body).hexdigest()
    headers = signer.headers(method, "127.0.0.1:4566", path, "", payload_hash)
    items = [*headers.items(), ("user-agent", "bench"), ("content-length", str(len(body)))]
    return HttpRequest(method, path, "", Headers(items), BytesBody(body))


async def _measure(batch: int, batches: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="fogbank-stages-"))
    try:
        config = Config(
            data_dir=data_dir,
            root_access_key_id=peers.ACCESS_KEY,
            root_secret_access_key=peers.SECRET_KEY,
            log_requests=False,
        )
        prepare(config)
        built = assemble(config, primary=True)
        gateway = built.gateway
        signer = Signer(peers.ACCESS_KEY, peers.SECRET_KEY)
        for setup in (_request(signer, "PUT", "/bench", b""),
                      _request(signer, "PUT", "/bench/k0", PAYLOAD)):  # fmt: skip
            response = await gateway.handle(setup)
            assert response.status == 200, response.body
        info = await gateway.router.route(_request(signer, "GET", "/bench/k0", b""))
        proto = await gateway.protocol("s3")
        best: dict[str, list[float]] = {}
        for _ in range(batches):
            for method, body in (("PUT", PAYLOAD), ("GET", b"")):
                requests = [_request(signer, method, "/bench/k0", body) for _ in range(batch)]
                spent = [0.0, 0.0]
                for request in requests:
                    if built.app.rounds is not None:
                        built.app.rounds.begin()
                    t0 = time.perf_counter()
                    auth = await gateway.authenticator.authenticate(request, info)
                    t1 = time.perf_counter()
                    call = await proto.parse(request)
                    ctx = gateway._context(request, info, call, auth, "stages")
                    t2 = time.perf_counter()
                    await gateway.authorizer.authorize(ctx, call.params)
                    t3 = time.perf_counter()
                    async for _ in request.body:  # the payload hash is checked as it is read
                        pass
                    spent[0] += t1 - t0
                    spent[1] += t3 - t2
                found = best.setdefault(method, [float("inf"), float("inf")])
                found[0] = min(found[0], spent[0] / batch)
                found[1] = min(found[1], spent[1] / batch)
        for method, (authenticate, authorize) in best.items():
            print(
                f"{method} 4 KiB: authenticate {authenticate * 1e6:.1f} µs, authorize "
                f"{authorize * 1e6:.1f} µs (best of {batches} batches of {batch})"
            )
        for service in list(built.services.built.values()):
            await service.stop()
        built.db.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--batches", type=int, default=60)
    args = parser.parse_args()
    asyncio.run(_measure(args.batch, args.batches))


if __name__ == "__main__":
    main()
