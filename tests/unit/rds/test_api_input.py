"""RDS API input: parameters, Filters, Marker paging, tags, CreateDBInstance defaults."""

from __future__ import annotations

import pytest

from fogbank.core.errors import AwsError
from fogbank.services.rds import arns
from fogbank.services.rds.addresses import AddressPool
from fogbank.services.rds.models import InstanceOptions, Scope
from fogbank.services.rds.ops import common, instance_input

BASE = {
    "DBInstanceIdentifier": "db1",
    "Engine": "MySQL",
    "DBInstanceClass": "db.t3.micro",
    "MasterUsername": "admin",
    "MasterUserPassword": "Secret-pass-1",
    "AllocatedStorage": 20,
}


def code(fn: object, *args: object) -> str:
    with pytest.raises(AwsError) as err:
        fn(*args)  # type: ignore[operator]
    return err.value.code


def test_paging_walks_every_item_once() -> None:
    items = [f"i{n:03d}" for n in range(45)]
    seen: list[str] = []
    params: dict[str, object] = {"MaxRecords": 20}
    while True:
        shown, marker = common.page(items, lambda s: s, params)
        seen += shown
        if marker is None:
            break
        params = {"MaxRecords": 20, "Marker": marker}
    assert seen == items
    assert common.page(items, lambda s: s, {})[1] is None  # default 100
    assert code(common.page, items, lambda s: s, {"MaxRecords": 19}) == "InvalidParameterValue"
    assert code(common.page, items, lambda s: s, {"MaxRecords": 101}) == "InvalidParameterValue"
    assert code(common.page, items, lambda s: s, {"Marker": "not-ours"}) == "InvalidParameterValue"


def test_filters() -> None:
    given = {"Filters": [{"Name": "engine", "Values": ["mysql", "postgres"]}]}
    assert common.filters(given, ("engine",)) == {"engine": ["mysql", "postgres"]}
    assert code(common.filters, given, ("db-instance-id",)) == "InvalidParameterValue"
    empty = {"Filters": [{"Name": "engine", "Values": []}]}
    assert code(common.filters, empty, ("engine",)) == "InvalidParameterValue"


def test_tags_are_checked() -> None:
    assert common.tags({"Tags": [{"Key": "env", "Value": "dev"}, {"Key": "k"}]}) == (
        ("env", "dev"),
        ("k", ""),
    )
    assert code(common.tags, {"Tags": [{"Key": "aws:x", "Value": "1"}]}) == "InvalidParameterValue"
    assert code(common.tags, {"Tags": [{"Key": "a" * 129}]}) == "InvalidParameterValue"
    assert code(common.tags, {"Tags": [{"Key": "k", "Value": "bad\x00"}]}) == (
        "InvalidParameterValue"
    )


def test_create_defaults() -> None:
    asked = instance_input.parse_create(BASE)
    assert asked.engine == "mysql"
    assert asked.storage_type == "gp3"  # RDS's default without Iops
    assert asked.publicly_accessible is None  # decided by the subnet group
    assert asked.options.backup_retention_period == 1
    assert asked.options.license_model == "general-public-license"
    assert not asked.options.deletion_protection
    with_iops = instance_input.parse_create({**BASE, "AllocatedStorage": 100, "Iops": 1000})
    assert with_iops.storage_type == "io1"
    pg = instance_input.parse_create({**BASE, "Engine": "postgres", "DeletionProtection": True})
    assert pg.options.license_model == "postgresql-license"
    assert pg.options.deletion_protection


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"MasterUserPassword": None}, "InvalidParameterValue"),
        ({"AllocatedStorage": None}, "InvalidParameterValue"),
        ({"MultiAZ": True}, "NotImplemented"),
        ({"StorageEncrypted": True}, "NotImplemented"),
        ({"EnableIAMDatabaseAuthentication": True}, "NotImplemented"),
        ({"ManageMasterUserPassword": True}, "NotImplemented"),
        ({"EnableCloudwatchLogsExports": ["error"]}, "NotImplemented"),
        ({"MonitoringInterval": 60}, "NotImplemented"),
        ({"OptionGroupName": "mine"}, "OptionGroupNotFoundFault"),
        ({"CACertificateIdentifier": "rds-ca-rsa2048-g1"}, "CertificateNotFound"),
        ({"DBSecurityGroups": ["legacy"]}, "DBSecurityGroupNotFound"),
        ({"CharacterSetName": "AL32UTF8"}, "InvalidParameterCombination"),
        ({"BackupRetentionPeriod": 36}, "InvalidParameterValue"),
        ({"PreferredBackupWindow": "25:00-26:00"}, "InvalidParameterValue"),
        ({"PreferredMaintenanceWindow": "sun:05:00"}, "InvalidParameterValue"),
        ({"StorageType": "io1"}, "InvalidParameterCombination"),
        ({"StorageType": "gp2", "Iops": 1000}, "InvalidParameterCombination"),
        ({"StorageType": "gp2", "StorageThroughput": 125}, "InvalidParameterCombination"),
        ({"MaxAllocatedStorage": 20}, "InvalidParameterCombination"),
        ({"LicenseModel": "bring-your-own-license"}, "InvalidParameterCombination"),
    ],
)
def test_create_refusals(extra: dict[str, object], expected: str) -> None:
    params = {k: v for k, v in {**BASE, **extra}.items() if v is not None}
    assert code(instance_input.parse_create, params) == expected


def test_options_round_trip_and_unknown_keys() -> None:
    options = InstanceOptions(deletion_protection=True, subnet_group="sg", iops=3000)
    assert InstanceOptions.from_json(options.to_json()) == options
    assert InstanceOptions.from_json('{"future": 1, "vpc_id": "vpc-1"}').vpc_id == "vpc-1"
    assert InstanceOptions.from_json(None) == InstanceOptions()


def test_arns() -> None:
    scope = Scope("123456789012", "eu-west-1")
    text = arns.instance(scope, "db1")
    assert text == "arn:aws:rds:eu-west-1:123456789012:db:db1"
    parsed = arns.parse(text)
    assert (parsed.scope, parsed.kind, parsed.name) == (scope, "db", "db1")
    assert code(arns.parse, "arn:aws:s3:::bucket") == "InvalidParameterValue"
    assert code(arns.parse, "db1") == "InvalidParameterValue"


def test_address_ranges() -> None:
    pool = AddressPool.parse("127.0.9.1-127.0.9.20")
    assert list(pool.candidates())[:2] == ["127.0.9.1", "127.0.9.2"]
    for bad in ("10.0.0.1-10.0.0.9", "127.0.9.9-127.0.9.1", "nonsense"):
        with pytest.raises(ValueError):
            AddressPool.parse(bad)
