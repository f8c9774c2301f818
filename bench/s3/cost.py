"""Server CPU per S3 request, for comparing two trees on a busy machine.

    PYTHONPATH=src:. .venv/bin/python -m bench.s3.cost "GET 4 KiB;PUT 4 KiB" [--rounds 2]

One ``fogbank up --workers 1`` (every signature verified, every write fsynced, a log line
per request); each workload sends a fixed number of requests from one load generator and
reports the server's CPU time (user + system) per request. The best of ``--rounds`` runs is
kept: other work on the machine only ever adds to it. Run it for ``main`` and a branch in
turn (``PYTHONPATH=<tree>/src:.``).
"""

from __future__ import annotations

import argparse
import shutil
import time

from bench.s3 import peers, run

# name: (op, size, concurrency, objects made first, requests)
WORKLOADS = {
    "PUT 4 KiB": ("put", 4096, 16, 0, 3000),
    "GET 4 KiB": ("get", 4096, 16, 256, 3000),
    "GET 1 MiB": ("get", 1 << 20, 8, 16, 600),
    "GET 64 MiB": ("get", 64 << 20, 4, 4, 24),
    "PUT 1 MiB": ("put", 1 << 20, 8, 0, 400),
    "PUT 64 MiB": ("put", 64 << 20, 4, 0, 16),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("workloads", help="names separated by ;")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    fb = peers.Fogbank(peers.workdir(), workers=1)
    fb.start()
    try:
        run.signed_put_bucket(fb.port, "bench")
        for name in args.workloads.split(";"):
            op, size, conc, nkeys, count = WORKLOADS[name]
            keys = run.prepare_objects(fb, "bench", f"{op}{size}", nkeys, size, 2) if nkeys else []
            best = float("inf")
            for _ in range(args.rounds):
                spec = {"op": op, "bucket": "bench", "size": size, "concurrency": conc,
                        "duration": 600, "requests": count, "keys": keys,
                        "key_prefix": f"w/{size}/{time.time_ns()}", "port": fb.port,
                        "host": "127.0.0.1", "access_key": peers.ACCESS_KEY,
                        "secret_key": peers.SECRET_KEY}  # fmt: skip
                before = peers.cpu_seconds(fb.pid)
                results = run.loadgen(spec, 1)
                cpu = peers.cpu_seconds(fb.pid) - before
                done = sum(len(r["latencies"]) for r in results)
                errors = sum(r["errors"] for r in results)
                if errors:
                    raise SystemExit(f"{name}: {errors} errors: {results[0]['first_error']}")
                best = min(best, cpu / done * 1000)
            print(f"{name}: {best:.2f} CPU ms/req", flush=True)
    finally:
        fb.stop()
        shutil.rmtree(fb.dir.parent, ignore_errors=True)  # GBs of objects written


if __name__ == "__main__":
    main()
