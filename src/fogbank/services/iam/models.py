"""IAM's entities as frozen values, with their ARNs and wire forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

AWS_ACCOUNT = "aws"  # the "account" of AWS managed policies: arn:aws:iam::aws:policy/...
Tags = tuple[tuple[str, str], ...]


def stamp(epoch: float) -> datetime:
    """An epoch (simulated seconds) as the aware datetime the wire wants, to the second."""
    return datetime.fromtimestamp(int(epoch), UTC)


def iam_arn(account_id: str, kind: str, path: str, name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account_id}:{kind}{path}{name}"


def tag_list(tags: Tags) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags]


@dataclass(frozen=True)
class User:
    account_id: str
    name: str
    user_id: str
    path: str
    created_at: float
    boundary_arn: str | None = None
    tags: Tags = ()

    @property
    def arn(self) -> str:
        return iam_arn(self.account_id, "user", self.path, self.name)

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Group:
    account_id: str
    name: str
    group_id: str
    path: str
    created_at: float

    @property
    def arn(self) -> str:
        return iam_arn(self.account_id, "group", self.path, self.name)

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Role:
    account_id: str
    name: str
    role_id: str
    path: str
    created_at: float
    trust_policy: str
    description: str | None = None
    max_session_duration: int = 3600
    boundary_arn: str | None = None
    last_used_at: float | None = None
    last_used_region: str | None = None
    tags: Tags = ()

    @property
    def arn(self) -> str:
        return iam_arn(self.account_id, "role", self.path, self.name)

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class ManagedPolicy:
    account_id: str  # AWS_ACCOUNT for AWS managed policies
    name: str
    policy_id: str
    path: str
    default_version: str
    created_at: float
    updated_at: float
    description: str | None = None
    attachment_count: int = 0
    boundary_usage_count: int = 0
    tags: Tags = ()

    @property
    def arn(self) -> str:
        return iam_arn(self.account_id, "policy", self.path, self.name)

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def aws_managed(self) -> bool:
        return self.account_id == AWS_ACCOUNT


@dataclass(frozen=True)
class PolicyVersion:
    version_id: str
    document: str
    created_at: float
    is_default: bool


@dataclass(frozen=True)
class AccessKey:
    access_key_id: str
    account_id: str
    user_name: str | None  # None: the root user's key
    status: str  # Active | Inactive
    created_at: float
    last_used_at: float | None = None
    last_used_service: str | None = None
    last_used_region: str | None = None


@dataclass(frozen=True)
class InstanceProfile:
    account_id: str
    name: str
    profile_id: str
    path: str
    created_at: float
    roles: tuple[Role, ...] = ()
    tags: Tags = ()

    @property
    def arn(self) -> str:
        return iam_arn(self.account_id, "instance-profile", self.path, self.name)

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class InlinePolicy:
    name: str
    document: str


@dataclass(frozen=True)
class SessionRecord:
    """A temporary credential issued by STS, as stored (the token only as a hash)."""

    access_key_id: str
    secret_access_key: str
    token_sha256: str
    account_id: str
    kind: str  # AssumedRole | User | Root (the last two: GetSessionToken)
    issuer_name: str  # the role's or user's name as created ("" for the root user)
    issuer_arn: str  # the role's or user's ARN (path included)
    issuer_id: str  # AROA... / AIDA... / the account id
    created_at: float
    expires_at: float
    session_name: str | None = None
    policy: str | None = None
    policy_arns: tuple[str, ...] = ()
    tags: Tags = ()
    transitive_keys: tuple[str, ...] = ()
    source_identity: str | None = None
    chained: bool = False


@dataclass(frozen=True)
class Page:
    """One page of a listing: IAM's Marker / IsTruncated."""

    items: tuple[object, ...] = field(default=())
    marker: str | None = None
