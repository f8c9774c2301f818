"""CreateTrail, UpdateTrail, DeleteTrail, GetTrail, DescribeTrails, ListTrails."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.base import Output, Params
from fogbank.services.cloudtrail import errors, names
from fogbank.services.cloudtrail.destination import (
    bucket_allows_delivery,
    key_allows_encryption,
)
from fogbank.services.cloudtrail.engine import Engine
from fogbank.services.cloudtrail.models import Trail, TrailSettings, default_selectors, trail_arn
from fogbank.services.cloudtrail.ops import common
from fogbank.services.cloudtrail.ops.tags import check_tags
from fogbank.services.cloudtrail.store import files as file_store
from fogbank.services.cloudtrail.store import trails as trail_store
from fogbank.storage.db import Conn

MAX_TRAILS_PER_REGION = 5
_KEY_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


async def check_bucket(
    engine: Engine, ctx: RequestContext, arn: str, bucket: str, prefix: str | None
) -> None:
    names.check_bucket_name(bucket)
    names.check_prefix(prefix)
    info = None if engine.destination is None else await engine.destination.bucket(bucket)
    if info is None:
        raise errors.bucket_missing(bucket)
    if not bucket_allows_delivery(
        info,
        account_id=ctx.account_id,
        key_prefix=prefix,
        trail_arn=arn,
        region=ctx.region,
        partition=engine.partition,
    ):
        raise errors.bucket_policy(bucket)


async def resolve_key(
    engine: Engine, ctx: RequestContext, arn: str, bucket: str, key_id: str
) -> str:
    """The ARN of the KMS key a trail's log files are encrypted with."""
    if engine.keys is None:
        if key_id.startswith("arn:"):
            return key_id
        if _KEY_UUID.match(key_id):
            return f"arn:{engine.partition}:kms:{ctx.region}:{ctx.account_id}:key/{key_id}"
        if key_id.startswith("alias/"):
            return f"arn:{engine.partition}:kms:{ctx.region}:{ctx.account_id}:{key_id}"
        raise errors.invalid_kms_key(key_id)
    key = await engine.keys.resolve(ctx.account_id, ctx.region, key_id)
    if key is None:
        raise errors.kms_key_not_found(key_id)
    if key.region != ctx.region:
        raise errors.kms_key_not_found(key_id)
    if not key.symmetric:
        raise errors.invalid_kms_key(key_id)
    if not key.enabled:
        raise errors.kms_error(f"KMS key {key.arn} is disabled.")
    if not key_allows_encryption(key, account_id=ctx.account_id, trail_arn=arn):
        raise errors.encryption_policy(bucket, key.arn)
    return key.arn


def _check_combination(settings: TrailSettings) -> None:
    if settings.multi_region and not settings.include_global:
        raise errors.combination("Multi-Region trail must include global service events.")
    if bool(settings.log_group) != bool(settings.log_role):
        raise errors.combination(
            "You must specify a CloudWatch Logs log group ARN and a role ARN together."
        )
    if settings.organization:
        raise AwsError(
            "OrganizationsNotInUseException",
            "This account is not a member of an organization.",
        )


