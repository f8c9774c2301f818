"""S3 Control, as far as S3's access control needs it: the account-level Block Public
Access settings (``s3control`` Put/Get/DeletePublicAccessBlock). They combine with each
bucket's own settings (``public_access.effective``): the most restrictive wins.

The ``AccountId`` of a call must be the caller's own account (AWS answers AccessDenied
otherwise). SDKs put it in front of the endpoint's host name (``<account>.localhost``);
with an IP address endpoint, turn that off (boto3 ``Config(inject_host_prefix=False)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fogbank.authz.requirements import Requirement
from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.base import Handler, Output, Params, ServiceProvider
from fogbank.services.s3 import public_access
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.storage.db import Conn

_ACTIONS = {
    "PutPublicAccessBlock": "s3:PutAccountPublicAccessBlock",
    "GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutAccountPublicAccessBlock",
}


def _no_configuration(account_id: str) -> AwsError:
    return AwsError(
        "NoSuchPublicAccessBlockConfiguration",
        "The public access block configuration was not found",
        status=404,
        fields={"AccountId": account_id},
    )


class S3ControlService(ServiceProvider):
    name = "s3control"

    def __init__(self, engine: S3Engine) -> None:
        self.engine = engine

    def operations(self) -> Mapping[str, Handler]:
        return {
            "PutPublicAccessBlock": self.put_public_access_block,
            "GetPublicAccessBlock": self.get_public_access_block,
            "DeletePublicAccessBlock": self.delete_public_access_block,
        }

    async def requirements(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        action = _ACTIONS.get(ctx.operation)
        if action is None:
            return await super().requirements(ctx, params)
        return (Requirement(action, "*"),)

    def _account(self, ctx: RequestContext, params: Params) -> str:
        account_id = str(params.get("AccountId") or "")
        if account_id != ctx.account_id:
            raise AwsError("AccessDenied", "Access Denied", status=403)
        return public_access.account_key(account_id)

    async def put_public_access_block(self, ctx: RequestContext, params: Params) -> Output:
        key = self._account(ctx, params)
        doc = public_access.document(params.get("PublicAccessBlockConfiguration"))
        now = self.engine.now()
        await self.engine.db.write(
            lambda c: bucket_store.put_config(c, key, public_access.KIND, doc, now)
        )
        self.engine.buckets_changed()
        return {}

    async def get_public_access_block(self, ctx: RequestContext, params: Params) -> Output:
        key = self._account(ctx, params)
        doc = await self.engine.bucket_config(key, public_access.KIND)
        if not isinstance(doc, dict):
            raise _no_configuration(ctx.account_id)
        return {"PublicAccessBlockConfiguration": public_access.document(doc)}

    async def delete_public_access_block(self, ctx: RequestContext, params: Params) -> Output:
        key = self._account(ctx, params)

        def delete(conn: Conn) -> None:
            bucket_store.delete_config(conn, key, public_access.KIND)

        await self.engine.db.write(delete)
        self.engine.buckets_changed()
        return {}
