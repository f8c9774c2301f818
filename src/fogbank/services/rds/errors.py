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
