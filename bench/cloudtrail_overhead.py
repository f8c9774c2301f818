"""CloudTrail's cost on request throughput: a cheap call (STS GetCallerIdentity, signed and
verified, recorded in the event history) with and without a logging trail.

    PYTHONPATH=src python bench/cloudtrail_overhead.py [--seconds 15] [--rounds 2]
                                                       [--connections 16] [--time-scale 300]

One gateway process serves (a subprocess of this script, with the fogbank clock running
``--time-scale`` times faster, so that the trail delivers a log file every 300/scale real
seconds and signs a digest every 3600/scale real seconds during the run). Its trail
delivers to a local directory standing in for S3 (the bench's own double, as in the
tests), with log file validation on. A load generator process replays a pre-signed request
over keep-alive connections and times itself.

Phases are ordered ABBA in every round: no trail logging, trail logging, trail logging, no
trail logging. Throughput drifts over a run (the event history grows; other work on the
machine comes and goes), and with alternating phases (A B A B ...) a steady decline is
charged to B; ABBA gives both sides the same mean position in each round, so a linear
drift cancels out. After StopLogging the bench waits for the trail's last delivery (its
final log file and digest) before the next phase, so that it is not charged to "no trail".
Printed: each phase, the ratio of the means and each round's ratio (their spread is the
noise), and the server process's CPU time per request in each kind of phase.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_KEY = "AKIAFOGBANKBENCH0001"
SECRET_KEY = "fogbank-bench-secret-key-000000000000000"
ACCOUNT = "000000000000"
BUCKET = "bench-trail-logs"


# -- the server side (runs in its own process) ------------------------------------------


class DirectoryDestination:
    """Buckets as directories under ``root``; every bucket lets CloudTrail write."""

    def __init__(self, root: Path) -> None:
        self.root = root

    async def bucket(self, name: str) -> object:
        from fogbank.services.cloudtrail.destination import BucketInfo

        if not (self.root / name).is_dir():
            return None
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": ["s3:GetBucketAcl", "s3:PutObject"],
                    "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                }
            ],
        }
        return BucketInfo(name, ACCOUNT, "us-east-1", json.dumps(policy))

    async def put_object(
        self,
        *,
        account_id: str,
        bucket: str,
        key: str,
        body: bytes,
        metadata: Mapping[str, str],
        sse_kms_key: str | None,
    ) -> None:
        path = self.root / bucket / key
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_bytes, body)


def serve(data_dir: Path, port_file: Path, time_scale: float, record: bool = True) -> None:
    import uvloop

    from fogbank.config import Config
    from fogbank.server import listener as listener_mod
    from fogbank.server.assemble import assemble, prepare
    from fogbank.server.listener import Listener

    config = Config(
        data_dir=data_dir,
        port=0,
        workers=1,
        time_scale=time_scale,
        root_access_key_id=ACCESS_KEY,
        root_secret_access_key=SECRET_KEY,
        log_requests=False,
    )
    prepare(config)
    sock = listener_mod.bind(config.host, 0)
    config = config.with_(port=sock.getsockname()[1])
    (data_dir / "s3" / BUCKET).mkdir(parents=True)

    async def main() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        parts = assemble(
            config,
            log_destination=DirectoryDestination(data_dir / "s3"),  # type: ignore[arg-type]
            primary=True,
        )
        if not record:
            parts.gateway.audit = None  # a reference point: no event recorded at all
        listener = Listener(parts.app, None)
        await parts.services.build_all()
        await parts.recorder.start()
        await parts.scheduler.start()
        await listener.start(sock)
        await asyncio.to_thread(port_file.write_text, str(config.port))
        await stop.wait()
        await listener.shutdown()
        await parts.recorder.stop()
        await parts.scheduler.stop()
        await parts.services.stop()
        parts.db.close()

    uvloop.run(main())


# -- the load generator (runs in its own process) ---------------------------------------


def signed_request(port: int) -> bytes:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = "Action=GetCallerIdentity&Version=2011-06-15"
    url = f"http://127.0.0.1:{port}/"
    request = AWSRequest(
        "POST",
        url,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "sts", "us-east-1").add_auth(request)
    lines = ["POST / HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in request.headers.items() if k.lower() != "host"]
    lines.append("User-Agent: fogbank-bench")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


async def _connection(port: int, request: bytes, until: float, counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < until:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.decode(errors="replace"))
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            counts[0] += 1
    finally:
        writer.close()


def load(
    port: int, seconds: float, connections: int, out: multiprocessing.Queue[tuple[int, float]]
) -> None:
    request = signed_request(port)
    counts = [0]

    async def main() -> float:
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(
            *(_connection(port, request, until, counts) for _ in range(connections))
        )
        return time.monotonic() - started

    elapsed = asyncio.run(main())
    out.put((counts[0], elapsed))


def measure(port: int, seconds: float, connections: int) -> float:
    """Requests per second over the load generator's own run (its start-up not counted)."""
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[tuple[int, float]] = ctx.Queue()
    proc = ctx.Process(target=load, args=(port, seconds, connections, queue))
    proc.start()
    done, elapsed = queue.get()
    proc.join()
    return done / elapsed


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0.0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the run ---------------------------------------------------------------------------------


