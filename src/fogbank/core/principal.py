"""Who is calling: the result of authentication, the input of authorization and audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class PrincipalKind(StrEnum):
    ROOT = "Root"
    IAM_USER = "IAMUser"
    ASSUMED_ROLE = "AssumedRole"
    FEDERATED_USER = "FederatedUser"
    ANONYMOUS = "AWSAccount"  # CloudTrail's userIdentity type for unsigned callers
    SERVICE = "AWSService"


@dataclass(frozen=True)
class SessionIssuer:
    """The role (or user) a temporary session was issued for."""

    kind: str  # "Role" | "IAMUser"
    principal_id: str
    arn: str
    account_id: str
    name: str


@dataclass(frozen=True)
class Session:
    """What makes a temporary-credential principal: issuer, expiry, limits."""

    issuer: SessionIssuer | None
    created: datetime
    expires: datetime
    session_name: str | None = None
    policy: str | None = None  # JSON of the inline session policy, if any
    policy_arns: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    source_identity: str | None = None
    mfa_authenticated: bool = False


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    account_id: str
    arn: str
    principal_id: str  # userIdentity.principalId: "AIDA...", "AROA...:session", account id
    name: str | None = None  # user name, or role name for assumed roles
    access_key_id: str | None = None
    session: Session | None = None
    tags: tuple[tuple[str, str], ...] = field(default=())

    @property
    def is_root(self) -> bool:
        return self.kind is PrincipalKind.ROOT

    @property
    def is_anonymous(self) -> bool:
        return self.kind is PrincipalKind.ANONYMOUS


def root_principal(account_id: str, access_key_id: str | None = None) -> Principal:
    return Principal(
        kind=PrincipalKind.ROOT,
        account_id=account_id,
        arn=f"arn:aws:iam::{account_id}:root",
        principal_id=account_id,
        access_key_id=access_key_id,
    )


ANONYMOUS = Principal(
    kind=PrincipalKind.ANONYMOUS,
    account_id="anonymous",
    arn="*",
    principal_id="anonymous",
)
