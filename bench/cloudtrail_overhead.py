"""CloudTrail's cost on request throughput: a cheap call (STS GetCallerIdentity, signed and
verified, recorded in the event history) with and without a logging trail.

    PYTHONPATH=src python bench/cloudtrail_overhead.py [--seconds 15] [--rounds 2]
                                                       [--connections 16] [--time-scale 60]

One gateway process serves (a subprocess of this script, with the fogbank clock running
``--time-scale`` times faster, so that the trail delivers a log file every 5/scale real
minutes and signs a digest every 60/scale real minutes during the run). Its trail delivers
to a local directory standing in for S3 (the bench's own double, as in the tests). A load
generator process replays a pre-signed request over keep-alive connections. Phases
alternate: no trail logging, trail logging (log file validation on), and so on; the ratio
of the means is printed.
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


def load(port: int, seconds: float, connections: int, out: multiprocessing.Queue[int]) -> None:
    request = signed_request(port)
    counts = [0]

    async def main() -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(_connection(port, request, until, counts) for _ in range(connections))
        )

    asyncio.run(main())
    out.put(counts[0])


def measure(port: int, seconds: float, connections: int) -> float:
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[int] = ctx.Queue()
    proc = ctx.Process(target=load, args=(port, seconds, connections, queue))
    started = time.monotonic()
    proc.start()
    done = queue.get()
    proc.join()
    return done / max(time.monotonic() - started - 0.0, seconds)


# -- the run ---------------------------------------------------------------------------------


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
    without, with_trail, logs, digests = run(args, record=True)
    mean_without = sum(without) / len(without)
    mean_with = sum(with_trail) / len(with_trail)
    print(
        f"GetCallerIdentity, 1 gateway process, {args.connections} connections, "
        f"{args.seconds:.0f} s phases, clock x{args.time_scale:g}"
    )
    print("without a logging trail: " + ", ".join(f"{r:.0f}" for r in without) + " req/s")
    print("with a logging trail:    " + ", ".join(f"{r:.0f}" for r in with_trail) + " req/s")
    print(f"ratio (with / without): {mean_with / mean_without:.3f}")
    print(f"delivered: {logs} log files, {digests} digest files")
    if args.unrecorded:
        bare, _, _, _ = run(args, record=False, trail=False)
        mean_bare = sum(bare) / len(bare)
        print("no event recorded at all: " + ", ".join(f"{r:.0f}" for r in bare) + " req/s")
        print(f"recording cost (recorded, no trail / unrecorded): {mean_without / mean_bare:.3f}")


def run(
    args: argparse.Namespace, record: bool, trail: bool = True
) -> tuple[list[float], list[float], int, int]:
    """Start a server, alternate the phases, stop it; (without, with, logs, digests)."""
    import boto3

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
            without: list[float] = []
            with_trail: list[float] = []
            for _ in range(args.rounds):
                without.append(measure(port, args.seconds, args.connections))
                if not trail:
                    continue
                ct.start_logging(Name="bench")
                with_trail.append(measure(port, args.seconds, args.connections))
                ct.stop_logging(Name="bench")
            time.sleep(2)
            files = list((data_dir / "s3" / BUCKET).rglob("*.json.gz"))
            logs = sum(1 for p in files if "/CloudTrail/" in str(p))
            digests = sum(1 for p in files if "/CloudTrail-Digest/" in str(p))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
    return without, with_trail, logs, digests


if __name__ == "__main__":
    main()
