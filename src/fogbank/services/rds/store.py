"""SQL for RDS's tables. Plain functions over a ``Conn``, run by ``Database.read/write``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

from fogbank.services.rds import tagging
from fogbank.services.rds.models import Event, Instance, InstanceOptions, Scope
from fogbank.storage.db import Conn, Row

_INSTANCE_COLUMNS = (
    "resource_id, account_id, region, instance_id, engine, engine_version, family, server,"
    " instance_class, allocated_storage, storage_type, master_username, db_name, address,"
    " port, parameter_group, security_groups, publicly_accessible, status, status_reason,"
    " desired, intent_seq, applied_seq, reboot_seq, initialized, param_apply_status,"
    " applied_parameters, booted_parameter_group, pending_changes, secret_change,"
    " admin_secret, storage_used, created_at, options"
)


@dataclass(frozen=True)
class Record:
    """An instance row with the bookkeeping only the engine layer sees."""

    instance: Instance
    intent_seq: int
    applied_seq: int
    reboot_seq: int
    initialized: bool
    applied_parameters: dict[str, str]
    booted_parameter_group: str | None
    secret_change: str | None
    admin_secret: str

    @property
    def resource_id(self) -> str:
        return self.instance.resource_id


def _str(row: Row, key: str) -> str:
    return str(row[key])


def _int(row: Row, key: str) -> int:
    value = row[key]
    return int(value) if isinstance(value, int | float | str) else 0


def _opt(row: Row, key: str) -> str | None:
    value = row[key]
    return None if value is None else str(value)


def record_from_row(row: Row) -> Record:
    pending = json.loads(_str(row, "pending_changes"))
    instance = Instance(
        scope=Scope(_str(row, "account_id"), _str(row, "region")),
        instance_id=_str(row, "instance_id"),
        resource_id=_str(row, "resource_id"),
        engine=_str(row, "engine"),
        engine_version=_str(row, "engine_version"),
        family=_str(row, "family"),
        server=_str(row, "server"),
        instance_class=_str(row, "instance_class"),
        allocated_storage=_int(row, "allocated_storage"),
        storage_type=_str(row, "storage_type"),
        master_username=_str(row, "master_username"),
        db_name=_opt(row, "db_name"),
        address=_str(row, "address"),
        port=_int(row, "port"),
        parameter_group=_str(row, "parameter_group"),
        parameter_apply_status=_str(row, "param_apply_status"),
        security_group_ids=tuple(json.loads(_str(row, "security_groups"))),
        publicly_accessible=bool(row["publicly_accessible"]),
        status=_str(row, "status"),
        desired=_str(row, "desired"),
        created_at=float(_str(row, "created_at")),
        storage_used=_int(row, "storage_used"),
        pending_changes=dict(pending),
        status_reason=_opt(row, "status_reason"),
        options=InstanceOptions.from_json(_opt(row, "options")),
    )
    return Record(
        instance=instance,
        intent_seq=_int(row, "intent_seq"),
        applied_seq=_int(row, "applied_seq"),
        reboot_seq=_int(row, "reboot_seq"),
        initialized=bool(row["initialized"]),
        applied_parameters=dict(json.loads(_str(row, "applied_parameters"))),
        booted_parameter_group=_opt(row, "booted_parameter_group"),
        secret_change=_opt(row, "secret_change"),
        admin_secret=_str(row, "admin_secret"),
    )


# -- instances ------------------------------------------------------------------------


def insert_instance(conn: Conn, record: Record) -> None:
    i = record.instance
    conn.execute(
        f"INSERT INTO rds_instances ({_INSTANCE_COLUMNS}) VALUES"  # noqa: S608
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?, ?, ?)",
        (
            i.resource_id,
            i.scope.account_id,
            i.scope.region,
            i.instance_id,
            i.engine,
            i.engine_version,
            i.family,
            i.server,
            i.instance_class,
            i.allocated_storage,
            i.storage_type,
            i.master_username,
            i.db_name,
            i.address,
            i.port,
            i.parameter_group,
            json.dumps(list(i.security_group_ids)),
            i.publicly_accessible,
            i.status,
            i.status_reason,
            i.desired,
            record.intent_seq,
            record.applied_seq,
            record.reboot_seq,
            record.initialized,
            i.parameter_apply_status,
            json.dumps(record.applied_parameters),
            record.booted_parameter_group,
            json.dumps(i.pending_changes),
            record.secret_change,
            record.admin_secret,
            i.storage_used,
            i.created_at,
            i.options.to_json(),
        ),
    )


def get_by_name(conn: Conn, scope: Scope, instance_id: str) -> Record | None:
    row = conn.one(
        f"SELECT {_INSTANCE_COLUMNS} FROM rds_instances"  # noqa: S608
        " WHERE account_id = ? AND region = ? AND instance_id = ?",
        (scope.account_id, scope.region, instance_id),
    )
    return None if row is None else record_from_row(row)


def get(conn: Conn, resource_id: str) -> Record | None:
    row = conn.one(
        f"SELECT {_INSTANCE_COLUMNS} FROM rds_instances WHERE resource_id = ?",  # noqa: S608
        (resource_id,),
    )
    return None if row is None else record_from_row(row)


def list_instances(conn: Conn, scope: Scope | None = None) -> list[Record]:
    if scope is None:
        rows = conn.all(
            f"SELECT {_INSTANCE_COLUMNS} FROM rds_instances ORDER BY created_at"  # noqa: S608
        )
    else:
        rows = conn.all(
            f"SELECT {_INSTANCE_COLUMNS} FROM rds_instances"  # noqa: S608
            " WHERE account_id = ? AND region = ? ORDER BY instance_id",
            (scope.account_id, scope.region),
        )
    return [record_from_row(r) for r in rows]


def used_addresses(conn: Conn) -> set[str]:
    return {str(r["address"]) for r in conn.all("SELECT address FROM rds_instances")}


_UPDATABLE = {
    "instance_id",
    "instance_class",
    "allocated_storage",
    "parameter_group",
    "security_groups",
    "publicly_accessible",
    "status",
    "status_reason",
    "desired",
    "applied_seq",
    "initialized",
    "param_apply_status",
    "applied_parameters",
    "booted_parameter_group",
    "pending_changes",
    "secret_change",
    "storage_used",
    "port",
    "reboot_seq",
    "options",
}


def update(conn: Conn, resource_id: str, bump_intent: bool = False, **values: object) -> None:
    """Set columns of one instance; ``bump_intent`` also asks the supervisor to act."""
    update_values(conn, resource_id, values, bump_intent)


def update_values(
    conn: Conn, resource_id: str, values: Mapping[str, object], bump_intent: bool = False
) -> None:
    unknown = set(values) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    encoded = {
        k: v.to_json()
        if isinstance(v, InstanceOptions)
        else json.dumps(v)
        if isinstance(v, dict | list | tuple)
        else v
        for k, v in values.items()
    }
    sets = [f"{k} = ?" for k in encoded]
    if bump_intent:
        sets.append("intent_seq = intent_seq + 1")
    if not sets:
        return
    conn.execute(
        f"UPDATE rds_instances SET {', '.join(sets)} WHERE resource_id = ?",  # noqa: S608
        (*encoded.values(), resource_id),
    )


def bump_intents_for_group(conn: Conn, scope: Scope, group: str) -> list[str]:
    rows = conn.all(
        "SELECT resource_id FROM rds_instances WHERE account_id = ? AND region = ?"
        " AND (parameter_group = ? OR booted_parameter_group = ?)",
        (scope.account_id, scope.region, group, group),
    )
    ids = [str(r["resource_id"]) for r in rows]
    for rid in ids:
        conn.execute(
            "UPDATE rds_instances SET intent_seq = intent_seq + 1 WHERE resource_id = ?", (rid,)
        )
    return ids


def delete_instance(conn: Conn, resource_id: str) -> None:
    rec = get(conn, resource_id)
    if rec is not None:
        tagging.remove_all(conn, rec.instance.scope, tagging.DB, resource_id)
    conn.execute("DELETE FROM rds_instances WHERE resource_id = ?", (resource_id,))


def with_status(record: Record, status: str) -> Record:
    return replace(record, instance=replace(record.instance, status=status))


# -- events ---------------------------------------------------------------------------


def add_event(conn: Conn, event: Event) -> None:
    conn.execute(
        "INSERT INTO rds_events (account_id, region, source_id, source_type, at, message,"
        " categories) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            event.scope.account_id,
            event.scope.region,
            event.source_id,
            event.source_type,
            event.at,
            event.message,
            json.dumps(list(event.categories)),
        ),
    )


def list_events(
    conn: Conn, scope: Scope, source_id: str | None = None, since: float | None = None
) -> list[Event]:
    sql = (
        "SELECT source_id, source_type, at, message, categories FROM rds_events"
        " WHERE account_id = ? AND region = ?"
    )
    args: list[object] = [scope.account_id, scope.region]
    if source_id is not None:
        sql += " AND source_id = ?"
        args.append(source_id)
    if since is not None:
        sql += " AND at >= ?"
        args.append(since)
    rows = conn.all(sql + " ORDER BY at, id", args)
    return [
        Event(
            scope,
            str(r["source_id"]),
            str(r["source_type"]),
            float(str(r["at"])),
            str(r["message"]),
            tuple(json.loads(str(r["categories"]))),
        )
        for r in rows
    ]
