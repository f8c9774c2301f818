"""Authorize/Revoke Ingress/Egress, rule ids, DescribeSecurityGroupRules,
ModifySecurityGroupRules, UpdateSecurityGroupRuleDescriptions*."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.ec2.conftest import error_code, error_message
from tests.support.server import ACCOUNT_ID


def tcp(port: int, cidr: str, **extra: Any) -> dict[str, Any]:
    return {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "IpRanges": [{"CidrIp": cidr, **extra}],
    }


@pytest.fixture
def group(ec2: Any) -> str:
    return str(ec2.create_security_group(GroupName="rules", Description="rules")["GroupId"])


def ingress(ec2: Any, gid: str) -> list[dict[str, Any]]:
    (g,) = ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"]
    return list(g["IpPermissions"])


def test_authorize_returns_rules_with_ids(ec2: Any, group: str, region: str) -> None:
    out = ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[tcp(22, "203.0.113.7/24", Description="office")],
    )
    assert out["Return"] is True
    (rule,) = out["SecurityGroupRules"]
    rid = rule["SecurityGroupRuleId"]
    assert rid.startswith("sgr-") and len(rid) == 21
    assert rule["GroupId"] == group and rule["GroupOwnerId"] == ACCOUNT_ID
    assert rule["IsEgress"] is False
    assert (rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == ("tcp", 22, 22)
    assert rule["CidrIpv4"] == "203.0.113.0/24"  # host bits masked, as EC2 does
    assert rule["Description"] == "office"
    assert rule["SecurityGroupRuleArn"] == (
        f"arn:aws:ec2:{region}:{ACCOUNT_ID}:security-group-rule/{rid}"
    )
    assert ingress(ec2, group) == [
        {
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "IpRanges": [{"CidrIp": "203.0.113.0/24", "Description": "office"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]
    (described,) = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rid])[
        "SecurityGroupRules"
    ]
    assert described == {**rule, "Tags": []}


def test_duplicates(ec2: Any, group: str) -> None:
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(5439, "0.0.0.0/0")])
    with pytest.raises(ClientError) as exc:
        ec2.authorize_security_group_ingress(
            GroupId=group, IpPermissions=[tcp(5439, "0.0.0.0/0", Description="other text")]
        )
    assert error_code(exc) == "InvalidPermission.Duplicate"
    assert error_message(exc) == (
        'the specified rule "peer: 0.0.0.0/0, TCP, from port: 5439, to port: 5439, ALLOW" '
        "already exists"
    )
    with pytest.raises(ClientError) as exc:  # one duplicate spoils the whole call
        ec2.authorize_security_group_ingress(
            GroupId=group, IpPermissions=[tcp(80, "0.0.0.0/0"), tcp(5439, "0.0.0.0/0")]
        )
    assert error_code(exc) == "InvalidPermission.Duplicate"
    assert [p["FromPort"] for p in ingress(ec2, group)] == [5439]
    with pytest.raises(ClientError) as exc:
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {
                    "IpProtocol": "udp",
                    "FromPort": 53,
                    "ToPort": 53,
                    "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "10.0.0.0/8"}],
                }
            ],
        )
    assert error_code(exc) == "InvalidParameterValue"
    assert error_message(exc) == "The same permission must not appear multiple times"
    ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[tcp(443, "0.0.0.0/0")])
    with pytest.raises(ClientError) as exc:
        ec2.authorize_security_group_egress(
            GroupId=group,
            IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
        )
    assert error_code(exc) == "InvalidPermission.Duplicate"
    assert "peer: 0.0.0.0/0, ALL, ALLOW" in error_message(exc)


def test_icmp_all_traffic_and_protocol_numbers(ec2: Any, group: str) -> None:
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "icmp",
                "FromPort": 8,
                "ToPort": -1,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            },
            {
                "IpProtocol": "icmpv6",
                "FromPort": -1,
                "ToPort": -1,
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            },
            {
                "IpProtocol": "-1",
                "FromPort": 1,
                "ToPort": 2,
                "IpRanges": [{"CidrIp": "192.168.0.0/16"}],
            },
            {
                "IpProtocol": "17",
                "FromPort": 53,
                "ToPort": 53,
                "IpRanges": [{"CidrIp": "10.0.0.2/32"}],
            },
            {"IpProtocol": "50", "IpRanges": [{"CidrIp": "10.9.0.0/16"}]},
        ],
    )
    perms = {p["IpProtocol"]: p for p in ingress(ec2, group)}
    assert (perms["icmp"]["FromPort"], perms["icmp"]["ToPort"]) == (8, -1)
    assert perms["icmpv6"]["Ipv6Ranges"] == [{"CidrIpv6": "::/0"}]
    assert "FromPort" not in perms["-1"] and "ToPort" not in perms["-1"]
    assert perms["udp"]["FromPort"] == 53  # protocol 17 is udp
    assert "FromPort" not in perms["50"]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])
    all_traffic = [
        r for r in rules["SecurityGroupRules"] if r["IpProtocol"] == "-1" and not r["IsEgress"]
    ]
    assert [(r["FromPort"], r["ToPort"]) for r in all_traffic] == [(-1, -1)]
    with pytest.raises(ClientError) as exc:
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {
                    "IpProtocol": "icmp",
                    "FromPort": 256,
                    "ToPort": 0,
                    "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
                }
            ],
        )
    assert error_message(exc) == "ICMP type (256) out of range"


@pytest.mark.parametrize(
    ("perm", "message"),
    [
        (
            {"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
            "Invalid value for portRange. Must specify both from and to ports with TCP/UDP.",
        ),
        (
            {"IpProtocol": "all", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
            "Invalid value 'all' for IP protocol. Unknown protocol.",
        ),
        (
            {
                "IpProtocol": "tcp",
                "FromPort": 1,
                "ToPort": 70000,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            },
            "TCP/UDP (to) port (70000) out of range",
        ),
        (
            {
                "IpProtocol": "tcp",
                "FromPort": 1,
                "ToPort": 1,
                "IpRanges": [{"CidrIp": "58.29.99.44"}],
            },
            "CIDR block 58.29.99.44 is malformed",
        ),
        (
            {
                "IpProtocol": "tcp",
                "FromPort": 1,
                "ToPort": 1,
                "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/129"}],
            },
            "CIDR block 2001:db8::/129 is malformed",
        ),
    ],
)
def test_invalid_rules_store_nothing(
    ec2: Any, group: str, perm: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as exc:
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[perm])
    assert error_code(exc) == "InvalidParameterValue"
    assert error_message(exc) == message
    assert ingress(ec2, group) == []


def test_source_group_rules(ec2: Any, group: str) -> None:
    app = ec2.create_security_group(GroupName="app", Description="app")["GroupId"]
    by_name = ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 6379,
                "ToPort": 6379,
                "UserIdGroupPairs": [{"GroupName": "app", "Description": "cache clients"}],
            },
        ],
    )["SecurityGroupRules"][0]
    assert by_name["ReferencedGroupInfo"] == {"GroupId": app, "UserId": ACCOUNT_ID}
    with pytest.raises(ClientError) as exc:  # by id, it is the same rule
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 6379,
                    "ToPort": 6379,
                    "UserIdGroupPairs": [{"GroupId": app}],
                }
            ],
        )
    assert error_code(exc) == "InvalidPermission.Duplicate"
    assert f"peer: {app}, TCP" in error_message(exc)
    (perm,) = ingress(ec2, group)
    assert perm["UserIdGroupPairs"] == [
        {"UserId": ACCOUNT_ID, "GroupId": app, "Description": "cache clients"}
    ]
    with pytest.raises(ClientError) as exc:
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0000000000000dead"}]}
            ],
        )
    assert error_code(exc) == "InvalidGroup.NotFound"
    assert error_message(exc) == "The security group 'sg-0000000000000dead' does not exist"
    # another account's group is taken on trust
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 1,
                "ToPort": 1,
                "UserIdGroupPairs": [{"GroupId": "sg-0000000000000beef", "UserId": "111122223333"}],
            }
        ],
    )
    revoked = ec2.revoke_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 6379,
                "ToPort": 6379,
                "UserIdGroupPairs": [{"GroupId": app}],
            }
        ],
    )
    assert revoked["RevokedSecurityGroupRules"][0]["ReferencedGroupId"] == app
    ec2.delete_security_group(GroupId=app)


def test_legacy_parameters(ec2: Any, group: str) -> None:
    ec2.authorize_security_group_ingress(
        GroupName="rules", IpProtocol="tcp", FromPort=8080, ToPort=8081, CidrIp="10.1.0.0/16"
    )
    ec2.create_security_group(GroupName="peer", Description="peer")
    out = ec2.authorize_security_group_ingress(GroupId=group, SourceSecurityGroupName="peer")
    assert sorted(
        (r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in out["SecurityGroupRules"]
    ) == [("icmp", -1, -1), ("tcp", 0, 65535), ("udp", 0, 65535)]
    assert len(ingress(ec2, group)) == 4
    ec2.revoke_security_group_ingress(
        GroupId=group, IpProtocol="tcp", FromPort=8080, ToPort=8081, CidrIp="10.1.0.0/16"
    )
    assert len(ingress(ec2, group)) == 3


def test_cli_shorthand_forms(
    cli: Callable[..., Any], cli_error: Callable[..., str], group: str
) -> None:
    out = cli(
        "authorize-security-group-ingress",
        "--group-id",
        group,
        "--protocol",
        "tcp",
        "--port",
        "3306",
        "--cidr",
        "127.0.0.1/32",
    )
    assert out["SecurityGroupRules"][0]["CidrIpv4"] == "127.0.0.1/32"
    out = cli(
        "authorize-security-group-ingress",
        "--group-id",
        group,
        "--protocol",
        "all",
        "--cidr",
        "10.0.0.0/8",
    )
    assert out["SecurityGroupRules"][0]["IpProtocol"] == "-1"
    out = cli(
        "authorize-security-group-ingress",
        "--group-id",
        group,
        "--protocol",
        "tcp",
        "--port",
        "1000-2000",
        "--source-group",
        group,
    )
    rule = out["SecurityGroupRules"][0]
    assert (rule["FromPort"], rule["ToPort"], rule["ReferencedGroupInfo"]["GroupId"]) == (
        1000,
        2000,
        group,
    )
    out = cli(
        "authorize-security-group-ingress",
        "--group-id",
        group,
        "--ip-permissions",
        "IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=10.0.0.0/8,Description=dns}]",
    )
    assert out["SecurityGroupRules"][0]["Description"] == "dns"
    err = cli_error(
        "authorize-security-group-ingress",
        "--group-id",
        group,
        "--protocol",
        "tcp",
        "--port",
        "3306",
        "--cidr",
        "127.0.0.1/32",
    )
    assert "InvalidPermission.Duplicate" in err
    cli(
        "revoke-security-group-ingress",
        "--group-id",
        group,
        "--protocol",
        "tcp",
        "--port",
        "3306",
        "--cidr",
        "127.0.0.1/32",
    )
    rules = cli("describe-security-group-rules", "--filters", f"Name=group-id,Values={group}")
    assert 3306 not in [r["FromPort"] for r in rules["SecurityGroupRules"]]


def test_revoke_by_rule_id_and_not_found(ec2: Any, group: str) -> None:
    made = ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8"), tcp(23, "10.0.0.0/8")]
    )["SecurityGroupRules"]
    first = made[0]["SecurityGroupRuleId"]
    out = ec2.revoke_security_group_ingress(GroupId=group, SecurityGroupRuleIds=[first])
    assert [r["SecurityGroupRuleId"] for r in out["RevokedSecurityGroupRules"]] == [first]
    with pytest.raises(ClientError) as exc:
        ec2.revoke_security_group_ingress(GroupId=group, SecurityGroupRuleIds=[first])
    assert error_code(exc) == "InvalidSecurityGroupRuleId.NotFound"
    egress_id = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group]}]
    )["SecurityGroupRules"]
    egress_id = next(r["SecurityGroupRuleId"] for r in egress_id if r["IsEgress"])
    with pytest.raises(ClientError) as exc:  # an egress rule is not an ingress rule
        ec2.revoke_security_group_ingress(GroupId=group, SecurityGroupRuleIds=[egress_id])
    assert error_code(exc) == "InvalidSecurityGroupRuleId.NotFound"
    # the default VPC: an unknown rule is reported back, not an error
    out = ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[tcp(24, "10.0.0.0/8")])
    assert out["UnknownIpPermissions"][0]["FromPort"] == 24
    assert out["RevokedSecurityGroupRules"] == []


def test_revoke_unknown_rule_in_a_vpc_of_ones_own(ec2: Any) -> None:
    vpc = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    gid = ec2.create_security_group(GroupName="x", Description="x", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[tcp(22, "10.0.0.0/8")])
    with pytest.raises(ClientError) as exc:
        ec2.revoke_security_group_ingress(
            GroupId=gid, IpPermissions=[tcp(22, "10.0.0.0/8"), tcp(25, "10.0.0.0/8")]
        )
    assert error_code(exc) == "InvalidPermission.NotFound"
    assert error_message(exc) == "The specified rule does not exist in this security group."
    assert len(ingress(ec2, gid)) == 1  # nothing was revoked
    with pytest.raises(ClientError) as exc:  # names are for the default VPC only
        ec2.authorize_security_group_ingress(GroupName="x", IpPermissions=[tcp(1, "10.0.0.0/8")])
    assert error_code(exc) == "InvalidGroup.NotFound"


def test_egress_rules(ec2: Any, group: str) -> None:
    (default_out,) = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0][
        "IpPermissionsEgress"
    ]
    assert default_out["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]
    ec2.revoke_security_group_egress(
        GroupId=group, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    assert (
        ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["IpPermissionsEgress"]
        == []
    )
    out = ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[tcp(443, "0.0.0.0/0")])
    assert out["SecurityGroupRules"][0]["IsEgress"] is True
    assert ingress(ec2, group) == []


def test_rule_tags_and_descriptions(ec2: Any, group: str) -> None:
    made = ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[tcp(22, "10.0.0.0/8")],
        TagSpecifications=[
            {"ResourceType": "security-group-rule", "Tags": [{"Key": "why", "Value": "ssh"}]}
        ],
    )["SecurityGroupRules"][0]
    rid = made["SecurityGroupRuleId"]
    assert made["Tags"] == [{"Key": "why", "Value": "ssh"}]
    tagged = ec2.describe_security_group_rules(Filters=[{"Name": "tag:why", "Values": ["ssh"]}])
    assert [r["SecurityGroupRuleId"] for r in tagged["SecurityGroupRules"]] == [rid]
    ec2.update_security_group_rule_descriptions_ingress(
        GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8", Description="bastion")]
    )
    assert ingress(ec2, group)[0]["IpRanges"] == [
        {"CidrIp": "10.0.0.0/8", "Description": "bastion"}
    ]
    ec2.update_security_group_rule_descriptions_ingress(
        GroupId=group,
        SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": rid, "Description": "jump host"}],
    )
    (rule,) = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rid])["SecurityGroupRules"]
    assert rule["Description"] == "jump host"
    with pytest.raises(ClientError) as exc:
        ec2.update_security_group_rule_descriptions_ingress(
            GroupId=group, IpPermissions=[tcp(2222, "10.0.0.0/8", Description="x")]
        )
    assert error_code(exc) == "InvalidPermission.NotFound"
    with pytest.raises(ClientError) as exc:
        ec2.update_security_group_rule_descriptions_egress(
            GroupId=group,
            SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": rid, "Description": "x"}],
        )
    assert error_code(exc) == "InvalidSecurityGroupRuleId.NotFound"


def test_modify_rules(ec2: Any, group: str) -> None:
    made = ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[tcp(22, "10.0.0.0/8"), tcp(80, "0.0.0.0/0")]
    )["SecurityGroupRules"]
    ssh, http = (r["SecurityGroupRuleId"] for r in made)
    ec2.modify_security_group_rules(
        GroupId=group,
        SecurityGroupRules=[
            {
                "SecurityGroupRuleId": ssh,
                "SecurityGroupRule": {
                    "IpProtocol": "tcp",
                    "FromPort": 2222,
                    "ToPort": 2222,
                    "CidrIpv4": "192.168.0.0/16",
                    "Description": "moved",
                },
            }
        ],
    )
    (rule,) = ec2.describe_security_group_rules(SecurityGroupRuleIds=[ssh])["SecurityGroupRules"]
    assert (rule["FromPort"], rule["CidrIpv4"], rule["Description"]) == (
        2222,
        "192.168.0.0/16",
        "moved",
    )
    with pytest.raises(ClientError) as exc:  # would become the http rule
        ec2.modify_security_group_rules(
            GroupId=group,
            SecurityGroupRules=[
                {
                    "SecurityGroupRuleId": ssh,
                    "SecurityGroupRule": {
                        "IpProtocol": "tcp",
                        "FromPort": 80,
                        "ToPort": 80,
                        "CidrIpv4": "0.0.0.0/0",
                    },
                }
            ],
        )
    assert error_code(exc) == "InvalidPermission.Duplicate"
    # swapping two rules' contents in one call is fine
    ec2.modify_security_group_rules(
        GroupId=group,
        SecurityGroupRules=[
            {
                "SecurityGroupRuleId": ssh,
                "SecurityGroupRule": {
                    "IpProtocol": "tcp",
                    "FromPort": 80,
                    "ToPort": 80,
                    "CidrIpv4": "0.0.0.0/0",
                },
            },
            {
                "SecurityGroupRuleId": http,
                "SecurityGroupRule": {
                    "IpProtocol": "tcp",
                    "FromPort": 2222,
                    "ToPort": 2222,
                    "CidrIpv4": "192.168.0.0/16",
                },
            },
        ],
    )
    ports = {
        r["SecurityGroupRuleId"]: r["FromPort"]
        for r in ec2.describe_security_group_rules(SecurityGroupRuleIds=[ssh, http])[
            "SecurityGroupRules"
        ]
    }
    assert ports == {ssh: 80, http: 2222}
    with pytest.raises(ClientError) as exc:
        ec2.modify_security_group_rules(
            GroupId=group,
            SecurityGroupRules=[
                {
                    "SecurityGroupRuleId": "sgr-0000000000000abcd",
                    "SecurityGroupRule": {"IpProtocol": "-1", "CidrIpv4": "1.0.0.0/8"},
                }
            ],
        )
    assert error_code(exc) == "InvalidSecurityGroupRuleId.NotFound"


def test_rule_pages(ec2: Any, group: str) -> None:
    ec2.authorize_security_group_ingress(
        GroupId=group, IpPermissions=[tcp(p, "10.0.0.0/8") for p in range(1000, 1011)]
    )
    pages = list(
        ec2.get_paginator("describe_security_group_rules").paginate(
            Filters=[{"Name": "group-id", "Values": [group]}], PaginationConfig={"PageSize": 5}
        )
    )
    assert [len(p["SecurityGroupRules"]) for p in pages] == [5, 5, 2]  # 11 in, 1 out
    with pytest.raises(ClientError) as exc:
        ec2.authorize_security_group_ingress(
            GroupId=group, IpPermissions=[tcp(p, "10.0.0.0/8") for p in range(2000, 2050)]
        )
    assert error_code(exc) == "RulesPerSecurityGroupLimitExceeded"
