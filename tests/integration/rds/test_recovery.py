"""An engine killed from outside comes back by itself with its data (and an event says
so); a restarted fogbank brings its instances back with their data and endpoints."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.integration.rds.clients import (
    PASSWORD,
    address_range,
    aws,
    describe,
    mariadb,
    psql,
    security_group,
    wait_available,
    wait_until,
)
from tests.support.server import FogbankServer


def engine_pid(server: FogbankServer, resource_id: str) -> int | None:
    """The engine process whose command line names the instance's directory."""
    marker = str(server.data_dir / "rds" / "instances" / resource_id).encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker in cmdline and b"setpriv" not in cmdline.split(b"\0")[0]:
            return int(entry.name)
    return None


def create(server: FogbankServer, ident: str, engine: str, user: str, port: int) -> Any:
    group = security_group(server, f"recovery-{ident}", port)
    aws(
        server,
        "rds",
        "create-db-instance",
        "--db-instance-identifier",
        ident,
        "--engine",
        engine,
        "--db-instance-class",
        "db.t3.micro",
        "--allocated-storage",
        "20",
        "--master-username",
        user,
        "--master-user-password",
        PASSWORD,
        "--db-name",
        "app",
        "--vpc-security-group-ids",
        group,
    )
    wait_available(server, ident)
    return describe(server, ident)


def test_killed_engine_recovers_and_fogbank_restart_brings_instances_back(
    make_server: Callable[..., FogbankServer],
) -> None:
    env = {"FOGBANK_RDS_ADDRESSES": address_range()}
    server = make_server(env=env)
    maria = create(server, "crashy", "mysql", "admin", 3306)
    pg = create(server, "steady", "postgres", "boss", 5432)
    host, pg_host = maria["Endpoint"]["Address"], pg["Endpoint"]["Address"]
    mariadb(host, 3306, "CREATE TABLE kept (n INT); INSERT INTO kept VALUES (7)")
    psql(pg_host, 5432, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (8)")

    pid = engine_pid(server, maria["DbiResourceId"])
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: engine_pid(server, maria["DbiResourceId"]) not in (None, pid))
    wait_until(lambda: describe(server, "crashy")["DBInstanceStatus"] == "available")
    assert mariadb(host, 3306, "SELECT n FROM kept") == "7\n"
    events = aws(
        server,
        "rds",
        "describe-events",
        "--source-type",
        "db-instance",
        "--source-identifier",
        "crashy",
    )["Events"]
    messages = [e["Message"] for e in events]
    assert any("killed by SIGKILL" in m for m in messages), messages
    assert any("recovered" in m for m in messages), messages
    assert all(e["SourceArn"].endswith(":db:crashy") for e in events)

    metadata_url, data_dir = server.metadata_url, server.data_dir
    server.stop()
    assert engine_pid(server, maria["DbiResourceId"]) is None  # engines stop with fogbank
    again = make_server(metadata_url=metadata_url, data_dir=data_dir, env=env)
    for ident in ("crashy", "steady"):  # "rebooting" until its engine is back
        wait_until(lambda i=ident: describe(again, i)["DBInstanceStatus"] == "available")
    assert describe(again, "crashy")["Endpoint"] == maria["Endpoint"]
    assert mariadb(host, 3306, "SELECT n FROM kept") == "7\n"
    assert psql(pg_host, 5432, "SELECT n FROM kept") == "8\n"
    again.stop()
