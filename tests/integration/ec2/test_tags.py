"""CreateTags, DeleteTags, DescribeTags on VPCs, subnets, groups and rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.ec2.conftest import error_code, error_message


def tags_of(ec2: Any, resource_id: str) -> dict[str, str]:
    out = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [resource_id]}])
    return {t["Key"]: t["Value"] for t in out["Tags"]}


def test_tag_every_kind(ec2: Any) -> None:
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
    rule = ec2.describe_security_group_rules()["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    ec2.create_tags(Resources=[vpc, subnet, group, rule], Tags=[{"Key": "env", "Value": "test"}])
    out = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["env"]}])["Tags"]
    assert {(t["ResourceId"], t["ResourceType"]) for t in out} == {
        (vpc, "vpc"),
        (subnet, "subnet"),
        (group, "security-group"),
        (rule, "security-group-rule"),
    }
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"] == [{"Key": "env", "Value": "test"}]
    assert ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["Tags"] == [
        {"Key": "env", "Value": "test"}
    ]
    by_type = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["subnet"]}])
    assert [t["ResourceId"] for t in by_type["Tags"]] == [subnet]


def test_overwrite_and_delete_rules(ec2: Any) -> None:
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    ec2.create_tags(
        Resources=[vpc],
        Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Key": "c", "Value": ""}],
    )
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "a", "Value": "one"}])
    assert tags_of(ec2, vpc) == {"a": "one", "b": "2", "c": ""}
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "a", "Value": "1"}])  # value differs: kept
    assert "a" in tags_of(ec2, vpc)
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "a"}])  # no value: removed whatever it is
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "b", "Value": "2"}])
    assert tags_of(ec2, vpc) == {"c": ""}
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "d", "Value": "4"}])
    ec2.delete_tags(Resources=[vpc])  # no tags named: all go
    assert tags_of(ec2, vpc) == {}


def test_tag_errors(ec2: Any) -> None:
    cases = [
        (["vpc-0123456789abcdef0"], "InvalidVpcID.NotFound"),
        (["subnet-0123456789abcdef0"], "InvalidSubnetID.NotFound"),
        (["sg-0123456789abcdef0"], "InvalidGroup.NotFound"),
        (["sgr-0123456789abcdef0"], "InvalidSecurityGroupRuleId.NotFound"),
        (["i-0123456789abcdef0"], "InvalidID"),
    ]
    for resources, code in cases:
        with pytest.raises(ClientError) as exc:
            ec2.create_tags(Resources=resources, Tags=[{"Key": "k", "Value": "v"}])
        assert error_code(exc) == code
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    with pytest.raises(ClientError) as exc:
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": "aws:x", "Value": "v"}])
    assert error_code(exc) == "InvalidParameterValue"
    with pytest.raises(ClientError) as exc:
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": f"k{n}", "Value": "v"} for n in range(51)])
    assert error_code(exc) == "TagLimitExceeded"
    with pytest.raises(ClientError) as exc:
        ec2.create_tags(Resources=[vpc, "vpc-0123456789abcdef0"], Tags=[{"Key": "k", "Value": "v"}])
    assert error_code(exc) == "InvalidVpcID.NotFound"
    assert tags_of(ec2, vpc) == {}  # all or nothing
    with pytest.raises(ClientError) as exc:
        ec2.create_security_group(
            GroupName="g",
            Description="g",
            TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "k", "Value": "v"}]}],
        )
    assert error_code(exc) == "InvalidParameterValue"
    assert error_message(exc) == "'vpc' is not a valid taggable resource type for this operation."


def test_tags_pages_and_cli(ec2: Any, cli: Callable[..., Any]) -> None:
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    cli("create-tags", "--resources", vpc, "--tags", *[f"Key=k{n},Value=v{n}" for n in range(7)])
    pages = list(ec2.get_paginator("describe_tags").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["Tags"]) for p in pages] == [5, 2]
    listed = cli(
        "describe-tags", "--filters", f"Name=resource-id,Values={vpc}", "Name=value,Values=v1*"
    )
    assert [t["Key"] for t in listed["Tags"]] == ["k1"]
    only = ec2.describe_tags(Filters=[{"Name": "tag:k3", "Values": ["v3"]}])["Tags"]
    assert [(t["Key"], t["Value"]) for t in only] == [("k3", "v3")]
    cli("delete-tags", "--resources", vpc, "--tags", "Key=k0")
    assert "k0" not in tags_of(ec2, vpc)


def test_deleting_a_resource_drops_its_tags(ec2: Any) -> None:
    gid = ec2.create_security_group(
        GroupName="tagged",
        Description="t",
        TagSpecifications=[
            {"ResourceType": "security-group", "Tags": [{"Key": "k", "Value": "v"}]}
        ],
    )["GroupId"]
    ec2.delete_security_group(GroupId=gid)
    assert tags_of(ec2, gid) == {}
