"""The KMS service as the gateway sees it: the dispatch table, authorization, the key job.

Handlers (``api/``) map request parameters to the engine's operations (``ops/``) and
results to the API's output structures; authorization (``access/``) declares what each
call needs, hands the authorizer the key policy (required, as in KMS) and checks grants.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.context import RequestContext
from fogbank.core.jobs import Job
from fogbank.services.base import Handler, Params, ServiceProvider
from fogbank.services.kms.access import decide
from fogbank.services.kms.access.requirements import requirements_for
from fogbank.services.kms.api import crypto, grants, keys
from fogbank.services.kms.api.common import bind
from fogbank.services.kms.engine import Engine
from fogbank.services.kms.jobs import KeyJob
from fogbank.services.kms.store import keys as key_store


class KmsService(ServiceProvider):
    name = "kms"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._table: dict[str, Handler] = {
            operation: bind(engine, handler)
            for table in (keys.HANDLERS, crypto.HANDLERS, grants.HANDLERS)
            for operation, handler in table.items()
        }
        self._job = KeyJob(engine)

    def operations(self) -> Mapping[str, Handler]:
        return self._table

    async def requirements(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        return await requirements_for(
            self.engine, ctx.account_id, ctx.region, ctx.operation, params
        )

    async def resource_policy(
        self, ctx: RequestContext, requirement: Requirement
    ) -> ResourcePolicy | None:
        return await decide.key_policy(self.engine, requirement)

    async def grant_allows(self, ctx: RequestContext, requirement: Requirement) -> bool:
        return await decide.grant_allows(self.engine, ctx.principal, requirement)

    def jobs(self) -> Sequence[Job]:
        return (self._job,)

    async def summary(self, account_id: str) -> dict[str, object]:
        counts = await self.engine.db.read(lambda c: key_store.count_by_state(c, account_id))
        return {"keys": sum(counts.values()), "by_state": counts}
