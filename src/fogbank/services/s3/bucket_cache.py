"""A per-process cache of bucket rows and configuration documents.

Every request needs its bucket (owner for authorization, region, versioning); buckets
change rarely. Each process keeps what it read, and drops it all when the change stamp
moves: every change to a bucket or its configuration moves it after its transaction
commits, and every lookup looks at it (a load from shared memory, see ``storage.stamp``).
So a process sees another's change on its next request. Writes that must not act on a
stale bucket (object writes, deletes) check the bucket again inside their own
transaction.
"""

from __future__ import annotations

from pathlib import Path

from fogbank.services.s3.models import Bucket
from fogbank.storage.stamp import StampView

_MISSING = object()


class BucketCache:
    def __init__(self, stamp: Path) -> None:
        self._view = StampView(stamp)
        self._seen = -1
        self._buckets: dict[str, Bucket | None] = {}
        self._configs: dict[tuple[str, str], object] = {}
        # What was computed from a configuration: dropped with it.
        self._derived: dict[tuple[str, str, object], object] = {}

    def _fresh(self) -> None:
        current = self._view.read()
        if current != self._seen:
            self._buckets.clear()
            self._configs.clear()
            self._derived.clear()
            self._seen = current

    def bucket(self, name: str) -> Bucket | object | None:
        """The cached bucket (None: known not to exist), or ``MISSING``."""
        self._fresh()
        return self._buckets.get(name, _MISSING)

    def put_bucket(self, name: str, bucket: Bucket | None) -> None:
        if len(self._buckets) > 10_000:
            self._buckets.clear()
        self._buckets[name] = bucket

    def config(self, bucket: str, kind: str) -> object:
        self._fresh()
        return self._configs.get((bucket, kind), _MISSING)

    def put_config(self, bucket: str, kind: str, document: object) -> None:
        if len(self._configs) > 10_000:
            self._configs.clear()
        self._configs[(bucket, kind)] = document

    def derived(self, key: tuple[str, str, object]) -> object:
        """A value computed from a bucket's configuration ``(bucket, kind, how)``, or
        ``MISSING``."""
        self._fresh()
        return self._derived.get(key, _MISSING)

    def put_derived(self, key: tuple[str, str, object], value: object) -> None:
        if len(self._derived) > 10_000:
            self._derived.clear()
        self._derived[key] = value

    def changed(self) -> None:
        """Tell every process (this one included) that buckets changed."""
        self._view.bump()
        self._buckets.clear()
        self._configs.clear()
        self._derived.clear()


MISSING = _MISSING
