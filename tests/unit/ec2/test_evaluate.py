"""The admission evaluator, table-driven: which inbound rules admit which connections."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pytest

from fogbank.services.ec2.evaluate import admitted_networks, compile_group, evaluate
from fogbank.services.ec2.models import RuleSpec, Source, SourceKind

G1 = "sg-0123456789abcdef0"
G2 = "sg-00000000000000aaa"
PEER = "sg-0fedcba9876543210"


def v4(cidr: str) -> Source:
    return Source(SourceKind.CIDR4, cidr)


def v6(cidr: str) -> Source:
    return Source(SourceKind.CIDR6, cidr)


def group(gid: str) -> Source:
    return Source(SourceKind.GROUP, gid, "111122223333")


def tcp(low: int, high: int, source: Source) -> RuleSpec:
    return RuleSpec(False, "tcp", low, high, source)


def rule(protocol: str, low: int | None, high: int | None, source: Source) -> RuleSpec:
    return RuleSpec(False, protocol, low, high, source)


@dataclass(frozen=True)
class Case:
    name: str
    rules: tuple[RuleSpec, ...]
    client: str
    port: int
    allowed: bool
    protocol: str = "tcp"
    members: tuple[tuple[str, str], ...] = ()  # (group id, member address)


CASES = [
    Case("exact /32", (tcp(3306, 3306, v4("127.0.0.1/32")),), "127.0.0.1", 3306, True),
    Case("other address", (tcp(3306, 3306, v4("127.0.0.1/32")),), "127.0.0.2", 3306, False),
    Case("inside a /8", (tcp(3306, 3306, v4("127.0.0.0/8")),), "127.9.8.7", 3306, True),
    Case("anywhere", (tcp(5432, 5432, v4("0.0.0.0/0")),), "203.0.113.9", 5432, True),
    Case("wrong port", (tcp(5432, 5432, v4("0.0.0.0/0")),), "127.0.0.1", 3306, False),
    Case("range low end", (tcp(3000, 4000, v4("0.0.0.0/0")),), "127.0.0.1", 3000, True),
    Case("range high end", (tcp(3000, 4000, v4("0.0.0.0/0")),), "127.0.0.1", 4000, True),
    Case("past the range", (tcp(3000, 4000, v4("0.0.0.0/0")),), "127.0.0.1", 4001, False),
    Case("udp rule, tcp wanted", (rule("udp", 0, 65535, v4("0.0.0.0/0")),), "10.0.0.1", 53, False),
    Case("all traffic", (rule("-1", None, None, v4("10.0.0.0/8")),), "10.1.2.3", 2049, True),
    Case(
        "all traffic, other net", (rule("-1", None, None, v4("10.0.0.0/8")),), "11.0.0.1", 1, False
    ),
    Case("icmp does not open tcp", (rule("icmp", -1, -1, v4("0.0.0.0/0")),), "10.0.0.1", 22, False),
    Case(
        "other protocol number", (rule("50", None, None, v4("0.0.0.0/0")),), "10.0.0.1", 22, False
    ),
    Case("ipv6 loopback", (tcp(2049, 2049, v6("::1/128")),), "::1", 2049, True),
    Case("ipv6 rule, ipv4 client", (tcp(2049, 2049, v6("::/0")),), "127.0.0.1", 2049, False),
    Case("ipv4 rule, ipv6 client", (tcp(2049, 2049, v4("0.0.0.0/0")),), "::1", 2049, False),
    Case("ipv4-mapped client", (tcp(22, 22, v4("127.0.0.1/32")),), "::ffff:127.0.0.1", 22, True),
    Case(
        "member of the source group",
        (tcp(3306, 3306, group(PEER)),),
        "127.0.2.7",
        3306,
        True,
        members=((PEER, "127.0.2.7"),),
    ),
    Case(
        "not a member",
        (tcp(3306, 3306, group(PEER)),),
        "127.0.2.8",
        3306,
        False,
        members=((PEER, "127.0.2.7"),),
    ),
    Case(
        "member of another group",
        (tcp(3306, 3306, group(PEER)),),
        "127.0.2.7",
        3306,
        False,
        members=((G2, "127.0.2.7"),),
    ),
    Case(
        "prefix lists admit nobody (entries not modelled)",
        (tcp(443, 443, Source(SourceKind.PREFIX_LIST, "pl-63a5400a")),),
        "127.0.0.1",
        443,
        False,
    ),
    Case("no rules at all", (), "127.0.0.1", 3306, False),
    Case(
        "second rule matches",
        (tcp(22, 22, v4("0.0.0.0/0")), tcp(3306, 3306, v4("127.0.0.0/8"))),
        "127.0.0.1",
        3306,
        True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rule_table(case: Case) -> None:
    members: dict[str, frozenset[str]] = {}
    for gid, address in case.members:
        members[gid] = members.get(gid, frozenset()) | {address}
    compiled = compile_group(G1, "db", case.rules, members)
    result = evaluate([compiled], case.client, case.protocol, case.port)
    assert result.allowed is case.allowed, result.message


def test_any_group_may_admit() -> None:
    closed = compile_group(G1, "closed", [], {})
    open_ = compile_group(G2, "open", [tcp(3306, 3306, v4("127.0.0.0/8"))], {})
    result = evaluate([closed, open_], "127.0.0.1", "tcp", 3306)
    assert result.allowed
    assert G2 in result.message and "open" in result.message


def test_refusal_names_groups_and_missing_rule_with_a_fix() -> None:
    compiled = compile_group(G1, "default", [tcp(22, 22, v4("0.0.0.0/0"))], {})
    result = evaluate([compiled], "127.0.0.1", "tcp", 3306)
    assert not result.allowed
    assert result.message == (
        f"fogbank: connection from 127.0.0.1 to tcp/3306 refused by security group {G1}"
        " (default): no inbound rule allows tcp/3306 from 127.0.0.1 (add one with: aws ec2"
        f" authorize-security-group-ingress --group-id {G1} --protocol tcp --port 3306"
        " --cidr 127.0.0.1/32)"
    )


def test_refusal_lists_every_group_and_missing_ones() -> None:
    gone = compile_group(G2, None, [], {})
    here = compile_group(G1, "app", [], {})
    result = evaluate([gone, here], "10.0.0.5", "tcp", 2049)
    assert not result.allowed
    assert f"security groups {G2} (does not exist), {G1} (app)" in result.message
    assert f"--group-id {G1} --protocol tcp --port 2049 --cidr 10.0.0.5/32" in result.message


def test_a_missing_group_admits_nothing_even_with_rules() -> None:
    gone = compile_group(G1, None, [tcp(0, 65535, v4("0.0.0.0/0"))], {})
    assert not evaluate([gone], "127.0.0.1", "tcp", 3306).allowed


def test_ipv6_refusal_suggests_an_ipv6_rule() -> None:
    result = evaluate([compile_group(G1, "db", [], {})], "::1", "tcp", 5432)
    assert "Ipv6Ranges=[{CidrIpv6=::1/128}]" in result.message


def test_no_groups_and_bad_addresses() -> None:
    assert "in no security group" in evaluate([], "127.0.0.1", "tcp", 1).message
    assert not evaluate([compile_group(G1, "x", [], {})], "not-an-ip", "tcp", 1).allowed


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_admitted_networks_agree_with_evaluate(case: Case) -> None:
    """What a packet filter may pass unasked: never a client ``evaluate`` refuses, and
    every IPv4 client it admits by an IPv4 or group rule."""
    members: dict[str, frozenset[str]] = {}
    for gid, address in case.members:
        members[gid] = members.get(gid, frozenset()) | {address}
    compiled = compile_group(G1, "db", case.rules, members)
    result = evaluate([compiled], case.client, case.protocol, case.port)
    networks = admitted_networks([compiled], case.protocol, case.port)
    try:
        client = ipaddress.ip_address(case.client)
    except ValueError:
        client = None
    passed = any(client is not None and client in n for n in networks)
    assert not passed or result.allowed
    by_v4 = all(r.source.kind in (SourceKind.CIDR4, SourceKind.GROUP) for r in case.rules)
    if isinstance(client, ipaddress.IPv4Address) and by_v4:
        assert passed is result.allowed


def test_admitted_networks_merge_and_skip_missing_groups() -> None:
    rules = [
        tcp(3306, 3306, v4("127.0.0.0/25")),
        tcp(3306, 3306, v4("127.0.0.128/25")),
        tcp(3306, 3306, v4("127.0.0.7/32")),
        tcp(3306, 3306, v6("::1/128")),
        tcp(5432, 5432, v4("10.0.0.0/8")),
        tcp(3306, 3306, group(PEER)),
    ]
    compiled = compile_group(G1, "db", rules, {PEER: frozenset({"10.1.1.1", "::2"})})
    gone = compile_group(G2, None, [tcp(0, 65535, v4("0.0.0.0/0"))], {})
    found = [str(n) for n in admitted_networks([compiled, gone], "tcp", 3306)]
    assert found == ["10.1.1.1/32", "127.0.0.0/24"]
    assert admitted_networks([compiled], "udp", 3306) == ()
