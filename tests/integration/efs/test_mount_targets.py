"""Mount targets through the AWS CLI: one per Availability Zone, security groups (the
VPC's default group unless given), addresses of their own on loopback, EC2's view of
them (groups and subnets in use), and the errors EFS gives."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.integration.efs.conftest import Cli, default_subnet, file_system


def wait_available(cli: Cli, mt_id: str, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        mt = cli("efs", "describe-mount-targets", "--mount-target-id", mt_id)["MountTargets"][0]
        if mt["LifeCycleState"] == "available" or time.monotonic() > deadline:
            return dict(mt)
        time.sleep(0.2)


def test_mount_target_lifecycle(cli: Cli, cli_error: Callable[..., str], region: str) -> None:
    fs_id = file_system(cli, "mt")
    subnet, vpc = default_subnet(cli, "a")
    mt = cli("efs", "create-mount-target", "--file-system-id", fs_id, "--subnet-id", subnet)
    assert mt["LifeCycleState"] in ("creating", "available")
    assert mt["FileSystemId"] == fs_id and mt["SubnetId"] == subnet and mt["VpcId"] == vpc
    assert mt["AvailabilityZoneName"] == f"{region}a"
    assert mt["MountTargetId"].startswith("fsmt-") and mt["NetworkInterfaceId"].startswith("eni-")
    address = ipaddress.IPv4Address(mt["IpAddress"])
    assert address.is_loopback and str(address) != "127.0.0.1"
    assert wait_available(cli, mt["MountTargetId"])["LifeCycleState"] == "available"
    fs = cli("efs", "describe-file-systems", "--file-system-id", fs_id)["FileSystems"][0]
    assert fs["NumberOfMountTargets"] == 1

    default = cli(
        "ec2",
        "describe-security-groups",
        "--filters",
        f"Name=vpc-id,Values={vpc}",
        "Name=group-name,Values=default",
    )["SecurityGroups"][0]["GroupId"]
    groups = cli(
        "efs", "describe-mount-target-security-groups", "--mount-target-id", mt["MountTargetId"]
    )
    assert groups == {"SecurityGroups": [default]}

    err = cli_error("efs", "create-mount-target", "--file-system-id", fs_id, "--subnet-id", subnet)
    assert "MountTargetConflict" in err and "already exists in this AZ" in err
    err = cli_error("efs", "delete-file-system", "--file-system-id", fs_id)
    assert "FileSystemInUse" in err
    # EC2 knows the subnet is in use.
    assert "DependencyViolation" in cli_error("ec2", "delete-subnet", "--subnet-id", subnet)

    listed = cli("efs", "describe-mount-targets", "--file-system-id", fs_id)["MountTargets"]
    assert [m["MountTargetId"] for m in listed] == [mt["MountTargetId"]]
    cli("efs", "delete-mount-target", "--mount-target-id", mt["MountTargetId"])
    assert cli("efs", "describe-mount-targets", "--file-system-id", fs_id)["MountTargets"] == []
    err = cli_error("efs", "describe-mount-targets", "--mount-target-id", mt["MountTargetId"])
    assert "MountTargetNotFound" in err
    cli("efs", "delete-file-system", "--file-system-id", fs_id)


def test_security_groups_of_a_mount_target(
    cli: Cli, cli_error: Callable[..., str], efs: Any
) -> None:
    fs_id = file_system(cli, "mt-sg")
    subnet, _ = default_subnet(cli, "b")
    sg = cli("ec2", "create-security-group", "--group-name", "nfs", "--description", "nfs")[
        "GroupId"
    ]
    mt = cli(
        "efs",
        "create-mount-target",
        "--file-system-id",
        fs_id,
        "--subnet-id",
        subnet,
        "--security-groups",
        sg,
    )
    mt_id = mt["MountTargetId"]
    assert cli("efs", "describe-mount-target-security-groups", "--mount-target-id", mt_id) == {
        "SecurityGroups": [sg]
    }
    # The group is in use: EC2 refuses to delete it.
    assert "DependencyViolation" in cli_error("ec2", "delete-security-group", "--group-id", sg)
    other = cli("ec2", "create-security-group", "--group-name", "nfs2", "--description", "nfs2")[
        "GroupId"
    ]
    cli(
        "efs",
        "modify-mount-target-security-groups",
        "--mount-target-id",
        mt_id,
        "--security-groups",
        other,
    )
    assert cli("efs", "describe-mount-target-security-groups", "--mount-target-id", mt_id) == {
        "SecurityGroups": [other]
    }
    cli("ec2", "delete-security-group", "--group-id", sg)  # no longer used

    many = [
        cli("ec2", "create-security-group", "--group-name", f"g{i}", "--description", "g")[
            "GroupId"
        ]
        for i in range(6)
    ]
    with pytest.raises(ClientError) as exc:
        efs.modify_mount_target_security_groups(MountTargetId=mt_id, SecurityGroups=many)
    assert exc.value.response["Error"]["Code"] == "SecurityGroupLimitExceeded"
    with pytest.raises(ClientError) as exc:
        efs.modify_mount_target_security_groups(
            MountTargetId=mt_id, SecurityGroups=["sg-0123456789abcdef0"]
        )
    assert exc.value.response["Error"]["Code"] == "SecurityGroupNotFound"
    own_vpc = cli("ec2", "create-vpc", "--cidr-block", "10.9.0.0/16")["Vpc"]["VpcId"]
    elsewhere = cli(
        "ec2",
        "create-security-group",
        "--group-name",
        "far",
        "--description",
        "far",
        "--vpc-id",
        own_vpc,
    )["GroupId"]
    with pytest.raises(ClientError) as exc:
        efs.modify_mount_target_security_groups(MountTargetId=mt_id, SecurityGroups=[elsewhere])
    assert exc.value.response["Error"]["Code"] == "SecurityGroupNotFound"
    assert efs.describe_mount_target_security_groups(MountTargetId=mt_id)["SecurityGroups"] == [
        other
    ]
    # Mount targets of one file system live in one VPC.
    far_subnet = cli("ec2", "create-subnet", "--vpc-id", own_vpc, "--cidr-block", "10.9.1.0/24")[
        "Subnet"
    ]["SubnetId"]
    with pytest.raises(ClientError) as exc:
        efs.create_mount_target(FileSystemId=fs_id, SubnetId=far_subnet)
    assert exc.value.response["Error"]["Code"] == "MountTargetConflict"
    with pytest.raises(ClientError) as exc:
        efs.create_mount_target(FileSystemId=fs_id, SubnetId="subnet-0123456789abcdef0")
    assert exc.value.response["Error"]["Code"] == "SubnetNotFound"
    assert len(efs.describe_mount_targets(FileSystemId=fs_id)["MountTargets"]) == 1
    efs.delete_mount_target(MountTargetId=mt_id)
    cli("ec2", "delete-security-group", "--group-id", other)


def test_mount_targets_in_several_zones_and_errors(cli: Cli, efs: Any, region: str) -> None:
    fs_id = file_system(cli, "mt-zones")
    made = []
    for zone in "abc":
        subnet, _ = default_subnet(cli, zone)
        made.append(efs.create_mount_target(FileSystemId=fs_id, SubnetId=subnet))
    addresses = {m["IpAddress"] for m in made}
    assert len(addresses) == 3
    page = efs.describe_mount_targets(FileSystemId=fs_id, MaxItems=2)
    assert len(page["MountTargets"]) == 2 and "NextMarker" in page
    rest = efs.describe_mount_targets(FileSystemId=fs_id, Marker=page["NextMarker"])
    seen = [m["MountTargetId"] for m in page["MountTargets"] + rest["MountTargets"]]
    assert sorted(seen) == sorted(m["MountTargetId"] for m in made)
    with pytest.raises(ClientError) as exc:
        efs.describe_mount_targets()
    assert exc.value.response["Error"]["Code"] == "BadRequest"
    with pytest.raises(ClientError) as exc:
        efs.describe_mount_targets(FileSystemId="fs-0123456789abcdef0")
    assert exc.value.response["Error"]["Code"] == "FileSystemNotFound"
    with pytest.raises(ClientError) as exc:
        efs.delete_mount_target(MountTargetId="fsmt-0123456789abcdef0")
    assert exc.value.response["Error"]["Code"] == "MountTargetNotFound"
    one_zone = efs.create_file_system(CreationToken="oz-mt", AvailabilityZoneName=f"{region}a")
    subnet_b, _ = default_subnet(cli, "b")
    with pytest.raises(ClientError) as exc:
        efs.create_mount_target(FileSystemId=one_zone["FileSystemId"], SubnetId=subnet_b)
    assert exc.value.response["Error"]["Code"] == "AvailabilityZonesMismatch"
    for m in made:
        efs.delete_mount_target(MountTargetId=m["MountTargetId"])
