"""The S3 bucket cache across processes: what one process changes, another drops at once,
configurations and the values derived from them alike."""

from __future__ import annotations

from pathlib import Path

from fogbank.services.s3.bucket_cache import MISSING, BucketCache
from fogbank.services.s3.models import Bucket


def _bucket(name: str) -> Bucket:
    return Bucket(name=name, owner_account="000000000000", region="us-east-1", created_at=0.0)


def test_a_change_in_one_process_empties_every_other_cache(tmp_path: Path) -> None:
    stamp = tmp_path / "s3" / "buckets.stamp"
    mine, theirs = BucketCache(stamp), BucketCache(stamp)  # two processes, in effect
    key = ("b", "encryption", "default")
    assert theirs.bucket("b") is MISSING  # callers look before they put
    theirs.put_bucket("b", _bucket("b"))
    theirs.put_config("b", "encryption", [{"rule": 1}])
    theirs.put_derived(key, "derived from rule 1")
    assert theirs.derived(key) == "derived from rule 1"
    assert theirs.config("b", "encryption") == [{"rule": 1}]

    mine.changed()  # committed a new configuration
    assert theirs.bucket("b") is MISSING
    assert theirs.config("b", "encryption") is MISSING
    assert theirs.derived(key) is MISSING


def test_derived_values_are_kept_per_bucket_kind_and_derivation(tmp_path: Path) -> None:
    cache = BucketCache(tmp_path / "buckets.stamp")
    assert cache.derived(("b", "encryption", "one")) is MISSING
    cache.put_derived(("b", "encryption", "one"), 1)
    assert cache.derived(("b", "encryption", "one")) == 1
    assert cache.derived(("b", "encryption", "two")) is MISSING
    assert cache.derived(("c", "encryption", "one")) is MISSING
    cache.changed()
    assert cache.derived(("b", "encryption", "one")) is MISSING
