"""The gateway's authorization step: may this principal make this call?

Until IAM policies are evaluated (the IAM issue), the rule is AWS's rule for the one kind
of principal that exists so far: the root user may do everything in its own account.
The requirements of each call still come from the service, so the evaluator slots in here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError

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

# Operations every authenticated caller may make, whatever its policies (as in AWS).
_ALWAYS_ALLOWED = {("sts", "GetCallerIdentity")}


class ServiceAuthz(Protocol):
    async def requirements(
        self, ctx: RequestContext, params: dict[str, object]
    ) -> Sequence[Requirement]: ...

    async def resource_policy(
        self, ctx: RequestContext, requirement: Requirement
    ) -> ResourcePolicy | None: ...


def denial(service: str, message: str) -> AwsError:
    code, status = _DENIAL.get(service, ("AccessDenied", 403))
    return AwsError(code, message, status=status)


class Authorizer:
    def __init__(self, services: Mapping[str, ServiceAuthz], mode: str = "enforce") -> None:
        self.services = services
        self.mode = mode  # "enforce" | "audit" | "off"

    async def authorize(self, ctx: RequestContext, params: dict[str, object]) -> None:
        if self.mode == "off":
            return
        principal = ctx.principal
        if (ctx.service, ctx.operation) in _ALWAYS_ALLOWED and not principal.is_anonymous:
            return
        service = self.services.get(ctx.service)
        if service is None:
            return  # nothing to protect: the gateway answers NotImplemented
        for requirement in await service.requirements(ctx, params):
            owner = requirement.resource_account or principal.account_id
            if principal.is_root and owner == principal.account_id:
                continue
            if self.mode == "audit":
                continue
            raise denial(ctx.service, "Access Denied")
