"""The gateway's authorization step: may this principal call this operation?

Until IAM policies are evaluated (issue on IAM), the rule is AWS's rule for the one kind of
principal that exists: the root user may do everything in its own account.
"""

from __future__ import annotations

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


def denial(service: str, message: str) -> AwsError:
    code, status = _DENIAL.get(service, ("AccessDenied", 403))
    return AwsError(code, message, status=status)


class Authorizer:
    def __init__(self, mode: str = "enforce") -> None:
        self.mode = mode  # "enforce" | "audit" | "off"

    async def authorize(self, ctx: RequestContext) -> None:
        if self.mode == "off":
            return
        principal = ctx.principal
        if (ctx.service, ctx.operation) in _ALWAYS_ALLOWED and not principal.is_anonymous:
            return
        if principal.is_root:
            return
        if self.mode == "audit":
            return
        raise denial(ctx.service, "Access Denied")
