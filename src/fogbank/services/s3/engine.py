"""What S3's operations share: the metadata store, the blob store, the clock, the
bucket cache, and the limits S3 applies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from fogbank.core.clock import Clock
from fogbank.services.s3 import errors
from fogbank.services.s3.acl.directory import AccountDirectory
from fogbank.services.s3.bucket_cache import MISSING, BucketCache
from fogbank.services.s3.models import Bucket
from fogbank.services.s3.sse.keys import SseKeys
from fogbank.services.s3.store import buckets as bucket_store
from fogbank.storage.blobs import BlobStore
from fogbank.storage.db import Database

T = TypeVar("T")
GiB = 1024**3
MiB = 1024**2


@dataclass(frozen=True)
class S3Limits:
    max_object: int = 5 * GiB  # one PUT
    max_part: int = 5 * GiB
    min_part: int = 5 * MiB  # every part but the last
    max_parts: int = 10_000
    max_buckets: int = 10_000  # per account (S3's default quota, raised in 2024)
    max_keys: int = 1000  # a listing page


class S3Engine:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore | Callable[[], BlobStore],
        clock: Clock,
        cache: BucketCache,
        sse: SseKeys,
        limits: S3Limits | None = None,
    ) -> None:
        self.db = db
        self._blobs = blobs if isinstance(blobs, BlobStore) else None
        self._make_blobs = None if isinstance(blobs, BlobStore) else blobs
        self.clock = clock
        self.cache = cache
        self.sse = sse  # server-side encryption's data keys
        self.limits = limits or S3Limits()
        self.accounts = AccountDirectory(db)  # ACL grantees: canonical ids, e-mail addresses

    @property
    def blobs(self) -> BlobStore:
        """The blob store, opened on first use (building the service touches no disk)."""
        if self._blobs is None:
            assert self._make_blobs is not None
            self._blobs = self._make_blobs()
        return self._blobs

    def close(self) -> None:
        if self._blobs is not None:
            self._blobs.close()

    async def find_bucket(self, name: str) -> Bucket | None:
        cached = self.cache.bucket(name)
        if cached is not MISSING:
            assert cached is None or isinstance(cached, Bucket)
            return cached
        found = await self.db.read(lambda c: bucket_store.get(c, name))
        self.cache.put_bucket(name, found)
        return found

    async def bucket(self, name: str) -> Bucket:
        found = await self.find_bucket(name)
        if found is None:
            raise errors.no_such_bucket(name)
        return found

    async def bucket_config(self, bucket: str, kind: str) -> object | None:
        cached = self.cache.config(bucket, kind)
        if cached is not MISSING:
            return cached
        found = await self.db.read(lambda c: bucket_store.get_config(c, bucket, kind))
        self.cache.put_config(bucket, kind, found)
        return found

    async def bucket_derived(self, bucket: str, kind: str, derive: Callable[[object], T]) -> T:
        """``derive`` of the bucket's ``kind`` configuration (None when it has none),
        computed once per change of it: kept in the bucket cache with the configuration.
        ``derive`` must be a pure function of the document."""
        key = (bucket, kind, derive)
        cached = self.cache.derived(key)
        if cached is not MISSING:
            return cast(T, cached)
        value = derive(await self.bucket_config(bucket, kind))
        self.cache.put_derived(key, value)
        return value

    def buckets_changed(self) -> None:
        self.cache.changed()

    def now(self) -> float:
        return self.clock.time()
