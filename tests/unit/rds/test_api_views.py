"""Domain objects to RDS output shapes; IAM condition keys; the endpoint admitter."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from fogbank.services.rds.engines.admission import AdmissionRequest
from fogbank.services.rds.models import Instance, InstanceOptions, Scope
from fogbank.services.rds.network import EndpointAdmitter
from fogbank.services.rds.ops.views import db_instance, option_group_name
from fogbank.services.rds.requirements import instance_keys, request_tags, resource_tags

SCOPE = Scope("000000000000", "us-east-1")


def instance(**changes: object) -> Instance:
    values: dict[str, object] = {
        "scope": SCOPE,
        "instance_id": "db1",
        "resource_id": "db-ABC",
        "engine": "postgres",
        "engine_version": "16.8",
        "family": "postgres16",
        "server": "postgresql-15.18",
        "instance_class": "db.t3.micro",
        "allocated_storage": 20,
        "storage_type": "gp3",
        "master_username": "boss",
        "db_name": None,
        "address": "127.0.2.7",
        "port": 5432,
        "parameter_group": "default.postgres16",
        "parameter_apply_status": "in-sync",
        "security_group_ids": ("sg-1",),
        "publicly_accessible": True,
        "status": "available",
        "desired": "running",
        "created_at": 1_700_000_000.0,
        "storage_used": 0,
        "pending_changes": {"DBInstanceClass": "db.m5.large"},
        "options": InstanceOptions(subnet_group="default", availability_zone="us-east-1a"),
    }
    values.update(changes)
    return Instance(**values)  # type: ignore[arg-type]


def test_option_group_names() -> None:
    assert option_group_name("mysql", "8.0.42") == "default:mysql-8-0"
    assert option_group_name("postgres", "16.8") == "default:postgres-16"
    assert option_group_name("mariadb", "10.11.11") == "default:mariadb-10-11"


def test_db_instance_document() -> None:
    doc = db_instance(instance(), (("env", "dev"),), None)
    assert doc["Endpoint"] == {"Address": "127.0.2.7", "Port": 5432}
    assert doc["DBInstanceArn"] == "arn:aws:rds:us-east-1:000000000000:db:db1"
    assert doc["PendingModifiedValues"] == {"DBInstanceClass": "db.m5.large"}
    assert doc["VpcSecurityGroups"] == [{"VpcSecurityGroupId": "sg-1", "Status": "active"}]
    assert doc["TagList"] == [{"Key": "env", "Value": "dev"}]
    assert doc["LicenseModel"] == "postgresql-license"
    assert "DBName" not in doc and "DBSubnetGroup" not in doc
    assert db_instance(instance(db_name="app"), (), None)["DBName"] == "app"


def test_condition_keys() -> None:
    keys = request_tags({"Tags": [{"Key": "Env", "Value": "dev"}]})
    assert keys["aws:requesttag/env"] == "dev"
    assert keys["rds:req-tag/env"] == "dev"
    assert keys["aws:tagkeys"] == ["Env"]
    tags = resource_tags("db", (("Team", "a"),))
    assert tags == {"rds:db-tag/team": "a", "aws:resourcetag/team": "a"}
    assert resource_tags("pg", (("x", "1"),))["rds:pg-tag/x"] == "1"
    found = instance_keys(instance(db_name="app"))
    assert found["rds:databaseengine"] == "postgres"
    assert found["rds:databasename"] == "app"
    assert found["rds:storagesize"] == 20


@dataclass(frozen=True)
class _Answer:
    allowed: bool
    message: str


class _Groups:
    """EC2's admission, reduced to what the admitter passes on (a test double)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, tuple[str, ...], str, str, int]] = []

    async def admit(
        self,
        account_id: str,
        region: str,
        group_ids: Sequence[str],
        client_ip: str,
        protocol: str,
        port: int,
    ) -> _Answer:
        self.asked.append((account_id, region, tuple(group_ids), client_ip, protocol, port))
        return _Answer("sg-open" in group_ids, "by the groups")


def test_endpoint_admitter_honours_publicly_accessible() -> None:
    groups = _Groups()
    admitter = EndpointAdmitter(groups)  # type: ignore[arg-type]

    def ask(public: bool, group: str) -> tuple[bool, str]:
        request = AdmissionRequest("db1", (group,), public, "127.0.0.1", 3306, "1" * 12, "r")
        answer = asyncio.run(admitter.admit(request))
        return answer.ok, answer.message

    ok, message = ask(False, "sg-open")
    assert not ok
    assert "not publicly accessible" in message and "--publicly-accessible" in message
    assert groups.asked == []  # refused before any group is looked at
    assert ask(True, "sg-open") == (True, "by the groups")
    assert ask(True, "sg-shut") == (False, "by the groups")
    assert groups.asked[0] == ("1" * 12, "r", ("sg-open",), "127.0.0.1", "tcp", 3306)
