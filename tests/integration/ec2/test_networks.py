"""VPCs and subnets: create, describe (ids, filters, pages), delete, and EC2's errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.ec2.conftest import error_code, error_message, status


def test_vpc_lifecycle_with_the_cli(cli: Callable[..., Any], cli_error: Callable[..., str]) -> None:
    vpc = cli("create-vpc", "--cidr-block", "10.20.0.0/16")["Vpc"]
    vpc_id = vpc["VpcId"]
    assert vpc["CidrBlock"] == "10.20.0.0/16"
    assert vpc["IsDefault"] is False
    assert vpc["State"] == "pending"
    (described,) = cli("describe-vpcs", "--vpc-ids", vpc_id)["Vpcs"]
    assert described["State"] == "available"
    groups = cli("describe-security-groups", "--filters", f"Name=vpc-id,Values={vpc_id}")
    assert [g["GroupName"] for g in groups["SecurityGroups"]] == ["default"]
    cli("delete-vpc", "--vpc-id", vpc_id)
    err = cli_error("describe-vpcs", "--vpc-ids", vpc_id)
    assert "InvalidVpcID.NotFound" in err and f"The vpc ID '{vpc_id}' does not exist" in err
    assert "InvalidVpcID.NotFound" in cli_error("delete-vpc", "--vpc-id", vpc_id)


@pytest.mark.parametrize(
    ("cidr", "code", "message"),
    [
        ("10.0.0.0/8", "InvalidVpc.Range", "The CIDR '10.0.0.0/8' is invalid."),
        ("10.0.0.0/29", "InvalidVpc.Range", "The CIDR '10.0.0.0/29' is invalid."),
        (
            "10.0.0.300/16",
            "InvalidParameterValue",
            "Value (10.0.0.300/16) for parameter cidrBlock is invalid. This is not a valid CIDR"
            " block.",
        ),
        (
            "banana",
            "InvalidParameterValue",
            "Value (banana) for parameter cidrBlock is invalid. This is not a valid CIDR block.",
        ),
    ],
)
def test_create_vpc_refuses_bad_ranges(ec2: Any, cidr: str, code: str, message: str) -> None:
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock=cidr)
    assert (error_code(exc), error_message(exc)) == (code, message)
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1  # only the default


def test_five_vpcs_per_region(ec2: Any) -> None:
    made = [ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"] for n in range(4)]
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.99.0.0/16")
    assert error_code(exc) == "VpcLimitExceeded"
    ec2.delete_vpc(VpcId=made[0])
    ec2.create_vpc(CidrBlock="10.99.0.0/16")


def test_malformed_and_missing_ids(ec2: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ec2.describe_vpcs(VpcIds=["vpc-nope"])
    assert error_code(exc) == "InvalidVpcID.Malformed"
    assert error_message(exc) == 'Invalid id: "vpc-nope" (expecting "vpc-...")'
    with pytest.raises(ClientError) as exc:
        ec2.describe_subnets(SubnetIds=["subnet-0123456789abcdef0"])
    assert error_code(exc) == "InvalidSubnetID.NotFound"
    assert error_message(exc) == "The subnet ID 'subnet-0123456789abcdef0' does not exist"
    with pytest.raises(ClientError) as exc:
        ec2.delete_subnet(SubnetId="sub-1")
    assert error_code(exc) == "InvalidSubnetID.Malformed"
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId="vpc-0123456789abcdef0", CidrBlock="10.0.0.0/24")
    assert error_code(exc) == "InvalidVpcID.NotFound"


def test_subnets_inside_their_vpc(ec2: Any, region: str) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    first = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.0.0/24", AvailabilityZone=f"{region}b")[
        "Subnet"
    ]
    assert first["AvailabilityZone"] == f"{region}b"
    assert first["AvailableIpAddressCount"] == 251
    assert first["DefaultForAz"] is False and first["MapPublicIpOnLaunch"] is False
    by_zone_id = ec2.create_subnet(
        VpcId=vpc_id, CidrBlock="10.1.1.0/24", AvailabilityZoneId=first["AvailabilityZoneId"]
    )["Subnet"]
    assert by_zone_id["AvailabilityZone"] == f"{region}b"
    anywhere = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.2.0/28")["Subnet"]
    assert anywhere["AvailabilityZone"] in (f"{region}a", f"{region}c")
    assert anywhere["AvailableIpAddressCount"] == 11
    cases = [
        (
            "10.1.0.128/25",
            "InvalidSubnet.Conflict",
            "The CIDR '10.1.0.128/25' conflicts with another subnet",
        ),
        (
            "10.1.0.0/16",
            "InvalidSubnet.Conflict",
            "The CIDR '10.1.0.0/16' conflicts with another subnet",
        ),
        ("10.2.0.0/24", "InvalidSubnet.Range", "The CIDR '10.2.0.0/24' is invalid."),
        ("10.1.9.0/29", "InvalidSubnet.Range", "The CIDR '10.1.9.0/29' is invalid."),
        ("10.1.9.1/24", "InvalidParameterValue", None),
    ]
    for cidr, code, message in cases:
        with pytest.raises(ClientError) as exc:
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr)
        assert error_code(exc) == code, cidr
        if message:
            assert error_message(exc) == message
    with pytest.raises(ClientError) as exc:
        ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.9.0/24", AvailabilityZone="mars-1a")
    assert error_code(exc) == "InvalidParameterValue"
    assert f"{region}a, {region}b, {region}c" in error_message(exc)
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert len(subnets) == 3
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId=vpc_id)
    assert error_code(exc) == "DependencyViolation"
    for s in subnets:
        ec2.delete_subnet(SubnetId=s["SubnetId"])
    ec2.delete_vpc(VpcId=vpc_id)


def test_vpc_with_a_group_of_its_own_cannot_go(ec2: Any) -> None:
    vpc_id = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    gid = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc_id)["GroupId"]
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId=vpc_id)
    assert error_code(exc) == "DependencyViolation"
    ec2.delete_security_group(GroupId=gid)
    ec2.delete_vpc(VpcId=vpc_id)


def test_filters_on_vpcs_and_subnets(ec2: Any, region: str) -> None:
    a = ec2.create_vpc(
        CidrBlock="10.4.0.0/16",
        TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "env", "Value": "prod"}]}],
    )["Vpc"]
    assert a["Tags"] == [{"Key": "env", "Value": "prod"}]
    b = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]

    def vpc_ids(filters: list[dict[str, Any]]) -> set[str]:
        return {v["VpcId"] for v in ec2.describe_vpcs(Filters=filters)["Vpcs"]}

    assert vpc_ids([{"Name": "is-default", "Values": ["false"]}]) == {a["VpcId"], b["VpcId"]}
    assert vpc_ids([{"Name": "cidr", "Values": ["10.5.0.0/16"]}]) == {b["VpcId"]}
    assert vpc_ids([{"Name": "cidr-block-association.cidr-block", "Values": ["10.4.*"]}]) == {
        a["VpcId"]
    }
    assert vpc_ids([{"Name": "tag:env", "Values": ["prod"]}]) == {a["VpcId"]}
    assert vpc_ids([{"Name": "tag-key", "Values": ["env"]}]) == {a["VpcId"]}
    assert (
        vpc_ids(
            [{"Name": "state", "Values": ["available"]}, {"Name": "is-default", "Values": ["true"]}]
        )
        != set()
    )
    with pytest.raises(ClientError) as exc:
        ec2.describe_vpcs(Filters=[{"Name": "colour", "Values": ["red"]}])
    assert error_code(exc) == "InvalidParameterValue"
    assert error_message(exc) == "The filter 'colour' is invalid"
    defaults = ec2.describe_subnets(
        Filters=[
            {"Name": "default-for-az", "Values": ["true"]},
            {"Name": "availability-zone", "Values": [f"{region}a", f"{region}c"]},
        ]
    )["Subnets"]
    assert sorted(s["AvailabilityZone"] for s in defaults) == [f"{region}a", f"{region}c"]


def test_vpc_pages(ec2: Any, raw_ec2: Any) -> None:
    for n in range(3):
        ec2.create_vpc(CidrBlock=f"10.{60 + n}.0.0/16")
    everything = {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}
    assert len(everything) == 4
    paginator = ec2.get_paginator("describe_vpcs")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 5}))
    assert {v["VpcId"] for p in pages for v in p["Vpcs"]} == everything
    with pytest.raises(ClientError) as exc:
        raw_ec2.describe_vpcs(MaxResults=4)
    assert error_code(exc) == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.describe_vpcs(VpcIds=sorted(everything)[:1], MaxResults=5)
    assert error_code(exc) == "InvalidParameterCombination"


def test_dry_run(ec2: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ec2.create_vpc(CidrBlock="10.7.0.0/16", DryRun=True)
    assert error_code(exc) == "DryRunOperation"
    assert status(exc) == 412
    assert error_message(exc) == "Request would have succeeded, but DryRun flag is set."
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1
    with pytest.raises(ClientError) as exc:
        ec2.describe_subnets(DryRun=True)
    assert error_code(exc) == "DryRunOperation"
