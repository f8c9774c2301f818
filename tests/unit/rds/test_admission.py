"""The simple CIDR-rule admitter and endpoint address allocation."""

from __future__ import annotations

import asyncio

from fogbank.services.rds.addresses import AddressPool
from fogbank.services.rds.engines.admission import AdmissionRequest, CidrRules, Rule


def admit(rules: CidrRules, groups: tuple[str, ...], ip: str, port: int) -> tuple[bool, str]:
    result = asyncio.run(rules.admit(AdmissionRequest("db1", groups, False, ip, port)))
    return result.ok, result.message


def test_cidr_rules() -> None:
    rules = CidrRules({"sg-a": [Rule("10.0.0.0/8", 3306, 3306)], "sg-b": []})
    assert admit(rules, ("sg-a",), "10.1.2.3", 3306)[0]
    ok, message = admit(rules, ("sg-a",), "10.1.2.3", 5432)
    assert not ok
    assert message == (
        "fogbank: connection from 10.1.2.3 refused by security group sg-a"
        " (no inbound rule for tcp/5432 from 10.1.2.3/32)"
    )
    ok, message = admit(rules, ("sg-b", "sg-a"), "127.0.0.1", 3306)
    assert not ok and "security groups sg-b, sg-a" in message
    rules.authorize("sg-b", Rule("127.0.0.1/32", 0, 65535, "-1"))
    assert admit(rules, ("sg-b", "sg-a"), "127.0.0.1", 3306)[0]
    assert not admit(rules, (), "127.0.0.1", 3306)[0]


def test_addresses_skip_used_and_busy_ones() -> None:
    pool = AddressPool("127.0.2.1", "127.0.3.2")
    assert pool.allocate(set(), 3306, lambda a, p: True) == "127.0.2.1"
    assert pool.allocate({"127.0.2.1"}, 3306, lambda a, p: True) == "127.0.2.2"
    assert pool.allocate(set(), 3306, lambda a, p: a != "127.0.2.1") == "127.0.2.2"
    candidates = list(pool.candidates())
    assert "127.0.2.255" not in candidates and "127.0.3.0" not in candidates
    assert candidates[-1] == "127.0.3.2"
    assert (
        AddressPool("127.0.2.1", "127.0.2.1").allocate({"127.0.2.1"}, 1, lambda a, p: True) is None
    )
