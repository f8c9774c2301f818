"""The cost of authorization per request for a cached principal.

    .venv/bin/python bench/authz_enforce.py [--calls 20000]

Times ``Authorizer.authorize`` in-process for an IAM user whose policies are already
compiled (the cache is checked against IAM's change stamp, one ``stat`` per call), with a
typical identity: a managed S3 read policy, an inline policy with a condition and a
policy variable, and a group policy. Prints the median of five runs in microseconds per
call, for root (no policies to evaluate) and for the user.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import timeit
from collections.abc import Sequence
from pathlib import Path

from fogbank.authz.enforcer import Authorizer
from fogbank.authz.identity import IdentityPolicies, PolicyText
from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.clock import Clock
from fogbank.core.context import RequestContext
from fogbank.core.principal import Principal, PrincipalKind, root_principal
from fogbank.storage.stamp import ChangeStamp

ACCOUNT = "111122223333"
USER = Principal(
    PrincipalKind.IAM_USER,
    ACCOUNT,
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    "AIDAALICE",
    name="alice",
    access_key_id="AKIAALICE",
    tags=(("team", "blue"),),
)
READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secrets/*"},
        ],
    }
)
HOME = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::home/${aws:username}/*",
                "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}},
            }
        ],
    }
)
GROUP = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
    }
)


class Source:
    def __init__(self, stamp: ChangeStamp) -> None:
        self.stamp = stamp

    def generation(self) -> int:
        return self.stamp.read()

    async def policies_of(self, principal: Principal) -> IdentityPolicies:
        return IdentityPolicies(
            (
                PolicyText(READ, "AmazonS3ReadOnly", "user-managed"),
                PolicyText(HOME, "home", "user"),
                PolicyText(GROUP, "sts", "group"),
            )
        )

    def record_use(self, principal: Principal, service: str, region: str, when: float) -> None:
        return None


class S3:
    async def requirements(
        self, ctx: RequestContext, params: dict[str, object]
    ) -> Sequence[Requirement]:
        return (Requirement("s3:PutObject", "arn:aws:s3:::home/alice/notes.txt"),)

    async def resource_policy(
        self, ctx: RequestContext, requirement: Requirement
    ) -> ResourcePolicy | None:
        return None

    async def grant_allows(self, ctx: RequestContext, requirement: Requirement) -> bool:
        return False


async def per_call(authorizer: Authorizer, principal: Principal, calls: int) -> float:
    clock = Clock()
    ctx = RequestContext("R", "s3", "PutObject", "us-east-1", principal, clock)
    await authorizer.authorize(ctx, {})  # compile once
    started = time.perf_counter()
    for _ in range(calls):
        await authorizer.authorize(ctx, {})
    return (time.perf_counter() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stamp = ChangeStamp(Path(tmp) / "iam.stamp")
        stamp.touch()
        authorizer = Authorizer({"s3": S3()}, identities=Source(stamp))
        for label, principal in (("root", root_principal(ACCOUNT)), ("user", USER)):
            runs = [asyncio.run(per_call(authorizer, principal, args.calls)) for _ in range(5)]
            print(f"{label}: {statistics.median(runs):.1f} us per authorized call")
    # How fast this machine is right now (shared, loaded CI boxes vary a lot):
    loops = [timeit.timeit(lambda: sum(range(1000)), number=2000) / 2000 for _ in range(5)]
    print(f"calibration: sum(range(1000)) takes {statistics.median(loops) * 1e6:.1f} us")


if __name__ == "__main__":
    main()
