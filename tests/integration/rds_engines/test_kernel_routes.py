"""Kernel routes: admitted connections reach the engine's own TCP listener through an
nftables rule; refused ones still meet the front, which names the group."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator

import psycopg
import pymysql
import pytest

from fogbank.services.rds.engines.admission import Rule
from fogbank.services.rds.engines.netfilter import TABLE_PREFIX, twin
from fogbank.services.rds.models import Instance, InstanceSpec
from tests.support.rds import SCOPE, RdsHarness

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("nft") is None,
    reason="kernel routes need root and nft (scripts/setup-system.sh installs nftables)",
)

PASSWORD = "Secret-pw-123"
SG_MARIA = "sg-0kmaria"
SG_PG = "sg-0kpg"


def tables() -> str:
    return subprocess.run(["nft", "list", "tables"], capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def routed(
    empty_metadata_url_factory: Callable[[], str | None],
) -> Iterator[tuple[RdsHarness, Instance, Instance]]:
    harness = RdsHarness(empty_metadata_url_factory(), kernel_routes="on")
    try:
        harness.rules.set_rules(SG_MARIA, [Rule("127.0.0.1/32", 3306, 3306)])
        harness.rules.set_rules(SG_PG, [Rule("127.0.0.0/8", 5432, 5432)])
        for name, engine, sg in (("fb-kmaria", "mysql", SG_MARIA), ("fb-kpg", "postgres", SG_PG)):
            spec = InstanceSpec(
                name, engine, "master", PASSWORD, db_name="app", security_group_ids=(sg,)
            )
            harness.call(harness.layer.instances.create(SCOPE, spec))
        maria = harness.wait("fb-kmaria", "available")
        pg = harness.wait("fb-kpg", "available")
        yield harness, maria, pg
    finally:
        harness.close()
    assert f"{TABLE_PREFIX}{os.getpid()}" not in tables()  # dropped at close


def mysql(instance: Instance, source: str = "127.0.0.1") -> pymysql.Connection:  # type: ignore[type-arg]
    return pymysql.connect(
        host=instance.address,
        port=instance.port,
        user="master",
        password=PASSWORD,
        database="app",
        autocommit=True,
        connect_timeout=5,
        bind_address=source,
    )


def mysql_user(instance: Instance, source: str = "127.0.0.1") -> str:
    with mysql(instance, source) as conn, conn.cursor() as cur:
        cur.execute("SELECT USER()")
        row = cur.fetchone()
        assert row is not None
        return str(row[0])


def until(check: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_an_admitted_client_reaches_the_engine_over_tcp(
    routed: tuple[RdsHarness, Instance, Instance],
) -> None:
    _, maria, pg = routed
    # Through the front, the engine sees its unix socket ("localhost"); through the
    # kernel route it sees the client's own address, as on AWS.
    assert until(lambda: mysql_user(maria) == "master@127.0.0.1")
    with psycopg.connect(
        host=pg.address, port=pg.port, user="master", password=PASSWORD, dbname="app"
    ) as conn:
        row = conn.execute("SELECT host(inet_client_addr()), current_setting('port')").fetchone()
    assert row == ("127.0.0.1", "5432")


def test_a_refused_client_still_gets_the_groups_message(
    routed: tuple[RdsHarness, Instance, Instance],
) -> None:
    _, maria, _ = routed
    with pytest.raises(pymysql.err.OperationalError) as caught:
        mysql(maria, source="127.0.0.2")
    assert SG_MARIA in str(caught.value) and "127.0.0.2" in str(caught.value)


def test_the_engine_listener_is_not_reachable_directly(
    routed: tuple[RdsHarness, Instance, Instance],
) -> None:
    _, maria, _ = routed
    assert twin(maria.address) != maria.address
    with socket.socket() as s:
        s.settimeout(5)
        with pytest.raises(ConnectionRefusedError):
            s.connect((twin(maria.address), maria.port))


def test_a_revoked_rule_stops_new_connections_and_a_new_one_routes_them(
    routed: tuple[RdsHarness, Instance, Instance],
) -> None:
    harness, maria, _ = routed

    def refused() -> bool:
        try:
            mysql(maria).close()
        except pymysql.err.OperationalError as exc:
            return SG_MARIA in str(exc)
        return False

    try:
        harness.rules.set_rules(SG_MARIA, [])
        assert until(refused, timeout=2.0)
        harness.rules.set_rules(SG_MARIA, [Rule("127.0.0.2/32", 3306, 3306)])
        assert until(lambda: mysql_user(maria, "127.0.0.2") == "master@127.0.0.2")
        assert refused()
    finally:
        harness.rules.set_rules(SG_MARIA, [Rule("127.0.0.1/32", 3306, 3306)])


def test_a_stopped_engine_is_answered_by_the_front(
    routed: tuple[RdsHarness, Instance, Instance],
) -> None:
    harness, maria, _ = routed
    harness.call(harness.layer.instances.stop(SCOPE, maria.instance_id))
    try:
        harness.wait(maria.instance_id, "stopped")
        with pytest.raises(pymysql.err.OperationalError) as caught:
            mysql(maria)
        assert "not accepting connections" in str(caught.value)
    finally:
        harness.call(harness.layer.instances.start(SCOPE, maria.instance_id))
        harness.wait(maria.instance_id, "available")
    assert until(lambda: mysql_user(maria) == "master@127.0.0.1")
