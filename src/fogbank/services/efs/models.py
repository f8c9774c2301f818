"""Domain records of the EFS control plane (frozen; the store reads and writes them)."""

from __future__ import annotations

from dataclasses import dataclass, field

# LifeCycleState values (file systems, mount targets, access points).
CREATING = "creating"
AVAILABLE = "available"
UPDATING = "updating"
DELETING = "deleting"
DELETED = "deleted"
ERROR = "error"

GENERAL_PURPOSE = "generalPurpose"
MAX_IO = "maxIO"
BURSTING = "bursting"
PROVISIONED = "provisioned"
ELASTIC = "elastic"


@dataclass(frozen=True)
class Lifecycle:
    """The file system's LifecycleConfiguration: one transition per policy object."""

    transition_to_ia: str | None = None  # "AFTER_30_DAYS" ...
    transition_to_primary: str | None = None  # "AFTER_1_ACCESS"
    transition_to_archive: str | None = None  # stored and reported; no archive class


@dataclass(frozen=True)
class FileSystem:
    fs_id: str
    account_id: str
    region: str
    creation_token: str
    created_at: float
    state: str
    performance_mode: str
    throughput_mode: str
    provisioned_mibps: float | None
    throughput_changed_at: float | None
    encrypted: bool
    kms_key_arn: str | None
    data_key_blob: bytes | None  # the data key, encrypted under the KMS key
    zone_name: str | None  # One Zone file systems
    zone_id: str | None
    backup_status: str
    replication_protection: str
    lifecycle: Lifecycle
    policy: str | None

    @property
    def arn(self) -> str:
        return file_system_arn(self.region, self.account_id, self.fs_id)


@dataclass(frozen=True)
class MountTarget:
    mt_id: str
    fs_id: str
    account_id: str
    region: str
    subnet_id: str
    vpc_id: str
    zone_name: str
    zone_id: str
    ip_address: str
    eni_id: str
    security_groups: tuple[str, ...]
    state: str
    created_at: float


@dataclass(frozen=True)
class AccessPoint:
    ap_id: str
    fs_id: str
    account_id: str
    region: str
    client_token: str
    posix_uid: int | None
    posix_gid: int | None
    secondary_gids: tuple[int, ...]
    root_path: str
    owner_uid: int | None
    owner_gid: int | None
    permissions: str | None
    state: str
    created_at: float
    tags: tuple[tuple[str, str], ...] = field(default=())

    @property
    def arn(self) -> str:
        return access_point_arn(self.region, self.account_id, self.ap_id)


def file_system_arn(region: str, account_id: str, fs_id: str) -> str:
    return f"arn:aws:elasticfilesystem:{region}:{account_id}:file-system/{fs_id}"


def access_point_arn(region: str, account_id: str, ap_id: str) -> str:
    return f"arn:aws:elasticfilesystem:{region}:{account_id}:access-point/{ap_id}"
