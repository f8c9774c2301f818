"""The IAM action and resource ARNs each EC2 call is authorized against."""

from __future__ import annotations

import pytest

from fogbank.core.clock import Clock
from fogbank.core.context import RequestContext
from fogbank.core.principal import Principal, PrincipalKind
from fogbank.services.ec2.requirements import requirements

ACCOUNT, REGION = "111122223333", "eu-west-1"
P = f"arn:aws:ec2:{REGION}:{ACCOUNT}"


def needs(operation: str, params: dict[str, object]) -> list[tuple[str, str]]:
    principal = Principal(PrincipalKind.ROOT, ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)
    ctx = RequestContext("r", "ec2", operation, REGION, principal, Clock())
    return [(r.action, r.resource) for r in requirements(ctx, params)]


@pytest.mark.parametrize(
    ("operation", "params", "expected"),
    [
        ("CreateVpc", {"CidrBlock": "10.0.0.0/16"}, [("ec2:CreateVpc", f"{P}:vpc/*")]),
        ("DeleteVpc", {"VpcId": "vpc-1"}, [("ec2:DeleteVpc", f"{P}:vpc/vpc-1")]),
        (
            "CreateSubnet",
            {"VpcId": "vpc-1"},
            [("ec2:CreateSubnet", f"{P}:subnet/*"), ("ec2:CreateSubnet", f"{P}:vpc/vpc-1")],
        ),
        ("DeleteSubnet", {"SubnetId": "subnet-1"}, [("ec2:DeleteSubnet", f"{P}:subnet/subnet-1")]),
        (
            "CreateSecurityGroup",
            {"GroupName": "x"},
            [
                ("ec2:CreateSecurityGroup", f"{P}:security-group/*"),
                ("ec2:CreateSecurityGroup", f"{P}:vpc/*"),
            ],
        ),
        (
            "AuthorizeSecurityGroupIngress",
            {"GroupId": "sg-1"},
            [("ec2:AuthorizeSecurityGroupIngress", f"{P}:security-group/sg-1")],
        ),
        (
            "AuthorizeSecurityGroupEgress",
            {"GroupId": "sg-1", "TagSpecifications": [{"ResourceType": "security-group-rule"}]},
            [
                ("ec2:AuthorizeSecurityGroupEgress", f"{P}:security-group/sg-1"),
                ("ec2:AuthorizeSecurityGroupEgress", f"{P}:security-group-rule/*"),
            ],
        ),
        (
            "DeleteSecurityGroup",
            {"GroupName": "web"},
            [("ec2:DeleteSecurityGroup", f"{P}:security-group/*")],
        ),
        (
            "CreateTags",
            {"Resources": ["vpc-0123456789abcdef0", "sg-0123456789abcdef0"]},
            [
                ("ec2:CreateTags", f"{P}:vpc/vpc-0123456789abcdef0"),
                ("ec2:CreateTags", f"{P}:security-group/sg-0123456789abcdef0"),
            ],
        ),
        ("DescribeSecurityGroups", {}, [("ec2:DescribeSecurityGroups", "*")]),
    ],
)
def test_requirements(
    operation: str, params: dict[str, object], expected: list[tuple[str, str]]
) -> None:
    assert needs(operation, params) == expected
