"""DB parameter groups through the API: dynamic values at once, static ones at the next
reboot, validation, reset, copy, listing (with the engine's own parameter metadata)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.rds.clients import (
    PASSWORD,
    aws,
    aws_error,
    describe,
    mariadb,
    security_group,
    wait_available,
)
from tests.support.server import FogbankServer

GROUP = "params-mysql"
IDENT = "params-db"


def value(host: str, name: str) -> str:
    out = mariadb(host, 3306, f"SHOW GLOBAL VARIABLES LIKE '{name}'")
    return out.split("\t")[1].strip()


def apply_status(server: FogbankServer) -> str:
    return str(describe(server, IDENT)["DBParameterGroups"][0]["ParameterApplyStatus"])


@pytest.fixture(scope="module")
def instance(rds_server: FogbankServer) -> Iterator[str]:
    made = aws(
        rds_server,
        "rds",
        "create-db-parameter-group",
        "--db-parameter-group-name",
        GROUP,
        "--db-parameter-group-family",
        "mysql8.0",
        "--description",
        "tests",
    )
    assert made["DBParameterGroup"]["DBParameterGroupArn"].endswith(f":pg:{GROUP}")
    group = security_group(rds_server, "params", 3306)
    aws(
        rds_server,
        "rds",
        "create-db-instance",
        "--db-instance-identifier",
        IDENT,
        "--engine",
        "mysql",
        "--db-instance-class",
        "db.t3.small",
        "--allocated-storage",
        "20",
        "--master-username",
        "admin",
        "--master-user-password",
        PASSWORD,
        "--db-name",
        "app",
        "--db-parameter-group-name",
        GROUP,
        "--vpc-security-group-ids",
        group,
    )
    wait_available(rds_server, IDENT)
    yield str(describe(rds_server, IDENT)["Endpoint"]["Address"])
    aws(
        rds_server,
        "rds",
        "delete-db-instance",
        "--db-instance-identifier",
        IDENT,
        "--skip-final-snapshot",
    )


def modify(server: FogbankServer, *parameters: str) -> Any:
    return aws(
        server,
        "rds",
        "modify-db-parameter-group",
        "--db-parameter-group-name",
        GROUP,
        "--parameters",
        *parameters,
    )


def test_dynamic_parameter_applies_at_once(rds_server: FogbankServer, instance: str) -> None:
    assert value(instance, "max_connections") != "123"
    answer = modify(
        rds_server, "ParameterName=max_connections,ParameterValue=123,ApplyMethod=immediate"
    )
    assert answer == {"DBParameterGroupName": GROUP}
    assert value(instance, "max_connections") == "123"
    assert apply_status(rds_server) == "in-sync"


def test_static_parameter_waits_for_a_reboot(rds_server: FogbankServer, instance: str) -> None:
    before = value(instance, "back_log")
    assert before != "77"
    modify(rds_server, "ParameterName=back_log,ParameterValue=77,ApplyMethod=pending-reboot")
    assert apply_status(rds_server) == "pending-reboot"
    assert value(instance, "back_log") == before
    rebooted = aws(rds_server, "rds", "reboot-db-instance", "--db-instance-identifier", IDENT)
    assert rebooted["DBInstance"]["DBInstanceIdentifier"] == IDENT
    wait_available(rds_server, IDENT)
    assert value(instance, "back_log") == "77"
    assert apply_status(rds_server) == "in-sync"
    events = aws(
        rds_server,
        "rds",
        "describe-events",
        "--source-type",
        "db-parameter-group",
        "--source-identifier",
        GROUP,
    )["Events"]
    assert any("back_log" in e["Message"] for e in events)


@pytest.mark.parametrize(
    ("parameter", "code"),
    [
        (
            "ParameterName=max_connections,ParameterValue=lots,ApplyMethod=immediate",
            "InvalidParameterValue",
        ),
        (
            "ParameterName=max_connections,ParameterValue=0,ApplyMethod=immediate",
            "InvalidParameterValue",
        ),
        (
            "ParameterName=no_such_thing,ParameterValue=1,ApplyMethod=immediate",
            "InvalidParameterValue",
        ),
        (
            "ParameterName=back_log,ParameterValue=80,ApplyMethod=immediate",
            "InvalidParameterCombination",
        ),
    ],
)
def test_invalid_values_are_rejected(
    rds_server: FogbankServer, instance: str, parameter: str, code: str
) -> None:
    err = aws_error(
        rds_server,
        "rds",
        "modify-db-parameter-group",
        "--db-parameter-group-name",
        GROUP,
        "--parameters",
        parameter,
    )
    assert code in err


def test_listing_reset_and_copy(rds_server: FogbankServer, instance: str) -> None:
    modify(
        rds_server,
        "ParameterName=wait_timeout,ParameterValue=600,ApplyMethod=immediate",
        "ParameterName=max_connections,ParameterValue=150,ApplyMethod=immediate",
    )
    user = aws(
        rds_server,
        "rds",
        "describe-db-parameters",
        "--db-parameter-group-name",
        GROUP,
        "--source",
        "user",
    )["Parameters"]
    by_name = {p["ParameterName"]: p for p in user}
    assert by_name["wait_timeout"]["ParameterValue"] == "600"
    assert by_name["wait_timeout"]["ApplyType"] == "dynamic"
    assert by_name["wait_timeout"]["IsModifiable"] is True
    assert by_name["wait_timeout"]["DataType"] == "integer"
    assert all(p["Source"] == "user" for p in user)
    copied = aws(
        rds_server,
        "rds",
        "copy-db-parameter-group",
        "--source-db-parameter-group-identifier",
        GROUP,
        "--target-db-parameter-group-identifier",
        "params-copy",
        "--target-db-parameter-group-description",
        "a copy",
    )["DBParameterGroup"]
    assert copied["DBParameterGroupFamily"] == "mysql8.0"
    names = {
        p["ParameterName"]
        for p in aws(
            rds_server,
            "rds",
            "describe-db-parameters",
            "--db-parameter-group-name",
            "params-copy",
            "--source",
            "user",
        )["Parameters"]
    }
    assert {"wait_timeout", "max_connections"} <= names
    aws(
        rds_server,
        "rds",
        "reset-db-parameter-group",
        "--db-parameter-group-name",
        GROUP,
        "--parameters",
        "ParameterName=wait_timeout,ApplyMethod=immediate",
    )
    assert value(instance, "wait_timeout") != "600"
    aws(rds_server, "rds", "delete-db-parameter-group", "--db-parameter-group-name", "params-copy")
    err = aws_error(
        rds_server, "rds", "delete-db-parameter-group", "--db-parameter-group-name", GROUP
    )
    assert "InvalidDBParameterGroupState" in err  # the instance still uses it


def test_default_group_lists_the_engines_parameters(rds_server: FogbankServer) -> None:
    client = rds_server.client("rds")
    pages = client.get_paginator("describe_db_parameters").paginate(
        DBParameterGroupName="default.postgres16", PaginationConfig={"PageSize": 100}
    )
    params = [p for page in pages for p in page["Parameters"]]
    assert len(params) > 200  # PostgreSQL's own pg_settings
    names = [p["ParameterName"] for p in params]
    assert len(names) == len(set(names))
    by_name = {p["ParameterName"]: p for p in params}
    assert by_name["shared_buffers"]["ApplyType"] == "static"
    assert by_name["work_mem"]["ApplyType"] == "dynamic"
    assert by_name["log_min_messages"]["AllowedValues"]  # an enum
    defaults = client.describe_engine_default_parameters(DBParameterGroupFamily="postgres16")
    assert defaults["EngineDefaults"]["DBParameterGroupFamily"] == "postgres16"
    err = aws_error(
        rds_server,
        "rds",
        "modify-db-parameter-group",
        "--db-parameter-group-name",
        "default.postgres16",
        "--parameters",
        "ParameterName=work_mem,ParameterValue=8192,ApplyMethod=immediate",
    )
    assert "InvalidParameterValue" in err
