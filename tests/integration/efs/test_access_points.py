"""Access points through the AWS CLI: POSIX users, root directories with creation
info, client tokens, descriptions and pages, tags, and the errors EFS gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.efs.conftest import Cli, file_system


def test_create_describe_delete(cli: Cli, cli_error: Callable[..., str], region: str) -> None:
    fs_id = file_system(cli, "ap")
    ap = cli(
        "efs",
        "create-access-point",
        "--file-system-id",
        fs_id,
        "--client-token",
        "app-token",
        "--posix-user",
        "Uid=1001,Gid=1001,SecondaryGids=3000,3001",
        "--root-directory",
        "Path=/app,CreationInfo={OwnerUid=1001,OwnerGid=1001,Permissions=0750}",
        "--tags",
        "Key=Name,Value=app",
    )
    ap_id = ap["AccessPointId"]
    assert ap_id.startswith("fsap-") and len(ap_id) == 22
    assert ap["AccessPointArn"] == (
        f"arn:aws:elasticfilesystem:{region}:000000000000:access-point/{ap_id}"
    )
    assert ap["PosixUser"] == {"Uid": 1001, "Gid": 1001, "SecondaryGids": [3000, 3001]}
    assert ap["RootDirectory"] == {
        "Path": "/app",
        "CreationInfo": {"OwnerUid": 1001, "OwnerGid": 1001, "Permissions": "0750"},
    }
    assert ap["Name"] == "app" and ap["LifeCycleState"] == "available"
    assert ap["ClientToken"] == "app-token" and ap["FileSystemId"] == fs_id
    again = cli_error(
        "efs", "create-access-point", "--file-system-id", fs_id, "--client-token", "app-token"
    )
    assert "AccessPointAlreadyExists" in again
    plain = cli("efs", "create-access-point", "--file-system-id", fs_id, "--client-token", "t2")
    assert plain["RootDirectory"] == {"Path": "/"} and "PosixUser" not in plain
    described = cli("efs", "describe-access-points", "--access-point-id", ap_id)["AccessPoints"]
    assert described == [ap]
    of_fs = cli("efs", "describe-access-points", "--file-system-id", fs_id)["AccessPoints"]
    assert sorted(a["AccessPointId"] for a in of_fs) == sorted([ap_id, plain["AccessPointId"]])
    # Mount targets of an access point are its file system's.
    assert cli("efs", "describe-mount-targets", "--access-point-id", ap_id) == {"MountTargets": []}
    cli("efs", "delete-access-point", "--access-point-id", ap_id)
    err = cli_error("efs", "describe-access-points", "--access-point-id", ap_id)
    assert "AccessPointNotFound" in err
    # Deleting the file system takes its access points with it.
    cli("efs", "delete-file-system", "--file-system-id", fs_id)
    assert cli("efs", "describe-access-points")["AccessPoints"] == []


def test_validation_and_errors(cli: Cli, efs: Any) -> None:
    fs_id = file_system(cli, "ap-bad")
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"RootDirectory": {"Path": "//x"}}, "ValidationException", "rootDirectory.path"),
        ({"RootDirectory": {"Path": "/a/b/c/d/e"}}, "ValidationException", "regular expression"),
        ({"RootDirectory": {"Path": "/.hidden"}}, "ValidationException", "rootDirectory.path"),
        ({"RootDirectory": {"Path": "/x" * 60}}, "ValidationException", "length"),
        (
            {
                "RootDirectory": {
                    "Path": "/x",
                    "CreationInfo": {"OwnerUid": 1, "OwnerGid": 1, "Permissions": "999"},
                }
            },
            "ValidationException",
            "permissions",
        ),
        (
            {"PosixUser": {"Uid": 1, "Gid": 1, "SecondaryGids": list(range(17))}},
            "ValidationException",
            "secondaryGids",
        ),
        ({"PosixUser": {"Uid": 4294967296, "Gid": 1}}, "ValidationException", "posixUser.uid"),
    ]
    for i, (extra, code, words) in enumerate(cases):
        with pytest.raises(ClientError) as exc:
            efs.create_access_point(ClientToken=f"bad-{i}", FileSystemId=fs_id, **extra)
        assert exc.value.response["Error"]["Code"] == code, extra
        assert words in exc.value.response["Error"]["Message"], extra
    with pytest.raises(ClientError) as exc:
        efs.create_access_point(ClientToken="x", FileSystemId="fs-0123456789abcdef0")
    assert exc.value.response["Error"]["Code"] == "FileSystemNotFound"
    with pytest.raises(ClientError) as exc:
        efs.describe_access_points(FileSystemId=fs_id, AccessPointId="fsap-0123456789abcdef0")
    assert exc.value.response["Error"]["Code"] == "BadRequest"
    with pytest.raises(ClientError) as exc:
        efs.delete_access_point(AccessPointId="fsap-0123456789abcdef0")
    assert exc.value.response["Error"]["Code"] == "AccessPointNotFound"
    assert efs.describe_access_points(FileSystemId=fs_id)["AccessPoints"] == []


def test_pages_and_tags(cli: Cli, efs: Any) -> None:
    fs_id = file_system(cli, "ap-pages")
    made = [
        efs.create_access_point(ClientToken=f"pg-{i}", FileSystemId=fs_id)["AccessPointId"]
        for i in range(3)
    ]
    first = efs.describe_access_points(FileSystemId=fs_id, MaxResults=2)
    assert len(first["AccessPoints"]) == 2 and "NextToken" in first
    second = efs.describe_access_points(FileSystemId=fs_id, NextToken=first["NextToken"])
    seen = [a["AccessPointId"] for a in first["AccessPoints"] + second["AccessPoints"]]
    assert sorted(seen) == sorted(made) and "NextToken" not in second
    arn = efs.describe_access_points(AccessPointId=made[0])["AccessPoints"][0]["AccessPointArn"]
    efs.tag_resource(ResourceId=arn, Tags=[{"Key": "Name", "Value": "web"}])
    assert efs.list_tags_for_resource(ResourceId=made[0])["Tags"] == [
        {"Key": "Name", "Value": "web"}
    ]
    assert efs.describe_access_points(AccessPointId=made[0])["AccessPoints"][0]["Name"] == "web"
    efs.untag_resource(ResourceId=made[0], TagKeys=["Name"])
    assert efs.list_tags_for_resource(ResourceId=arn)["Tags"] == []
