"""Server CPU per S3 request of two (or more) trees, measured in alternating rounds.

    PYTHONPATH=src:. .venv/bin/python -m bench.s3.compare /work/main,. "GET 4 KiB;PUT 4 KiB" \
        --rounds 7

Like ``bench.s3.cost``, but one ``fogbank up --workers 1`` per tree runs at once and the
rounds alternate between them, so that the other load on a shared machine falls on all
of them alike. Reports the best and the median round per tree.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from bench.s3 import peers, run
from bench.s3.cost import WORKLOADS


class TreeServer(peers.Fogbank):
    """``fogbank up`` from a given source tree."""

    def __init__(self, tree: Path) -> None:
        super().__init__(peers.workdir(), workers=1)
        self.tree = tree

    def env(self) -> dict[str, str]:
        env = super().env()
        env["PYTHONPATH"] = str(self.tree.absolute() / "src")
        return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("trees", help="source trees separated by ,")
    parser.add_argument("workloads", help="names separated by ;")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    servers = [TreeServer(Path(t)) for t in args.trees.split(",")]
    try:
        for server in servers:
            server.start()
            run.signed_put_bucket(server.port, "bench")
        for name in args.workloads.split(";"):
            op, size, conc, nkeys, count = WORKLOADS[name]
            keys = [
                run.prepare_objects(s, "bench", f"{op}{size}", nkeys, size, 2) if nkeys else []
                for s in servers
            ]
            costs: list[list[float]] = [[] for _ in servers]
            for _ in range(args.rounds):
                for i, server in enumerate(servers):
                    spec = {"op": op, "bucket": "bench", "size": size, "concurrency": conc,
                            "duration": 600, "requests": count, "keys": keys[i],
                            "key_prefix": f"w/{size}/{time.time_ns()}", "port": server.port,
                            "host": "127.0.0.1", "access_key": peers.ACCESS_KEY,
                            "secret_key": peers.SECRET_KEY}  # fmt: skip
                    before = peers.cpu_seconds(server.pid)
                    results = run.loadgen(spec, 1)
                    cpu = peers.cpu_seconds(server.pid) - before
                    if sum(r["errors"] for r in results):
                        raise SystemExit(f"{name}: errors: {results[0]['first_error']}")
                    done = sum(len(r["latencies"]) for r in results)
                    costs[i].append(cpu / done * 1000)
            parts = [
                f"{s.tree}: best {min(c):.2f}, median {sorted(c)[len(c) // 2]:.2f}"
                for s, c in zip(servers, costs, strict=True)
            ]
            print(f"{name} (CPU ms/req): " + " | ".join(parts), flush=True)
    finally:
        for server in servers:
            server.stop()
            shutil.rmtree(server.dir.parent, ignore_errors=True)  # GBs of objects written


if __name__ == "__main__":
    main()
