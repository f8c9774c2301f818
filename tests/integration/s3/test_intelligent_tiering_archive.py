"""INTELLIGENT_TIERING's opt-in Archive Access and Deep Archive Access tiers: the bucket
configurations, the moves on the fogbank clock, and restore back to Frequent Access."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.s3.conftest import code, unique_bucket
from tests.support.server import FogbankServer

KiB = 1024


def _config(config_id: str, tierings: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"Id": config_id, "Status": "Enabled", "Tierings": tierings, **extra}


def _files(path: Path) -> int:
    return sum(len(f) for _, _, f in os.walk(path)) if path.exists() else 0


def test_configurations_are_validated_stored_and_listed(s3: Any, bucket: str) -> None:
    put = s3.put_bucket_intelligent_tiering_configuration
    good = _config(
        "archive", [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}],
        Filter={"And": {"Prefix": "logs/", "Tags": [{"Key": "k", "Value": "v"}]}},
    )  # fmt: skip
    put(Bucket=bucket, Id="archive", IntelligentTieringConfiguration=good)
    got = s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="archive")
    assert got["IntelligentTieringConfiguration"] == good
    bad_cases = [
        ("a", _config("a", [{"Days": 89, "AccessTier": "ARCHIVE_ACCESS"}])),
        ("b", _config("b", [{"Days": 179, "AccessTier": "DEEP_ARCHIVE_ACCESS"}])),
        ("c", _config("c", [{"Days": 731, "AccessTier": "ARCHIVE_ACCESS"}])),
        ("d", _config("d", [{"Days": 200, "AccessTier": "ARCHIVE_ACCESS"},
                            {"Days": 190, "AccessTier": "DEEP_ARCHIVE_ACCESS"}])),
        ("e", _config("other-id", [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}])),
    ]  # fmt: skip
    for config_id, body in bad_cases:
        with pytest.raises(ClientError) as exc:
            put(Bucket=bucket, Id=config_id, IntelligentTieringConfiguration=body)
        assert code(exc) == "InvalidArgument", config_id
    for i in range(3):
        put(
            Bucket=bucket, Id=f"more-{i}",
            IntelligentTieringConfiguration=_config(
                f"more-{i}", [{"Days": 180 + i, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]
            ),
        )  # fmt: skip
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket)
    assert [c["Id"] for c in listed["IntelligentTieringConfigurationList"]] == [
        "archive", "more-0", "more-1", "more-2",
    ]  # fmt: skip
    assert listed["IsTruncated"] is False
    s3.delete_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="more-1")
    for call in (
        s3.get_bucket_intelligent_tiering_configuration,
        s3.delete_bucket_intelligent_tiering_configuration,
    ):
        with pytest.raises(ClientError) as exc:
            call(Bucket=bucket, Id="more-1")
        assert code(exc) == "NoSuchConfiguration"
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket)
    assert len(listed["IntelligentTieringConfigurationList"]) == 3


def test_objects_move_to_the_archive_tiers_and_restore(
    make_server: Callable[..., FogbankServer], tmp_path: Path
) -> None:
    server = make_server()
    s3 = server.client("s3")
    bucket = unique_bucket("itarch")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_intelligent_tiering_configuration(
        Bucket=bucket, Id="cold",
        IntelligentTieringConfiguration=_config(
            "cold",
            [{"Days": 100, "AccessTier": "ARCHIVE_ACCESS"},
             {"Days": 200, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
            Filter={"Prefix": "archive/"},
        ),
    )  # fmt: skip
    body = os.urandom(200 * KiB)
    for key in ("archive/a", "archive/b", "other/c"):
        s3.put_object(Bucket=bucket, Key=key, Body=body, StorageClass="INTELLIGENT_TIERING")

    server.fogbank("clock", "advance", "101d")
    head = s3.head_object(Bucket=bucket, Key="archive/a")
    assert head["ArchiveStatus"] == "ARCHIVE_ACCESS"
    assert head["StorageClass"] == "INTELLIGENT_TIERING"
    assert "ArchiveStatus" not in s3.head_object(Bucket=bucket, Key="other/c")
    assert s3.get_object(Bucket=bucket, Key="other/c")["Body"].read() == body
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="archive/a")
    assert code(exc) == "InvalidObjectState"
    assert exc.value.response["Error"].get("AccessTier") == "ARCHIVE_ACCESS"
    assert _files(server.data_dir / "cold") >= 2  # the bodies really moved

    server.aws(
        "s3api", "restore-object", "--bucket", bucket, "--key", "archive/a",
        "--restore-request", "GlacierJobParameters={Tier=Standard}",
    )  # fmt: skip
    assert s3.head_object(Bucket=bucket, Key="archive/a")["Restore"] == 'ongoing-request="true"'
    with pytest.raises(ClientError) as exc:
        s3.get_object(Bucket=bucket, Key="archive/a")
    assert code(exc) == "InvalidObjectState"
    server.fogbank("clock", "advance", "6h")
    head = s3.head_object(Bucket=bucket, Key="archive/a")
    assert "ArchiveStatus" not in head and "Restore" not in head
    out = tmp_path / "a"
    server.aws("s3", "cp", f"s3://{bucket}/archive/a", str(out), "--only-show-errors")
    assert out.read_bytes() == body

    server.fogbank("clock", "advance", "100d")  # b: 201 days without access
    assert s3.head_object(Bucket=bucket, Key="archive/b")["ArchiveStatus"] == (
        "DEEP_ARCHIVE_ACCESS"
    )
    with pytest.raises(ClientError) as exc:  # Deep Archive has no Expedited retrieval
        s3.restore_object(
            Bucket=bucket, Key="archive/b",
            RestoreRequest={"GlacierJobParameters": {"Tier": "Expedited"}},
        )  # fmt: skip
    assert code(exc) == "InvalidArgument"
    s3.restore_object(
        Bucket=bucket, Key="archive/b", RestoreRequest={"GlacierJobParameters": {"Tier": "Bulk"}}
    )
    server.fogbank("clock", "advance", "2d")
    assert s3.get_object(Bucket=bucket, Key="archive/b")["Body"].read() == body

    # a was read 102 days ago: the read reset its clock, and it is archived again.
    assert s3.head_object(Bucket=bucket, Key="archive/a")["ArchiveStatus"] == "ARCHIVE_ACCESS"

    # Disabled: what is archived stays, nothing more moves to the archive tiers.
    s3.put_bucket_intelligent_tiering_configuration(
        Bucket=bucket, Id="cold",
        IntelligentTieringConfiguration={
            "Id": "cold", "Status": "Disabled",
            "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}],
        },
    )  # fmt: skip
    s3.put_object(Bucket=bucket, Key="archive/d", Body=body, StorageClass="INTELLIGENT_TIERING")
    server.fogbank("clock", "advance", "120d")
    assert "ArchiveStatus" not in s3.head_object(Bucket=bucket, Key="archive/d")
    assert s3.get_object(Bucket=bucket, Key="archive/d")["Body"].read() == body
    assert s3.head_object(Bucket=bucket, Key="archive/a")["ArchiveStatus"] == "ARCHIVE_ACCESS"
