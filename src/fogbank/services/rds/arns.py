"""RDS ARNs: ``arn:aws:rds:<region>:<account>:<type>:<name>``."""

from __future__ import annotations

from dataclasses import dataclass

from fogbank.core.arn import arn
from fogbank.services.rds import errors
from fogbank.services.rds.models import Scope

DB = "db"
PARAMETER_GROUP = "pg"
SUBNET_GROUP = "subgrp"
SNAPSHOT = "snapshot"
CLUSTER = "cluster"
OPTION_GROUP = "og"
SECURITY_GROUP = "secgrp"


def of(scope: Scope, kind: str, name: str) -> str:
    return arn("rds", scope.region, scope.account_id, f"{kind}:{name}")


def instance(scope: Scope, name: str) -> str:
    return of(scope, DB, name)


def parameter_group(scope: Scope, name: str) -> str:
    return of(scope, PARAMETER_GROUP, name)


def subnet_group(scope: Scope, name: str) -> str:
    return of(scope, SUBNET_GROUP, name)


@dataclass(frozen=True)
class Parsed:
    scope: Scope
    kind: str
    name: str


def parse(text: str) -> Parsed:
    """An RDS resource ARN; InvalidParameterValue when it is not one."""
    parts = text.split(":", 6)
    if (
        len(parts) != 7
        or parts[0] != "arn"
        or parts[2] != "rds"
        or not parts[3]
        or not parts[4]
        or not parts[5]
        or not parts[6]
    ):
        raise errors.invalid_value(f"Invalid resource name: {text}")
    return Parsed(Scope(parts[4], parts[3]), parts[5], parts[6])
