"""What every IAM operation works with: the store, the clock, the AWS managed policies,
and the change stamp that tells every process to drop what it cached."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from fogbank.authz.policy import PolicyError, PolicyKind, parse_policy
from fogbank.core.clock import Clock
from fogbank.services.iam import errors
from fogbank.services.iam.catalog import ManagedCatalog
from fogbank.services.iam.models import AWS_ACCOUNT, ManagedPolicy
from fogbank.services.iam.store import policies as policy_store
from fogbank.storage.db import Conn, Database
from fogbank.storage.stamp import ChangeStamp

T = TypeVar("T")


@dataclass(frozen=True)
class PolicyRef:
    """A managed policy named by ARN: ``arn:aws:iam::<account|aws>:policy<path><name>``."""

    account_id: str
    path: str
    name: str

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:policy{self.path}{self.name}"


def parse_policy_arn(arn: str) -> PolicyRef | None:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam":
        return None
    resource = parts[5]
    if not resource.startswith("policy/"):
        return None
    path, _, name = resource[len("policy") :].rpartition("/")
    if not name:
        return None
    return PolicyRef(parts[4], path + "/", name)


@dataclass(frozen=True)
class IamEngine:
    db: Database
    clock: Clock
    catalog: ManagedCatalog
    stamp: ChangeStamp

    def now(self) -> float:
        return self.clock.time()

    async def read(self, fn: Callable[[Conn], T]) -> T:
        return await self.db.read(fn)

    async def write(self, fn: Callable[[Conn], T]) -> T:
        """Run ``fn`` in a transaction, then tell every process that IAM changed."""
        result = await self.db.write(fn)
        await asyncio.to_thread(self.stamp.touch)
        return result

    def find_policy(self, conn: Conn, arn: str, account_id: str) -> ManagedPolicy | None:
        """The managed policy ``arn`` names, AWS managed or the account's own."""
        aws = self.catalog.get(arn)
        if aws is not None:
            return aws.policy
        ref = parse_policy_arn(arn)
        if ref is None or ref.account_id != account_id:
            return None
        policy = policy_store.get(conn, account_id, ref.name)
        if policy is None or policy.path != ref.path or policy.arn != arn:
            return None
        return policy

    def policy_document(self, conn: Conn, arn: str, account_id: str) -> str | None:
        """The default version's document of a managed policy."""
        aws = self.catalog.get(arn)
        if aws is not None:
            return aws.document
        policy = self.find_policy(conn, arn, account_id)
        if policy is None or policy.account_id == AWS_ACCOUNT:
            return None
        return policy_store.default_document(conn, account_id, policy.key)


def checked_document(text: str, kind: PolicyKind, *, managed: bool = False) -> str:
    """``text`` if it is a valid policy of ``kind``, else MalformedPolicyDocument."""
    try:
        parse_policy(text, kind, managed=managed)
    except PolicyError as err:
        raise errors.malformed_policy(err.message) from None
    return text


def policy_size(text: str) -> int:
    """IAM's measure of a policy: characters, white space not counted."""
    return sum(1 for char in text if not char.isspace())
