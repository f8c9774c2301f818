"""EFS's errors: the modeled error shapes (``ErrorCode``, ``Message``, status) and the
Coral-style ``ValidationException`` EFS answers for constraint violations.

Messages quoted from AWS where known (FileSystemAlreadyExists, FileSystemInUse,
MountTargetConflict, the ValidationException form); others are fogbank's wording in
EFS's style (docs/efs.md lists them).
"""

from __future__ import annotations

from collections.abc import Sequence

from fogbank.core.errors import AwsError


def _error(code: str, message: str, status: int, **fields: object) -> AwsError:
    return AwsError(code, message, status=status, fields=fields)


def bad_request(message: str) -> AwsError:
    return _error("BadRequest", message, 400)


def validation(violations: Sequence[str]) -> AwsError:
    """``violations``: "Value 'x' at 'member' failed to satisfy constraint: ..." each."""
    n = len(violations)
    noun = "error" if n == 1 else "errors"
    return _error(
        "ValidationException", f"{n} validation {noun} detected: {'; '.join(violations)}", 400
    )


def file_system_not_found(fs_id: str) -> AwsError:
    return _error("FileSystemNotFound", f"File system '{fs_id}' does not exist.", 404)


def file_system_exists(fs_id: str, token: str) -> AwsError:
    return _error(
        "FileSystemAlreadyExists",
        f"File system '{fs_id}' already exists with creation token '{token}'",
        409,
        FileSystemId=fs_id,
    )


def file_system_in_use(fs_id: str) -> AwsError:
    return _error(
        "FileSystemInUse",
        f"The file system '{fs_id}' cannot be deleted because it has mount targets."
        " You must delete the mount targets, and then try again.",
        409,
    )


def incorrect_state(fs_id: str, state: str) -> AwsError:
    return _error(
        "IncorrectFileSystemLifeCycleState",
        f"File system '{fs_id}' is in the '{state}' state; it must be 'available'.",
        409,
    )


def mount_target_not_found(mt_id: str) -> AwsError:
    return _error("MountTargetNotFound", f"Mount target '{mt_id}' does not exist.", 404)


def mount_target_conflict(message: str) -> AwsError:
    return _error("MountTargetConflict", message, 409)


def incorrect_mount_target_state(mt_id: str, state: str) -> AwsError:
    return _error(
        "IncorrectMountTargetState",
        f"Mount target '{mt_id}' is in the '{state}' state.",
        409,
    )


def subnet_not_found(subnet_id: str) -> AwsError:
    return _error("SubnetNotFound", f"The subnet ID '{subnet_id}' does not exist", 400)


def security_group_not_found(group_id: str) -> AwsError:
    return _error(
        "SecurityGroupNotFound",
        f"The security group '{group_id}' does not exist in the subnet's VPC.",
        400,
    )


def security_group_limit(limit: int) -> AwsError:
    return _error(
        "SecurityGroupLimitExceeded",
        f"The number of security groups exceeds the limit of {limit} per mount target.",
        400,
    )


def zones_mismatch(fs_zone: str, zone: str) -> AwsError:
    return _error(
        "AvailabilityZonesMismatch",
        f"The One Zone file system is in {fs_zone}; the subnet is in {zone}.",
        400,
    )


def ip_in_use(address: str) -> AwsError:
    return _error("IpAddressInUse", f"IP address {address} is already in use.", 409)


def no_free_addresses() -> AwsError:
    return _error(
        "NoFreeAddressesInSubnet",
        "No free loopback address is left for a mount target (see FOGBANK_EFS_ADDRESSES).",
        409,
    )


def access_point_not_found(ap_id: str) -> AwsError:
    return _error("AccessPointNotFound", f"Access point '{ap_id}' does not exist.", 404)


def access_point_exists(ap_id: str, token: str) -> AwsError:
    return _error(
        "AccessPointAlreadyExists",
        f"Access point '{ap_id}' already exists with client token '{token}'",
        409,
        AccessPointId=ap_id,
    )


def access_point_limit(fs_id: str, limit: int) -> AwsError:
    return _error(
        "AccessPointLimitExceeded",
        f"You have reached the maximum number of access points ({limit}) for your file"
        f" system {fs_id}. Delete an access point and add a new one.",
        403,
    )


def policy_not_found(fs_id: str) -> AwsError:
    return _error(
        "PolicyNotFound",
        f"File system '{fs_id}' does not have a file system policy;"
        " the default file system policy is in effect.",
        404,
    )


def invalid_policy(message: str) -> AwsError:
    return _error("InvalidPolicyException", message, 400)


def file_system_limit(limit: int) -> AwsError:
    return _error(
        "FileSystemLimitExceeded",
        f"You have reached the maximum number of file systems ({limit}) in this Region.",
        403,
    )


def throughput_too_soon() -> AwsError:
    return _error(
        "TooManyRequests",
        "You can decrease the provisioned throughput or change the throughput mode only"
        " once every 24 hours.",
        429,
    )


def throughput_limit(mibps: float, limit: float) -> AwsError:
    return _error(
        "ThroughputLimitExceeded",
        f"The provisioned throughput {mibps:g} MiBps exceeds the limit of {limit:g} MiBps.",
        400,
    )


def unsupported_zone(zone: str, region: str) -> AwsError:
    return _error(
        "UnsupportedAvailabilityZone",
        f"Availability Zone '{zone}' is not supported in {region}.",
        400,
    )
