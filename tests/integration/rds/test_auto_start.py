"""A DB instance stopped for seven days (of the simulated clock) starts again by itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tests.integration.rds.clients import PASSWORD, address_range, wait_until
from tests.support.server import FogbankServer


def test_stopped_instance_starts_after_seven_days(
    make_server: Callable[..., FogbankServer],
) -> None:
    server = make_server(env={"FOGBANK_RDS_ADDRESSES": address_range()})
    rds = server.client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="sleepy",
        Engine="mariadb",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword=PASSWORD,
    )
    wait_until(  # an instance still being created cannot be stopped (on a busy machine)
        lambda: (
            rds.describe_db_instances(DBInstanceIdentifier="sleepy")["DBInstances"][0][
                "DBInstanceStatus"
            ]
            == "available"
        ),
        timeout=120,
    )
    stopped = rds.stop_db_instance(DBInstanceIdentifier="sleepy")["DBInstance"]
    assert stopped["DBInstanceStatus"] == "stopped"
    restart = stopped["AutomaticRestartTime"]
    created = stopped["InstanceCreateTime"]
    assert timedelta(days=7) <= restart - created < timedelta(days=7, minutes=5)

    server.fogbank("clock", "advance", "6d")
    db = rds.describe_db_instances(DBInstanceIdentifier="sleepy")["DBInstances"][0]
    assert db["DBInstanceStatus"] == "stopped"

    server.fogbank("clock", "advance", "1d")
    wait_until(
        lambda: (
            rds.describe_db_instances(DBInstanceIdentifier="sleepy")["DBInstances"][0][
                "DBInstanceStatus"
            ]
            == "available"
        )
    )
    events = rds.describe_events(SourceType="db-instance", SourceIdentifier="sleepy")["Events"]
    messages = [e["Message"] for e in events]
    assert any("exceeding the maximum allowed time being stopped" in m for m in messages)
    assert "DB instance started" in messages
