"""Objects: put/get/head/delete, metadata and content headers, response overrides, byte
ranges, conditional requests, tagging, GetObjectAttributes, DeleteObjects."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code, status


def test_put_get_head_delete(s3: Any, bucket: str) -> None:
    data = b"hello world"
    put = s3.put_object(Bucket=bucket, Key="dir/hello.txt", Body=data)
    assert put["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="dir/hello.txt")
    assert got["Body"].read() == data
    assert got["ContentLength"] == len(data)
    assert got["ETag"] == put["ETag"]
    assert got["ContentType"] == "binary/octet-stream"
    assert got["AcceptRanges"] == "bytes"
    head = s3.head_object(Bucket=bucket, Key="dir/hello.txt")
    assert head["ContentLength"] == len(data)
    assert abs(head["LastModified"] - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=2)
    assert (
        s3.delete_object(Bucket=bucket, Key="dir/hello.txt")["ResponseMetadata"]["HTTPStatusCode"]
        == 204
    )
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="dir/hello.txt")
    assert code(exc) == "NoSuchKey"
    assert exc.value.response["Error"]["Key"] == "dir/hello.txt"
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="dir/hello.txt")
    assert status(exc) == 404
    # deleting what is not there succeeds
    assert s3.delete_object(Bucket=bucket, Key="never")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_empty_object(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b""
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


def test_overwrite_replaces(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"one", Metadata={"v": "1"})
    s3.put_object(Bucket=bucket, Key="k", Body=b"two!", ContentType="text/plain")
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"two!"
    assert got["Metadata"] == {}
    assert got["ContentType"] == "text/plain"


def test_metadata_and_content_headers(s3: Any, bucket: str) -> None:
    expires = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    s3.put_object(
        Bucket=bucket, Key="m", Body=b"x", ContentType="text/csv",
        ContentEncoding="identity", ContentDisposition='attachment; filename="a.csv"',
        ContentLanguage="en", CacheControl="max-age=60", Expires=expires,
        Metadata={"Color": "Blue", "x-y": "z z"},
    )  # fmt: skip
    head = s3.head_object(Bucket=bucket, Key="m")
    assert head["ContentType"] == "text/csv"
    assert head["ContentEncoding"] == "identity"
    assert head["ContentDisposition"] == 'attachment; filename="a.csv"'
    assert head["ContentLanguage"] == "en"
    assert head["CacheControl"] == "max-age=60"
    assert head["Expires"] == expires
    assert head["Metadata"] == {"color": "Blue", "x-y": "z z"}


def test_metadata_too_large(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="big-meta", Body=b"x", Metadata={"a": "b" * 2100})
    assert code(exc) == "MetadataTooLarge"


def test_response_header_overrides(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="o", Body=b"x", ContentType="text/plain")
    got = s3.get_object(
        Bucket=bucket, Key="o", ResponseContentType="application/json",
        ResponseContentDisposition="inline", ResponseCacheControl="no-cache",
        ResponseContentLanguage="fr", ResponseContentEncoding="gzip",
    )  # fmt: skip
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "inline"
    assert got["CacheControl"] == "no-cache"
    assert got["ContentLanguage"] == "fr"
    assert got["ContentEncoding"] == "gzip"


DATA = bytes(range(256)) * 4  # 1024 bytes


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-0", 0, 1),
        ("bytes=10-19", 10, 20),
        ("bytes=1000-", 1000, 1024),
        ("bytes=-24", 1000, 1024),
        ("bytes=1000-5000", 1000, 1024),  # clipped to the end
        ("bytes=-5000", 0, 1024),  # a suffix longer than the object: all of it
        ("bytes=1023-1023", 1023, 1024),
    ],
)
def test_ranges(s3: Any, bucket: str, header: str, start: int, end: int) -> None:
    s3.put_object(Bucket=bucket, Key="r", Body=DATA)
    got = s3.get_object(Bucket=bucket, Key="r", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == DATA[start:end]
    assert got["ContentRange"] == f"bytes {start}-{end - 1}/1024"
    assert got["ContentLength"] == end - start
    head = s3.head_object(Bucket=bucket, Key="r", Range=header)
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == end - start


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=2000-3000", "bytes=-0"])
def test_unsatisfiable_ranges(s3: Any, bucket: str, header: str) -> None:
    s3.put_object(Bucket=bucket, Key="r", Body=DATA)
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="r", Range=header)
    assert code(exc) == "InvalidRange"
    assert status(exc) == 416
    assert exc.value.response["ResponseMetadata"]["HTTPHeaders"]["content-range"] == "bytes */1024"


@pytest.mark.parametrize("header", ["bytes=5-2", "bytes=abc", "items=0-1", "bytes=0-1,4-5"])
def test_ignored_ranges_return_everything(s3: Any, bucket: str, header: str) -> None:
    s3.put_object(Bucket=bucket, Key="r", Body=DATA)
    got = s3.get_object(Bucket=bucket, Key="r", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["Body"].read() == DATA


def test_ranges_on_empty_object(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="e", Body=b"")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="e", Range="bytes=0-")
    assert code(exc) == "InvalidRange"
    got = s3.get_object(Bucket=bucket, Key="e", Range="bytes=-10")
    assert got["Body"].read() == b""


def test_conditional_reads(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"cond")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="c")["LastModified"]
    before, after = modified - dt.timedelta(hours=1), modified + dt.timedelta(hours=1)
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"cond"
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch="*")["Body"].read() == b"cond"
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="c", IfMatch='"0000"')
    assert code(exc) == "PreconditionFailed"
    assert status(exc) == 412
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert status(exc) == 304
    assert exc.value.response["ResponseMetadata"]["HTTPHeaders"]["etag"] == etag
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="c", IfModifiedSince=after)
    assert status(exc) == 304
    assert s3.get_object(Bucket=bucket, Key="c", IfModifiedSince=before)["Body"].read() == b"cond"
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=before)
    assert status(exc) == 412
    assert s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=after)["Body"].read() == b"cond"
    # If-Match holding wins over a failing If-Unmodified-Since (RFC 9110, as S3 does)
    got = s3.get_object(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=before)
    assert got["Body"].read() == b"cond"
    # If-None-Match not matching wins over If-Modified-Since
    got = s3.get_object(Bucket=bucket, Key="c", IfNoneMatch='"other"', IfModifiedSince=after)
    assert got["Body"].read() == b"cond"
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert status(exc) == 304


def test_conditional_writes(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="w", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="w", Body=b"second", IfNoneMatch="*")
    assert code(exc) == "PreconditionFailed"
    assert s3.get_object(Bucket=bucket, Key="w")["Body"].read() == b"first"
    etag = s3.head_object(Bucket=bucket, Key="w")["ETag"]
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="w", Body=b"third", IfMatch='"0123"')
    assert code(exc) == "PreconditionFailed"
    s3.put_object(Bucket=bucket, Key="w", Body=b"fourth", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="w")["Body"].read() == b"fourth"
    with pytest.raises(ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="absent", Body=b"x", IfMatch=etag)
    assert code(exc) == "NoSuchKey"


def test_object_tagging(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="a=1&b=two%20words")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [
        {"Key": "a", "Value": "1"},
        {"Key": "b", "Value": "two words"},
    ]
    assert s3.get_object(Bucket=bucket, Key="t")["TagCount"] == 2
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "c", "Value": "3"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [{"Key": "c", "Value": "3"}]
    with pytest.raises(ClientError) as exc:
        s3.put_object_tagging(
            Bucket=bucket, Key="t",
            Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]},
        )  # fmt: skip
    assert code(exc) == "InvalidTag"
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []
    with pytest.raises(ClientError) as exc:
        s3.get_object_tagging(Bucket=bucket, Key="nope")
    assert code(exc) == "NoSuchKey"


def test_get_object_attributes(s3: Any, bucket: str) -> None:
    data = b"attributes"
    s3.put_object(Bucket=bucket, Key="a", Body=data, ChecksumAlgorithm="SHA256")
    got = s3.get_object_attributes(
        Bucket=bucket, Key="a", ObjectAttributes=["ETag", "Checksum", "ObjectSize", "StorageClass"]
    )
    assert got["ETag"] == hashlib.md5(data).hexdigest()  # unquoted, as S3 answers
    assert got["ObjectSize"] == len(data)
    assert got["StorageClass"] == "STANDARD"
    import base64

    assert (
        got["Checksum"]["ChecksumSHA256"]
        == base64.b64encode(hashlib.sha256(data).digest()).decode()
    )
    assert got["Checksum"]["ChecksumType"] == "FULL_OBJECT"


def test_delete_objects(s3: Any, bucket: str) -> None:
    for k in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    out = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "missing"}]}
    )
    assert sorted(d["Key"] for d in out["Deleted"]) == ["a", "b", "missing"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["c"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_keys_are_never_paths(s3: Any, bucket: str) -> None:
    keys = ["../../etc/passwd", "../x", "a/../../b", "/abs/path", "./.", "..", "%2e%2e/x"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    for k in keys:
        assert s3.get_object(Bucket=bucket, Key=k)["Body"].read() == k.encode()
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert listed == sorted(keys)


def test_key_too_long(raw_s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        raw_s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert code(exc) == "KeyTooLongError"
    raw_s3.put_object(Bucket=bucket, Key="k" * 1024, Body=b"x")


def test_invalid_storage_class(raw_s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        raw_s3.put_object(Bucket=bucket, Key="k", Body=b"x", StorageClass="PLATINUM")
    assert code(exc) == "InvalidStorageClass"
