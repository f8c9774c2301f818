"""Mount-target rows."""

from __future__ import annotations

import json

from fogbank.services.efs.models import MountTarget
from fogbank.services.efs.store.rows import real, text
from fogbank.storage.db import Conn, Row

_COLUMNS = (
    "mt_id, fs_id, account_id, region, subnet_id, vpc_id, zone_name, zone_id, ip_address,"
    " eni_id, security_groups, state, created_at"
)


def _row(r: Row) -> MountTarget:
    return MountTarget(
        mt_id=text(r, "mt_id"),
        fs_id=text(r, "fs_id"),
        account_id=text(r, "account_id"),
        region=text(r, "region"),
        subnet_id=text(r, "subnet_id"),
        vpc_id=text(r, "vpc_id"),
        zone_name=text(r, "zone_name"),
        zone_id=text(r, "zone_id"),
        ip_address=text(r, "ip_address"),
        eni_id=text(r, "eni_id"),
        security_groups=tuple(json.loads(text(r, "security_groups"))),
        state=text(r, "state"),
        created_at=real(r, "created_at"),
    )


def insert(conn: Conn, mt: MountTarget) -> None:
    conn.execute(
        f"INSERT INTO efs_mount_targets ({_COLUMNS}) VALUES"  # noqa: S608
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            mt.mt_id,
            mt.fs_id,
            mt.account_id,
            mt.region,
            mt.subnet_id,
            mt.vpc_id,
            mt.zone_name,
            mt.zone_id,
            mt.ip_address,
            mt.eni_id,
            json.dumps(list(mt.security_groups)),
            mt.state,
            mt.created_at,
        ),
    )


def get(conn: Conn, mt_id: str) -> MountTarget | None:
    r = conn.one(f"SELECT {_COLUMNS} FROM efs_mount_targets WHERE mt_id = ?", (mt_id,))  # noqa: S608
    return None if r is None else _row(r)


def of_file_system(conn: Conn, fs_id: str) -> list[MountTarget]:
    rows = conn.all(
        f"SELECT {_COLUMNS} FROM efs_mount_targets WHERE fs_id = ? ORDER BY mt_id",  # noqa: S608
        (fs_id,),
    )
    return [_row(r) for r in rows]


def count_of(conn: Conn, fs_id: str) -> int:
    value = conn.scalar("SELECT COUNT(*) FROM efs_mount_targets WHERE fs_id = ?", (fs_id,))
    assert isinstance(value, int)
    return value


def counts(conn: Conn, fs_ids: list[str]) -> dict[str, int]:
    if not fs_ids:
        return {}
    marks = ",".join("?" * len(fs_ids))
    rows = conn.all(
        "SELECT fs_id, COUNT(*) AS n FROM efs_mount_targets"  # noqa: S608
        f" WHERE fs_id IN ({marks}) GROUP BY fs_id",
        tuple(fs_ids),
    )
    return {text(r, "fs_id"): int(str(r["n"])) for r in rows}


def every(conn: Conn) -> list[MountTarget]:
    """All mount targets of all accounts (the data-plane host serves them)."""
    rows = conn.all(f"SELECT {_COLUMNS} FROM efs_mount_targets ORDER BY fs_id, mt_id")  # noqa: S608
    return [_row(r) for r in rows]


def used_addresses(conn: Conn) -> set[str]:
    return {text(r, "ip_address") for r in conn.all("SELECT ip_address FROM efs_mount_targets")}


def set_groups(conn: Conn, mt_id: str, groups: tuple[str, ...]) -> None:
    conn.execute(
        "UPDATE efs_mount_targets SET security_groups = ? WHERE mt_id = ?",
        (json.dumps(list(groups)), mt_id),
    )


def mark_available(conn: Conn, mt_id: str) -> bool:
    cur = conn.execute(
        "UPDATE efs_mount_targets SET state = 'available' WHERE mt_id = ? AND state = 'creating'",
        (mt_id,),
    )
    return bool(cur.rowcount)


def delete(conn: Conn, mt_id: str) -> None:
    conn.execute("DELETE FROM efs_mount_targets WHERE mt_id = ?", (mt_id,))
