"""RDS's tags and parameter-group copies in the store, and the IAM requirements read from
it, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from fogbank.core.clock import Clock
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.core.principal import Principal, PrincipalKind
from fogbank.services.rds import group_store, tagging
from fogbank.services.rds.backend import RdsBackend, RdsSettings
from fogbank.services.rds.models import Scope
from fogbank.services.rds.network import Ec2
from fogbank.services.rds.requirements import RdsRequirements
from fogbank.services.rds.schema import MIGRATIONS
from fogbank.storage.db import Database
from fogbank.storage.migrations import migrate

SCOPE = Scope("000000000000", "us-east-1")
OTHER = Scope("000000000000", "eu-west-1")


@pytest.fixture
def rds_db(db: Database) -> Database:
    migrate(db, MIGRATIONS)
    return db


def test_tags(rds_db: Database) -> None:
    run = rds_db.write_sync
    run(lambda c: tagging.put(c, SCOPE, "pg", "g1", (("b", "2"), ("a", "1"))))
    run(lambda c: tagging.put(c, SCOPE, "pg", "g1", (("a", "one"),)))
    run(lambda c: tagging.put(c, OTHER, "pg", "g1", (("x", "y"),)))
    assert rds_db.read_sync(lambda c: tagging.get(c, SCOPE, "pg", "g1")) == (
        ("a", "one"),
        ("b", "2"),
    )
    run(lambda c: tagging.remove(c, SCOPE, "pg", "g1", ["b", "missing"]))
    assert rds_db.read_sync(lambda c: tagging.of_kind(c, SCOPE, "pg")) == {"g1": (("a", "one"),)}
    many = tuple((f"k{n}", "v") for n in range(50))
    with pytest.raises(AwsError) as err:
        run(lambda c: tagging.put(c, SCOPE, "pg", "g1", many))
    assert err.value.code == "TagQuotaPerResourceExceeded"
    run(lambda c: tagging.remove_all(c, SCOPE, "pg", "g1"))
    assert rds_db.read_sync(lambda c: tagging.get(c, SCOPE, "pg", "g1")) == ()
    assert rds_db.read_sync(lambda c: tagging.get(c, OTHER, "pg", "g1")) == (("x", "y"),)


def test_copy_values_and_delete_group(rds_db: Database) -> None:
    def setup(c: Any) -> None:
        group_store.insert_group(c, SCOPE, "src", "mysql8.0", "d", 1.0)
        group_store.set_value(c, SCOPE, "src", "max_connections", "50", "immediate")
        group_store.set_value(c, SCOPE, "src", "back_log", "70", "pending-reboot")
        group_store.insert_group(c, SCOPE, "dst", "mysql8.0", "d", 2.0)
        group_store.copy_values(c, SCOPE, "src", "dst")
        tagging.put(c, SCOPE, tagging.PARAMETER_GROUP, "dst", (("t", "1"),))

    rds_db.write_sync(setup)
    assert rds_db.read_sync(lambda c: group_store.group_values(c, SCOPE, "dst")) == {
        "max_connections": ("50", "immediate"),
        "back_log": ("70", "pending-reboot"),
    }
    rds_db.write_sync(lambda c: group_store.delete_group(c, SCOPE, "dst"))
    assert rds_db.read_sync(lambda c: group_store.group_values(c, SCOPE, "dst")) == {}
    assert rds_db.read_sync(lambda c: tagging.get(c, SCOPE, "pg", "dst")) == ()


def requirements(rds_db: Database, operation: str, params: dict[str, object]) -> list[Any]:
    backend = RdsBackend(rds_db, Clock(), cast(Ec2, object()), RdsSettings(data_dir=None))
    root = Principal(
        PrincipalKind.ROOT, SCOPE.account_id, f"arn:aws:iam::{SCOPE.account_id}:root", "root"
    )
    ctx = RequestContext("r", "rds", operation, "us-east-1", root, Clock())
    return list(asyncio.run(RdsRequirements(backend).of(ctx, params)))


def test_requirements(rds_db: Database) -> None:
    create = requirements(
        rds_db,
        "CreateDBInstance",
        {
            "DBInstanceIdentifier": "MyDB",
            "Engine": "postgres",
            "DBInstanceClass": "db.t3.micro",
            "AllocatedStorage": 30,
            "DBParameterGroupName": "custom",
            "DBSubnetGroupName": "mine",
            "Tags": [{"Key": "env", "Value": "dev"}],
        },
    )
    arn = "arn:aws:rds:us-east-1:000000000000:"
    assert [r.resource for r in create] == [f"{arn}db:mydb", f"{arn}pg:custom", f"{arn}subgrp:mine"]
    assert {r.action for r in create} == {"rds:CreateDBInstance"}
    keys = create[0].context
    assert keys["rds:databaseengine"] == "postgres"
    assert keys["rds:storagesize"] == 30
    assert keys["aws:requesttag/env"] == "dev" and keys["aws:tagkeys"] == ["env"]

    rds_db.write_sync(
        lambda c: tagging.put(c, SCOPE, tagging.PARAMETER_GROUP, "custom", (("Team", "a"),))
    )
    modify = requirements(rds_db, "ModifyDBParameterGroup", {"DBParameterGroupName": "custom"})
    assert modify[0].resource == f"{arn}pg:custom"
    assert modify[0].context == {"rds:pg-tag/team": "a", "aws:resourcetag/team": "a"}

    tagged = requirements(
        rds_db,
        "AddTagsToResource",
        {"ResourceName": f"{arn}pg:custom", "Tags": [{"Key": "new", "Value": "1"}]},
    )
    assert tagged[0].resource == f"{arn}pg:custom"
    assert tagged[0].context["aws:tagkeys"] == ["new"]
    assert tagged[0].context["rds:pg-tag/team"] == "a"

    described = requirements(rds_db, "DescribeDBInstances", {})
    assert described[0].resource == f"{arn}db:*"
    assert requirements(rds_db, "DescribeEvents", {})[0].resource == "*"
