"""DB instances through boto3: RDS's defaults, errors, pending modifications, stop/start,
deletion protection, final snapshots, tags, filters and events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.rds.clients import PASSWORD, mariadb_try, security_group
from tests.support.server import FogbankServer

BASE: dict[str, Any] = {
    "DBInstanceClass": "db.t3.micro",
    "Engine": "mysql",
    "AllocatedStorage": 20,
    "MasterUsername": "admin",
    "MasterUserPassword": PASSWORD,
}


def error(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"Engine": "oracle-ee"}, "InvalidParameterValue"),
        ({"EngineVersion": "5.1.0"}, "InvalidParameterCombination"),
        ({"DBInstanceClass": "db.x9.huge"}, "InvalidParameterValue"),
        ({"MasterUserPassword": "short"}, "InvalidParameterValue"),
        ({"MasterUsername": "rdsadmin"}, "InvalidParameterValue"),
        ({"DBParameterGroupName": "no-such-group"}, "DBParameterGroupNotFound"),
        ({"DBParameterGroupName": "default.postgres16"}, "InvalidParameterCombination"),
        ({"DBSubnetGroupName": "no-such-group"}, "DBSubnetGroupNotFoundFault"),
        ({"VpcSecurityGroupIds": ["sg-0123456789abcdef0"]}, "InvalidParameterValue"),
        ({"MultiAZ": True}, "NotImplemented"),
        ({"AllocatedStorage": 10}, "InvalidParameterValue"),
        ({"AllocatedStorage": 100_001}, "InvalidParameterValue"),
        ({"Port": 80}, "InvalidParameterValue"),
        ({"DBInstanceIdentifier": "Bad--name"}, "InvalidParameterValue"),
    ],
)
def test_create_errors(rds_server: FogbankServer, extra: dict[str, Any], code: str) -> None:
    rds = rds_server.client("rds")
    params = {**BASE, "DBInstanceIdentifier": "never-made", **extra}
    assert error(rds.create_db_instance, **params)[0] == code
    assert error(rds.describe_db_instances, DBInstanceIdentifier="never-made")[0] == (
        "DBInstanceNotFound"
    )


def test_missing_instances(rds_server: FogbankServer) -> None:
    rds = rds_server.client("rds")
    for call in (rds.reboot_db_instance, rds.stop_db_instance, rds.start_db_instance):
        code, message = error(call, DBInstanceIdentifier="ghost")
        assert code == "DBInstanceNotFound" and "ghost" in message
    code, _ = error(rds.delete_db_instance, DBInstanceIdentifier="ghost", SkipFinalSnapshot=True)
    assert code == "DBInstanceNotFound"


def test_instance_lifecycle(rds_server: FogbankServer) -> None:
    rds = rds_server.client("rds")
    ec2 = rds_server.client("ec2")
    made = rds.create_db_instance(
        **BASE,
        DBInstanceIdentifier="Life-Cycle",
        DeletionProtection=True,
        Tags=[{"Key": "team", "Value": "data"}],
    )["DBInstance"]
    assert made["DBInstanceIdentifier"] == "life-cycle"  # stored in lower case, as RDS does
    assert made["DBInstanceStatus"] in ("creating", "backing-up", "available")
    db = rds.describe_db_instances(DBInstanceIdentifier="life-cycle")["DBInstances"][0]
    assert db["DBInstanceStatus"] == "available"
    # RDS's defaults: the default subnet group and VPC, that VPC's default security group,
    # public, gp3, the family's default parameter group, its newest version.
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    default_sg = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]["GroupId"]
    assert db["VpcSecurityGroups"] == [{"VpcSecurityGroupId": default_sg, "Status": "active"}]
    assert db["DBSubnetGroup"]["DBSubnetGroupName"] == "default"
    assert db["DBSubnetGroup"]["VpcId"] == vpc["VpcId"]
    assert db["AvailabilityZone"] in {
        s["SubnetAvailabilityZone"]["Name"] for s in db["DBSubnetGroup"]["Subnets"]
    }
    assert db["PubliclyAccessible"] is True
    assert db["StorageType"] == "gp3" and db["AllocatedStorage"] == 20
    assert db["DBParameterGroups"] == [
        {"DBParameterGroupName": "default.mysql8.0", "ParameterApplyStatus": "in-sync"}
    ]
    assert db["EngineVersion"] == "8.0.42"
    assert db["DeletionProtection"] is True
    assert db["TagList"] == [{"Key": "team", "Value": "data"}]
    assert db["DBInstanceArn"] == "arn:aws:rds:us-east-1:000000000000:db:life-cycle"
    assert db["DbiResourceId"].startswith("db-")

    code, _ = error(rds.create_db_instance, **BASE, DBInstanceIdentifier="life-cycle")
    assert code == "DBInstanceAlreadyExists"

    # A class change waits for the next reboot unless applied at once.
    pending = rds.modify_db_instance(
        DBInstanceIdentifier="life-cycle", DBInstanceClass="db.t3.small"
    )
    assert pending["DBInstance"]["PendingModifiedValues"] == {"DBInstanceClass": "db.t3.small"}
    assert pending["DBInstance"]["DBInstanceClass"] == "db.t3.micro"
    rds.reboot_db_instance(DBInstanceIdentifier="life-cycle")
    db = rds.describe_db_instances(DBInstanceIdentifier="life-cycle")["DBInstances"][0]
    assert db["DBInstanceClass"] == "db.t3.small" and db["PendingModifiedValues"] == {}

    stopped = rds.stop_db_instance(DBInstanceIdentifier="life-cycle")["DBInstance"]
    assert stopped["DBInstanceStatus"] == "stopped"
    code, message = error(rds.reboot_db_instance, DBInstanceIdentifier="life-cycle")
    assert code == "InvalidDBInstanceState" and "stopped" in message
    assert (
        rds.start_db_instance(DBInstanceIdentifier="life-cycle")["DBInstance"]["DBInstanceStatus"]
        == "available"
    )

    # Deletion: protection first, then the final snapshot fogbank cannot take yet.
    code, message = error(
        rds.delete_db_instance, DBInstanceIdentifier="life-cycle", SkipFinalSnapshot=True
    )
    assert code == "InvalidParameterCombination" and "deletion protection" in message
    rds.modify_db_instance(DBInstanceIdentifier="life-cycle", DeletionProtection=False)
    code, _ = error(rds.delete_db_instance, DBInstanceIdentifier="life-cycle")
    assert code == "InvalidParameterCombination"
    code, message = error(
        rds.delete_db_instance,
        DBInstanceIdentifier="life-cycle",
        FinalDBSnapshotIdentifier="keep-me",
    )
    assert code == "NotImplemented" and "keep-me" in message
    still = rds.describe_db_instances(DBInstanceIdentifier="life-cycle")["DBInstances"][0]
    assert still["DBInstanceStatus"] == "available"

    events = rds.describe_events(SourceType="db-instance", SourceIdentifier="life-cycle")
    messages = [e["Message"] for e in events["Events"]]
    for expected in ("DB instance created", "DB instance stopped", "DB instance started"):
        assert expected in messages, messages
    later = datetime.now(UTC) + timedelta(hours=2)
    assert rds.describe_events(StartTime=later, EndTime=later + timedelta(hours=1))["Events"] == []

    gone = rds.delete_db_instance(DBInstanceIdentifier="life-cycle", SkipFinalSnapshot=True)
    assert gone["DBInstance"]["DBInstanceStatus"] == "deleting"
    code, _ = error(rds.describe_db_instances, DBInstanceIdentifier="life-cycle")
    assert code == "DBInstanceNotFound"


def test_private_instance_is_refused_until_made_public(rds_server: FogbankServer) -> None:
    rds = rds_server.client("rds")
    group = security_group(rds_server, "private-db", 3306)
    rds.create_db_instance(
        **BASE,
        DBInstanceIdentifier="private-db",
        VpcSecurityGroupIds=[group],
        PubliclyAccessible=False,
        DBName="app",
    )
    db = rds.describe_db_instances(DBInstanceIdentifier="private-db")["DBInstances"][0]
    assert db["PubliclyAccessible"] is False
    host = db["Endpoint"]["Address"]
    code, _out, err = mariadb_try(host, 3306, "SELECT 1")
    assert code != 0 and "not publicly accessible" in err
    rds.modify_db_instance(
        DBInstanceIdentifier="private-db", PubliclyAccessible=True, ApplyImmediately=True
    )
    code, _out, err = mariadb_try(host, 3306, "SELECT 1")
    assert code == 0, err
    # Filters, ARNs as identifiers, paging.
    arn = db["DBInstanceArn"]
    found = rds.describe_db_instances(Filters=[{"Name": "db-instance-id", "Values": [arn]}])
    assert [d["DBInstanceIdentifier"] for d in found["DBInstances"]] == ["private-db"]
    none = rds.describe_db_instances(
        DBInstanceIdentifier="private-db", Filters=[{"Name": "engine", "Values": ["postgres"]}]
    )
    assert none["DBInstances"] == []
    code, _ = error(rds.describe_db_instances, Filters=[{"Name": "colour", "Values": ["x"]}])
    assert code == "InvalidParameterValue"
    code, _ = error(rds.describe_db_instances, MaxRecords=5)
    assert code == "InvalidParameterValue"
    # Tags by ARN.
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b"}])
    rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["b"])
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "a", "Value": "1"}]
    code, _ = error(rds.list_tags_for_resource, ResourceName=arn.replace("private-db", "nope"))
    assert code == "DBInstanceNotFound"
    rds.delete_db_instance(DBInstanceIdentifier="private-db", SkipFinalSnapshot=True)
