"""GLACIER bodies in a remote S3-compatible cold store: another fogbank server's bucket.

The archive server is a second `fogbank up`; the first one is started with
FOGBANK_S3_COLD_STORE set to a URL in it, as a user would point it at MinIO or AWS S3.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code, unique_bucket
from tests.support.server import ACCESS_KEY, SECRET_KEY, FogbankServer

KiB = 1024


def _archive_objects(s3: Any, bucket: str) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def test_archive_and_restore_through_a_remote_cold_store(
    make_server: Callable[..., FogbankServer],
) -> None:
    archive = make_server()
    archive_s3 = archive.client("s3")
    archive_bucket = unique_bucket("archive")
    archive_s3.create_bucket(Bucket=archive_bucket)
    server = make_server(
        env={
            "FOGBANK_S3_COLD_STORE": f"{archive.endpoint}/{archive_bucket}/glacier",
            "FOGBANK_S3_COLD_STORE_ACCESS_KEY_ID": ACCESS_KEY,
            "FOGBANK_S3_COLD_STORE_SECRET_ACCESS_KEY": SECRET_KEY,
        },
        workers=2,
    )
    s3 = server.client("s3")
    bucket = unique_bucket("data")
    s3.create_bucket(Bucket=bucket)
    body = os.urandom(300 * KiB)
    small = b"a small archived object"
    s3.put_object(Bucket=bucket, Key="frozen.bin", Body=body, StorageClass="GLACIER")
    s3.put_object(Bucket=bucket, Key="small.txt", Body=small, StorageClass="DEEP_ARCHIVE")
    s3.put_object(Bucket=bucket, Key="hot.bin", Body=body)

    stored = _archive_objects(archive_s3, archive_bucket)
    assert len(stored) == 2 and all(k.startswith("glacier/") for k in stored)
    # New buckets encrypt with SSE-S3 by default: the remote holds ciphertext only.
    assert not any(body[:64] in b or small in b for b in stored.values())
    assert sorted(len(b) for b in stored.values())[1] >= len(body)
    assert not (server.data_dir / "cold").exists()  # nothing archived locally
    for key in ("frozen.bin", "small.txt"):
        with pytest.raises(ClientError) as exc:
            s3.get_object(Bucket=bucket, Key=key)
        assert code(exc) == "InvalidObjectState"
    assert s3.get_object(Bucket=bucket, Key="hot.bin")["Body"].read() == body

    s3.restore_object(
        Bucket=bucket, Key="frozen.bin",
        RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}},
    )  # fmt: skip
    server.fogbank("clock", "advance", "5m")
    assert s3.get_object(Bucket=bucket, Key="frozen.bin")["Body"].read() == body
    server.fogbank("clock", "advance", "2d")  # the restored copy expires: archived again
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="frozen.bin")
    assert code(exc) == "InvalidObjectState"
    assert len(_archive_objects(archive_s3, archive_bucket)) >= 2


def test_a_restore_waits_while_the_remote_is_unreachable(
    make_server: Callable[..., FogbankServer],
) -> None:
    archive = make_server()
    archive_bucket = unique_bucket("archive")
    archive.client("s3").create_bucket(Bucket=archive_bucket)
    server = make_server(
        env={
            "FOGBANK_S3_COLD_STORE": f"{archive.endpoint}/{archive_bucket}",
            "FOGBANK_S3_COLD_STORE_ACCESS_KEY_ID": ACCESS_KEY,
            "FOGBANK_S3_COLD_STORE_SECRET_ACCESS_KEY": SECRET_KEY,
        }
    )
    s3 = server.client("s3")
    bucket = unique_bucket("data")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x" * 1000, StorageClass="GLACIER")
    s3.restore_object(
        Bucket=bucket, Key="k",
        RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}},
    )  # fmt: skip
    archive.stop()
    server.fogbank("clock", "advance", "10m")
    assert s3.head_object(Bucket=bucket, Key="k")["Restore"] == 'ongoing-request="true"'
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="k")
    assert code(exc) == "InvalidObjectState"  # not a 500: the restore has not completed


def test_a_bad_cold_store_url_is_refused_at_start(
    make_server: Callable[..., FogbankServer],
) -> None:
    server = make_server(start=False, env={"FOGBANK_S3_COLD_STORE": "ftp://host/bucket"})
    with pytest.raises(RuntimeError) as exc:
        server.start(timeout=20)
    assert "FOGBANK_S3_COLD_STORE" in str(exc.value)
