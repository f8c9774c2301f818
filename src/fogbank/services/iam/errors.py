"""IAM's errors, with AWS's codes, statuses and message texts.

Messages as AWS words them (quoted by SDK issues and docs): "The user with name alice
cannot be found.", "User with name alice already exists.", "Cannot delete entity, must
delete access keys first.", "A managed policy can have up to 5 versions. Before you create
a new version, you must delete an existing version.", "Cannot exceed quota for
AccessKeysPerUser: 2" ...
"""

from __future__ import annotations

from fogbank.core.errors import AwsError


def no_such_entity(message: str) -> AwsError:
    return AwsError("NoSuchEntity", message, status=404)


def already_exists(message: str) -> AwsError:
    return AwsError("EntityAlreadyExists", message, status=409)


def delete_conflict(message: str) -> AwsError:
    return AwsError("DeleteConflict", message, status=409)


def limit_exceeded(message: str) -> AwsError:
    return AwsError("LimitExceeded", message, status=409)


def quota(name: str, limit: int) -> AwsError:
    return limit_exceeded(f"Cannot exceed quota for {name}: {limit}")


def malformed_policy(message: str) -> AwsError:
    return AwsError("MalformedPolicyDocument", message, status=400)


def invalid_input(message: str) -> AwsError:
    return AwsError("InvalidInput", message, status=400)


def validation(message: str) -> AwsError:
    return AwsError("ValidationError", message, status=400)


def constraint(member: str, value: object, rule: str) -> AwsError:
    """The generic model-constraint failure: ``1 validation error detected: ...``."""
    shown = "null" if value is None else f"'{value}'"
    return validation(
        f"1 validation error detected: Value {shown} at '{member}' failed to satisfy "
        f"constraint: Member {rule}"
    )


def not_attachable(arn: str) -> AwsError:
    return no_such_entity(f"Policy {arn} does not exist or is not attachable.")


def policy_not_found(arn: str) -> AwsError:
    return no_such_entity(f"Policy {arn} was not found.")


def user_not_found(name: str) -> AwsError:
    return no_such_entity(f"The user with name {name} cannot be found.")


def role_not_found(name: str) -> AwsError:
    return no_such_entity(f"The role with name {name} cannot be found.")


def group_not_found(name: str) -> AwsError:
    return no_such_entity(f"The group with name {name} cannot be found.")


def profile_not_found(name: str) -> AwsError:
    return no_such_entity(f"Instance Profile {name} cannot be found.")


def unmodifiable(message: str) -> AwsError:
    return AwsError("UnmodifiableEntity", message, status=400)
