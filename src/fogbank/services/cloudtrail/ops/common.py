"""What the trail operations share: finding the trail a ``Name`` means, and describing it.

A trail is visible in its home region and, if it is a multi-region trail, in every other
region as a "shadow trail" (DescribeTrails ``includeShadowTrails``); it can be changed only
from its home region (``InvalidHomeRegionException``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.cloudtrail import errors
from fogbank.services.cloudtrail.models import Trail
from fogbank.services.cloudtrail.names import TrailRef, parse_trail_ref
from fogbank.services.cloudtrail.store import trails as trail_store
from fogbank.storage.db import Conn


def text_param(params: Mapping[str, object], name: str) -> str | None:
    value = params.get(name)
    return value if isinstance(value, str) else None


def required_text(params: Mapping[str, object], name: str) -> str:
    value = text_param(params, name)
    if value is None:
        raise AwsError("InvalidParameterException", f"Parameter {name} is required.", status=400)
    return value


def bool_param(params: Mapping[str, object], name: str) -> bool | None:
    value = params.get(name)
    return value if isinstance(value, bool) else None


def find_trail(conn: Conn, account: str, region: str, ref: TrailRef) -> Trail:
    """The trail ``ref`` names as seen from ``region`` (its own, or a shadow trail)."""
    if ref.arn is not None:
        trail = trail_store.by_arn(conn, ref.arn)
        if (
            trail is not None
            and trail.account_id == account
            and (trail.home_region == region or trail.settings.multi_region)
        ):
            return trail
        raise errors.trail_not_found(ref.arn, account)
    candidates = trail_store.by_name(conn, account, ref.name)
    for trail in candidates:
        if trail.home_region == region:
            return trail
    for trail in candidates:
        if trail.settings.multi_region:
            return trail
    raise errors.trail_not_found(_arn_for(ref.name, region, account), account)


def _arn_for(name: str, region: str, account: str) -> str:
    return f"arn:aws:cloudtrail:{region}:{account}:trail/{name}"


def find(conn: Conn, ctx: RequestContext, name: str) -> Trail:
    return find_trail(conn, ctx.account_id, ctx.region, parse_trail_ref(name))


def find_home(conn: Conn, ctx: RequestContext, name: str) -> Trail:
    """The trail, which must have its home in the caller's region (it is being changed)."""
    trail = find(conn, ctx, name)
    if trail.home_region != ctx.region:
        raise errors.home_region(trail.arn, ctx.region)
    return trail


def sns_topic_arn(trail: Trail) -> str | None:
    topic = trail.settings.sns_topic
    if topic is None:
        return None
    if topic.startswith("arn:"):
        return topic
    return f"arn:aws:sns:{trail.home_region}:{trail.account_id}:{topic}"


def describe(trail: Trail, *, full: bool = True) -> dict[str, object]:
    """The ``Trail`` shape (``full``) or the Create/UpdateTrail response members."""
    s = trail.settings
    out: dict[str, object] = {"Name": trail.name, "S3BucketName": s.bucket}
    if s.key_prefix:
        out["S3KeyPrefix"] = s.key_prefix
    if s.sns_topic:
        out["SnsTopicName"] = s.sns_topic.rsplit(":", 1)[-1]
        out["SnsTopicARN"] = sns_topic_arn(trail)
    out["IncludeGlobalServiceEvents"] = s.include_global
    out["IsMultiRegionTrail"] = s.multi_region
    if full:
        out["HomeRegion"] = trail.home_region
    out["TrailARN"] = trail.arn
    out["LogFileValidationEnabled"] = s.validation
    if s.log_group:
        out["CloudWatchLogsLogGroupArn"] = s.log_group
    if s.log_role:
        out["CloudWatchLogsRoleArn"] = s.log_role
    if s.kms_key_id:
        out["KmsKeyId"] = s.kms_key_id
    if full:
        out["HasCustomEventSelectors"] = trail.custom_selectors
        out["HasInsightSelectors"] = bool(trail.insight_selectors)
    out["IsOrganizationTrail"] = s.organization
    return out


def iso_text(at: float | None) -> str | None:
    """Times GetTrailStatus returns as strings (``TimeLoggingStarted`` ...)."""
    if at is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