async def create_trail(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.required_text(params, "Name")
    names.check_trail_name(name)
    arn = trail_arn(engine.partition, ctx.region, ctx.account_id, name)
    tags = check_tags(params.get("TagsList"))
    exists = await engine.db.read(
        partial(trail_store.by_name, account_id=ctx.account_id, name=name)
    )
    if any(t.home_region == ctx.region or t.settings.multi_region for t in exists):
        raise errors.trail_exists(name, ctx.account_id)
    bucket = common.required_text(params, "S3BucketName")
    prefix = common.text_param(params, "S3KeyPrefix") or None
    multi = common.bool_param(params, "IsMultiRegionTrail") or False
    if multi and any(t.name == name for t in exists):
        raise errors.trail_exists(name, ctx.account_id)
    settings = TrailSettings(
        bucket=bucket,
        key_prefix=prefix,
        sns_topic=common.text_param(params, "SnsTopicName") or None,
        include_global=common.bool_param(params, "IncludeGlobalServiceEvents") is not False,
        multi_region=multi,
        validation=common.bool_param(params, "EnableLogFileValidation") or False,
        log_group=common.text_param(params, "CloudWatchLogsLogGroupArn") or None,
        log_role=common.text_param(params, "CloudWatchLogsRoleArn") or None,
        organization=common.bool_param(params, "IsOrganizationTrail") or False,
    )
    _check_combination(settings)
    await check_bucket(engine, ctx, arn, bucket, prefix)
    key_id = common.text_param(params, "KmsKeyId")
    if key_id:
        settings = replace(settings, kms_key_id=await resolve_key(engine, ctx, arn, bucket, key_id))
    now = engine.now()
    trail = Trail(
        id=0,
        arn=arn,
        account_id=ctx.account_id,
        home_region=ctx.region,
        name=name,
        settings=settings,
        selectors=default_selectors(),
        insight_selectors=None,
        tags=tags,
        created_at=now,
        logging=False,
        start_logging_at=None,
        stop_logging_at=None,
        cursor_batch=0,
        cursor_seq=0,
        next_slot=now,
    )

    def insert(conn: Conn) -> Trail:
        if trail_store.by_arn(conn, arn) is not None:
            raise errors.trail_exists(name, ctx.account_id)
        if trail_store.count_in_region(conn, ctx.account_id, ctx.region) >= MAX_TRAILS_PER_REGION:
            raise errors.too_many_trails(ctx.region)
        return trail_store.insert(conn, trail)

    stored = await engine.db.write(insert)
    ctx.resources.append(("AWS::CloudTrail::Trail", stored.arn))
    return common.describe(stored, full=False)


async def update_trail(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.required_text(params, "Name")
    trail = await engine.db.read(lambda c: common.find_home(c, ctx, name))
    s = trail.settings
    bucket = common.text_param(params, "S3BucketName") or s.bucket
    prefix = s.key_prefix
    if "S3KeyPrefix" in params:
        prefix = common.text_param(params, "S3KeyPrefix") or None
    include_global = common.bool_param(params, "IncludeGlobalServiceEvents")
    multi = common.bool_param(params, "IsMultiRegionTrail")
    validation = common.bool_param(params, "EnableLogFileValidation")
    settings = replace(
        s,
        bucket=bucket,
        key_prefix=prefix,
        include_global=s.include_global if include_global is None else include_global,
        multi_region=s.multi_region if multi is None else multi,
        validation=s.validation if validation is None else validation,
        organization=common.bool_param(params, "IsOrganizationTrail") or s.organization,
    )
    if "SnsTopicName" in params:
        settings = replace(settings, sns_topic=common.text_param(params, "SnsTopicName") or None)
    if "CloudWatchLogsLogGroupArn" in params or "CloudWatchLogsRoleArn" in params:
        settings = replace(
            settings,
            log_group=common.text_param(params, "CloudWatchLogsLogGroupArn") or None,
            log_role=common.text_param(params, "CloudWatchLogsRoleArn") or None,
        )
    _check_combination(settings)
    if settings.multi_region and not s.multi_region:
        others = await engine.db.read(
            partial(trail_store.by_name, account_id=ctx.account_id, name=trail.name)
        )
        if any(t.id != trail.id for t in others):
            raise errors.trail_exists(trail.name, ctx.account_id)
    if bucket != s.bucket or prefix != s.key_prefix:
        await check_bucket(engine, ctx, trail.arn, bucket, prefix)
    if "KmsKeyId" in params:
        key_id = common.text_param(params, "KmsKeyId")
        resolved = await resolve_key(engine, ctx, trail.arn, bucket, key_id) if key_id else None
        settings = replace(settings, kms_key_id=resolved)
    now = engine.now()

    def save(conn: Conn) -> Trail:
        current = trail_store.by_id(conn, trail.id, lock=True)
        if current is None or current.arn != trail.arn:
            raise errors.trail_not_found(trail.arn, ctx.account_id)
        updated = replace(current, settings=settings)
        trail_store.save(conn, updated)
        if settings.validation and not current.settings.validation and current.logging:
            file_store.start_chain(conn, current.id, current.home_region, float(int(now)))
        if not settings.validation and current.settings.validation:
            file_store.stop_chains(conn, current.id)
        return updated

    updated = await engine.db.write(save)
    ctx.resources.append(("AWS::CloudTrail::Trail", updated.arn))
    return common.describe(updated, full=False)


async def delete_trail(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.required_text(params, "Name")
    now = engine.now()

    def delete(conn: Conn) -> None:
        trail = common.find_home(conn, ctx, name)
        trail_store.mark_deleted(conn, trail, float(int(now)))

    await engine.db.write(delete)
    return {}


async def get_trail(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    name = common.required_text(params, "Name")
    trail = await engine.db.read(lambda c: common.find(c, ctx, name))
    return {"Trail": common.describe(trail)}


async def describe_trails(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    wanted = params.get("trailNameList")
    shadows = common.bool_param(params, "includeShadowTrails") is not False
    trails = await engine.db.read(partial(trail_store.of_account, account_id=ctx.account_id))
    visible = [
        t for t in trails if t.home_region == ctx.region or (shadows and t.settings.multi_region)
    ]
    if isinstance(wanted, list) and wanted:
        keys = {str(w) for w in wanted}
        visible = [t for t in visible if t.name in keys or t.arn in keys]
    return {"trailList": [common.describe(t) for t in visible]}


async def list_trails(engine: Engine, ctx: RequestContext, params: Params) -> Output:
    if params.get("NextToken"):
        raise errors.next_token()
    trails = await engine.db.read(partial(trail_store.of_account, account_id=ctx.account_id))
    return {
        "Trails": [{"TrailARN": t.arn, "Name": t.name, "HomeRegion": t.home_region} for t in trails]
    }
