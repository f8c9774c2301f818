"""A MariaDB-served ``mysql`` instance, reached through the front by real clients."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pymysql
import pytest

from fogbank.core.errors import AwsError
from fogbank.services.rds.engines.admission import Rule
from fogbank.services.rds.models import Instance, InstanceSpec, ParameterChange
from tests.support.rds import SCOPE, RdsHarness, cli

PASSWORD = "Secret-pw-123"
GROUP = "fb-mysql80"
SG = "sg-0maria"


@pytest.fixture(scope="module")
def maria(rds: RdsHarness) -> Iterator[Instance]:
    rds.rules.set_rules(SG, [Rule("127.0.0.0/8", 3306, 3306)])
    rds.call(rds.layer.groups.create(SCOPE, GROUP, "mysql8.0", "tests"))
    started = time.monotonic()
    rds.call(
        rds.layer.instances.create(
            SCOPE,
            InstanceSpec(
                "fb-maria",
                "mysql",
                "admin",
                PASSWORD,
                engine_version="8.0.40",
                db_name="app",
                parameter_group=GROUP,
                security_group_ids=(SG,),
            ),
        )
    )
    instance = rds.wait("fb-maria", "available")
    print(f"mysql instance available after {time.monotonic() - started:.2f}s")
    yield instance


def connect(instance: Instance, **kw: object) -> pymysql.Connection:  # type: ignore[type-arg]
    return pymysql.connect(
        host=instance.address,
        port=instance.port,
        user="admin",
        password=PASSWORD,
        database="app",
        autocommit=True,
        connect_timeout=5,
        **kw,
    )


def variable(instance: Instance, name: str) -> str:
    with connect(instance) as conn, conn.cursor() as cur:
        cur.execute("SHOW GLOBAL VARIABLES LIKE %s", (name,))
        row = cur.fetchone()
        assert row is not None
        return str(row[1])


def test_endpoint_is_an_own_loopback_address_on_the_standard_port(maria: Instance) -> None:
    assert maria.address.startswith("127.") and maria.address != "127.0.0.1"
    assert maria.port == 3306
    assert maria.engine_version == "8.0.40" and maria.server.startswith("mariadb-")


def test_crud_with_pymysql(maria: Instance) -> None:
    with connect(maria) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE crud (id INT PRIMARY KEY, name VARCHAR(20))")
        cur.execute("INSERT INTO crud VALUES (1, 'one'), (2, 'two')")
        cur.execute("UPDATE crud SET name = 'uno' WHERE id = 1")
        cur.execute("DELETE FROM crud WHERE id = 2")
        cur.execute("SELECT id, name FROM crud")
        assert cur.fetchall() == ((1, "uno"),)
        cur.execute("SELECT CURRENT_USER(), @@character_set_server")
        assert cur.fetchone() == ("admin@%", "utf8mb4")
        cur.execute(
            "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA"
            " WHERE SCHEMA_NAME = 'app'"
        )
        assert cur.fetchone() == ("utf8mb4",)  # MySQL 8's default, from the first start


def test_crud_with_the_mariadb_client(maria: Instance) -> None:
    sql = (
        "CREATE TABLE cli (k VARCHAR(10) PRIMARY KEY, v INT); INSERT INTO cli VALUES ('a', 1);"
        " UPDATE cli SET v = 2 WHERE k = 'a'; SELECT v FROM cli; DELETE FROM cli;"
        " SELECT COUNT(*) FROM cli;"
    )
    code, out = cli(
        [
            "mariadb",
            "-h",
            maria.address,
            "-P",
            "3306",
            "-u",
            "admin",
            f"-p{PASSWORD}",
            "-N",
            "-B",
            "app",
            "-e",
            sql,
        ]
    )
    assert code == 0, out
    assert out.split() == ["2", "0"]


def test_master_user_is_not_a_superuser(maria: Instance) -> None:
    with connect(maria) as conn, conn.cursor() as cur:
        with pytest.raises(pymysql.err.OperationalError):
            cur.execute("SET GLOBAL max_connections = 99")
        cur.execute("SELECT COUNT(*) FROM mysql.user WHERE User = 'root'")
        assert cur.fetchone() == (0,)


def test_refused_without_an_inbound_rule_then_admitted(rds: RdsHarness, maria: Instance) -> None:
    rds.rules.set_rules(SG, [])
    try:
        code, out = cli(
            [
                "mariadb",
                "-h",
                maria.address,
                "-P",
                "3306",
                "-u",
                "admin",
                f"-p{PASSWORD}",
                "-e",
                "SELECT 1",
            ]
        )
        assert code != 0
        # Newer MariaDB clients (which try TLS first) add that the error came before TLS.
        assert "1130" in out and "fogbank: connection from 127.0.0.1 refused by" in out
        assert f"security group {SG} (no inbound rule for tcp/3306 from 127.0.0.1/32)" in out
        with pytest.raises(pymysql.err.OperationalError) as caught:
            connect(maria)
        assert caught.value.args[0] == 1130 and SG in caught.value.args[1]
        rds.rules.authorize(SG, Rule("127.0.0.1/32", 3306, 3306))
        code, out = cli(
            [
                "mariadb",
                "-h",
                maria.address,
                "-u",
                "admin",
                f"-p{PASSWORD}",
                "-N",
                "-e",
                "SELECT 41 + 1",
            ]
        )
        assert code == 0 and out.strip() == "42", out
    finally:
        rds.rules.set_rules(SG, [Rule("127.0.0.0/8", 3306, 3306)])


def test_dynamic_parameter_applies_at_once(rds: RdsHarness, maria: Instance) -> None:
    rds.call(rds.layer.groups.modify(SCOPE, GROUP, [ParameterChange("max_connections", "123")]))
    assert variable(maria, "max_connections") == "123"
    assert rds.call(rds.layer.instances.get(SCOPE, "fb-maria")).parameter_apply_status == "in-sync"


def test_static_parameter_is_pending_until_reboot(rds: RdsHarness, maria: Instance) -> None:
    rds.call(rds.layer.groups.modify(SCOPE, GROUP, [ParameterChange("max_connections", "123")]))
    before = variable(maria, "back_log")
    change = ParameterChange("back_log", "77", "pending-reboot")
    rds.call(rds.layer.groups.modify(SCOPE, GROUP, [change]))
    assert variable(maria, "back_log") == before
    instance = rds.call(rds.layer.instances.get(SCOPE, "fb-maria"))
    assert instance.parameter_apply_status == "pending-reboot"
    assert rds.call(rds.layer.instances.reboot(SCOPE, "fb-maria")).status == "rebooting"
    instance = rds.wait("fb-maria", "available")
    assert instance.parameter_apply_status == "in-sync"
    assert variable(maria, "back_log") == "77"
    assert variable(maria, "max_connections") == "123"  # the dynamic one stays too


def test_invalid_values_are_rejected(rds: RdsHarness, maria: Instance) -> None:
    groups = rds.layer.groups
    for change, code in (
        (ParameterChange("max_connections", "lots"), "InvalidParameterValue"),
        (ParameterChange("max_connections", "5"), "InvalidParameterValue"),  # below 10
        (ParameterChange("no_such_parameter", "1"), "InvalidParameterValue"),
        (ParameterChange("datadir", "/tmp"), "InvalidParameterValue"),
        (ParameterChange("back_log", "80", "immediate"), "InvalidParameterCombination"),
    ):
        with pytest.raises(AwsError) as caught:
            rds.call(groups.modify(SCOPE, GROUP, [change]))
        assert caught.value.code == code, change


def test_default_group_lists_the_engines_own_parameters(rds: RdsHarness) -> None:
    params = {p.definition.name: p for p in rds.call(rds.layer.groups.engine_defaults("mysql8.0"))}
    assert len(params) > 400
    assert params["max_connections"].definition.apply_type == "dynamic"
    assert params["max_connections"].source == "system"
    assert params["back_log"].definition.apply_type == "static"
    assert params["innodb_flush_method"].definition.allowed_values is not None
    assert "O_DIRECT" in (params["innodb_flush_method"].definition.allowed_values or "")
    assert not params["datadir"].definition.modifiable


@pytest.mark.slow
def test_killed_engine_comes_back_with_its_data(rds: RdsHarness, maria: Instance) -> None:
    with connect(maria) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE survivor (v INT)")
        cur.execute("INSERT INTO survivor VALUES (7)")
    assert rds.layer.supervisor is not None
    pid = rds.layer.supervisor.engine_pid(maria.resource_id)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while rds.layer.supervisor.engine_pid(maria.resource_id) in (None, pid):
        assert time.monotonic() < deadline, "the engine was not restarted"
        time.sleep(0.1)
    rds.wait("fb-maria", "available")
    with connect(maria) as conn, conn.cursor() as cur:
        cur.execute("SELECT v FROM survivor")
        assert cur.fetchall() == ((7,),)
    messages = [e.message for e in rds.call(rds.layer.instances.events(SCOPE, "fb-maria"))]
    assert any("killed by SIGKILL" in m for m in messages), messages
    assert any("recovered from an engine crash" in m for m in messages), messages
