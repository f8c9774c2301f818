"""Tags of RDS resources: SQL over ``rds_tags`` and RDS's rules for keys and values.

A resource is named by its type and a key that does not change with its name: a DB
instance by its ``DbiResourceId`` (tags survive a rename, and a new instance reusing a
name starts without the old one's tags), parameter and subnet groups by their name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from fogbank.services.rds import errors
from fogbank.services.rds.models import Scope, Tags
from fogbank.storage.db import Conn

MAX_TAGS = 50
DB = "db"
PARAMETER_GROUP = "pg"
SUBNET_GROUP = "subgrp"
_KEY_CHARS = re.compile(r"[\w\s.:/=+\-@]*", re.UNICODE)


def check(tags: Sequence[tuple[str, str]]) -> Tags:
    """Tags as given, checked with RDS's rules (InvalidParameterValue otherwise)."""
    seen: dict[str, str] = {}
    for key, value in tags:
        if not 1 <= len(key) <= 128 or not _KEY_CHARS.fullmatch(key):
            raise errors.invalid_value(
                f"Invalid tag key {key!r}: 1 to 128 Unicode letters, digits, white space,"
                " and _ . : / = + - @"
            )
        if key.lower().startswith(("aws:", "rds:")):
            raise errors.invalid_value(f"Tag keys may not begin with aws: or rds: ({key})")
        if len(value) > 256 or not _KEY_CHARS.fullmatch(value):
            raise errors.invalid_value(
                f"Invalid tag value for key {key!r}: at most 256 Unicode letters, digits,"
                " white space, and _ . : / = + - @"
            )
        seen[key] = value
    return tuple(seen.items())


def put(conn: Conn, scope: Scope, kind: str, key: str, tags: Iterable[tuple[str, str]]) -> None:
    """Add or overwrite tags; TagQuotaPerResourceExceeded past 50."""
    current = get(conn, scope, kind, key)
    merged = dict(current)
    merged.update(dict(tags))
    if len(merged) > MAX_TAGS:
        raise errors.tag_quota()
    for tag_key, value in tags:
        args = (scope.account_id, scope.region, kind, key, tag_key)
        conn.execute(
            "DELETE FROM rds_tags WHERE account_id = ? AND region = ? AND resource_type = ?"
            " AND resource_key = ? AND tag_key = ?",
            args,
        )
        conn.execute(
            "INSERT INTO rds_tags (account_id, region, resource_type, resource_key, tag_key,"
            " tag_value) VALUES (?, ?, ?, ?, ?, ?)",
            (*args, value),
        )


def remove(conn: Conn, scope: Scope, kind: str, key: str, tag_keys: Iterable[str]) -> None:
    for tag_key in tag_keys:
        conn.execute(
            "DELETE FROM rds_tags WHERE account_id = ? AND region = ? AND resource_type = ?"
            " AND resource_key = ? AND tag_key = ?",
            (scope.account_id, scope.region, kind, key, tag_key),
        )


def remove_all(conn: Conn, scope: Scope, kind: str, key: str) -> None:
    conn.execute(
        "DELETE FROM rds_tags WHERE account_id = ? AND region = ? AND resource_type = ?"
        " AND resource_key = ?",
        (scope.account_id, scope.region, kind, key),
    )


def get(conn: Conn, scope: Scope, kind: str, key: str) -> Tags:
    rows = conn.all(
        "SELECT tag_key, tag_value FROM rds_tags WHERE account_id = ? AND region = ?"
        " AND resource_type = ? AND resource_key = ? ORDER BY tag_key",
        (scope.account_id, scope.region, kind, key),
    )
    return tuple((str(r["tag_key"]), str(r["tag_value"])) for r in rows)


def of_kind(conn: Conn, scope: Scope, kind: str) -> Mapping[str, Tags]:
    """Every tagged resource of a kind in the scope: key -> tags."""
    rows = conn.all(
        "SELECT resource_key, tag_key, tag_value FROM rds_tags WHERE account_id = ?"
        " AND region = ? AND resource_type = ? ORDER BY resource_key, tag_key",
        (scope.account_id, scope.region, kind),
    )
    out: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        out.setdefault(str(r["resource_key"]), []).append((str(r["tag_key"]), str(r["tag_value"])))
    return {k: tuple(v) for k, v in out.items()}


def as_list(tags: Iterable[tuple[str, str]]) -> list[dict[str, object]]:
    """The wire form: ``[{"Key": ..., "Value": ...}]``."""
    return [{"Key": k, "Value": v} for k, v in tags]
