"""File systems through the AWS CLI and boto3: creation, idempotency, encryption,
descriptions and pages, throughput, policies, lifecycle, backup, tags, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.efs.conftest import Cli, file_system


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, int, dict[str, Any]]:
    response = exc.value.response
    return (
        str(response["Error"]["Code"]),
        int(response["ResponseMetadata"]["HTTPStatusCode"]),
        response,
    )


def test_create_describe_delete(cli: Cli, efs: Any, region: str) -> None:
    created = efs.create_file_system(
        CreationToken="tok-1",
        Tags=[{"Key": "Name", "Value": "shared"}, {"Key": "team", "Value": "data"}],
    )
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    fs_id = created["FileSystemId"]
    assert fs_id.startswith("fs-") and len(fs_id) == 20
    assert created["LifeCycleState"] == "creating"
    assert created["FileSystemArn"] == (
        f"arn:aws:elasticfilesystem:{region}:000000000000:file-system/{fs_id}"
    )
    assert created["Name"] == "shared"
    assert created["PerformanceMode"] == "generalPurpose"
    assert created["ThroughputMode"] == "bursting"
    assert created["Encrypted"] is False and "KmsKeyId" not in created
    assert created["NumberOfMountTargets"] == 0
    assert created["SizeInBytes"]["Value"] == 0
    described = cli("efs", "describe-file-systems", "--file-system-id", fs_id)["FileSystems"]
    assert len(described) == 1 and described[0]["LifeCycleState"] == "available"
    assert {t["Key"]: t["Value"] for t in described[0]["Tags"]} == {
        "Name": "shared",
        "team": "data",
    }
    by_arn = efs.describe_file_systems(FileSystemId=created["FileSystemArn"])["FileSystems"]
    assert [f["FileSystemId"] for f in by_arn] == [fs_id]
    by_token = cli("efs", "describe-file-systems", "--creation-token", "tok-1")["FileSystems"]
    assert [f["FileSystemId"] for f in by_token] == [fs_id]
    assert cli("efs", "describe-file-systems", "--creation-token", "nope")["FileSystems"] == []
    cli("efs", "delete-file-system", "--file-system-id", fs_id)
    with pytest.raises(ClientError) as exc:
        efs.describe_file_systems(FileSystemId=fs_id)
    code, status, response = _error(exc)
    assert (code, status) == ("FileSystemNotFound", 404)
    assert response["ErrorCode"] == "FileSystemNotFound"
    assert fs_id in response["Error"]["Message"]


def test_creation_token_is_idempotent(efs: Any) -> None:
    first = efs.create_file_system(CreationToken="same")["FileSystemId"]
    with pytest.raises(ClientError) as exc:
        efs.create_file_system(CreationToken="same", PerformanceMode="maxIO")
    code, status, response = _error(exc)
    assert (code, status) == ("FileSystemAlreadyExists", 409)
    assert response["FileSystemId"] == first
    assert len(efs.describe_file_systems()["FileSystems"]) == 1


def test_pages_with_marker_and_max_items(cli: Cli, efs: Any) -> None:
    made = {efs.create_file_system(CreationToken=f"p{i}")["FileSystemId"] for i in range(5)}
    first = efs.describe_file_systems(MaxItems=2)
    assert len(first["FileSystems"]) == 2 and "NextMarker" in first
    second = efs.describe_file_systems(MaxItems=2, Marker=first["NextMarker"])
    assert second["Marker"] == first["NextMarker"] and len(second["FileSystems"]) == 2
    third = efs.describe_file_systems(MaxItems=2, Marker=second["NextMarker"])
    assert len(third["FileSystems"]) == 1 and "NextMarker" not in third
    seen = [f["FileSystemId"] for p in (first, second, third) for f in p["FileSystems"]]
    assert sorted(seen) == sorted(made)
    # The CLI follows the pages by itself.
    listed = cli("efs", "describe-file-systems", "--page-size", "2")["FileSystems"]
    assert {f["FileSystemId"] for f in listed} == made


def test_encrypted_with_the_managed_key_and_a_customer_key(
    server: Any, efs: Any, region: str
) -> None:
    kms = server.client("kms", region_name=region)
    managed = efs.create_file_system(CreationToken="enc-managed", Encrypted=True)
    assert managed["Encrypted"] is True
    alias_target = kms.describe_key(KeyId="alias/aws/elasticfilesystem")["KeyMetadata"]
    assert managed["KmsKeyId"] == alias_target["Arn"]
    assert alias_target["KeyManager"] == "AWS"
    key = kms.create_key(Description="efs")["KeyMetadata"]
    custom = efs.create_file_system(CreationToken="enc-cmk", Encrypted=True, KmsKeyId=key["KeyId"])
    assert custom["KmsKeyId"] == key["Arn"]
    by_alias = kms.create_alias(AliasName="alias/efs-lab", TargetKeyId=key["KeyId"])
    assert by_alias["ResponseMetadata"]["HTTPStatusCode"] == 200
    aliased = efs.create_file_system(
        CreationToken="enc-alias", Encrypted=True, KmsKeyId="alias/efs-lab"
    )
    assert aliased["KmsKeyId"] == key["Arn"]
    with pytest.raises(ClientError) as exc:
        efs.create_file_system(CreationToken="enc-bad", KmsKeyId=key["KeyId"])
    assert _error(exc)[:2] == ("BadRequest", 400)
    with pytest.raises(ClientError) as exc:
        efs.create_file_system(
            CreationToken="enc-missing",
            Encrypted=True,
            KmsKeyId="11111111-2222-3333-4444-555555555555",
        )
    assert _error(exc)[0] == "NotFoundException"
    kms.disable_key(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as exc:
        efs.create_file_system(CreationToken="enc-off", Encrypted=True, KmsKeyId=key["KeyId"])
    assert _error(exc)[0] == "DisabledException"
    tokens = {f["CreationToken"] for f in efs.describe_file_systems()["FileSystems"]}
    assert tokens == {"enc-managed", "enc-cmk", "enc-alias"}


def test_throughput_modes(efs: Any) -> None:
    with pytest.raises(ClientError) as exc:
        efs.create_file_system(CreationToken="t-bad", ThroughputMode="provisioned")
    assert _error(exc)[:2] == ("BadRequest", 400)
    with pytest.raises(ClientError) as exc:
        efs.create_file_system(
            CreationToken="t-io", PerformanceMode="maxIO", ThroughputMode="elastic"
        )
    assert _error(exc)[:2] == ("BadRequest", 400)
    fs = efs.create_file_system(
        CreationToken="t-prov", ThroughputMode="provisioned", ProvisionedThroughputInMibps=100.0
    )
    assert fs["ProvisionedThroughputInMibps"] == 100.0
    up = efs.update_file_system(FileSystemId=fs["FileSystemId"], ProvisionedThroughputInMibps=200.0)
    assert up["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert up["ProvisionedThroughputInMibps"] == 200.0
    down = efs.update_file_system(
        FileSystemId=fs["FileSystemId"], ProvisionedThroughputInMibps=50.0
    )
    assert down["ProvisionedThroughputInMibps"] == 50.0
    with pytest.raises(ClientError) as exc:  # a second decrease within 24 hours
        efs.update_file_system(FileSystemId=fs["FileSystemId"], ThroughputMode="elastic")
    assert _error(exc)[:2] == ("TooManyRequests", 429)
    with pytest.raises(ClientError) as exc:
        efs.create_file_system(
            CreationToken="t-max", ThroughputMode="provisioned", ProvisionedThroughputInMibps=9999.0
        )
    assert _error(exc)[0] == "ThroughputLimitExceeded"
    assert {f["CreationToken"] for f in efs.describe_file_systems()["FileSystems"]} == {"t-prov"}


def test_one_zone_file_system(efs: Any, region: str) -> None:
    fs = efs.create_file_system(CreationToken="oz", AvailabilityZoneName=f"{region}b")
    assert fs["AvailabilityZoneName"] == f"{region}b"
    assert fs["AvailabilityZoneId"]
    assert efs.describe_backup_policy(FileSystemId=fs["FileSystemId"])["BackupPolicy"] == {
        "Status": "ENABLED"
    }
    with pytest.raises(ClientError) as exc:
        efs.create_file_system(CreationToken="oz2", AvailabilityZoneName=f"{region}q")
    assert _error(exc)[0] == "UnsupportedAvailabilityZone"


def test_bad_ids_and_values(efs: Any, cli_error: Callable[..., str]) -> None:
    with pytest.raises(ClientError) as exc:
        efs.describe_file_systems(FileSystemId="fs-XYZ")
    code, status, response = _error(exc)
    assert (code, status) == ("ValidationException", 400)
    assert (
        "1 validation error detected: Value 'fs-XYZ' at 'fileSystemId'"
        in response["Error"]["Message"]
    )
    with pytest.raises(ClientError) as exc:
        efs.delete_file_system(FileSystemId="fs-0123456789abcdef0")
    assert _error(exc)[:2] == ("FileSystemNotFound", 404)
    with pytest.raises(ClientError) as exc:
        efs.create_file_system(CreationToken="x" * 65)
    assert "Member must have length less than or equal to 64" in str(exc.value)
    err = cli_error(
        "efs", "create-file-system", "--creation-token", "y", "--tags", "Key=aws:x,Value=1"
    )
    assert "ValidationException" in err
    with pytest.raises(ClientError) as exc:
        efs.describe_file_systems(FileSystemId="fs-0123456789abcdef0", CreationToken="t")
    assert _error(exc)[0] == "BadRequest"


def test_file_system_policy(cli: Cli, efs: Any, cli_error: Callable[..., str]) -> None:
    fs_id = file_system(cli, "pol")
    err = cli_error("efs", "describe-file-system-policy", "--file-system-id", fs_id)
    assert "PolicyNotFound" in err
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "elasticfilesystem:ClientWrite",
            }
        ],
    }
    put = cli(
        "efs", "put-file-system-policy", "--file-system-id", fs_id, "--policy", json.dumps(policy)
    )
    assert put["FileSystemId"] == fs_id and json.loads(put["Policy"]) == policy
    got = cli("efs", "describe-file-system-policy", "--file-system-id", fs_id)
    assert json.loads(got["Policy"]) == policy
    for bad, words in (
        ("{not json", "invalid Json"),
        ("[]", "first byte must be"),
        ('{"Statement": []}', "Statement is empty"),
        ('{"Statement": [{"Effect": "Allow", "Action": "*"}]}', "Principal"),
    ):
        with pytest.raises(ClientError) as exc:
            efs.put_file_system_policy(FileSystemId=fs_id, Policy=bad)
        code, status, response = _error(exc)
        assert (code, status) == ("InvalidPolicyException", 400), bad
        assert words in response["Error"]["Message"]
    lockout = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "elasticfilesystem:PutFileSystemPolicy",
            }
        ]
    }
    with pytest.raises(ClientError) as exc:
        efs.put_file_system_policy(FileSystemId=fs_id, Policy=json.dumps(lockout))
    assert _error(exc)[0] == "InvalidPolicyException"
    assert json.loads(efs.describe_file_system_policy(FileSystemId=fs_id)["Policy"]) == policy
    cli("efs", "delete-file-system-policy", "--file-system-id", fs_id)
    assert "PolicyNotFound" in cli_error(
        "efs", "describe-file-system-policy", "--file-system-id", fs_id
    )


def test_lifecycle_backup_and_account_preferences(cli: Cli, efs: Any) -> None:
    fs_id = file_system(cli, "life")
    assert cli("efs", "describe-lifecycle-configuration", "--file-system-id", fs_id) == {
        "LifecyclePolicies": []
    }
    put = cli(
        "efs",
        "put-lifecycle-configuration",
        "--file-system-id",
        fs_id,
        "--lifecycle-policies",
        "TransitionToIA=AFTER_30_DAYS",
        "TransitionToPrimaryStorageClass=AFTER_1_ACCESS",
    )
    assert put["LifecyclePolicies"] == [
        {"TransitionToIA": "AFTER_30_DAYS"},
        {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"},
    ]
    assert cli("efs", "describe-lifecycle-configuration", "--file-system-id", fs_id) == put
    with pytest.raises(ClientError) as exc:  # two transitions in one object
        efs.put_lifecycle_configuration(
            FileSystemId=fs_id,
            LifecyclePolicies=[
                {
                    "TransitionToIA": "AFTER_7_DAYS",
                    "TransitionToPrimaryStorageClass": "AFTER_1_ACCESS",
                }
            ],
        )
    assert _error(exc)[0] == "BadRequest"
    with pytest.raises(ClientError) as exc:  # archive needs Elastic throughput
        efs.put_lifecycle_configuration(
            FileSystemId=fs_id, LifecyclePolicies=[{"TransitionToArchive": "AFTER_90_DAYS"}]
        )
    assert _error(exc)[0] == "BadRequest"
    assert cli("efs", "describe-lifecycle-configuration", "--file-system-id", fs_id) == put
    efs.put_lifecycle_configuration(FileSystemId=fs_id, LifecyclePolicies=[])
    assert efs.describe_lifecycle_configuration(FileSystemId=fs_id)["LifecyclePolicies"] == []

    assert cli("efs", "describe-backup-policy", "--file-system-id", fs_id) == {
        "BackupPolicy": {"Status": "DISABLED"}
    }
    cli("efs", "put-backup-policy", "--file-system-id", fs_id, "--backup-policy", "Status=ENABLED")
    assert efs.describe_backup_policy(FileSystemId=fs_id)["BackupPolicy"]["Status"] == "ENABLED"
    with pytest.raises(ClientError) as exc:
        efs.put_backup_policy(FileSystemId=fs_id, BackupPolicy={"Status": "ENABLING"})
    assert _error(exc)[0] == "ValidationException"

    prefs = cli("efs", "describe-account-preferences")["ResourceIdPreference"]
    assert prefs == {"ResourceIdType": "LONG_ID", "Resources": ["FILE_SYSTEM", "MOUNT_TARGET"]}
    with pytest.raises(ClientError) as exc:
        efs.put_account_preferences(ResourceIdType="SHORT_ID")
    assert _error(exc)[0] == "BadRequest"
    kept = efs.put_account_preferences(ResourceIdType="LONG_ID")["ResourceIdPreference"]
    assert kept["ResourceIdType"] == "LONG_ID"


def test_tags_new_and_legacy(cli: Cli, efs: Any, region: str) -> None:
    fs_id = file_system(cli, "tags", "--tags", "Key=Name,Value=first")
    arn = f"arn:aws:elasticfilesystem:{region}:000000000000:file-system/{fs_id}"
    cli(
        "efs",
        "tag-resource",
        "--resource-id",
        arn,
        "--tags",
        "Key=env,Value=lab",
        "Key=Name,Value=second",
    )
    tags = cli("efs", "list-tags-for-resource", "--resource-id", fs_id)["Tags"]
    assert tags == [{"Key": "Name", "Value": "second"}, {"Key": "env", "Value": "lab"}]
    fs = cli("efs", "describe-file-systems", "--file-system-id", fs_id)["FileSystems"][0]
    assert fs["Name"] == "second"
    cli("efs", "untag-resource", "--resource-id", fs_id, "--tag-keys", "env")
    cli("efs", "create-tags", "--file-system-id", fs_id, "--tags", "Key=old,Value=api")
    legacy = cli("efs", "describe-tags", "--file-system-id", fs_id)["Tags"]
    assert legacy == [{"Key": "Name", "Value": "second"}, {"Key": "old", "Value": "api"}]
    cli("efs", "delete-tags", "--file-system-id", fs_id, "--tag-keys", "Name")
    assert cli("efs", "list-tags-for-resource", "--resource-id", fs_id)["Tags"] == [
        {"Key": "old", "Value": "api"}
    ]
    assert (
        "Name"
        not in cli("efs", "describe-file-systems", "--file-system-id", fs_id)["FileSystems"][0]
    )
    page = efs.list_tags_for_resource(ResourceId=fs_id, MaxResults=1)
    assert page["Tags"] == [{"Key": "old", "Value": "api"}] and "NextToken" not in page
    with pytest.raises(ClientError) as exc:
        efs.tag_resource(ResourceId="fs-0123456789abcdef0", Tags=[{"Key": "a", "Value": "b"}])
    assert _error(exc)[0] == "FileSystemNotFound"
    with pytest.raises(ClientError) as exc:
        efs.tag_resource(ResourceId=fs_id, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert _error(exc)[0] == "BadRequest"
    assert len(efs.list_tags_for_resource(ResourceId=fs_id)["Tags"]) == 1
