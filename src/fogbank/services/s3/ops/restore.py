"""RestoreObject: a temporary readable copy of an archived (GLACIER, DEEP_ARCHIVE) object.

The request is recorded on the version (``restore_ready``: when the tier's delay has
passed on the fogbank clock); the lifecycle engine completes it then (the body moves back
to the hot store) and expires the copy at midnight UTC after ``Days`` (back to cold).
A second request while one is in progress is ``RestoreAlreadyInProgress``; on a restored
copy it only changes the expiry (200 instead of 202).

An INTELLIGENT_TIERING object in the Archive Access or Deep Archive Access tier is restored
for good: once the tier's delay has passed it is back in Frequent Access (``Days`` is not
used; the delays are those of GLACIER and DEEP_ARCHIVE respectively).
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.s3 import errors, names
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.lifecycle import schedule
from fogbank.services.s3.lifecycle.timing import RESTORE_DELAYS, TIERS, after_days
from fogbank.services.s3.ops.common import STATUS, Output, Params, text, touch_object
from fogbank.services.s3.ops.read import find_object
from fogbank.services.s3.store import versions as version_store
from fogbank.storage.db import Conn

MAX_DAYS = 2_147_483_647
# Intelligent-Tiering archive tier -> the storage class whose restore delays it has
_ARCHIVE_LIKE = {"ARCHIVE_ACCESS": "GLACIER", "DEEP_ARCHIVE_ACCESS": "DEEP_ARCHIVE"}


def _request(params: Params) -> tuple[int | None, str]:
    req = params.get("RestoreRequest")
    if not isinstance(req, Mapping):
        raise errors.malformed_xml()
    if req.get("Type") is not None or req.get("SelectParameters") is not None:
        raise errors.not_implemented("S3 Select restores (RestoreRequest Type=SELECT)")
    if req.get("OutputLocation") is not None:
        raise errors.not_implemented("restores to an output location")
    days = req.get("Days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)):
        raise errors.malformed_xml()
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise errors.invalid_argument("Days must be a positive integer", "Days", days)
    job = req.get("GlacierJobParameters")
    tier = req.get("Tier")
    if isinstance(job, Mapping) and job.get("Tier") is not None:
        tier = job["Tier"]
    tier = "Standard" if tier is None else str(tier)
    if tier not in TIERS:
        raise errors.malformed_xml()
    return days, tier


async def restore_object(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    bucket, key = str(params["Bucket"]), names.check_key(str(params["Key"]))
    await engine.bucket(bucket)
    version_id = text(params, "VersionId")
    days, tier = _request(params)
    now = engine.now()

    def restore(conn: Conn) -> int:
        obj = find_object(conn, bucket, key, version_id)
        if not obj.archived:
            raise AwsError(
                "InvalidObjectState",
                "Restore is not allowed for the object's current storage class",
                status=403,
                fields={"StorageClass": obj.storage_class},
            )
        like = _ARCHIVE_LIKE.get(obj.archive_tier or "", obj.storage_class)
        delay = RESTORE_DELAYS.get((like, tier))
        if delay is None:
            raise errors.invalid_argument(
                f"{tier} retrieval is not supported for the {obj.storage_class} storage class",
                "Tier",
                tier,
            )
        if obj.restore_ready is not None:
            raise AwsError(
                "RestoreAlreadyInProgress", "Object restore is already in progress", status=409
            )
        if obj.archive_tier is not None:
            version_store.set_restore(conn, obj, ready=now + delay, expiry=None, days=None)
            schedule.reschedule(conn, bucket, key)
            return 202
        if days is None:
            raise errors.malformed_xml()
        if obj.restore_expiry is not None and now < obj.restore_expiry:
            version_store.set_restore(
                conn, obj, ready=None, expiry=after_days(now, days), days=days
            )
            status = 200
        else:
            version_store.set_restore(conn, obj, ready=now + delay, expiry=None, days=days)
            status = 202
        schedule.reschedule(conn, bucket, key)
        return status

    status = await engine.db.write(restore)
    touch_object(ctx, bucket, key)
    return {STATUS: status}


HANDLERS = {"RestoreObject": restore_object}
