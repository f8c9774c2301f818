"""What the RDS front costs per round trip: CPU time (user and system) and latency.

    .venv/bin/python -m bench.rds_front_cost [--clients 4] [--trips 20000] [--size 200]

A forked echo server listens on a unix socket (as an engine does) and on TCP. Clients
(separate processes) send a message and wait for its echo, ``--trips`` times, either
straight to the echo server over TCP ("direct") or through fogbank's front on a
loopback endpoint ("front"), in alternating runs. For the front runs the CPU time this
process (which runs only the front) spent is divided by the round trips: unlike
throughput on a shared machine, that figure does not depend on what else is running.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uvloop

from fogbank.services.rds.engines.admission import AllowAll
from fogbank.services.rds.engines.front import Front, Target

ECHO = """
import os, socket, sys
unix = socket.socket(socket.AF_UNIX); unix.bind(sys.argv[1]); unix.listen(64)
tcp = socket.socket(); tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((sys.argv[2], int(sys.argv[3]))); tcp.listen(64)
print("ready", flush=True)
import selectors
sel = selectors.DefaultSelector()
sel.register(unix, selectors.EVENT_READ); sel.register(tcp, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        conn, _ = key.fileobj.accept()
        if os.fork() == 0:
            if key.fileobj is tcp:
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while True:
                data = conn.recv(65536)
                if not data:
                    os._exit(0)
                conn.sendall(data)
        conn.close()
"""

CLIENT = """
import socket, sys, time
host, port, trips, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.create_connection((host, port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
message = b"x" * size
started = time.perf_counter()
for _ in range(trips):
    s.sendall(message)
    got = 0
    while got < size:
        got += len(s.recv(65536))
print((time.perf_counter() - started) / trips)
"""

FRONT = ("127.0.77.1", 13306)
DIRECT = ("127.0.77.2", 13307)


async def clients(address: tuple[str, int], options: argparse.Namespace) -> float:
    """Run the clients against ``address``; their median round trip in seconds."""
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CLIENT,
            address[0],
            str(address[1]),
            str(options.trips),
            str(options.size),
            stdout=subprocess.PIPE,
        )
        for _ in range(options.clients)
    ]
    outputs = [await p.communicate() for p in procs]
    return statistics.median(float(out.decode()) for out, _ in outputs)


def cpu_seconds() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


async def main(options: argparse.Namespace) -> None:
    socket_path = Path(tempfile.mkdtemp(prefix="fogbank-front-cost-")) / "echo.sock"
    echo = subprocess.Popen(  # noqa: ASYNC220 - started once, before anything is measured
        [sys.executable, "-c", ECHO, str(socket_path), DIRECT[0], str(DIRECT[1])],
        stdout=subprocess.PIPE,
    )
    assert echo.stdout is not None
    echo.stdout.readline()
    front = Front(AllowAll())
    target = Target("bench", "bench", "mysql", (), True, "available", socket_path)
    await front.expose(FRONT[0], FRONT[1], target)
    rtt: dict[str, list[float]] = {"direct": [], "front": []}
    user: list[float] = []
    system: list[float] = []
    try:
        for _ in range(options.runs):
            rtt["direct"].append(await clients(DIRECT, options))
            u0, s0 = cpu_seconds()
            started = time.perf_counter()
            rtt["front"].append(await clients(FRONT, options))
            elapsed = time.perf_counter() - started
            u1, s1 = cpu_seconds()
            trips = options.trips * options.clients
            user.append((u1 - u0) / trips)
            system.append((s1 - s0) / trips)
            print(
                f"  direct {rtt['direct'][-1] * 1e6:7.1f} us  front {rtt['front'][-1] * 1e6:7.1f}"
                f" us  front CPU {(user[-1] + system[-1]) * 1e6:5.1f} us/trip"
                f" (user {user[-1] * 1e6:.1f}, system {system[-1] * 1e6:.1f};"
                f" {100 * ((u1 - u0) + (s1 - s0)) / elapsed:.0f}% of a core)"
            )
    finally:
        await front.close()
        echo.kill()
        echo.wait()
    d, f = statistics.median(rtt["direct"]), statistics.median(rtt["front"])
    u, s = statistics.median(user), statistics.median(system)
    print(
        f"| {options.clients} | {options.size} B | {d * 1e6:.1f} | {f * 1e6:.1f} |"
        f" {(u + s) * 1e6:.1f} | {u * 1e6:.1f} | {s * 1e6:.1f} |"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--trips", type=int, default=20000)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    uvloop.run(main(parser.parse_args()))
