"""Parsing and checking rules as requested: protocols, ports, CIDRs, the legacy form."""

from __future__ import annotations

import pytest

from fogbank.core.errors import AwsError
from fogbank.services.ec2 import cidrs, permissions, protocols
from fogbank.services.ec2.models import RuleSpec, Source, SourceKind


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("tcp", "tcp"),
        ("TCP", "tcp"),
        ("6", "tcp"),
        ("17", "udp"),
        ("1", "icmp"),
        ("58", "icmpv6"),
        ("-1", "-1"),
        ("50", "50"),
        ("0", "0"),
        ("255", "255"),
    ],
)
def test_protocols_normalise(given: str, stored: str) -> None:
    assert protocols.normalize(given) == stored


@pytest.mark.parametrize("given", ["all", "256", "-2", "tcpx", ""])
def test_unknown_protocols(given: str) -> None:
    with pytest.raises(AwsError) as exc:
        protocols.normalize(given)
    assert exc.value.code == "InvalidParameterValue"
    assert f"Invalid value '{given}' for IP protocol. Unknown protocol." == exc.value.message


@pytest.mark.parametrize(
    ("protocol", "low", "high", "expected"),
    [
        ("tcp", 22, 22, (22, 22)),
        ("udp", 0, 65535, (0, 65535)),
        ("icmp", None, None, (-1, -1)),
        ("icmp", 8, -1, (8, -1)),
        ("icmp", 3, 4, (3, 4)),
        ("-1", 1, 2, (None, None)),
        ("50", 1, 2, (None, None)),
    ],
)
def test_ports_kept(protocol: str, low: int | None, high: int | None, expected: object) -> None:
    assert protocols.ports(protocol, low, high) == expected


@pytest.mark.parametrize(
    ("protocol", "low", "high", "fragment"),
    [
        ("tcp", None, 22, "Must specify both from and to ports with TCP/UDP."),
        ("tcp", 22, None, "Must specify both from and to ports with TCP/UDP."),
        ("tcp", -1, 22, "TCP/UDP (from) port (-1) out of range"),
        ("udp", 1, 70000, "TCP/UDP (to) port (70000) out of range"),
        ("tcp", 80, 70, "from port 80 is greater than to port 70"),
        ("icmp", 256, 0, "ICMP type (256) out of range"),
        ("icmp", 3, 300, "ICMP code (300) out of range"),
        ("icmp", -1, 0, "ICMP code (0) out of range"),
    ],
)
def test_ports_refused(protocol: str, low: int | None, high: int | None, fragment: str) -> None:
    with pytest.raises(AwsError) as exc:
        protocols.ports(protocol, low, high)
    assert exc.value.code == "InvalidParameterValue"
    assert fragment in exc.value.message


@pytest.mark.parametrize(
    ("spec", "text"),
    [
        (
            RuleSpec(False, "tcp", 22, 22, Source(SourceKind.CIDR4, "0.0.0.0/0")),
            "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW",
        ),
        (
            RuleSpec(False, "-1", None, None, Source(SourceKind.GROUP, "sg-0b2f992c6b3d46431")),
            "peer: sg-0b2f992c6b3d46431, ALL, ALLOW",
        ),
        (
            RuleSpec(False, "icmp", -1, -1, Source(SourceKind.CIDR4, "0.0.0.0/0")),
            "peer: 0.0.0.0/0, ICMP, type: ALL, code: ALL, ALLOW",
        ),
        (
            RuleSpec(False, "icmp", 8, -1, Source(SourceKind.CIDR4, "10.0.0.0/8")),
            "peer: 10.0.0.0/8, ICMP, type: 8, code: ALL, ALLOW",
        ),
    ],
)
def test_duplicate_labels(spec: RuleSpec, text: str) -> None:
    assert protocols.label(spec) == text


def test_rule_cidrs_are_masked_and_checked() -> None:
    assert cidrs.rule_ipv4("10.0.0.1/8") == "10.0.0.0/8"
    assert cidrs.rule_ipv6("2001:db8::1/32") == "2001:db8::/32"
    for bad in ("58.29.99.44", "10.0.0.0/33", "bogus", "::/0"):
        with pytest.raises(AwsError) as exc:
            cidrs.rule_ipv4(bad)
        assert exc.value.message == f"CIDR block {bad} is malformed"


