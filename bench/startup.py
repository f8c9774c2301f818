"""Start-up time to a ready health check, and idle memory, of `fogbank up --ephemeral`.

    .venv/bin/python bench/startup.py [--runs 10] [--workers 1]

Prints the median and worst time from process start to the first `GET /_fogbank/health`
answering `ready`, and the idle RSS (and PSS) of every process of the server.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    status = Path(f"/proc/{pid}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    if rollup.exists():
        for line in rollup.read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    return rss, pss


def tree(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [pid, *(int(p) for p in out.split())]


def one_run(workers: int) -> tuple[float, list[tuple[int, int]]]:
    port = free_port()
    argv = [sys.executable, "-m", "fogbank", "up", "--ephemeral", "--port", str(port)]
    argv += ["--workers", str(workers), "--quiet"]
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/_fogbank/health"
    ready_at = None
    while time.perf_counter() - started < 30:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if json.loads(r.read())["status"] == "ready":
                    ready_at = time.perf_counter() - started
                    break
        except OSError:
            time.sleep(0.002)
    if ready_at is None:
        proc.kill()
        raise SystemExit("server did not become ready")
    time.sleep(2.0 if workers > 1 else 0.5)  # let workers finish starting, then idle
    mem = [memory_kb(pid) for pid in tree(proc.pid)]
    proc.terminate()
    proc.wait(20)
    return ready_at, mem


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    times = []
    mems = []
    for _ in range(args.runs):
        t, mem = one_run(args.workers)
        times.append(t)
        mems.append(mem)
    rss = [sum(r for r, _ in m) for m in mems]
    pss = [sum(p for _, p in m) for m in mems]
    print(f"workers={args.workers} runs={args.runs}")
    print(f"ready: median {statistics.median(times):.3f} s, worst {max(times):.3f} s")
    print(
        f"idle memory (all processes): RSS median {statistics.median(rss) / 1024:.1f} MB, "
        f"PSS median {statistics.median(pss) / 1024:.1f} MB"
    )


if __name__ == "__main__":
    main()
