"""Small helpers the S3 handlers share: typed access to params, owners, the audit record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

from fogbank.core.context import RequestContext
from fogbank.core.outputs import HEADERS as HEADERS
from fogbank.core.outputs import STATUS as STATUS
from fogbank.services.s3 import errors
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.models import Bucket, bucket_arn, canonical_user_id, object_arn

Params = dict[str, object]
Output = dict[str, object]
EngineHandler = Callable[[S3Engine, RequestContext, Params], Awaitable[Mapping[str, object]]]


def text(params: Params, name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def required(params: Params, name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise errors.invalid_argument(f"{name} is required", name)
    return str(value)


def as_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str | float):
        raise TypeError(f"not a number: {value!r}")
    return int(value)


def integer(params: Params, name: str) -> int | None:
    value = params.get(name)
    return None if value is None else as_int(value)


def owner(account_id: str) -> dict[str, str]:
    return {"ID": canonical_user_id(account_id), "DisplayName": account_id}


def when(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def touch_bucket(ctx: RequestContext, bucket: str) -> None:
    entry = ("AWS::S3::Bucket", bucket_arn(bucket))
    if entry not in ctx.resources:
        ctx.resources.append(entry)


def touch_object(ctx: RequestContext, bucket: str, key: str) -> None:
    touch_bucket(ctx, bucket)
    ctx.resources.append(("AWS::S3::Object", object_arn(bucket, key)))


async def owned_bucket(
    engine: S3Engine, ctx: RequestContext, params: Params, method: str, resource: str
) -> Bucket:
    """The request's bucket, if the caller's account owns it: S3 answers a bucket owner's
    subresource (policy, logging) with 405 MethodNotAllowed to any other account, whatever
    policies say."""
    bucket = await engine.bucket(str(params["Bucket"]))
    if ctx.principal.account_id != bucket.owner_account:
        raise errors.method_not_allowed(method, resource)
    return bucket
