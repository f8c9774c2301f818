"""Put/Get/DeleteBucketLifecycleConfiguration. A change queues the bucket for a rescan
(every key re-planned by the lifecycle engine, see ``lifecycle.schedule``)."""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.context import RequestContext
from fogbank.core.errors import AwsError
from fogbank.services.s3 import errors
from fogbank.services.s3.engine import S3Engine
from fogbank.services.s3.lifecycle import rules, schedule
from fogbank.services.s3.ops.common import Output, Params, text, touch_bucket
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.storage.db import Conn


def no_such_lifecycle(bucket: str) -> AwsError:
    return AwsError(
        "NoSuchLifecycleConfiguration",
        "The lifecycle configuration does not exist",
        status=404,
        fields={"BucketName": bucket},
    )


async def put_bucket_lifecycle_configuration(
    engine: S3Engine, ctx: RequestContext, params: Params
) -> Output:
    name = str(params["Bucket"])
    await engine.bucket(name)
    config = params.get("LifecycleConfiguration")
    if not isinstance(config, Mapping):
        raise errors.malformed_xml()
    min_size = text(params, "TransitionDefaultMinimumObjectSize")
    doc = rules.parse_config(config.get("Rules"), min_size)
    now = engine.now()

    def put(conn: Conn) -> None:
        if bucket_store.get(conn, name) is None:
            raise errors.no_such_bucket(name)
        bucket_store.put_config(conn, name, schedule.CONFIG_KIND, doc, now)
        schedule.start_scan(conn, name, now)

    await engine.db.write(put)
    engine.buckets_changed()
    touch_bucket(ctx, name)
    return {"TransitionDefaultMinimumObjectSize": doc["MinSize"]}


async def get_bucket_lifecycle_configuration(
    engine: S3Engine, ctx: RequestContext, params: Params
) -> Output:
    bucket = await engine.bucket(str(params["Bucket"]))
    touch_bucket(ctx, bucket.name)
    doc = await engine.bucket_config(bucket.name, schedule.CONFIG_KIND)
    if not isinstance(doc, Mapping):
        raise no_such_lifecycle(bucket.name)
    return {
        "Rules": rules.output_rules(doc),
        "TransitionDefaultMinimumObjectSize": doc.get("MinSize") or rules.MIN_SIZE_DEFAULT,
    }


async def delete_bucket_lifecycle(engine: S3Engine, ctx: RequestContext, params: Params) -> Output:
    name = str(params["Bucket"])
    await engine.bucket(name)
    now = engine.now()

    def delete(conn: Conn) -> None:
        if bucket_store.get(conn, name) is None:
            raise errors.no_such_bucket(name)
        if bucket_store.delete_config(conn, name, schedule.CONFIG_KIND):
            schedule.start_scan(conn, name, now)

    await engine.db.write(delete)
    engine.buckets_changed()
    touch_bucket(ctx, name)
    return {}


HANDLERS = {
    "PutBucketLifecycleConfiguration": put_bucket_lifecycle_configuration,
    "GetBucketLifecycleConfiguration": get_bucket_lifecycle_configuration,
    "DeleteBucketLifecycle": delete_bucket_lifecycle,
}
