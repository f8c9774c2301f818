"""The S3 adapter for trail delivery: ``LogDestination`` over the in-process S3 client.

Objects are written as S3's PutObject writes them (bytes durable before the metadata that
points at them), owned by the bucket owner (what ``bucket-owner-full-control`` gives). The
bucket policy check is CloudTrail's (``destination.bucket_allows_delivery``), not made here.
"""

from __future__ import annotations

from collections.abc import Mapping

from fogbank.core.errors import AwsError
from fogbank.services.cloudtrail.destination import BucketInfo, DeliveryError
from fogbank.services.s3.client import S3Client


class S3LogDestination:
    def __init__(self, client: S3Client) -> None:
        self._client = client

    async def bucket(self, name: str) -> BucketInfo | None:
        found = await self._client.bucket(name)
        if found is None:
            return None
        return BucketInfo(found.name, found.owner_account, found.region, found.policy)

    async def put_object(
        self,
        *,
        account_id: str,
        bucket: str,
        key: str,
        body: bytes,
        metadata: Mapping[str, str],
        sse_kms_key: str | None,
    ) -> None:
        try:
            await self._client.put_object(
                bucket,
                key,
                body,
                metadata=metadata,
                content_type="application/json",
                content_encoding="gzip",
                sse_kms_key=sse_kms_key,
            )
        except AwsError as exc:
            raise DeliveryError(exc.code, exc.message) from exc
