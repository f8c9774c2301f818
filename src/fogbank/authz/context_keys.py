"""Global condition keys that come from the request itself (not from the caller's identity).

IAM user guide, "AWS global condition context keys": aws:SourceIp, aws:SecureTransport,
aws:CurrentTime, aws:EpochTime, aws:RequestedRegion, aws:UserAgent, aws:ViaAWSService;
for temporary credentials aws:TokenIssueTime, aws:MultiFactorAuthPresent and
aws:SourceIdentity. The caller's own keys (aws:username, aws:userid, aws:PrincipalArn,
aws:PrincipalAccount, aws:PrincipalTag/...) are added by the evaluator from the principal.
Time keys read the fogbank clock. Names are lower-cased, as the evaluator expects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from fogbank.authz.policy import ContextValue
from fogbank.authz.requirements import ContextValue as RequirementValue
from fogbank.authz.requirements import Requirement
from fogbank.core.context import RequestContext


class LazyKeys(Mapping[str, ContextValue]):
    """Condition keys gathered on first use: most decisions read none (the root user of
    the resource's account; policies without conditions or policy variables)."""

    __slots__ = ("_keys", "_make")

    def __init__(self, make: Callable[[], dict[str, ContextValue]]) -> None:
        self._make = make
        self._keys: dict[str, ContextValue] | None = None

    def _gathered(self) -> dict[str, ContextValue]:
        keys = self._keys
        if keys is None:
            keys = self._keys = self._make()
        return keys

    def __getitem__(self, name: str) -> ContextValue:
        return self._gathered()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._gathered())

    def __len__(self) -> int:
        return len(self._gathered())


def request_keys(ctx: RequestContext) -> Mapping[str, ContextValue]:
    """The request's global keys (gathered when first read)."""
    return LazyKeys(lambda: _request_keys(ctx))


def _request_keys(ctx: RequestContext) -> dict[str, ContextValue]:
    now = ctx.clock.now()
    keys: dict[str, ContextValue] = {
        "aws:sourceip": ctx.source_ip,
        "aws:securetransport": ctx.secure_transport,
        "aws:currenttime": now,
        "aws:epochtime": int(now.timestamp()),
        "aws:requestedregion": ctx.region,
        "aws:useragent": ctx.user_agent,
        "aws:viaawsservice": False,
    }
    session = ctx.principal.session
    if session is not None:
        keys["aws:tokenissuetime"] = session.created
        keys["aws:multifactorauthpresent"] = session.mfa_authenticated
        if session.source_identity:
            keys["aws:sourceidentity"] = session.source_identity
    return keys


def with_requirement(
    base: Mapping[str, ContextValue], requirement: Requirement
) -> Mapping[str, ContextValue]:
    """The request's keys plus the service's keys for one requirement (gathered when
    first read)."""
    if not requirement.context:
        return base
    return LazyKeys(lambda: _merged(base, requirement.context))


def _merged(
    base: Mapping[str, ContextValue], extra: Mapping[str, RequirementValue]
) -> dict[str, ContextValue]:
    keys = dict(base)
    for name, value in extra.items():
        if isinstance(value, str | int | float | bool) or not hasattr(value, "__iter__"):
            keys[name.lower()] = value
        else:
            keys[name.lower()] = tuple(value)
    return keys
