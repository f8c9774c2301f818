"""File-system rows."""

from __future__ import annotations

import json

from fogbank.services.efs.models import FileSystem, Lifecycle
from fogbank.services.efs.store.rows import opt_bytes, opt_float, opt_text, real, text
from fogbank.storage.db import Conn, Row

_COLUMNS = (
    "fs_id, account_id, region, creation_token, created_at, state, performance_mode,"
    " throughput_mode, provisioned_mibps, throughput_changed_at, encrypted, kms_key_arn,"
    " data_key_blob, zone_name, zone_id, backup_status, replication_protection, lifecycle,"
    " policy"
)


def lifecycle_json(lc: Lifecycle) -> str:
    return json.dumps(
        {
            "ia": lc.transition_to_ia,
            "primary": lc.transition_to_primary,
            "archive": lc.transition_to_archive,
        }
    )


def _lifecycle(raw: str) -> Lifecycle:
    doc = json.loads(raw)
    return Lifecycle(doc.get("ia"), doc.get("primary"), doc.get("archive"))


def _row(r: Row) -> FileSystem:
    return FileSystem(
        fs_id=text(r, "fs_id"),
        account_id=text(r, "account_id"),
        region=text(r, "region"),
        creation_token=text(r, "creation_token"),
        created_at=real(r, "created_at"),
        state=text(r, "state"),
        performance_mode=text(r, "performance_mode"),
        throughput_mode=text(r, "throughput_mode"),
        provisioned_mibps=opt_float(r, "provisioned_mibps"),
        throughput_changed_at=opt_float(r, "throughput_changed_at"),
        encrypted=bool(r["encrypted"]),
        kms_key_arn=opt_text(r, "kms_key_arn"),
        data_key_blob=opt_bytes(r, "data_key_blob"),
        zone_name=opt_text(r, "zone_name"),
        zone_id=opt_text(r, "zone_id"),
        backup_status=text(r, "backup_status"),
        replication_protection=text(r, "replication_protection"),
        lifecycle=_lifecycle(text(r, "lifecycle")),
        policy=opt_text(r, "policy"),
    )


def insert(conn: Conn, fs: FileSystem) -> None:
    conn.execute(
        f"INSERT INTO efs_file_systems ({_COLUMNS}) VALUES"  # noqa: S608
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            fs.fs_id,
            fs.account_id,
            fs.region,
            fs.creation_token,
            fs.created_at,
            fs.state,
            fs.performance_mode,
            fs.throughput_mode,
            fs.provisioned_mibps,
            fs.throughput_changed_at,
            fs.encrypted,
            fs.kms_key_arn,
            fs.data_key_blob,
            fs.zone_name,
            fs.zone_id,
            fs.backup_status,
            fs.replication_protection,
            lifecycle_json(fs.lifecycle),
            fs.policy,
        ),
    )


def get(conn: Conn, fs_id: str) -> FileSystem | None:
    r = conn.one(f"SELECT {_COLUMNS} FROM efs_file_systems WHERE fs_id = ?", (fs_id,))  # noqa: S608
    return None if r is None else _row(r)


def owned(conn: Conn, account_id: str, region: str, fs_id: str) -> FileSystem | None:
    fs = get(conn, fs_id)
    if fs is None or (fs.account_id, fs.region) != (account_id, region):
        return None
    return fs


def by_token(conn: Conn, account_id: str, region: str, token: str) -> FileSystem | None:
    r = conn.one(
        f"SELECT {_COLUMNS} FROM efs_file_systems"  # noqa: S608
        " WHERE account_id = ? AND region = ? AND creation_token = ?",
        (account_id, region, token),
    )
    return None if r is None else _row(r)


def page(conn: Conn, account_id: str, region: str, after: str, limit: int) -> list[FileSystem]:
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM efs_file_systems"  # noqa: S608
        " WHERE account_id = ? AND region = ? AND fs_id > ? ORDER BY fs_id LIMIT ?",
        (account_id, region, after, limit),
    )
    return [_row(r) for r in rows]


def count(conn: Conn, account_id: str, region: str) -> int:
    value = conn.scalar(
        "SELECT COUNT(*) FROM efs_file_systems WHERE account_id = ? AND region = ?",
        (account_id, region),
    )
    assert isinstance(value, int)
    return value


def every(conn: Conn, fs_ids: list[str]) -> list[FileSystem]:
    if not fs_ids:
        return []
    marks = ",".join("?" * len(fs_ids))
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM efs_file_systems WHERE fs_id IN ({marks})",  # noqa: S608
        tuple(fs_ids),
    )
    return [_row(r) for r in rows]


def set_state(conn: Conn, fs_id: str, state: str) -> None:
    conn.execute("UPDATE efs_file_systems SET state = ? WHERE fs_id = ?", (state, fs_id))


def set_throughput(
    conn: Conn, fs_id: str, mode: str, mibps: float | None, changed_at: float | None
) -> None:
    conn.execute(
        "UPDATE efs_file_systems SET throughput_mode = ?, provisioned_mibps = ?,"
        " throughput_changed_at = ? WHERE fs_id = ?",
        (mode, mibps, changed_at, fs_id),
    )


def set_lifecycle(conn: Conn, fs_id: str, lc: Lifecycle) -> None:
    conn.execute(
        "UPDATE efs_file_systems SET lifecycle = ? WHERE fs_id = ?", (lifecycle_json(lc), fs_id)
    )


def set_policy(conn: Conn, fs_id: str, policy: str | None) -> None:
    conn.execute("UPDATE efs_file_systems SET policy = ? WHERE fs_id = ?", (policy, fs_id))


def set_backup(conn: Conn, fs_id: str, status: str) -> None:
    conn.execute("UPDATE efs_file_systems SET backup_status = ? WHERE fs_id = ?", (status, fs_id))


def set_protection(conn: Conn, fs_id: str, value: str) -> None:
    conn.execute(
        "UPDATE efs_file_systems SET replication_protection = ? WHERE fs_id = ?", (value, fs_id)
    )


def delete(conn: Conn, fs_id: str) -> None:
    conn.execute("DELETE FROM efs_file_systems WHERE fs_id = ?", (fs_id,))
