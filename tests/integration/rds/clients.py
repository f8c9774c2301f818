"""Helpers for the RDS integration tests: the AWS CLI with JSON out, and the real
``mariadb`` and ``psql`` command-line clients."""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
from typing import Any

from tests.support.server import FogbankServer

PASSWORD = "Lab-pass-2024"


def address_range() -> str:
    """A loopback /24 of this server's own, so that parallel test servers never share one.
    127.64-127.x.x: their engines' twins (kernel routes) are in 127.192-255.x.x, where no
    endpoint is."""
    a, b = random.randint(64, 127), random.randint(1, 250)
    return f"127.{a}.{b}.1-127.{a}.{b}.254"


def cli(server: FogbankServer, *args: str) -> subprocess.CompletedProcess[str]:
    """The AWS CLI. Version 1 pins ``aws rds`` in us-east-1 to rds.amazonaws.com unless
    ``--endpoint-url`` is given (AWS_ENDPOINT_URL is not enough), so it is given here."""
    if args and args[0] == "rds":
        args = (*args, "--endpoint-url", server.endpoint)
    return server.aws(*args, check=False)


def wait_available(server: FogbankServer, ident: str) -> None:
    done = cli(server, "rds", "wait", "db-instance-available", "--db-instance-identifier", ident)
    assert done.returncode == 0, done.stderr


def aws(server: FogbankServer, *args: str) -> Any:
    """``aws <args> --output json``; the parsed answer (None when it printed nothing)."""
    done = cli(server, *args, "--output", "json")
    if done.returncode != 0:
        raise AssertionError(f"aws {' '.join(args)} failed: {done.stderr.strip()}")
    return json.loads(done.stdout) if done.stdout.strip() else None


def aws_error(server: FogbankServer, *args: str) -> str:
    """The stderr of an ``aws`` call that must fail."""
    done = cli(server, *args)
    assert done.returncode != 0, f"aws {' '.join(args)} succeeded: {done.stdout}"
    return done.stderr


def security_group(server: FogbankServer, name: str, port: int | None) -> str:
    """A new group in the default VPC; with ``port``, inbound tcp/port from 127.0.0.1/32."""
    made = aws(
        server,
        "ec2",
        "create-security-group",
        "--group-name",
        name,
        "--description",
        f"rds tests {name}",
    )
    group_id = str(made["GroupId"])
    if port is not None:
        allow(server, group_id, port)
    return group_id


def allow(server: FogbankServer, group_id: str, port: int) -> None:
    aws(
        server,
        "ec2",
        "authorize-security-group-ingress",
        "--group-id",
        group_id,
        "--protocol",
        "tcp",
        "--port",
        str(port),
        "--cidr",
        "127.0.0.1/32",
    )


def describe(server: FogbankServer, ident: str) -> dict[str, Any]:
    found = aws(server, "rds", "describe-db-instances", "--db-instance-identifier", ident)
    return dict(found["DBInstances"][0])


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def mariadb(address: str, port: int, sql: str, user: str = "admin", db: str = "app") -> str:
    """Run SQL with the mariadb client; its output (tab-separated, no headers)."""
    code, out, err = mariadb_try(address, port, sql, user, db)
    assert code == 0, f"mariadb failed: {err}"
    return out


def mariadb_try(
    address: str, port: int, sql: str, user: str = "admin", db: str = "app"
) -> tuple[int, str, str]:
    return run(
        [
            "mariadb",
            f"--host={address}",
            f"--port={port}",
            f"--user={user}",
            f"--password={PASSWORD}",
            f"--database={db}",
            "--batch",
            "--skip-column-names",
            "--connect-timeout=10",
            "-e",
            sql,
        ]
    )


def psql(address: str, port: int, sql: str, user: str = "boss", db: str = "app") -> str:
    code, out, err = psql_try(address, port, sql, user, db)
    assert code == 0, f"psql failed: {err}"
    return out


def psql_try(
    address: str, port: int, sql: str, user: str = "boss", db: str = "app"
) -> tuple[int, str, str]:
    return run(
        [
            "psql",
            f"host={address} port={port} user={user} dbname={db} connect_timeout=10",
            "--no-psqlrc",
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-c",
            sql,
        ],
        {"PGPASSWORD": PASSWORD},
    )


def wait_until(check: Any, timeout: float = 30.0, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s")
        time.sleep(every)
