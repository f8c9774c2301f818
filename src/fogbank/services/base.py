"""What every service provides to the gateway: a table of operations, and a lifecycle."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

from fogbank.authz.permissions import PermissionTable, Scope
from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.context import RequestContext
from fogbank.core.jobs import Job

Params = dict[str, object]
Output = Mapping[str, object]
Handler = Callable[[RequestContext, Params], Awaitable[Output]]


class ServiceProvider:
    """One per service. ``operations`` is the dispatch table: AWS operation name -> handler.

    An operation missing from the table answers the protocol's ``NotImplemented`` error;
    docs/compatibility.md is generated from these tables.
    """

    name: str = ""

    def operations(self) -> Mapping[str, Handler]:
        raise NotImplementedError

    def special_request(self, method: str, content_type: str | None) -> str | None:
        """The name of a request that is no operation of the service's model, if this is
        one (S3's browser ``PostObject`` and CORS preflight ``OptionsObject``); the edge
        then reads it itself (server/special.py) and calls ``special_operations()``."""
        return None

    def special_operations(self) -> Mapping[str, Handler]:
        """Handlers of the special requests; outputs carry their own status, headers and
        body (``core.outputs``)."""
        return {}

    def permission_table(self) -> PermissionTable:
        """This service's permission table (authz/permissions/<name>.json), loaded once."""
        table = self.__dict__.get("_permission_table")
        if table is None:
            table = PermissionTable.load(self.name)
            self.__dict__["_permission_table"] = table
        return table

    async def requirements(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        """The IAM action(s), resource(s) and condition keys a call needs: by default what
        the service's permission table says. Services override this to add what only they
        know (resource owners, paths, resolved names) and usually still start from
        ``permission_table().requirements(...)``."""
        scope = Scope(ctx.account_id, ctx.region)
        return self.permission_table().requirements(ctx.operation, params, scope)

    async def resource_policy(
        self, ctx: RequestContext, requirement: Requirement
    ) -> ResourcePolicy | None:
        """The resource's own policy (bucket policy, key policy ...), if it has one."""
        return None

    async def grant_allows(self, ctx: RequestContext, requirement: Requirement) -> bool:
        """Resource-specific grants that allow what no policy allows (KMS grants)."""
        return False

    def jobs(self) -> Sequence[Job]:
        """Clock-driven background work of this service (run by the scheduler)."""
        return ()

    async def start(self, primary: bool) -> None:
        """Called once per gateway process when it starts serving; ``primary`` is true in
        the one process that supervises long-running children (database engines ...)."""

    async def stop(self) -> None:
        """Called once per gateway process at shutdown."""

    async def summary(self, account_id: str) -> dict[str, object]:
        """What this service holds for an account, for ``fogbank status``."""
        return {}
