"""The gateway's authorization step: may this principal make this call?

For every requirement of a call (the service's ``requirements``: action, resource,
condition keys) the one policy evaluator (``authz.policy``) decides from the caller's
identity policies, permissions boundary and session policies (``authz.identity``), the
resource's own policy (the service's ``resource_policy``: bucket, key, trust policy ...)
and the global condition keys of the request. An implicit deny may still be lifted by a
service grant (KMS grants). Modes: ``enforce`` answers the service's AccessDenied error;
``audit`` lets the call through and logs one line per decision that would deny;
``off`` checks nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Protocol

from fogbank.authz.context_keys import request_keys, with_requirement
from fogbank.authz.identity import IdentityCache, IdentitySource, NoIdentities
from fogbank.authz.permissions import PermissionTable, Scope
from fogbank.authz.policy import (
    AuthzRequest,
    ContextValue,
    Decision,
    DecisionKind,
    Policy,
    PolicyError,
    PolicyKind,
    PolicySet,
    denial_message,
    evaluate,
)
from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError

log = logging.getLogger("fogbank.authz")

# The code and status each service answers a denial with.
_DENIAL: dict[str, tuple[str, int]] = {
    "s3": ("AccessDenied", 403),
    "s3control": ("AccessDenied", 403),
    "iam": ("AccessDenied", 403),
    "sts": ("AccessDenied", 403),
    "rds": ("AccessDenied", 403),
    "ec2": ("UnauthorizedOperation", 403),
    "kms": ("AccessDeniedException", 400),
    "cloudtrail": ("AccessDeniedException", 400),
    "efs": ("AccessDeniedException", 403),
}

# Operations every authenticated caller may make, whatever its policies (as in AWS:
# "No permissions are required to perform this operation").
_ALWAYS_ALLOWED = frozenset({("sts", "GetCallerIdentity"), ("sts", "GetSessionToken")})
# Services whose denial messages put the resource in double quotes.
_QUOTED = frozenset({"s3", "s3control"})


class ServiceAuthz(Protocol):
    async def requirements(
        self, ctx: RequestContext, params: dict[str, object]
    ) -> Sequence[Requirement]: ...

    async def resource_policy(
        self, ctx: RequestContext, requirement: Requirement
    ) -> ResourcePolicy | None: ...

    async def grant_allows(self, ctx: RequestContext, requirement: Requirement) -> bool: ...


def denial(service: str, message: str) -> AwsError:
    code, status = _DENIAL.get(service, ("AccessDenied", 403))
    return AwsError(code, message, status=status)


class Authorizer:
    def __init__(
        self,
        services: Mapping[str, ServiceAuthz],
        mode: str = "enforce",
        identities: IdentitySource | None = None,
    ) -> None:
        self.services = services
        self.mode = mode  # "enforce" | "audit" | "off"
        self._source: IdentitySource = identities or NoIdentities()
        self.identities = IdentityCache(self._source)
        self._tables: dict[str, PermissionTable] = {}

    async def authorize(self, ctx: RequestContext, params: dict[str, object]) -> None:
        principal = ctx.principal
        if principal.access_key_id is not None:
            self._source.record_use(principal, ctx.service, ctx.region, ctx.clock.time())
        if self.mode == "off":
            return
        if (ctx.service, ctx.operation) in _ALWAYS_ALLOWED and not principal.is_anonymous:
            return
        service = self.services.get(ctx.service)
        if service is not None:
            requirements = await service.requirements(ctx, params)
        else:  # not built yet: still denied as AWS would, before NotImplemented
            requirements = self._table(ctx.service).requirements(
                ctx.operation, params, Scope(principal.account_id, ctx.region)
            )
        if not requirements:
            return
        base = request_keys(ctx)
        for requirement in requirements:
            resource = None
            if service is not None:
                resource = await service.resource_policy(ctx, requirement)
            request, decision = await self.decide(ctx, requirement, resource, base)
            if decision.allowed:
                continue
            if (
                decision.kind is DecisionKind.IMPLICIT_DENY
                and service is not None
                and await service.grant_allows(ctx, requirement)
            ):
                continue
            if self.mode == "audit":
                self._log_would_deny(ctx, request, decision)
                continue
            # A key use checked for another service (S3 SSE-KMS) is worded as KMS words it.
            quoted = ctx.service in _QUOTED and not requirement.action.startswith("kms:")
            message = denial_message(request, decision, quote_resource=quoted)
            raise denial(ctx.service, message)

    async def decide(
        self,
        ctx: RequestContext,
        requirement: Requirement,
        resource: ResourcePolicy | None = None,
        keys: Mapping[str, ContextValue] | None = None,
    ) -> tuple[AuthzRequest, Decision]:
        """One evaluation, whatever the mode: for services that authorize outside a request
        to the gateway (a file system mount, a database connection with an IAM token).
        ``ctx`` says who asks, from where and when; ``keys`` are its global condition keys
        (computed from ``ctx`` when not given)."""
        identity = await self.identities.get(ctx.principal)
        request = AuthzRequest(
            action=requirement.action,
            resource=requirement.resource,
            principal=identity.info,
            context=with_requirement(keys if keys is not None else request_keys(ctx), requirement),
            resource_account=requirement.resource_account,
        )
        if resource is None:
            policies = identity.alone
        else:
            policies = PolicySet(
                identity=identity.identity,
                resource=self._resource_policy(resource),
                boundary=identity.boundary,
                session=identity.session,
                resource_policy_required=resource.required,
            )
        return request, evaluate(request, policies)

    def _table(self, service: str) -> PermissionTable:
        table = self._tables.get(service)
        if table is None:
            table = PermissionTable.load(service)
            self._tables[service] = table
        return table

    def _resource_policy(self, resource: ResourcePolicy | None) -> Policy | None:
        if resource is None:
            return None
        kind = PolicyKind.TRUST if resource.trust else PolicyKind.RESOURCE
        try:
            return self.identities.parser.parse(resource.document, kind)
        except PolicyError as err:
            log.warning("unreadable resource policy: %s", err)
            return None

    @staticmethod
    def _log_would_deny(ctx: RequestContext, request: AuthzRequest, decision: Decision) -> None:
        log.warning(
            "access would be denied",
            extra={
                "fields": {
                    "request_id": ctx.request_id,
                    "service": ctx.service,
                    "operation": ctx.operation,
                    "principal": request.principal.arn,
                    "action": request.action,
                    "resource": request.resource,
                    "decision": decision.kind.value,
                    "reason": decision.reason,
                }
            },
        )
