"""Admission on the store (SQLite and PostgreSQL): rule and membership changes made
through the operations change ``admit()`` answers at once, in this process and in another
one (a second engine on the same store and data dir)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

from fogbank.core.clock import Clock
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.core.principal import Principal, PrincipalKind
from fogbank.services.ec2 import schema
from fogbank.services.ec2.admission import Admitter
from fogbank.services.ec2.changes import ChangeSignal
from fogbank.services.ec2.client import Ec2Client
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.ops import authorize, groups
from fogbank.storage import core_schema
from fogbank.storage.db import Database
from fogbank.storage.migrations import migrate

T = TypeVar("T")
ACCOUNT = "111122223333"
REGION = "eu-west-1"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def ctx(operation: str) -> RequestContext:
    principal = Principal(PrincipalKind.ROOT, ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)
    return RequestContext("req", "ec2", operation, REGION, principal, Clock())


@pytest.fixture
def engine(db: Database, tmp_path: Path) -> Ec2Engine:
    migrate(db, (*core_schema.MIGRATIONS, *schema.MIGRATIONS))
    return Ec2Engine(db, Clock(), tmp_path)


def new_group(engine: Ec2Engine, name: str) -> str:
    out = run(
        groups.create_security_group(
            engine, ctx("CreateSecurityGroup"), {"GroupName": name, "Description": name}
        )
    )
    return str(out["GroupId"])


def allow(engine: Ec2Engine, group_id: str, port: int, cidr: str) -> None:
    perm = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}
    run(
        authorize.authorize_ingress(
            engine, ctx("A"), {"GroupId": group_id, "IpPermissions": [perm]}
        )
    )


def disallow(engine: Ec2Engine, group_id: str, port: int, cidr: str) -> None:
    perm = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": cidr}]}
    run(authorize.revoke_ingress(engine, ctx("R"), {"GroupId": group_id, "IpPermissions": [perm]}))


def admitted(client: Ec2Client, group_ids: list[str], ip: str, port: int) -> bool:
    return run(client.admit(ACCOUNT, REGION, group_ids, ip, "tcp", port)).allowed


def test_rule_changes_take_effect_at_once(engine: Ec2Engine) -> None:
    client = Ec2Client(engine)
    gid = new_group(engine, "db")
    refused = run(client.admit(ACCOUNT, REGION, [gid], "127.0.0.1", "tcp", 3306))
    assert not refused.allowed
    assert f"refused by security group {gid} (db)" in refused.message
    allow(engine, gid, 3306, "127.0.0.1/32")
    assert admitted(client, [gid], "127.0.0.1", 3306)
    assert not admitted(client, [gid], "127.0.0.2", 3306)
    assert not admitted(client, [gid], "127.0.0.1", 3307)
    disallow(engine, gid, 3306, "127.0.0.1/32")
    assert not admitted(client, [gid], "127.0.0.1", 3306)


def test_another_process_sees_changes_on_its_next_connection(
    engine: Ec2Engine, db: Database, tmp_path: Path
) -> None:
    other = Ec2Client(Ec2Engine(db, Clock(), tmp_path))  # same store, same stamp file
    gid = new_group(engine, "shared")
    assert not admitted(other, [gid], "10.1.2.3", 5432)  # now cached there
    allow(engine, gid, 5432, "10.0.0.0/8")
    assert admitted(other, [gid], "10.1.2.3", 5432)
    disallow(engine, gid, 5432, "10.0.0.0/8")
    assert not admitted(other, [gid], "10.1.2.3", 5432)


def test_without_a_stamp_entries_expire_after_max_age(engine: Ec2Engine, db: Database) -> None:
    now = [0.0]
    blind = Admitter(db, ChangeSignal(None), max_age=1.0, monotonic=lambda: now[0])
    gid = new_group(engine, "remote")

    def ok() -> bool:
        return run(blind.admit(ACCOUNT, REGION, [gid], "192.0.2.1", "tcp", 22)).allowed

    assert not ok()
    allow(engine, gid, 22, "192.0.2.0/24")
    now[0] = 0.5
    assert not ok()  # cached, and this admitter cannot see the stamp
    now[0] = 1.01
    assert ok()


def test_source_group_rules_admit_registered_members(engine: Ec2Engine) -> None:
    client = Ec2Client(engine)
    db_group = new_group(engine, "database")
    app_group = new_group(engine, "app")
    perm = {
        "IpProtocol": "tcp",
        "FromPort": 3306,
        "ToPort": 3306,
        "UserIdGroupPairs": [{"GroupId": app_group}],
    }
    run(
        authorize.authorize_ingress(
            engine, ctx("A"), {"GroupId": db_group, "IpPermissions": [perm]}
        )
    )
    assert not admitted(client, [db_group], "127.0.2.9", 3306)
    run(client.register_usage(app_group, "test-client", "c-1", address="127.0.2.9"))
    assert admitted(client, [db_group], "127.0.2.9", 3306)
    assert not admitted(client, [db_group], "127.0.2.10", 3306)
    assert run(client.unregister_usage(app_group, "test-client", "c-1"))
    assert not admitted(client, [db_group], "127.0.2.9", 3306)


def test_usage_blocks_deletion_until_unregistered(engine: Ec2Engine) -> None:
    client = Ec2Client(engine)
    gid = new_group(engine, "used")
    run(client.register_usage(gid, "rds-instance", "db-1"))
    with pytest.raises(AwsError) as exc:
        run(groups.delete_security_group(engine, ctx("D"), {"GroupId": gid}))
    assert exc.value.code == "DependencyViolation"
    assert exc.value.message == f"resource {gid} has a dependent object"
    run(client.unregister_usage(gid, "rds-instance", "db-1"))
    out = run(groups.delete_security_group(engine, ctx("D"), {"GroupId": gid}))
    assert out["Return"] is True
    with pytest.raises(AwsError) as exc:
        run(client.register_usage(gid, "rds-instance", "db-1"))
    assert exc.value.code == "InvalidGroup.NotFound"


def test_membership_is_replaced_whole(engine: Ec2Engine) -> None:
    client = Ec2Client(engine)
    a, b = new_group(engine, "a"), new_group(engine, "b")
    run(
        client.set_membership(
            ACCOUNT, REGION, "efs-mount-target", "fsmt-1", [a, b], address="127.0.3.1"
        )
    )
    assert {m.group_id for m in run(client.memberships("efs-mount-target", "fsmt-1"))} == {a, b}
    run(client.set_membership(ACCOUNT, REGION, "efs-mount-target", "fsmt-1", [b]))
    assert [m.group_id for m in run(client.memberships("efs-mount-target", "fsmt-1"))] == [b]
    with pytest.raises(AwsError):
        run(
            client.set_membership(
                ACCOUNT, REGION, "efs-mount-target", "fsmt-1", [a, "sg-00000000000000000"]
            )
        )
    assert [m.group_id for m in run(client.memberships("efs-mount-target", "fsmt-1"))] == [b]
    run(client.clear_membership("efs-mount-target", "fsmt-1"))
    assert run(client.memberships("efs-mount-target", "fsmt-1")) == []


def test_network_lookups_for_other_services(engine: Ec2Engine) -> None:
    client = Ec2Client(engine)
    default = run(client.default_security_group(ACCOUNT, REGION))
    assert default.name == "default"
    assert default.vpc_id == run(client.default_vpc_id(ACCOUNT, REGION))
    subnets = run(client.default_subnets(ACCOUNT, REGION))
    assert sorted(s.zone for s in subnets) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert sorted(s.cidr_block for s in subnets) == [
        "172.31.0.0/20",
        "172.31.16.0/20",
        "172.31.32.0/20",
    ]
    assert run(client.subnets(ACCOUNT, REGION, [subnets[1].subnet_id])) == [subnets[1]]
    with pytest.raises(AwsError) as exc:
        run(client.security_groups(ACCOUNT, REGION, ["sg-nope"]))
    assert exc.value.code == "InvalidGroupId.Malformed"
    with pytest.raises(AwsError) as exc:
        run(client.security_groups(ACCOUNT, REGION, ["sg-0000000000000000f"]))
    assert exc.value.code == "InvalidGroup.NotFound"
