"""Engine versions (and the real server behind each), orderable options, subnet groups,
parameter groups, account quotas and certificates."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.support.server import FogbankServer


def error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    return str(err.value.response["Error"]["Code"])


def test_engine_versions_name_the_real_server(rds_server: FogbankServer) -> None:
    rds = rds_server.client("rds")
    mysql = rds.describe_db_engine_versions(Engine="mysql")["DBEngineVersions"]
    assert {v["DBParameterGroupFamily"] for v in mysql} == {"mysql8.0", "mysql8.4"}
    assert all("answered by MariaDB" in v["DBEngineVersionDescription"] for v in mysql)
    default = rds.describe_db_engine_versions(Engine="mysql", DefaultOnly=True)
    assert [v["EngineVersion"] for v in default["DBEngineVersions"]] == ["8.0.42"]
    pg16 = rds.describe_db_engine_versions(Engine="postgres", EngineVersion="16")
    versions = [v["EngineVersion"] for v in pg16["DBEngineVersions"]]
    assert versions and all(v.startswith("16.") for v in versions)
    assert "answered by PostgreSQL" in pg16["DBEngineVersions"][0]["DBEngineVersionDescription"]
    pages = rds.get_paginator("describe_db_engine_versions").paginate(
        PaginationConfig={"PageSize": 20}
    )
    everything = [v for page in pages for v in page["DBEngineVersions"]]
    assert len(everything) == len(rds.describe_db_engine_versions()["DBEngineVersions"])
    assert error(rds.describe_db_engine_versions, Filters=[{"Name": "x", "Values": ["y"]}]) == (
        "InvalidParameterValue"
    )


def test_orderable_options(rds_server: FogbankServer) -> None:
    rds = rds_server.client("rds")
    found = rds.describe_orderable_db_instance_options(
        Engine="postgres", EngineVersion="16.8", DBInstanceClass="db.m5.large"
    )["OrderableDBInstanceOptions"]
    assert {o["StorageType"] for o in found} == {"gp2", "gp3", "io1"}
    assert all(o["DBInstanceClass"] == "db.m5.large" and o["Vpc"] for o in found)
    assert found[0]["AvailabilityZones"]


def test_subnet_groups(rds_server: FogbankServer) -> None:
    rds = rds_server.client("rds")
    ec2 = rds_server.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    by_zone = {s["AvailabilityZone"]: s["SubnetId"] for s in subnets["Subnets"]}
    ids = sorted(by_zone.values())[:2]
    made = rds.create_db_subnet_group(
        DBSubnetGroupName="Two-Zones",
        DBSubnetGroupDescription="two zones",
        SubnetIds=ids,
        Tags=[{"Key": "k", "Value": "v"}],
    )["DBSubnetGroup"]
    assert made["DBSubnetGroupName"] == "two-zones"
    assert made["VpcId"] == vpc["VpcId"] and made["SubnetGroupStatus"] == "Complete"
    assert sorted(s["SubnetIdentifier"] for s in made["Subnets"]) == ids
    arn = made["DBSubnetGroupArn"]
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "k", "Value": "v"}]
    code = error(
        rds.create_db_subnet_group,
        DBSubnetGroupName="two-zones",
        DBSubnetGroupDescription="again",
        SubnetIds=ids,
    )
    assert code == "DBSubnetGroupAlreadyExists"
    code = error(
        rds.create_db_subnet_group,
        DBSubnetGroupName="one-zone",
        DBSubnetGroupDescription="x",
        SubnetIds=ids[:1],
    )
    assert code == "DBSubnetGroupDoesNotCoverEnoughAZs"
    code = error(
        rds.create_db_subnet_group,
        DBSubnetGroupName="bad",
        DBSubnetGroupDescription="x",
        SubnetIds=["subnet-0123456789abcdef0", ids[0]],
    )
    assert code == "InvalidSubnet"
    three = sorted(by_zone.values())[:3]
    changed = rds.modify_db_subnet_group(DBSubnetGroupName="two-zones", SubnetIds=three)
    assert len(changed["DBSubnetGroup"]["Subnets"]) == 3
    listed = rds.describe_db_subnet_groups(DBSubnetGroupName="two-zones")["DBSubnetGroups"]
    assert listed[0]["DBSubnetGroupDescription"] == "two zones"
    rds.delete_db_subnet_group(DBSubnetGroupName="two-zones")
    assert error(rds.describe_db_subnet_groups, DBSubnetGroupName="two-zones") == (
        "DBSubnetGroupNotFoundFault"
    )
    assert error(rds.delete_db_subnet_group, DBSubnetGroupName="two-zones") == (
        "DBSubnetGroupNotFoundFault"
    )


def test_parameter_group_errors(rds_server: FogbankServer) -> None:
    rds = rds_server.client("rds")
    rds.create_db_parameter_group(
        DBParameterGroupName="pg-errors", DBParameterGroupFamily="postgres16", Description="d"
    )
    code = error(
        rds.create_db_parameter_group,
        DBParameterGroupName="pg-errors",
        DBParameterGroupFamily="postgres16",
        Description="d",
    )
    assert code == "DBParameterGroupAlreadyExists"
    code = error(
        rds.create_db_parameter_group,
        DBParameterGroupName="pg-bad-family",
        DBParameterGroupFamily="oracle-ee-19",
        Description="d",
    )
    assert code == "InvalidParameterValue"
    names = {
        g["DBParameterGroupName"] for g in rds.describe_db_parameter_groups()["DBParameterGroups"]
    }
    assert {"pg-errors", "default.postgres16", "default.mysql8.0"} <= names
    assert error(rds.describe_db_parameter_groups, DBParameterGroupName="nope") == (
        "DBParameterGroupNotFound"
    )
    assert error(rds.delete_db_parameter_group, DBParameterGroupName="default.postgres16") == (
        "InvalidParameterValue"
    )
    rds.delete_db_parameter_group(DBParameterGroupName="pg-errors")
    assert error(rds.delete_db_parameter_group, DBParameterGroupName="pg-errors") == (
        "DBParameterGroupNotFound"
    )


def test_account_attributes_and_certificates(rds_server: FogbankServer) -> None:
    rds = rds_server.client("rds")
    quotas = {q["AccountQuotaName"]: q for q in rds.describe_account_attributes()["AccountQuotas"]}
    assert quotas["DBInstances"]["Max"] == 40
    assert quotas["AllocatedStorage"]["Max"] == 100_000
    assert quotas["DBParameterGroups"]["Used"] >= 0
    certificates = rds.describe_certificates()
    assert certificates["Certificates"] == []
    assert "DefaultCertificateForNewLaunches" not in certificates
    assert error(rds.describe_certificates, CertificateIdentifier="rds-ca-rsa2048-g1") == (
        "CertificateNotFound"
    )
