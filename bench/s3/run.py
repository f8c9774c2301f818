"""The S3 benchmark: the same workloads against fogbank, MiniStack, moto_server and (for
GETs) nginx serving the same bytes from files, in one run.

    PYTHONPATH=src:. .venv/bin/python -m bench.s3.run [--duration 8] [--procs 2] [--warmup 64]

fogbank runs as ``fogbank up`` does by default (one process per core, every signature
verified, every write fsynced, a log line per request); the peers as their defaults (in
memory, no signature checks). Requests are signed SigV4 and PUTs carry what boto3 sends
over HTTP (the body's SHA-256 as payload hash and a CRC32 checksum header). The load
comes from ``--procs`` generator processes with keep-alive connections. For each workload
and server: requests/s, MB/s, p50/p99 latency, and the server's CPU seconds (its process
tree's user+system time during the run). The 64 MiB PUTs are compared with the disk:
the same number of writers writing 64 MiB files with an fsync each. Before each timed run,
every server gets ``--warmup`` requests of the same workload, untimed (at most 64 MiB of
bodies: fewer for large objects, at least one per connection), so that first-request
costs (a service built, connections and statements opened, a segment made) fall outside
the measured seconds for every server alike.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.s3 import peers
from bench.s3.signing import EMPTY_SHA256, Signer

KiB, MiB = 1024, 1024 * 1024


@dataclass
class Row:
    workload: str
    server: str
    requests: int
    seconds: float
    ops: float
    mbps: float
    p50_ms: float
    p99_ms: float
    cpu_s: float
    errors: int
    pages: int = 0


def signed_put_bucket(port: int, bucket: str) -> None:
    signer = Signer(peers.ACCESS_KEY, peers.SECRET_KEY)
    host = f"127.0.0.1:{port}"
    headers = signer.headers("PUT", host, f"/{bucket}", "", EMPTY_SHA256)
    req = urllib.request.Request(f"http://{host}/{bucket}", method="PUT", headers=headers, data=b"")
    urllib.request.urlopen(req, timeout=30).close()


def loadgen(spec: dict[str, Any], procs: int) -> list[dict[str, Any]]:
    start_at = time.time() + 0.5
    running = []
    for p in range(procs):
        one = dict(spec)
        one["concurrency"] = max(1, spec["concurrency"] // procs)
        one["start_at"] = start_at
        keys = spec.get("keys") or []
        if spec["op"] == "put" and keys:
            one["keys"] = keys[p::procs]
            one["requests"] = len(one["keys"])
        if "key_prefix" in spec:
            one["key_prefix"] = f"{spec['key_prefix']}/{p}"
        fd, one["out"] = tempfile.mkstemp(prefix="loadgen-", suffix=".json")
        os.close(fd)
        proc = subprocess.Popen([sys.executable, "-m", "bench.s3.loadgen"], stdin=subprocess.PIPE)
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(one).encode())
        proc.stdin.close()
        running.append((proc, Path(one["out"])))
    out = []
    for proc, path in running:
        if proc.wait() != 0:
            raise RuntimeError("a load generator failed")
        out.append(json.loads(path.read_text()))
        path.unlink()
    return out


def warm_up(peer: peers.Peer, spec: dict[str, Any], procs: int, requests: int) -> None:
    """Send ``requests`` of the workload (fewer for large bodies), untimed."""
    if requests <= 0:
        return
    size = max(1, int(spec["size"]))
    count = min(requests, max(int(spec["concurrency"]), (64 * MiB) // size))
    warm = {**spec, "port": peer.port, "host": "127.0.0.1", "duration": 600.0,
            "requests": max(1, count // procs),
            "key_prefix": f"warmup/{time.time_ns()}"}  # fmt: skip
    results = loadgen(warm, procs)
    errors = sum(r["errors"] for r in results)
    if errors:
        first = next((r["first_error"] for r in results if r["first_error"]), "")
        print(f"  ! warm-up {peer.name}: {errors} errors, first: {first}", file=sys.stderr)


def measure(name: str, peer: peers.Peer, spec: dict[str, Any], procs: int) -> Row:
    before = peers.cpu_seconds(peer.pid)
    results = loadgen({**spec, "port": peer.port, "host": "127.0.0.1"}, procs)
    cpu = peers.cpu_seconds(peer.pid) - before
    latencies = sorted(x for r in results for x in r["latencies"])
    elapsed = max(r["elapsed"] for r in results)
    count = len(latencies)
    total_bytes = sum(r["bytes"] for r in results)
    errors = sum(r["errors"] for r in results)
    first = next((r["first_error"] for r in results if r["first_error"]), "")
    if errors:
        print(f"  ! {name} {peer.name}: {errors} errors, first: {first}", file=sys.stderr)
    gen_cpu = sum(r["cpu"] for r in results)
    print(
        f"  (load generators: {gen_cpu:.1f} CPU s in {max(r['elapsed'] for r in results):.1f} s)",
        file=sys.stderr,
    )
    p50 = statistics.median(latencies) * 1000 if latencies else 0.0
    p99 = latencies[min(count - 1, int(count * 0.99))] * 1000 if latencies else 0.0
    return Row(name, peer.name, count, round(elapsed, 2), round(count / elapsed, 1),
               round(total_bytes / elapsed / 1e6, 1), round(p50, 2), round(p99, 2),
               round(cpu, 2), errors, sum(r["pages"] for r in results))  # fmt: skip


def disk_fsync_mbps(directory: Path, writers: int, size: int, seconds: float) -> float:
    """What the disk takes: ``writers`` threads writing ``size``-byte files, fsync each."""
    block = os.urandom(MiB)
    deadline = time.perf_counter() + seconds

    def write(w: int) -> int:
        done = 0
        i = 0
        while time.perf_counter() < deadline:
            path = directory / f"disk-{w}-{i}"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                for _ in range(size // MiB):
                    os.write(fd, block)
                os.fsync(fd)
            finally:
                os.close(fd)
            Path(path).unlink()
            done += size
            i += 1
        return done

    started = time.perf_counter()
    with ThreadPoolExecutor(writers) as pool:
        total = sum(pool.map(write, range(writers)))
    return total / (time.perf_counter() - started) / 1e6


WORKLOADS = [
    # name, op, size, concurrency, keys (for GETs: objects made first)
    ("PUT 4 KiB", "put", 4 * KiB, 32, 0),
    ("GET 4 KiB", "get", 4 * KiB, 32, 256),
    ("PUT 1 MiB", "put", MiB, 8, 0),
    ("GET 1 MiB", "get", MiB, 8, 32),
    ("PUT 64 MiB", "put", 64 * MiB, 4, 0),
    ("GET 64 MiB", "get", 64 * MiB, 4, 4),
    ("LIST 10,000 keys", "list", 16, 4, 10_000),
]


def prepare_objects(
    peer: peers.Peer, bucket: str, prefix: str, count: int, size: int, procs: int
) -> list[str]:
    keys = [f"{prefix}/{i:06d}" for i in range(count)]
    if isinstance(peer, peers.Nginx):
        data = (bytes(range(256)) * (size // 256 + 1))[:size]
        for key in keys:
            peer.put_file(key.replace("/", "_"), data)
        return [k.replace("/", "_") for k in keys]
    spec = {"op": "put", "bucket": bucket, "size": size, "concurrency": min(16, count),
            "keys": keys, "requests": count, "duration": 600,
            "access_key": peers.ACCESS_KEY, "secret_key": peers.SECRET_KEY}  # fmt: skip
    results = loadgen({**spec, "port": peer.port, "host": "127.0.0.1"}, procs)
    if sum(r["errors"] for r in results):
        raise RuntimeError(f"could not make objects on {peer.name}: {results[0]['first_error']}")
    return keys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--procs", type=int, default=2, help="load generator processes")
    parser.add_argument("--servers", default="fogbank,ministack,moto,nginx")
    parser.add_argument(
        "--workloads", default="", help="names to run, separated by ; (default all)"
    )
    parser.add_argument("--peers-venv", default=str(Path(".venv-bench-peers").absolute()))
    parser.add_argument("--json", default="", help="write the rows here too")
    parser.add_argument(
        "--warmup", type=int, default=64, help="untimed requests per workload and server first"
    )
    args = parser.parse_args()
    names = args.servers.split(",")
    work = peers.workdir()
    venv = (
        peers.ensure_peers_venv(Path(args.peers_venv).absolute())
        if {"moto", "ministack"} & set(names)
        else Path()
    )
    made: dict[str, peers.Peer] = {}
    for name in names:
        made[name] = {
            "fogbank": lambda: peers.Fogbank(work),
            "moto": lambda: peers.Moto(work, venv),
            "ministack": lambda: peers.MiniStack(work, venv),
            "nginx": lambda: peers.Nginx(work),
        }[name]()
    rows: list[Row] = []
    disk = 0.0
    try:
        for peer in made.values():
            peer.start()
            print(f"{peer.name} pid {peer.pid} port {peer.port}", file=sys.stderr)
            if peer.s3:
                signed_put_bucket(peer.port, "bench")
        chosen = [w for w in WORKLOADS if not args.workloads or w[0] in args.workloads.split(";")]
        for name, op, size, concurrency, nkeys in chosen:
            print(f"{name} ...", file=sys.stderr)
            if name == "PUT 64 MiB":
                disk = disk_fsync_mbps(work, concurrency, size, args.duration)
                print(f"  disk with fsync: {disk:.0f} MB/s", file=sys.stderr)
            for peer in made.values():
                if not peer.s3 and op != "get":
                    continue
                keys: list[str] = []
                if nkeys:
                    keys = prepare_objects(peer, "bench", f"{op}{size}", nkeys, size, args.procs)
                spec: dict[str, Any] = {"op": "raw_get" if not peer.s3 else op, "bucket": "bench",
                        "size": size, "concurrency": concurrency, "duration": args.duration,
                        "keys": keys, "key_prefix": f"w/{size}/{time.time_ns()}",
                        "access_key": peers.ACCESS_KEY, "secret_key": peers.SECRET_KEY}  # fmt: skip
                if op == "list":
                    spec["bucket"] = "bench-list"
                    if peer.s3:
                        signed_put_bucket(peer.port, "bench-list")
                        prepare_objects(peer, "bench-list", "k", nkeys, size, args.procs)
                warm_up(peer, spec, args.procs, args.warmup)
                row = measure(name, peer, spec, args.procs)
                rows.append(row)
                print(
                    f"  {peer.name:10} {row.ops:9.1f}/s {row.mbps:9.1f} MB/s"
                    f" p50 {row.p50_ms:7.2f} ms"
                    f" p99 {row.p99_ms:8.2f} ms cpu {row.cpu_s:6.2f} s"
                    + (f" pages/s {row.pages / row.seconds:.1f}" if row.pages else ""),
                    file=sys.stderr,
                )
    finally:
        for peer in made.values():
            peer.stop()
    print_table(rows, disk)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"rows": [asdict(r) for r in rows], "disk_fsync_mbps": disk}, indent=1)
        )


def print_table(rows: list[Row], disk: float) -> None:
    print("| workload | server | req/s | MB/s | p50 ms | p99 ms | server CPU s | CPU ms/req |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        per = r.cpu_s / r.requests * 1000 if r.requests else 0.0
        extra = f" ({r.pages / r.seconds:.1f} pages/s)" if r.pages else ""
        print(
            f"| {r.workload} | {r.server} | {r.ops}{extra} | {r.mbps} | {r.p50_ms} | {r.p99_ms}"
            f" | {r.cpu_s} | {per:.2f} |"
        )
    if disk:
        print(f"\nDisk with fsync (same writers, 64 MiB files): {disk:.0f} MB/s")


if __name__ == "__main__":
    tempfile.tempdir = tempfile.gettempdir()
    main()
