"""RDS's modeled errors, raised as ``AwsError`` with the codes the RDS API uses."""

from __future__ import annotations

from fogbank.core.errors import AwsError


def instance_not_found(instance_id: str) -> AwsError:
    return AwsError("DBInstanceNotFound", f"DBInstance {instance_id} not found.", status=404)


def instance_exists(instance_id: str) -> AwsError:
    return AwsError("DBInstanceAlreadyExists", f"DB instance already exists: {instance_id}")


def invalid_state(instance_id: str, status: str, action: str) -> AwsError:
    return AwsError(
        "InvalidDBInstanceState",
        f"DB instance {instance_id} is in state {status}; cannot {action}.",
    )


def group_not_found(name: str) -> AwsError:
    return AwsError("DBParameterGroupNotFound", f"DBParameterGroup not found: {name}", status=404)


def group_exists(name: str) -> AwsError:
    return AwsError("DBParameterGroupAlreadyExists", f"Parameter group {name} already exists")


def invalid_group_state(message: str) -> AwsError:
    return AwsError("InvalidDBParameterGroupState", message)


def invalid_value(message: str) -> AwsError:
    return AwsError("InvalidParameterValue", message)


def invalid_combination(message: str) -> AwsError:
    return AwsError("InvalidParameterCombination", message)


def no_address_left() -> AwsError:
    return AwsError(
        "InsufficientDBInstanceCapacity",
        "fogbank has no free loopback endpoint address left for a new DB instance.",
    )


def tag_quota() -> AwsError:
    return AwsError(
        "TagQuotaPerResourceExceeded", "A resource may have at most 50 tags; remove some first."
    )


def subnet_group_not_found(name: str) -> AwsError:
    return AwsError("DBSubnetGroupNotFoundFault", f"DBSubnetGroup '{name}' not found.", status=404)


def subnet_group_exists(name: str) -> AwsError:
    return AwsError("DBSubnetGroupAlreadyExists", f"The DB subnet group '{name}' already exists.")


def subnet_group_in_use(name: str, instance_id: str) -> AwsError:
    return AwsError(
        "InvalidDBSubnetGroupStateFault",
        f"Cannot delete the subnet group '{name}' because at least one database instance:"
        f" {instance_id} is still using it.",
    )


def invalid_subnet(message: str) -> AwsError:
    return AwsError("InvalidSubnet", message)


def not_enough_azs(zones: list[str]) -> AwsError:
    return AwsError(
        "DBSubnetGroupDoesNotCoverEnoughAZs",
        "The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement."
        f" Current AZ coverage: {', '.join(zones) or 'none'}. Add subnets to cover at"
        " least 2 AZs.",
    )


def invalid_vpc_state(message: str) -> AwsError:
    return AwsError("InvalidVPCNetworkStateFault", message)


def db_security_group_not_found(name: str) -> AwsError:
    return AwsError("DBSecurityGroupNotFound", f"DBSecurityGroup {name} not found.", status=404)


def quota(code: str, message: str) -> AwsError:
    return AwsError(code, message)


def snapshot_not_found(name: str) -> AwsError:
    return AwsError("DBSnapshotNotFound", f"DBSnapshot {name} not found.", status=404)


def certificate_not_found(name: str) -> AwsError:
    return AwsError("CertificateNotFound", f"Certificate {name} not found.", status=404)


def not_supported(what: str) -> AwsError:
    """An RDS feature fogbank does not have yet: said plainly, never faked."""
    return AwsError(
        "NotImplemented",
        f"fogbank does not implement {what} yet.",
        status=501,
        sender_fault=False,
    )
