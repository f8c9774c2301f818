"""Rule changes made through the API against a live server change ``admit()`` answers at
once: this test process plays an RDS/EFS front in another process, on the same store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from fogbank.services.ec2.admission import Admitter
from fogbank.services.ec2.changes import ChangeSignal
from fogbank.storage.db import Database, DbSettings
from tests.support.server import ACCOUNT_ID, FogbankServer


@pytest.fixture
def admitter(server: FogbankServer) -> Iterator[Admitter]:
    url = server.metadata_url or f"sqlite:///{server.data_dir / 'metadata.db'}"
    db = Database(DbSettings(url))
    try:
        yield Admitter(db, ChangeSignal(server.data_dir / "ec2" / "rules.stamp"))
    finally:
        db.close()


def test_api_changes_are_seen_by_the_next_connection(
    server: FogbankServer, ec2: Any, region: str, admitter: Admitter
) -> None:
    gid = ec2.create_security_group(GroupName="db", Description="db")["GroupId"]

    async def admit(ip: str, port: int) -> tuple[bool, str]:
        result = await admitter.admit(ACCOUNT_ID, region, [gid], ip, "tcp", port)
        return result.allowed, result.message

    def check(ip: str, port: int) -> tuple[bool, str]:
        return asyncio.run(admit(ip, port))

    allowed, message = check("127.0.0.1", 3306)
    assert not allowed
    assert message.startswith(
        f"fogbank: connection from 127.0.0.1 to tcp/3306 refused by security group {gid} (db)"
    )
    assert f"--group-id {gid} --protocol tcp --port 3306 --cidr 127.0.0.1/32" in message
    out = server.aws(
        "ec2",
        "authorize-security-group-ingress",
        "--region",
        region,
        "--group-id",
        gid,
        "--protocol",
        "tcp",
        "--port",
        "3306",
        "--cidr",
        "127.0.0.1/32",
    )
    assert out.returncode == 0
    assert check("127.0.0.1", 3306)[0]  # no wait: the next connection sees it
    assert not check("127.0.0.1", 5432)[0]
    ec2.revoke_security_group_ingress(
        GroupId=gid,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 3306,
                "ToPort": 3306,
                "IpRanges": [{"CidrIp": "127.0.0.1/32"}],
            }
        ],
    )
    assert not check("127.0.0.1", 3306)[0]
    ec2.authorize_security_group_ingress(
        GroupId=gid, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "127.0.0.0/8"}]}]
    )
    assert check("127.0.0.5", 5432)[0]


def test_cached_admission_is_cheap(ec2: Any, region: str, admitter: Admitter) -> None:
    gid = ec2.create_security_group(GroupName="hot", Description="hot")["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=gid,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "IpRanges": [{"CidrIp": "127.0.0.0/8"}],
            }
        ],
    )

    async def many(n: int) -> float:
        await admitter.admit(ACCOUNT_ID, region, [gid], "127.0.0.1", "tcp", 5432)  # warm
        start = time.perf_counter()
        for _ in range(n):
            result = await admitter.admit(ACCOUNT_ID, region, [gid], "127.0.0.1", "tcp", 5432)
            assert result.allowed
        return (time.perf_counter() - start) / n

    per_call = asyncio.run(many(2000))
    assert per_call < 0.001, f"{per_call * 1e6:.0f} µs per cached admission"
