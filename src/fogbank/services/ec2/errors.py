"""EC2's errors, with the codes and wording EC2 answers (all HTTP 400 unless noted)."""

from __future__ import annotations

from fogbank.core.errors import AwsError


def error(code: str, message: str) -> AwsError:
    return AwsError(code, message, status=400)


def invalid_value(message: str) -> AwsError:
    return error("InvalidParameterValue", message)


def missing(name: str) -> AwsError:
    return error("MissingParameter", f"The request must contain the parameter {name}")


def combination(message: str) -> AwsError:
    return error("InvalidParameterCombination", message)


def dry_run() -> AwsError:
    return AwsError(
        "DryRunOperation", "Request would have succeeded, but DryRun flag is set.", status=412
    )


# -- ids -----------------------------------------------------------------------------


def malformed(code: str, text: str, prefix: str) -> AwsError:
    return error(code, f'Invalid id: "{text}" (expecting "{prefix}-...")')


def invalid_id(text: str) -> AwsError:
    return error("InvalidID", f"The ID '{text}' is not valid")


def vpc_not_found(vpc_id: str) -> AwsError:
    return error("InvalidVpcID.NotFound", f"The vpc ID '{vpc_id}' does not exist")


def subnet_not_found(subnet_id: str) -> AwsError:
    return error("InvalidSubnetID.NotFound", f"The subnet ID '{subnet_id}' does not exist")


def group_not_found(group_id: str) -> AwsError:
    return error("InvalidGroup.NotFound", f"The security group '{group_id}' does not exist")


def group_name_not_found(name: str, default_vpc_id: str | None) -> AwsError:
    return error(
        "InvalidGroup.NotFound",
        f"The security group '{name}' does not exist in default VPC '{default_vpc_id or 'none'}'",
    )


def rule_not_found(rule_id: str) -> AwsError:
    return error(
        "InvalidSecurityGroupRuleId.NotFound",
        f"The security group rule ID '{rule_id}' does not exist",
    )


def no_default_vpc() -> AwsError:
    return error("VPCIdNotSpecified", "No default VPC for this user")


# -- VPCs and subnets ------------------------------------------------------------------


def invalid_cidr(cidr: str, parameter: str = "cidrBlock") -> AwsError:
    return invalid_value(
        f"Value ({cidr}) for parameter {parameter} is invalid. This is not a valid CIDR block."
    )


def vpc_range(cidr: str) -> AwsError:
    return error("InvalidVpc.Range", f"The CIDR '{cidr}' is invalid.")


def subnet_range(cidr: str) -> AwsError:
    return error("InvalidSubnet.Range", f"The CIDR '{cidr}' is invalid.")


def subnet_conflict(cidr: str) -> AwsError:
    return error("InvalidSubnet.Conflict", f"The CIDR '{cidr}' conflicts with another subnet")


def vpc_in_use(vpc_id: str) -> AwsError:
    return error(
        "DependencyViolation", f"The vpc '{vpc_id}' has dependencies and cannot be deleted."
    )


def subnet_in_use(subnet_id: str) -> AwsError:
    return error(
        "DependencyViolation",
        f"The subnet '{subnet_id}' has dependencies and cannot be deleted.",
    )


def vpc_limit() -> AwsError:
    return error("VpcLimitExceeded", "The maximum number of VPCs has been reached.")


# -- security groups and rules ---------------------------------------------------------


def group_duplicate(name: str, vpc_id: str) -> AwsError:
    return error(
        "InvalidGroup.Duplicate", f"The security group '{name}' already exists for VPC '{vpc_id}'"
    )


def group_reserved(name: str) -> AwsError:
    return error("InvalidGroup.Reserved", f"The security group '{name}' is reserved")


def cannot_delete_default(group_id: str) -> AwsError:
    return error(
        "CannotDelete",
        f'the specified group: "{group_id}" name: "default" cannot be deleted by a user',
    )


def group_in_use(group_id: str) -> AwsError:
    return error("DependencyViolation", f"resource {group_id} has a dependent object")


def rule_cidr(cidr: str) -> AwsError:
    return invalid_value(f"CIDR block {cidr} is malformed")


def permission_duplicate(description: str) -> AwsError:
    return error(
        "InvalidPermission.Duplicate", f'the specified rule "{description}" already exists'
    )


def permission_not_found() -> AwsError:
    return error(
        "InvalidPermission.NotFound", "The specified rule does not exist in this security group."
    )


def rules_limit() -> AwsError:
    return error(
        "RulesPerSecurityGroupLimitExceeded",
        "The maximum number of rules per security group has been reached.",
    )


# -- listing ---------------------------------------------------------------------------


def invalid_filter(name: str) -> AwsError:
    return invalid_value(f"The filter '{name}' is invalid")


def invalid_token(token: str) -> AwsError:
    return error("InvalidPaginationToken", f"Invalid pagination token: {token}")


def max_results(value: int, low: int, high: int) -> AwsError:
    return invalid_value(
        f"Value ( {value} ) for parameter maxResults is invalid. "
        f"Parameter must be between {low} and {high}."
    )


def tag_limit() -> AwsError:
    return error("TagLimitExceeded", "The maximum number of Tags for a resource has been reached.")
