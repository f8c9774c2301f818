"""Archive storage classes (GLACIER, DEEP_ARCHIVE): their bodies live in the cold tier of
the blob store and cannot be read until restored; the ``x-amz-restore`` header."""

from __future__ import annotations

import logging

from fogbank.services.s3 import errors
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.http_dates import http_date
from fogbank.services.s3.models import ARCHIVE_CLASSES, COLD_TIER, ObjectVersion
from fogbank.storage.blobs import BlobError

log = logging.getLogger("fogbank.s3")


def check_readable(obj: ObjectVersion, now: float) -> None:
    """GetObject (and copy sources) of an archived object that is not restored."""
    if not obj.readable_at(now):
        raise errors.invalid_object_state(obj.storage_class, obj.archive_tier)


def restore_header(obj: ObjectVersion) -> str | None:
    if obj.restore_ready is not None:
        return 'ongoing-request="true"'
    if obj.restore_expiry is not None:
        return f'ongoing-request="false", expiry-date="{http_date(obj.restore_expiry)}"'
    return None


async def place(engine: S3Engine, obj: ObjectVersion) -> None:
    """After a write in an archive class: move its body to the cold store. If this is
    interrupted the bytes stay hot, which changes nothing a client can see."""
    if obj.storage_class not in ARCHIVE_CLASSES or obj.blob_id is None or not obj.size:
        return
    try:
        await engine.blobs.move(obj.blob_id, COLD_TIER)
    except (BlobError, OSError):
        log.exception("moving %s/%s to the cold store failed", obj.bucket, obj.key)
