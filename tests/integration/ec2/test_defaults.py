"""What every account+region has from its first EC2 call: the default VPC, its subnets
and security group, three zones, account attributes; and the regions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.ec2.conftest import error_code, error_message
from tests.support.server import ACCOUNT_ID, FogbankServer


def test_default_vpc_with_the_cli(cli: Callable[..., Any], region: str) -> None:
    vpcs = cli("describe-vpcs")["Vpcs"]
    assert len(vpcs) == 1
    vpc = vpcs[0]
    assert vpc["IsDefault"] is True
    assert vpc["CidrBlock"] == "172.31.0.0/16"
    assert vpc["State"] == "available"
    assert vpc["OwnerId"] == ACCOUNT_ID
    assert vpc["InstanceTenancy"] == "default"
    assert vpc["VpcId"].startswith("vpc-") and len(vpc["VpcId"]) == 21
    assert vpc["DhcpOptionsId"].startswith("dopt-")
    (assoc,) = vpc["CidrBlockAssociationSet"]
    assert assoc["CidrBlock"] == "172.31.0.0/16"
    assert assoc["CidrBlockState"] == {"State": "associated"}
    assert assoc["AssociationId"].startswith("vpc-cidr-assoc-")


def test_default_subnets_one_per_zone(ec2: Any, region: str) -> None:
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnets = sorted(ec2.describe_subnets()["Subnets"], key=lambda s: s["AvailabilityZone"])
    assert [s["AvailabilityZone"] for s in subnets] == [f"{region}a", f"{region}b", f"{region}c"]
    assert [s["CidrBlock"] for s in subnets] == [
        "172.31.0.0/20",
        "172.31.16.0/20",
        "172.31.32.0/20",
    ]
    for s in subnets:
        assert s["VpcId"] == vpc_id
        assert s["DefaultForAz"] is True
        assert s["MapPublicIpOnLaunch"] is True
        assert s["AvailableIpAddressCount"] == 4096 - 5
        assert s["State"] == "available"
        assert s["SubnetArn"] == (f"arn:aws:ec2:{region}:{ACCOUNT_ID}:subnet/{s['SubnetId']}")
    zone_ids = {
        z["ZoneName"]: z["ZoneId"] for z in ec2.describe_availability_zones()["AvailabilityZones"]
    }
    assert {s["AvailabilityZone"]: s["AvailabilityZoneId"] for s in subnets} == zone_ids


def test_default_security_group(ec2: Any) -> None:
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    (group,) = ec2.describe_security_groups()["SecurityGroups"]
    assert group["GroupName"] == "default"
    assert group["Description"] == "default VPC security group"
    assert group["VpcId"] == vpc_id
    gid = group["GroupId"]
    assert group["IpPermissions"] == [
        {
            "IpProtocol": "-1",
            "UserIdGroupPairs": [{"UserId": ACCOUNT_ID, "GroupId": gid}],
            "IpRanges": [],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
        }
    ]
    assert group["IpPermissionsEgress"] == [
        {
            "IpProtocol": "-1",
            "UserIdGroupPairs": [],
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
        }
    ]
    with pytest.raises(ClientError) as exc:
        ec2.delete_security_group(GroupId=gid)
    assert error_code(exc) == "CannotDelete"
    assert error_message(exc) == (
        f'the specified group: "{gid}" name: "default" cannot be deleted by a user'
    )
    with pytest.raises(ClientError) as exc:
        ec2.delete_security_group(GroupName="default")
    assert error_code(exc) == "CannotDelete"


def test_us_east_1_zones(server: FogbankServer) -> None:
    ec2 = server.client("ec2", region_name="us-east-1")
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [(z["ZoneName"], z["ZoneId"]) for z in zones] == [
        ("us-east-1a", "use1-az1"),
        ("us-east-1b", "use1-az2"),
        ("us-east-1c", "use1-az3"),
    ]
    for z in zones:
        assert z["State"] == "available"
        assert z["RegionName"] == "us-east-1"
        assert z["ZoneType"] == "availability-zone"
        assert z["OptInStatus"] == "opt-in-not-required"
    picked = ec2.describe_availability_zones(ZoneNames=["us-east-1b"])["AvailabilityZones"]
    assert [z["ZoneId"] for z in picked] == ["use1-az2"]
    by_filter = ec2.describe_availability_zones(
        Filters=[{"Name": "zone-id", "Values": ["use1-az3"]}]
    )["AvailabilityZones"]
    assert [z["ZoneName"] for z in by_filter] == ["us-east-1c"]
    with pytest.raises(ClientError) as exc:
        ec2.describe_availability_zones(ZoneNames=["us-east-1z"])
    assert error_code(exc) == "InvalidParameterValue"


def test_account_attributes(ec2: Any) -> None:
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    attrs = {
        a["AttributeName"]: [v["AttributeValue"] for v in a["AttributeValues"]]
        for a in ec2.describe_account_attributes()["AccountAttributes"]
    }
    assert attrs["supported-platforms"] == ["VPC"]
    assert attrs["default-vpc"] == [vpc_id]
    assert attrs["max-instances"] == ["20"]
    only = ec2.describe_account_attributes(AttributeNames=["default-vpc"])["AccountAttributes"]
    assert [a["AttributeName"] for a in only] == ["default-vpc"]


def test_regions(server: FogbankServer) -> None:
    ec2 = server.client("ec2", region_name="us-west-2")
    regions = {r["RegionName"]: r for r in ec2.describe_regions()["Regions"]}
    assert {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"} <= set(regions)
    assert "af-south-1" not in regions  # opt-in regions need AllRegions
    assert regions["eu-west-1"]["Endpoint"] == "ec2.eu-west-1.amazonaws.com"
    every = {r["RegionName"]: r for r in ec2.describe_regions(AllRegions=True)["Regions"]}
    assert every["af-south-1"]["OptInStatus"] == "not-opted-in"
    picked = ec2.describe_regions(Filters=[{"Name": "region-name", "Values": ["eu-*"]}])
    assert all(r["RegionName"].startswith("eu-") for r in picked["Regions"])
    assert len(picked["Regions"]) >= 4


def test_network_interfaces_are_honestly_none(ec2: Any) -> None:
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []


def test_deleted_default_vpc_stays_deleted_until_recreated(ec2: Any) -> None:
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    with pytest.raises(ClientError) as exc:
        ec2.delete_vpc(VpcId=vpc_id)
    assert error_code(exc) == "DependencyViolation"
    assert error_message(exc) == f"The vpc '{vpc_id}' has dependencies and cannot be deleted."
    for s in ec2.describe_subnets()["Subnets"]:
        ec2.delete_subnet(SubnetId=s["SubnetId"])
    ec2.delete_vpc(VpcId=vpc_id)
    assert ec2.describe_vpcs()["Vpcs"] == []
    assert ec2.describe_security_groups()["SecurityGroups"] == []
    attrs = ec2.describe_account_attributes(AttributeNames=["default-vpc"])["AccountAttributes"]
    assert attrs[0]["AttributeValues"] == [{"AttributeValue": "none"}]
    with pytest.raises(ClientError) as exc:
        ec2.create_security_group(GroupName="x", Description="x")
    assert error_code(exc) == "VPCIdNotSpecified"
    new = ec2.create_default_vpc()["Vpc"]
    assert new["IsDefault"] is True and new["VpcId"] != vpc_id
    assert len(ec2.describe_subnets()["Subnets"]) == 3
    with pytest.raises(ClientError) as exc:
        ec2.create_default_vpc()
    assert error_code(exc) == "DefaultVpcAlreadyExists"
