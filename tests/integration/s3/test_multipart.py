"""Multipart uploads: the whole life cycle, part rules, ETags and checksums as S3 computes
them, UploadPartCopy of ranges, and the uploads' listings."""

from __future__ import annotations

import base64
import hashlib
import os
import zlib
from typing import Any

import pytest
from awscrt import checksums as crt
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code, status

MiB = 1024 * 1024


def parts_of(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def multipart_etag(parts: list[bytes]) -> str:
    joined = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(joined).hexdigest()}-{len(parts)}"'


def upload(s3: Any, bucket: str, key: str, parts: list[bytes], **create: Any) -> dict[str, Any]:
    up = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    done = []
    for n, part in enumerate(parts, 1):
        kwargs = (
            {"ChecksumAlgorithm": create["ChecksumAlgorithm"]}
            if "ChecksumAlgorithm" in create
            else {}
        )
        out = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=n, Body=part, **kwargs)
        entry = {"PartNumber": n, "ETag": out["ETag"]}
        for k, v in out.items():
            if k.startswith("Checksum"):
                entry[k] = v
        done.append(entry)
    result: dict[str, Any] = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=up, MultipartUpload={"Parts": done}
    )
    return result


def test_life_cycle_and_etag(s3: Any, bucket: str) -> None:
    data = os.urandom(5 * MiB * 2 + 1234)
    parts = parts_of(data, 5 * MiB)
    out = upload(s3, bucket, "mp", parts, ContentType="text/x-test", Metadata={"a": "b"})
    assert out["ETag"] == multipart_etag(parts)
    assert out["Key"] == "mp" and out["Bucket"] == bucket
    got = s3.get_object(Bucket=bucket, Key="mp")
    assert got["Body"].read() == data
    assert got["ContentType"] == "text/x-test"
    assert got["Metadata"] == {"a": "b"}
    assert got["ETag"] == multipart_etag(parts)
    # a part of it, by number, and ranges across part boundaries
    second = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)
    assert second["Body"].read() == parts[1]
    assert second["PartsCount"] == 3
    assert second["ContentRange"] == f"bytes {5 * MiB}-{10 * MiB - 1}/{len(data)}"
    span = s3.get_object(Bucket=bucket, Key="mp", Range=f"bytes={5 * MiB - 10}-{5 * MiB + 9}")
    assert span["Body"].read() == data[5 * MiB - 10 : 5 * MiB + 10]
    attrs = s3.get_object_attributes(
        Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts", "ObjectSize"]
    )
    assert attrs["ObjectParts"]["TotalPartsCount"] == 3
    assert attrs["ObjectSize"] == len(data)


def test_parts_listed_and_replaced(s3: Any, bucket: str) -> None:
    up = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    first = s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=1, Body=b"a" * 100)
    s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=3, Body=b"c" * 10)
    again = s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=1, Body=b"A" * 50)
    assert again["ETag"] != first["ETag"]
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=up)
    assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, 50), (3, 10)]
    assert listed["Parts"][0]["ETag"] == again["ETag"]
    page = s3.list_parts(Bucket=bucket, Key="k", UploadId=up, MaxParts=1)
    assert page["IsTruncated"] and page["NextPartNumberMarker"] == 1
    rest = s3.list_parts(Bucket=bucket, Key="k", UploadId=up, PartNumberMarker=1)
    assert [p["PartNumber"] for p in rest["Parts"]] == [3]
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=up)
    with pytest.raises(ClientError) as exc:
        s3.list_parts(Bucket=bucket, Key="k", UploadId=up)
    assert code(exc) == "NoSuchUpload"
    assert status(exc) == 404


def test_completion_rules(s3: Any, bucket: str) -> None:
    up = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    small = s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=1, Body=b"x" * 100)
    last = s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=2, Body=b"y" * 100)
    parts = [{"PartNumber": 1, "ETag": small["ETag"]}, {"PartNumber": 2, "ETag": last["ETag"]}]
    with pytest.raises(ClientError) as exc:  # every part but the last must be >= 5 MiB
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=up, MultipartUpload={"Parts": parts}
        )
    assert code(exc) == "EntityTooSmall"
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=up,
            MultipartUpload={"Parts": [parts[1], parts[0]]},
        )  # fmt: skip
    assert code(exc) == "InvalidPartOrder"
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"' + "0" * 32 + '"'}]},
        )  # fmt: skip
    assert code(exc) == "InvalidPart"
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 7, "ETag": small["ETag"]}]},
        )
    assert code(exc) == "InvalidPart"
    # a single small part is a valid object; parts not listed are dropped
    out = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=up, MultipartUpload={"Parts": [parts[1]]}
    )
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"y" * 100
    assert out["ETag"].endswith('-1"')
    with pytest.raises(ClientError) as exc:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=up, MultipartUpload={"Parts": [parts[1]]}
        )
    assert code(exc) == "NoSuchUpload"