def test_vpc_and_subnet_ranges() -> None:
    assert str(cidrs.vpc_block("10.0.0.0/16")) == "10.0.0.0/16"
    for bad, code in [
        ("10.0.0.0/8", "InvalidVpc.Range"),
        ("10.0.0.0/29", "InvalidVpc.Range"),
        ("127.0.0.0/16", "InvalidVpc.Range"),
        ("10.0.0.1/16", "InvalidParameterValue"),
        ("nope", "InvalidParameterValue"),
    ]:
        with pytest.raises(AwsError) as exc:
            cidrs.vpc_block(bad)
        assert exc.value.code == code, bad
    vpc = ["10.0.0.0/16"]
    assert str(cidrs.subnet_block("10.0.1.0/24", vpc, ["10.0.0.0/24"])) == "10.0.1.0/24"
    for bad, code in [
        ("10.1.0.0/24", "InvalidSubnet.Range"),
        ("10.0.0.0/29", "InvalidSubnet.Range"),
        ("10.0.0.128/25", "InvalidSubnet.Conflict"),
    ]:
        with pytest.raises(AwsError) as exc:
            cidrs.subnet_block(bad, vpc, ["10.0.0.0/24"])
        assert exc.value.code == code, bad
    assert cidrs.available_addresses("172.31.0.0/20") == 4091


def test_ip_permissions_one_wanted_rule_per_source() -> None:
    wanted = permissions.wanted(
        {
            "IpPermissions": [
                {
                    "IpProtocol": "tcp",
                    "FromPort": 5432,
                    "ToPort": 5432,
                    "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "office"}],
                    "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                    "UserIdGroupPairs": [{"GroupId": "sg-0123456789abcdef0"}],
                    "PrefixListIds": [{"PrefixListId": "pl-63a5400a"}],
                }
            ]
        }
    )
    assert [(w.kind, w.value) for w in wanted] == [
        (SourceKind.CIDR4, "10.0.0.0/8"),
        (SourceKind.CIDR6, "::/0"),
        (SourceKind.PREFIX_LIST, "pl-63a5400a"),
        (SourceKind.GROUP, None),
    ]
    assert wanted[0].description == "office"
    assert wanted[3].group is not None and wanted[3].group.group_id == "sg-0123456789abcdef0"


def test_legacy_forms() -> None:
    (cidr,) = permissions.wanted(
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "1.2.3.4/32"}
    )
    assert (cidr.protocol, cidr.from_port, cidr.value) == ("tcp", 22, "1.2.3.4/32")
    trio = permissions.wanted({"SourceSecurityGroupName": "web"})
    assert [(w.protocol, w.from_port, w.to_port) for w in trio] == [
        ("icmp", -1, -1),
        ("tcp", 0, 65535),
        ("udp", 0, 65535),
    ]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "MissingParameter"),
        (
            {"IpPermissions": [{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1}]},
            "MissingParameter",
        ),
        (
            {
                "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "1.0.0.0/8"}]}],
                "CidrIp": "1.0.0.0/8",
            },
            "InvalidParameterCombination",
        ),
        (
            {
                "IpPermissions": [
                    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "1.0.0.0/8"}]},
                    {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "1.0.0.0/8"}]},
                ]
            },
            "InvalidParameterValue",
        ),
        (
            {
                "IpPermissions": [
                    {
                        "IpProtocol": "-1",
                        "IpRanges": [{"CidrIp": "1.0.0.0/8", "Description": "caf\u00e9"}],
                    }
                ]
            },
            "InvalidParameterValue",
        ),
        ({"SourceSecurityGroupName": "web", "CidrIp": "1.0.0.0/8"}, "InvalidParameterCombination"),
    ],
)
def test_bad_requests(params: dict[str, object], code: str) -> None:
    with pytest.raises(AwsError) as exc:
        permissions.wanted(params)
    assert exc.value.code == code
