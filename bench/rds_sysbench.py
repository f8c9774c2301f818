"""sysbench oltp_read_write against an RDS instance: through its endpoint vs. directly.

The engine layer runs in this process (as in fogbank's primary), with one instance.
Three ways to the same engine, in alternating runs (the order rotating from one round to
the next) whose medians are compared:
"unix" is sysbench on the engine's own unix socket (the fastest path there is); "tcp" is
sysbench on a TCP port the engine listens on directly (``diagnostic_tcp_offset``, for
benchmarks only: the same transport as the endpoint, without the front); "front" is
sysbench on the instance's endpoint (TCP 127.0.x.y:3306/5432): with kernel routes (the
default when root and nft are there) the kernel hands the admitted connection to the
engine's listener; with ``--kernel-routes off`` the front admits it and pumps the bytes.
Run as root (the engine socket belongs to the engine user):

    .venv/bin/python -m bench.rds_sysbench --engine mysql --threads 4 --time 20 --runs 3

``--relaxed`` sets innodb_flush_log_at_trx_commit=2 / synchronous_commit=off through a DB
parameter group, so that the engine is CPU-bound instead of waiting for fsync.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time

from tests.support.rds import SCOPE, RdsHarness

from fogbank.services.rds.engines.admission import Rule
from fogbank.services.rds.models import Instance, InstanceSpec, ParameterChange

PASSWORD = "Bench-pass-123"


TCP_OFFSET = 10000


def sysbench_args(engine: str, target: Instance, socket_path: str, mode: str) -> list[str]:
    port = target.port + TCP_OFFSET if mode == "tcp" else target.port
    if engine == "postgres":
        host = str(socket_path.rsplit("/", 1)[0]) if mode == "unix" else target.address
        if mode == "unix":
            port = int(socket_path.rsplit(".", 1)[1])
        return [
            "--db-driver=pgsql",
            f"--pgsql-host={host}",
            f"--pgsql-port={port}",
            "--pgsql-user=bench",
            f"--pgsql-password={PASSWORD}",
            "--pgsql-db=sbtest",
        ]
    where = (
        [f"--mysql-socket={socket_path}"]
        if mode == "unix"
        else [
            f"--mysql-host={target.address}",
            f"--mysql-port={port}",
        ]
    )
    return [
        "--db-driver=mysql",
        *where,
        "--mysql-user=bench",
        f"--mysql-password={PASSWORD}",
        "--mysql-db=sbtest",
    ]


def run_sysbench(args: list[str], command: str, options: argparse.Namespace) -> float:
    argv = [
        "sysbench",
        "oltp_read_write",
        *args,
        f"--tables={options.tables}",
        f"--table-size={options.table_size}",
        f"--threads={options.threads}",
        f"--time={options.time}",
        "--report-interval=0",
        command,
    ]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"sysbench {command} failed:\n{done.stdout}\n{done.stderr}")
    if command != "run":
        return 0.0
    m = re.search(r"transactions:\s+\d+\s+\(([\d.]+) per sec", done.stdout)
    assert m is not None, done.stdout
    return float(m.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("mysql", "postgres"), default="mysql")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--time", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tables", type=int, default=4)
    parser.add_argument("--table-size", type=int, default=10000)
    parser.add_argument("--relaxed", action="store_true")
    parser.add_argument(
        "--kernel-routes",
        choices=("auto", "on", "off"),
        default="auto",
        help="the product's setting FOGBANK_RDS_KERNEL_ROUTES (off: every byte via the front)",
    )
    options = parser.parse_args()

    rds = RdsHarness(diagnostic_tcp_offset=TCP_OFFSET, kernel_routes=options.kernel_routes)
    try:
        rds.rules.set_rules("sg-bench", [Rule("127.0.0.0/8")])
        family = rds.layer.catalog.resolve(options.engine, None)[1]
        rds.call(rds.layer.groups.create(SCOPE, "bench", family, "benchmark"))
        if options.relaxed:
            name, value = (
                ("synchronous_commit", "off")
                if options.engine == "postgres"
                else ("innodb_flush_log_at_trx_commit", "2")
            )
            rds.call(rds.layer.groups.modify(SCOPE, "bench", [ParameterChange(name, value)]))
        started = time.monotonic()
        spec = InstanceSpec(
            "bench",
            options.engine,
            "bench",
            PASSWORD,
            instance_class="db.m5.large",
            db_name="sbtest",
            parameter_group="bench",
            security_group_ids=("sg-bench",),
        )
        rds.call(rds.layer.instances.create(SCOPE, spec))
        target = rds.wait("bench", "available")
        created = time.monotonic() - started
        assert rds.layer.supervisor is not None
        runtime = rds.layer.supervisor.runtimes[target.resource_id]
        socket_path = str(runtime.socket_path())
        print(
            f"instance available {created:.2f}s after CreateDBInstance"
            f" (template included if it was the first)"
        )
        run_sysbench(
            sysbench_args(options.engine, target, socket_path, "front"), "prepare", options
        )
        modes = ("unix", "tcp", "front")
        results: dict[str, list[float]] = {mode: [] for mode in modes}
        for n in range(options.runs):
            for mode in modes[n % 3 :] + modes[: n % 3]:  # no path always runs last
                args = sysbench_args(options.engine, target, socket_path, mode)
                tps = run_sysbench(args, "run", options)
                results[mode].append(tps)
                print(f"  {mode:6s} {tps:9.1f} tps")
        unix, tcp, front = (statistics.median(results[m]) for m in modes)
        print(
            f"| {options.engine} | {target.server} | {options.threads} | {options.time}s x"
            f" {options.runs} | {'relaxed' if options.relaxed else 'durable'} |"
            f" {unix:.1f} | {tcp:.1f} | {front:.1f} | {100 * front / tcp:.1f}% |"
            f" {100 * front / unix:.1f}% |"
        )
    finally:
        rds.close()


if __name__ == "__main__":
    main()
