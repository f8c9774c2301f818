"""INTELLIGENT_TIERING's automatic access tiers on the fogbank clock.

The access tier of an object is not in any S3 response (AWS shows only the optional
archive tiers, as ``x-amz-archive-status``), so the tests read it from the metadata store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from fogbank.storage.db import Database, DbSettings
from tests.integration.s3.conftest import unique_bucket
from tests.support.server import FogbankServer

KiB = 1024


@pytest.fixture
def fresh(make_server: Callable[..., FogbankServer]) -> Iterator[tuple[FogbankServer, Database]]:
    server = make_server()
    url = server.metadata_url or f"sqlite:///{server.data_dir / 'metadata.db'}"
    db = Database(DbSettings(url))
    try:
        yield server, db
    finally:
        db.close()


def tiers(db: Database, bucket: str) -> dict[str, str]:
    rows = db.read_sync(
        lambda c: c.all(
            "SELECT key, access_tier FROM s3_objects WHERE bucket = ? AND is_latest = ?",
            (bucket, True),
        )
    )
    return {str(r["key"]): str(r["access_tier"] or "FREQUENT_ACCESS") for r in rows}


def due_keys(db: Database, bucket: str) -> set[str]:
    rows = db.read_sync(
        lambda c: c.all("SELECT key FROM s3_lifecycle_due WHERE bucket = ?", (bucket,))
    )
    return {str(r["key"]) for r in rows}


def test_tiers_follow_last_access(fresh: tuple[FogbankServer, Database]) -> None:
    server, db = fresh
    s3 = server.client("s3")
    bucket = unique_bucket("it")
    s3.create_bucket(Bucket=bucket)
    body = os.urandom(130 * KiB)
    s3.put_object(Bucket=bucket, Key="auto", Body=body, StorageClass="INTELLIGENT_TIERING")
    s3.put_object(Bucket=bucket, Key="plain", Body=body)
    s3.put_object(  # under 128 KiB: not monitored, always Frequent Access
        Bucket=bucket, Key="small", Body=body[: 128 * KiB - 1], StorageClass="INTELLIGENT_TIERING"
    )
    assert tiers(db, bucket)["auto"] == "FREQUENT_ACCESS"
    assert due_keys(db, bucket) == {"auto"}  # only the monitored object is in the index

    server.fogbank("clock", "advance", "29d")
    s3.head_object(Bucket=bucket, Key="auto")  # HEAD is not an access
    s3.list_objects_v2(Bucket=bucket)  # nor is a listing
    assert tiers(db, bucket)["auto"] == "FREQUENT_ACCESS"
    server.fogbank("clock", "advance", "2d")  # day 31: 30 days without access
    assert tiers(db, bucket) == {
        "auto": "INFREQUENT_ACCESS", "plain": "FREQUENT_ACCESS", "small": "FREQUENT_ACCESS"
    }  # fmt: skip
    head = s3.head_object(Bucket=bucket, Key="auto")
    assert head["StorageClass"] == "INTELLIGENT_TIERING"
    assert "ArchiveStatus" not in head  # only the optional archive tiers show

    assert s3.get_object(Bucket=bucket, Key="auto")["Body"].read() == body  # an access
    assert tiers(db, bucket)["auto"] == "FREQUENT_ACCESS"
    server.fogbank("clock", "advance", "29d")  # 29 days after that GET
    assert tiers(db, bucket)["auto"] == "FREQUENT_ACCESS"
    server.fogbank("clock", "advance", "2d")
    assert tiers(db, bucket)["auto"] == "INFREQUENT_ACCESS"
    server.fogbank("clock", "advance", "60d")  # 91 days after the GET
    assert tiers(db, bucket)["auto"] == "ARCHIVE_INSTANT_ACCESS"
    assert tiers(db, bucket)["small"] == "FREQUENT_ACCESS"
    assert due_keys(db, bucket) == set()  # nothing more to move until the next access
    # still instant: readable as it is, and the read brings it back
    got = s3.get_object(Bucket=bucket, Key="auto", Range="bytes=0-9")["Body"].read()
    assert got == body[:10]
    assert tiers(db, bucket)["auto"] == "FREQUENT_ACCESS"
    assert due_keys(db, bucket) == {"auto"}


def test_a_copy_reads_and_a_transition_starts_frequent(
    fresh: tuple[FogbankServer, Database],
) -> None:
    server, db = fresh
    s3 = server.client("s3")
    bucket = unique_bucket("itc")
    s3.create_bucket(Bucket=bucket)
    rule = {"ID": "to-it", "Status": "Enabled", "Filter": {"Prefix": "moved/"},
            "Transitions": [{"Days": 1, "StorageClass": "INTELLIGENT_TIERING"}]}  # fmt: skip
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [rule]})
    s3.put_object(
        Bucket=bucket, Key="src", Body=os.urandom(150 * KiB), StorageClass="INTELLIGENT_TIERING"
    )
    s3.put_object(Bucket=bucket, Key="moved/big", Body=os.urandom(200 * KiB))

    server.fogbank("clock", "advance", "2d")
    assert s3.head_object(Bucket=bucket, Key="moved/big")["StorageClass"] == "INTELLIGENT_TIERING"
    assert tiers(db, bucket)["moved/big"] == "FREQUENT_ACCESS"
    server.fogbank("clock", "advance", "29d")  # day 31: 'src' idle 31 days, 'moved/big' < 30
    assert tiers(db, bucket) == {"src": "INFREQUENT_ACCESS", "moved/big": "FREQUENT_ACCESS"}
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert tiers(db, bucket)["src"] == "FREQUENT_ACCESS"  # the copy read it
    server.fogbank("clock", "advance", "2d")  # day 33: 30 days after the transition
    assert tiers(db, bucket)["moved/big"] == "INFREQUENT_ACCESS"
    assert tiers(db, bucket)["src"] == "FREQUENT_ACCESS"
