"""Security groups: create, describe (ids, names, filters, pages), delete, and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.ec2.conftest import error_code, error_message
from tests.support.server import ACCOUNT_ID


def test_group_lifecycle_with_the_cli(
    cli: Callable[..., Any], cli_error: Callable[..., str], region: str
) -> None:
    made = cli("create-security-group", "--group-name", "web", "--description", "web tier")
    gid = made["GroupId"]
    assert gid.startswith("sg-") and len(gid) == 20
    assert made["SecurityGroupArn"] == f"arn:aws:ec2:{region}:{ACCOUNT_ID}:security-group/{gid}"
    (group,) = cli("describe-security-groups", "--group-ids", gid)["SecurityGroups"]
    assert group["GroupName"] == "web" and group["Description"] == "web tier"
    assert group["IpPermissions"] == []
    assert [p["IpProtocol"] for p in group["IpPermissionsEgress"]] == ["-1"]
    by_name = cli("describe-security-groups", "--group-names", "web")["SecurityGroups"]
    assert [g["GroupId"] for g in by_name] == [gid]
    err = cli_error("create-security-group", "--group-name", "web", "--description", "again")
    assert "InvalidGroup.Duplicate" in err
    assert f"The security group 'web' already exists for VPC '{group['VpcId']}'" in err
    cli("delete-security-group", "--group-id", gid)
    err = cli_error("describe-security-groups", "--group-ids", gid)
    assert "InvalidGroup.NotFound" in err and f"The security group '{gid}' does not exist" in err


def test_create_errors(ec2: Any) -> None:
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"GroupName": "default", "Description": "x"}, "InvalidGroup.Reserved"),
        ({"GroupName": "sg-123", "Description": "x"}, "InvalidParameterValue"),
        ({"GroupName": "caf\u00e9", "Description": "x"}, "InvalidParameterValue"),
        ({"GroupName": "n" * 256, "Description": "x"}, "InvalidParameterValue"),
        ({"GroupName": "ok", "Description": "d" * 256}, "InvalidParameterValue"),
        (
            {"GroupName": "ok", "Description": "x", "VpcId": "vpc-0123456789abcdef0"},
            "InvalidVpcID.NotFound",
        ),
        ({"GroupName": "ok", "Description": "x", "VpcId": "nope"}, "InvalidVpcID.Malformed"),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as exc:
            ec2.create_security_group(**params)
        assert error_code(exc) == code, params
    assert [g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]] == ["default"]
    ok = ec2.create_security_group(GroupName="ok", Description="x", VpcId=vpc_id)
    assert ok["GroupId"]


def test_same_name_in_two_vpcs(ec2: Any) -> None:
    other = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_security_group(GroupName="app", Description="a")["GroupId"]
    b = ec2.create_security_group(GroupName="app", Description="b", VpcId=other)["GroupId"]
    assert a != b
    # names alone look in the default VPC
    (found,) = ec2.describe_security_groups(GroupNames=["app"])["SecurityGroups"]
    assert found["GroupId"] == a
    named = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["app"]}])
    assert {g["GroupId"] for g in named["SecurityGroups"]} == {a, b}
    with pytest.raises(ClientError) as exc:
        ec2.describe_security_groups(GroupNames=["nothing"])
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])
    assert error_message(exc) == (
        f"The security group 'nothing' does not exist in default VPC "
        f"'{default_vpc['Vpcs'][0]['VpcId']}'"
    )


def test_delete_by_name_and_errors(ec2: Any) -> None:
    ec2.create_security_group(GroupName="temp", Description="t")
    ec2.delete_security_group(GroupName="temp")
    with pytest.raises(ClientError) as exc:
        ec2.delete_security_group(GroupName="temp")
    assert error_code(exc) == "InvalidGroup.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.delete_security_group(GroupId="sg-0123456789abcdef0")
    assert error_code(exc) == "InvalidGroup.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.delete_security_group(GroupId="sg-xyz")
    assert error_code(exc) == "InvalidGroupId.Malformed"
    assert error_message(exc) == 'Invalid id: "sg-xyz" (expecting "sg-...")'
    with pytest.raises(ClientError) as exc:
        ec2.delete_security_group()
    assert error_code(exc) == "MissingParameter"


def test_group_referenced_by_another_cannot_go(ec2: Any) -> None:
    db = ec2.create_security_group(GroupName="db", Description="database")["GroupId"]
    app = ec2.create_security_group(GroupName="app", Description="application")["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=db,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": app}],
            }
        ],
    )
    with pytest.raises(ClientError) as exc:
        ec2.delete_security_group(GroupId=app)
    assert error_code(exc) == "DependencyViolation"
    assert error_message(exc) == f"resource {app} has a dependent object"
    # a group's rules naming itself do not hold it
    ec2.authorize_security_group_ingress(
        GroupId=db,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": db}]}],
    )
    ec2.delete_security_group(GroupId=db)  # its rules go with it
    ec2.delete_security_group(GroupId=app)  # nothing refers to it any more


def test_filters_on_groups(ec2: Any) -> None:
    web = ec2.create_security_group(
        GroupName="web",
        Description="web servers",
        TagSpecifications=[
            {"ResourceType": "security-group", "Tags": [{"Key": "tier", "Value": "front"}]}
        ],
    )
    assert web["Tags"] == [{"Key": "tier", "Value": "front"}]
    db = ec2.create_security_group(GroupName="db", Description="databases")["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=db,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 3306,
                "ToPort": 3306,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 3306,
                "ToPort": 3306,
                "UserIdGroupPairs": [{"GroupId": web["GroupId"]}],
            },
        ],
    )

    def names(*filters: tuple[str, list[str]]) -> set[str]:
        out = ec2.describe_security_groups(Filters=[{"Name": n, "Values": v} for n, v in filters])
        return {g["GroupName"] for g in out["SecurityGroups"]}

    assert names(("tag:tier", ["front"])) == {"web"}
    assert names(("description", ["*bases"])) == {"db"}
    assert names(("ip-permission.from-port", ["3306"])) == {"db"}
    assert names(("ip-permission.cidr", ["10.0.0.0/8"])) == {"db"}
    assert names(("ip-permission.group-id", [web["GroupId"]])) == {"db"}
    assert names(("ip-permission.group-name", ["web"])) == {"db"}
    assert names(("ip-permission.protocol", ["tcp"])) == {"db"}
    assert names(("ip-permission.protocol", ["-1"])) == {"default"}
    assert names(("egress.ip-permission.cidr", ["0.0.0.0/0"])) == {"default", "web", "db"}
    assert names(("ip-permission.user-id", [ACCOUNT_ID])) == {"default", "db"}
    assert names(("group-name", ["web", "db"]), ("ip-permission.to-port", ["3306"])) == {"db"}


def test_group_pages(ec2: Any, raw_ec2: Any) -> None:
    for n in range(7):
        ec2.create_security_group(GroupName=f"g{n}", Description="paged")
    pages = list(
        ec2.get_paginator("describe_security_groups").paginate(PaginationConfig={"PageSize": 5})
    )
    assert [len(p["SecurityGroups"]) for p in pages] == [5, 3]
    assert len({g["GroupId"] for p in pages for g in p["SecurityGroups"]}) == 8
    with pytest.raises(ClientError) as exc:
        raw_ec2.describe_security_groups(GroupNames=["g1"], MaxResults=5)
    assert error_code(exc) == "InvalidParameterCombination"
    with pytest.raises(ClientError) as exc:
        ec2.describe_security_groups(MaxResults=5, NextToken="not-a-token")
    assert error_code(exc) == "InvalidPaginationToken"


def test_concurrent_creates_and_authorizes_race_cleanly(ec2: Any) -> None:
    """Across the server's two processes: one winner, the rest EC2's errors, never a 500."""
    from concurrent.futures import ThreadPoolExecutor

    def create(_: int) -> str:
        try:
            return str(ec2.create_security_group(GroupName="race", Description="r")["GroupId"])
        except ClientError as e:
            return str(e.response["Error"]["Code"])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(create, range(8)))
    winners = [r for r in results if r.startswith("sg-")]
    assert len(winners) == 1, results
    assert set(results) - set(winners) == {"InvalidGroup.Duplicate"}

    perm = {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "IpRanges": [{"CidrIp": "1.0.0.0/8"}]}

    def allow(_: int) -> str:
        try:
            ec2.authorize_security_group_ingress(GroupId=winners[0], IpPermissions=[perm])
            return "ok"
        except ClientError as e:
            return str(e.response["Error"]["Code"])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(allow, range(8)))
    assert sorted(results) == ["InvalidPermission.Duplicate"] * 7 + ["ok"]
