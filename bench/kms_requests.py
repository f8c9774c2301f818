"""KMS request latency and throughput through a live `fogbank up`, with boto3.

    PYTHONPATH=src:. python bench/kms_requests.py [--requests 300] [--threads 4] [--workers 2]

Starts a server, makes a symmetric key, then times Encrypt, Decrypt, GenerateDataKey and
DescribeKey: sequential calls on one client (median and p95 latency), then the same
calls from several threads with a client each (requests per second).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.support.server import FogbankServer


def calls(kms: Any, key_id: str, blob: bytes) -> dict[str, Callable[[], object]]:
    return {
        "Encrypt": lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x" * 64),
        "Decrypt": lambda: kms.decrypt(CiphertextBlob=blob),
        "GenerateDataKey": lambda: kms.generate_data_key(KeyId=key_id, KeySpec="AES_256"),
        "DescribeKey": lambda: kms.describe_key(KeyId=key_id),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    server = FogbankServer(workers=args.workers, extra_args=["--quiet"]).start()
    try:
        kms = server.client("kms")
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"x" * 64)["CiphertextBlob"]
        for name, call in calls(kms, key_id, blob).items():
            for _ in range(20):
                call()
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                call()
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95)]
            median = statistics.median(times)
            print(f"{name:16} sequential  median {median:6.2f} ms  p95 {p95:6.2f} ms")

        clients = [server.client("kms") for _ in range(args.threads)]
        for name in calls(kms, key_id, blob):
            per = args.requests // args.threads

            def run(client: Any, op: str = name, count: int = per) -> None:
                call = calls(client, key_id, blob)[op]
                for _ in range(count):
                    call()

            with ThreadPoolExecutor(args.threads) as pool:
                list(pool.map(run, clients))  # warm the connections
                start = time.perf_counter()
                list(pool.map(run, clients))
                elapsed = time.perf_counter() - start
            print(f"{name:16} {args.threads} threads   {per * args.threads / elapsed:7.0f} req/s")
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