def test_part_number_limits(raw_s3: Any, bucket: str) -> None:
    up = raw_s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    for bad in (0, 10001):
        with pytest.raises(ClientError) as exc:
            raw_s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=bad, Body=b"x")
        assert code(exc) == "InvalidArgument"
    raw_s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=10000, Body=b"x")
    with pytest.raises(ClientError) as exc:
        raw_s3.upload_part(
            Bucket=bucket, Key="k", UploadId="no-such-upload", PartNumber=1, Body=b"x"
        )
    assert code(exc) == "NoSuchUpload"


def test_composite_checksum(s3: Any, bucket: str) -> None:
    data = os.urandom(5 * MiB + 100)
    parts = parts_of(data, 5 * MiB)
    out = upload(s3, bucket, "c", parts, ChecksumAlgorithm="CRC32")
    crcs = b"".join(zlib.crc32(p).to_bytes(4, "big") for p in parts)
    expected = base64.b64encode(zlib.crc32(crcs).to_bytes(4, "big")).decode() + "-2"
    assert out["ChecksumCRC32"] == expected
    head = s3.head_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == expected
    assert head["ChecksumType"] == "COMPOSITE"
    assert s3.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")["Body"].read() == data


def test_full_object_checksum(s3: Any, bucket: str) -> None:
    data = os.urandom(5 * MiB + 4321)
    parts = parts_of(data, 5 * MiB)
    out = upload(s3, bucket, "f", parts, ChecksumAlgorithm="CRC64NVME")
    expected = base64.b64encode(crt.crc64nvme(data).to_bytes(8, "big")).decode()
    assert out["ChecksumCRC64NVME"] == expected
    assert out["ChecksumType"] == "FULL_OBJECT"
    got = s3.get_object(Bucket=bucket, Key="f", ChecksumMode="ENABLED")
    assert got["ChecksumCRC64NVME"] == expected
    assert got["Body"].read() == data  # botocore checks the full-object CRC as it reads
    crc32 = upload(s3, bucket, "g", parts, ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")
    assert crc32["ChecksumCRC32"] == base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def test_upload_part_copy_ranges(s3: Any, bucket: str) -> None:
    source = os.urandom(6 * MiB)
    s3.put_object(Bucket=bucket, Key="src", Body=source)
    up = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    a = s3.upload_part_copy(
        Bucket=bucket, Key="dst", UploadId=up, PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange=f"bytes=0-{5 * MiB - 1}",
    )  # fmt: skip
    assert a["CopyPartResult"]["ETag"] == f'"{hashlib.md5(source[: 5 * MiB]).hexdigest()}"'
    b = s3.upload_part_copy(
        Bucket=bucket, Key="dst", UploadId=up, PartNumber=2,
        CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange="bytes=100-199",
    )  # fmt: skip
    s3.complete_multipart_upload(
        Bucket=bucket, Key="dst", UploadId=up,
        MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": a["CopyPartResult"]["ETag"]},
            {"PartNumber": 2, "ETag": b["CopyPartResult"]["ETag"]},
        ]},
    )  # fmt: skip
    assert (
        s3.get_object(Bucket=bucket, Key="dst")["Body"].read()
        == source[: 5 * MiB] + source[100:200]
    )
    with pytest.raises(ClientError) as exc:
        s3.upload_part_copy(
            Bucket=bucket, Key="x",
            UploadId=s3.create_multipart_upload(Bucket=bucket, Key="x")["UploadId"],
            PartNumber=1, CopySource={"Bucket": bucket, "Key": "src"},
            CopySourceRange=f"bytes=0-{6 * MiB}",
        )  # fmt: skip
    assert code(exc) == "InvalidArgument"


def test_list_multipart_uploads(s3: Any, bucket: str) -> None:
    ids = {}
    for key in ("a/1", "a/2", "b", "c/3"):
        ids[key] = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    second = s3.create_multipart_upload(Bucket=bucket, Key="b")["UploadId"]
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert [u["Key"] for u in listed["Uploads"]] == ["a/1", "a/2", "b", "b", "c/3"]
    assert {u["UploadId"] for u in listed["Uploads"] if u["Key"] == "b"} == {ids["b"], second}
    grouped = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/", "c/"]
    assert [u["Key"] for u in grouped["Uploads"]] == ["b", "b"]
    prefixed = s3.list_multipart_uploads(Bucket=bucket, Prefix="a/")
    assert [u["Key"] for u in prefixed["Uploads"]] == ["a/1", "a/2"]
    keys: list[str] = []
    kwargs: dict[str, Any] = {"MaxUploads": 2}
    while True:
        page = s3.list_multipart_uploads(Bucket=bucket, **kwargs)
        keys += [u["Key"] for u in page.get("Uploads", [])]
        if not page["IsTruncated"]:
            break
        kwargs = {"MaxUploads": 2, "KeyMarker": page["NextKeyMarker"],
                  "UploadIdMarker": page["NextUploadIdMarker"]}  # fmt: skip
    assert keys == ["a/1", "a/2", "b", "b", "c/3"]
