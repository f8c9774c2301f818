"""SQL for DB parameter groups: custom groups, their values, the engines' parameters."""

from __future__ import annotations

from fogbank.services.rds import tagging
from fogbank.services.rds.models import Scope
from fogbank.storage.db import Conn


def insert_group(
    conn: Conn, scope: Scope, name: str, family: str, description: str, now: float
) -> None:
    conn.execute(
        "INSERT INTO rds_parameter_groups (account_id, region, name, family, description,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (scope.account_id, scope.region, name, family, description, now),
    )


def get_group(conn: Conn, scope: Scope, name: str) -> tuple[str, str] | None:
    """(family, description) of a custom group."""
    row = conn.one(
        "SELECT family, description FROM rds_parameter_groups"
        " WHERE account_id = ? AND region = ? AND name = ?",
        (scope.account_id, scope.region, name),
    )
    return None if row is None else (str(row["family"]), str(row["description"]))


def list_groups(conn: Conn, scope: Scope) -> list[tuple[str, str, str]]:
    rows = conn.all(
        "SELECT name, family, description FROM rds_parameter_groups"
        " WHERE account_id = ? AND region = ? ORDER BY name",
        (scope.account_id, scope.region),
    )
    return [(str(r["name"]), str(r["family"]), str(r["description"])) for r in rows]


def delete_group(conn: Conn, scope: Scope, name: str) -> None:
    args = (scope.account_id, scope.region, name)
    tagging.remove_all(conn, scope, tagging.PARAMETER_GROUP, name)
    conn.execute(
        "DELETE FROM rds_parameter_values WHERE account_id = ? AND region = ? AND group_name = ?",
        args,
    )
    conn.execute(
        "DELETE FROM rds_parameter_groups WHERE account_id = ? AND region = ? AND name = ?",
        args,
    )


def group_in_use(conn: Conn, scope: Scope, name: str) -> bool:
    row = conn.one(
        "SELECT 1 AS x FROM rds_instances WHERE account_id = ? AND region = ?"
        " AND parameter_group = ?",
        (scope.account_id, scope.region, name),
    )
    return row is not None


def group_values(conn: Conn, scope: Scope, group: str) -> dict[str, tuple[str, str]]:
    """name -> (value, apply_method) of the parameters a custom group sets."""
    rows = conn.all(
        "SELECT name, value, apply_method FROM rds_parameter_values"
        " WHERE account_id = ? AND region = ? AND group_name = ?",
        (scope.account_id, scope.region, group),
    )
    return {str(r["name"]): (str(r["value"]), str(r["apply_method"])) for r in rows}


def set_value(
    conn: Conn, scope: Scope, group: str, name: str, value: str | None, method: str
) -> None:
    args = (scope.account_id, scope.region, group, name)
    conn.execute(
        "DELETE FROM rds_parameter_values WHERE account_id = ? AND region = ?"
        " AND group_name = ? AND name = ?",
        args,
    )
    if value is not None:
        conn.execute(
            "INSERT INTO rds_parameter_values (account_id, region, group_name, name, value,"
            " apply_method) VALUES (?, ?, ?, ?, ?, ?)",
            (*args, value, method),
        )


# -- discovered engine parameters -------------------------------------------------------


def get_definitions(conn: Conn, server: str) -> str | None:
    value = conn.scalar("SELECT definitions FROM rds_engine_parameters WHERE server = ?", (server,))
    return None if value is None else str(value)


def put_definitions(conn: Conn, server: str, definitions: str, now: float) -> None:
    conn.execute("DELETE FROM rds_engine_parameters WHERE server = ?", (server,))
    conn.execute(
        "INSERT INTO rds_engine_parameters (server, discovered_at, definitions) VALUES (?, ?, ?)",
        (server, now, definitions),
    )


def copy_values(conn: Conn, scope: Scope, source: str, target: str) -> None:
    """The values a custom group sets, into another (empty) custom group."""
    for name, (value, method) in group_values(conn, scope, source).items():
        set_value(conn, scope, target, name, value, method)
