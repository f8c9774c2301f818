"""Records as the API's output structures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from fogbank.services.efs.fs.model import MeteredSize
from fogbank.services.efs.models import AccessPoint, FileSystem, Lifecycle, MountTarget


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def tags(pairs: Sequence[tuple[str, str]]) -> list[dict[str, object]]:
    return [{"Key": k, "Value": v} for k, v in pairs]


def name_of(pairs: Sequence[tuple[str, str]]) -> str | None:
    return next((v for k, v in pairs if k == "Name"), None)


def file_system(
    fs: FileSystem,
    pairs: Sequence[tuple[str, str]],
    mount_targets: int,
    size: MeteredSize,
) -> dict[str, object]:
    out: dict[str, object] = {
        "OwnerId": fs.account_id,
        "CreationToken": fs.creation_token,
        "FileSystemId": fs.fs_id,
        "FileSystemArn": fs.arn,
        "CreationTime": _time(fs.created_at),
        "LifeCycleState": fs.state,
        "NumberOfMountTargets": mount_targets,
        "SizeInBytes": {
            "Value": size.value,
            "Timestamp": _time(size.timestamp),
            "ValueInIA": size.infrequent_access,
            "ValueInStandard": size.standard,
            "ValueInArchive": 0,
        },
        "PerformanceMode": fs.performance_mode,
        "Encrypted": fs.encrypted,
        "ThroughputMode": fs.throughput_mode,
        "Tags": tags(pairs),
        "FileSystemProtection": {"ReplicationOverwriteProtection": fs.replication_protection},
    }
    name = name_of(pairs)
    if name is not None:
        out["Name"] = name
    if fs.kms_key_arn is not None:
        out["KmsKeyId"] = fs.kms_key_arn
    if fs.provisioned_mibps is not None:
        out["ProvisionedThroughputInMibps"] = fs.provisioned_mibps
    if fs.zone_name is not None:
        out["AvailabilityZoneName"] = fs.zone_name
        out["AvailabilityZoneId"] = fs.zone_id
    return out


def mount_target(mt: MountTarget) -> dict[str, object]:
    return {
        "OwnerId": mt.account_id,
        "MountTargetId": mt.mt_id,
        "FileSystemId": mt.fs_id,
        "SubnetId": mt.subnet_id,
        "LifeCycleState": mt.state,
        "IpAddress": mt.ip_address,
        "NetworkInterfaceId": mt.eni_id,
        "AvailabilityZoneId": mt.zone_id,
        "AvailabilityZoneName": mt.zone_name,
        "VpcId": mt.vpc_id,
    }


def access_point(ap: AccessPoint, pairs: Sequence[tuple[str, str]]) -> dict[str, object]:
    root: dict[str, object] = {"Path": ap.root_path}
    if ap.owner_uid is not None:
        root["CreationInfo"] = {
            "OwnerUid": ap.owner_uid,
            "OwnerGid": ap.owner_gid,
            "Permissions": ap.permissions,
        }
    out: dict[str, object] = {
        "ClientToken": ap.client_token,
        "Tags": tags(pairs),
        "AccessPointId": ap.ap_id,
        "AccessPointArn": ap.arn,
        "FileSystemId": ap.fs_id,
        "RootDirectory": root,
        "OwnerId": ap.account_id,
        "LifeCycleState": ap.state,
    }
    name = name_of(pairs)
    if name is not None:
        out["Name"] = name
    if ap.posix_uid is not None:
        out["PosixUser"] = {
            "Uid": ap.posix_uid,
            "Gid": ap.posix_gid,
            "SecondaryGids": list(ap.secondary_gids),
        }
    return out


def lifecycle(lc: Lifecycle) -> dict[str, object]:
    policies: list[dict[str, object]] = []
    if lc.transition_to_ia is not None:
        policies.append({"TransitionToIA": lc.transition_to_ia})
    if lc.transition_to_primary is not None:
        policies.append({"TransitionToPrimaryStorageClass": lc.transition_to_primary})
    if lc.transition_to_archive is not None:
        policies.append({"TransitionToArchive": lc.transition_to_archive})
    return {"LifecyclePolicies": policies}
