"""A PostgreSQL instance, reached through the front by psycopg and psql."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import psycopg
import pytest

from fogbank.services.rds.engines.admission import Rule
from fogbank.services.rds.models import Instance, InstanceSpec, ParameterChange
from tests.support.rds import SCOPE, RdsHarness, cli

PASSWORD = "Pg-secret-456"
GROUP = "fb-pg"
SG = "sg-0postgres"


@pytest.fixture(scope="module")
def pg(rds: RdsHarness) -> Iterator[Instance]:
    rds.rules.set_rules(SG, [Rule("127.0.0.0/8", 5432, 5432)])
    family = rds.layer.catalog.resolve("postgres", "16")[1]
    rds.call(rds.layer.groups.create(SCOPE, GROUP, family, "tests"))
    started = time.monotonic()
    rds.call(
        rds.layer.instances.create(
            SCOPE,
            InstanceSpec(
                "fb-pg",
                "postgres",
                "master",
                PASSWORD,
                engine_version="16",
                db_name="app",
                parameter_group=GROUP,
                security_group_ids=(SG,),
            ),
        )
    )
    instance = rds.wait("fb-pg", "available")
    print(f"postgres instance available after {time.monotonic() - started:.2f}s")
    yield instance


def connect(instance: Instance) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(
        host=instance.address,
        port=instance.port,
        user="master",
        password=PASSWORD,
        dbname="app",
        autocommit=True,
        connect_timeout=5,
    )


def setting(instance: Instance, name: str) -> str:
    with connect(instance) as conn:
        row = conn.execute("SELECT setting FROM pg_settings WHERE name = %s", (name,)).fetchone()
        assert row is not None
        return str(row[0])


def test_endpoint_and_engine(pg: Instance) -> None:
    assert pg.port == 5432 and pg.address.startswith("127.") and pg.address != "127.0.0.1"
    assert pg.engine_version.startswith("16.") and pg.server.startswith("postgresql-")


def test_crud_with_psycopg(pg: Instance) -> None:
    with connect(pg) as conn:
        conn.execute("CREATE TABLE crud (id INT PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO crud VALUES (1, 'one'), (2, 'two')")
        conn.execute("UPDATE crud SET name = 'uno' WHERE id = 1")
        conn.execute("DELETE FROM crud WHERE id = 2")
        assert conn.execute("SELECT id, name FROM crud").fetchall() == [(1, "uno")]
        row = conn.execute("SELECT current_user, current_database()").fetchone()
        assert row == ("master", "app")


def test_crud_with_psql(pg: Instance) -> None:
    sql = (
        "CREATE TABLE cli (k TEXT PRIMARY KEY, v INT); INSERT INTO cli VALUES ('a', 1);"
        " UPDATE cli SET v = 2 WHERE k = 'a'; SELECT v FROM cli; DELETE FROM cli;"
        " SELECT COUNT(*) FROM cli;"
    )
    code, out = cli(
        ["psql", "-h", pg.address, "-p", "5432", "-U", "master", "-d", "app", "-At", "-c", sql],
        password=PASSWORD,
    )
    assert code == 0, out
    lines = out.splitlines()  # command tags, then the two results
    assert "UPDATE 1" in lines and lines[lines.index("UPDATE 1") + 1] == "2"
    assert lines[-1] == "0"


def test_master_user_is_not_a_superuser(pg: Instance) -> None:
    with connect(pg) as conn:
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = 'master'").fetchone()
        assert row == (False,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("ALTER SYSTEM SET work_mem = '8MB'")


def test_refused_without_an_inbound_rule_then_admitted(rds: RdsHarness, pg: Instance) -> None:
    rds.rules.set_rules(SG, [])
    try:
        code, out = cli(
            ["psql", "-h", pg.address, "-U", "master", "-d", "app", "-c", "SELECT 1"],
            password=PASSWORD,
        )
        assert code != 0
        assert "FATAL:  fogbank: connection from 127.0.0.1 refused by security group" in out
        assert f"{SG} (no inbound rule for tcp/5432 from 127.0.0.1/32)" in out
        with pytest.raises(psycopg.OperationalError, match=SG):
            connect(pg)
        rds.rules.authorize(SG, Rule("127.0.0.1/32", 5432, 5432))
        code, out = cli(
            ["psql", "-h", pg.address, "-U", "master", "-d", "app", "-At", "-c", "SELECT 41 + 1"],
            password=PASSWORD,
        )
        assert code == 0 and out.strip() == "42", out
    finally:
        rds.rules.set_rules(SG, [Rule("127.0.0.0/8", 5432, 5432)])


def test_dynamic_parameter_applies_at_once(rds: RdsHarness, pg: Instance) -> None:
    rds.call(rds.layer.groups.modify(SCOPE, GROUP, [ParameterChange("work_mem", "8192")]))
    assert setting(pg, "work_mem") == "8192"
    with connect(pg) as conn:
        assert conn.execute("SHOW work_mem").fetchone() == ("8MB",)


def test_static_parameter_is_pending_until_reboot(rds: RdsHarness, pg: Instance) -> None:
    rds.call(rds.layer.groups.modify(SCOPE, GROUP, [ParameterChange("work_mem", "8192")]))
    before = setting(pg, "max_connections")
    change = ParameterChange("max_connections", "150", "pending-reboot")
    rds.call(rds.layer.groups.modify(SCOPE, GROUP, [change]))
    assert setting(pg, "max_connections") == before
    assert rds.call(rds.layer.instances.get(SCOPE, "fb-pg")).parameter_apply_status == (
        "pending-reboot"
    )
    rds.call(rds.layer.instances.reboot(SCOPE, "fb-pg"))
    assert rds.wait("fb-pg", "available").parameter_apply_status == "in-sync"
    assert setting(pg, "max_connections") == "150"
    assert setting(pg, "work_mem") == "8192"


def test_reset_puts_the_default_back(rds: RdsHarness, pg: Instance) -> None:
    rds.call(rds.layer.groups.modify(SCOPE, GROUP, [ParameterChange("work_mem", "2048")]))
    assert setting(pg, "work_mem") == "2048"
    rds.call(rds.layer.groups.reset(SCOPE, GROUP, ["work_mem"]))
    assert setting(pg, "work_mem") == "4096"


def test_default_group_lists_pg_settings(rds: RdsHarness, pg: Instance) -> None:
    change = ParameterChange("max_connections", "150", "pending-reboot")
    rds.call(rds.layer.groups.modify(SCOPE, GROUP, [change]))
    params = {p.definition.name: p for p in rds.call(rds.layer.groups.parameters(SCOPE, GROUP))}
    assert params["shared_buffers"].definition.apply_type == "static"
    assert params["work_mem"].definition.apply_type == "dynamic"
    assert params["max_connections"].source == "user"
    assert params["shared_buffers"].source == "system"
    assert "{DBInstanceClassMemory" in (params["shared_buffers"].value or "")
    assert "replica" in (params["wal_level"].definition.allowed_values or "")


@pytest.mark.slow
def test_killed_engine_comes_back_with_its_data(rds: RdsHarness, pg: Instance) -> None:
    with connect(pg) as conn:
        conn.execute("CREATE TABLE survivor (v INT)")
        conn.execute("INSERT INTO survivor VALUES (7)")
    assert rds.layer.supervisor is not None
    pid = rds.layer.supervisor.engine_pid(pg.resource_id)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while rds.layer.supervisor.engine_pid(pg.resource_id) in (None, pid):
        assert time.monotonic() < deadline, "the engine was not restarted"
        time.sleep(0.1)
    rds.wait("fb-pg", "available")
    with connect(pg) as conn:
        assert conn.execute("SELECT v FROM survivor").fetchall() == [(7,)]
    messages = [e.message for e in rds.call(rds.layer.instances.events(SCOPE, "fb-pg"))]
    assert any("killed by SIGKILL" in m for m in messages), messages
