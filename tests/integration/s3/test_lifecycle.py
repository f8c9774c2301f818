"""Lifecycle configuration and the engine on the fogbank clock; Glacier archive and restore.

The clock only moves forward through the admin call (`fogbank clock advance`), which
returns once the due work is done; nothing here sleeps for days.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code, unique_bucket
from tests.support.server import FogbankServer

KiB = 1024
LAB_RULE = {
    "ID": "logs",
    "Status": "Enabled",
    "Filter": {"Prefix": "logs/"},
    "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}],
    "Expiration": {"Days": 365},
    "NoncurrentVersionExpiration": {"NoncurrentDays": 7},
}


def files_under(path: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(path)) if path.exists() else 0


def test_the_lifecycle_lab(make_server: Callable[..., FogbankServer], tmp_path: Path) -> None:
    server = make_server()
    s3 = server.client("s3")
    bucket = unique_bucket("lab")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": [LAB_RULE]}
    )
    body = os.urandom(200 * KiB)  # S3 does not transition objects under 128 KiB by default
    s3.put_object(Bucket=bucket, Key="logs/app.log", Body=b"old" * 50_000)
    s3.put_object(Bucket=bucket, Key="logs/app.log", Body=body)
    s3.put_object(Bucket=bucket, Key="other/keep.bin", Body=body)
    head = s3.head_object(Bucket=bucket, Key="logs/app.log")
    assert 'rule-id="logs"' in head["Expiration"]

    server.fogbank("clock", "advance", "31d")
    head = s3.head_object(Bucket=bucket, Key="logs/app.log")
    assert head["StorageClass"] == "GLACIER"
    listed = {o["Key"]: o for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed["logs/app.log"]["StorageClass"] == "GLACIER"
    assert listed["other/keep.bin"]["StorageClass"] == "STANDARD"
    versions = s3.list_object_versions(Bucket=bucket, Prefix="logs/")["Versions"]
    assert len(versions) == 1  # the noncurrent version expired after 7 days
    assert files_under(server.data_dir / "cold") >= 1
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="logs/app.log")
    assert code(exc) == "InvalidObjectState"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    server.aws(
        "s3api", "restore-object", "--bucket", bucket, "--key", "logs/app.log",
        "--restore-request", "Days=2,GlacierJobParameters={Tier=Expedited}",
    )  # fmt: skip
    assert s3.head_object(Bucket=bucket, Key="logs/app.log")["Restore"] == (
        'ongoing-request="true"'
    )
    with pytest.raises(ClientError) as exc:
        s3.restore_object(
            Bucket=bucket, Key="logs/app.log",
            RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}},
        )  # fmt: skip
    assert code(exc) == "RestoreAlreadyInProgress"
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="logs/app.log")
    assert code(exc) == "InvalidObjectState"

    server.fogbank("clock", "advance", "5m")
    head = s3.head_object(Bucket=bucket, Key="logs/app.log")
    assert head["Restore"].startswith('ongoing-request="false", expiry-date="')
    assert head["StorageClass"] == "GLACIER"
    out = tmp_path / "back.log"
    server.aws("s3", "cp", f"s3://{bucket}/logs/app.log", str(out), "--only-show-errors")
    assert out.read_bytes() == body

    server.fogbank("clock", "advance", "3d")
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="logs/app.log")
    assert code(exc) == "InvalidObjectState"
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="logs/app.log")

    server.fogbank("clock", "advance", "365d")
    with pytest.raises(ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="logs/app.log")
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    left = s3.list_object_versions(Bucket=bucket, Prefix="logs/")
    assert "Versions" not in left or not left["Versions"]  # expired, then noncurrent-expired
    assert len(left["DeleteMarkers"]) == 1
    assert s3.get_object(Bucket=bucket, Key="other/keep.bin")["Body"].read() == body


def test_filters_markers_uploads_and_newer_noncurrent(
    make_server: Callable[..., FogbankServer],
) -> None:
    server = make_server()
    s3 = server.client("s3")
    bucket = unique_bucket("lc")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    rules = [
        {"ID": "mp", "Status": "Enabled", "Filter": {"Prefix": "mp/"},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2}},
        {"ID": "markers", "Status": "Enabled", "Filter": {"Prefix": "m/"},
         "Expiration": {"ExpiredObjectDeleteMarker": True}},
        {"ID": "keep2", "Status": "Enabled", "Filter": {"Prefix": "n/"},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 1, "NewerNoncurrentVersions": 2}},
        {"ID": "tagged", "Status": "Enabled",
         "Filter": {"And": {"Prefix": "t/", "Tags": [{"Key": "tmp", "Value": "yes"}],
                            "ObjectSizeGreaterThan": 10}},
         "Expiration": {"Days": 2}},
        {"ID": "off", "Status": "Disabled", "Filter": {}, "Expiration": {"Days": 1}},
    ]  # fmt: skip
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mp/big")["UploadId"]
    other_upload = s3.create_multipart_upload(Bucket=bucket, Key="elsewhere")["UploadId"]
    v = s3.put_object(Bucket=bucket, Key="m/gone", Body=b"x")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="m/gone")
    s3.delete_object(Bucket=bucket, Key="m/gone", VersionId=v)  # the marker is alone now
    s3.put_object(Bucket=bucket, Key="m/alive", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="m/alive")  # marker with an older version: stays
    n_ids = [s3.put_object(Bucket=bucket, Key="n/k", Body=bytes([i]))["VersionId"]
             for i in range(5)]  # fmt: skip
    s3.put_object(Bucket=bucket, Key="t/a", Body=b"y" * 20, Tagging="tmp=yes")
    s3.put_object(Bucket=bucket, Key="t/small", Body=b"y", Tagging="tmp=yes")
    s3.put_object(Bucket=bucket, Key="t/untagged", Body=b"y" * 20)

    server.fogbank("clock", "advance", "3d")
    uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [u["UploadId"] for u in uploads] == [other_upload]
    assert upload != other_upload
    markers = s3.list_object_versions(Bucket=bucket, Prefix="m/")["DeleteMarkers"]
    assert [m["Key"] for m in markers] == ["m/alive"]
    kept = [x["VersionId"] for x in s3.list_object_versions(Bucket=bucket, Prefix="n/")["Versions"]]
    assert kept == [n_ids[4], n_ids[3], n_ids[2]]  # current + the 2 newest noncurrent
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="t/")["Contents"]}
    assert keys == {"t/small", "t/untagged"}


def test_configuration_round_trip_and_validation(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert code(exc) == "NoSuchLifecycleConfiguration"
    midnight = datetime(2031, 1, 1, tzinfo=UTC)
    rules = [
        LAB_RULE,
        {"ID": "dated", "Status": "Disabled", "Filter": {"Prefix": "logs/old/"},
         "Expiration": {"Date": midnight}},
    ]  # fmt: skip
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert got[0]["Transitions"] == [{"Days": 30, "StorageClass": "GLACIER"}]
    assert got[0]["Filter"] == {"Prefix": "logs/"}
    assert got[1]["Expiration"]["Date"] == midnight

    def refused(rule: dict[str, Any]) -> str:
        with pytest.raises(ClientError) as exc:
            s3.put_bucket_lifecycle_configuration(
                Bucket=bucket, LifecycleConfiguration={"Rules": [rule]}
            )
        return code(exc)

    base = {"ID": "r", "Status": "Enabled", "Filter": {"Prefix": "a/"}}
    assert refused({**base, "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]}) == (
        "InvalidArgument"
    )
    assert refused({**base, "Expiration": {"Date": datetime(2031, 1, 1, 12, tzinfo=UTC)}}) == (
        "InvalidArgument"
    )
    assert refused({**base, "Transitions": [{"Days": 40, "StorageClass": "GLACIER"}],
                    "Expiration": {"Days": 40}}) == "InvalidArgument"  # fmt: skip
    assert refused({**base, "Expiration": {"Days": 0}}) == "InvalidArgument"
    assert refused(base) == "InvalidRequest"
    assert refused({**base, "Status": "On", "Expiration": {"Days": 1}}) == "MalformedXML"
    assert refused({**base, "Filter": {"Prefix": "a/", "Tag": {"Key": "k", "Value": "v"}},
                    "Expiration": {"Days": 1}}) == "MalformedXML"  # fmt: skip
    assert refused({**base, "Filter": {"Tag": {"Key": "k", "Value": "v"}},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}) == (
        "InvalidRequest"
    )  # fmt: skip
    # nothing stored changed by the refusals
    assert len(s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]) == 2
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert code(exc) == "NoSuchLifecycleConfiguration"


def test_storage_classes_and_restore_errors(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="cold", Body=b"c" * 1000, StorageClass="GLACIER")
    s3.put_object(Bucket=bucket, Key="deep", Body=b"d", StorageClass="DEEP_ARCHIVE")
    s3.put_object(Bucket=bucket, Key="ir", Body=b"i", StorageClass="GLACIER_IR")
    s3.put_object(Bucket=bucket, Key="std", Body=b"s")
    up = s3.create_multipart_upload(Bucket=bucket, Key="mpu", StorageClass="ONEZONE_IA")
    part = s3.upload_part(Bucket=bucket, Key="mpu", UploadId=up["UploadId"], PartNumber=1,
                          Body=b"m")  # fmt: skip
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mpu", UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )  # fmt: skip
    classes = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert classes == {"cold": "GLACIER", "deep": "DEEP_ARCHIVE", "ir": "GLACIER_IR",
                       "std": "STANDARD", "mpu": "ONEZONE_IA"}  # fmt: skip
    assert s3.head_object(Bucket=bucket, Key="cold")["StorageClass"] == "GLACIER"
    assert s3.get_object(Bucket=bucket, Key="ir")["Body"].read() == b"i"
    for key in ("cold", "deep"):
        with pytest.raises(ClientError) as exc:
            s3.get_object(Bucket=bucket, Key=key)
        assert code(exc) == "InvalidObjectState"
    with pytest.raises(ClientError) as exc:
        s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/cold")
    assert code(exc) == "InvalidObjectState"
    copied = s3.copy_object(Bucket=bucket, Key="std2", CopySource=f"{bucket}/std",
                            StorageClass="STANDARD_IA")  # fmt: skip
    assert copied["CopyObjectResult"]["ETag"]
    assert s3.head_object(Bucket=bucket, Key="std2")["StorageClass"] == "STANDARD_IA"
    with pytest.raises(ClientError) as exc:
        s3.restore_object(Bucket=bucket, Key="std", RestoreRequest={"Days": 1})
    assert code(exc) == "InvalidObjectState"
    with pytest.raises(ClientError) as exc:
        s3.restore_object(Bucket=bucket, Key="deep", RestoreRequest={
            "Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})  # fmt: skip
    assert code(exc) == "InvalidArgument"
    first = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as exc:
        s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    assert code(exc) == "RestoreAlreadyInProgress"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    listed = json.loads(json.dumps(s3.list_object_versions(Bucket=bucket, Prefix="cold"),
                                   default=str))  # fmt: skip
    assert listed["Versions"][0]["RestoreStatus"]["IsRestoreInProgress"] is True
