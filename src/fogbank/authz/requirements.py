"""What an operation needs to be allowed: IAM action(s) on resource ARN(s), with context.

Each service declares, per operation, the requirements of a call (``ServiceProvider.
requirements``); the gateway's authorizer evaluates every one of them against the caller's
policies and the resource's own policy (``ServiceProvider.resource_policy``). CopyObject,
for instance, needs ``s3:GetObject`` on the source and ``s3:PutObject`` on the target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

ContextValue = str | int | float | bool | datetime | Sequence[str]

# The IAM service prefix of each service's actions.
ACTION_PREFIX: dict[str, str] = {
    "s3": "s3",
    "s3control": "s3",
    "iam": "iam",
    "sts": "sts",
    "kms": "kms",
    "rds": "rds",
    "ec2": "ec2",
    "efs": "elasticfilesystem",
    "cloudtrail": "cloudtrail",
}


@dataclass(frozen=True)
class Requirement:
    action: str  # "s3:GetObject"
    resource: str = "*"  # ARN, or "*" for actions that take no resource
    # The account owning the resource; None means the caller's own account.
    resource_account: str | None = None
    # Service-specific condition keys ("s3:prefix", "kms:EncryptionContext:..."), in
    # addition to the global keys the authorizer fills in. Names are lower-cased.
    context: Mapping[str, ContextValue] = field(default_factory=dict)


@dataclass(frozen=True)
class ResourcePolicy:
    """A resource's own policy as the service keeps it (bucket policy, key policy ...)."""

    document: str  # JSON text
    owner_account: str
    # KMS-style: the resource policy must allow (IAM alone is not enough).
    required: bool = False
    # A role trust policy (sts:AssumeRole*): parsed as such, named so in denials.
    trust: bool = False


def default_requirement(service: str, operation: str) -> Requirement:
    """``<prefix>:<Operation>`` on ``*`` (permission tables give better: authz/permissions)."""
    return Requirement(f"{ACTION_PREFIX.get(service, service)}:{operation}")