@dataclass
class Phases:
    """Requests per second of each phase, in order, and the server's CPU per request."""

    without: list[float] = field(default_factory=list)
    with_trail: list[float] = field(default_factory=list)
    cpu_without: list[float] = field(default_factory=list)  # CPU seconds per request
    cpu_with: list[float] = field(default_factory=list)
    logs: int = 0
    digests: int = 0


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--time-scale", type=float, default=300.0)
    parser.add_argument(
        "--unrecorded",
        action="store_true",
        help="also measure a server that records no event at all (reference point)",
    )
    parser.add_argument(
        "--serve", nargs=2, metavar=("DATA_DIR", "PORT_FILE"), help=argparse.SUPPRESS
    )
    parser.add_argument("--no-record", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), Path(args.serve[1]), args.time_scale, not args.no_record)
        return
    result = run(args, record=True)
    print(
        f"GetCallerIdentity, 1 gateway process, {args.connections} connections, "
        f"{args.seconds:g} s phases in ABBA rounds, clock x{args.time_scale:g}"
    )
    print("without a logging trail: " + _rates(result.without) + " req/s")
    print("with a logging trail:    " + _rates(result.with_trail) + " req/s")
    ratio = _mean(result.with_trail) / _mean(result.without)
    rounds = [
        (result.with_trail[2 * r] + result.with_trail[2 * r + 1])
        / (result.without[2 * r] + result.without[2 * r + 1])
        for r in range(args.rounds)
    ]
    print(f"ratio (with / without): {ratio:.3f}  (rounds: {', '.join(f'{x:.3f}' for x in rounds)})")
    if result.cpu_without and result.cpu_with:
        cpu_without = _mean(result.cpu_without) * 1e6
        cpu_with = _mean(result.cpu_with) * 1e6
        print(
            f"server CPU per request: {cpu_without:.0f} us without, {cpu_with:.0f} us with"
            f" a logging trail ({cpu_without / cpu_with:.3f})"
        )
    print(f"delivered: {result.logs} log files, {result.digests} digest files")
    if args.unrecorded:
        bare = run(args, record=False, trail=False).without
        mean_bare = _mean(bare)
        print("no event recorded at all: " + _rates(bare) + " req/s")
        print(
            "recording cost (recorded, no trail / unrecorded): "
            f"{_mean(result.without) / mean_bare:.3f}"
        )


def _rates(values: list[float]) -> str:
    return ", ".join(f"{r:.0f}" for r in values)


def run(args: argparse.Namespace, record: bool, trail: bool = True) -> Phases:
    """Start a server, run the ABBA rounds, stop it."""
    import boto3

    result = Phases()
    with tempfile.TemporaryDirectory(prefix="fogbank-bench-") as tmp:
        data_dir, port_file = Path(tmp) / "data", Path(tmp) / "port"
        argv = [sys.executable, __file__, "--time-scale", str(args.time_scale)]
        argv += ["--serve", str(data_dir), str(port_file)]
        if not record:
            argv.append("--no-record")
        server = subprocess.Popen(argv, env=dict(os.environ))
        try:
            deadline = time.monotonic() + 60
            while not port_file.exists():
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.1)
            port = int(port_file.read_text())
            ct = boto3.client(
                "cloudtrail",
                endpoint_url=f"http://127.0.0.1:{port}",
                region_name="us-east-1",
                aws_access_key_id=ACCESS_KEY,
                aws_secret_access_key=SECRET_KEY,
            )
            ct.create_trail(Name="bench", S3BucketName=BUCKET, EnableLogFileValidation=True)
            measure(port, 3.0, args.connections)  # warm-up
            logging = False
            order = [False, True, True, False] if trail else [False, False]
            for _ in range(args.rounds):
                for with_trail in order:
                    if with_trail and not logging:
                        ct.start_logging(Name="bench")
                    elif logging and not with_trail:
                        ct.stop_logging(Name="bench")
                        _await_final_delivery(ct)
                    logging = with_trail
                    cpu = cpu_seconds(server.pid)
                    rate = measure(port, args.seconds, args.connections)
                    per_request = (cpu_seconds(server.pid) - cpu) / (rate * args.seconds)
                    if with_trail:
                        result.with_trail.append(rate)
                        result.cpu_with.append(per_request)
                    else:
                        result.without.append(rate)
                        result.cpu_without.append(per_request)
            if logging:
                ct.stop_logging(Name="bench")
            _await_final_delivery(ct)
            files = list((data_dir / "s3" / BUCKET).rglob("*.json.gz"))
            result.logs = sum(1 for p in files if "/CloudTrail/" in str(p))
            result.digests = sum(1 for p in files if "/CloudTrail-Digest/" in str(p))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
    return result


def _await_final_delivery(ct: object, timeout: float = 30.0) -> None:
    """Wait until a stopped trail has delivered its final digest (the one that ends at
    the StopLogging time, delivered with the last log files)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = ct.get_trail_status(Name="bench")  # type: ignore[attr-defined]
        stopped, digested = status.get("StopLoggingTime"), status.get("LatestDigestDeliveryTime")
        if stopped is None or (digested is not None and digested >= stopped):
            return
        time.sleep(0.2)
    raise SystemExit("the stopped trail did not deliver its final digest in time")


if __name__ == "__main__":
    main()
