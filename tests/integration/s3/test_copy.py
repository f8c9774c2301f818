"""CopyObject: metadata and tagging directives, copy-source conditions, copies to itself,
versions of the source, across buckets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code, empty_and_delete, status, unique_bucket


def test_copy_keeps_metadata_by_default(s3: Any, bucket: str) -> None:
    put = s3.put_object(
        Bucket=bucket, Key="src", Body=b"payload", ContentType="text/plain",
        Metadata={"k": "v"}, Tagging="t=1",
    )  # fmt: skip
    out = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert out["CopyObjectResult"]["ETag"] == put["ETag"]
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == b"payload"
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"k": "v"}
    assert s3.get_object_tagging(Bucket=bucket, Key="dst")["TagSet"] == [{"Key": "t", "Value": "1"}]
    # the source is untouched by deleting the copy, and the other way round
    s3.delete_object(Bucket=bucket, Key="src")
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"payload"


def test_replace_directives(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"x", Metadata={"old": "1"}, Tagging="a=1")
    s3.copy_object(
        Bucket=bucket, Key="dst", CopySource=f"{bucket}/src", MetadataDirective="REPLACE",
        Metadata={"new": "2"}, ContentType="application/json", TaggingDirective="REPLACE",
        Tagging="b=2",
    )  # fmt: skip
    got = s3.head_object(Bucket=bucket, Key="dst")
    assert got["Metadata"] == {"new": "2"}
    assert got["ContentType"] == "application/json"
    assert s3.get_object_tagging(Bucket=bucket, Key="dst")["TagSet"] == [{"Key": "b", "Value": "2"}]


def test_copy_to_itself(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Metadata={"a": "1"})
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="k", CopySource=f"{bucket}/k")
    assert code(exc) == "InvalidRequest"
    s3.copy_object(
        Bucket=bucket, Key="k", CopySource=f"{bucket}/k", MetadataDirective="REPLACE",
        Metadata={"a": "2"},
    )  # fmt: skip
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"a": "2"}
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_copy_source_conditions(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="src", Body=b"x")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="src")["LastModified"]
    src = {"Bucket": bucket, "Key": "src"}
    s3.copy_object(Bucket=bucket, Key="d1", CopySource=src, CopySourceIfMatch=etag)
    for kwargs in (
        {"CopySourceIfMatch": '"nope"'},
        {"CopySourceIfNoneMatch": etag},
        {"CopySourceIfModifiedSince": modified + dt.timedelta(hours=1)},
        {"CopySourceIfUnmodifiedSince": modified - dt.timedelta(hours=1)},
    ):
        with pytest.raises(ClientError) as exc:
            s3.copy_object(Bucket=bucket, Key="d2", CopySource=src, **kwargs)
        assert code(exc) == "PreconditionFailed", kwargs
        assert status(exc) == 412
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="d2")


def test_copy_missing_source(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="d", CopySource=f"{bucket}/absent")
    assert code(exc) == "NoSuchKey"
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="d", CopySource=f"{unique_bucket('none')}/absent")
    assert code(exc) == "NoSuchBucket"


def test_copy_across_buckets_with_odd_keys(s3: Any, bucket: str) -> None:
    other = unique_bucket()
    s3.create_bucket(Bucket=other)
    try:
        key = "dir/ünï cödé+%?.txt"
        s3.put_object(Bucket=bucket, Key=key, Body=b"odd")
        s3.copy_object(Bucket=other, Key=key, CopySource={"Bucket": bucket, "Key": key})
        assert s3.get_object(Bucket=other, Key=key)["Body"].read() == b"odd"
    finally:
        empty_and_delete(s3, other)


def test_copy_with_new_checksum(s3: Any, bucket: str) -> None:
    import base64
    import hashlib

    s3.put_object(Bucket=bucket, Key="src", Body=b"checksum me")
    out = s3.copy_object(
        Bucket=bucket, Key="dst", CopySource=f"{bucket}/src", ChecksumAlgorithm="SHA256"
    )
    expected = base64.b64encode(hashlib.sha256(b"checksum me").digest()).decode()
    assert out["CopyObjectResult"]["ChecksumSHA256"] == expected


def test_copy_is_standard_unless_a_class_is_given(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="ia", Body=b"cold-ish", StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="ia")["StorageClass"] == "STANDARD_IA"
    s3.copy_object(Bucket=bucket, Key="plain", CopySource={"Bucket": bucket, "Key": "ia"})
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="plain")  # STANDARD
    s3.copy_object(
        Bucket=bucket, Key="one-zone", CopySource={"Bucket": bucket, "Key": "ia"},
        StorageClass="ONEZONE_IA",
    )  # fmt: skip
    assert s3.head_object(Bucket=bucket, Key="one-zone")["StorageClass"] == "ONEZONE_IA"
    assert s3.get_object(Bucket=bucket, Key="one-zone")["Body"].read() == b"cold-ish"
