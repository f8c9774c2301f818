"""Bucket versioning: states, versions, delete markers, ListObjectVersions, Get/Head/
Delete/Copy of a version, null versions under Suspended, MFA-delete configuration."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code, unique_bucket
from tests.support.server import FogbankServer


def purge(s3: Any, bucket: str) -> None:
    with contextlib.suppress(ClientError):
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            items = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            if items:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": items})
        s3.delete_bucket(Bucket=bucket)


@pytest.fixture
def vbucket(s3: Any) -> Iterator[str]:
    name = unique_bucket("v")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    yield name
    purge(s3, name)


def test_the_cli_lab(server: FogbankServer, tmp_path: Path) -> None:
    """Versioned bucket; a file uploaded three times, then deleted; 3 versions and a delete
    marker; each version id returns its own bytes; deleting the marker restores the file."""
    bucket = unique_bucket("lab")
    server.aws("s3", "mb", f"s3://{bucket}")
    try:
        server.aws(
            "s3api", "put-bucket-versioning", "--bucket", bucket,
            "--versioning-configuration", "Status=Enabled",
        )  # fmt: skip
        status = json.loads(server.aws("s3api", "get-bucket-versioning", "--bucket", bucket).stdout)
        assert status == {"Status": "Enabled"}
        src = tmp_path / "notes.txt"
        for i in range(3):
            src.write_text(f"draft {i}\n" * (i + 1))
            server.aws("s3", "cp", str(src), f"s3://{bucket}/notes.txt", "--only-show-errors")
        server.aws("s3", "rm", f"s3://{bucket}/notes.txt")
        listed = json.loads(server.aws("s3api", "list-object-versions", "--bucket", bucket).stdout)
        versions, markers = listed["Versions"], listed["DeleteMarkers"]
        assert len(versions) == 3 and len(markers) == 1
        assert markers[0]["IsLatest"] is True
        assert [v["IsLatest"] for v in versions] == [False, False, False]
        # newest first: sizes shrink going back in time
        assert [v["Size"] for v in versions] == [24, 16, 8]
        assert len({v["VersionId"] for v in versions}) == 3
        gone = server.aws("s3", "cp", f"s3://{bucket}/notes.txt", str(tmp_path / "x"),
                          check=False)  # fmt: skip
        assert gone.returncode != 0
        for v, i in zip(versions, (2, 1, 0), strict=True):
            out = tmp_path / f"v{i}.txt"
            server.aws(
                "s3api", "get-object", "--bucket", bucket, "--key", "notes.txt",
                "--version-id", v["VersionId"], str(out),
            )  # fmt: skip
            assert out.read_text() == f"draft {i}\n" * (i + 1)
        server.aws(
            "s3api", "delete-object", "--bucket", bucket, "--key", "notes.txt",
            "--version-id", markers[0]["VersionId"],
        )  # fmt: skip
        back = tmp_path / "back.txt"
        server.aws("s3", "cp", f"s3://{bucket}/notes.txt", str(back), "--only-show-errors")
        assert back.read_text() == "draft 2\n" * 3
    finally:
        purge(server.client("s3"), bucket)


def test_states_never_return_to_unversioned(s3: Any, raw_s3: Any) -> None:
    bucket = unique_bucket("vs")
    s3.create_bucket(Bucket=bucket)
    try:
        assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
        with pytest.raises(ClientError) as exc:
            raw_s3.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration={"Status": "Disabled"}
            )
        assert code(exc) == "MalformedXML"
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
        with pytest.raises(ClientError) as exc:
            s3.put_bucket_versioning(
                Bucket=bucket, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}
            )
        assert code(exc) == "AccessDenied"
        s3.put_bucket_versioning(
            Bucket=bucket,
            VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"},
            MFA="arn:aws:iam::000000000000:mfa/root 123456",
        )
        got = s3.get_bucket_versioning(Bucket=bucket)
        assert got["Status"] == "Enabled" and got["MFADelete"] == "Enabled"
        v = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["VersionId"]
        with pytest.raises(ClientError) as exc:
            s3.delete_object(Bucket=bucket, Key="k", VersionId=v)
        assert code(exc) == "AccessDenied"
        s3.delete_object(
            Bucket=bucket, Key="k", VersionId=v, MFA="arn:aws:iam::000000000000:mfa/root 123456"
        )
        s3.put_bucket_versioning(
            Bucket=bucket,
            VersioningConfiguration={"Status": "Enabled", "MFADelete": "Disabled"},
            MFA="arn:aws:iam::000000000000:mfa/root 654321",
        )
    finally:
        purge(s3, bucket)


def test_get_head_delete_by_version_and_markers(s3: Any, vbucket: str) -> None:
    v1 = s3.put_object(Bucket=vbucket, Key="a", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=vbucket, Key="a", Body=b"two!")["VersionId"]
    assert v1 != v2
    assert s3.get_object(Bucket=vbucket, Key="a")["Body"].read() == b"two!"
    got = s3.get_object(Bucket=vbucket, Key="a", VersionId=v1)
    assert got["Body"].read() == b"one" and got["VersionId"] == v1
    assert s3.head_object(Bucket=vbucket, Key="a", VersionId=v2)["ContentLength"] == 4
    deleted = s3.delete_object(Bucket=vbucket, Key="a")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=vbucket, Key="a")
    assert code(exc) == "NoSuchKey"
    assert exc.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=vbucket, Key="a", VersionId=marker)
    assert code(exc) == "MethodNotAllowed"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=vbucket, Key="a", VersionId="A" * 32)
    assert code(exc) == "NoSuchVersion"
    # deleting a version for good: its bytes are gone, the others stay
    s3.delete_object(Bucket=vbucket, Key="a", VersionId=v2)
    listed = s3.list_object_versions(Bucket=vbucket)
    assert [v["VersionId"] for v in listed["Versions"]] == [v1]
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == [marker]
    assert s3.get_object(Bucket=vbucket, Key="a", VersionId=v1)["Body"].read() == b"one"


def test_restore_an_old_version_by_copying_it_over(s3: Any, vbucket: str) -> None:
    v1 = s3.put_object(Bucket=vbucket, Key="doc", Body=b"good")["VersionId"]
    s3.put_object(Bucket=vbucket, Key="doc", Body=b"oops")
    copied = s3.copy_object(Bucket=vbucket, Key="doc", CopySource=f"{vbucket}/doc?versionId={v1}")
    assert copied["CopySourceVersionId"] == v1
    assert copied["VersionId"] not in (v1,)
    assert s3.get_object(Bucket=vbucket, Key="doc")["Body"].read() == b"good"
    versions = s3.list_object_versions(Bucket=vbucket, Prefix="doc")["Versions"]
    assert len(versions) == 3
    assert s3.get_object(Bucket=vbucket, Key="doc", VersionId=v1)["Body"].read() == b"good"


def test_suspended_writes_replace_the_null_version(s3: Any, vbucket: str) -> None:
    kept = s3.put_object(Bucket=vbucket, Key="k", Body=b"enabled")["VersionId"]
    s3.put_bucket_versioning(Bucket=vbucket, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=vbucket, Key="k", Body=b"null 1")
    s3.put_object(Bucket=vbucket, Key="k", Body=b"null 2")
    versions = s3.list_object_versions(Bucket=vbucket)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [("null", True), (kept, False)]
    assert s3.get_object(Bucket=vbucket, Key="k", VersionId="null")["Body"].read() == b"null 2"
    deleted = s3.delete_object(Bucket=vbucket, Key="k")
    assert deleted["DeleteMarker"] is True and deleted["VersionId"] == "null"
    listed = s3.list_object_versions(Bucket=vbucket)
    assert [v["VersionId"] for v in listed["Versions"]] == [kept]
    assert [m["VersionId"] for m in listed["DeleteMarkers"]] == ["null"]
    assert s3.get_object(Bucket=vbucket, Key="k", VersionId=kept)["Body"].read() == b"enabled"


def test_list_object_versions_pages_in_key_then_newest_order(s3: Any, vbucket: str) -> None:
    expected: list[tuple[str, str]] = []
    for key in ("b", "a", "dir/x", "dir/y", "c"):
        ids = [
            s3.put_object(Bucket=vbucket, Key=key, Body=key.encode() * n)["VersionId"]
            for n in (1, 2, 3)
        ]
        expected.extend((key, v) for v in reversed(ids))
    expected.sort(key=lambda kv: kv[0])  # stable: newest first within a key
    seen: list[tuple[str, str]] = []
    kwargs: dict[str, str] = {}
    pages = 0
    while True:
        page = s3.list_object_versions(Bucket=vbucket, MaxKeys=2, **kwargs)
        pages += 1
        seen.extend((v["Key"], v["VersionId"]) for v in page.get("Versions", []))
        if not page["IsTruncated"]:
            break
        kwargs = {"KeyMarker": page["NextKeyMarker"],
                  "VersionIdMarker": page["NextVersionIdMarker"]}  # fmt: skip
    assert seen == expected and pages == 8
    grouped = s3.list_object_versions(Bucket=vbucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["dir/"]
    assert {v["Key"] for v in grouped["Versions"]} == {"a", "b", "c"}
    under = s3.list_object_versions(Bucket=vbucket, Prefix="dir/", KeyMarker="dir/x")
    assert {v["Key"] for v in under["Versions"]} == {"dir/y"}
    with pytest.raises(ClientError) as exc:
        s3.list_object_versions(Bucket=vbucket, VersionIdMarker="abc")
    assert code(exc) == "InvalidArgument"


def test_overwrites_keep_old_bytes_and_bucket_delete_needs_all_versions_gone(
    s3: Any, vbucket: str
) -> None:
    body = b"x" * 300_000  # its own blob file, not packed
    v1 = s3.put_object(Bucket=vbucket, Key="big", Body=body)["VersionId"]
    for i in range(3):
        s3.put_object(Bucket=vbucket, Key="big", Body=bytes([i]) * 1000)
    s3.delete_object(Bucket=vbucket, Key="big")
    assert s3.get_object(Bucket=vbucket, Key="big", VersionId=v1)["Body"].read() == body
    with pytest.raises(ClientError) as exc:
        s3.delete_bucket(Bucket=vbucket)
    assert code(exc) == "BucketNotEmpty"
