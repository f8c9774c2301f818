"""The request as the evaluator sees it: caller, action, resource and condition keys.

Principal-derived global keys (``aws:username``, ``aws:userid``, ``aws:PrincipalArn``,
``aws:PrincipalAccount``, ``aws:PrincipalType``, ``aws:PrincipalTag/<key>`` ...) are filled in
from :class:`PrincipalInfo` following the IAM user guide, "IAM policy elements: Variables and
tags" (principal key values) and "AWS global condition context keys"; keys the caller puts in
``context`` take precedence. Condition key names are case-insensitive, so every name is
lower-cased here.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fogbank.core.principal import Principal

Scalar = str | bool | int | float | datetime | bytes
ContextValue = Scalar | list[Scalar] | tuple[Scalar, ...]


class CallerKind(Enum):
    ROOT = "root"
    USER = "user"
    ASSUMED_ROLE = "assumed-role"
    FEDERATED_USER = "federated-user"  # GetFederationToken sessions
    ANONYMOUS = "anonymous"
    SERVICE = "service"  # an AWS service principal ("cloudtrail.amazonaws.com")
    WEB_IDENTITY = "web-identity"  # an OIDC / SAML provider (matches Principal "Federated")


# aws:PrincipalType values (IAM user guide, principal key values table).
_PRINCIPAL_TYPE = MappingProxyType(
    {
        CallerKind.ROOT: "Account",
        CallerKind.USER: "User",
        CallerKind.ASSUMED_ROLE: "AssumedRole",
        CallerKind.FEDERATED_USER: "FederatedUser",
        CallerKind.ANONYMOUS: "Anonymous",
    }
)


@dataclass(frozen=True)
class SessionInfo:
    """What a temporary session was issued for."""

    issuer_arn: str  # the role ARN (assumed roles) or the federating user's ARN
    session_name: str | None = None


@dataclass(frozen=True)
class PrincipalInfo:
    """The authenticated caller. ``arn`` is the session ARN for sessions, the service name
    for service principals and the provider for web identities; ``"*"`` when anonymous."""

    arn: str
    kind: CallerKind
    account_id: str | None = None
    user_id: str | None = None  # aws:userid: "AIDA...", "AROA...:session", account id ...
    username: str | None = None  # aws:username, IAM users only
    tags: Mapping[str, str] = field(default_factory=dict, hash=False)
    session: SessionInfo | None = None
    canonical_user: str | None = None  # S3 canonical user id, matched by "CanonicalUser"

    @property
    def root_arn(self) -> str | None:
        return f"arn:aws:iam::{self.account_id}:root" if self.account_id else None

    @classmethod
    def anonymous(cls) -> PrincipalInfo:
        return cls(arn="*", kind=CallerKind.ANONYMOUS)

    @classmethod
    def root(cls, account_id: str) -> PrincipalInfo:
        return cls(f"arn:aws:iam::{account_id}:root", CallerKind.ROOT, account_id, account_id)

    @classmethod
    def service(cls, name: str) -> PrincipalInfo:
        return cls(arn=name, kind=CallerKind.SERVICE)

    @classmethod
    def from_principal(cls, principal: Principal) -> PrincipalInfo:
        """Convert the authenticated :class:`fogbank.core.principal.Principal`."""
        from fogbank.core.principal import PrincipalKind

        kinds = {
            PrincipalKind.ROOT: CallerKind.ROOT,
            PrincipalKind.IAM_USER: CallerKind.USER,
            PrincipalKind.ASSUMED_ROLE: CallerKind.ASSUMED_ROLE,
            PrincipalKind.FEDERATED_USER: CallerKind.FEDERATED_USER,
            PrincipalKind.ANONYMOUS: CallerKind.ANONYMOUS,
            PrincipalKind.SERVICE: CallerKind.SERVICE,
        }
        kind = kinds[principal.kind]
        session = None
        if principal.session is not None and principal.session.issuer is not None:
            session = SessionInfo(principal.session.issuer.arn, principal.session.session_name)
        tags = dict(principal.tags)
        if principal.session is not None:
            tags.update(principal.session.tags)  # session tags win over role tags
        return cls(
            arn=principal.arn,
            kind=kind,
            account_id=None if kind is CallerKind.ANONYMOUS else principal.account_id,
            user_id=None if kind is CallerKind.ANONYMOUS else principal.principal_id,
            username=principal.name if kind is CallerKind.USER else None,
            tags=tags,
            session=session,
        )


@dataclass(frozen=True)
class AuthzRequest:
    action: str  # "s3:GetObject"
    resource: str  # an ARN, or "*" for actions without a resource
    principal: PrincipalInfo
    context: Mapping[str, ContextValue] = field(default_factory=dict, hash=False)  # lower-case
    resource_account: str | None = None  # the resource owner, for cross-account requests


def principal_keys(principal: PrincipalInfo) -> dict[str, ContextValue]:
    """The global condition keys that describe the caller."""
    keys: dict[str, ContextValue] = {}
    kind = principal.kind
    ptype = _PRINCIPAL_TYPE.get(kind)
    if ptype is not None:
        keys["aws:principaltype"] = ptype
    keys["aws:principalisawsservice"] = kind is CallerKind.SERVICE
    if kind is CallerKind.SERVICE:
        keys["aws:principalservicename"] = principal.arn
    if kind in (CallerKind.ANONYMOUS, CallerKind.SERVICE, CallerKind.WEB_IDENTITY):
        return keys
    if principal.account_id:
        keys["aws:principalaccount"] = principal.account_id
    if kind is CallerKind.ASSUMED_ROLE and principal.session is not None:
        keys["aws:principalarn"] = principal.session.issuer_arn  # the role, not the session
    else:
        keys["aws:principalarn"] = principal.arn
    if principal.user_id:
        keys["aws:userid"] = principal.user_id
    if kind is CallerKind.USER and principal.username:
        keys["aws:username"] = principal.username
    for tag, value in principal.tags.items():
        keys[f"aws:principaltag/{tag.lower()}"] = value
    return keys


class RequestContext:
    """Condition-key lookups for one evaluation; remembers the keys that were absent.

    The keys are gathered on the first lookup: an evaluation that reads none (no policy,
    or none with a condition or a policy variable) never gathers them.
    """

    __slots__ = ("_request", "_values", "missing")

    def __init__(self, request: AuthzRequest) -> None:
        self._request = request
        self._values: dict[str, ContextValue] | None = None
        self.missing: set[str] = set()

    @property
    def values(self) -> dict[str, ContextValue]:
        values = self._values
        if values is None:
            values = principal_keys(self._request.principal)
            for key, value in self._request.context.items():
                values[key.lower()] = value
            self._values = values
        return values

    def get(self, key: str) -> ContextValue | None:
        """The value of ``key`` (lower-case), or None (recorded) when it is absent."""
        value = self.values.get(key)
        if value is None:
            self.missing.add(key)
        return value

    def scalar_text(self, key: str) -> str | None:
        """The value of a single-valued key as policy-variable text (None if unresolvable)."""
        value = self.get(key)
        if value is None or isinstance(value, list | tuple):
            return None
        return scalar_text(value)


def scalar_text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)
