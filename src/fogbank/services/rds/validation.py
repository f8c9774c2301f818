"""Checks of CreateDBInstance/ModifyDBInstance inputs, with RDS's rules and messages."""

from __future__ import annotations

import re

from fogbank.services.rds import errors

_IDENTIFIER = re.compile(r"[a-z][a-z0-9-]{0,62}")
_GROUP_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-.]{0,254}")
_RESERVED_USERS = {"rdsadmin", "mariadb.sys", "rds_superuser", "public"}
_PASSWORD_FORBIDDEN = set("/'\"@ ")


def instance_identifier(value: str) -> str:
    ident = value.lower()
    if not _IDENTIFIER.fullmatch(ident) or "--" in ident or ident.endswith("-"):
        raise errors.invalid_value(
            "The parameter DBInstanceIdentifier is not a valid identifier. Identifiers must"
            " begin with a letter; must contain only ASCII letters, digits, and hyphens; and"
            " must not end with a hyphen or contain two consecutive hyphens."
        )
    return ident


def group_name(value: str) -> str:
    if not _GROUP_NAME.fullmatch(value) or "--" in value or value.endswith("-"):
        raise errors.invalid_value(
            f"The parameter DBParameterGroupName is not a valid name: {value}"
        )
    return value.lower()


def master_username(engine: str, value: str) -> str:
    limit = 63 if engine == "postgres" else 16
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", value) or len(value) > limit:
        raise errors.invalid_value(
            f"The parameter MasterUsername is not a valid identifier: it must be 1 to {limit}"
            " letters, digits or underscores and begin with a letter."
        )
    if value.lower() in _RESERVED_USERS:
        raise errors.invalid_value(
            f"MasterUsername {value} cannot be used as it is a reserved word used by the engine"
        )
    return value


def master_password(engine: str, value: str) -> str:
    limit = 128 if engine == "postgres" else 41
    if not 8 <= len(value) <= limit:
        raise errors.invalid_value(
            f"The parameter MasterUserPassword is not a valid password because it is shorter"
            f" than 8 characters or longer than {limit}."
        )
    if any(not (0x20 < ord(c) < 0x7F) or c in _PASSWORD_FORBIDDEN for c in value):
        raise errors.invalid_value(
            "The parameter MasterUserPassword is not a valid password. Only printable ASCII"
            " characters besides '/', '@', '\"', ' ' may be used."
        )
    return value


def db_name(engine: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    limit = 63 if engine == "postgres" else 64
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", value) or len(value) > limit:
        raise errors.invalid_value(
            f"DBName must begin with a letter and contain only alphanumeric characters"
            f" (at most {limit})."
        )
    return value


STORAGE_LIMITS = {
    "gp2": (20, 65536),
    "gp3": (20, 65536),
    "io1": (100, 65536),
    "io2": (100, 65536),
    "standard": (5, 3072),
}


def storage_type(value: str) -> str:
    if value not in STORAGE_LIMITS:
        raise errors.invalid_value(
            f"Invalid storage type: {value} (valid: {', '.join(STORAGE_LIMITS)})"
        )
    return value


def allocated_storage(engine: str, value: int, kind: str = "gp2") -> int:
    low, high = STORAGE_LIMITS.get(kind, STORAGE_LIMITS["gp2"])
    if not low <= value <= high:
        raise errors.invalid_value(
            f"Invalid storage size for engine name {engine} and storage type {kind}: {value}"
        )
    return value


def port(value: int) -> int:
    if not 1150 <= value <= 65535:
        raise errors.invalid_value(f"Invalid port {value}: it must be from 1150 to 65535.")
    return value
