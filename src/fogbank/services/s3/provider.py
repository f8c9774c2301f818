"""The S3 service as the gateway sees it: the dispatch table, authorization, CORS on
responses, the blob sweep, and the two requests that are not operations of the model
(browser POST uploads and CORS preflight, see ``special.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

from fogbank.authz.requirements import Requirement, ResourcePolicy
from fogbank.core.context import RequestContext
from fogbank.core.jobs import Job
from fogbank.services.base import Handler, Output, Params, ServiceProvider
from fogbank.services.s3 import access, cors
from fogbank.services.s3.access_logs.delivery import AccessLogDelivery
from fogbank.services.s3.acl import access as acl_access
from fogbank.services.s3.client import S3Client
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.lifecycle.job import LifecycleJob
from fogbank.services.s3.ops import (
    access_logging,
    acl,
    bucket_config,
    buckets,
    completion,
    copy,
    delete,
    intelligent_tiering,
    lifecycle,
    listing,
    multipart,
    object_info,
    policy,
    post,
    preflight,
    put,
    read,
    restore,
    upload_listing,
    versioning,
)
from fogbank.services.s3.ops.common import HEADERS, EngineHandler
from fogbank.services.s3.resource_policy import BucketPolicies
from fogbank.services.s3.sse import access as sse_access
from fogbank.services.s3.sse import defaults as sse_defaults
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.services.s3.store import objects as object_store
from fogbank.storage.blobs.job import BlobSweepJob
from fogbank.storage.db import Conn

TABLES: tuple[Mapping[str, EngineHandler], ...] = (
    buckets.HANDLERS,
    bucket_config.HANDLERS,
    policy.HANDLERS,
    acl.HANDLERS,
    access_logging.HANDLERS,
    read.HANDLERS,
    delete.HANDLERS,
    copy.HANDLERS,
    listing.HANDLERS,
    object_info.HANDLERS,
    upload_listing.HANDLERS,
    versioning.HANDLERS,
    lifecycle.HANDLERS,
    intelligent_tiering.HANDLERS,
    restore.HANDLERS,
    sse_defaults.HANDLERS,
    {
        "PutObject": put.put_object,
        "CreateMultipartUpload": multipart.create_multipart_upload,
        "UploadPart": multipart.upload_part,
        "UploadPartCopy": multipart.upload_part_copy,
        "AbortMultipartUpload": multipart.abort_multipart_upload,
        "CompleteMultipartUpload": completion.complete_multipart_upload,
    },
)


class S3Service(ServiceProvider):
    name = "s3"

    def __init__(self, engine: S3Engine, sweep_interval_s: float = 300.0) -> None:
        self.engine = engine
        self._table: dict[str, Handler] = {
            operation: partial(self._call, handler)
            for table in TABLES
            for operation, handler in table.items()
        }
        self._special: dict[str, Handler] = {
            "PostObject": partial(self._call, post.post_object),
            "OptionsObject": partial(preflight.options_object, engine),
        }
        self._sweep = _SweepJob(engine, sweep_interval_s)
        self.lifecycle = LifecycleJob(engine)
        self.client = S3Client(engine)  # the in-process client other services use
        self.policies = BucketPolicies(engine)
        self.access_logs = AccessLogDelivery(engine.db, self.client)

    def operations(self) -> Mapping[str, Handler]:
        return self._table

    def special_request(self, method: str, content_type: str | None) -> str | None:
        if method == "OPTIONS":
            return "OptionsObject"
        if method == "POST" and (content_type or "").lower().startswith("multipart/form-data"):
            return "PostObject"
        return None

    def special_operations(self) -> Mapping[str, Handler]:
        return self._special

    async def _call(self, handler: EngineHandler, ctx: RequestContext, params: Params) -> Output:
        out = await handler(self.engine, ctx, params)
        origin = ctx.headers.get("origin")
        if origin and params.get("Bucket"):
            extra = await self._cors_headers(str(params["Bucket"]), origin, ctx)
            if extra:
                out = {**out, HEADERS: [*out.get(HEADERS, []), *extra]}  # type: ignore[misc]
        return out

    async def _cors_headers(
        self, bucket: str, origin: str, ctx: RequestContext
    ) -> list[tuple[str, str]]:
        rules = await self.engine.bucket_config(bucket, "cors")
        if not isinstance(rules, list):
            return []
        method = _method_of(ctx.operation)
        rule = cors.find_rule(rules, origin, method)
        if rule is None:
            return []
        return cors.response_headers(rule, cors.CorsRequest(origin, method), preflight=False)

    async def requirements(self, ctx: RequestContext, params: Params) -> Sequence[Requirement]:
        found = await access.requirements_for(self.engine, ctx, params)
        found = await acl_access.with_object_owners(self.engine, found)
        for requirement in found:  # anonymous / cross-account: the owner's CloudTrail
            owner = requirement.resource_account
            if owner is not None and owner != ctx.account_id:
                ctx.resource_account = owner
                break
        kms = await sse_access.kms_requirements(self.engine, self.engine.sse, ctx, params)
        return (*access.with_request_keys(ctx, found), *kms)

    async def resource_policy(
        self, ctx: RequestContext, requirement: Requirement
    ) -> ResourcePolicy | None:
        if requirement.action.startswith("kms:"):  # SSE-KMS: the key's policy decides
            return await self.engine.sse.kms.key_policy(requirement)
        return await self.policies.for_requirement(ctx, requirement)

    async def grant_allows(self, ctx: RequestContext, requirement: Requirement) -> bool:
        if requirement.action.startswith("kms:"):  # KMS grants allow SSE-KMS use too
            return await self.engine.sse.kms.grant_allows(ctx.principal, requirement)
        return await super().grant_allows(ctx, requirement)

    def jobs(self) -> Sequence[Job]:
        return (self._sweep, self.lifecycle, self.access_logs)

    async def stop(self) -> None:
        self.engine.close()

    async def summary(self, account_id: str) -> dict[str, object]:
        def read(conn: Conn) -> dict[str, object]:
            owned = bucket_store.owned_by(conn, account_id)
            objects = size = 0
            for b in owned:
                n, total = object_store.count_and_size(conn, b.name)
                objects += n
                size += total
            return {"buckets": len(owned), "objects": objects, "bytes": size}

        return await self.engine.db.read(read)


class _SweepJob:
    """The blob store's periodic sweep, made when it first runs."""

    name = BlobSweepJob.name

    def __init__(self, engine: S3Engine, interval_s: float) -> None:
        self._engine = engine
        self._interval_s = interval_s
        self._job: BlobSweepJob | None = None

    async def run_due(self, now: float) -> None:
        if self._job is None:
            self._job = BlobSweepJob(self._engine.blobs, self._interval_s)
        await self._job.run_due(now)


def _method_of(operation: str) -> str:
    if operation.startswith("Head"):
        return "HEAD"
    if operation.startswith(("Get", "List")):
        return "GET"
    if operation.startswith("Delete"):
        return "DELETE"
    if operation in ("CreateMultipartUpload", "CompleteMultipartUpload", "DeleteObjects",
                     "PostObject"):  # fmt: skip
        return "POST"
    return "PUT"
