"""STS operations."""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.services.base import Handler, Output, Params, ServiceProvider


async def get_caller_identity(ctx: RequestContext, params: Params) -> Output:
    principal = ctx.principal
    return {
        "UserId": principal.principal_id,
        "Account": principal.account_id,
        "Arn": principal.arn,
    }


class StsService(ServiceProvider):
    name = "sts"

    def operations(self) -> Mapping[str, Handler]:
        return {"GetCallerIdentity": get_caller_identity}
