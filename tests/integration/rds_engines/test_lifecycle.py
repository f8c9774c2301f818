"""Stop/start, restart of fogbank's supervisor, delete, and what creation refuses."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pymysql
import pytest

from fogbank.core.errors import AwsError
from fogbank.services.rds.engines.admission import Rule
from fogbank.services.rds.models import Instance, InstanceChanges, InstanceSpec
from tests.support.rds import SCOPE, RdsHarness

PASSWORD = "Life-cycle-789"


@pytest.fixture(scope="module")
def pair(rds: RdsHarness) -> Iterator[tuple[Instance, Instance]]:
    rds.rules.set_rules("sg-life", [Rule("127.0.0.0/8")])
    for name, engine in (("life-maria", "mariadb"), ("life-pg", "postgres")):
        spec = InstanceSpec(
            name, engine, "boss", PASSWORD, db_name="shop", security_group_ids=("sg-life",)
        )
        rds.call(rds.layer.instances.create(SCOPE, spec))
    yield rds.wait("life-maria", "available"), rds.wait("life-pg", "available")


def maria_connect(instance: Instance) -> pymysql.Connection:  # type: ignore[type-arg]
    return pymysql.connect(
        host=instance.address,
        port=instance.port,
        user="boss",
        password=PASSWORD,
        database="shop",
        autocommit=True,
    )


def maria_rows(instance: Instance) -> list[tuple[object, ...]]:
    with maria_connect(instance) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS kept (v INT)")
        cur.execute("SELECT v FROM kept ORDER BY v")
        return list(cur.fetchall())


def maria_add(instance: Instance, value: int) -> None:
    with maria_connect(instance) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS kept (v INT)")
        cur.execute("INSERT INTO kept VALUES (%s)", (value,))


def pg_exec(instance: Instance, sql: str, password: str = PASSWORD) -> list[tuple[object, ...]]:
    with psycopg.connect(
        host=instance.address,
        port=instance.port,
        user="boss",
        password=password,
        dbname="shop",
        autocommit=True,
    ) as conn:
        cur = conn.execute(sql)
        return list(cur.fetchall()) if cur.description else []


def test_catalog_says_which_server_answers(rds: RdsHarness) -> None:
    versions = rds.layer.catalog.engine_versions()
    mysql = [v for v in versions if v.engine == "mysql"]
    assert mysql and all(v.server_description.startswith("MariaDB ") for v in mysql)
    assert {v.family for v in versions} >= {"mysql8.0", "mysql8.4", "postgres13", "postgres17"}
    assert [v for v in versions if v.engine == "postgres" and v.is_default]


def test_creation_refuses_bad_input(rds: RdsHarness, pair: tuple[Instance, Instance]) -> None:
    bad = [
        (InstanceSpec("life-maria", "mariadb", "boss", PASSWORD), "DBInstanceAlreadyExists"),
        (InstanceSpec("x", "oracle-ee", "boss", PASSWORD), "InvalidParameterValue"),
        (
            InstanceSpec("x", "mysql", "boss", PASSWORD, engine_version="5.1"),
            "InvalidParameterCombination",
        ),
        (InstanceSpec("x", "mysql", "boss", "short"), "InvalidParameterValue"),
        (InstanceSpec("x", "mysql", "rdsadmin", PASSWORD), "InvalidParameterValue"),
        (
            InstanceSpec("x", "mysql", "boss", PASSWORD, instance_class="db.huge"),
            "InvalidParameterValue",
        ),
        (
            InstanceSpec("x", "mysql", "boss", PASSWORD, parameter_group="nope"),
            "DBParameterGroupNotFound",
        ),
        (InstanceSpec("-x", "mysql", "boss", PASSWORD), "InvalidParameterValue"),
    ]
    for spec, code in bad:
        with pytest.raises(AwsError) as caught:
            rds.call(rds.layer.instances.create(SCOPE, spec))
        assert caught.value.code == code, spec


def test_stop_and_start_keep_endpoint_and_data(
    rds: RdsHarness, pair: tuple[Instance, Instance]
) -> None:
    maria, _ = pair
    maria_add(maria, 1)
    assert rds.call(rds.layer.instances.stop(SCOPE, "life-maria")).status == "stopping"
    rds.wait("life-maria", "stopped")
    with pytest.raises(pymysql.err.OperationalError) as caught:
        maria_rows(maria)
    assert "not accepting connections (status: stopped)" in str(caught.value)
    assert rds.call(rds.layer.instances.start(SCOPE, "life-maria")).status == "starting"
    again = rds.wait("life-maria", "available")
    assert (again.address, again.port) == (maria.address, maria.port)
    assert maria_rows(maria) == [(1,)]
    messages = [e.message for e in rds.call(rds.layer.instances.events(SCOPE, "life-maria"))]
    assert "DB instance stopped" in messages and "DB instance started" in messages


def test_master_password_change(rds: RdsHarness, pair: tuple[Instance, Instance]) -> None:
    _, pg = pair
    changes = InstanceChanges(master_password="New-password-1")
    rds.call(rds.layer.instances.modify(SCOPE, "life-pg", changes, apply_immediately=True))
    assert pg_exec(pg, "SELECT 1", password="New-password-1") == [(1,)]
    with pytest.raises(psycopg.OperationalError):
        pg_exec(pg, "SELECT 1")
    changes = InstanceChanges(master_password=PASSWORD)
    rds.call(rds.layer.instances.modify(SCOPE, "life-pg", changes, apply_immediately=True))


@pytest.mark.slow
def test_restart_brings_instances_back_with_data(
    rds: RdsHarness, pair: tuple[Instance, Instance]
) -> None:
    maria, pg = pair
    maria_add(maria, 2)
    pg_exec(pg, "CREATE TABLE IF NOT EXISTS kept (v INT); INSERT INTO kept VALUES (5)")
    rds.call(rds.layer.instances.stop(SCOPE, "life-pg"))
    rds.wait("life-pg", "stopped")
    started = time.monotonic()
    rds.restart()  # a new supervisor, new process objects, the same files and store
    again = rds.wait("life-maria", "available")
    print(f"back after restart in {time.monotonic() - started:.2f}s")
    assert (again.address, again.port) == (maria.address, maria.port)
    assert (2,) in maria_rows(maria)
    assert rds.wait("life-pg", "stopped").status == "stopped"  # stays as it was left
    rds.call(rds.layer.instances.start(SCOPE, "life-pg"))
    rds.wait("life-pg", "available")
    assert pg_exec(pg, "SELECT v FROM kept") == [(5,)]


def test_storage_is_reported(rds: RdsHarness, pair: tuple[Instance, Instance]) -> None:
    instance = rds.call(rds.layer.instances.get(SCOPE, "life-pg"))
    assert instance.allocated_storage == 20
    assert instance.storage_used > 10 << 20


def test_delete_removes_the_instance(rds: RdsHarness, pair: tuple[Instance, Instance]) -> None:
    maria, _ = pair
    assert rds.layer.supervisor is not None
    layout = rds.layer.supervisor.runtimes[maria.resource_id].layout
    assert layout.data.is_dir()
    assert rds.call(rds.layer.instances.delete(SCOPE, "life-maria")).status == "deleting"
    deadline = time.monotonic() + 60
    while rds.call(rds.layer.instances.describe(SCOPE)) and any(
        i.instance_id == "life-maria" for i in rds.call(rds.layer.instances.describe(SCOPE))
    ):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert not layout.root.exists()
    with pytest.raises(AwsError) as caught:
        rds.call(rds.layer.instances.get(SCOPE, "life-maria"))
    assert caught.value.code == "DBInstanceNotFound"
    with pytest.raises(pymysql.err.OperationalError):
        maria_rows(maria)
