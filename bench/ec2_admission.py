"""Cost of one security-group admission (what an RDS/EFS front pays per connection).

    PYTHONPATH=src python bench/ec2_admission.py [--calls 20000] [--rules 20] [--metadata-url URL]

Builds a store with a group of ``--rules`` inbound rules, then times ``admit()``:
cached (nothing changed), after a change in this process (cache cleared, one store read),
and the ``stat`` of the change stamp that each cached call makes.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from fogbank.core.clock import Clock
from fogbank.core.context import RequestContext
from fogbank.core.principal import Principal, PrincipalKind
from fogbank.services.ec2 import schema
from fogbank.services.ec2.client import Ec2Client
from fogbank.services.ec2.engine import Ec2Engine
from fogbank.services.ec2.ops import authorize, groups
from fogbank.storage import core_schema
from fogbank.storage.db import Database, DbSettings
from fogbank.storage.migrations import migrate

ACCOUNT, REGION = "000000000000", "us-east-1"


def ctx() -> RequestContext:
    principal = Principal(PrincipalKind.ROOT, ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT)
    return RequestContext("bench", "ec2", "Bench", REGION, principal, Clock())


async def main(calls: int, rules: int, url: str, data_dir: Path) -> None:
    db = Database(DbSettings(url))
    migrate(db, (*core_schema.MIGRATIONS, *schema.MIGRATIONS))
    engine = Ec2Engine(db, Clock(), data_dir)
    client = Ec2Client(engine)
    made = await groups.create_security_group(
        engine, ctx(), {"GroupName": "bench", "Description": "bench"}
    )
    gid = str(made["GroupId"])
    perms = [
        {
            "IpProtocol": "tcp",
            "FromPort": 1000 + n,
            "ToPort": 1000 + n,
            "IpRanges": [{"CidrIp": f"10.{n}.0.0/16"}],
        }
        for n in range(rules - 1)
    ]
    perms.append(
        {
            "IpProtocol": "tcp",
            "FromPort": 5432,
            "ToPort": 5432,
            "IpRanges": [{"CidrIp": "127.0.0.0/8"}],
        }
    )
    await authorize.authorize_ingress(engine, ctx(), {"GroupId": gid, "IpPermissions": perms})

    async def one() -> None:
        result = await client.admit(ACCOUNT, REGION, [gid], "127.0.0.1", "tcp", 5432)
        assert result.allowed

    await one()
    start = time.perf_counter()
    for _ in range(calls):
        await one()
    cached = (time.perf_counter() - start) / calls

    cold: list[float] = []
    for _ in range(min(calls, 500)):
        engine.changes.bump_local()  # as a rule change in this process does
        t = time.perf_counter()
        await one()
        cold.append(time.perf_counter() - t)

    stamp = data_dir / "ec2" / "rules.stamp"
    engine.changes.touch()
    t = time.perf_counter()
    for _ in range(calls):
        stamp.stat()
    stat_cost = (time.perf_counter() - t) / calls
    db.close()
    print(f"store: {url.split(':')[0]}, {rules} inbound rules, {calls} calls")
    print(f"cached admit():              {cached * 1e6:8.1f} µs per connection")
    print(
        f"after a change (store read): {statistics.median(cold) * 1e6:8.1f} µs median,"
        f" {max(cold) * 1e6:.1f} µs worst"
    )
    print(f"stat of the change stamp:    {stat_cost * 1e6:8.1f} µs")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--rules", type=int, default=20)
    parser.add_argument("--metadata-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.metadata_url or f"sqlite:///{tmp}/metadata.db"
        asyncio.run(main(args.calls, args.rules, url, Path(tmp)))
